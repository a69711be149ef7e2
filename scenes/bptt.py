"""BackpropThroughTime: errors colour-coded by source loss, per-step gradients, one update.

Article 001 §3 with the lesson's numbers: the per-step losses and their sum; the
output errors; every loss L(s) sending its error back through V, tanh and the
recurrent connections in its own colour (so step t needs every error from later
steps); the size of each source's share per step (a stacked bar, the idea of
RNNbow); Goodfellow 10.18-10.28 with one neuron's values; the per-step gradients
in coloured frames, their sum over time, and the one update of the parameters.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    MathTex,
    Text,
    Transform,
    VGroup,
    Write,
)

from rnncore.bptt_views import d_h_parts, source_shares, tanh_derivative, update_report
from scenes.base import LectureScene
from scenes.bptt_update import UpdateBeats
from scenes.errorflow.equations import (
    bptt_equations,
    equation_numbers,
    error_chain,
    output_error_panel,
)
from scenes.errorflow.flow import ErrorFlow
from scenes.errorflow.gradients import GradientTable
from scenes.errorflow.sources import ContributionSum, SourceBars
from scenes.errorflow.stage import (
    LEGEND_WIDTH,
    NET_HEIGHT,
    error_stage,
    place_panel,
    source_legend,
)
from scenes.errorflow.update import UPDATE_TABLE_NOTE, UpdateTable, tex_vec, update_verdict
from scenes.grammar import FONT_SMALL, MEANING, source_color
from scenes.layout import FRAME_MARGIN, STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step, fmt
from scenes.mobjects.value_shapes import VectorStrip

# UpdateTable, update_verdict and UPDATE_TABLE_NOTE stay importable from here (LSTMBackprop)
__all__ = ["UPDATE_TABLE_NOTE", "BackpropThroughTime", "UpdateTable", "tex_vec", "update_verdict"]

EQ_SIZE = 30
DIM = 0.25  # opacity of the network while the errors flow
BARS_HEIGHT = 4.0
MATRIX_CELL = (0.8, 0.4)
KEY_BAR_LENGTH = 1.2  # the value colour bar beside the unrolled network


class BackpropThroughTime(UpdateBeats, LectureScene):
    """BPTT with real numbers: coloured errors, per-step gradients, their sum, the update."""

    def construct(self) -> None:
        self.compute()
        self.show_losses()
        self.show_output_errors()
        self.flow_errors()
        self.focus_step()
        self.show_source_bars()
        self.show_equations()
        self.show_step_gradients()
        self.sum_and_update()
        self.show_updated_network()
        self.show_loss_after_update()

    # --- numbers -----------------------------------------------------------------
    def compute(self) -> None:
        lesson = self.lesson
        self.trace = lesson.trace()
        self.bp = lesson.backprop()
        self.parts = d_h_parts(self.bp)
        self.dtanh = tanh_derivative(self.trace)  # (T, H)
        self.update = update_report(
            lesson.params,
            lesson.xs,
            lesson.targets,
            lesson.learning_rate,
            h0=lesson.h0,
            loss=lesson.loss,
            loss_mask=lesson.loss_mask,
        )
        self.new_params = self.update.params_after
        T = lesson.T
        self.t_focus = 1 if T > 1 else 0  # the step whose gradient is framed (h(t-1) != h0)
        self.j_focus = 0  # the neuron whose equations carry numbers

    # --- beats -------------------------------------------------------------------
    def show_losses(self) -> None:
        self.beat(
            "Where forward propagation ended: every step has its own loss L(t), and the "
            "loss of the whole sequence is their sum. Backpropagation through time starts "
            "from these losses."
        )
        self.show_title("Backpropagation through time")
        lesson, bp = self.lesson, self.bp
        self.net, self.legend = error_stage(
            lesson, bp.losses, height=NET_HEIGHT, legend_width=LEGEND_WIDTH
        )
        self.panel = EquationPanel.total_loss(
            bp.losses, bp.loss, loss_mask=lesson.loss_mask, font_size=EQ_SIZE
        )
        place_panel(self.panel)
        self.value_bar = self.place_key()
        self.play(FadeIn(self.net), FadeIn(self.value_bar))
        self.play(Write(self.panel))

    def place_key(self) -> ColorBar:
        """The value colour bar (cells show values, then errors) above the source legend.

        Both stand in the right-hand column, the bar at the top of the stage.
        """
        bar = ColorBar(1.0, label="value", vertical=True, length=KEY_BAR_LENGTH)
        key = VGroup(bar, self.legend).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        if key.height > STAGE_TOP - STAGE_BOTTOM:
            key.scale_to_fit_height(STAGE_TOP - STAGE_BOTTOM)
        key.to_edge(RIGHT, buff=FRAME_MARGIN)
        key.shift((STAGE_TOP - key.get_top()[1]) * UP)
        return bar

    def show_output_errors(self) -> None:
        self.beat(
            "The first errors are those of the outputs: dL/do(t) = y_hat(t) - y(t), the "
            "same form for every step. Each one belongs to one loss L(t), so from now on "
            "it gets that loss's colour (legend on the right)."
            + (
                ""
                if self.lesson.loss_mask.all()
                else " Steps without a loss have no output error: their dL/do(t) is zero."
            )
        )
        net, bp = self.net, self.bp
        self.d_o_strips: dict[int, VectorStrip] = {}
        # the error takes the place of y_hat(t) (of o(t) itself for mse, where y_hat = o)
        row = "y_hat" if "y_hat" in net.rows else "o"
        for t in net.steps:
            home = getattr(net, row)[t]
            strip = VectorStrip(
                bp.d_o[t],
                cell_width=home.shapes[0].width,
                cell_height=home.shapes[0].height,
                outline=source_color(t),
                vmax=1.0,
            )
            self.d_o_strips[t] = strip.move_to(home)
        label = MathTex(
            r"\frac{\partial L}{\partial o^{(t)}}",
            font_size=FONT_SMALL + 4,
            color=MEANING.text.color,
        ).move_to(net.row_labels[row])
        label.align_to(net.row_labels[row], LEFT)
        anims = [Transform(net.row_labels[row], label)]
        anims += [FadeOut(getattr(net, row)[t]) for t in net.steps]
        # a step that has a loss (many-to-one: the last); the others have no output error
        t = self.t_focus if self.lesson.loss_mask[self.t_focus] else self.lesson.T - 1
        panel = output_error_panel(self.trace, bp, t, EQ_SIZE)
        self.d_o_panel_values = bp.d_o[t].copy()
        self.d_o_step = t
        self.swap_panel(panel)
        self.play(*anims, *(FadeIn(s) for s in self.d_o_strips.values()), FadeIn(self.legend))

    def flow_errors(self) -> None:
        T = self.lesson.T
        self.beat(
            "Errors flow backward through the unrolled network: from o(s) through V into "
            "h(s), through tanh into a(s), and back along the recurrent connections into "
            "every earlier step. Each loss L(s) has its own colour; an arrow's width is the "
            "size of the error that loss leaves at that step. The error at step t is the "
            "sum of contributions from L(t), L(t+1), ... up to the last loss."
        )
        self.flow = ErrorFlow.on(self.net, self.bp.norms_by_source)
        self.play(
            self.net.arrows.animate.set_opacity(DIM),
            self.net.labels.animate.set_opacity(DIM),
        )
        self.show_hidden_errors()
        chain = error_chain(EQ_SIZE)
        self.swap_panel(chain)
        for s in range(T - 1, -1, -1):
            if s in self.flow.down or any(k[0] == s for k in self.flow.back):
                self.play(self.flow.grow(s, run_time=0.4 + 0.25 * (s + 1)))

    def show_hidden_errors(self) -> None:
        """The h cells now hold the errors dL/da(t), not the forward values h(t)."""
        net, bp = self.net, self.bp
        self.d_a_strips: dict[int, VectorStrip] = {}
        for t in net.steps:
            home = net.h[t]
            strip = VectorStrip(
                bp.d_a[t],
                cell_width=home.shapes[0].width,
                cell_height=home.shapes[0].height,
                outline=MEANING.hidden.color,
                vmax=1.0,
            )
            self.d_a_strips[t] = strip.move_to(home)
        label = MathTex(
            r"\frac{\partial L}{\partial a^{(t)}}",
            font_size=FONT_SMALL + 4,
            color=MEANING.text.color,
        ).move_to(net.row_labels["h"])
        label.align_to(net.row_labels["h"], LEFT)
        self.play(
            Transform(net.row_labels["h"], label),
            *(FadeOut(net.h[t]) for t in net.steps),
            *(FadeIn(s) for s in self.d_a_strips.values()),
        )

    def focus_step(self) -> None:
        t, j, bp = self.t_focus, self.j_focus, self.bp
        tp = display_step(t)
        self.beat(
            f"Look at step {tp}: to know its error you need the errors of every later step, "
            f"all the arrows that arrive at h({tp}). For unit {j + 1}, dL/da is the sum of one "
            "contribution per source loss, each in its colour; these are the real numbers "
            "of this network."
        )
        into = self.flow.into_step(t)
        others = [a for a in self.flow if a not in into]
        frame = self.net.frame(t, MEANING.text.color, rows=("h",))
        terms = [(s, bp.by_source[s, t, j]) for s in range(t, self.lesson.T) if bp.loss_mask[s]]
        self.contribution = ContributionSum(
            rf"\frac{{\partial L}}{{\partial a_{{{j + 1}}}^{{({tp})}}}}",
            terms,
            bp.d_a[t, j],
            font_size=EQ_SIZE,
        )
        self.play(*(a.animate.set_opacity(0.2) for a in others), Create(frame))
        self.swap_panel(self.contribution)
        self.focus_frame = frame

    def show_source_bars(self) -> None:
        shares, norms = source_shares(self.bp)
        self.shares, self.share_norms = shares, norms
        t0 = 0
        parts = " + ".join(
            f"{fmt(shares[s, t0])} from L({display_step(s)})"
            for s in range(self.lesson.T)
            if shares[s, t0] != 0
        )
        self.beat(
            "The same split for every step and all units at once: one bar per step, one "
            "segment per source loss (the idea of RNNbow). A segment is that loss's share "
            "of the size of the error ||dL/da(t)||: its error projected onto dL/da(t). "
            "The shares of a bar add up exactly to ||dL/da(t)||, the white mark with its "
            f"value; at step 1: {parts} = {fmt(norms[t0])} (rounded). A share below zero "
            "points against the total and cancels part of the others. Fresh errors are "
            "tall; they fade as they travel back through time."
        )
        self.clear_stage()
        self.bars = SourceBars(shares, norms, max_height=BARS_HEIGHT, spacing=1.4, bar_width=0.6)
        caption = VGroup(
            MathTex(
                r"\text{share of } L^{(s)} \text{ in }"
                r"\left\|\frac{\partial L}{\partial a^{(t)}}\right\|"
                r"=\frac{\partial L^{(s)}}{\partial a^{(t)}}\cdot"
                r"\frac{\partial L/\partial a^{(t)}}{\|\partial L/\partial a^{(t)}\|}",
                font_size=EQ_SIZE,
                color=MEANING.text.color,
            ),
            Text(
                "the shares of a bar add up to ||dL/da(t)||; below 0: against the total",
                font_size=FONT_SMALL,
                color=MEANING.text.color,
            ),
        ).arrange(DOWN, buff=0.2)
        legend = source_legend(np.flatnonzero(self.bp.loss_mask), vertical=True)
        mark_key = Legend(
            [(MEANING.text.color, r"$\left\|\partial L/\partial a^{(t)}\right\|$")], kind="line"
        )
        keys = VGroup(legend, mark_key).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        block = VGroup(self.bars, keys).arrange(RIGHT, buff=0.8, aligned_edge=DOWN)
        if block.width > STAGE_WIDTH:
            block.scale_to_fit_width(STAGE_WIDTH)
        room = STAGE_TOP - STAGE_BOTTOM - caption.height - 0.3
        if block.height > room:
            block.scale_to_fit_height(room)
        VGroup(caption, block).arrange(DOWN, buff=0.3).move_to((STAGE_TOP + STAGE_BOTTOM) / 2 * UP)
        self.play(
            FadeIn(caption),
            FadeIn(keys),
            FadeIn(self.bars.axis, self.bars.baseline, self.bars.labels),
        )
        self.play(*(FadeIn(bar, shift=0.3 * UP) for bar in self.bars.bars))
        self.play(FadeIn(self.bars.marks), FadeIn(self.bars.values))

    def show_equations(self) -> None:
        t, j, bp, tr = self.t_focus, self.j_focus, self.bp, self.trace
        tp, n = display_step(t), j + 1
        self.beat(
            "The same computation as equations (Goodfellow 10.18 to 10.28), with the "
            f"numbers of unit {n} at step {tp}: the output error, the error of h from two "
            "places (the next step through W, its own output through V), through tanh into "
            "a, and the per-step gradient it makes."
        )
        self.clear_stage()
        self.eq_numbers, k, m = equation_numbers(bp, tr, self.parts, self.dtanh, t, j)
        lines = bptt_equations(
            self.eq_numbers, t, j, k, m, bool(self.lesson.loss_mask[t]), font_size=EQ_SIZE
        )
        self.equations = lines
        for line in lines:
            self.play(FadeIn(line, shift=0.1 * DOWN), run_time=0.6)

    def show_step_gradients(self) -> None:
        T = self.lesson.T
        self.beat(
            "Parameters do not depend on time, errors do. Every step t gives its own "
            "gradient contribution, dL/dW(t) = dL/da(t) h(t-1)^T and the same for U, V, b, "
            "c (each in a frame, values as colours). Their sums over time are the "
            "gradients of the shared parameters."
        )
        self.clear_stage()
        self.table = GradientTable(self.bp.per_step, self.bp.grads)
        bar = ColorBar(self.table.vmax, label="gradient value")
        key = Legend(
            [
                (MEANING.gradient.color, "one step's contribution"),
                (MEANING.text.color, "sum over all steps"),
            ],
            kind="line",
        )
        bottom = VGroup(bar, key).arrange(RIGHT, buff=1.0)
        group = VGroup(self.table, bottom).arrange(DOWN, buff=0.4)
        self.fit_stage(group)  # T = 10 steps and the sums: as wide as the stage, not wider
        cols = [VGroup(*(self.table.cells[(n, t)] for n in "UWVbc")) for t in range(T)]
        self.play(FadeIn(self.table.row_labels), FadeIn(self.table.column_labels), FadeIn(bottom))
        for col in cols:
            self.play(FadeIn(col), run_time=0.35)
        sums = VGroup(*(self.table.cells[(n, "sum")] for n in "UWVbc"))
        self.play(FadeIn(self.table.equals), FadeIn(sums))

    # --- helpers -----------------------------------------------------------------------
    def swap_panel(self, panel) -> None:
        """Replace the panel under the network by ``panel``."""
        place_panel(panel)
        self.play(FadeOut(self.panel), FadeIn(panel))
        self.panel = panel
