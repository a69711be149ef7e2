"""Williams & Peng's BPTT(k), kept apart from the chunks: a horizon per loss.

``HorizonBeats`` is a part of ``scenes.truncated.TruncatedBPTT`` (a mixin over
``LectureScene``): every loss L(s) sends its error back at most k steps, with one
update for the whole sequence; the cut paths in grey; the full gradient of W, the
BPTT(k) gradient and their difference.
"""

from __future__ import annotations

from manim import DOWN, RIGHT, Create, FadeIn, MathTex, VGroup, Write

from scenes.errorflow.flow import ErrorFlow
from scenes.errorflow.gradients import MatrixFrame
from scenes.errorflow.stage import LEGEND_WIDTH, NET_HEIGHT, error_stage, place_panel
from scenes.grammar import MEANING
from scenes.layout import STAGE_CENTER, STAGE_WIDTH
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import fmt
from scenes.notes import speaker_notes

__all__ = ["HorizonBeats"]

EQ_SIZE = 30
MATRIX_CELL = (0.8, 0.4)


class HorizonBeats:
    """The BPTT(k) slides of TruncatedBPTT (needs its ``compute()`` results)."""

    def show_horizon_per_loss(self) -> None:
        k = self.k
        self.beat(
            speaker_notes(
                "the coloured error of every loss L(s), then the grey paths beyond k steps.",
                f"k = {k}: L(s) reaches s, s-1, ..., s-{k}+1; the grey paths are never "
                "computed. Still one update for the whole sequence: this is not the chunks.",
                "which losses lose nothing to the horizon?",
                "what the horizon changes in the gradient of W.",
            )
        )
        self.clear_stage()
        self.titled(f"BPTT(k = {k}): a horizon of k steps per loss", "horizon")
        self.net, self.legend = error_stage(
            self.lesson, self.full.losses, height=NET_HEIGHT, legend_width=LEGEND_WIDTH
        )
        self.flow = ErrorFlow.on(self.net, self.full.norms_by_source)
        self.net.arrows.set_opacity(0.25)
        self.net.labels.set_opacity(0.25)
        self.play(FadeIn(self.net), FadeIn(self.legend))
        self.play(*(self.flow.grow(s) for s in range(self.lesson.T)))
        self.cut = self.flow.beyond(self.keep)
        self.marks = self.flow.cut_marks(self.keep)
        key = Legend([(MEANING.cut.color, "beyond the horizon")], kind="line")
        panel = MathTex(
            r"\text{BPTT}(k):\ L^{(s)}\ \text{reaches}\ s,\,s-1,\,\dots,\,s-k+1,\quad k=",
            f"{k}",
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        line = VGroup(panel, key).arrange(RIGHT, buff=0.8)
        place_panel(line)
        self.play(self.cut.animate.set_color(MEANING.cut.color), Create(self.marks), FadeIn(line))

    def compare_horizon_gradients(self) -> None:
        k, big = self.k, self.largest
        self.beat(
            speaker_notes(
                "the three matrices: full gradient, BPTT(k) gradient, their difference.",
                "largest |difference|: "
                + ", ".join(f"{name} {fmt(v)}" for name, v in big.items())
                + ". V and c do not change: their errors never travel through time.",
                "why is the difference exactly the cut paths' contributions?",
                "the next scene: why errors that travel far vanish or explode.",
            )
        )
        self.clear_stage()
        self.titled(f"BPTT(k = {k}) horizon against full BPTT: dL/dW", "horizon")
        frame = MEANING.gradient.color
        vmax = max(float(abs(m).max()) for m in (self.full.grads.W, self.truncated.grads.W))
        vmax = vmax if vmax > 0 else 1.0
        self.full_w = MatrixFrame(
            self.full.grads.W,
            frame_color=frame,
            label=r"\frac{\partial L}{\partial W}\ \text{full}",
            cell=MATRIX_CELL,
            vmax=vmax,
        )
        self.trunc_w = MatrixFrame(
            self.truncated.grads.W,
            frame_color=frame,
            cell=MATRIX_CELL,
            vmax=vmax,
            label=rf"\frac{{\partial L}}{{\partial W}}\ \text{{BPTT}}({k})",
        )
        self.diff_w = MatrixFrame(
            self.difference.W,
            frame_color=MEANING.cut.color,
            label=r"\text{difference}",
            cell=MATRIX_CELL,
            vmax=vmax,
        )
        minus, equals = (MathTex(s, font_size=EQ_SIZE + 6, color=MEANING.text.color) for s in "-=")
        row = VGroup(self.full_w, minus, self.trunc_w, equals, self.diff_w).arrange(RIGHT, buff=0.3)
        if row.width > STAGE_WIDTH:
            row.scale_to_fit_width(STAGE_WIDTH)
        summary = MathTex(
            r"\max|\text{difference}|:\quad "
            + r",\quad ".join(f"{name}\\ {fmt(v)}" for name, v in big.items()),
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        key = Legend(
            [(MEANING.gradient.color, "gradient"), (MEANING.cut.color, "what the horizon cuts")],
            kind="line",
        )
        key = VGroup(key, ColorBar(vmax, label="dL/dW values", length=2.0)).arrange(RIGHT, buff=0.8)
        VGroup(row, summary, key).arrange(DOWN, buff=0.5).move_to(STAGE_CENTER)
        self.summary_numbers = big
        self.play(FadeIn(row), Write(summary), FadeIn(key))
