"""VanishingExploding's pictures: the radius legend, the error trails, the gradient bars.

They draw what they are given (``rnncore.bptt_views.RadiusCase`` results); nothing
computes model math.
"""

from __future__ import annotations

import itertools

import numpy as np
from manim import DOWN, LEFT, RIGHT, DashedLine, Line, MathTex, Rectangle, Text, VGroup

from rnncore.bptt_views import RadiusCase
from scenes.errorflow.flow import ErrorFlow
from scenes.grammar import FONT_SMALL, MEANING, curve_color
from scenes.mobjects.numbers import fmt

__all__ = ["RADII", "error_trail", "gradient_bar", "radius_legend"]

RADII = (0.5, 1.0, 1.5, 2.5)  # spectral radii of the rescaled W
TRAIL_WIDTH = 4.0  # width of one row of the error trails
DOT_RADIUS = 0.1
NUMBER_GAP = 0.08  # the least space between two numbers of a row


def radius_legend(cases: list[RadiusCase]) -> VGroup:
    """The colour of each radius (with its largest singular value) and the line kinds."""
    entries = VGroup()
    for case in cases:
        color = curve_color(RADII.index(case.radius))
        swatch = Line(LEFT * 0.2, RIGHT * 0.2, color=color, stroke_width=6)
        text = MathTex(
            rf"\rho={case.radius:g}\;(\lambda_1={fmt(case.sigma_max)})",
            font_size=FONT_SMALL + 6,
            color=color,
        )
        entries.add(VGroup(swatch, text).arrange(RIGHT, buff=0.1))
    entries.arrange_in_grid(rows=2, buff=(0.35, 0.12), col_alignments="ll")
    meaning = MathTex(
        r"\rho:\ \text{spectral radius of }W,\quad"
        r"\lambda_1:\ \text{its largest singular value}",
        font_size=FONT_SMALL + 4,
        color=MEANING.neutral.color,
    )
    kinds = VGroup(
        VGroup(
            Line(LEFT * 0.25, RIGHT * 0.25, color=MEANING.text.color),
            Text("measured", font_size=FONT_SMALL),
        ).arrange(RIGHT, buff=0.1),
        VGroup(
            DashedLine(LEFT * 0.25, RIGHT * 0.25, color=MEANING.text.color, dash_length=0.08),
            MathTex(r"\text{bound }\lambda_1^{\,t-k}", font_size=FONT_SMALL + 6),
        ).arrange(RIGHT, buff=0.1),
    ).arrange(RIGHT, buff=0.4)
    return VGroup(entries, kinds, meaning).arrange(DOWN, buff=0.15, aligned_edge=LEFT)


def error_trail(case: RadiusCase, T: int, vmax: float, y: float) -> VGroup:
    """One row: the steps as dots, L(T)'s error flowing back, its size at each step.

    The row is ``VGroup(VGroup(label, dots), flow, numbers)``.
    """
    gap = TRAIL_WIDTH / max(T - 1, 1)
    h_points = np.array([[t * gap, y, 0.0] for t in range(T)])
    o_points = h_points + np.array([0.0, 0.55, 0.0])
    strengths = np.zeros_like(case.backprop.norms_by_source)  # only the last loss
    strengths[T - 1] = case.backprop.norms_by_source[T - 1]
    reach = np.zeros(strengths.shape, dtype=bool)
    reach[T - 1] = strengths[T - 1] > 0
    dots = VGroup(
        *(
            Rectangle(
                width=2 * DOT_RADIUS, height=2 * DOT_RADIUS, color=MEANING.hidden.color
            ).move_to(p)
            for p in h_points
        )
    )
    flow = ErrorFlow(
        strengths,
        {t: o_points[t] for t in range(T)},
        {t: h_points[t] for t in range(T)},
        h_half_width=DOT_RADIUS,
        h_half_height=DOT_RADIUS,
        o_half_height=0.0,
        reach=reach,
        vmax=vmax,
        lane_gap=0.0,
        down_shift=0.0,
        color=curve_color(RADII.index(case.radius)),
    )
    numbers = VGroup(
        *(
            Text(fmt(strengths[T - 1, t]), font_size=FONT_SMALL, color=MEANING.text.color).next_to(
                dots[t], DOWN, buff=0.12
            )
            for t in range(T)
        )
    )
    if any(a.get_right()[0] + NUMBER_GAP > b.get_left()[0] for a, b in itertools.pairwise(numbers)):
        for t in range(T - 2, -1, -2):  # too close in one line: every other one a line lower
            numbers[t].shift(DOWN * (numbers[t].height + 0.08))
    label = MathTex(
        rf"\rho={case.radius:g}",
        font_size=FONT_SMALL + 8,
        color=curve_color(RADII.index(case.radius)),
    ).next_to(dots, LEFT, buff=0.35)
    return VGroup(VGroup(label, dots), flow, numbers)


def gradient_bar(length: float) -> Rectangle:
    """A bar as long as a gradient's norm (screen units)."""
    return Rectangle(
        width=max(length, 0.02),
        height=0.35,
        fill_color=MEANING.gradient.color,
        fill_opacity=0.9,
        stroke_width=0,
    )
