"""The last beats of BackpropThroughTime: the one update and what it does.

``UpdateBeats`` is a part of ``scenes.bptt.BackpropThroughTime`` (a mixin over
``LectureScene``): W - eta dL/dW = W_new with the matrices, the network before and
after the update (a new forward pass), and the per-step losses before and after.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, FadeIn, MathTex, Text, Transform, VGroup, Write

from scenes.errorflow.gradients import MatrixFrame
from scenes.errorflow.stage import SharedScaleNeuronsView
from scenes.errorflow.update import UPDATE_TABLE_NOTE, UpdateTable, update_verdict
from scenes.grammar import FONT_SMALL, MEANING
from scenes.layout import STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step, fmt, relation, shown
from scenes.notes import speaker_notes

__all__ = ["UpdateBeats"]

EQ_SIZE = 30
MATRIX_CELL = (0.8, 0.4)


class UpdateBeats:
    """The update slides of BackpropThroughTime (needs its ``compute()`` results)."""

    def sum_and_update(self) -> None:
        lr = self.lesson.learning_rate
        W, G, new = self.lesson.params.W, self.bp.grads.W, self.new_params.W
        by_hand = shown(W[0, 0]) - lr * shown(G[0, 0])  # on the digits read out
        said_rel = "=" if relation(by_hand, fmt(new[0, 0])) == "=" else "is about"
        self.beat(
            speaker_notes(
                "W, minus eta times dL/dW, equals W new; then the rule for all five.",
                f"W[1,1]: {fmt(W[0, 0])} - {lr:g} x {fmt(G[0, 0])} {said_rel} {fmt(new[0, 0])}. "
                + update_verdict(self.update),
                "why does one update need the whole sequence?",
                "the network after the update.",
                say="Once every step's error is known, the parameters are renewed once.",
            )
        )
        self.clear_stage()
        params = self.lesson.params
        vmax = float(max(np.abs(params.W).max(), np.abs(self.new_params.W).max()))
        self.w_before = MatrixFrame(
            params.W, frame_color=MEANING.recurrent.color, vmax=vmax, label="W", cell=MATRIX_CELL
        )
        self.w_grad = MatrixFrame(
            self.bp.grads.W,
            frame_color=MEANING.gradient.color,
            label=r"\frac{\partial L}{\partial W}",
            cell=MATRIX_CELL,
        )
        self.w_after = MatrixFrame(
            self.new_params.W,
            frame_color=MEANING.recurrent.color,
            vmax=vmax,
            label=r"W_{\text{new}}",
            cell=MATRIX_CELL,
        )
        minus = MathTex(rf"-\,{lr:g}\,\cdot", font_size=EQ_SIZE + 4, color=MEANING.text.color)
        by_hand = shown(params.W) - lr * shown(self.bp.grads.W)  # from the shown digits
        self.update_relation = relation(
            by_hand.ravel(), [fmt(v) for v in self.new_params.W.ravel()]
        )
        equals = MathTex(self.update_relation, font_size=EQ_SIZE + 4, color=MEANING.text.color)
        row = VGroup(self.w_before, minus, self.w_grad, equals, self.w_after)
        row.arrange(RIGHT, buff=0.25)
        if row.width > STAGE_WIDTH:
            row.scale_to_fit_width(STAGE_WIDTH)
        rule = MathTex(
            r"\theta\leftarrow\theta-\eta\,\frac{\partial L}{\partial\theta},\quad"
            r"\theta\in\{U,W,V,b,c\},\quad\eta=" + f"{lr:g}",
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        bar = ColorBar(vmax, label="value")
        VGroup(row, rule, bar).arrange(DOWN, buff=0.45).move_to((STAGE_TOP + STAGE_BOTTOM) / 2 * UP)
        self.play(FadeIn(self.w_before), FadeIn(self.w_grad), FadeIn(minus), FadeIn(bar))
        self.play(FadeIn(equals), FadeIn(self.w_after), Write(rule))

    def show_updated_network(self) -> None:
        t = self.t_focus
        self.beat(
            speaker_notes(
                "the connections that changed colour or width, and the neurons of the new "
                f"forward pass at step {display_step(t)}.",
                f"L before {fmt(self.update.loss_before)}, after {fmt(self.update.loss_after)}.",
                "which connections changed most?",
                "the losses step by step.",
                say="The same neurons and one scale before and after; W is yellow, width = "
                "|weight|.",
            )
        )
        self.clear_stage()
        lesson = self.lesson
        params, new = lesson.params, self.new_params
        vmax = {
            name: float(max(np.abs(getattr(params, name)).max(), np.abs(getattr(new, name)).max()))
            for name in ("U", "W", "V")
        }
        kw = {
            "t": t,
            "input_names": lesson.input_labels,
            "output_names": lesson.output_labels,
            "height": 4.4,
            "max_width": 5.2,
            "show_numbers": False,
            "vmax": vmax,
        }
        self.before = SharedScaleNeuronsView(params, self.trace, **kw)
        self.after_target = after_target = SharedScaleNeuronsView(
            new, self.update.trace_after, **kw
        )
        self.after = SharedScaleNeuronsView(params, self.trace, **kw)
        views = VGroup(self.before, self.after).arrange(RIGHT, buff=1.2)
        after_target.move_to(self.after)
        captions = VGroup(
            Text("before", font_size=FONT_SMALL + 4, color=MEANING.text.color).next_to(
                self.before, DOWN, 0.3
            ),
            Text("after one update", font_size=FONT_SMALL + 4, color=MEANING.text.color).next_to(
                self.after, DOWN, 0.3
            ),
        )
        bar = ColorBar(max(vmax["U"], vmax["V"]), label="weight (U, V)")
        act_bar = ColorBar(1.0, label="activation (neurons)")
        key = Legend([(MEANING.recurrent.color, "W (width = |weight|)")], kind="line")
        side = VGroup(bar, act_bar, key).arrange(RIGHT, buff=0.8)
        whole = VGroup(views, captions)
        room = STAGE_TOP - STAGE_BOTTOM - side.height - 0.4
        whole.scale_to_fit_height(min(whole.height, room))
        if whole.width > STAGE_WIDTH:
            whole.scale_to_fit_width(STAGE_WIDTH)
        VGroup(whole, side).arrange(DOWN, buff=0.3).move_to((STAGE_TOP + STAGE_BOTTOM) / 2 * UP)
        after_target.replace(self.after)
        self.play(FadeIn(self.before), FadeIn(self.after), FadeIn(captions), FadeIn(side))
        self.play(Transform(self.after, after_target), run_time=2.0)

    def show_loss_after_update(self) -> None:
        rep = self.update
        self.beat(
            speaker_notes(
                "the target row, then the predictions and L(t) before and after.",
                update_verdict(rep),
                "why can one step get worse while the sum falls?"
                if rep.lowers
                else "why can a step that is too large raise the loss?",
                "truncated BPTT, for long sequences.",
                say=UPDATE_TABLE_NOTE,
            )
        )
        self.clear_stage()
        lesson = self.lesson
        self.update_table = UpdateTable(rep, lesson)
        self.verdict_text = update_verdict(rep)  # what the slide says (Text drops spaces)
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
        block = VGroup(self.update_table, verdict, note).arrange(DOWN, buff=0.4)
        if block.width > STAGE_WIDTH:
            block.scale_to_fit_width(STAGE_WIDTH)
        if block.height > STAGE_TOP - STAGE_BOTTOM:
            block.scale_to_fit_height(STAGE_TOP - STAGE_BOTTOM)
        block.move_to((STAGE_TOP + STAGE_BOTTOM) / 2 * UP)
        self.update_verdict = verdict
        self.play(FadeIn(self.update_table.before_rows))
        self.play(FadeIn(self.update_table.after_rows), FadeIn(verdict), FadeIn(note))
