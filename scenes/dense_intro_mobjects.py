"""The mobjects of the DCL review's opening beats (article 001 §1).

``LinePlot`` draws ``y = a x + b`` on axes with one point ``(x, y)`` marked, and the
same line after a learning step: parameters move the line, variables move along it.
``PipelineColumn`` draws a chain of boxes from the data at the bottom to the estimate
at the top, the boxes made by hand outlined in the highlight colour: classical
machine learning next to a DCL. Every number is passed in from ``rnncore``.
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Axes,
    DashedLine,
    Dot,
    Line,
    MathTex,
    RoundedRectangle,
    Text,
    VGroup,
)

from scenes.grammar import FONT_SMALL, MEANING
from scenes.layout import ARROW_TIP
from scenes.mobjects.numbers import fmt

__all__ = ["LinePlot", "PipelineColumn"]

TICK_FONT = FONT_SMALL
BOX_BUFF = 0.14  # text to box edge
BOX_GAP = 0.3  # between boxes, room for an arrow


class LinePlot(VGroup):
    """``y = a x + b`` over ``x_range``, the point ``(x, y)`` marked, and the line after.

    Parameters
    ----------
    a, b, a_new, b_new
        Slope and intercept before and after the update (the core's numbers).
    x
        The variable's value; the point is ``(x, a x + b)`` as the core computed it (``y``).
    x_range, y_range
        What the axes show; ticks at their ends and 0.
    size
        Width and height of the axes.
    """

    def __init__(
        self,
        a: float,
        b: float,
        x: float,
        y: float,
        a_new: float,
        b_new: float,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        size: tuple[float, float] = (5.6, 4.4),
    ) -> None:
        super().__init__()
        self.axes = Axes(
            x_range=[x_range[0], x_range[1], x_range[1]],
            y_range=[y_range[0], y_range[1], y_range[1]],
            x_length=size[0],
            y_length=size[1],
            tips=False,
            axis_config={"color": MEANING.neutral.color, "stroke_width": 2},
        )
        self.ticks = VGroup()
        for v in (x_range[0], x_range[1]):
            tick = Text(fmt(v), font_size=TICK_FONT, color=MEANING.text.color)
            self.ticks.add(tick.next_to(self.axes.c2p(v, 0), DOWN, buff=0.15))
        for v in (y_range[0], y_range[1]):
            tick = Text(fmt(v), font_size=TICK_FONT, color=MEANING.text.color)
            self.ticks.add(tick.next_to(self.axes.c2p(0, v), LEFT, buff=0.15))
        self.axis_labels = VGroup(
            MathTex("x", font_size=34, color=MEANING.input.color).next_to(
                self.axes.c2p(x_range[1], 0), RIGHT, buff=0.2
            ),
            MathTex("y", font_size=34, color=MEANING.hidden.color).next_to(
                self.axes.c2p(0, y_range[1]), UP, buff=0.2
            ),
        )
        self.after = self._line(a_new, b_new, x_range, dashed=True)  # the same line, moved
        self.line = self._line(a, b, x_range)
        corner = self.axes.c2p(x, y)
        self.guides = VGroup(
            Line(self.axes.c2p(x, 0), corner, color=MEANING.input.color, stroke_width=2),
            Line(self.axes.c2p(0, y), corner, color=MEANING.hidden.color, stroke_width=2),
        )
        self.point = Dot(corner, radius=0.09, color=MEANING.text.color)
        self.point_label = MathTex(
            rf"({fmt(x)},\ {fmt(y)})", font_size=30, color=MEANING.text.color
        ).next_to(self.point, (UP if y >= 0 else DOWN) + LEFT, buff=0.1)
        self.point_label.set_stroke(MEANING.background.color, width=5, background=True)
        self.add(
            self.axes,
            self.ticks,
            self.axis_labels,
            self.after,
            self.line,
            self.guides,
            self.point,
            self.point_label,
        )

    def _line(self, a: float, b: float, x_range: tuple[float, float], dashed: bool = False) -> Line:
        """The network's line ``y = a x + b`` across ``x_range`` (dashed: after a step)."""
        ends = [self.axes.c2p(x, a * x + b) for x in x_range]
        if dashed:
            return DashedLine(*ends, color=MEANING.hidden.color, stroke_width=5, dash_length=0.15)
        return Line(*ends, color=MEANING.hidden.color, stroke_width=5)


class PipelineColumn(VGroup):
    """Boxes from the bottom (the data) up to the top (the estimate), joined by arrows.

    Parameters
    ----------
    heading
        Text above the column.
    stages
        ``(text, by_hand)`` from the bottom up; a box made by hand gets the highlight
        outline, the others the neutral one. Text starting with ``$`` is TeX.
    width
        Width of every box.
    """

    def __init__(
        self, heading: str, stages: Sequence[tuple[str, bool]], width: float = 2.5
    ) -> None:
        super().__init__()
        self.boxes = VGroup()
        self.by_hand = VGroup()  # the boxes made by hand
        for text, by_hand in stages:
            if text.startswith("$"):
                label = MathTex(text.strip("$"), font_size=FONT_SMALL + 6, color=MEANING.text.color)
            else:
                label = Text(text, font_size=FONT_SMALL, color=MEANING.text.color, line_spacing=0.8)
            if label.width > width - 2 * BOX_BUFF:
                label.scale_to_fit_width(width - 2 * BOX_BUFF)
            color = MEANING.highlight.color if by_hand else MEANING.neutral.color
            box = RoundedRectangle(
                width=width,
                height=label.height + 2 * BOX_BUFF,
                corner_radius=0.1,
                stroke_color=color,
                stroke_width=MEANING.highlight.width if by_hand else 2,
            )
            self.boxes.add(VGroup(box, label.move_to(box)))
            if by_hand:
                self.by_hand.add(self.boxes[-1])
        self.boxes.arrange(UP, buff=BOX_GAP)
        self.arrows = VGroup(
            *(
                Arrow(
                    lower.get_top(),
                    upper.get_bottom(),
                    buff=0.04,
                    color=MEANING.neutral.color,
                    stroke_width=3,
                    tip_length=ARROW_TIP,
                    max_tip_length_to_length_ratio=0.5,
                )
                for lower, upper in zip(self.boxes[:-1], self.boxes[1:], strict=True)
            )
        )
        self.heading = Text(heading, font_size=FONT_SMALL + 2, color=MEANING.text.color)
        self.heading.next_to(self.boxes, UP, buff=0.2)
        self.add(self.boxes, self.arrows, self.heading)
