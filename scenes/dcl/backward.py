"""The DCL review's backward steps: output errors, hidden errors (red arrows), gradients."""

from __future__ import annotations

from manim import (
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
)

from rnncore import error_terms
from scenes.dcl.stage import DenseStage
from scenes.dense_mobjects import (
    EQ_FONT,
    PANEL_WIDTH,
    RUN,
    ErrorArrows,
    ErrorTags,
    OuterProduct,
    tex_vec,
)
from scenes.grammar import MEANING
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.numbers import fmt, relation, shown, tex_num

__all__ = ["BackwardSteps"]


class BackwardSteps(DenseStage):
    """The errors from the top down, then the gradients as outer products."""

    def show_output_errors(self) -> None:
        r = self.review
        self.beat(
            "Back propagation starts at the top: the error of each output neuron is "
            "y-hat minus y. Don't think too much about what these errors mean; they are "
            "defined so that the chain rule stays simple."
        )
        d_o, y = r.backprop.deltas[1], r.backprop.y
        panel = EquationPanel(
            [
                [
                    (r"\delta^{o}", MEANING.error.color),
                    ("=", MEANING.text.color),
                    (r"\hat y - y", MEANING.text.color),
                ],
                [
                    ("=", MEANING.text.color),
                    (rf"{tex_vec(r.trace.y_hat)} - {tex_vec(y)}", MEANING.text.color),
                ],
                [("=", MEANING.text.color), (tex_vec(d_o), MEANING.error.color)],
            ],
            {"delta": d_o.copy()},
            font_size=EQ_FONT,
            max_width=PANEL_WIDTH,
        )
        self.panels["output_errors"] = panel
        self.set_panel(panel)
        self.error_tags = {"o": ErrorTags(d_o, self.layers[2])}
        self.play(FadeIn(self.error_tags["o"]), FadeIn(self.error_legend), run_time=RUN)

    def show_hidden_errors(self) -> None:
        r = self.review
        self.beat(
            "To adjust the parameters of a layer you need the errors of the next layer. "
            "The red arrows show how the errors of all the neurons of the output layer "
            "propagate back to one neuron of the hidden layer: a sum weighted by the same "
            "connections V, times the slope of tanh, one minus h squared. In practice every "
            "hidden neuron gets such a set of red arrows."
        )
        d_h = r.backprop.deltas[0]
        j, n = self.focus_unit, self.focus_unit + 1
        terms = error_terms(r.params, r.trace, r.backprop, j)
        products = [
            rf"{tex_num(w)}\cdot{tex_num(d)}"
            for w, d in zip(terms.weights, terms.next_deltas, strict=True)
        ]
        sum_tex = rf"\sum\nolimits_k V_{{k{n}}}\, \delta^{{o}}_k"
        pairs = zip(terms.weights, terms.next_deltas, strict=True)
        sum_by_hand = sum(shown(w) * shown(d) for w, d in pairs)  # from the shown digits
        delta_by_hand = (1 - shown(terms.h) ** 2) * shown(terms.weighted_sum)
        panel = EquationPanel(
            [
                [
                    (rf"\delta^{{h}}_{{{n}}}", MEANING.error.color),
                    ("=", MEANING.text.color),
                    (rf"(1 - h_{{{n}}}^2) \cdot {sum_tex}", MEANING.text.color),
                ],
                *self.sum_lines(
                    [(sum_tex, MEANING.text.color), ("=", MEANING.text.color)], products, per_line=1
                ),
                [
                    (relation(sum_by_hand, fmt(terms.weighted_sum)), MEANING.text.color),
                    (fmt(terms.weighted_sum), MEANING.text.color),
                ],
                [
                    (rf"\delta^{{h}}_{{{n}}}", MEANING.error.color),
                    ("=", MEANING.text.color),
                    (
                        rf"(1 - {tex_num(terms.h)}^2) \cdot {tex_num(terms.weighted_sum)}",
                        MEANING.text.color,
                    ),
                ],
                [
                    (relation(delta_by_hand, fmt(terms.delta)), MEANING.text.color),
                    (fmt(terms.delta), MEANING.error.color),
                ],
            ],
            {"terms": terms, "delta": terms.delta},
            font_size=EQ_FONT,
            max_width=PANEL_WIDTH,
        )
        self.panels["hidden_error"] = panel
        self.arrows = ErrorArrows(self.layers[2], self.layers[1], j)
        tags = ErrorTags(d_h, self.layers[1], keep=(j,))
        self.error_tags["h"] = tags
        self.play(
            self.links[1].highlight_from(j),
            LaggedStart(*(Create(a) for a in self.arrows), lag_ratio=0.2),
            run_time=RUN,
        )
        self.bring_to_front(self.error_tags["o"])  # the errors stay readable over the arrows
        self.set_panel(panel)
        self.play(
            FadeIn(tags[j]),
            Indicate(self.layers[1].shapes[j], color=MEANING.error.color),
            run_time=RUN,
        )
        self.play(self.links[1].reset(), FadeIn(tags), run_time=RUN)

    def show_gradients(self) -> None:
        r = self.review
        self.beat(
            "With the errors the gradients are simple: the gradient of a weight is the "
            "error of the neuron it feeds times the value that flows in. As matrices, "
            "dL/dV is delta-o times h transposed and dL/dU is delta-h times x transposed."
        )
        d_h, d_o = r.backprop.deltas
        gU, gV = r.backprop.grads.weights
        self.gradients = {
            "V": OuterProduct(
                r"\partial L / \partial V = \delta^{o} h^{\top}",
                r"\delta^{o}",
                "h^{\\top}",
                d_o,
                r.trace.h[1],
                gV,
                MEANING.hidden.color,
            ),
            "U": OuterProduct(
                r"\partial L / \partial U = \delta^{h} x^{\top}",
                r"\delta^{h}",
                "x^{\\top}",
                d_h,
                r.trace.h[0],
                gU,
                MEANING.input.color,
            ),
        }
        self.play(FadeOut(self.arrows), run_time=RUN / 2)
        self.set_panel(self.gradients["V"], self.gradients["U"], buff=0.25)
