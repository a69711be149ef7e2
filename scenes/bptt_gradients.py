"""The gradient beats of BackpropThroughTime: coloured frames, then all of them.

``GradientBeats`` is a part of ``scenes.bptt.BackpropThroughTime`` (a mixin over
``LectureScene``): the article's central figure (each per-step gradient frame with
exactly the errors it needs, in its step's colour; "parameters do not depend on
time steps, errors do"; the per-step notation with the article's caveat), then
every parameter's per-step gradients and their sums.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, FadeIn, Text, VGroup

from scenes.errorflow.frames import StepGradientFrames, frame_steps
from scenes.errorflow.gradients import GradientTable
from scenes.grammar import FONT_SMALL, MEANING, source_color
from scenes.layout import FRAME_MARGIN, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step, fmt
from scenes.notes import speaker_notes

__all__ = ["GradientBeats"]


class GradientBeats:
    """The gradient slides of BackpropThroughTime (needs its ``compute()`` results)."""

    def show_gradient_frames(self) -> None:
        bp, T = self.bp, self.lesson.T
        steps = frame_steps(T, self.t_focus)
        t0 = steps[0]
        self.beat(
            speaker_notes(
                "each coloured frame dL/dW(t) and, boxed in the same colour, the errors it "
                "needs: dL/da(t) up to the last step; earlier steps' errors are not needed.",
                f"step {display_step(t0)} needs all {T} errors; the last step only its own. "
                f"dL/dW({display_step(t0)}) has largest entry "
                f"{fmt(bp.per_step.W[t0].flat[np.argmax(np.abs(bp.per_step.W[t0]))])}.",
                "if there is one W, what does the (t) in dL/dW(t) belong to?",
                "every step's frame, for every parameter, and their sum.",
            )
        )
        self.clear_stage()
        self.frames = StepGradientFrames(bp.d_a, bp.per_step.W, steps)
        self.frame_steps = steps
        lines = VGroup(
            Text(
                "Parameters do not depend on time steps; errors do.",
                font_size=FONT_SMALL + 4,
                color=MEANING.text.color,
            ),
            Text(
                "dL/dW(t) is the textbook's per-step notation: the part of dL/dW made by "
                "step t's errors,\ndL/da(t) h(t-1)^T. It is not a gradient for a W of step t: "
                "there is one W for all steps.",
                font_size=FONT_SMALL,
                color=MEANING.text.color,
                line_spacing=0.8,
            ),
        ).arrange(DOWN, buff=0.2)
        key = VGroup(
            ColorBar(self.frames.vmax, label="value", vertical=True, length=1.6),
            Legend([(source_color(t), f"step {display_step(t)}") for t in steps], kind="frame"),
        ).arrange(DOWN, buff=0.4, aligned_edge=LEFT)
        top = VGroup(self.frames, key).arrange(RIGHT, buff=0.8)
        fit_within(lines, STAGE_WIDTH, 1.5)
        lines.to_edge(DOWN, buff=FRAME_MARGIN)
        self.fit_stage(top, top=STAGE_TOP)
        fit_within(top, STAGE_WIDTH, STAGE_TOP - lines.get_top()[1] - 0.3)
        top.move_to([0, (STAGE_TOP + lines.get_top()[1] + 0.3) / 2, 0])
        self.play(FadeIn(self.frames.headers), FadeIn(key))
        for t in steps:
            self.play(FadeIn(self.frames.rows[t]), run_time=0.5)
        self.play(FadeIn(self.frames.ellipses), FadeIn(lines))

    def show_step_gradients(self) -> None:
        T = self.lesson.T
        g = self.bp.grads
        self.beat(
            speaker_notes(
                "one column per step for U, W, V, b, c, then the sums on the right.",
                f"||dL/dW|| = {fmt(float(np.linalg.norm(g.W)))}, ||dL/dU|| = "
                f"{fmt(float(np.linalg.norm(g.U)))}.",
                "why do V and c get a contribution only at steps with a loss?",
                "renewing the parameters once.",
                say="Every step's gradient contribution; their sums are the gradients of the "
                "shared parameters.",
            )
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
