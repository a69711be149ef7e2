"""The keys that explain colours: legends and colour bars.

- ``Legend``: colour swatches (boxes, lines or frames) with labels.
- ``ColorBar``: the diverging value scale with tick values, horizontal or vertical;
  with ``loss=True`` the loss's own scale (0 to the largest loss, ``loss_color``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    DashedLine,
    Line,
    ManimColor,
    MathTex,
    Rectangle,
    Square,
    Text,
    VGroup,
    VMobject,
)

from scenes.grammar import FONT_SMALL, MEANING, loss_color, value_color
from scenes.mobjects.numbers import fmt
from scenes.mobjects.value_shapes import TARGET_FRAME

__all__ = ["ColorBar", "Legend"]


class Legend(VGroup):
    """Colour swatches with labels, one entry per row (or per column).

    Parameters
    ----------
    entries
        ``(colour, label)`` pairs; a label starting with ``$`` is TeX (``$L^{(1)}$``).
        ``(colour, label, kind)`` gives one entry its own kind.
    kind
        ``"box"`` (filled square), ``"line"`` (a stroke, for arrows/connections),
        ``"dashed"`` (a dashed stroke, for dashed lines), ``"frame"`` (an outlined
        square, for frames around cells).
    vertical
        Stack the entries; otherwise lay them out in one row.
    """

    def __init__(
        self,
        entries: Sequence[tuple[ManimColor, str] | tuple[ManimColor, str, str]],
        *,
        kind: str = "box",
        vertical: bool = True,
        font_size: float = FONT_SMALL,
        swatch: float = 0.26,
    ) -> None:
        super().__init__()
        self.entries = VGroup()
        for color, label, *own in entries:
            shape = own[0] if own else kind
            if shape == "line":
                mark = Line(ORIGIN, RIGHT * swatch * 1.8, color=color, stroke_width=5)
            elif shape == "dashed":
                mark = DashedLine(
                    ORIGIN, RIGHT * swatch * 1.8, color=color, stroke_width=4, dash_length=0.08
                )
            elif shape == "frame":
                mark = Square(side_length=swatch, fill_opacity=0.0)
                mark.set_stroke(color, width=TARGET_FRAME)
            else:
                mark = Square(side_length=swatch, fill_color=color, fill_opacity=1.0)
                mark.set_stroke(color, width=1)
            if label.startswith("$") and label.endswith("$") and len(label) > 1:
                text = MathTex(label[1:-1], font_size=font_size + 4, color=MEANING.text.color)
            else:
                text = Text(label, font_size=font_size, color=MEANING.text.color)
            self.entries.add(VGroup(mark, text.next_to(mark, RIGHT, buff=0.14)))
        if vertical:
            self.entries.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        else:  # side by side (aligned_edge=LEFT would stack every entry's left edge)
            self.entries.arrange(RIGHT, buff=0.4)
        self.add(self.entries)


class ColorBar(VGroup):
    """The diverging value scale with tick values (blue negative, orange positive).

    Parameters
    ----------
    vmax
        The magnitude at the ends of the bar (larger values saturate).
    label
        A caption above the bar (Text, or TeX when wrapped in ``$``).
    length, thickness
        Size of the bar.
    vertical
        A vertical bar (``+vmax`` on top, ticks on the right) instead of a
        horizontal one (``-vmax`` on the left, ticks below).
    loss
        The loss scale instead: 0 to ``vmax`` in ``loss_color`` (losses are >= 0).
    """

    def __init__(
        self,
        vmax: float = 1.0,
        *,
        label: str | None = None,
        length: float = 2.6,
        thickness: float = 0.2,
        n_cells: int = 24,
        font_size: float = FONT_SMALL,
        vertical: bool = False,
        loss: bool = False,
    ) -> None:
        super().__init__()
        self.vmax = float(vmax)
        self.loss = loss
        w = length / n_cells
        along = UP if vertical else RIGHT
        across = RIGHT if vertical else DOWN
        values = np.linspace(0.0 if loss else -vmax, vmax, n_cells)
        self.cells = VGroup(
            *(
                Rectangle(
                    width=thickness if vertical else w,
                    height=w if vertical else thickness,
                    stroke_width=0,
                )
                .set_fill(loss_color(v, vmax) if loss else value_color(v, vmax), opacity=1.0)
                .shift(along * (i + 0.5) * w)
                for i, v in enumerate(values)
            )
        ).center()
        self.ticks = VGroup()
        ends = ((0.0, -1.0), (vmax, 1.0)) if loss else ((-vmax, -1.0), (0.0, 0.0), (vmax, 1.0))
        for v, end in ends:
            at = self.cells.get_center() + end * length / 2 * along
            # a vertical bar's ticks stand on the side away from the numbers: a tick
            # right before a number reads as a minus sign ("- 1.00")
            side = -across if vertical else across
            tick = Line(
                at + side * thickness / 2,
                at + side * (thickness / 2 + 0.08),
                color=MEANING.text.color,
            )
            num = Text(fmt(v), font_size=font_size, color=MEANING.text.color)
            num.next_to(tick if not vertical else at + across * thickness / 2, across, buff=0.1)
            self.ticks.add(VGroup(tick, num))
        self.add(self.cells, self.ticks)
        self.label: VMobject | None = None
        if label:
            if label.startswith("$") and label.endswith("$"):
                self.label = MathTex(label[1:-1], font_size=font_size + 4, color=MEANING.text.color)
            else:
                self.label = Text(label, font_size=font_size, color=MEANING.text.color)
            self.label.next_to(self.cells if not vertical else self, UP, buff=0.15)
            self.add(self.label)
