"""Mobjects of backpropagation through time: coloured error flows and gradient frames.

Everything here draws numbers it is given (read from ``rnncore`` results); nothing
computes model math.

- ``source_legend``: one colour per source loss L(s) (``grammar.source_color``),
  a ``scenes.mobjects.Legend``.
- ``ErrorFlow``: the errors of every source loss L(s), one coloured lane each,
  entering h(s) from o(s) and travelling back along the recurrent connections;
  stroke width is the size of the error (``Backprop.norms_by_source``).
- ``MatrixFrame``: a matrix (or vector) of real numbers, or of coloured cells, in
  a coloured frame: the article's "gradient in a coloured frame".
- ``SourceBars``: a stacked bar per time step, split by source loss (RNNbow); the
  segments add up to the labelled total (signed shares, ``source_shares``).
- ``ContributionSum``: one neuron's error written as the sum of its sources'
  contributions, each term in its source's colour.
- ``SharedScaleNeuronsView``: ``RNNNeuronsView`` with fixed colour/width scales,
  so a network before and after an update can be compared.
- ``error_stage``: the unrolled network and the source legend, laid out for the
  BPTT scenes (network on the left, legend in a column on the right).
- ``GradientTable``: the per-step gradients of U, W, V, b, c as coloured cells, one
  column per time step, and their sum over time.
- ``LogNormPlot``: norms against a distance on a log axis (vanishing / exploding).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    Axes,
    DashedVMobject,
    Dot,
    GrowArrow,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    Rectangle,
    Succession,
    SurroundingRectangle,
    Text,
    VGroup,
    VMobject,
)
from manim.mobject.graphing.scale import LogBase

from scenes.grammar import (
    FONT_LABEL,
    FONT_NUMBER,
    FONT_SMALL,
    MEANING,
    source_color,
    text_color_on,
    value_color,
)
from scenes.layout import ARROW_TIP, FRAME_MARGIN, STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.keys import Legend
from scenes.mobjects.network import Connections, RecurrentConnections, RNNNeuronsView
from scenes.mobjects.numbers import display_step, fmt, relation
from scenes.mobjects.unrolled import UnrolledRNN

__all__ = [
    "LEGEND_WIDTH",
    "NET_HEIGHT",
    "PANEL_Y",
    "ContributionSum",
    "ErrorFlow",
    "GradientTable",
    "LogNormPlot",
    "MatrixFrame",
    "SharedScaleNeuronsView",
    "SourceBars",
    "error_stage",
    "place_panel",
    "source_legend",
]

# --- layout constants ----------------------------------------------------------
NUMBER_CELL = (0.78, 0.4)  # (width, height) of a cell holding a number
COLOUR_CELL = (0.3, 0.3)  # a cell that only carries colour
FRAME_BUFF = 0.07
FRAME_WIDTH = 3.0
CELL_STROKE = 0.6
NUMBER_CELL_OPACITY = 0.55  # numbers stay readable on a tinted cell
LANE_GAP = 0.13  # vertical distance between two source lanes
ARROW_WIDTH = (1.2, 9.0)  # stroke width of the weakest / strongest error
DOWN_SHIFT = -0.2  # the o(s) -> h(s) arrow runs this far right of the column centre
SWATCH = 0.42  # length of a legend swatch
BAR_WIDTH = 0.42
# The error stage of the BPTT scenes: the unrolled network on top, one panel under it,
# the source legend in a right-hand column.
LEGEND_WIDTH = 1.7  # right-hand column kept free for the source legend
NET_HEIGHT = 5.5  # the unrolled network; the rest of the stage holds one panel
PANEL_Y = STAGE_BOTTOM + 0.45  # centre line of the panel under the network


def source_legend(sources: Sequence[int], vertical: bool = False) -> Legend:
    """A legend of the source colours: which loss L(s) each error colour comes from."""
    entries = [(source_color(s), f"$L^{{({display_step(s)})}}$") for s in sources]
    legend = Legend(entries, kind="line", vertical=vertical)
    caption = Text("error from", font_size=FONT_SMALL, color=MEANING.text.color)
    caption.next_to(legend, LEFT if not vertical else UP, buff=0.25)
    if vertical:
        caption.align_to(legend, LEFT)
    legend.add(caption)
    return legend


def place_panel(panel: Mobject) -> Mobject:
    """Put ``panel`` on the line under the network (shrunk to fit beside the legend)."""
    max_width = STAGE_WIDTH - LEGEND_WIDTH
    if panel.width > max_width:
        panel.scale_to_fit_width(max_width)
    return panel.move_to([-LEGEND_WIDTH / 2, PANEL_Y, 0])


def error_stage(
    lesson, losses: np.ndarray, height: float = 5.5, legend_width: float = 1.7
) -> tuple[UnrolledRNN, Legend]:
    """The lesson's unrolled network at the top of the stage and the source legend.

    Parameters
    ----------
    lesson
        A ``rnncore.Lesson`` (its trace, labels and loss mask are drawn).
    losses
        ``Backprop.losses``, shown in the L(t) row.
    height
        Height of the network; the stage below it is left for one panel.
    legend_width
        Width kept free on the right for the legend.
    """
    net = UnrolledRNN(
        lesson.trace(),
        lesson.params,
        losses,
        loss_mask=lesson.loss_mask,
        input_mask=lesson.input_mask,
        step_names=lesson.step_labels,
        width=STAGE_WIDTH - legend_width,
        height=height,
    )
    net.shift((STAGE_TOP - net.get_top()[1]) * UP)
    net.to_edge(LEFT, buff=FRAME_MARGIN)
    legend = source_legend(np.flatnonzero(lesson.loss_mask), vertical=True)
    legend.to_edge(RIGHT, buff=FRAME_MARGIN).set_y(net.h[net.steps[0]].get_y())
    return net, legend


class MatrixFrame(VGroup):
    """A matrix of real numbers or of coloured cells, in a coloured frame.

    Parameters
    ----------
    values
        (R, C) matrix, or (R,) vector drawn as a column.
    mode
        ``"numbers"``: tinted cells with the value written in each (2 decimals);
        ``"cells"``: colour only (for the many small matrices).
    frame_color
        Colour of the frame (a source colour, or ``MEANING.gradient.color``).
    vmax
        Magnitude that gets the full colour (default: the largest magnitude).
    label
        LaTeX drawn above the frame, e.g. ``r"\\partial L/\\partial W^{(2)}"``.

    Attributes
    ----------
    values
        A copy of the drawn array, (R, C).
    entries
        The strings written in the cells, row-major ("" in ``"cells"`` mode).
    """

    def __init__(
        self,
        values: np.ndarray,
        mode: str = "numbers",
        frame_color=MEANING.gradient.color,
        vmax: float | None = None,
        label: str | None = None,
        font_size: int = FONT_SMALL,
        cell: tuple[float, float] | None = None,
        label_size: int = FONT_LABEL,
    ) -> None:
        super().__init__()
        if mode not in ("numbers", "cells"):
            raise ValueError(f"mode: expected 'numbers' or 'cells', found {mode!r}")
        arr = np.asarray(values, dtype=np.float64)
        arr = arr[:, None] if arr.ndim == 1 else arr
        self.values = arr.copy()  # (R, C)
        self.mode = mode
        vmax = float(np.max(np.abs(arr))) if vmax is None else float(vmax)
        self.vmax = vmax if vmax > 0 else 1.0
        width, height = cell or (NUMBER_CELL if mode == "numbers" else COLOUR_CELL)
        opacity = NUMBER_CELL_OPACITY if mode == "numbers" else 1.0
        self.cells = VGroup()
        self.numbers = VGroup()
        self.entries: list[str] = []
        rows, cols = arr.shape
        for i in range(rows):
            for j in range(cols):
                v = arr[i, j]
                box = Rectangle(
                    width=width,
                    height=height,
                    stroke_color=MEANING.neutral.color,
                    stroke_width=CELL_STROKE,
                    fill_color=value_color(v, self.vmax),
                    fill_opacity=opacity,
                ).move_to(np.array([j * width, -i * height, 0.0]))
                self.cells.add(box)
                if mode == "numbers":
                    self.entries.append(fmt(v))
                    ink = text_color_on(value_color(v, self.vmax), opacity)
                    self.numbers.add(Text(fmt(v), font_size=font_size, color=ink).move_to(box))
                else:
                    self.entries.append("")
        self.frame = SurroundingRectangle(
            self.cells, buff=FRAME_BUFF, color=frame_color, stroke_width=FRAME_WIDTH
        )
        self.add(self.cells, self.numbers, self.frame)
        self.label = None
        if label is not None:
            self.label = MathTex(label, font_size=label_size, color=MEANING.text.color).next_to(
                self.frame, UP, buff=0.12
            )
            self.add(self.label)
        self.center()

    def set_frame_color(self, color) -> MatrixFrame:
        self.frame.set_stroke(color=color)
        return self


class ErrorFlow(VGroup):
    """Coloured error flows through an unrolled RNN, one lane per source loss.

    For every source s: an arrow from o(s) down into h(s) (through V), then arrows
    along the recurrent connections from h(t) back to h(t-1) for t = s, ..., 1. The
    arrow that leaves h(t) carries the part of d_a(t) that L(s) caused, and its
    stroke width is that part's norm.

    Parameters
    ----------
    strengths
        (T_source, T) ``Backprop.norms_by_source``.
    o_points, h_points
        ``{t: point}`` centres of o(t) and h(t) on screen (steps left out of a
        window have no arrows).
    h_half_width, h_half_height, o_half_height
        Half sizes of the drawn layers, so arrows start and end at their edges.
    reach
        (T_source, T) bool: which (s, t) get an arrow (default ``t <= s`` and a
        non-zero strength).
    vmax
        The norm that gets the widest stroke (default: the largest strength).
    color
        One colour for every lane instead of the source colours (the
        spectral-radius trails of VanishingExploding are coloured by radius).

    Attributes
    ----------
    down
        ``{s: Arrow}`` o(s) -> h(s).
    back
        ``{(s, t): Arrow}`` h(t) -> h(t-1) carrying L(s)'s error.
    widths
        ``{(s, t): float}`` stroke widths of ``back`` and (for t = s) ``down``.
    """

    def __init__(
        self,
        strengths: np.ndarray,
        o_points: dict[int, np.ndarray],
        h_points: dict[int, np.ndarray],
        h_half_width: float,
        h_half_height: float,
        o_half_height: float,
        reach: np.ndarray | None = None,
        vmax: float | None = None,
        lane_gap: float = LANE_GAP,
        down_shift: float = DOWN_SHIFT,
        color: ManimColor | None = None,
    ) -> None:
        super().__init__()
        strengths = np.asarray(strengths, dtype=np.float64)
        S, T = strengths.shape
        if reach is None:
            reach = (np.arange(T)[None, :] <= np.arange(S)[:, None]) & (strengths > 0)
        self.strengths = strengths
        self.reach = np.asarray(reach, dtype=bool)
        self.vmax = float(strengths.max()) if vmax is None else float(vmax)
        self.down: dict[int, Arrow] = {}
        self.back: dict[tuple[int, int], Arrow] = {}
        self.widths: dict[tuple[int, int], float] = {}
        self.lane_y = {s: (S - 1) / 2 * lane_gap - s * lane_gap for s in range(S)}  # offsets

        for s in range(S):
            if not self.reach[s, s] or s not in h_points:
                continue
            lane_color = source_color(s) if color is None else color
            w = self._width(strengths[s, s])
            self.widths[(s, s)] = w
            if s in o_points:
                x = h_points[s][0] + down_shift
                start = np.array([x, o_points[s][1] - o_half_height, 0.0])
                end = np.array([x, h_points[s][1] + h_half_height, 0.0])
                self.down[s] = self._arrow(start, end, lane_color, w)
            for t in range(s, 0, -1):
                if not self.reach[s, t]:
                    break
                if t not in h_points or t - 1 not in h_points:
                    continue
                w = self._width(strengths[s, t])
                self.widths[(s, t)] = w
                y = h_points[t][1] + self.lane_y[s]
                start = np.array([h_points[t][0] - h_half_width, y, 0.0])
                end = np.array([h_points[t - 1][0] + h_half_width, y, 0.0])
                self.back[(s, t)] = self._arrow(start, end, lane_color, w)
        self.add(*self.down.values(), *self.back.values())

    @classmethod
    def on(cls, net: UnrolledRNN, strengths: np.ndarray, **kwargs: object) -> ErrorFlow:
        """The error flows drawn over the h and o strips of an ``UnrolledRNN``."""
        h_points = {t: net.h[t].shapes.get_center() for t in net.steps}
        o_points = {t: net.o[t].shapes.get_center() for t in net.steps if t in net.o}
        first = net.h[net.steps[0]].shapes
        o_half = net.o[net.steps[0]].shapes.height / 2 if net.o else 0.0
        gap = min(LANE_GAP, 0.8 * first.height / max(len(strengths), 1))
        kwargs.setdefault("lane_gap", gap)
        return cls(
            strengths,
            o_points,
            h_points,
            h_half_width=first.width / 2,
            h_half_height=first.height / 2,
            o_half_height=o_half,
            **kwargs,
        )

    def _width(self, norm: float) -> float:
        lo, hi = ARROW_WIDTH
        return lo + (hi - lo) * float(np.clip(norm / self.vmax, 0.0, 1.0)) if self.vmax > 0 else lo

    @staticmethod
    def _arrow(start: np.ndarray, end: np.ndarray, color, width: float) -> Arrow:
        return Arrow(
            start,
            end,
            buff=0,
            color=color,
            stroke_width=width,
            tip_length=ARROW_TIP,
            max_stroke_width_to_length_ratio=100,
            max_tip_length_to_length_ratio=0.35,
        )

    def of_source(self, s: int) -> VGroup:
        """Every arrow of the loss L(s), in the order the error travels."""
        arrows = [self.down[s]] if s in self.down else []
        arrows += [self.back[(s, t)] for t in range(s, 0, -1) if (s, t) in self.back]
        return VGroup(*arrows)

    def into_step(self, t: int) -> VGroup:
        """The arrows whose errors reach h(t): what step t needs from later losses."""
        arrows = [self.down[t]] if t in self.down else []
        arrows += [a for (s, u), a in self.back.items() if u == t + 1 and s > t]
        return VGroup(*arrows)

    def grow(self, s: int, run_time: float = 1.2) -> Animation:
        """The error of L(s) flowing back, arrow after arrow."""
        arrows = self.of_source(s)
        step = run_time / max(len(arrows), 1)
        return Succession(*(GrowArrow(a, run_time=step) for a in arrows))

    def beyond(self, keep: np.ndarray) -> VGroup:
        """Arrows outside the (T_source, T) mask ``keep`` (what a horizon cuts)."""
        cut = [a for (s, t), a in self.back.items() if not keep[s, t - 1]]
        cut += [a for s, a in self.down.items() if not keep[s, s]]
        return VGroup(*cut)

    def cut_marks(self, keep: np.ndarray, size: float = 0.16) -> VGroup:
        """A short bar across each lane where ``keep`` stops it (the horizon)."""
        marks = VGroup()
        for (s, t), arrow in self.back.items():
            if keep[s, t] and not keep[s, t - 1]:
                mid = arrow.get_center()
                marks.add(
                    Line(
                        mid + size * (UP + 0.4 * RIGHT),
                        mid + size * (DOWN + 0.4 * LEFT),
                        color=MEANING.text.color,
                        stroke_width=3,
                    )
                )
        return marks


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


class SourceBars(VGroup):
    """A stacked bar per time step t that adds up to what it is labelled: ``totals[t]``.

    One segment per source loss L(s), s >= t, of signed height ``shares[s, t]``
    (``rnncore.bptt_views.source_shares``: L(s)'s error projected onto dL/da(t), so
    the shares of a step sum to ||dL/da(t)|| exactly). Positive shares stack upward
    from 0, fresh error (s = t) at the bottom; negative shares (errors that point
    against the total) stack downward below 0. Up minus down is ``totals[t]``, drawn
    as a mark with its value; a vertical axis with values gives the scale.

    Attributes
    ----------
    unit
        Screen height per unit of the drawn quantity.
    segments
        ``{(s, t): Rectangle}`` (only nonzero shares).
    marks, values
        Per step: the mark at ``totals[t]`` and its value (``fmt``).
    axis
        The vertical axis: line, ticks and tick values (``tick_values``).
    """

    def __init__(
        self,
        shares: np.ndarray,
        totals: np.ndarray,
        x_positions: Sequence[float] | None = None,
        max_height: float = 2.0,
        bar_width: float = BAR_WIDTH,
        spacing: float = 1.0,
        reach: np.ndarray | None = None,
        unit: float | None = None,
    ) -> None:
        super().__init__()
        shares = np.asarray(shares, dtype=np.float64)  # (T_source, T)
        totals = np.asarray(totals, dtype=np.float64)  # (T,)
        S, T = shares.shape
        self.shares, self.totals = shares, totals
        up = np.where(shares > 0, shares, 0.0).sum(axis=0)  # (T,)
        down = np.where(shares < 0, -shares, 0.0).sum(axis=0)  # (T,)
        self.top_value = float(max(up.max(), totals.max(), 0.0))
        self.bottom_value = float(down.max()) if T else 0.0
        span = self.top_value + self.bottom_value
        self.unit = (max_height / span if span > 0 else 1.0) if unit is None else unit
        xs = list(x_positions) if x_positions is not None else [t * spacing for t in range(T)]
        self.segments: dict[tuple[int, int], Rectangle] = {}
        self.bars = VGroup()
        self.marks = VGroup()
        self.values = VGroup()
        base_y = 0.0
        for t in range(T):
            y_up, y_down = base_y, base_y
            bar = VGroup()
            for s in range(t, S):
                v = shares[s, t]
                if v == 0:
                    continue
                h = abs(v) * self.unit
                color = source_color(s)
                if reach is not None and not reach[s, t]:
                    color = MEANING.cut.color
                rect = Rectangle(
                    width=bar_width,
                    height=h,
                    stroke_width=0.8,
                    stroke_color=MEANING.value_zero.color,
                    fill_color=color,
                    fill_opacity=1,
                )
                if v > 0:
                    rect.move_to(np.array([xs[t], y_up + h / 2, 0.0]))
                    y_up += h
                else:
                    rect.move_to(np.array([xs[t], y_down - h / 2, 0.0]))
                    y_down -= h
                self.segments[(s, t)] = rect
                bar.add(rect)
            self.bars.add(bar)
            y_mark = base_y + totals[t] * self.unit
            mark = Line(
                np.array([xs[t] - bar_width / 2 - 0.08, y_mark, 0.0]),
                np.array([xs[t] + bar_width / 2 + 0.08, y_mark, 0.0]),
                color=MEANING.text.color,
                stroke_width=4,
            )
            self.marks.add(mark)
            value = MathTex(fmt(totals[t]), font_size=FONT_NUMBER, color=MEANING.text.color)
            value.next_to(mark, RIGHT, buff=0.06)
            self.values.add(value)
        x_axis = xs[0] - bar_width / 2 - 0.35
        self.baseline = Line(
            np.array([x_axis, base_y, 0.0]),
            np.array([xs[-1] + 0.6, base_y, 0.0]),
            color=MEANING.neutral.color,
            stroke_width=2,
        )
        self.axis = self._axis(x_axis, base_y)
        self.labels = VGroup(
            *(
                MathTex(
                    f"t={display_step(t)}", font_size=FONT_NUMBER + 4, color=MEANING.text.color
                ).move_to(np.array([xs[t], base_y - self.bottom_value * self.unit - 0.3, 0.0]))
                for t in range(T)
            )
        )
        self.add(self.axis, self.baseline, self.bars, self.marks, self.values, self.labels)

    def _axis(self, x: float, base_y: float) -> VGroup:
        """The vertical value axis at ``x``: ticks on round values, each with its value."""
        step = nice_step(self.top_value + self.bottom_value)
        lo = -np.floor(self.bottom_value / step + 1e-9) * step
        hi = np.floor(self.top_value / step + 1e-9) * step
        self.tick_values = np.round(np.arange(lo, hi + step / 2, step), 10)
        line = Line(
            np.array([x, base_y - self.bottom_value * self.unit, 0.0]),
            np.array([x, base_y + self.top_value * self.unit, 0.0]),
            color=MEANING.neutral.color,
            stroke_width=2,
        )
        ticks, numbers = VGroup(), VGroup()
        for v in self.tick_values:
            y = base_y + v * self.unit
            ticks.add(
                Line([x - 0.08, y, 0], [x, y, 0], color=MEANING.neutral.color, stroke_width=2)
            )
            numbers.add(
                MathTex(fmt(v), font_size=FONT_NUMBER, color=MEANING.text.color).next_to(
                    [x - 0.08, y, 0], LEFT, buff=0.08
                )
            )
        self.tick_numbers = numbers
        return VGroup(line, ticks, numbers)

    def heights(self) -> np.ndarray:
        """(T_source, T) drawn segment heights, signed: negative below 0 (0: no segment)."""
        out = np.zeros_like(self.shares)
        for (s, t), rect in self.segments.items():
            out[s, t] = rect.height if self.shares[s, t] > 0 else -rect.height
        return out


class ContributionSum(VGroup):
    """``lhs = term_s + term_{s'} + ... = total``, each term in its source's colour.

    Parameters
    ----------
    lhs
        LaTeX of the left-hand side.
    terms
        ``[(s, value), ...]``: the contribution of the loss L(s).
    total
        The value of the left-hand side (read from the core, not summed here).
    """

    def __init__(
        self,
        lhs: str,
        terms: Sequence[tuple[int, float]],
        total: float,
        font_size: int = FONT_LABEL + 4,
        term_color: Callable[[int], object] = source_color,
    ) -> None:
        super().__init__()
        self.terms = [(int(s), float(v)) for s, v in terms]
        self.total = float(total)
        parts = [lhs, "="]
        for i, (_, v) in enumerate(self.terms):
            text = fmt(v)
            if i > 0:
                parts.append("-" if text.startswith("-") else "+")
                text = text.lstrip("-")
            parts.append(text)
        by_hand = sum(float(fmt(v)) for _, v in self.terms)  # from the shown digits
        self.relation = relation(by_hand, fmt(self.total))
        parts += [self.relation, fmt(self.total)]
        self.tex = MathTex(*parts, font_size=font_size, color=MEANING.text.color)
        self.term_parts = VGroup()
        for i, (s, _) in enumerate(self.terms):
            part = self.tex[2 + 2 * i]
            part.set_color(term_color(s))
            self.term_parts.add(part)
        self.add(self.tex)


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
        lo = int(np.floor(np.log10(ys[ys > 0].min())))
        hi = int(np.ceil(np.log10(ys.max())))
        hi = max(hi, lo + 1)
        x_max = max(1.0, *(float(x.max()) for x, _, _, _ in self.series))  # T = 1: only 0
        self.axes = Axes(
            x_range=[0, x_max, 1],
            y_range=[lo, hi, 1],
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


PARAM_TEX = {"U": "U", "W": "W", "V": "V", "b": "b", "c": "c"}
TABLE_CELL = 0.2  # side of one cell in the gradient table
TABLE_COL_GAP = 0.35
TABLE_ROW_GAP = 0.3


class GradientTable(VGroup):
    """Per-step gradients of every parameter as coloured cells, and their sums.

    Row p, column t: ``per_step.p[t]`` (a ``MatrixFrame`` in ``"cells"`` mode); the
    last column, framed in ``total_color``: ``grads.p`` = the sum over t.

    Parameters
    ----------
    per_step
        ``Backprop.per_step`` (arrays with a leading T axis).
    grads
        ``Backprop.grads`` (the sums).
    steps
        The time indices to draw (default: all).

    Attributes
    ----------
    cells
        ``{(name, t): MatrixFrame}``; ``t = "sum"`` for the totals.
    """

    def __init__(
        self,
        per_step,
        grads,
        steps: Sequence[int] | None = None,
        names: Sequence[str] = ("U", "W", "V", "b", "c"),
        cell: float = TABLE_CELL,
        frame_color=MEANING.gradient.color,
        total_color=MEANING.text.color,
        vmax: float | None = None,
    ) -> None:
        super().__init__()
        T = getattr(per_step, names[0]).shape[0]
        self.steps = list(range(T)) if steps is None else list(steps)
        if vmax is None:
            vmax = max(float(np.max(np.abs(getattr(grads, n)))) for n in names)
        self.vmax = vmax
        self.cells: dict[tuple[str, object], MatrixFrame] = {}
        rows = VGroup()
        for name in names:
            row = VGroup()
            per = getattr(per_step, name)
            for t in self.steps:
                m = MatrixFrame(
                    per[t], mode="cells", frame_color=frame_color, vmax=vmax, cell=(cell, cell)
                )
                self.cells[(name, t)] = m
                row.add(m)
            total = MatrixFrame(
                getattr(grads, name),
                mode="cells",
                frame_color=total_color,
                vmax=vmax,
                cell=(cell, cell),
            )
            self.cells[(name, "sum")] = total
            row.add(total)
            rows.add(row)
        # columns: align every row's t-th entry on one x; rows stacked
        widths = [max(r[i].width for r in rows) for i in range(len(self.steps) + 1)]
        xs = np.cumsum([0.0] + [w + TABLE_COL_GAP for w in widths[:-1]])
        xs = xs + np.array(widths) / 2
        xs[-1] += 0.5  # room for the "=" sign before the sums
        y = 0.0
        self.row_labels = VGroup()
        for name, row in zip(names, rows, strict=True):
            h = max(m.height for m in row)
            for x, m in zip(xs, row, strict=True):
                m.move_to(np.array([x, y - h / 2, 0.0]))
            label = MathTex(
                rf"\frac{{\partial L}}{{\partial {PARAM_TEX[name]}}}",
                font_size=FONT_NUMBER + 4,
                color=MEANING.text.color,
            )
            label.next_to(row[0], LEFT, buff=0.3).set_y(y - h / 2)
            self.row_labels.add(label)
            y -= h + TABLE_ROW_GAP
        self.rows = rows
        self.column_labels = VGroup(
            *(
                MathTex(
                    f"t={display_step(t)}", font_size=FONT_NUMBER + 2, color=MEANING.text.color
                ).move_to(np.array([x, 0.3, 0.0]))
                for t, x in zip(self.steps, xs, strict=False)
            ),
            MathTex(r"\sum_t", font_size=FONT_NUMBER + 4, color=MEANING.text.color).move_to(
                np.array([xs[-1], 0.35, 0.0])
            ),
        )
        self.equals = VGroup(
            *(
                MathTex("=", font_size=FONT_LABEL, color=MEANING.text.color).move_to(
                    np.array(
                        [
                            (xs[-2] + widths[-2] / 2 + xs[-1] - widths[-1] / 2) / 2,
                            row[-1].get_y(),
                            0.0,
                        ]
                    )
                )
                for row in rows
            )
        )
        self.add(rows, self.row_labels, self.column_labels, self.equals)


class SharedScaleNeuronsView(RNNNeuronsView):
    """``RNNNeuronsView`` whose U, V, W connections use given scales ``vmax``.

    ``vmax`` maps ``"U"``, ``"V"``, ``"W"`` to the magnitude of full colour/width,
    so two views (before and after an update) encode weights the same way.
    """

    def __init__(self, params, trace, *, vmax: dict[str, float], **kwargs) -> None:
        super().__init__(params, trace, **kwargs)
        u = Connections(self.inputs, self.hidden, params.U, vmax=vmax["U"])
        v = Connections(self.hidden, self.outputs, params.V, vmax=vmax["V"])
        side = kwargs.get("recurrent_side", UP)
        w = RecurrentConnections(self.hidden, params.W, side=side, vmax=vmax["W"])
        for old, new in ((self.u, u), (self.v, v), (self.w, w)):
            self.submobjects[self.submobjects.index(old)] = new
        self.u, self.v, self.w = u, v, w
