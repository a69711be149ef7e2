"""The DCL review's forward steps: the network, its parameters, the forward pass, the loss."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    UP,
    Create,
    FadeIn,
    Indicate,
    LaggedStart,
    MathTex,
    Text,
    VGroup,
)

from scenes.dcl.stage import DenseStage
from scenes.dense_mobjects import (
    EQ_FONT,
    LAYER_Y,
    LEGEND_Y,
    PANEL_LEFT,
    PANEL_WIDTH,
    RUN,
    TARGET_BUFF,
    VMAX,
    WeightConnections,
    error_legend,
    mse_lines,
    tex_vec,
)
from scenes.grammar import FONT_LABEL, FONT_NUMBER, MEANING
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.keys import ColorBar
from scenes.mobjects.numbers import fmt, neg_log_display, relation, shown, tex_num

__all__ = ["ForwardSteps"]


class ForwardSteps(DenseStage):
    """The network, its parameters counted, the forward pass to h and y-hat, the loss."""

    def show_network(self) -> None:
        r = self.review
        self.beat(
            "Point at: inputs at the bottom, outputs at the top; colour and width of a "
            "connection are its weight. Read out: the input x = "
            f"{', '.join(fmt(v) for v in r.x)} and the target y = "
            f"{', '.join(fmt(v) for v in r.backprop.y)}. Simple RNNs are straightforward "
            "applications of DCL: this is the lesson's RNN without its recurrence, same U, b, "
            "V, c. Ask: which connections of the RNN are missing here? Next: count the "
            "parameters."
        )
        self.clear_stage()
        n_in, n_hidden, n_out = r.params.sizes
        U, V = r.params.weights
        self.layers = [
            self.make_layer(
                n_in, LAYER_Y[0], "x", MEANING.input.color, self.lesson.input_labels, DOWN
            ),
            self.make_layer(n_hidden, LAYER_Y[1], "h", MEANING.hidden.color, (), DOWN),
            self.make_layer(
                n_out, LAYER_Y[2], r"\hat y", MEANING.output.color, self.lesson.output_labels, UP
            ),
        ]
        self.links = [
            WeightConnections(self.layers[0], self.layers[1], U, vmax=VMAX),
            WeightConnections(self.layers[1], self.layers[2], V, vmax=VMAX),
        ]
        self.weight_labels = VGroup(
            *(
                MathTex(tex, font_size=FONT_LABEL + 4, color=MEANING.text.color).move_to(
                    [self.layers[0].label.get_x(), (LAYER_Y[i] + LAYER_Y[i + 1]) / 2, 0]
                )
                for i, tex in enumerate(("U,\\,b", "V,\\,c"))
            )
        )
        colorbar = ColorBar(VMAX, label="value / weight (width = |weight|)", length=2.4)
        colorbar.move_to([PANEL_LEFT + PANEL_WIDTH / 2, LEGEND_Y, 0])
        self.error_legend = error_legend().next_to(colorbar, UP, buff=0.25)
        self.play(
            LaggedStart(*(FadeIn(layer) for layer in self.layers), lag_ratio=0.3), run_time=RUN
        )
        self.play(
            *(Create(link) for link in self.links),
            FadeIn(self.weight_labels),
            FadeIn(colorbar),
            run_time=RUN,
        )
        self.bring_layers_to_front()
        self.set_panel(
            Text("the RNN without its recurrence:", font_size=FONT_LABEL, color=MEANING.text.color),
            MathTex(
                r"x \xrightarrow{\;U,\,b\;} h \xrightarrow{\;V,\,c\;} \hat y", font_size=EQ_FONT
            ),
            MathTex(rf"x = x^{{(1)}} = {tex_vec(r.x)}", font_size=EQ_FONT),
            MathTex(rf"y = y^{{(1)}} = {tex_vec(r.backprop.y)}", font_size=EQ_FONT),
        )

    def forward_to_hidden(self) -> None:
        r = self.review
        j, n = self.focus_unit, self.focus_unit + 1
        self.beat(
            f"Point at: hidden neuron {n} and the connections into it. Read out: a{n} = b{n} "
            f"plus the inputs weighted by row {n} of U, {fmt(r.trace.a[0][j])}; h{n} = "
            f"tanh(a{n}) = {fmt(r.trace.h[1][j])}. Every hidden neuron does the same. "
            "Ask: what would two layers without tanh amount to? Next: the output layer."
        )
        x, h, a = r.trace.h[0], r.trace.h[1], r.trace.a[0]
        U, b = r.params.weights[0], r.params.biases[0]
        self.play(self.layers[0].set_values(x), run_time=RUN)
        products = [rf"{tex_num(U[j, i])}\cdot{tex_num(x[i])}" for i in range(len(x))]
        a_by_hand = shown(b[j]) + sum(shown(U[j, i]) * shown(x[i]) for i in range(len(x)))
        panel = EquationPanel(
            [
                [
                    (f"a_{{{n}}}", MEANING.hidden.color),
                    ("=", MEANING.text.color),
                    (rf"b_{{{n}}} + \sum\nolimits_i U_{{{n}i}}\, x_i", MEANING.text.color),
                ],
                *self.sum_lines([("=", MEANING.text.color)], [tex_num(b[j]), *products]),
                [
                    (relation(a_by_hand, fmt(a[j])), MEANING.text.color),
                    (fmt(a[j]), MEANING.hidden.color),
                ],
                [
                    (f"h_{{{n}}}", MEANING.hidden.color),
                    ("=", MEANING.text.color),
                    (
                        rf"\tanh({fmt(a[j])}) "
                        + relation(np.tanh(shown(a[j])), fmt(h[j]))
                        + f" {fmt(h[j])}",
                        MEANING.hidden.color,
                    ),
                ],
            ],
            {"b": b[j], "u": U[j].copy(), "x": x.copy(), "a": a[j], "h": h[j]},
            font_size=EQ_FONT,
            max_width=PANEL_WIDTH,
        )
        self.panels["hidden_forward"] = panel
        self.play(self.links[0].highlight(j), run_time=RUN / 2)
        self.set_panel(panel)
        self.play(self.layers[1].set_values(h), run_time=RUN)
        self.play(
            Indicate(self.layers[1].shapes[j], color=MEANING.hidden.color), self.links[0].reset()
        )

    def forward_to_output(self) -> None:
        r = self.review
        softmax = r.trace.output == "softmax"
        o, y_hat = r.trace.a[1], r.trace.y_hat
        self.beat(
            "Point at: the output layer. Read out: o = V h + c = "
            f"{', '.join(fmt(v) for v in o)}; "
            + (
                f"softmax makes the estimate y-hat = {', '.join(fmt(v) for v in y_hat)}. "
                "Ask: what do the outputs of softmax always add up to? "
                if softmax
                else "y-hat = o, the estimate. Ask: why is there no softmax here? "
            )
            + "Next: how far is the estimate from the target?"
        )
        act = r"\mathrm{softmax}(o)" if softmax else "o"
        panel = EquationPanel(
            [
                [
                    ("o", MEANING.output.color),
                    ("=", MEANING.text.color),
                    ("V h + c", MEANING.text.color),
                ],
                [("=", MEANING.text.color), (tex_vec(o), MEANING.output.color)],
                [
                    (r"\hat y", MEANING.output.color),
                    ("=", MEANING.text.color),
                    (act, MEANING.text.color),
                ],
                [("=", MEANING.text.color), (tex_vec(y_hat), MEANING.output.color)],
            ],
            {"o": o.copy(), "y_hat": y_hat.copy()},
            font_size=EQ_FONT,
            max_width=PANEL_WIDTH,
        )
        self.panels["output_forward"] = panel
        self.set_panel(panel)
        self.play(self.layers[2].set_values(y_hat), run_time=RUN)

    def show_loss(self) -> None:
        r = self.review
        y = r.backprop.y
        self.beat(
            "Point at: the target row y above the outputs, then the loss. Read out: y = "
            f"{', '.join(fmt(v) for v in y)}, L = {fmt(r.loss)}. The further y-hat is from "
            "y, the larger the loss; learning adjusts the parameters to make it smaller. "
            + (
                "Ask: what would L be if y-hat gave the target class a probability of 1? "
                if r.trace.output == "softmax"
                else "Ask: what would L be if y-hat equalled y? "
            )
            + "Next: the errors, from the top."
        )
        outputs = self.layers[2]
        top = (outputs.names if len(outputs.names) else outputs.shapes).get_top()[1]
        self.targets = VGroup()  # the supervising vector, one value above each output
        for value, circle in zip(y, outputs.shapes, strict=True):
            tag = Text(fmt(value), font_size=FONT_NUMBER, color=MEANING.text.color)
            self.targets.add(tag.move_to([circle.get_x(), top + TARGET_BUFF, 0], aligned_edge=DOWN))
        self.target_label = MathTex("y", font_size=FONT_LABEL + 6, color=MEANING.text.color)
        self.target_label.move_to([outputs.label.get_x(), self.targets.get_y(), 0])
        if r.trace.output == "softmax":
            k = int(r.target)
            p_text, rel, loss_text = neg_log_display(r.trace.y_hat[k], r.loss)
            lines = [
                [
                    ("L", MEANING.text.color),
                    ("=", MEANING.text.color),
                    (r"-\sum\nolimits_k y_k \log \hat y_k", MEANING.text.color),
                ],
                [
                    ("=", MEANING.text.color),
                    (rf"-\log \hat y_{{{k + 1}}} = -\log {p_text}", MEANING.text.color),
                ],
                [(rel, MEANING.text.color), (loss_text, MEANING.text.color)],
            ]
        else:
            lines = [
                [
                    ("L", MEANING.text.color),
                    ("=", MEANING.text.color),
                    (r"\tfrac12 \sum\nolimits_k (\hat y_k - y_k)^2", MEANING.text.color),
                ],
                *mse_lines(r.trace.y_hat, y, r.loss),
            ]
        panel = EquationPanel(
            lines, {"y": y.copy(), "loss": r.loss}, font_size=EQ_FONT, max_width=PANEL_WIDTH
        )
        self.panels["loss"] = panel
        self.play(FadeIn(self.targets), FadeIn(self.target_label), run_time=RUN)
        self.set_panel(panel)
