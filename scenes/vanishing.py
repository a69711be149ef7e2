"""VanishingExploding: why the errors of a simple RNN fade or blow up (article 001, end).

The lesson's W rescaled to a few spectral radii: ||dh(t)/dh(k)|| against the
distance t - k on a log axis, next to Pascanu et al.'s bound sigma_max(W)^(t-k);
the error of the last loss travelling back for each radius; gradient norm
clipping as the remedy for exploding gradients; a teaser for LSTM.
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    MathTex,
    ReplacementTransform,
    Text,
    Transform,
    VGroup,
    Write,
)

from rnncore.analysis import largest_singular_value
from rnncore.bptt_views import ClipReport, RadiusCase, clip_report, radius_cases
from scenes.base import LectureScene
from scenes.curves import LogNormPlot
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    MEANING,
    curve_color,
)
from scenes.intro_notes import lecture_notes
from scenes.layout import FRAME_MARGIN, STAGE_BOTTOM, STAGE_WIDTH, fit_within, keep_inside
from scenes.mobjects.numbers import fmt
from scenes.vanishing_views import RADII, error_trail, gradient_bar, radius_legend

__all__ = ["RADII", "VanishingExploding", "norm_text"]

PLOT_SIZE = (5.4, 2.3)  # (x_length, y_length) of the log plot
TRAIL_GAP = 0.2  # between one row's numbers and the next row's incoming arrow
CLIP_BAR = 5.0  # screen length of the unclipped gradient's bar
EQ_SIZE = 32
TEASER_TRAILS = 1.4  # the last slide's two trails, larger: they are its picture


def norm_text(value: float) -> str:
    """A norm for the teaser: 2 decimals, or 2 significant digits when below 0.01."""
    value = float(value)
    return fmt(value) if value >= 0.01 else f"{value:.1e}"


class VanishingExploding(LectureScene):
    """||dh(t)/dh(k)|| for small and large W; clipping; what LSTM is for."""

    def construct(self) -> None:
        self.compute_cases()
        self.show_jacobian_product()
        self.plot_norms()
        self.show_error_trails()
        self.clip_exploding()
        self.tease_lstm()

    # --- numbers -----------------------------------------------------------------
    def compute_cases(self) -> None:
        lesson = self.lesson
        self.cases: list[RadiusCase] = radius_cases(
            lesson.params,
            lesson.xs,
            lesson.targets,
            RADII,
            h0=lesson.h0,
            loss=lesson.loss,
            loss_mask=lesson.loss_mask,
        )
        exploding = self.cases[-1]
        self.clip: ClipReport = clip_report(
            exploding.params, exploding.backprop.grads, lesson.learning_rate, lesson.clip
        )

    # --- beats -------------------------------------------------------------------
    def show_jacobian_product(self) -> None:
        sigma = largest_singular_value(self.lesson.params.W)
        self.beat(
            lecture_notes(
                "An error travelling back from step t to step k is multiplied once per "
                "step by the recurrent Jacobian diag(1 - h^2) W. Since tanh' is at most 1, "
                "its size is bounded by the largest singular value of W to the power t - k "
                "(Pascanu, Mikolov and Bengio 2013).",
                "the product, then the bound on the right.",
                f"our W's largest singular value: {fmt(sigma)}.",
                "What happens to 0.5 to the power 10?",
                "the real norms for four sizes of W.",
            )
        )
        self.show_title("Vanishing and exploding gradients")
        self.product = MathTex(
            r"\frac{\partial h^{(t)}}{\partial h^{(k)}}",
            r"=\prod_{j=k+1}^{t}\operatorname{diag}\!\left(1-h^{(j)\,2}\right)W",
            r"\qquad\left\|\frac{\partial h^{(t)}}{\partial h^{(k)}}\right\|",
            r"\le\lambda_1^{\,t-k}",
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        self.product.next_to(self.title, DOWN, buff=0.2)  # where it stays from the next slide
        self.big_product = self.product.copy().scale(1.35)
        self.product_facts = VGroup(
            *(
                Text(line, font_size=FONT_LABEL, color=MEANING.text.color)
                for line in (
                    "one factor diag(1 - h²) W per step from k to t",
                    "tanh' ≤ 1, so each factor is at most λ₁, the largest singular value of W",
                    f"our W: λ₁ = {fmt(sigma)}",
                )
            )
        ).arrange(DOWN, buff=0.35)
        self.fit_stage(VGroup(self.big_product, self.product_facts).arrange(DOWN, buff=0.8))
        self.play(Write(self.big_product))
        self.play(FadeIn(self.product_facts))

    def plot_norms(self) -> None:
        far = ", ".join(f"{c.radius:g}: {fmt(float(c.jacobian[-1]))}" for c in self.cases)
        self.beat(
            lecture_notes(
                "W rescaled to four spectral radii. Solid: the real norms of dh(T)/dh(k) "
                "against T - k (log axis); dashed: the bound. Small W: the error vanishes "
                "geometrically; large W: the bound explodes, the error may too.",
                "each solid line against its dashed bound.",
                f"the norm at the largest distance, by radius: {far}.",
                "Why can the solid line stay below its dashed bound?",
                "what this does to the coloured errors.",
            )
        )
        series = []
        for case in self.cases:
            series.append(
                (case.distances, case.jacobian, curve_color(RADII.index(case.radius)), False)
            )
            series.append((case.distances, case.bound, curve_color(RADII.index(case.radius)), True))
        self.plot = LogNormPlot(
            series,
            x_length=PLOT_SIZE[0],
            y_length=PLOT_SIZE[1],
            x_label=r"t-k",
            y_label=r"\left\|\partial h^{(t)}/\partial h^{(k)}\right\|",
        )
        self.plot.next_to(self.product, DOWN, buff=0.25).to_edge(LEFT, buff=FRAME_MARGIN + 0.3)
        self.radius_legend = radius_legend(self.cases).next_to(self.plot, DOWN, buff=0.2)
        self.radius_legend.align_to(self.plot, LEFT)
        self.play(FadeOut(self.product_facts), ReplacementTransform(self.big_product, self.product))
        self.play(Create(self.plot.axes), FadeIn(self.plot.axis_labels), FadeIn(self.radius_legend))
        self.play(*(Create(line) for line in self.plot.lines), FadeIn(self.plot.dots))
        if self.lesson.T == 1:  # nothing travels through time: say so, not an empty plot
            note = Text(
                "this lesson has one time step:\nno error travels back (t - k = 0 only)",
                font_size=FONT_LABEL,
                color=MEANING.text.color,
                line_spacing=0.8,
            )
            keep_inside(note.next_to(self.plot.axes, RIGHT, buff=0.6))
            self.one_step_note = note
            self.play(FadeIn(note))

    def show_error_trails(self) -> None:
        T = self.lesson.T
        first = ", ".join(
            f"{c.radius:g}: {fmt(float(c.backprop.norms_by_source[-1][0]))}" for c in self.cases
        )
        self.beat(
            lecture_notes(
                f"The error of the last loss L({T}) travelling back to step 1, for each "
                "radius; widths and numbers are the sizes it leaves at each step. For a "
                "small W it fades before the first step; for a large W it can grow.",
                "the first step of each trail.",
                f"the error reaching step 1, by radius: {first}.",
                "Which of these trails could teach step 1 anything?",
                "a remedy for the exploding case.",
            )
        )
        block = self.trail_rows(self.cases)
        legend, rows = block
        self.trails = [row[1] for row in rows]
        self.trail_numbers = [row[2] for row in rows]
        below = self.product.get_bottom()[1] - 0.3
        fit_within(block, STAGE_WIDTH / 2, below - STAGE_BOTTOM)  # the right half, under it
        block.next_to(self.product, DOWN, buff=0.3).to_edge(RIGHT, buff=FRAME_MARGIN)
        self.trail_block = block
        if T == 1:
            self.play(FadeOut(self.one_step_note))  # the trails take its place
        self.play(FadeIn(legend), FadeIn(VGroup(*(r[0] for r in rows))))
        self.play(*(t.grow(T - 1, run_time=2.0) for t in self.trails))
        self.play(FadeIn(VGroup(*self.trail_numbers)))

    def trail_rows(self, cases: Sequence[RadiusCase]) -> VGroup:
        """``VGroup(heading, rows)``: the error of the last loss reaching each step, one
        row per radius in ``cases`` (widths on one scale across the rows)."""
        T = self.lesson.T
        vmax = max(float(c.backprop.norms_by_source[-1].max()) for c in cases)
        rows = VGroup(*(error_trail(c, T, vmax, y=0.0) for c in cases))
        rows.arrange(DOWN, buff=TRAIL_GAP, aligned_edge=RIGHT)  # the steps in columns
        heading = MathTex(
            rf"\text{{the error of }}L^{{({T})}}\text{{ reaching each step, by radius}}",
            font_size=FONT_SMALL + 6,
            color=MEANING.text.color,
        )
        return VGroup(heading, rows).arrange(DOWN, buff=0.25, aligned_edge=LEFT)

    def clip_exploding(self) -> None:
        rep = self.clip
        radius = self.cases[-1].radius
        self.beat(
            lecture_notes(
                "The remedy for exploding gradients: clip them. If the norm of the whole "
                "gradient is above a threshold, scale it down to the threshold before the "
                "update (Pascanu et al. 2013); the direction is kept. Vanishing gradients "
                "have no such simple fix.",
                "the two bars and the dashed threshold.",
                f"radius {radius:g}: norm {fmt(rep.norm_before)}, threshold "
                f"{fmt(rep.threshold)}, after {fmt(rep.norm_after)}.",
                "Why does clipping not help a vanishing gradient?",
                "what these problems meant for simple RNNs.",
            )
        )
        self.clear_stage()
        self.play(FadeOut(self.product))
        unit = CLIP_BAR / max(rep.norm_before, rep.threshold)
        before = gradient_bar(rep.norm_before * unit)
        after = gradient_bar(rep.norm_after * unit)
        label = MathTex(
            r"\|g\|=", fmt(rep.norm_before), font_size=EQ_SIZE, color=MEANING.text.color
        )
        label_after = MathTex(
            r"\|g\|=", fmt(rep.norm_after), font_size=EQ_SIZE, color=MEANING.text.color
        )
        bars = VGroup(before, after).arrange(DOWN, buff=0.9, aligned_edge=LEFT)
        bars.move_to(0.8 * UP + 1.0 * LEFT)
        after.align_to(before, LEFT)
        threshold_x = before.get_left()[0] + rep.threshold * unit
        threshold = DashedLine(
            [threshold_x, before.get_top()[1] + 0.35, 0],
            [threshold_x, after.get_bottom()[1] - 0.35, 0],
            color=MEANING.clip.color,
        )
        threshold_label = MathTex(
            r"\text{threshold}=",
            fmt(rep.threshold),
            font_size=EQ_SIZE - 4,
            color=MEANING.clip.color,
        ).next_to(threshold, UP, buff=0.1)
        label.next_to(before, RIGHT, buff=0.3)
        label_after.next_to(after, RIGHT, buff=0.3)
        rule = MathTex(
            r"\|g\|>\text{threshold}\;\Rightarrow\; g\leftarrow g\cdot",
            r"\frac{" + fmt(rep.threshold) + "}{" + fmt(rep.norm_before) + "}",
            "=",
            r"g\cdot " + fmt(rep.scale),
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        if rep.scale >= 1.0:
            rule = MathTex(
                r"\|g\|\le\text{threshold}:\ g\text{ is not changed}",
                font_size=EQ_SIZE,
                color=MEANING.text.color,
            )
        update = MathTex(
            r"\theta\leftarrow\theta-\eta\,\mathrm{clip}(g),\quad\eta=",
            f"{self.lesson.learning_rate:g}",
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        caption = Text(
            f"gradient of all parameters, W rescaled to spectral radius {radius:g}",
            font_size=FONT_SMALL,
            color=MEANING.neutral.color,
        )
        notes = VGroup(rule, update, caption).arrange(DOWN, buff=0.3)
        notes.next_to(bars, DOWN, buff=0.8).set_x(0)
        self.clip_group = VGroup(
            before, after, label, label_after, threshold, threshold_label, rule
        )
        self.clip_numbers = {"before": label, "after": label_after, "threshold": threshold_label}
        self.play(FadeIn(before), Write(label), Create(threshold), FadeIn(threshold_label))
        self.play(Transform(before.copy(), after), Write(label_after), Write(rule))
        self.play(FadeIn(update), FadeIn(caption))

    def tease_lstm(self) -> None:
        T, small, large = self.lesson.T, self.cases[0], self.cases[-1]
        first = [norm_text(c.backprop.norms_by_source[-1][0]) for c in (small, large)]
        said = (  # the trails' step 1, with the digits a vanishing error needs
            f"the error of L({T}) reaching step 1",
            f"is {first[0]} at radius {small.radius:g}, {first[1]} at radius {large.radius:g}",
        )
        if T == 1:
            said = ("one time step,", "so no error travels back through time")
        reach = " ".join(said)
        self.beat(
            lecture_notes(
                "This is why simple RNNs are no longer for practical use: the exploding "
                "and vanishing gradient problem, one of the reasons for the AI winter of "
                "some 20 years. LSTM, next, adds a cell state the error travels along.",
                "the two trails, step 1 of each, then the three lines.",
                f"in our network, {reach}.",
                "What would let the error survive many steps?",
                "the experiment: how far back can a simple RNN remember?",
            )
        )
        self.clear_stage()
        self.show_title("Why simple RNNs fell out of use")
        lines = VGroup(
            *(
                Text(line, font_size=FONT_LABEL - 2, color=MEANING.text.color)
                for line in (
                    f"our network, T = {T}: {said[0]}",
                    said[1],
                    "vanishing / exploding gradients: one of the reasons for an AI winter "
                    "of some 20 years",
                    "next, LSTM: a cell state c(t) carries the error back through + and gates",
                )
            )
        ).arrange(DOWN, buff=0.3)
        lines[1].shift(0.15 * UP)  # one sentence in two lines
        self.teaser = lines
        self.teaser_trails = self.trail_rows((small, large)).scale(TEASER_TRAILS)
        block = VGroup(self.teaser_trails, lines).arrange(DOWN, buff=0.6)
        self.fit_stage(block)
        rows = self.teaser_trails[1]
        self.play(FadeIn(self.teaser_trails[0]), FadeIn(VGroup(*(r[0] for r in rows))))
        self.play(*(r[1].grow(T - 1, run_time=1.5) for r in rows), FadeIn(lines[:2]))
        self.play(FadeIn(VGroup(*(r[2] for r in rows))))
        self.play(FadeIn(lines[2]))
        self.play(FadeIn(lines[3]))
