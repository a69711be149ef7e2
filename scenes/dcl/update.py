"""The DCL review's update steps: new weights, new biases, the forward pass again."""

from __future__ import annotations

import numpy as np
from manim import (
    FadeIn,
    FadeOut,
    Indicate,
    ManimColor,
    VGroup,
)

from scenes.dcl.stage import DenseStage
from scenes.dense_mobjects import (
    EQ_FONT,
    PANEL_WIDTH,
    RUN,
    UPDATE_HEIGHT,
    matrix_with_label,
    tex_vec,
    update_lines,
)
from scenes.grammar import MEANING
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.numbers import fmt, relation, shown, tex_num

__all__ = ["UpdateSteps"]


class UpdateSteps(DenseStage):
    """One step of gradient descent, shown so that every new number can be recomputed."""

    def update_weights(self) -> None:
        r = self.review
        lr = r.learning_rate
        U, V = r.params.weights
        U_new, V_new = r.updated.weights
        gU, gV = r.backprop.grads.weights
        k, j = np.unravel_index(np.argmax(np.abs(gV)), gV.shape)
        m = self.focus_unit
        i = int(np.argmax(np.abs(gU[m])))
        unmoved = int(np.sum(gU == 0) + np.sum(gV == 0))
        question = (
            f"Which {unmoved} weights did not move at all, and why? (Their input was 0, so "
            "their gradient is 0.)"
            if unmoved
            else "Which weight moved the most, and why that one?"
        )
        self.beat(
            "One step of gradient descent, first the weights: every weight moves against "
            f"its gradient, scaled by the learning rate eta = {lr:g}. Point at V{k + 1}{j + 1}: "
            f"{fmt(V[k, j])} minus {lr:g} times {fmt(gV[k, j])} gives {fmt(V_new[k, j])}; "
            f"and U{m + 1}{i + 1}: {fmt(U[m, i])} minus {lr:g} times {fmt(gU[m, i])} gives "
            f"{fmt(U_new[m, i])}. The grids are the new U' and V'; the connections change "
            f"colour and width. Ask: {question} Next: the biases b and c change too."
        )
        panel = EquationPanel(
            [
                [
                    ("W'", MEANING.text.color),
                    ("=", MEANING.text.color),
                    (
                        rf"W - \eta\, \partial L / \partial W,\quad \eta = {lr:g}",
                        MEANING.text.color,
                    ),
                ],
                self.weight_update_line("V", k, j, V, gV, V_new),
                self.weight_update_line("U", m, i, U, gU, U_new),
            ],
            {"lr": lr, "v": V[k, j], "grad": gV[k, j], "v_new": V_new[k, j]},
            font_size=EQ_FONT,
            max_width=PANEL_WIDTH,
        )
        self.panels["update"] = panel
        self.new_weights = {
            "V": matrix_with_label(V_new, "V' ="),
            "U": matrix_with_label(U_new, "U' ="),
        }
        self.set_panel(
            panel, self.new_weights["V"], self.new_weights["U"], max_height=UPDATE_HEIGHT
        )
        self.play(
            self.links[0].set_weights(U_new),
            self.links[1].set_weights(V_new),
            FadeOut(VGroup(*self.error_tags.values())),
            FadeOut(self.error_legend),
            run_time=1.5,
        )
        self.play(
            Indicate(self.links[1].lines[k][j], color=MEANING.text.color, scale_factor=1.0),
            run_time=RUN,
        )

    def update_biases(self) -> None:
        r = self.review
        lr = r.learning_rate
        b, c = r.params.biases
        gb, gc = r.backprop.grads.biases
        b_new, c_new = r.updated.biases
        m = self.focus_unit
        self.beat(
            "Then the biases. A bias is a weight whose input is always 1, so its gradient "
            "is just the error of its neuron: dL/db is delta-h and dL/dc is delta-o, the red "
            f"numbers beside the neurons again. Read b{m + 1}: {fmt(b[m])} minus {lr:g} times "
            f"{fmt(gb[m])} gives {fmt(b_new[m])}; c1: {fmt(c[0])} minus {lr:g} times "
            f"{fmt(gc[0])} gives {fmt(c_new[0])}. Ask: why do the output biases move by "
            "opposite amounts here? (The output errors of softmax with cross-entropy sum to 0.)"
            if r.trace.output == "softmax"
            else f"{fmt(gc[0])} gives {fmt(c_new[0])}. Ask: which bias moves the most, and why?"
        )
        panel = EquationPanel(
            [
                [
                    (r"\partial L / \partial b", MEANING.text.color),
                    ("=", MEANING.text.color),
                    (r"\delta^{h},", MEANING.error.color),
                    (r"\quad \partial L / \partial c =", MEANING.text.color),
                    (r"\delta^{o}", MEANING.error.color),
                ],
                *update_lines("b", b, gb, lr, b_new, MEANING.hidden.color),
                *update_lines("c", c, gc, lr, c_new, MEANING.output.color),
            ],
            {"b": b.copy(), "db": gb.copy(), "b_new": b_new.copy(), "c": c.copy()}
            | {"dc": gc.copy(), "c_new": c_new.copy(), "lr": lr},
            font_size=EQ_FONT,
            max_width=PANEL_WIDTH,
        )
        self.panels["bias_update"] = panel
        self.set_panel(panel)  # above the error legend
        self.play(
            FadeIn(VGroup(*self.error_tags.values())), FadeIn(self.error_legend), run_time=RUN
        )

    def forward_again(self) -> None:
        r = self.review
        x = r.trace.h[0]
        U_new = r.updated.weights[0]
        b_new = r.updated.biases[0]
        a_new, h_new = r.trace_after.a[0], r.trace_after.h[1]
        self.beat(
            "Propagating forward again with the new U' and b' (and V', c'): a' = U' x + b', "
            f"h' = tanh(a'): the hidden values are now {', '.join(fmt(v) for v in h_new)}. "
            f"The estimate moves from {', '.join(fmt(v) for v in r.trace.y_hat)} to "
            f"{', '.join(fmt(v) for v in r.trace_after.y_hat)}, closer to the target, and the "
            f"loss falls from {fmt(r.loss)} to {fmt(r.loss_after)}. Ask: would a larger "
            "learning rate always lower the loss more? Next: the same idea in an RNN, "
            "where the errors also flow back through time."
        )
        a_hand = [shown(b_new[j]) + shown(U_new[j]) @ shown(x) for j in range(len(b_new))]
        h_hand = np.tanh(shown(a_new))
        self.after_relations = (
            relation(a_hand, [fmt(v) for v in a_new]),
            relation(h_hand, [fmt(v) for v in h_new]),
        )
        forward = EquationPanel(
            [
                [
                    ("a'", MEANING.hidden.color),
                    ("=", MEANING.text.color),
                    ("U' x + b'", MEANING.text.color),
                ],
                [
                    (self.after_relations[0], MEANING.text.color),
                    (tex_vec(a_new), MEANING.hidden.color),
                ],
                [
                    ("h'", MEANING.hidden.color),
                    ("=", MEANING.text.color),
                    (r"\tanh(a')", MEANING.text.color),
                ],
                [
                    (self.after_relations[1], MEANING.text.color),
                    (tex_vec(h_new), MEANING.hidden.color),
                ],
            ],
            {"a": a_new.copy(), "h": h_new.copy()},
            font_size=EQ_FONT,
            max_width=PANEL_WIDTH,
        )
        after = EquationPanel(
            [
                [
                    (r"\hat y", MEANING.output.color),
                    (":", MEANING.text.color),
                    (
                        rf"{tex_vec(r.trace.y_hat)} \rightarrow {tex_vec(r.trace_after.y_hat)}",
                        MEANING.output.color,
                    ),
                ],
                [
                    ("L", MEANING.text.color),
                    (":", MEANING.text.color),
                    (rf"{fmt(r.loss)} \rightarrow {fmt(r.loss_after)}", MEANING.text.color),
                ],
            ],
            {"y_hat": r.trace_after.y_hat.copy(), "loss": r.loss, "loss_after": r.loss_after},
            font_size=EQ_FONT,
            max_width=PANEL_WIDTH,
        )
        self.panels["forward_after"] = forward
        self.panels["after"] = after
        self.play(
            FadeOut(VGroup(*self.error_tags.values())), FadeOut(self.error_legend), run_time=RUN / 2
        )
        self.set_panel(forward, after, buff=0.45, max_height=UPDATE_HEIGHT)
        self.play(self.layers[1].set_values(h_new), run_time=RUN)
        self.play(self.layers[2].set_values(r.trace_after.y_hat), run_time=RUN)
        self.wait(0.1)  # the last frame shows everything settled

    def weight_update_line(
        self, name: str, k: int, j: int, old: np.ndarray, grad: np.ndarray, new: np.ndarray
    ) -> list[tuple[str, ManimColor]]:
        """``name'_{kj} = old - lr * grad = new`` for one weight, holding on its digits."""
        lr = self.review.learning_rate
        rel = relation(shown(old[k, j]) - lr * shown(grad[k, j]), fmt(new[k, j]))
        return [
            (rf"{name}'_{{{k + 1}{j + 1}}}", MEANING.text.color),
            ("=", MEANING.text.color),
            (
                rf"{tex_num(old[k, j])} - {lr:g}\cdot{tex_num(grad[k, j])} {rel} {fmt(new[k, j])}",
                MEANING.text.color,
            ),
        ]
