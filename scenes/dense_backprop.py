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
V' grids) and ``self.panels`` (equations with their ``numbers``). The mobjects are in
``scenes.dense_mobjects``.

Render::

    manim -ql scenes/dense_backprop.py DenseBackprop
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UL,
    UP,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    ManimColor,
    MathTex,
    Mobject,
    Text,
    VGroup,
)

from rnncore import DenseReview, count_parameters, dense_review, error_terms
from scenes.base import LectureScene
from scenes.dense_mobjects import (
    EQ_FONT,
    LAYER_SPAN,
    LAYER_Y,
    LEGEND_Y,
    MAX_SPACING,
    NET_X,
    NEURON_RADIUS,
    PANEL_HEIGHT,
    PANEL_LEFT,
    PANEL_TOP,
    PANEL_WIDTH,
    RADIUS_FRACTION,
    RUN,
    TARGET_BUFF,
    UPDATE_HEIGHT,
    VMAX,
    ErrorArrows,
    ErrorTags,
    OuterProduct,
    WeightConnections,
    error_legend,
    matrix_with_label,
    tex_vec,
    update_lines,
)
from scenes.grammar import FONT_LABEL, FONT_NUMBER, MEANING
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.keys import ColorBar
from scenes.mobjects.numbers import fmt, neg_log_display, relation, shown, tex_num
from scenes.mobjects.value_shapes import NeuronLayer

__all__ = ["DenseBackprop"]


# --- the scene -----------------------------------------------------------------
class DenseBackprop(LectureScene):
    """Forward pass, errors, gradients and one update of a three-layer DCL."""

    def construct(self) -> None:
        self.review: DenseReview = dense_review(self.lesson)
        self.panels: dict[str, EquationPanel] = {}
        self.panel: Mobject | None = None
        self.notes: list[str] = []  # the speaker notes of every slide, in order
        self.show_network()
        self.count_parameters()
        self.forward_to_hidden()
        self.forward_to_output()
        self.show_loss()
        self.show_output_errors()
        self.show_hidden_errors()
        self.show_gradients()
        self.update_weights()
        self.update_biases()
        self.forward_again()

    # --- beats -------------------------------------------------------------------
    def show_network(self) -> None:
        self.beat(
            "A brief review of back propagation in densely connected layers, DCL. "
            "Simple RNNs are straightforward applications of DCL: this DCL is the "
            "lesson's RNN with its recurrent connections removed. It has the same "
            "weights U and V and biases b and c, and it reads the RNN's first input."
        )
        self.show_title("A brief review: back propagation in a DCL")
        r = self.review
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

    def count_parameters(self) -> None:
        self.beat(
            "Adjusting parameters is what machine learning is all about. In a DCL the "
            "parameters are the weights of the connections between the neurons, and the "
            "biases. Counting them is tedious even for this tiny network; real networks "
            "have millions, and back propagation adjusts them all."
        )
        n_in, n_hidden, n_out = self.review.params.sizes
        n_conn, n_bias = count_parameters(self.review.params)
        self.set_panel(
            Text(
                "parameters: what learning adjusts", font_size=FONT_LABEL, color=MEANING.text.color
            ),
            MathTex(
                rf"\text{{connections}} = {n_in}\cdot{n_hidden} + {n_hidden}\cdot{n_out}"
                rf" = {n_conn}",
                font_size=EQ_FONT,
            ),
            MathTex(rf"\text{{biases}} = {n_hidden} + {n_out} = {n_bias}", font_size=EQ_FONT),
            MathTex(
                rf"\text{{parameters}} = {n_conn} + {n_bias} = {n_conn + n_bias}",
                font_size=EQ_FONT,
            ),
        )
        lines = [line for link in self.links for line in link]
        self.play(
            LaggedStart(
                *(
                    Indicate(line, color=MEANING.highlight.color, scale_factor=1.0)
                    for line in lines
                ),
                lag_ratio=0.05,
            ),
            run_time=1.5,
        )

    def forward_to_hidden(self) -> None:
        self.beat(
            "Forward propagation. The input comes from the bottom. Every hidden neuron "
            "takes a linear summation of the inputs, weighted by U, adds its bias b and "
            "applies tanh. Here is one hidden neuron with the values substituted."
        )
        r = self.review
        x, h, a = r.trace.h[0], r.trace.h[1], r.trace.a[0]
        U, b = r.params.weights[0], r.params.biases[0]
        j, n = self.focus_unit, self.focus_unit + 1
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
        self.beat(
            "The hidden values propagate forward the same way to the output layer: "
            "o = V h + c, then "
            + ("softmax turns o into estimated probabilities. " if softmax else "y-hat = o. ")
            + "The hat means an estimate: learning makes it closer to the supervising vector."
        )
        o, y_hat = r.trace.a[1], r.trace.y_hat
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
        self.beat(
            "The loss compares the estimate y-hat with the supervising vector y: the "
            "further apart they are, the larger the loss. Learning adjusts the parameters "
            "to make it smaller."
        )
        y = r.backprop.y
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
                [("=", MEANING.text.color), (fmt(r.loss), MEANING.text.color)],
            ]
        panel = EquationPanel(
            lines, {"y": y.copy(), "loss": r.loss}, font_size=EQ_FONT, max_width=PANEL_WIDTH
        )
        self.panels["loss"] = panel
        self.play(FadeIn(self.targets), FadeIn(self.target_label), run_time=RUN)
        self.set_panel(panel)

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

    # --- helpers -----------------------------------------------------------------
    def beat(self, notes: str) -> None:
        """Let the previous slide settle on its final frame, then start the next one."""
        if self.renderer.num_plays:
            self.wait(0.1)
        self.notes.append(notes)
        super().beat(notes)

    @property
    def focus_unit(self) -> int:
        """The hidden neuron whose equations are shown: the one with the largest error."""
        return int(np.argmax(np.abs(self.review.backprop.deltas[0])))

    def make_layer(
        self,
        n: int,
        y: float,
        label: str,
        color: ManimColor,
        names: Sequence[str],
        name_side: np.ndarray,
    ) -> NeuronLayer:
        spacing = min(MAX_SPACING, LAYER_SPAN / max(n - 1, 1))
        radius = min(NEURON_RADIUS, RADIUS_FRACTION * spacing)  # large layers: smaller
        layer = NeuronLayer(
            n=n,
            label=label,
            color=color,
            names=names,
            name_side=name_side,
            radius=radius,
            spacing=spacing,
            max_length=n * spacing + 1,
            vmax=VMAX,
            label_font_size=FONT_LABEL + 6,
        )
        layer.shift(np.array([NET_X, y, 0]) - layer.shapes.get_center())
        return layer

    def bring_layers_to_front(self) -> None:
        """Neurons above the connections that end on them."""
        self.bring_to_front(*self.layers)

    @staticmethod
    def sum_lines(
        lead: list[tuple[str, ManimColor]], terms: list[str], per_line: int = 2
    ) -> list[list[tuple[str, ManimColor]]]:
        """``lead`` followed by ``+ t1 + t2 ...``, ``per_line`` terms to a line.

        ``lead`` is the first line's parts up to its relation (``[("=", MEANING.text.color)]`` or
        ``[(lhs, color), ("=", MEANING.text.color)]``); the first term goes on that line.
        """
        lines = [[*lead, (terms[0], MEANING.text.color)]]
        rest = terms[1:]
        for i in range(0, len(rest), per_line):
            lines.append(
                [
                    ("+", MEANING.text.color),
                    (" + ".join(rest[i : i + per_line]), MEANING.text.color),
                ]
            )
        return lines

    def set_panel(
        self, *lines: Mobject, buff: float = 0.3, max_height: float = PANEL_HEIGHT
    ) -> None:
        """Replace the right-hand panel by ``lines``, top-left aligned, at most
        ``PANEL_WIDTH`` wide and ``max_height`` high."""
        new = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=buff)
        if new.width > PANEL_WIDTH:
            new.scale_to_fit_width(PANEL_WIDTH)
        if new.height > max_height:
            new.scale_to_fit_height(max_height)
        new.move_to([PANEL_LEFT, PANEL_TOP, 0], aligned_edge=UL)
        if self.panel is not None:
            self.play(FadeOut(self.panel), run_time=RUN / 2)
        self.play(FadeIn(new, shift=0.1 * DOWN), run_time=RUN)
        self.panel = new
