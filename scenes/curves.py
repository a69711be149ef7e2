"""Plots of curves over epochs or distances, and small tables of numbers beside them.

``CurvePlot`` draws series of values against x on a linear or a logarithmic y axis,
with round tick spacings (``nice_step``) so that 100 epochs do not become 100 labels.
A horizontal reference (a clipping threshold, chance level) is a dashed line across
the axes. ``LogNormPlot`` draws norms against a distance on a log axis (vanishing /
exploding gradients).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    RIGHT,
    UP,
    Axes,
    DashedLine,
    DashedVMobject,
    Dot,
    MathTex,
    Text,
    VGroup,
    VMobject,
)
from manim.mobject.graphing.scale import LogBase

from scenes.grammar import FONT_LABEL, FONT_NUMBER, FONT_SMALL, MEANING, Encoding

__all__ = [
    "CurvePlot",
    "LogNormPlot",
    "Series",
    "decades",
    "nice_step",
    "spans_decades",
    "text_table",
]

Series = tuple[np.ndarray, np.ndarray, Encoding]  # x (n,), y (n,), how it is drawn


def spans_decades(values: np.ndarray, decades: float = 1.0) -> bool:
    """True when positive ``values`` span more than ``decades`` powers of ten (log axis)."""
    v = np.asarray(values, dtype=float)
    v = v[v > 0]
    return v.size > 0 and np.log10(v.max() / v.min()) > decades


def decades(ys: np.ndarray, labels: int = 6) -> list[int]:
    """``[lo, hi, step]`` in powers of ten for a log axis over the positive ``ys``: at
    most about ``labels`` labelled decades, however many the values span (1e-2..1e143)."""
    lo = int(np.floor(np.log10(ys[ys > 0].min())))
    hi = max(int(np.ceil(np.log10(ys.max()))), lo + 1)
    step = max(1, int(np.ceil((hi - lo) / (labels - 1))))
    return [lo, lo + step * int(np.ceil((hi - lo) / step)), step]


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick spacing (1, 2, 2.5 or 5 times a power of ten) for about ``ticks`` ticks."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    base = 10.0 ** np.floor(np.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * base >= raw:
            return float(m * base)
    return float(10.0 * base)


class CurvePlot(VGroup):
    """Curves ``y(x)`` on shared axes; log10 y axis when ``log_y``.

    Parameters
    ----------
    series
        ``[(x, y, encoding), ...]``; the encoding's colour and dash draw the curve.
        With ``log_y`` every y must be positive.
    log_y
        Logarithmic y axis (ticks at powers of ten).
    y_floor
        Linear axes start at this y (default 0).
    reference
        ``(y, encoding)``: a dashed horizontal line at y (the clipping threshold, the
        accuracy of guessing), or None.

    Attributes
    ----------
    axes
        The manim ``Axes``; ``axes.c2p(x, y)`` takes real y values.
    lines
        One polyline per series (dashed where its encoding says so).
    paths
        The same polylines undashed: their corners are the data points.
    reference_line
        The dashed reference line (an empty group without one).
    """

    def __init__(
        self,
        series: Sequence[Series],
        *,
        log_y: bool = False,
        x_label: str = "x",
        y_label: str = "y",
        x_length: float = 5.5,
        y_length: float = 3.2,
        y_floor: float = 0.0,
        reference: tuple[float, Encoding] | None = None,
    ) -> None:
        super().__init__()
        xs = np.concatenate([np.asarray(x, float) for x, _, _ in series])
        ys = np.concatenate([np.asarray(y, float) for _, y, _ in series])
        if reference is not None:
            ys = np.append(ys, reference[0])
        x_max = max(1.0, float(xs.max()))
        x_step = max(1.0, nice_step(x_max))
        x_step = x_step if x_step == int(x_step) else 2 * x_step  # integer ticks: 2.5 -> 5
        if log_y:
            y_range = decades(ys)
            y_config = {"scaling": LogBase(custom_labels=True), "include_numbers": True}
        else:
            top = max(float(ys.max()), y_floor + 1e-9)
            y_step = nice_step(top - y_floor, ticks=3)
            top = y_floor + y_step * np.ceil((top - y_floor) / y_step)
            y_range = [y_floor, top, y_step]
            y_config = {"include_numbers": True, "decimal_number_config": {"num_decimal_places": 1}}
        self.axes = Axes(
            x_range=[0, x_step * np.ceil(x_max / x_step), x_step],
            y_range=y_range,
            x_length=x_length,
            y_length=y_length,
            tips=False,
            axis_config={"color": MEANING.neutral.color, "font_size": FONT_NUMBER},
            x_axis_config={
                "include_numbers": True,
                "decimal_number_config": {"num_decimal_places": 0},
            },
            y_axis_config=y_config,
        )
        self.axis_labels = VGroup(
            MathTex(x_label, font_size=FONT_LABEL, color=MEANING.text.color).next_to(
                self.axes.x_axis, RIGHT, buff=0.2
            ),
            MathTex(y_label, font_size=FONT_LABEL, color=MEANING.text.color).next_to(
                self.axes.y_axis, UP, buff=0.15
            ),
        )
        self.lines = VGroup()
        self.paths: list[VMobject] = []  # the polylines through the points, before dashing
        self.guides = VGroup()  # the undashed paths of dashed series (not drawn)
        for x, y, enc in series:
            points = [self.axes.c2p(a, b) for a, b in zip(x, y, strict=True)]
            line = VMobject(color=enc.color, stroke_width=enc.width)
            line.set_points_as_corners(points if len(points) > 1 else points * 2)
            self.paths.append(line)
            if enc.dashed and len(points) > 1:
                guide = line  # kept, invisible, so that it moves and scales with the plot
                self.guides.add(guide.copy().set_stroke(opacity=0.0))
                self.paths[-1] = self.guides[-1]
                line = DashedVMobject(guide, num_dashes=4 * len(points), dashed_ratio=0.55)
            self.lines.add(line)
        self.reference_line = VGroup()
        if reference is not None:
            value, enc = reference
            x_end = self.axes.x_range[1]
            self.reference_line.add(
                DashedLine(
                    self.axes.c2p(0, value),
                    self.axes.c2p(x_end, value),
                    color=enc.color,
                    stroke_width=enc.width,
                )
            )
        self.add(self.axes, self.axis_labels, self.lines, self.reference_line, self.guides)


class LogNormPlot(VGroup):
    """Series of positive values against a distance, on a logarithmic y axis.

    Parameters
    ----------
    series
        ``[(x, y, color, dashed), ...]``; ``y`` must be positive (log axis).
    x_label, y_label
        LaTeX axis labels.

    Attributes
    ----------
    axes
        The manim ``Axes`` (log10 y scale); ``axes.c2p(x, y)`` takes real y values.
    lines
        One polyline per series (dashed where asked).
    dots
        ``dots[i]`` the points of series i (empty group for dashed series).
    """

    def __init__(
        self,
        series: Sequence[tuple[np.ndarray, np.ndarray, object, bool]],
        x_length: float = 6.0,
        y_length: float = 4.0,
        x_label: str = "x",
        y_label: str = "y",
    ) -> None:
        super().__init__()
        self.series = [(np.asarray(x, float), np.asarray(y, float), c, d) for x, y, c, d in series]
        ys = np.concatenate([y for _, y, _, _ in self.series])
        x_max = max(1.0, *(float(x.max()) for x, _, _, _ in self.series))  # T = 1: only 0
        self.axes = Axes(
            x_range=[0, x_max, 1],
            y_range=decades(ys),
            x_length=x_length,
            y_length=y_length,
            tips=False,
            axis_config={"color": MEANING.neutral.color, "font_size": FONT_NUMBER},
            x_axis_config={"include_numbers": True, "numbers_to_exclude": []},
            y_axis_config={"scaling": LogBase(custom_labels=True), "include_numbers": True},
        )
        self.axis_labels = VGroup(
            MathTex(x_label, font_size=FONT_LABEL, color=MEANING.text.color).next_to(
                self.axes.x_axis, RIGHT, buff=0.2
            ),
            MathTex(y_label, font_size=FONT_LABEL, color=MEANING.text.color).next_to(
                self.axes.y_axis, UP, buff=0.15
            ),
        )
        self.lines = VGroup()
        self.dots = VGroup()
        for x, y, color, dashed in self.series:
            points = [self.axes.c2p(xi, yi) for xi, yi in zip(x, y, strict=True)]
            line = VMobject(color=color, stroke_width=4 if not dashed else 3)
            line.set_points_as_corners(points if len(points) > 1 else points * 2)
            if dashed and len(points) > 1:  # one point (T = 1): nothing to dash
                line = DashedVMobject(line, num_dashes=6 * len(points), dashed_ratio=0.55)
                self.dots.add(VGroup())
            else:
                self.dots.add(VGroup(*(Dot(p, radius=0.06, color=color) for p in points)))
            self.lines.add(line)
        self.add(self.axes, self.axis_labels, self.lines, self.dots)


def text_table(
    heads: Sequence[str],
    rows: Sequence[tuple[str, Sequence[str], Encoding]],
    corner: str = "",
    row_gap: float = 0.3,
) -> VGroup:
    """A grid of Text: a header row, then one row per ``(label, cells, encoding)``.

    The label takes the encoding's colour (what the row shows); the cells are text.
    Missing cells are left empty; every column is right-aligned. ``corner`` names the
    header row (above the labels); ``row_gap`` is the space between rows.
    """
    cols = len(heads) + 1
    cells = [Text(corner, font_size=FONT_SMALL, color=MEANING.neutral.color)]
    cells += [Text(h, font_size=FONT_SMALL, color=MEANING.neutral.color) for h in heads]
    for label, values, enc in rows:
        cells.append(Text(label, font_size=FONT_SMALL, color=enc.color))
        padded = [*values, *[""] * (len(heads) - len(values))]
        cells += [Text(v, font_size=FONT_SMALL, color=MEANING.text.color) for v in padded]
    return VGroup(*cells).arrange_in_grid(
        rows=len(rows) + 1, cols=cols, buff=(0.35, row_gap), col_alignments="r" * cols
    )
