"""Reusable mobjects of the RNN lecture, each built from the core's numeric arrays.

Every mobject here draws numbers it is given (from ``rnncore`` results); none
computes model math. One module per concept:

- ``numbers``: number formatting (``fmt``, ``shown``, ``relation``, ``tex_num``,
  ``display_step``...) and the ``Text``/TeX factories of numbers and equation lines.
- ``value_shapes``: shapes whose fill shows a value: ``VectorStrip``,
  ``NeuronLayer``, ``MatrixGrid``; cell and neuron sizes.
- ``network``: the RNN at one time step: ``Connections``,
  ``RecurrentConnections``, ``RNNNeuronsView``.
- ``unrolled``: ``UnrolledRNN``, the network unrolled over time with numbers.
- ``equations``: ``EquationPanel``, equations with one neuron's numbers substituted.
- ``keys``: ``Legend`` and ``ColorBar``.
- ``blackbox``: ``FoldedRNN`` and ``BlackboxChain``, the abstract pictures.

The frame, margins and stage (``STAGE_*``) are named in ``scenes.layout``;
meanings and their colours in ``scenes.grammar``. Everything public is re-exported
here, so ``from scenes.mobjects import X`` works; scenes import from the modules.
"""

from __future__ import annotations

import scenes.manim_fixes  # noqa: F401  (before any mobject is built)
from scenes.layout import STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.blackbox import BlackboxChain, FoldedRNN
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.network import Connections, RecurrentConnections, RNNNeuronsView
from scenes.mobjects.numbers import (
    display_step,
    fmt,
    holds,
    neg_log_display,
    relation,
    shown,
    tex_num,
)
from scenes.mobjects.unrolled import NONE_MARK, UnrolledRNN
from scenes.mobjects.value_shapes import (
    CELL_HEIGHT,
    CELL_WIDTH,
    TARGET_FRAME,
    MatrixGrid,
    NeuronLayer,
    VectorStrip,
)

__all__ = [
    "CELL_HEIGHT",
    "CELL_WIDTH",
    "NONE_MARK",
    "STAGE_BOTTOM",
    "STAGE_CENTER",
    "STAGE_TOP",
    "STAGE_WIDTH",
    "TARGET_FRAME",
    "BlackboxChain",
    "ColorBar",
    "Connections",
    "EquationPanel",
    "FoldedRNN",
    "Legend",
    "MatrixGrid",
    "NeuronLayer",
    "RNNNeuronsView",
    "RecurrentConnections",
    "UnrolledRNN",
    "VectorStrip",
    "display_step",
    "fmt",
    "holds",
    "neg_log_display",
    "relation",
    "shown",
    "tex_num",
]
