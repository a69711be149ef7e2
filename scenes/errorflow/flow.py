"""The coloured error flows of backpropagation through time.

``ErrorFlow``: the errors of every source loss L(s), one coloured lane each,
entering h(s) from o(s) and travelling back along the recurrent connections;
stroke width is the size of the error (``Backprop.norms_by_source``).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    GrowArrow,
    Line,
    ManimColor,
    Succession,
    VGroup,
)

from scenes.grammar import MEANING, source_color
from scenes.layout import ARROW_TIP
from scenes.mobjects.unrolled import UnrolledRNN

__all__ = ["ARROW_WIDTH", "ErrorFlow"]

LANE_GAP = 0.13  # vertical distance between two source lanes
ARROW_WIDTH = (1.2, 9.0)  # stroke width of the weakest / strongest error
DOWN_SHIFT = -0.2  # the o(s) -> h(s) arrow runs this far right of the column centre


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
