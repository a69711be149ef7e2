"""The DCL review's backward steps: output errors, hidden errors (red arrows), gradients."""

from __future__ import annotations

import numpy as np
from manim import (
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    Text,
    VGroup,
)

from rnncore import error_terms
from scenes.dcl.stage import DenseStage
from scenes.dense_mobjects import (
    EQ_FONT,
    PANEL_WIDTH,
    RUN,
    ErrorArrows,
    ErrorChain,
    ErrorTags,
    OuterProduct,
    tex_vec,
)
from scenes.grammar import FONT_LABEL, MEANING
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.numbers import fmt, relation, shown, tex_num

__all__ = ["BackwardSteps"]


class BackwardSteps(DenseStage):
    """The errors from the top down, then the gradients as outer products."""

    def show_output_errors(self) -> None:
        r = self.review
        d_o = r.backprop.deltas[1]
        self.beat(
            "Point at: the red numbers beside the output neurons. Read out: delta-o = y-hat "
            f"minus y = {', '.join(fmt(v) for v in d_o)}. Don't think too much about what "
            "errors mean: they are defined so that the chain rule stays simple. Ask: why is "
            "an error negative where y-hat is below its target? Next: the hidden layer."
        )
        y = r.backprop.y
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
        self.error_tags = {"o": ErrorTags(d_o, self.layers[2], sends=True)}
        self.play(FadeIn(self.error_tags["o"]), FadeIn(self.error_legend), run_time=RUN)

    def show_hidden_errors(self) -> None:
        r = self.review
        d_h = r.backprop.deltas[0]
        j, n = self.focus_unit, self.focus_unit + 1
        terms = error_terms(r.params, r.trace, r.backprop, j)
        self.beat(
            f"Point at: the red arrows into hidden neuron {n}, one from every output neuron. "
            f"Read out: the sum of V times delta-o is {fmt(terms.weighted_sum)}; times the "
            f"slope of tanh, 1 - {fmt(terms.h)} squared, delta-h{n} = {fmt(terms.delta)}. "
            "Ask: why do the errors go back along the same connections V? Next: every "
            "hidden neuron gets such arrows."
        )
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

    def show_recursion(self) -> None:
        """Every hidden neuron's red arrows, and the errors layer by layer from the loss."""
        r = self.review
        d_h, d_o = r.backprop.deltas
        self.beat(
            "Point at: the red arrows into every hidden neuron, then the chain on the right, "
            f"top down. Read out: L = {fmt(r.loss)}; delta-o = "
            f"{', '.join(fmt(v) for v in d_o)} adjusts V and c; from it, delta-h = "
            f"{', '.join(fmt(v) for v in d_h)} adjusts U and b. To adjust a layer you need "
            "the next layer's errors, and for those the next-next layer's. Ask: in a deeper "
            "DCL, which layer's errors come first? Next: the gradients."
        )
        focus = self.focus_unit
        others = [
            ErrorArrows(self.layers[2], self.layers[1], j)
            for j in range(len(self.layers[1]))
            if j != focus
        ]
        self.chain = ErrorChain(
            r.loss,
            [
                (r"\delta^{o}", d_o, r"V,\,c"),
                (r"\delta^{h}", d_h, r"U,\,b"),
            ],
            [
                r"\hat y - y",
                r"(1 - h^2) \odot V^{\top} \delta^{o}",
            ],
        )
        self.play(LaggedStart(*(Create(a) for a in others), lag_ratio=0.1), run_time=RUN)
        self.all_arrows = VGroup(self.arrows, *others)  # every hidden neuron's
        self.bring_to_front(*self.error_tags.values())
        self.set_panel(
            Text(
                "errors, layer by layer from the top",
                font_size=FONT_LABEL,
                color=MEANING.text.color,
            ),
            self.chain,
            buff=0.4,
        )

    def show_gradients(self) -> None:
        r = self.review
        gU, gV = r.backprop.grads.weights
        k, j = np.unravel_index(np.argmax(np.abs(gV)), gV.shape)
        self.beat(
            "Point at: the two outer products. The gradient of a weight is the error of the "
            "neuron it feeds times the value flowing in: dL/dV = delta-o h-transposed, dL/dU "
            f"= delta-h x-transposed. Read out: the largest, dL/dV{k + 1}{j + 1} = "
            f"{fmt(gV[k, j])}. Ask: "
            + (
                "which entries of dL/dU are zero, and why? "
                if np.any(r.x == 0)
                else "which input's column of dL/dU is largest, and why? "
            )
            + "Next: one step of gradient descent."
        )
        d_h, d_o = r.backprop.deltas
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
        self.play(FadeOut(self.all_arrows), run_time=RUN / 2)
        self.set_panel(self.gradients["V"], self.gradients["U"], buff=0.25)
