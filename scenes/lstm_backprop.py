"""LSTMBackprop: LSTM backpropagation by following the flows of variables.

The series' approach with the lesson's LSTM: c(t) reaches the loss by two routes
(through h(t), and along the cell line to c(t+1)), so dL/dc(t) is the sum of two
terms; h(t) reaches it by five (its output o(t), and the four gates of step t+1).
Then the gate errors as upstream error times slope, the per-step gradients in
frames and their sum, and one SGD update with the loss after it. Every number is
``rnncore``'s (``lstm_backward``, ``rnncore.lstm_routes``, ``rnncore.lstm_train``).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, GrowArrow, MathTex, Text, VGroup

from rnncore.lstm_routes import cell_routes, gate_factors, hidden_routes
from rnncore.lstm_train import lstm_update_report
from scenes.base import LectureScene
from scenes.bptt import UPDATE_TABLE_NOTE, UpdateTable, update_verdict
from scenes.grammar import FONT_SMALL, MEANING
from scenes.layout import FRAME_MARGIN, STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.lstm_flow_mobjects import (
    GATE_TEX,
    GateErrorLines,
    LSTMGradientTable,
    LSTMGraph,
    RouteSum,
)
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step, fmt

__all__ = ["LSTMBackprop"]

EQ_SIZE = 34
GRAPH_STEPS = 5  # columns of the graph (a window of the first steps)
TABLE_STEPS = 4  # rows of the gradient table before the sum (fewer for large H)
LEGEND_WIDTH = 3.3  # right-hand column for the graph's key
GATES = ("i", "f", "g", "o")


class LSTMBackprop(LectureScene):
    """Routes of c(t) and h(t) with numbers, gate errors, per-step gradients, one update."""

    def construct(self) -> None:
        self.compute()
        self.follow_the_cell_state()
        self.follow_the_output()
        self.show_gate_errors()
        self.show_step_gradients()
        self.show_update()

    # --- numbers -----------------------------------------------------------------
    def compute(self) -> None:
        lesson = self.lesson
        self.trace = lesson.lstm_trace()
        self.bp = lesson.lstm_backprop()
        self.cells = cell_routes(self.bp)
        self.hiddens = hidden_routes(self.bp)
        self.factors = gate_factors(self.bp)
        self.update = lstm_update_report(
            lesson.lstm_params,
            lesson.xs,
            lesson.targets,
            lesson.learning_rate,
            h0=lesson.h0,
            c0=lesson.c0,
            loss=lesson.loss,
            loss_mask=lesson.loss_mask,
        )
        T = lesson.T
        self.t_focus = 1 if T >= 3 else 0  # a step with both routes when there are two
        self.j_focus = int(np.argmax(np.abs(self.bp.d_c[self.t_focus])))  # the largest error
        self.has_next = self.t_focus + 1 < T

    # --- beats -------------------------------------------------------------------
    def follow_the_cell_state(self) -> None:
        t, j, n = self.t_focus, self.j_focus, self.j_focus + 1
        tp = display_step(t)
        cr = self.cells
        routes = [(MEANING.hidden.color, cr.via_h[t, j])]
        factors = [(self.bp.d_h[t, j], cr.dh_dc[t, j])]
        if self.has_next:
            routes.append((MEANING.cell.color, cr.via_c[t, j]))
            factors.append((self.bp.d_c[t + 1, j], cr.f_next[t, j]))
        self.cell_sum = RouteSum(
            rf"\frac{{\partial L}}{{\partial c_{{{n}}}^{{({tp})}}}}",
            routes,
            cr.total[t, j],
            factors=factors,
            font_size=EQ_SIZE,
        )
        two = (
            f"two routes: through h({tp}) = o({tp}) tanh(c({tp})), and along the cell line "
            f"to c({tp + 1}) = f({tp + 1}) c({tp}) + i({tp + 1}) z({tp + 1})"
            if self.has_next
            else f"one route here, through h({tp}): it is the last step, there is no c({tp + 1})"
        )
        self.beat(
            "The series teaches LSTM backpropagation by following the flows of variables: "
            "pick one variable, find every node it feeds, and add up one term per route. "
            f"Take the cell state c({tp}). It reaches the loss by {two}. Each term is the "
            "error that arrives at the next node times the local slope. "
            "Point at: the coloured routes on the graph, then each term of the sum. "
            f"Read out: unit {n}, {' + '.join(fmt(v) for _, v in routes)} = "
            f"{fmt(cr.total[t, j])}, exactly the dL/dc that BPTT computes. "
            "Ask: why does the cell-line term need no weight matrix? "
            f"Next: the routes of h({tp})."
        )
        self.show_title("LSTM backprop: following the flows")
        self.graph = LSTMGraph(
            range(min(self.lesson.T, GRAPH_STEPS)), self.lesson.loss_mask, self.lesson.T
        )
        self.key = self.graph_key("c")
        parts = [
            r"\frac{\partial L}{\partial c^{(t)}}",
            "=",
            r"\frac{\partial L}{\partial h^{(t)}}\,o^{(t)}\left(1-\tanh^2 c^{(t)}\right)",
        ]
        if self.has_next:
            parts += ["+", r"\frac{\partial L}{\partial c^{(t+1)}}\,f^{(t+1)}"]
        symbolic = MathTex(*parts, font_size=EQ_SIZE, color=MEANING.text.color)
        symbolic[2].set_color(MEANING.hidden.color)
        if self.has_next:
            symbolic[4].set_color(MEANING.cell.color)
        self.cell_panel = VGroup(symbolic, self.cell_sum).arrange(DOWN, buff=0.3)
        self.layout_graph(self.cell_panel)
        self.cell_arrows = VGroup(self.graph.route(("c", t, "h", t), MEANING.hidden.color))
        if self.has_next:
            self.cell_arrows.add(self.graph.route(("c", t, "c", t + 1), MEANING.cell.color))
        self.play(FadeIn(self.graph), FadeIn(self.key))
        self.play(*(GrowArrow(a) for a in self.cell_arrows))
        self.play(FadeIn(self.cell_panel))

    def follow_the_output(self) -> None:
        t, j, n = self.t_focus, self.j_focus, self.j_focus + 1
        tp = display_step(t)
        hr = self.hiddens
        routes, symbolic, keys = [], [], []
        if self.lesson.loss_mask[t]:
            routes.append((MEANING.output.color, hr.via_output[t, j]))
            symbolic.append((r"V^\top\frac{\partial L}{\partial o^{(t)}}", MEANING.output.color))
            keys.append(("h", t, "o", t))
        if self.has_next:
            for g in GATES:
                routes.append((MEANING.recurrent.color, hr.via_gate[g][t, j]))
                name = GATE_TEX[g]
                tex = rf"R_{name}^\top\frac{{\partial L}}{{\partial a_{name}^{{(t+1)}}}}"
                symbolic.append((tex, MEANING.recurrent.color))
            keys.append(("h", t, "gates", t + 1))
        self.hidden_sum = RouteSum(
            rf"\frac{{\partial L}}{{\partial h_{{{n}}}^{{({tp})}}}}",
            routes,
            hr.total[t, j],
            font_size=EQ_SIZE,
        )
        self.beat(
            f"Now h({tp}). It feeds "
            + (f"its output o({tp})" if self.lesson.loss_mask[t] else "no output with a loss")
            + (
                f" and all four gates of step {tp + 1} through the recurrent weights "
                "R_i, R_f, R_z, R_o (yellow, the recurrent connections)"
                if self.has_next
                else ""
            )
            + f", so dL/dh({tp}) is the sum of {len(routes)} terms. Each gate term needs "
            f"that gate's error at step {tp + 1}: the errors flow back from the future, as in "
            "the simple RNN. Point at: the routes out of h on the graph, then the sum. "
            f"Read out: unit {n}, "
            + " + ".join(fmt(v) for _, v in routes)
            + f" = {fmt(hr.total[t, j])}. "
            "Ask: which of these terms would be missing at the last step? "
            f"Next: the four gate errors of step {tp}."
        )
        parts = [(r"\frac{\partial L}{\partial h^{(t)}}", None), ("=", None)]
        for k, (tex, color) in enumerate(symbolic):
            if k:
                parts.append(("+", None))
            parts.append((tex, color))
        line = MathTex(*(p for p, _ in parts), font_size=EQ_SIZE, color=MEANING.text.color)
        for sub, (_, color) in zip(line, parts, strict=True):
            if color is not None:
                sub.set_color(color)
        panel = VGroup(line, self.hidden_sum).arrange(DOWN, buff=0.3)
        fit_within(panel, STAGE_WIDTH, 10.0)
        panel.move_to(self.cell_panel)
        fit_within(panel, STAGE_WIDTH, self.cell_panel.height + 0.3)
        self.hidden_panel = panel
        self.hidden_arrows = VGroup(
            *(
                self.graph.route(
                    k, MEANING.output.color if k[2] == "o" else MEANING.recurrent.color
                )
                for k in keys
            )
        )
        key = self.graph_key("h").move_to(self.key, aligned_edge=UP)
        self.play(FadeOut(self.cell_arrows), FadeOut(self.cell_panel), FadeOut(self.key))
        self.key = key
        self.play(FadeIn(key), *(GrowArrow(a) for a in self.hidden_arrows))
        self.play(FadeIn(panel))

    def show_gate_errors(self) -> None:
        t, j = self.t_focus, self.j_focus
        tp = display_step(t)
        gf = self.factors
        values = {g: (gf.up[g][t, j], gf.slope[g][t, j], gf.d_a[g][t, j]) for g in GATES}
        self.gate_values = values
        self.beat(
            f"With dL/dc({tp}) and dL/dh({tp}) known, the gate errors of step {tp} follow, "
            "each the upstream error times the gate's local slope: the output gate's from "
            "dL/dh, the other three from dL/dc. These four errors are all the parameters "
            "need: every weight gradient is a gate error times an input. "
            "Point at: each line, upstream error times slope. "
            f"Read out: unit {j + 1}, input {fmt(values['i'][2])}, forget "
            f"{fmt(values['f'][2])}, block input z {fmt(values['g'][2])}, output "
            f"{fmt(values['o'][2])}. "
            "Ask: which gate's error is zero when c(t-1) is zero, and why? "
            "Next: the gradient of every parameter, step by step."
        )
        self.clear_stage()
        self.gate_lines = GateErrorLines(values, j, t, EQ_SIZE + 2)
        key = Legend(
            [
                (MEANING.cell.color, f"error of the cell state c({tp})"),
                (MEANING.hidden.color, f"error of the output h({tp})"),
            ],
            kind="line",
            vertical=False,
        )
        note = Text(
            "z is the block input (PyTorch's g); a = the gate's pre-activation",
            font_size=FONT_SMALL,
            color=MEANING.text.color,
        )
        self.fit_stage(VGroup(self.gate_lines, key, note).arrange(DOWN, buff=0.45))
        self.play(*(FadeIn(line, shift=0.1 * DOWN) for line in self.gate_lines))
        self.play(FadeIn(key), FadeIn(note))

    def show_step_gradients(self) -> None:
        T = self.lesson.T
        H = self.lesson.lstm_params.n_hidden
        shown = TABLE_STEPS if H <= 4 else (3 if H <= 6 else 2)  # rows of 4H cells fit
        steps = range(T) if shown + 1 >= T else range(shown)
        total = float(np.sqrt(sum(np.sum(g**2) for _, g in self.bp.grads.items())))
        self.beat(
            "As in the simple RNN, parameters do not depend on time, errors do. Every step "
            "gives its own contribution, dL/dW_ih(t) = d_a(t) x(t)^T, dL/dW_hh(t) = d_a(t) "
            "h(t-1)^T, dL/db(t) = d_a(t), and V, c from the output error; each row is one "
            "step, in frames, the gate blocks i, f, z, o side by side. "
            "Point at: one row's frames, then the last row, the sum. "
            f"Read out: the sum over all {T} step{'s' if T > 1 else ''} is the gradient of "
            f"the shared parameters; its size, the norm over all of them, is {fmt(total)}. "
            "Ask: which step contributes most, and why that one? "
            "Next: one update with this gradient."
        )
        self.clear_stage()
        self.table = LSTMGradientTable(self.bp.per_step, self.bp.grads, steps, T)
        bars = VGroup(
            ColorBar(self.table.vmax_gates, label="gradient: gate parameters"),
            ColorBar(self.table.vmax_output, label="gradient: V and c"),
        ).arrange(RIGHT, buff=0.8)
        key = Legend(
            [
                (MEANING.gradient.color, "one step's contribution"),
                (MEANING.text.color, "sum over all steps"),
            ],
            kind="line",
        )
        side = VGroup(bars, key).arrange(RIGHT, buff=1.0)
        fit_within(side, STAGE_WIDTH, side.height)  # the keys keep their size; the table fits
        fit_within(self.table, STAGE_WIDTH, STAGE_TOP - STAGE_BOTTOM - side.height - 0.4)
        self.fit_stage(VGroup(self.table, side).arrange(DOWN, buff=0.4))
        self.play(FadeIn(self.table.column_labels), FadeIn(self.table.gate_labels), FadeIn(side))
        for row, label in zip(self.table.rows[:-1], self.table.row_labels[:-1], strict=True):
            self.play(FadeIn(row), FadeIn(label), run_time=0.35)
        self.play(
            FadeIn(self.table.dots), FadeIn(self.table.rows[-1]), FadeIn(self.table.row_labels[-1])
        )

    def show_update(self) -> None:
        rep = self.update
        self.verdict_text = update_verdict(rep)
        self.beat(
            "After all errors are known, the LSTM's parameters are renewed once, "
            "theta <- theta - eta dL/dtheta for W_ih, W_hh, b_ih, b_hh, V and c. Then a new "
            f"forward pass with the new weights on the same sequence. {UPDATE_TABLE_NOTE} "
            "Point at: the rule, then the table, the target row first, before and after. "
            f"Read out: eta = {rep.lr:g}. {self.verdict_text} "
            "Ask: what would a ten times larger learning rate do here? "
            "Next: why all this machinery: how far the error reaches back in an LSTM."
        )
        self.clear_stage()
        rule = MathTex(
            r"\theta\leftarrow\theta-\eta\,\frac{\partial L}{\partial\theta},\quad"
            r"\theta\in\{W_{ih},W_{hh},b_{ih},b_{hh},V,c\},\quad\eta=" + f"{rep.lr:g}",
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        self.update_table = UpdateTable(rep, self.lesson)
        verdict = Text(
            self.verdict_text.replace(". ", ".\n"),
            font_size=FONT_SMALL + 4,
            color=MEANING.text.color,
        )
        note = Text(
            "numbers rounded to 2 decimals; L is the sum of the unrounded L(t)",
            font_size=FONT_SMALL,
            color=MEANING.text.color,
        )
        self.fit_stage(VGroup(rule, self.update_table, verdict, note).arrange(DOWN, buff=0.4))
        self.play(FadeIn(rule), FadeIn(self.update_table.before_rows))
        self.play(FadeIn(self.update_table.after_rows), FadeIn(verdict), FadeIn(note))

    # --- helpers -------------------------------------------------------------------
    def graph_key(self, variable: str) -> VGroup:
        """The key of the graph: node and edge colours, and what the thick arrows are."""
        g = self.graph
        drawn = {
            "L": any(row == "L" for row, _ in g.nodes),
            "recurrent": len(g.more) > 0 or any(k[2] == "gates" for k in g.edges),
        }
        entries = [
            (MEANING.cell.color, "c(t): cell state, cell line"),
            (MEANING.hidden.color, "h(t): the cell's output"),
            (MEANING.output.color, "o(t): output layer"),
        ]
        if drawn["L"]:
            entries.append((MEANING.loss.color, "L(t): loss"))
        if drawn["recurrent"]:
            entries.append((MEANING.recurrent.color, "h(t-1) into the gates"))
        roles = Legend(entries, kind="line")
        what = "c(t)" if variable == "c" else "h(t)"
        caption = Text(
            f"thick: the routes of {what}\nto the loss",
            font_size=FONT_SMALL,
            color=MEANING.text.color,
        )
        key = VGroup(roles, caption).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        fit_within(key, LEGEND_WIDTH, 10.0)
        key.to_edge(RIGHT, buff=FRAME_MARGIN).align_to([0, STAGE_TOP, 0], UP)
        return key

    def layout_graph(self, panel: VGroup) -> None:
        """The graph at the top left of the stage, the panel under it across the stage."""
        fit_within(panel, STAGE_WIDTH, 10.0)
        room = STAGE_TOP - STAGE_BOTTOM - panel.height - 0.4
        fit_within(self.graph, STAGE_WIDTH - LEGEND_WIDTH - 0.4, room)
        self.graph.to_edge(LEFT, buff=FRAME_MARGIN).align_to([0, STAGE_TOP, 0], UP)
        free = self.key.get_left()[0] - 0.3 - self.graph.get_right()[0]
        self.graph.shift(max(free, 0.0) / 2 * RIGHT)  # centred left of the key
        panel.next_to(self.graph, DOWN, buff=0.4).set_x(0)
        if panel.get_bottom()[1] < STAGE_BOTTOM:
            panel.shift((STAGE_BOTTOM - panel.get_bottom()[1]) * UP)
