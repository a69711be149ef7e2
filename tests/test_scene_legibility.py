"""Legibility and legends read off built scenes: every number on a cell, every value fill.

ForwardPropagation, BackpropThroughTime, DenseBackprop, SimpleRNNNeurons and the
four LSTM scenes are built in manim's dry run (default lesson; BackpropThroughTime
also for the many-to-one edge lesson), each once per session. At each slide's end
the test reads the mobjects on screen: every number drawn on a filled shape must
have a WCAG contrast ratio of at least 4.5:1 with what is behind it (fills
composited over the background), and a slide of BPTT or the forward pass that
shows value-filled cells must also show a value colour bar. On the LSTM scenes'
slides every text must also be at least MIN_FONT large and no two texts may
overlap.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from _drawn import (
    SlideRecorder,
    _draw_order,
    _text_of,
    colour_bars,
    numbers_on_fills,
    value_filled_cells,
)
from _lessons import EDGE_LESSONS, write_lesson
from _scenes import build_scene, media_dir

from scenes.grammar import BACKGROUND, MIN_TEXT_CONTRAST

BUILDS = {
    "forward": ("scenes.forward.ForwardPropagation", None),
    "bptt": ("scenes.bptt.BackpropThroughTime", None),
    "bptt-many_to_one": ("scenes.bptt.BackpropThroughTime", "many_to_one"),
    "dense": ("scenes.dense_backprop.DenseBackprop", None),
    "neurons": ("scenes.neurons.SimpleRNNNeurons", None),
    "lstm_cell": ("scenes.lstm_cell.LSTMCell", None),
    "lstm_forward": ("scenes.lstm_forward.LSTMForward", None),
    "lstm_backprop": ("scenes.lstm_backprop.LSTMBackprop", None),
    "why_lstm": ("scenes.why_lstm.WhyLSTM", None),
}
# scenes whose numbers stand on the background (TeX sums, tables, plots), not on fills
FEW_NUMBERS_ON_FILLS = {"lstm_backprop": 0, "why_lstm": 0}
TEXT_CHECKED = tuple(BUILDS)
MIN_FONT = 14.0  # the smallest text on a slide (FONT_SMALL is 20, shrunk to fit at most 0.7)
OVERLAP = 0.03  # two texts may touch by this much (units of the frame) in each direction
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
                    texts_on_screen(self.mobjects),
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
    numbers = [n for _, found, _, _, _ in scene.read for n in found]
    least = FEW_NUMBERS_ON_FILLS.get(key, 9)
    assert len(numbers) >= least, f"{key}: found only {len(numbers)} numbers on cells"
    if numbers:
        worst = min(numbers, key=lambda n: n.contrast)
        record_property(f"min_contrast_{key}", round(worst.contrast, 2))
    low = [n for n in numbers if n.contrast < MIN_TEXT_CONTRAST]
    assert not low, f"{key}: numbers below {MIN_TEXT_CONTRAST}:1: {low[:5]}"


@pytest.mark.parametrize("key", LEGEND_CHECKED)
def test_value_fills_come_with_a_colour_bar(key: str, tmp_path_factory) -> None:
    scene = _cached(key, tmp_path_factory)
    filled = [(slide, bars) for slide, _, cells, bars, _ in scene.read if cells]
    assert filled, f"{key}: no slide shows value-filled cells"
    missing = [slide for slide, bars in filled if bars == 0]
    assert not missing, f"{key}: slides with value fills and no colour bar: {missing}"


def texts_on_screen(mobjects: list[Any]) -> list[tuple[str, float, tuple[float, ...]]]:
    """Every fully drawn text on screen (outermost Text or TeX): (text, font size, box)."""
    seen: set[int] = set()
    found = []
    for mob in _draw_order(mobjects):
        text = _text_of(mob)
        if text is None or id(mob) in seen:
            continue
        seen.update(id(m) for m in mob.get_family())
        leaves = mob.family_members_with_points()
        if not leaves or max(float(m.get_fill_opacity()) for m in leaves) < 0.99:
            continue
        box = (mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1])
        found.append((text, float(mob.font_size), tuple(float(v) for v in box)))
    return found


def overlapping(texts: list[tuple[str, float, tuple[float, ...]]]) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap by more than OVERLAP both across and up."""
    pairs = []
    for k, (a, _, (l1, r1, b1, t1)) in enumerate(texts):
        for b, _, (l2, r2, b2, t2) in texts[k + 1 :]:
            if min(r1, r2) - max(l1, l2) > OVERLAP and min(t1, t2) - max(b1, b2) > OVERLAP:
                pairs.append((a, b))
    return pairs


@pytest.mark.parametrize("key", TEXT_CHECKED)
def test_texts_are_large_enough_and_apart(key: str, tmp_path_factory) -> None:
    scene = _cached(key, tmp_path_factory)
    texts = [(slide, t) for slide, *_, found in scene.read for t in found]
    assert len(texts) >= 10, f"{key}: found only {len(texts)} texts"
    small = [(slide, t[0], round(t[1], 1)) for slide, t in texts if t[1] < MIN_FONT]
    assert not small, f"{key}: texts below {MIN_FONT}: {small[:6]}"
    clashes = [(slide, pair) for slide, *_, found in scene.read for pair in overlapping(found)]
    assert not clashes, f"{key}: overlapping texts: {clashes[:6]}"


def test_the_overlap_check_can_fail() -> None:
    a = ("a", 20.0, (0.0, 1.0, 0.0, 0.5))
    assert overlapping([a, ("b", 20.0, (0.5, 1.5, 0.2, 0.7))]) == [("a", "b")]
    assert overlapping([a, ("c", 20.0, (1.0, 2.0, 0.0, 0.5))]) == []
