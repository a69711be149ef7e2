"""The abstract (blackboxed) RNN pictures, without numbers.

- ``FoldedRNN``: the compact RNN (x -> h -> o, a yellow loop W on h).
- ``BlackboxChain``: the unrolled RNN in abstract form (nodes x(t), h(t), o(t)).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from manim import RIGHT, UP, ArcBetweenPoints, Arrow, Circle, ManimColor, MathTex, VGroup, VMobject

from scenes.grammar import FONT_LABEL, MEANING
from scenes.layout import ARROW_TIP, STAGE_WIDTH
from scenes.mobjects.numbers import display_step
from scenes.mobjects.unrolled import ELLIPSIS_FRACTION, MAX_STEPS, _window

__all__ = ["BlackboxChain", "FoldedRNN"]


def _node(tex: str, color: ManimColor, radius: float, font_size: float) -> VGroup:
    circle = Circle(radius=radius, stroke_color=color, stroke_width=3)
    circle.set_fill(MEANING.value_zero.color, opacity=1.0)
    return VGroup(circle, MathTex(tex, font_size=font_size, color=color).move_to(circle))


def _link(a: VMobject, b: VMobject, color: ManimColor = MEANING.text.color) -> Arrow:
    return Arrow(
        a.get_center(),
        b.get_center(),
        buff=a.width / 2 + 0.04,
        stroke_width=3,
        color=color,
        tip_length=ARROW_TIP + 0.04,
        max_tip_length_to_length_ratio=0.4,
    )


class FoldedRNN(VGroup):
    """The folded (blackboxed) RNN: x -> h -> o, and a yellow loop W on h.

    Attributes ``x, h, o`` (nodes: circle + TeX), ``u_arrow, v_arrow`` (with
    ``u_label, v_label``), ``w_loop`` and ``w_label``; with ``loss=True`` also
    ``loss_node`` above o.
    """

    def __init__(
        self,
        *,
        gap: float = 1.5,
        radius: float = 0.42,
        font_size: float = FONT_LABEL + 6,
        loss: bool = False,
    ) -> None:
        super().__init__()
        self.x = _node("x", MEANING.input.color, radius, font_size)
        self.h = _node("h", MEANING.hidden.color, radius, font_size).shift(UP * gap)
        self.o = _node("o", MEANING.output.color, radius, font_size).shift(UP * 2 * gap)
        self.u_arrow = _link(self.x, self.h)
        self.v_arrow = _link(self.h, self.o)
        self.u_label = MathTex("U", font_size=font_size, color=MEANING.text.color).next_to(
            self.u_arrow, RIGHT
        )
        self.v_label = MathTex("V", font_size=font_size, color=MEANING.text.color).next_to(
            self.v_arrow, RIGHT
        )
        c = self.h.get_center()
        start = c + radius * np.array([np.cos(0.6), np.sin(0.6), 0])
        end = c + radius * np.array([np.cos(-0.6), np.sin(-0.6), 0])
        self.w_loop = ArcBetweenPoints(
            start, end, angle=-4.4, color=MEANING.recurrent.color, stroke_width=4
        )
        self.w_loop.add_tip(tip_length=ARROW_TIP + 0.04, tip_width=ARROW_TIP + 0.04)
        self.w_label = MathTex("W", font_size=font_size, color=MEANING.recurrent.color)
        self.w_label.next_to(self.w_loop, RIGHT, buff=0.12)
        self.add(self.u_arrow, self.v_arrow, self.w_loop, self.x, self.h, self.o)
        self.add(self.u_label, self.v_label, self.w_label)
        self.loss_node: VGroup | None = None
        if loss:
            self.loss_node = _node("L", MEANING.loss.color, radius, font_size).shift(UP * 3 * gap)
            self.add(_link(self.o, self.loss_node), self.loss_node)
        self.center()


class BlackboxChain(VGroup):
    """The unrolled RNN in the abstract form: nodes x(t), h(t), o(t) per step.

    Like ``UnrolledRNN`` without numbers: dicts ``x, h, o`` of nodes and
    ``u_arrow, v_arrow, w_arrow`` keyed by array index ``t`` (display time t+1),
    ``h0`` on the left, all U/V/W labelled at every step.
    """

    def __init__(
        self,
        T: int,
        *,
        steps: Sequence[int] | None = None,
        max_steps: int = MAX_STEPS,
        width: float = STAGE_WIDTH,
        gap: float = 1.35,
        radius: float = 0.36,
        font_size: float = FONT_LABEL,
    ) -> None:
        super().__init__()
        self.steps = tuple(steps) if steps is not None else _window(T, max_steps)
        n_cols = (
            len(self.steps)
            + 1
            + ELLIPSIS_FRACTION * sum(1 for a, b in pairwise(self.steps) if b != a + 1)
        )
        pitch = width / n_cols
        self.h0 = _node("h^{(0)}", MEANING.hidden.color, radius, font_size - 4).move_to(UP * gap)
        self.x: dict[int, VGroup] = {}
        self.h: dict[int, VGroup] = {}
        self.o: dict[int, VGroup] = {}
        self.u_arrow: dict[int, Arrow] = {}
        self.v_arrow: dict[int, Arrow] = {}
        self.w_arrow: dict[int, Arrow] = {}
        self.labels = VGroup()
        self.ellipses = VGroup()
        x_pos = pitch
        prev: VMobject = self.h0
        for i, t in enumerate(self.steps):
            if i > 0 and t != self.steps[i - 1] + 1:
                dots = MathTex(r"\cdots", font_size=font_size + 8, color=MEANING.text.color)
                dots.move_to(RIGHT * (x_pos - pitch + ELLIPSIS_FRACTION * pitch / 2) + UP * gap)
                self.ellipses.add(dots)
                self.add(_link(prev, dots, MEANING.recurrent.color))
                prev = dots
                x_pos += ELLIPSIS_FRACTION * pitch
            n = display_step(t)
            self.x[t] = _node(f"x^{{({n})}}", MEANING.input.color, radius, font_size - 4).move_to(
                RIGHT * x_pos
            )
            self.h[t] = _node(f"h^{{({n})}}", MEANING.hidden.color, radius, font_size - 4)
            self.h[t].move_to(RIGHT * x_pos + UP * gap)
            self.o[t] = _node(f"o^{{({n})}}", MEANING.output.color, radius, font_size - 4)
            self.o[t].move_to(RIGHT * x_pos + UP * 2 * gap)
            self.u_arrow[t] = _link(self.x[t], self.h[t])
            self.v_arrow[t] = _link(self.h[t], self.o[t])
            self.w_arrow[t] = _link(prev, self.h[t], MEANING.recurrent.color)
            for arrow, tex, color, side in (
                (self.u_arrow[t], "U", MEANING.text.color, RIGHT),
                (self.v_arrow[t], "V", MEANING.text.color, RIGHT),
                (self.w_arrow[t], "W", MEANING.recurrent.color, UP),
            ):
                self.labels.add(
                    MathTex(tex, font_size=font_size - 2, color=color).next_to(arrow, side, 0.08)
                )
            prev = self.h[t]
            x_pos += pitch
        self.add(*self.u_arrow.values(), *self.v_arrow.values(), *self.w_arrow.values())
        self.add(self.h0, *self.x.values(), *self.h.values(), *self.o.values())
        self.add(self.labels, self.ellipses)
        self.center()

    def parameter(self, name: str) -> VGroup:
        """Every arrow of ``"U"``, ``"V"`` or ``"W"`` with its labels."""
        arrows = {"U": self.u_arrow, "V": self.v_arrow, "W": self.w_arrow}[name]
        labels = [lab for lab in self.labels if lab.tex_string == name]
        return VGroup(*arrows.values(), *labels)
