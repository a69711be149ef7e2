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
from scenes.mobjects.numbers import fmt, neg_log_display, relation, shown, tex_num

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
            f"Which {unmoved} weights did not move at all, and why?"
            if unmoved
            else "Which weight moved the most, and why that one?"
        )
        v_gives = gives(shown(V[k, j]) - lr * shown(gV[k, j]), fmt(V_new[k, j]))
        u_gives = gives(shown(U[m, i]) - lr * shown(gU[m, i]), fmt(U_new[m, i]))
        self.beat(
            f"Point at: the line for V{k + 1}{j + 1}, then the new grids U' and V'; the "
            "connections change colour and width. Every weight moves against its gradient, "
            f"scaled by the learning rate. Read out: eta = {lr:g}; {fmt(V[k, j])} minus "
            f"{lr:g} times {fmt(gV[k, j])} {v_gives} {fmt(V_new[k, j])}; U{m + 1}{i + 1}: "
            f"{fmt(U[m, i])} minus {lr:g} times {fmt(gU[m, i])} {u_gives} "
            f"{fmt(U_new[m, i])}. Ask: {question} Next: the biases."
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
        b_gives = gives(shown(b[m]) - lr * shown(gb[m]), fmt(b_new[m]))
        c_gives = gives(shown(c[0]) - lr * shown(gc[0]), fmt(c_new[0]))
        self.beat(
            "Point at: the bias lines and the red errors beside the neurons. A bias is a "
            "weight whose input is always 1, so dL/db = delta-h and dL/dc = delta-o. Read "
            f"out: b{m + 1}: {fmt(b[m])} minus {lr:g} times {fmt(gb[m])} {b_gives} "
            f"{fmt(b_new[m])}; c1: {fmt(c[0])} minus {lr:g} times {fmt(gc[0])} {c_gives} "
            f"{fmt(c_new[0])}. "
            + (
                "Ask: why do the changes of the output biases add up to zero? "
                if r.trace.output == "softmax"
                else "Ask: which bias moves the most, and why? "
            )
            + "Next: the forward pass with the new parameters."
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
        V_new, c_new = r.updated.weights[1], r.updated.biases[1]
        o_new = r.trace_after.a[1]
        self.beat(
            "Point at: a', h' and o' on the right, computed with the new parameters, and the "
            "new values on the neurons. Read out: h' = "
            f"{', '.join(fmt(v) for v in h_new)}; y-hat moves from "
            f"{', '.join(fmt(v) for v in r.trace.y_hat)} to "
            f"{', '.join(fmt(v) for v in r.trace_after.y_hat)}, and the loss from "
            f"{fmt(r.loss)} to {fmt(r.loss_after)}. Ask: would a larger learning rate always "
            "lower the loss more? Next: the same idea in an RNN, where the errors also flow "
            "back through time."
        )
        a_hand = [shown(b_new[j]) + shown(U_new[j]) @ shown(x) for j in range(len(b_new))]
        h_hand = np.tanh(shown(a_new))
        o_hand = shown(V_new) @ shown(h_new) + shown(c_new)
        self.after_relations = (
            relation(a_hand, [fmt(v) for v in a_new]),
            relation(h_hand, [fmt(v) for v in h_new]),
            relation(o_hand, [fmt(v) for v in o_new]),
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
                [
                    ("o'", MEANING.output.color),
                    ("=", MEANING.text.color),
                    ("V' h' + c'", MEANING.text.color),
                ],
                [
                    (self.after_relations[2], MEANING.text.color),
                    (tex_vec(o_new), MEANING.output.color),
                ],
            ],
            {"a": a_new.copy(), "h": h_new.copy(), "o": o_new.copy()},
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
                *self.loss_after_lines(),
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
        self.set_panel(forward, after, buff=0.35, max_height=UPDATE_HEIGHT)
        self.play(self.layers[1].set_values(h_new), run_time=RUN)
        self.play(self.layers[2].set_values(r.trace_after.y_hat), run_time=RUN)
        self.wait(0.1)  # the last frame shows everything settled

    def loss_after_lines(self) -> list[list[tuple[str, ManimColor]]]:
        """``L' = -log y-hat'_k = ...`` (or the mse sum) with the target, from the new estimate."""
        r = self.review
        y_hat = r.trace_after.y_hat
        if r.trace.output != "softmax":
            return [  # y-hat' and y are on the neurons and above them
                [
                    ("L'", MEANING.text.color),
                    ("=", MEANING.text.color),
                    (
                        rf"\tfrac12 \sum\nolimits_k (\hat y'_k - y_k)^2 = {fmt(r.loss_after)}",
                        MEANING.text.color,
                    ),
                ]
            ]
        k = int(r.target)
        p_text, rel, loss_text = neg_log_display(y_hat[k], r.loss_after)
        return [
            [
                ("L'", MEANING.text.color),
                ("=", MEANING.text.color),
                (
                    rf"-\log \hat y'_{{{k + 1}}} = -\log {p_text} {rel} {loss_text}",
                    MEANING.text.color,
                ),
            ],
        ]

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


def gives(computed: float, result: str) -> str:
    """``"gives"`` when the shown digits give ``result``, else ``"gives about"``."""
    return "gives" if relation(computed, result) == "=" else "gives about"
