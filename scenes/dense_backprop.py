"""DenseBackprop: a brief review of backpropagation in a densely connected layer (001 §1).

The review network is the lesson's RNN with its recurrence removed
(``rnncore.dense_review``): input -> hidden with U, b and tanh, hidden -> output with
V, c and softmax, fed the RNN's first input with its first target. In the article's
order: parameters versus variables (``y = a x + b`` drawn with a = U_ji and b = b_j of
the network, and the line after one learning step), the network, its parameters as
numbers (U, b, V, c) and counted, classical machine learning (features and a function
made by hand) next to a DCL (the network made by hand), the forward pass, the loss
against the target, the errors from the top (the red arrows into one hidden neuron,
then into every one, with the errors layer by layer: each layer's errors from the next
layer's), the gradients as outer products, and one update on three slides: the
weights (U' and V' as grids), the biases, and the forward pass again (a', h', o' and
the loss after), so that every number after the update follows from the slides.

Every number comes from ``rnncore``. The scene keeps what it shows, for tests:
``self.layers`` (neuron values), ``self.error_tags`` (the errors beside the neurons),
``self.parameter_grids`` (U, b, V, c), ``self.chain`` (the errors layer by layer),
``self.gradients`` (the gradient matrices), ``self.new_weights`` (the updated U' and
V' grids), ``self.panels`` (equations with their ``numbers``) and ``self.notes``. The
steps are in ``scenes.dcl`` (one module per group of slides), the mobjects in
``scenes.dense_mobjects`` and ``scenes.dense_intro_mobjects``.

Render::

    manim -ql scenes/dense_backprop.py DenseBackprop
"""

from __future__ import annotations

from manim import Mobject

from rnncore import DenseReview, dense_review
from scenes.dcl import BackwardSteps, ForwardSteps, IntroSteps, UpdateSteps
from scenes.mobjects.equations import EquationPanel

__all__ = ["DenseBackprop"]


class DenseBackprop(IntroSteps, ForwardSteps, BackwardSteps, UpdateSteps):
    """Forward pass, errors, gradients and one update of a three-layer DCL."""

    def construct(self) -> None:
        self.review: DenseReview = dense_review(self.lesson)
        self.panels: dict[str, EquationPanel] = {}
        self.panel: Mobject | None = None
        self.notes: list[str] = []  # the speaker notes of every slide, in order
        self.parameters_and_variables()
        self.show_network()
        self.count_parameters()
        self.feature_engineering()
        self.forward_to_hidden()
        self.forward_to_output()
        self.show_loss()
        self.show_output_errors()
        self.show_hidden_errors()
        self.show_recursion()
        self.show_gradients()
        self.update_weights()
        self.update_biases()
        self.forward_again()
