"""LSTMForward: the LSTM's forward propagation step by step, with the lesson's numbers.

First one step in full: the inputs x(t), h(t-1), c(t-1); one gate's pre-activation
split into W x(t) + R h(t-1) + b and one unit written out; every gate's
pre-activation and value; the cell update c(t) = f ⊙ c(t-1) + i ⊙ z and
h(t) = o ⊙ tanh(c(t)); the output, and the loss against the target. Then the same
parameters at every step of the sequence, and L = sum_t L(t). Every number is the
core's (``Lesson.lstm_trace()``, ``Lesson.lstm_backprop()``, ``rnncore.lstm_views``).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, Create, FadeIn, FadeOut, SurroundingRectangle, Text, VGroup, Write

from rnncore.lstm_views import cell_update, gate_parts
from scenes.base import LectureScene
from scenes.grammar import FONT_SMALL, MEANING
from scenes.layout import STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.lstm_cell import detail_step, shown_unit
from scenes.lstm_steps import (
    StripRow,
    cell_unit_panel,
    gate_unit_panel,
    gate_value_lines,
    lstm_equations,
    step_key,
)
from scenes.lstm_unrolled import UnrolledLSTM, unrolled_key
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.numbers import display_step, fmt

__all__ = ["LSTMForward"]

LEFT_WIDTH = 3.0  # the inputs of the step and the key
GAP = 0.35
RIGHT_WIDTH = STAGE_WIDTH - LEFT_WIDTH - GAP
RIGHT_X = STAGE_WIDTH / 2 - RIGHT_WIDTH / 2  # centre of the right area
STAGE_HEIGHT = STAGE_TOP - STAGE_BOTTOM
PANEL_FONT = 28
EQ_FONT = 36  # the general equations, alone on their slide
TOTAL_BAND = 0.75  # room under the unrolled view for L = sum_t L(t)
KEY_WIDTH = 2.4


class LSTMForward(LectureScene):
    """One LSTM step in full with numbers, then the whole sequence and its loss."""

    def construct(self) -> None:
        self.t = detail_step(self.lesson)
        self.j = shown_unit(self.lesson, self.t)
        self.show_equations()
        self.split_pre_activation()
        self.compute_all_gates()
        self.update_cell_state()
        self.compute_cell_output()
        self.compute_output()
        self.compute_loss()
        self.repeat_through_time()
        self.sum_losses()

    # --- helpers ----------------------------------------------------------------------
    def strip_height(self, rows: int) -> float:
        """Cell height for ``rows`` stacked strips of H cells in the right area's top half."""
        H = self.lesson.lstm_params.n_hidden
        return min(0.36, (STAGE_HEIGHT * 0.5 - 0.5 * rows) / (rows * H))

    def show_right(self, top: VGroup, panel: VGroup | None = None) -> None:
        """Replace the right area by ``top`` (strips) and ``panel`` (equations) under it."""
        block = VGroup(top, *([panel] if panel is not None else []))
        block.arrange(DOWN, buff=0.35)
        fit_within(block, RIGHT_WIDTH, STAGE_HEIGHT)
        block.move_to([RIGHT_X, STAGE_TOP - block.height / 2, 0])
        gone = [m for m in (getattr(self, "right", None),) if m is not None]
        if gone:
            self.play(*(FadeOut(m) for m in gone), run_time=0.4)
        self.right = block
        self.play(FadeIn(top))
        if panel is not None:
            self.play(Write(panel), run_time=1.5)

    # --- beats ------------------------------------------------------------------------
    def show_equations(self) -> None:
        self.beat(
            "The LSTM's forward propagation in the series' notation: four neurons per unit "
            "read x(t) and h(t-1), z with a tanh, the gates i, f, o with a sigmoid, each with "
            "its own W, R and b. c(t) keeps a share f of its old value and adds a share i of "
            "z; h(t) is a share o of tanh(c(t)); then o(t) = c + V h(t) and the loss. "
            "Point at: the four gate lines, then the c(t) and h(t) lines. "
            f"Read out: this lesson has {self.lesson.lstm_params.n_in} inputs and "
            f"{self.lesson.lstm_params.n_hidden} units, so each of the four W is "
            f"{self.lesson.lstm_params.n_hidden} by {self.lesson.lstm_params.n_in} and each "
            f"R {self.lesson.lstm_params.n_hidden} by {self.lesson.lstm_params.n_hidden}. "
            "Ask: how many more weights does the LSTM have than a simple RNN of the same "
            "size? "
            f"Next: time step {display_step(self.t)} with the lesson's numbers."
        )
        self.show_title("LSTM forward propagation, step by step")
        lesson = self.lesson
        lines = lstm_equations(lesson.lstm_trace().output, lesson.loss)
        self.equations = EquationPanel(lines, font_size=EQ_FONT, max_width=STAGE_WIDTH)
        fit_within(self.equations, STAGE_WIDTH, STAGE_HEIGHT)
        self.equations.move_to(STAGE_CENTER)
        self.play(Write(self.equations), run_time=2.5)

    def show_step_inputs(self) -> None:
        lesson, t = self.lesson, self.t
        trace = lesson.lstm_trace()
        H, I = lesson.lstm_params.n_hidden, lesson.lstm_params.n_in
        cell_h = min(0.36, (STAGE_HEIGHT * 0.45) / max(H, I))
        inputs = StripRow(
            [
                ("x^{(t)}", trace.xs[t], MEANING.input.color),
                ("h^{(t-1)}", trace.h_prev[t], MEANING.hidden.color),
                ("c^{(t-1)}", trace.c_prev[t], MEANING.cell.color),
            ],
            cell_height=cell_h,
        )
        self.inputs = inputs
        left = VGroup(inputs, step_key()).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        fit_within(left, LEFT_WIDTH, STAGE_HEIGHT)
        left.move_to([-STAGE_WIDTH / 2 + left.width / 2, STAGE_TOP - left.height / 2, 0])
        self.left = left
        self.play(FadeOut(self.equations), FadeIn(left))

    def split_pre_activation(self) -> None:
        lesson, t, j = self.lesson, self.t, self.j
        parts = gate_parts(lesson.lstm_params, lesson.lstm_trace(), "f", t)
        self.beat(
            f"Now time step {display_step(t)} with the lesson's numbers. On the left is what "
            "the step starts from: the input x(t), the previous output h(t-1) and the previous "
            "cell state c(t-1). Every gate starts like the simple RNN's hidden unit: a "
            "pre-activation, the sum of the input through W, the previous output through the "
            "recurrent weights R, and a bias. "
            "Point at: the three strips on the left, then W_f x(t) + R_f h(t-1) + b_f = a_f "
            f"and unit {j + 1} written out below it. "
            f"Read out: a_f = {fmt(parts.a[j])}, so f = sigma(a_f) = {fmt(parts.value[j])}. "
            "Ask: what would a large positive bias b_f do to the forget gate? "
            "Next: all four neurons of every unit."
        )
        self.show_step_inputs()
        cell_h = self.strip_height(1)
        row = StripRow(
            [
                ("W_f x^{(t)}", parts.w_x, MEANING.input.color),
                "+",
                ("R_f h^{(t-1)}", parts.r_h, MEANING.recurrent.color),
                "+",
                ("b_f", parts.b, MEANING.neutral.color),
                "=",
                ("a_f", parts.a, MEANING.neutral.color),
                r"\xrightarrow{\sigma}",
                ("f^{(t)}", parts.value, MEANING.neutral.color),
            ],
            cell_height=cell_h,
        )
        panel = gate_unit_panel(
            lesson.lstm_params,
            lesson.lstm_trace(),
            "f",
            t,
            j,
            font_size=PANEL_FONT,
            max_width=RIGHT_WIDTH,
            max_height=STAGE_HEIGHT - row.height - 0.4,
        )
        self.split_row, self.gate_panel = row, panel
        self.show_right(row, panel)

    def compute_all_gates(self) -> None:
        lesson, t = self.lesson, self.t
        trace = lesson.lstm_trace()
        self.beat(
            "The four neurons of every unit, side by side: each gate's pre-activation and "
            "its value. The sigmoid gates lie between 0 and 1, the block input z between "
            "-1 and 1. "
            f"Point at: each pair of strips, a then its value; then unit {self.j + 1}'s four "
            f"lines below. Read out: unit {self.j + 1}, z = {fmt(trace.gate('z')[t, self.j])}, i = "
            f"{fmt(trace.gate('i')[t, self.j])}, f = {fmt(trace.gate('f')[t, self.j])}, "
            f"o = {fmt(trace.gate('o')[t, self.j])}. "
            "Ask: which of these units will keep most of its old cell state? "
            "Next: the new cell state."
        )
        items = []
        for g in ("z", "i", "f", "o"):
            items.append((f"a_{g}", trace.pre(g)[t], MEANING.neutral.color))
            items.append((f"{g}^{{(t)}}", trace.gate(g)[t], MEANING.neutral.color))
        self.gates_row = StripRow(items, cell_height=self.strip_height(1))
        lines = gate_value_lines(trace, t, self.j)
        self.gates_panel = EquationPanel(lines, font_size=PANEL_FONT, max_width=RIGHT_WIDTH)
        self.show_right(self.gates_row, self.gates_panel)

    def update_cell_state(self) -> None:
        lesson, t, j = self.lesson, self.t, self.j
        trace = lesson.lstm_trace()
        u = cell_update(trace, t)
        self.beat(
            "The new cell state, element by element: keep the share f of the old cell state "
            "and add the share i of the block input z. No weight matrix touches c on this "
            "path: that is what lets it carry information, and gradient, far. "
            "Point at: f times c(t-1) plus i times z, strip by strip, then the unit's line. "
            f"Read out: unit {j + 1}, {fmt(u.f[j])} times {fmt(u.c_prev[j])} plus "
            f"{fmt(u.i[j])} times {fmt(u.z[j])} gives c(t) = {fmt(u.c[j])}. "
            "Ask: can c(t) grow beyond 1, and what would stop it? "
            "Next: what the cell lets out."
        )
        cell_h = self.strip_height(1)
        self.cell_row = StripRow(
            [
                ("f^{(t)}", u.f, MEANING.neutral.color),
                r"\odot",
                ("c^{(t-1)}", u.c_prev, MEANING.cell.color),
                "+",
                ("i^{(t)}", u.i, MEANING.neutral.color),
                r"\odot",
                ("z^{(t)}", u.z, MEANING.neutral.color),
                "=",
                ("c^{(t)}", u.c, MEANING.cell.color),
            ],
            cell_height=cell_h,
        )
        self.cell_panel = cell_unit_panel(trace, t, j, font_size=PANEL_FONT, max_width=RIGHT_WIDTH)
        self.show_right(self.cell_row, self.cell_panel)

    def compute_cell_output(self) -> None:
        lesson, t, j = self.lesson, self.t, self.j
        u = cell_update(lesson.lstm_trace(), t)
        self.beat(
            "The output of the cell: tanh of the new cell state, let through by the output "
            "gate. h(t) goes up to the output layer and, with c(t), on to the next step. "
            "Point at: o times tanh c = h, then the unit's line. "
            f"Read out: unit {j + 1}, {fmt(u.o[j])} times tanh({fmt(u.c[j])}) = "
            f"{fmt(u.h[j])}. "
            "Ask: can a unit remember something without showing it in h(t)? "
            "Next: the output layer."
        )
        self.h_row = StripRow(
            [
                ("o^{(t)}", u.o, MEANING.neutral.color),
                r"\odot",
                (r"\tanh c^{(t)}", u.c_tanh, MEANING.neutral.color),
                "=",
                ("h^{(t)}", u.h, MEANING.hidden.color),
            ],
            cell_height=self.strip_height(1),
        )
        self.h_panel = cell_unit_panel(
            lesson.lstm_trace(), t, j, font_size=PANEL_FONT, max_width=RIGHT_WIDTH
        )
        self.show_right(self.h_row, self.h_panel)

    def compute_output(self) -> None:
        lesson, t = self.lesson, self.t
        trace = lesson.lstm_trace()
        k = int(lesson.targets[t]) if lesson.loss == "cross_entropy" else 0
        self.beat(
            "From here on the LSTM is the simple RNN: the output layer sums h(t) through V "
            "plus its bias c (a vector of the output layer, not the cell state, which always "
            f"carries a time step). Output {k + 1} in detail. "
            "Point at: h(t), o(t) and the output unit's sum. "
            f"Read out: o_{k + 1}(t) = {fmt(trace.o[t, k])}"
            + (
                f", y-hat_{k + 1}(t) = {fmt(trace.y_hat[t, k])}. "
                if trace.output == "softmax"
                else ". "
            )
            + "Ask: which weights here are the same as in the simple RNN's output layer? "
            "Next: the loss of this step."
        )
        row = StripRow(
            [
                ("h^{(t)}", trace.h[t], MEANING.hidden.color),
                ("o^{(t)}", trace.o[t], MEANING.output.color),
            ]
            + (
                [(r"\hat{y}^{(t)}", trace.y_hat[t], MEANING.output.color)]
                if trace.output == "softmax"
                else []
            ),
            cell_height=self.strip_height(1),
        )
        panel = EquationPanel.output_unit(
            lesson.lstm_params,
            trace,
            t,
            k,
            font_size=PANEL_FONT,
            max_width=RIGHT_WIDTH,
            max_height=STAGE_HEIGHT - row.height - 0.4,
        )
        self.out_row, self.out_panel = row, panel
        self.show_right(row, panel)

    def compute_loss(self) -> None:
        lesson, t = self.lesson, self.t
        bp = lesson.lstm_backprop()
        if lesson.loss_mask[t]:
            target = (
                lesson.output_labels[int(lesson.targets[t])]
                if lesson.loss == "cross_entropy"
                and len(lesson.output_labels) > int(lesson.targets[t])
                else ", ".join(fmt(v) for v in np.atleast_1d(lesson.targets[t]))
            )
            said = (
                "The loss of this step compares the estimate with the target y(t), exactly as "
                "for the simple RNN. Point at: the target y(t) and the loss line. "
                f"Read out: the target is {target}, and L(t) = {fmt(bp.losses[t])}. "
            )
        else:
            said = (
                "This is a many-to-one task: only the last step has a loss. Point at: the note "
                f"on the right. Read out: the one loss, at step {display_step(lesson.T - 1)}, "
                f"is L = {fmt(bp.loss)}. "
            )
        self.beat(
            said + "Ask: what would the loss be if the network were sure and right? "
            "Next: the same equations at every step."
        )
        if not lesson.loss_mask[t]:
            note = Text(
                "no loss at this step (many-to-one)", font_size=FONT_SMALL, color=MEANING.text.color
            )
            self.loss_panel = None
            self.show_right(VGroup(note))
            return
        panel = EquationPanel.step_loss(
            lesson.lstm_trace(),
            bp.losses,
            lesson.targets,
            t,
            loss=lesson.loss,
            class_names=lesson.output_labels,
            font_size=PANEL_FONT,
            max_width=RIGHT_WIDTH,
        )
        self.loss_panel = panel
        self.add_below(panel, self.out_panel)

    def add_below(self, panel: VGroup, above: VGroup) -> None:
        """Write ``panel`` under ``above`` in the right area, first shrinking what is there
        if the two would not fit it together."""
        panel.next_to(above, DOWN, buff=0.3).align_to(above, LEFT)
        placed = VGroup(self.right.copy(), panel)
        fit_within(placed, RIGHT_WIDTH, STAGE_HEIGHT)
        placed.move_to([RIGHT_X, STAGE_TOP - placed.height / 2, 0])
        moved = placed[0].get_center() - self.right.get_center()
        if np.abs(moved).max() > 1e-6 or abs(placed[0].width - self.right.width) > 1e-6:
            self.play(self.right.animate.match_width(placed[0]).move_to(placed[0]), run_time=0.6)
        self.right.add(panel)
        self.play(Write(panel))

    def repeat_through_time(self) -> None:
        lesson = self.lesson
        bp = lesson.lstm_backprop()
        self.beat(
            "The same equations with the same W, R, b, V and c at every step: the sequence "
            "fills in from c(0) and h(0). The cell state runs along its own line from step "
            "to step; h(t) passes through the yellow recurrent connections into the next "
            "step's gates. "
            "Point at: the pink cell line and the yellow recurrent arrows as the steps fill. "
            "Read out: the losses per step, "
            + ", ".join(fmt(v) for v, m in zip(bp.losses, lesson.loss_mask, strict=True) if m)
            + ". Ask: which step's loss depends on the most weights' values? "
            "Next: the loss of the whole sequence."
        )
        self.clear_stage()
        self.right = None
        key = unrolled_key(lesson.loss, lesson.loss_mask)
        fit_within(key, KEY_WIDTH, STAGE_HEIGHT)
        view = UnrolledLSTM(
            lesson.lstm_trace(),
            bp.losses,
            loss_mask=lesson.loss_mask,
            input_mask=lesson.input_mask,
            targets=lesson.targets,
            filled=False,
            step_names=lesson.step_labels,
            width=STAGE_WIDTH - KEY_WIDTH - GAP,
            height=STAGE_HEIGHT - TOTAL_BAND,
        )
        view.shift([-(KEY_WIDTH + GAP) / 2, TOTAL_BAND / 2, 0])
        key.move_to([STAGE_WIDTH / 2 - key.width / 2, view.get_center()[1], 0])
        self.unrolled, self.key = view, key
        self.play(FadeIn(view), FadeIn(key))
        for t in view.steps:
            self.play(view.fill_step(t), run_time=0.6)

    def sum_losses(self) -> None:
        lesson = self.lesson
        bp = lesson.lstm_backprop()
        self.beat(
            "The loss of the sequence is the sum over the steps. "
            "Point at: the framed losses and the sum below. "
            f"Read out: L = {fmt(bp.loss)}, the number that backpropagation through the LSTM "
            "will reduce, through the cell state line and the gates. "
            "Ask: along which paths will the error of the last step reach the first? "
            "Next: backpropagation through the LSTM, following the flows of variables."
        )
        view = self.unrolled
        panel = EquationPanel.total_loss(
            bp.losses,
            bp.loss,
            loss_mask=lesson.loss_mask,
            font_size=PANEL_FONT,
            max_width=STAGE_WIDTH,
        )
        panel.move_to([0, STAGE_BOTTOM + TOTAL_BAND / 2, 0])
        frames = VGroup(
            *(
                SurroundingRectangle(view.strips["loss"][t], color=MEANING.loss.color, buff=0.05)
                for t in view.steps
                if lesson.loss_mask[t]
            )
        )
        self.total_panel = panel
        self.play(Create(frames))
        self.play(Write(panel), run_time=1.5)
