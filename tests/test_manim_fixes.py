"""The speed-ups of scenes.manim_fixes and scenes.camera_fixes draw what manim draws."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Arc,
    Camera,
    Circle,
    Line,
    MathTex,
    Square,
    Text,
    VGroup,
    VMobject,
)

from scenes import camera_fixes, manim_fixes
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


def test_family_members_are_manims() -> None:
    rng = np.random.default_rng(2)
    for _ in range(20):
        group = nested(rng)
        group.add(VGroup(), VGroup(VGroup()))  # members without points
        for i, member in enumerate(group.get_family()):
            member.z_index = int(rng.integers(3)) if i % 3 else 0
        for shown in ([group], group.get_family(), [*reversed(group.submobjects), group]):
            for z, points in itertools.product((False, True), (False, True)):
                ours = camera_fixes._family_members(shown, z, points)
                assert ours == camera_fixes._manim_extract(shown, z, points)


def test_paths_are_manims() -> None:
    """The same cairo path, subpaths and closes included (glyphs have holes: several
    closed subpaths; an open arc; a polyline with a gap)."""
    import cairo

    rng = np.random.default_rng(3)
    odd = [VMobject() for _ in range(4)]  # points that are not whole curves
    for shape, n in zip(odd, (3, 9, 10, 13), strict=True):
        shape.points = np.round(rng.normal(size=(n, 3)))  # some curves meet, some do not
    odd[-1].points[[0, 4, 8, 12]] = odd[-1].points[[11, 3, 7, 11]]  # all meet, and close
    shapes = [
        *Text("0.57 g", font_size=30).submobjects,
        *odd,
        Arc(angle=2.0),
        VMobject()
        .set_points_as_corners([LEFT, ORIGIN, UP])
        .append_points(Line(RIGHT, 2 * RIGHT).points),
    ]
    camera = Camera(pixel_width=854, pixel_height=480)
    ctx = camera.get_cairo_context(camera.pixel_array)

    def path(set_path: Callable[..., object], shape: VMobject) -> list[tuple[int, tuple]]:
        set_path(camera, ctx, shape)
        return list(ctx.copy_path())

    for shape in shapes:
        theirs = path(camera_fixes._manim_set_path, shape)
        assert path(Camera.set_cairo_context_path, shape) == theirs
        closed = any(kind == cairo.PATH_CLOSE_PATH for kind, _ in theirs)
        assert shape in odd or closed == (shape not in shapes[-2:])
    kinds = [[kind for kind, _ in path(camera_fixes._manim_set_path, shape)] for shape in odd]
    assert max(k.count(cairo.PATH_MOVE_TO) for k in kinds) > 1  # a shape of several subpaths
    assert any(cairo.PATH_CLOSE_PATH in k for k in kinds)  # one closed


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
        camera_fixes._manim_display(
            camera, mobject.family_members_with_points(), camera.pixel_array
        )
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


def test_points_are_equal_as_numpy_says() -> None:
    """``consider_points_equals`` answers as ``np.allclose``: points and curves, equal,
    a tolerance apart or just over it, far apart, NaN, infinities, huge values."""
    rng = np.random.default_rng(4)
    shape = VMobject()
    tol = shape.tolerance_for_point_equality
    specials = [np.nan, np.inf, -np.inf, 1e308, -1e308, 0.0]
    cases = []
    for _ in range(400):
        p1 = rng.normal(size=3) * 10.0 ** rng.integers(-8, 8)
        p0 = np.tile(p1, (int(rng.integers(1, 5)), 1))  # a curve's points against one point
        p0 = p0 + rng.choice([0.0, 0.5, 0.99, 1.01, 2.0, 1e6]) * tol * rng.choice([-1, 1])
        if rng.random() < 0.2:
            p0[rng.integers(len(p0)), rng.integers(3)] = rng.choice(specials)
        if rng.random() < 0.2:
            p1[rng.integers(3)] = rng.choice(specials)
        cases.append((p0, p1))
    answers = []
    with np.errstate(over="ignore"):
        for p0, p1 in cases:
            theirs = manim_fixes._manim_points_equal(shape, p0, p1)
            assert shape.consider_points_equals(p0, p1) == theirs, (p0, p1)
            answers.append(theirs)
    assert 50 < sum(answers) < len(answers) - 50  # both answers, many times
