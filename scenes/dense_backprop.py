"""DenseBackprop: a brief review of backpropagation in a densely connected layer (001 §1).

The review network is the lesson's RNN with its recurrence removed
(``rnncore.dense_review``): input -> hidden with U, b and tanh, hidden -> output with
V, c and softmax, fed the RNN's first input with its first target. The scene counts
the parameters, runs the forward pass with the values on the neurons, takes the loss,
sends the errors back (the article's red arrows: the errors of all the output neurons
converge on one hidden neuron), forms the gradients as outer products and makes one
update on three slides: the weights (the new U' and V' as grids with numbers), the
biases (dL/db = delta-h and dL/dc = delta-o, b' and c' element by element) and the
forward pass again (a' = U'x + b', h' = tanh(a'), the estimate and the loss before and
after), so that every number after the update follows from numbers on the slides.

Every number comes from ``rnncore``. The scene keeps what it shows, for tests:
``self.layers`` (neuron values), ``self.error_tags`` (the errors beside the neurons),
``self.gradients`` (the gradient matrices), ``self.new_weights`` (the updated U' and
V' grids) and ``self.panels`` (equations with their ``numbers``). The steps are in
``scenes.dcl`` (one module per group of slides), the mobjects in ``scenes.dense_mobjects``.

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
