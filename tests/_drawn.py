"""Reading what a built scene draws: numbers on filled cells and value-filled shapes.

Used by the scene-level legibility and legend tests. Everything is read off the
mobjects on screen at a slide's end (their colours, opacities, bounding boxes and
drawing order), never from side records of the scene.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "NumberOnFill",
    "SlideRecorder",
    "colour_bars",
    "numbers_on_fills",
    "value_filled_cells",
]

NUMBER = re.compile(r"^[-\u2212]?\d+(\.\d+)?$")


@dataclass(frozen=True)
class NumberOnFill:
    """One number drawn on a filled shape, as seen on the slide."""

    slide: int
    text: str
    ink: str  # the number's colour (hex)
    seen: str  # the fills behind it composited over the background (hex)
    contrast: float


def _hex(color: Any) -> str:
    from manim import ManimColor

    return ManimColor(color).to_hex()


def _text_of(mob: Any) -> str | None:
    from manim import MathTex, SingleStringMathTex, Text

    if isinstance(mob, Text):
        return mob.original_text.strip()
    if isinstance(mob, SingleStringMathTex | MathTex):
        return mob.tex_string.strip()
    return None


def _draw_order(mobjects: list[Any]) -> list[Any]:
    """Every mobject in the order the camera draws it (later ones on top)."""
    from manim.utils.family import extract_mobject_family_members

    return list(extract_mobject_family_members(mobjects, use_z_index=True))


def _is_text(mob: Any) -> bool:
    return _text_of(mob) is not None


def _box(mob: Any) -> tuple[float, float, float, float]:
    return (
        float(mob.get_left()[0]),
        float(mob.get_right()[0]),
        float(mob.get_bottom()[1]),
        float(mob.get_top()[1]),
    )


def _glyph_opacity(text: Any) -> float:
    leaves = [m for m in text.family_members_with_points()]
    return max((float(m.get_fill_opacity()) for m in leaves), default=0.0)


def numbers_on_fills(mobjects: list[Any], slide: int, background: str) -> list[NumberOnFill]:
    """Every fully drawn number that sits on a filled shape, with its WCAG contrast.

    A number's backdrop is every filled, non-text shape drawn before it whose
    bounding box contains the number's centre and is at least as wide and tall as
    the number, composited in drawing order over ``background`` (fill opacity as
    alpha). Numbers drawn faded (glyph opacity below 0.99, e.g. a dimmed network)
    are left out: they are meant to recede.
    """
    from scenes.colorimetry import contrast_ratio, hex_to_rgb, rgb_to_hex

    order = _draw_order(mobjects)
    inside_text: set[int] = set()
    for mob in order:
        if _is_text(mob):
            inside_text.update(id(m) for m in mob.get_family())
    found: list[NumberOnFill] = []
    for i, mob in enumerate(order):
        text = _text_of(mob)
        if text is None or not NUMBER.match(text) or _glyph_opacity(mob) < 0.99:
            continue
        x, y = mob.get_center()[:2]
        behind = []
        for shape in order[:i]:
            if id(shape) in inside_text or not shape.has_points():
                continue
            if float(shape.get_fill_opacity()) <= 0:
                continue
            left, right, bottom, top = _box(shape)
            if not (left <= x <= right and bottom <= y <= top):
                continue
            if right - left < 0.98 * mob.width or top - bottom < 0.98 * mob.height:
                continue
            behind.append(shape)
        if not behind:
            continue
        seen = hex_to_rgb(background)
        for shape in behind:
            alpha = float(np.clip(shape.get_fill_opacity(), 0, 1))
            seen = seen + (hex_to_rgb(_hex(shape.get_fill_color())) - seen) * alpha
        leaf = mob.family_members_with_points()[0]
        ink = _hex(leaf.get_fill_color())
        found.append(NumberOnFill(slide, text, ink, rgb_to_hex(seen), contrast_ratio(ink, seen)))
    return found


def _on_value_scale(color: Any, floor: float = 0.15) -> bool:
    """Whether ``color`` is a value colour (a point of either arm, ``|v| >= floor``)."""
    from scenes.colorimetry import hex_to_rgb
    from scenes.grammar import MEANING

    rgb = hex_to_rgb(_hex(color))
    for end in (MEANING.value_positive.color, MEANING.value_negative.color):
        e = hex_to_rgb(end.to_hex())
        k = float(rgb @ e / (e @ e))
        if floor <= k <= 1.0 + 1e-6 and np.abs(rgb - k * e).max() <= 2.5 / 255:
            return True
    return False


def value_filled_cells(mobjects: list[Any]) -> int:
    """How many opaque shapes on screen (not a colour bar's) are filled with a value colour."""
    from scenes.mobjects import ColorBar

    order = _draw_order(mobjects)
    in_bar = {id(m) for bar in order if isinstance(bar, ColorBar) for m in bar.get_family()}
    in_text = {id(m) for t in order if _is_text(t) for m in t.get_family()}
    return sum(
        1
        for m in order
        if id(m) not in in_bar | in_text
        and m.has_points()
        and float(m.get_fill_opacity()) >= 0.99
        and _on_value_scale(m.get_fill_color())
    )


def colour_bars(mobjects: list[Any]) -> int:
    """How many value colour bars are on screen (fully drawn)."""
    from scenes.mobjects import ColorBar

    return sum(
        1
        for m in _draw_order(mobjects)
        if isinstance(m, ColorBar) and min(float(c.get_fill_opacity()) for c in m.cells) >= 0.99
    )


class SlideRecorder:
    """Mixin for a scene class: calls ``self.at_slide_end(slide)`` at every slide's end.

    A slide ends when ``beat()`` starts the next one and when the scene tears down.
    """

    slide_index: int

    def setup(self) -> None:
        super().setup()  # type: ignore[misc]
        self.slide_index = 0

    def at_slide_end(self, slide: int) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def beat(self, notes: str) -> None:
        if self.slide_index > 0:
            self.at_slide_end(self.slide_index)
        self.slide_index += 1
        super().beat(notes)  # type: ignore[misc]

    def tear_down(self) -> None:
        self.at_slide_end(self.slide_index)
        super().tear_down()  # type: ignore[misc]


# Nothing drawn closer than this to the frame's edge (the title line sits 0.35 inside).
EDGE_MARGIN = 0.25


def outside_the_frame(mobjects: list[Any], margin: float = EDGE_MARGIN) -> list[str]:
    """What is drawn (visible, with points) closer than ``margin`` to the frame's edge."""
    from manim import config

    w, h = config.frame_width / 2 - margin, config.frame_height / 2 - margin
    found = []
    for top in mobjects:
        for m in top.family_members_with_points():
            if m.get_fill_opacity() == 0 and m.get_stroke_opacity() == 0:
                continue
            (x0, y0), (x1, y1) = m.points[:, :2].min(axis=0), m.points[:, :2].max(axis=0)
            if x0 < -w or x1 > w or y0 < -h or y1 > h:
                what = getattr(top, "text", None) or type(top).__name__
                found.append(f"{what!r} reaches ({x0:.2f}, {y0:.2f})..({x1:.2f}, {y1:.2f})")
                break
    return found


def over_the_title_line(mobjects: list[Any], title: Any, tag: Any, gap: float = 0.02) -> list[str]:
    """What is drawn (visible, with points) over the title or the weights tag.

    The title line belongs to ``title`` and ``tag`` (either may be None); anything
    else whose points come within ``gap`` of their boxes would cover or touch them.
    """
    boxes = []
    for mob in (title, tag):
        if mob is not None and mob in mobjects:
            x0, x1, y0, y1 = _box(mob)
            boxes.append((x0 - gap, y0 - gap, x1 + gap, y1 + gap))
    found = []
    for top in mobjects:
        if top is title or top is tag:
            continue
        for m in top.family_members_with_points():
            if m.get_fill_opacity() == 0 and m.get_stroke_opacity() == 0:
                continue
            (x0, y0), (x1, y1) = m.points[:, :2].min(axis=0), m.points[:, :2].max(axis=0)
            if any(x0 < bx1 and x1 > bx0 and y0 < by1 and y1 > by0 for bx0, by0, bx1, by1 in boxes):
                what = getattr(top, "text", None) or type(top).__name__
                found.append(
                    f"{what!r} covers the title line at ({x0:.2f}, {y0:.2f})..({x1:.2f}, {y1:.2f})"
                )
                break
    return found
