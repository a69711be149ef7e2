"""The steps of the DCL review scene ``scenes.dense_backprop.DenseBackprop`` (001 §1).

One module per group of slides, each a ``DenseStage`` subclass whose methods are the
scene's named steps:

- ``stage``: ``DenseStage``, the helpers every step uses (notes, layers, the panel).
- ``forward``: ``ForwardSteps``, the network, its parameters, forward pass and loss.
- ``backward``: ``BackwardSteps``, the errors (red arrows) and the gradients.
- ``update``: ``UpdateSteps``, the new weights and biases and the forward pass again.

The mobjects are in ``scenes.dense_mobjects``.
"""

from __future__ import annotations

from scenes.dcl.backward import BackwardSteps
from scenes.dcl.forward import ForwardSteps
from scenes.dcl.stage import DenseStage
from scenes.dcl.update import UpdateSteps

__all__ = ["BackwardSteps", "DenseStage", "ForwardSteps", "UpdateSteps"]
