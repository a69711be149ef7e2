"""Mobjects of backpropagation through time: coloured error flows and gradient frames.

Everything here draws numbers it is given (read from ``rnncore`` results); nothing
computes model math. One module per concept:

- ``stage``: the error stage of the BPTT scenes (``error_stage``, ``place_panel``,
  ``source_legend``) and ``SharedScaleNeuronsView`` for before/after an update.
- ``flow``: ``ErrorFlow``, the errors of every source loss L(s) in coloured lanes.
- ``gradients``: ``MatrixFrame`` (a gradient in a coloured frame) and
  ``GradientTable`` (every parameter's per-step gradients and their sum).
- ``sources``: ``SourceBars`` and ``ContributionSum``, errors split by source loss.
- ``equations``: Goodfellow 10.18-10.28 with one unit's numbers, the error chain.
- ``update``: ``UpdateTable`` (losses before and after one update), ``update_verdict``.

Norms against a distance on a log axis (``LogNormPlot``) are a plot: ``scenes.curves``.
Everything public is re-exported here; scenes import from the modules.
"""

from __future__ import annotations

from scenes.errorflow.flow import ARROW_WIDTH, ErrorFlow
from scenes.errorflow.gradients import GradientTable, MatrixFrame
from scenes.errorflow.sources import ContributionSum, SourceBars
from scenes.errorflow.stage import (
    LEGEND_WIDTH,
    NET_HEIGHT,
    PANEL_Y,
    SharedScaleNeuronsView,
    error_stage,
    place_panel,
    source_legend,
)

__all__ = [
    "ARROW_WIDTH",
    "LEGEND_WIDTH",
    "NET_HEIGHT",
    "PANEL_Y",
    "ContributionSum",
    "ErrorFlow",
    "GradientTable",
    "MatrixFrame",
    "SharedScaleNeuronsView",
    "SourceBars",
    "error_stage",
    "place_panel",
    "source_legend",
]
