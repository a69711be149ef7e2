"""The steps of the DCL review scene ``scenes.dense_backprop.DenseBackprop`` (001 §1).

One module per group of slides, each a ``DenseStage`` subclass whose methods are the
scene's named steps:

- ``stage``: ``DenseStage``, the helpers every step uses (notes, layers, the panel).
- ``intro``: ``IntroSteps``, parameters and variables (y = a x + b), the network's
  parameters counted, feature engineering replaced by network design.
- ``forward``: ``ForwardSteps``, the network, the forward pass and the loss.
- ``backward``: ``BackwardSteps``, the errors (red arrows) layer by layer, the gradients.
- ``update``: ``UpdateSteps``, the new weights and biases and the forward pass again.

The mobjects are in ``scenes.dense_mobjects``.
"""

from __future__ import annotations

from scenes.dcl.backward import BackwardSteps
from scenes.dcl.forward import ForwardSteps
from scenes.dcl.intro import IntroSteps
from scenes.dcl.stage import DenseStage
from scenes.dcl.update import UpdateSteps

__all__ = ["BackwardSteps", "DenseStage", "ForwardSteps", "IntroSteps", "UpdateSteps"]
