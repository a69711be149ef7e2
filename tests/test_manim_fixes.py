"""The speed-ups of scenes.manim_fixes draw what manim draws."""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, Camera, Circle, MathTex, Square, Text, VGroup

from scenes import manim_fixes
from scenes.mobjects.numbers import _number
from scenes.mobjects.value_shapes import MatrixGrid


def nested(rng: np.random.Generator, depth: int = 4) -> VGroup:
    """Groups of groups of squares, some squares in several groups."""
    leaves = [Square(0.1) for _ in range(12)]
    pick = lambda items, k: [items[i] for i in rng.choice(len(items), size=k, replace=False)]  # noqa: E731
    groups = [VGroup(*pick(leaves, 3)) for _ in range(6)]
    for _ in range(depth):
        groups = [VGroup(*pick(groups, 2)) for _ in range(5)]
    return VGroup(*groups, *leaves[:3])


def test_family_is_manims_family() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        group = nested(rng)
        for member in [group, *group.submobjects]:
            assert member.get_family() == manim_fixes._manim_get_family(member)


def slide() -> VGroup:
    """Numbers with outlines on fills and on the background, text in one and in several
    colours, TeX, a grid, a gradient."""
    rng = np.random.default_rng(1)
    numbers = VGroup(*(_number(v, 24, fill) for v, fill in [(-0.57, "#315BC5"), (0.66, None)]))
    return VGroup(
        MatrixGrid(rng.normal(size=(4, 6)), vmax=1.0),
        numbers.arrange(RIGHT),
        Text("Chunk 1 of 3: its gradient and its update", font_size=28),
        Text("loss error value", font_size=28, t2c={"loss": "#FF7179", "value": "#B95101"}),
        MathTex(r"h^{(t)} = \tanh(b + W h^{(t-1)} + U x^{(t)})"),
        Circle(0.4).set_fill(["#315BC5", "#FFD48F"], opacity=1),
    ).arrange(DOWN)


def frame(mobject: VGroup, manims: bool) -> np.ndarray:
    camera = Camera(pixel_width=854, pixel_height=480)
    if manims:
        manim_fixes._manim_display(camera, mobject.family_members_with_points(), camera.pixel_array)
    else:
        camera.capture_mobject(mobject)
    return camera.pixel_array.astype(int)


def test_drawing_runs_together_changes_only_where_glyphs_touch() -> None:
    shown = slide()
    ours, theirs = frame(shown, manims=False), frame(shown, manims=True)
    drawn = (theirs != frame(VGroup(), manims=True)).any(axis=2)
    differs = np.abs(ours - theirs).max(axis=2)
    assert drawn.sum() > 10_000  # the slide is there
    assert (differs > 0).sum() < 0.02 * drawn.sum()  # a glyph's edge here and there
    assert (differs > 16).sum() < 0.001 * drawn.sum()  # and by a shade, nowhere more
