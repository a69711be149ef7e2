"""TruncatedBPTT: the article's truncated BPTT by chunks, then the per-loss horizon.

The article (001 §3): full BPTT must read the whole text before it renews the
parameters once; truncated BPTT "renews parameters based on a part of a text". With
``rnncore.chunked_bptt``: the lesson's sequence cut into chunks of k steps, the
hidden state carried into the next chunk as a constant (no gradient through the cut),
per chunk its loss, gradient and update, next to full BPTT's single update. Then,
kept apart and named as what it is, Williams & Peng's BPTT(k): every loss's error
reaching back k steps, with one update for the sequence.
"""

from __future__ import annotations

import re

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Brace,
    Create,
    FadeIn,
    MathTex,
    Text,
    VGroup,
    Write,
)

from rnncore import chunked_bptt
from rnncore.bptt_views import (
    clip_report,
    grads_difference,
    horizon_mask,
    largest_entries,
    truncation_chunks,
)
from scenes.base import LectureScene
from scenes.chunks import ChunkTimeline, ChunkUpdate, matrix_cell, timeline_key
from scenes.errorflow.gradients import MatrixFrame
from scenes.grammar import FONT_LABEL, FONT_SMALL, MEANING
from scenes.horizon import HorizonBeats
from scenes.layout import (
    FRAME_MARGIN,
    STAGE_BOTTOM,
    STAGE_CENTER,
    STAGE_TOP,
    STAGE_WIDTH,
)
from scenes.mobjects.keys import ColorBar
from scenes.mobjects.numbers import fmt
from scenes.notes import chunk_verdict as update_verdict
from scenes.notes import fit_width, speaker_notes

__all__ = ["TEXT_WORDS", "TruncatedBPTT", "speaker_notes"]

EQ_SIZE = 30
MATRIX_CELL = (0.8, 0.4)
SMALL_TIMELINE = 2.0  # the timeline over a chunk's update: the matrices get the rest
# A stand-in for "the whole text of a Wikipedia article", one word per time step.
ARTICLE_TEXT = (
    "A recurrent network reads the whole article one word at a time and must remember "
    "what came before"
)
TEXT_WORDS = ARTICLE_TEXT.split()
WORD_SIZE = 24


class TruncatedBPTT(HorizonBeats, LectureScene):
    """Truncated BPTT by chunks with real numbers; apart from it, the per-loss horizon."""

    shows_weights = True  # the weights tag in the title line

    def construct(self) -> None:
        self.compute()
        self.motivate_with_a_long_text()
        self.cut_into_chunks()
        for j in range(len(self.run.chunks)):
            self.update_on_chunk(j)
        self.compare_with_full_bptt()
        self.show_horizon_per_loss()
        self.compare_horizon_gradients()

    # --- numbers -----------------------------------------------------------------
    def compute(self) -> None:
        lesson = self.lesson
        self.k = k = lesson.truncate
        self.run = chunked_bptt(
            lesson.params,
            lesson.xs,
            lesson.targets,
            k,
            loss=lesson.loss,
            loss_mask=lesson.loss_mask,
            h0=lesson.h0,
            lr=lesson.learning_rate,
            clip=lesson.clip,
        )
        self.reports = [
            clip_report(c.params_before, c.grads, lesson.learning_rate, lesson.clip)
            for c in self.run.chunks
        ]
        self.full = self.run.full
        self.truncated = lesson.backprop(truncate=k)
        self.keep = horizon_mask(lesson.T, k)  # (T_source, T)
        self.difference = grads_difference(lesson.backprop(), self.truncated)
        self.largest = largest_entries(self.difference)
        self.chunks = truncation_chunks(len(TEXT_WORDS), k)
        self.titles: list[tuple[int, str, str]] = []  # (slide, title, what it pictures)
        self.update_panels: list[ChunkUpdate] = []

    def titled(self, text: str, picture: str) -> None:
        """The slide's title, logged with what the slide pictures (for the tests)."""
        self.titles.append((len(self.notes_log), text, picture))
        title = self.show_title(text)
        # the Transform ends a rounding error above the margin: settle on the exact place
        title.become(self.title_text(text))

    # --- beats -------------------------------------------------------------------
    def motivate_with_a_long_text(self) -> None:
        k, n, updates = self.k, len(TEXT_WORDS), len(self.chunks)
        self.beat(
            speaker_notes(
                "the words of the 'article', one per time step; the brace above (full "
                "BPTT) and the braces below (chunks).",
                f"{n} words; full BPTT keeps {n} states and renews the parameters once; "
                f"chunks of k = {k} words give {updates} chunks, so {updates} updates.",
                "what does full BPTT need to keep in memory before its first update?",
                "the same cut on our lesson's sequence, with its real numbers.",
            )
        )
        self.titled("Why truncate: one update needs the whole text", "text")
        words = VGroup(
            *(Text(w, font_size=WORD_SIZE, color=MEANING.text.color) for w in TEXT_WORDS)
        ).arrange(RIGHT, buff=0.18, aligned_edge=DOWN)
        if words.width > STAGE_WIDTH:
            words.scale_to_fit_width(STAGE_WIDTH)
        words.move_to(0.3 * UP)
        full = Brace(words, UP, color=MEANING.text.color)
        full_text = Text(
            f"full BPTT: read all {n} words, keep {n} states, then 1 update",
            font_size=FONT_SMALL + 2,
            color=MEANING.text.color,
        ).next_to(full, UP, buff=0.15)
        braces = VGroup(
            *(
                Brace(
                    VGroup(*(words[j] for j in chunk)),
                    DOWN,
                    buff=0.1,
                    color=MEANING.text.color if i % 2 == 0 else MEANING.neutral.color,
                )
                for i, chunk in enumerate(self.chunks)
            )
        )
        trunc_text = Text(
            f"truncated BPTT, chunks of k = {k} words: {updates} chunks, "
            f"an update after each ({updates} updates), keep {k} states",
            font_size=FONT_SMALL + 2,
            color=MEANING.text.color,
        ).next_to(braces, DOWN, buff=0.2)
        for text in (full_text, trunc_text):
            if text.width > STAGE_WIDTH:
                text.scale_to_fit_width(STAGE_WIDTH)
        self.cost = {"words": n, "updates": updates, "k": k, "text": trunc_text.text}
        self.play(FadeIn(words, lag_ratio=0.05))
        self.play(Create(full), FadeIn(full_text))
        self.play(Create(braces), FadeIn(trunc_text))

    def cut_into_chunks(self) -> None:
        run, lesson, k, T = self.run, self.lesson, self.k, self.lesson.T
        n = len(run.chunks)
        one = n == 1
        sums = ", ".join(f"L_{j + 1} = {fmt(c.loss)}" for j, c in enumerate(run.chunks))
        norms = ", ".join(f"||g_{j + 1}|| = {fmt(c.grad_norm)}" for j, c in enumerate(run.chunks))
        idle = [j + 1 for j, c in enumerate(run.chunks) if c.grad_norm == 0]
        self.beat(
            speaker_notes(
                "the chunk frames; the dashed grey line where each chunk starts (the "
                "carried h: its value goes forward, no gradient comes back); the green "
                "gradient arrow that stays inside its chunk.",
                f"T = {T}, k = {k}: {n} chunk{'s' * (n > 1)}; {sums}; {norms}."
                + (
                    " k >= T: one chunk holds the whole sequence, so this is full BPTT."
                    if one
                    else ""
                )
                + (f" Chunk(s) {idle} have no loss: their gradient is zero." if idle else ""),
                "why may no gradient flow back through the carried h?",
                "chunk 1's gradient and its update of W.",
            )
        )
        title = (
            f"k = {k} \u2265 T = {T}: one chunk, which is full BPTT"
            if one
            else f"Truncated BPTT: {n} chunks of k = {k} steps"
        )
        self.clear_stage()
        self.titled(title, "full" if one else "chunks")
        self.timeline = ChunkTimeline(run, lesson.loss_mask, lesson.step_labels, height=4.6)
        self.key = fit_width(timeline_key())
        VGroup(self.timeline, self.key).arrange(DOWN, buff=0.5).move_to(STAGE_CENTER)
        self.play(FadeIn(self.timeline), FadeIn(self.key))

    def update_on_chunk(self, j: int) -> None:
        run, lesson = self.run, self.lesson
        chunk, report = run.chunks[j], self.reports[j]
        n = len(run.chunks)
        panel = ChunkUpdate(j, chunk, report, lesson.learning_rate, lesson.loss_mask)
        r, c = panel.entry
        zero = chunk.grad_norm == 0
        self.beat(
            speaker_notes(
                f"chunk {j + 1} in the timeline (the others dimmed); then its loss line, "
                "its gradient g and the W before and after.",
                f"L_{j + 1} = {fmt(chunk.loss)}, ||g_{j + 1}|| = {fmt(chunk.grad_norm)}"
                + (
                    ": no step of this chunk has a loss, so its gradient is zero and W "
                    "does not change."
                    if zero
                    else (
                        f", above clip {fmt(report.threshold)}: the step uses "
                        f"{fmt(report.scale)} of g"
                        if report.scale < 1
                        else f", not above clip {fmt(report.threshold)}: no clipping"
                    )
                    + f"; W[{r + 1},{c + 1}] goes from {fmt(chunk.params_before.W[r, c])} "
                    f"to {fmt(chunk.params_after.W[r, c])}."
                ),
                "which parameters does the next chunk start with?",
                f"chunk {j + 2}, run with these new parameters from the carried h."
                if j + 1 < n
                else "the chunks' updates against full BPTT's single update.",
            )
        )
        self.titled(f"Chunk {j + 1} of {n}: its gradient and its update", "chunk")
        if j == 0:
            self.clear_stage()
            self.key = fit_width(timeline_key(None)).to_edge(DOWN, buff=FRAME_MARGIN)
            self.add(self.key)
        else:
            self.remove(self.small, self.panel)
        self.small = ChunkTimeline(
            run, lesson.loss_mask, lesson.step_labels, height=SMALL_TIMELINE, sums=False
        )
        self.small.move_to([0, STAGE_TOP - self.small.height / 2, 0])
        for i in range(n):
            if i != j:
                self.small.chunk(i).fade(0.7)
        self.small.frames[j].set_stroke(MEANING.text.color, width=4)
        bar = ColorBar(1.0, label="h, W, g values", length=1.8, vertical=True)
        group = VGroup(panel, bar).arrange(RIGHT, buff=0.3)  # a tall bar: the row keeps width
        fit_width(group)
        room = self.small.get_bottom()[1] - self.key.get_top()[1] - 0.5
        if group.height > room:
            group.scale_to_fit_height(room)
        group.move_to([0, (self.small.get_bottom()[1] + self.key.get_top()[1]) / 2, 0])
        self.panel = group
        self.update_panels.append(panel)
        self.play(FadeIn(self.small), FadeIn(group))

    def compare_with_full_bptt(self) -> None:
        run, n = self.run, len(self.run.chunks)
        L0, La, Lb = self.full.loss, run.loss_after_chunks, run.loss_after_full
        active = sum(1 for c in run.chunks if c.grad_norm > 0)
        self.verdict = update_verdict(L0, La, Lb, n)
        if active < n:
            has, it = ("has", "it") if active == 1 else ("have", "they")
            self.verdict += f" Only {active} of the {n} chunks {has} a loss: only {it} moved W."
        self.beat(
            speaker_notes(
                "W after the chunks (left) and after full BPTT's one update (right), then "
                "the losses under them.",
                f"L before = {fmt(L0)}, full BPTT's ||g|| = {fmt(self.full.grads.global_norm())}; "
                f"after {n} chunk update{'s' * (n > 1)} L = {fmt(La)}, after 1 full update "
                f"L = {fmt(Lb)}. {self.verdict}",
                "what did each chunk's update not see, and what did it gain?",
                "a different way to cut: a horizon for every loss (BPTT(k)).",
            )
        )
        self.clear_stage()
        self.titled(f"{n} chunk update{'s' * (n > 1)} or 1 full BPTT update", "both")
        cell, mode = matrix_cell(run.params_after.W.shape[0])
        kw = {"mode": mode, "cell": cell, "vmax": 1.0, "frame_color": MEANING.neutral.color}
        self.chunks_w = MatrixFrame(
            run.params_after.W, label=rf"W\ \text{{after {n} chunk updates}}", **kw
        )
        self.full_after_w = MatrixFrame(
            run.full_params_after.W, label=r"W\ \text{after 1 full update}", **kw
        )
        losses = [
            MathTex(
                rf"L:\ {fmt(L0)} \to {fmt(x)}", font_size=FONT_LABEL + 4, color=MEANING.text.color
            )
            for x in (La, Lb)
        ]
        self.loss_after_texts = losses
        cols = [
            VGroup(m, t).arrange(DOWN, buff=0.3)
            for m, t in zip((self.chunks_w, self.full_after_w), losses, strict=True)
        ]
        row = VGroup(*cols, ColorBar(1.0, label="W values", length=1.8)).arrange(RIGHT, buff=1.0)
        verdict = VGroup(
            *(
                Text(line, font_size=FONT_SMALL + 2, color=MEANING.text.color)
                for line in re.split(r"(?<=[;:.]) ", self.verdict)
            )
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        group = VGroup(row, verdict).arrange(DOWN, buff=0.5)
        for part in (row, verdict):
            if part.width > STAGE_WIDTH:
                part.scale_to_fit_width(STAGE_WIDTH)
        if group.height > STAGE_TOP - STAGE_BOTTOM:
            group.scale_to_fit_height(STAGE_TOP - STAGE_BOTTOM)
        group.move_to([0, (STAGE_TOP + STAGE_BOTTOM) / 2, 0])
        self.play(FadeIn(row))
        self.play(Write(verdict))
