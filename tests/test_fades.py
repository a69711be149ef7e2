"""In-place fades (scenes.fades) draw exactly what manim's FadeIn and FadeOut draw."""

from __future__ import annotations

import numpy as np
import pytest
from manim import (
    DOWN,
    RIGHT,
    AnimationGroup,
    Camera,
    Circle,
    FadeIn,
    FadeOut,
    Group,
    ImageMobject,
    LaggedStart,
    Line,
    Scene,
    Square,
    Text,
    VGroup,
    linear,
    there_and_back,
)

from scenes.fades import OpacityFade, in_place

ALPHAS = (0.0, 0.2, 0.5, 0.77, 1.0)
ARRAYS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas", "points")


def slide() -> VGroup:
    """Text, a filled and stroked square, a half-transparent gradient and a line."""
    square = Square(1.0).set_fill("#B95101", opacity=0.8).set_stroke("#F2F2F2", 3, 0.6)
    gradient = Circle(0.5).set_fill(["#315BC5", "#FFD48F"], opacity=0.5).shift(RIGHT)
    gradient.set_stroke(opacity=0.3, background=True)
    words = Text("0.66 ≈ L", font_size=24).shift(DOWN)
    return VGroup(square, VGroup(gradient, words), Line(2 * DOWN, 2 * RIGHT))


def state(mobject) -> list[np.ndarray]:
    return [np.array(getattr(m, n)) for m in mobject.family_members_with_points() for n in ARRAYS]


def frame(mobject) -> np.ndarray:
    camera = Camera(pixel_width=160, pixel_height=90)
    camera.capture_mobject(mobject)
    return camera.pixel_array.copy()


@pytest.mark.parametrize("fade", [FadeIn, FadeOut])
@pytest.mark.parametrize("kwargs", [{}, {"lag_ratio": 0.3}, {"rate_func": there_and_back}])
def test_every_frame_is_manims(fade, kwargs) -> None:
    ours, theirs = slide(), slide()
    mine = in_place(fade(ours, **kwargs))
    manims = fade(theirs, **kwargs)
    assert isinstance(mine, OpacityFade)
    mine.begin(), manims.begin()
    for alpha in ALPHAS:
        mine.interpolate(alpha), manims.interpolate(alpha)
        for a, b in zip(state(ours), state(theirs), strict=True):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
        assert np.array_equal(frame(ours), frame(theirs))


def test_a_fade_ends_on_the_mobject_as_it_was() -> None:
    shown, gone = slide(), slide()
    before_shown = [m.fill_rgbas for m in shown.family_members_with_points()]
    expected = state(gone)
    scene = Scene()
    scene.add(gone)
    for animation in (OpacityFade(shown, into=True), OpacityFade(gone, into=False)):
        animation._setup_scene(scene)
        animation.begin()
        animation.interpolate(0.5)
        animation.finish()
        animation.clean_up_from_scene(scene)
    after_shown = [m.fill_rgbas for m in shown.family_members_with_points()]
    assert all(a is b for a, b in zip(before_shown, after_shown, strict=True))  # the same arrays
    assert shown in scene.mobjects and gone not in scene.mobjects
    for a, b in zip(state(gone), expected, strict=True):  # removed, and whole again
        assert np.array_equal(a, b)


def test_only_plain_vector_fades_play_in_place() -> None:
    image = ImageMobject(np.zeros((4, 4, 4), dtype=np.uint8))
    group = LaggedStart(
        FadeIn(slide()),
        FadeOut(slide(), shift=DOWN),
        AnimationGroup(FadeOut(slide(), scale=0.5), FadeIn(slide(), rate_func=linear)),
        FadeIn(Group(slide(), image)),
        lag_ratio=0.2,
    )
    converted = in_place(group)
    kinds = [type(a) for a in converted.animations]
    assert kinds == [OpacityFade, FadeOut, AnimationGroup, FadeIn]
    assert [type(a) for a in converted.animations[2].animations] == [FadeOut, OpacityFade]
    assert converted.animations[2].animations[1].rate_func is linear


@pytest.mark.parametrize("group", [LaggedStart, AnimationGroup])
def test_a_group_of_fades_plays_as_manims(group) -> None:
    ours, theirs = (VGroup(slide(), slide().shift(RIGHT), slide().shift(DOWN)) for _ in range(2))
    mine = in_place(group(FadeIn(ours[0]), FadeIn(ours[1]), FadeOut(ours[2]), lag_ratio=0.4))
    manims = group(FadeIn(theirs[0]), FadeIn(theirs[1]), FadeOut(theirs[2]), lag_ratio=0.4)
    assert all(type(a) is OpacityFade for a in mine.animations)
    mine.begin(), manims.begin()
    for alpha in ALPHAS:
        mine.interpolate(alpha), manims.interpolate(alpha)
        assert np.array_equal(frame(ours), frame(theirs))
