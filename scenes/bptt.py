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
from scenes.bptt_gradients import GradientBeats
from scenes.bptt_update import UpdateBeats
from scenes.errorflow.equations import (
    bptt_equations,
    equation_numbers,
    error_chain,
    output_error_panel,
)
from scenes.errorflow.flow import ErrorFlow
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
from scenes.notes import speaker_notes

# UpdateTable, update_verdict and UPDATE_TABLE_NOTE stay importable from here (LSTMBackprop)
__all__ = ["UPDATE_TABLE_NOTE", "BackpropThroughTime", "UpdateTable", "tex_vec", "update_verdict"]

EQ_SIZE = 30
DIM = 0.25  # opacity of the network while the errors flow
BARS_HEIGHT = 4.0
MATRIX_CELL = (0.8, 0.4)
KEY_BAR_LENGTH = 1.2  # the value colour bar beside the unrolled network


class BackpropThroughTime(GradientBeats, UpdateBeats, LectureScene):
    """BPTT with real numbers: coloured errors, per-step gradients, their sum, the update."""

    shows_weights = True  # the weights tag in the title line

    def construct(self) -> None:
        self.compute()
        self.show_losses()
        self.show_output_errors()
        self.flow_errors()
        self.focus_step()
        self.show_source_bars()
        self.show_equations()
        self.show_gradient_frames()
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
        bp, T = self.bp, self.lesson.T
        self.beat(
            speaker_notes(
                "the L(t) cells on their loss colour scale, the framed targets, and the sum.",
                f"L = {fmt(bp.loss)}, the sum of {int(self.lesson.loss_mask.sum())} losses "
                f"over {T} steps.",
                "which parameters change every one of these losses?",
                "the first errors, at the outputs.",
                say="Where forward propagation ended: BPTT starts from these losses.",
            )
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
        # the target frames and the loss scale now; the source colours with the errors
        self.play(FadeIn(self.net), FadeIn(self.value_bar), *(FadeIn(k) for k in self.legend[1:]))
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
        t_ = self.t_focus if self.lesson.loss_mask[self.t_focus] else self.lesson.T - 1
        self.beat(
            speaker_notes(
                "the dL/do(t) row, each outlined in its loss's colour, and the panel.",
                f"at step {display_step(t_)}: dL/do = "
                f"({', '.join(fmt(v) for v in self.bp.d_o[t_])}).",
                "why is the error of the target class negative?"
                if self.lesson.loss == "cross_entropy"
                else "what is dL/do(t) when o(t) = y(t)?",
                "these errors flowing back through time.",
                say="The output errors dL/do(t) = y-hat(t) - y(t); each belongs to one loss."
                + ("" if self.lesson.loss_mask.all() else " Steps without a loss have none."),
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
                # a step without a loss has no output error: a neutral outline, no source
                outline=source_color(t) if self.lesson.loss_mask[t] else MEANING.neutral.color,
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
        self.play(*anims, *(FadeIn(s) for s in self.d_o_strips.values()), FadeIn(self.legend[0]))

    def flow_errors(self) -> None:
        T = self.lesson.T
        bp = self.bp
        self.beat(
            speaker_notes(
                "the coloured arrows growing backwards, one colour per loss L(s); width = "
                "the error's size.",
                f"dL/da(1) = ({', '.join(fmt(v) for v in bp.d_a[0])}).",
                "why does step 1 receive every colour?",
                "one step's error, split by colour.",
                say="Errors flow back: o through V into h, through tanh into a, then along W "
                "into every earlier step.",
            )
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
            speaker_notes(
                f"the frame at h({tp}) and the arrows arriving there.",
                f"dL/da_{j + 1}({tp}) = {fmt(bp.d_a[t, j])}, the sum of one contribution per "
                "later loss (panel).",
                f"which losses cannot reach step {tp}?",
                "the same split for every step.",
                say=f"Step {tp}'s error needs the errors of every later step.",
            )
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
            speaker_notes(
                "one bar per step, one segment per loss; the white mark is ||dL/da(t)||.",
                f"step 1: {parts} = {fmt(norms[t0])} (rounded).",
                "what does a segment below zero mean?",
                "the same computation as equations.",
                say="Each segment: that loss's error projected onto dL/da(t), so a bar sums "
                "exactly to ||dL/da(t)||.",
            )
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
        e_t = self.lesson.loss_mask[t]
        self.beat(
            speaker_notes(
                "10.18, then the two paths of 10.21 (W yellow, V), then tanh, then the "
                "per-step gradient.",
                f"unit {n} at step {tp}: dL/dh = {fmt(bp.d_h[t, j])}, dL/da = "
                f"{fmt(bp.d_a[t, j])}" + ("." if e_t else " (no loss at this step)."),
                "which factor comes from the next step?",
                "the per-step gradients in coloured frames.",
                say="Goodfellow 10.18-10.28 with this network's numbers.",
            )
        )
        self.clear_stage()
        self.eq_numbers, k, m = equation_numbers(bp, tr, self.parts, self.dtanh, t, j)
        lines = bptt_equations(
            self.eq_numbers, t, j, k, m, bool(self.lesson.loss_mask[t]), font_size=EQ_SIZE
        )
        self.equations = lines
        for line in lines:
            self.play(FadeIn(line, shift=0.1 * DOWN), run_time=0.6)

    # --- helpers -----------------------------------------------------------------------
    def swap_panel(self, panel) -> None:
        """Replace the panel under the network by ``panel``."""
        place_panel(panel)
        self.play(FadeOut(self.panel), FadeIn(panel))
        self.panel = panel
