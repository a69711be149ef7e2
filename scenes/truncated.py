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
from scenes.errorflow.flow import ErrorFlow
from scenes.errorflow.gradients import MatrixFrame
from scenes.errorflow.stage import LEGEND_WIDTH, NET_HEIGHT, error_stage, place_panel
from scenes.grammar import FONT_LABEL, FONT_SMALL, FONT_TITLE, MEANING
from scenes.layout import (
    FRAME_MARGIN,
    STAGE_BOTTOM,
    STAGE_CENTER,
    STAGE_TOP,
    STAGE_WIDTH,
    TITLE_BUFF,
)
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import fmt

__all__ = ["TEXT_WORDS", "TruncatedBPTT", "speaker_notes"]

EQ_SIZE = 30
MATRIX_CELL = (0.8, 0.4)
# A stand-in for "the whole text of a Wikipedia article", one word per time step.
ARTICLE_TEXT = (
    "A recurrent network reads the whole article one word at a time and must remember "
    "what came before"
)
TEXT_WORDS = ARTICLE_TEXT.split()
WORD_SIZE = 24


def fit_width(mob: VGroup, width: float = STAGE_WIDTH) -> VGroup:
    """``mob``, shrunk to ``width`` if it is wider."""
    if mob.width > width:
        mob.scale_to_fit_width(width)
    return mob


def speaker_notes(point: str, numbers: str, question: str, transition: str) -> str:
    """Notes a lecturer presents from: what to point at, numbers, a question, what next."""
    return f"Point at: {point} Read out: {numbers} Ask: {question} Next: {transition}"


class TruncatedBPTT(LectureScene):
    """Truncated BPTT by chunks with real numbers; apart from it, the per-loss horizon."""

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
        self.notes_log: list[str] = []
        self.update_panels: list[ChunkUpdate] = []

    def beat(self, notes: str) -> None:
        self.notes_log.append(notes)
        super().beat(notes)

    def titled(self, text: str, picture: str) -> None:
        """The slide's title, logged with what the slide pictures (for the tests)."""
        self.titles.append((len(self.notes_log), text, picture))
        title = self.show_title(text)
        # the Transform ends a rounding error above the margin: settle on the exact place
        title.become(Text(text, font_size=FONT_TITLE, color=MEANING.text.color))
        title.to_edge(UP, buff=TITLE_BUFF)

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
            run, lesson.loss_mask, lesson.step_labels, height=2.3, sums=False
        )
        self.small.move_to([0, STAGE_TOP - self.small.height / 2, 0])
        for i in range(n):
            if i != j:
                self.small.chunk(i).fade(0.7)
        self.small.frames[j].set_stroke(MEANING.text.color, width=4)
        bar = ColorBar(1.0, label="h, W, g values", length=1.8)
        group = VGroup(panel, bar).arrange(RIGHT, buff=0.4)
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


def update_verdict(before: float, chunks: float, full: float, n: int) -> str:
    """What the numbers show: which way of updating lowered the sequence's loss more."""

    def went(x: float) -> str:
        return "lowered" if x < before else "raised"

    if n == 1:
        return (
            f"One chunk is the whole sequence: the chunk's update is full BPTT's update "
            f"(L {fmt(before)} -> {fmt(full)})."
        )
    both = (
        f"{n} chunk updates {went(chunks)} L from {fmt(before)} to {fmt(chunks)}; "
        f"1 full update {went(full)} it to {fmt(full)}: "
    )
    if fmt(chunks) == fmt(full):
        return both + "the same to 2 decimals."
    better = "the chunk updates" if chunks < full else "the one full update"
    return both + f"here {better} ended lower."
