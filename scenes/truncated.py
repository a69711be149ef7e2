"""TruncatedBPTT: a horizon of k steps for every loss's error (article 001 §3).

The coloured error flows of full BPTT, then the paths beyond k steps greyed out
and cut; the truncated gradient beside the full one with their difference in real
numbers; why truncation is cheaper (the article's Wikipedia-text example).
"""

from __future__ import annotations

from manim import (
    DOWN,
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

from rnncore.bptt_views import (
    grads_difference,
    horizon_mask,
    largest_entries,
    truncation_chunks,
)
from scenes.base import LectureScene
from scenes.errorflow import (
    LEGEND_WIDTH,
    NET_HEIGHT,
    ErrorFlow,
    MatrixFrame,
    error_stage,
    place_panel,
)
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    MEANING,
)
from scenes.mobjects import STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH, Legend, fmt

__all__ = ["TEXT_WORDS", "TruncatedBPTT"]

EQ_SIZE = 30
MATRIX_CELL = (0.8, 0.4)
# A stand-in for "the whole text of a Wikipedia article", one word per time step.
TEXT_WORDS = [
    "A",
    "recurrent",
    "network",
    "reads",
    "the",
    "whole",
    "article",
    "one",
    "word",
    "at",
    "a",
    "time",
    "and",
    "must",
    "remember",
    "what",
    "came",
    "before",
]
WORD_SIZE = 24


class TruncatedBPTT(LectureScene):
    """BPTT(k): what the horizon cuts, what it changes in the gradient, why it is cheaper."""

    def construct(self) -> None:
        self.compute()
        self.show_full_flow()
        self.cut_at_horizon()
        self.compare_gradients()
        self.explain_cost()

    # --- numbers -----------------------------------------------------------------
    def compute(self) -> None:
        lesson = self.lesson
        self.k = lesson.truncate
        self.full = lesson.backprop()
        self.truncated = lesson.backprop(truncate=self.k)
        self.keep = horizon_mask(lesson.T, self.k)  # (T_source, T)
        self.difference = grads_difference(self.full, self.truncated)
        self.largest = largest_entries(self.difference)
        self.chunks = truncation_chunks(len(TEXT_WORDS), self.k)

    # --- beats -------------------------------------------------------------------
    def show_full_flow(self) -> None:
        self.beat(
            "Full BPTT again: every loss L(s) sends its error back along the recurrent "
            "connections all the way to the first step, each in its own colour."
        )
        self.show_title(f"Truncated BPTT (k = {self.k})")
        self.net, self.legend = error_stage(
            self.lesson, self.full.losses, height=NET_HEIGHT, legend_width=LEGEND_WIDTH
        )
        self.flow = ErrorFlow.on(self.net, self.full.norms_by_source)
        self.net.arrows.set_opacity(0.25)
        self.net.labels.set_opacity(0.25)
        self.panel = Text(
            "full BPTT: every error travels back to step 1",
            font_size=FONT_LABEL,
            color=MEANING.text.color,
        )
        place_panel(self.panel)
        self.play(FadeIn(self.net), FadeIn(self.legend), FadeIn(self.panel))
        self.play(*(self.flow.grow(s) for s in range(self.lesson.T)))

    def cut_at_horizon(self) -> None:
        k = self.k
        self.beat(
            f"Truncated BPTT with horizon k = {k}: each loss L(s) sends its error back "
            f"through at most {k} steps (s, s-1, ..., s-k+1). The grey paths beyond the "
            "horizon are cut: they are never computed."
        )
        self.cut = self.flow.beyond(self.keep)
        self.marks = self.flow.cut_marks(self.keep)
        key = Legend([(MEANING.cut.color, "cut by the horizon")], kind="line")
        panel = MathTex(
            r"\text{BPTT}(k):\ L^{(s)}\ \text{reaches}\ s,\,s-1,\,\dots,\,s-k+1,\quad k=",
            f"{k}",
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        line = VGroup(panel, key).arrange(RIGHT, buff=0.8)
        self.swap_panel(line)
        self.play(self.cut.animate.set_color(MEANING.cut.color), Create(self.marks))

    def compare_gradients(self) -> None:
        k = self.k
        big = self.largest
        self.beat(
            "The gradient with the horizon beside the full one, and their difference: "
            "exactly the contributions of the cut paths. V and c do not change (their "
            "errors never travel through time); U, W and b do."
        )
        self.clear_stage()
        self.full_w = MatrixFrame(
            self.full.grads.W,
            frame_color=MEANING.gradient.color,
            label=r"\frac{\partial L}{\partial W}\ \text{full}",
            cell=MATRIX_CELL,
        )
        self.trunc_w = MatrixFrame(
            self.truncated.grads.W,
            frame_color=MEANING.gradient.color,
            label=rf"\frac{{\partial L}}{{\partial W}}\ \text{{BPTT}}({k})",
            cell=MATRIX_CELL,
        )
        self.diff_w = MatrixFrame(
            self.difference.W,
            frame_color=MEANING.cut.color,
            label=r"\text{difference}",
            cell=MATRIX_CELL,
        )
        minus = MathTex("-", font_size=EQ_SIZE + 6, color=MEANING.text.color)
        equals = MathTex("=", font_size=EQ_SIZE + 6, color=MEANING.text.color)
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
        VGroup(row, summary, key).arrange(DOWN, buff=0.5).move_to(
            (STAGE_TOP + STAGE_BOTTOM) / 2 * UP
        )
        self.summary_numbers = big
        self.play(FadeIn(self.full_w), FadeIn(self.trunc_w), FadeIn(minus))
        self.play(FadeIn(equals), FadeIn(self.diff_w))
        self.play(Write(summary), FadeIn(key))

    def explain_cost(self) -> None:
        k, n = self.k, len(TEXT_WORDS)
        updates = len(self.chunks)
        self.beat(
            "Why truncate: with full BPTT you must read the whole text, say a whole "
            "Wikipedia article, keep every state, and only then renew the parameters once. "
            f"With a horizon of k = {k} you renew them after every {k} words, from a part "
            f"of the text: here {updates} updates instead of 1 for {n} words, and only {k} "
            "states to keep for the backward pass."
        )
        self.clear_stage()
        words = VGroup(
            *(Text(w, font_size=WORD_SIZE, color=MEANING.text.color) for w in TEXT_WORDS)
        )
        words.arrange(RIGHT, buff=0.18, aligned_edge=DOWN)
        if words.width > STAGE_WIDTH:
            words.scale_to_fit_width(STAGE_WIDTH)
        words.move_to(0.3 * UP)
        full = Brace(words, UP, color=MEANING.text.color)
        full_text = Text(
            f"full BPTT: read all {n} words, keep {n} states, then 1 update",
            font_size=FONT_SMALL + 2,
            color=MEANING.text.color,
        ).next_to(full, UP, buff=0.15)
        braces = VGroup()
        for i, chunk in enumerate(self.chunks):
            part = VGroup(*(words[j] for j in chunk))
            braces.add(
                Brace(
                    part,
                    DOWN,
                    color=MEANING.text.color if i % 2 == 0 else MEANING.neutral.color,
                    buff=0.1,
                )
            )
        trunc_text = Text(
            f"truncated (k = {k}): an update after every {k} words, {updates} updates, "
            f"keep {k} states",
            font_size=FONT_SMALL + 2,
            color=MEANING.text.color,
        ).next_to(braces, DOWN, buff=0.2)
        for text in (full_text, trunc_text):
            if text.width > STAGE_WIDTH:
                text.scale_to_fit_width(STAGE_WIDTH)
        steps = MathTex(
            r"\text{word } t\ \to\ \text{time step } t:\ x^{(1)},\,x^{(2)},\,\dots,\,x^{("
            + str(n)
            + ")}",
            font_size=EQ_SIZE - 2,
            color=MEANING.neutral.color,
        ).next_to(trunc_text, DOWN, buff=0.5)
        self.cost = {"words": n, "updates": updates, "k": k}
        self.play(FadeIn(words, lag_ratio=0.05))
        self.play(Create(full), FadeIn(full_text))
        self.play(Create(braces), FadeIn(trunc_text), FadeIn(steps))

    # --- helpers -------------------------------------------------------------------
    def swap_panel(self, panel) -> None:
        place_panel(panel)
        self.play(self.panel.animate.set_opacity(0), FadeIn(panel))
        self.remove(self.panel)
        self.panel = panel
