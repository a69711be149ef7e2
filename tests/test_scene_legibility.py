"""Legibility and legends read off built scenes: every number on a cell, every value fill.

ForwardPropagation, BackpropThroughTime, DenseBackprop and SimpleRNNNeurons are
built in manim's dry run (default lesson; BackpropThroughTime also for the
many-to-one edge lesson). At each slide's end the test reads the mobjects on
screen: every number drawn on a filled shape must have a WCAG contrast ratio of
at least 4.5:1 with what is behind it (fills composited over the background), and
a slide of BPTT or the forward pass that shows value-filled cells must also show
a value colour bar.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from _drawn import SlideRecorder, colour_bars, numbers_on_fills, value_filled_cells
from _lessons import EDGE_LESSONS, write_lesson
from _scenes import build_scene, media_dir

from scenes.grammar import BACKGROUND, MIN_TEXT_CONTRAST

BUILDS = {
    "forward": ("scenes.forward.ForwardPropagation", None),
    "bptt": ("scenes.bptt.BackpropThroughTime", None),
    "bptt-many_to_one": ("scenes.bptt.BackpropThroughTime", "many_to_one"),
    "dense": ("scenes.dense_backprop.DenseBackprop", None),
    "neurons": ("scenes.neurons.SimpleRNNNeurons", None),
}
LEGEND_CHECKED = ("forward", "bptt", "bptt-many_to_one")


def _build(key: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    cls_path, edge = BUILDS[key]
    module, name = cls_path.rsplit(".", 1)
    base = getattr(importlib.import_module(module), name)
    background = BACKGROUND.to_hex()

    class Read(SlideRecorder, base):  # type: ignore[misc, valid-type]
        """Keeps, per slide end, the numbers on fills and the value fills and bars."""

        def at_slide_end(self, slide: int) -> None:
            if not hasattr(self, "read"):
                self.read = []
            self.read.append(
                (
                    slide,
                    numbers_on_fills(self.mobjects, slide, background),
                    value_filled_cells(self.mobjects),
                    colour_bars(self.mobjects),
                )
            )

    tmp = tmp_path_factory.mktemp(key)
    lesson = None if edge is None else write_lesson(EDGE_LESSONS[edge], tmp, edge)
    return build_scene(Read, lesson, tmp, media_dir(tmp_path_factory))


_BUILT: dict[str, Any] = {}


def _cached(key: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Each scene is built once per session, shared by both tests."""
    if key not in _BUILT:
        _BUILT[key] = _build(key, tmp_path_factory)
    return _BUILT[key]


@pytest.fixture(params=list(BUILDS))
def built(request, tmp_path_factory) -> tuple[str, Any]:
    return request.param, _cached(request.param, tmp_path_factory)


def test_every_number_on_a_cell_is_legible(built, record_property) -> None:
    key, scene = built
    numbers = [n for _, found, _, _ in scene.read for n in found]
    assert len(numbers) >= 9, f"{key}: found only {len(numbers)} numbers on cells"
    worst = min(numbers, key=lambda n: n.contrast)
    record_property(f"min_contrast_{key}", round(worst.contrast, 2))
    low = [n for n in numbers if n.contrast < MIN_TEXT_CONTRAST]
    assert not low, f"{key}: numbers below {MIN_TEXT_CONTRAST}:1: {low[:5]}"


@pytest.mark.parametrize("key", LEGEND_CHECKED)
def test_value_fills_come_with_a_colour_bar(key: str, tmp_path_factory) -> None:
    scene = _cached(key, tmp_path_factory)
    filled = [(slide, bars) for slide, _, cells, bars in scene.read if cells]
    assert filled, f"{key}: no slide shows value-filled cells"
    missing = [slide for slide, bars in filled if bars == 0]
    assert not missing, f"{key}: slides with value fills and no colour bar: {missing}"
