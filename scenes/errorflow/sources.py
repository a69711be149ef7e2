"""Errors split by the source loss L(s) they come from.

- ``SourceBars``: a stacked bar per time step, split by source loss (RNNbow); the
  segments add up to the labelled total (signed shares, ``source_shares``).
- ``ContributionSum``: one neuron's error written as the sum of its sources'
  contributions, each term in its source's colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import LEFT, RIGHT, Line, MathTex, Rectangle, VGroup

from scenes.curves import nice_step
from scenes.grammar import FONT_LABEL, FONT_NUMBER, MEANING, source_color
from scenes.mobjects.numbers import display_step, fmt, relation

__all__ = ["ContributionSum", "SourceBars"]

BAR_WIDTH = 0.42


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
