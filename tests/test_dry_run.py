"""The dry run's shortcuts end exactly where a real render ends.

Scene tests, ``render.py preview`` (``scenes.preview``) and the lesson-space sweep build scenes with
``skip_animations``. Two shortcuts make that several times faster, and both must
be invisible:

- ``scenes.manim_fixes`` lets ``Text`` reuse a parsed SVG file (``use_svg_cache``);
- ``LectureScene`` lands skipped fades, growths, drawings and Indicates without
  beginning them (``LectureScene.land_skipped``), since they end where they start.

Each slide's final frame with the shortcut must equal, pixel for pixel, the frame
without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scenes.preview import final_frames


def _pixels(paths: list[Path]) -> list[np.ndarray]:
    from PIL import Image

    return [np.asarray(Image.open(p)) for p in paths]


@pytest.mark.parametrize(
    "scene",
    [
        "ForwardPropagation",  # FadeIn, FadeOut, Create, Write, Indicate, Transform
        "DenseBackprop",  # LaggedStart, AnimationGroup of fades, .animate
        "Mapping",  # GrowArrow
    ],
)
def test_landing_ends_on_the_frames_of_playing(scene: str, tmp_path: Path) -> None:
    played = _pixels(final_frames(scene, tmp_path / "played", land=False))
    landed = _pixels(final_frames(scene, tmp_path / "landed", land=True))
    assert len(landed) == len(played) > 1
    for i, (a, b) in enumerate(zip(played, landed, strict=True), start=1):
        differ = int((a != b).any(axis=-1).sum())
        assert differ == 0, f"{scene} slide {i}: {differ} pixels differ from a played run"


@pytest.mark.parametrize("text", ["0.12", "-3.07", "x(1)", "dL/dW", "日本 bites", "h(t) = tanh(a)"])
def test_text_from_the_svg_cache_is_the_text_parsed_again(text: str) -> None:
    from manim import Text

    import scenes.manim_fixes  # noqa: F401  (the cache is on)

    first = Text(text, font_size=23, color="#FFAA00")  # parses, fills the cache
    again = Text(text, font_size=23, color="#FFAA00")  # from the cache
    parsed = Text(text, font_size=23, color="#FFAA00", use_svg_cache=False)
    for other in (again, parsed):
        family = [m for m in first.get_family() if len(m.points)]
        others = [m for m in other.get_family() if len(m.points)]
        assert len(family) == len(others) > 0
        for m, n in zip(family, others, strict=True):
            np.testing.assert_array_equal(m.points, n.points)
            np.testing.assert_array_equal(m.fill_rgbas, n.fill_rgbas)
            np.testing.assert_array_equal(m.stroke_rgbas, n.stroke_rgbas)
