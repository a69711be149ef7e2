"""Every lesson that ``render.py check`` accepts builds every scene.

Lessons come from ``_lessons.lesson_tables`` (hypothesis: every size 1..LIMITS,
every task, both losses, any truncate, seeded or explicit weights at small and
saturating scales, labels or none). Loading is checked on many drawn lessons;
building every scene of the lecture and the deck (a dry run, nothing encoded) on the
named corners of the space and on a fixed-seed sample of drawn lessons, with nothing
drawn off the frame or against its edge at the end of any slide. The large
sweep is ``bench/sweep_lessons.py``.

Each lesson's builds are one test class, so pytest-xdist (``--dist loadscope``)
spreads the lessons over the workers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _drawn import SlideRecorder, outside_the_frame, over_the_title_line
from _lessons import EDGE_LESSONS, lesson_tables, write_lesson
from _scenes import build_scene, media_dir
from hypothesis import HealthCheck, Phase, given, settings

from rnncore import LIMITS, LessonError, load_lesson

ALL_SCENES = (
    "WhyHard",
    "Mapping",
    "WhyRNN",
    "SequenceData",
    "TaskTypes",
    "DenseBackprop",
    "TheLesson",
    "SimpleRNNNeurons",
    "Unfolding",
    "ForwardPropagation",
    "BackpropThroughTime",
    "Training",
    "TruncatedBPTT",
    "VanishingExploding",
    "LongRange",
    "LSTMCell",
    "LSTMForward",
    "LSTMBackprop",
    "WhyLSTM",
    "LectureTitle",
    "Section000",
    "Section001",
    "Section002",
)
DRAWN_IN_MAKE_TEST = 1  # drawn lessons that build every scene here; the sweep draws more


def scene_by_name(name: str) -> type:
    import importlib

    from scenes import LECTURE, scene_class
    from scenes.outline import DECK_MODULE, DECK_SCENES

    if name in DECK_SCENES:
        return getattr(importlib.import_module(DECK_MODULE), name)
    assert name in {s.name for s in LECTURE}
    return scene_class(name)


def test_the_scene_list_is_the_lecture_and_the_deck() -> None:
    from scenes import LECTURE
    from scenes.outline import DECK_SCENES

    assert set(ALL_SCENES) == {s.name for s in LECTURE} | set(DECK_SCENES)


# --- check: what the space is -------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lesson_tables())
def test_check_accepts_every_drawn_lesson(tmp_path_factory, raw: dict[str, Any]) -> None:
    path = write_lesson(raw, tmp_path_factory.mktemp("drawn"))
    lesson = load_lesson(path)
    assert 1 <= lesson.T <= LIMITS["T"]
    assert lesson.task == raw["task"] and lesson.loss == raw["loss"]
    bp = lesson.backprop()
    assert np.isfinite(bp.loss) and np.isfinite(bp.grads.global_norm())
    if lesson.task == "one_to_many":
        assert not lesson.xs[1:].any() and lesson.input_mask.tolist() == [True] + [False] * (
            lesson.T - 1
        )


def _loads_or_says(raw: dict[str, Any], folder: Path) -> str:
    path = write_lesson(raw, folder)
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


def test_a_one_class_softmax_is_refused_with_the_reason(tmp_path: Path) -> None:
    raw = json.loads(json.dumps(EDGE_LESSONS["one_step"]))
    raw["network"]["n_out"] = 1
    raw["data"]["targets"] = [0]
    assert "cross_entropy needs at least 2 classes" in _loads_or_says(raw, tmp_path)
    raw["loss"] = "mse"
    raw["data"]["targets"] = [[0.5]]
    assert load_lesson(write_lesson(raw, tmp_path)).params.n_out == 1


def test_one_to_many_takes_one_input(tmp_path: Path) -> None:
    raw = json.loads(json.dumps(EDGE_LESSONS["one_to_many"]))
    raw["data"]["xs"][3] = [0.0, 1.0, 0.0]
    assert "x(4) = [0.0, 1.0, 0.0]" in _loads_or_says(raw, tmp_path)
    raw["data"]["xs"] = raw["data"]["xs"][:1]  # one row: the steps come from the targets
    lesson = load_lesson(write_lesson(raw, tmp_path))
    assert len(raw["data"]["targets"]) == lesson.T and not lesson.xs[1:].any()


# --- every scene builds -------------------------------------------------------------


def _build_all(
    raw: dict[str, Any], tmp: Path, media: Path, scenes: tuple[str, ...] = ALL_SCENES
) -> dict[str, str]:
    """Build every scene (or ``scenes``) for ``raw``; the failures as {scene: one line}."""
    path = write_lesson(raw, tmp)
    load_lesson(path)  # check accepts it
    failures = {}
    for name in scenes:
        try:
            scene = build_scene(_in_frame(scene_by_name(name)), path, tmp, media)
        except Exception as e:  # every scene is tried; all failures are reported
            failures[name] = f"{type(e).__name__}: {e}".splitlines()[0][:200]
            continue
        assert scene.lesson.source == str(path), name
        if scene.outside:  # drawn off the frame or against its edge
            failures[name] = "; ".join(scene.outside[:3])[:300]
    return failures


def _in_frame(base: type) -> type:
    """``base``, noting at every slide's end what is drawn off the frame or over the
    title line (``.outside``)."""

    class InFrame(SlideRecorder, base):  # type: ignore[misc, valid-type]
        outside: list[str]

        def setup(self) -> None:
            super().setup()
            self.outside = []

        def at_slide_end(self, slide: int) -> None:
            drawn = self.mobjects
            found = outside_the_frame(drawn) + over_the_title_line(
                drawn, self.title, self.weights_tag
            )
            self.outside += [f"slide {slide}: {o}" for o in found]

    InFrame.__name__ = base.__name__  # the scene's own name (records, logs)
    return InFrame


def test_the_title_line_check_can_fail() -> None:
    from manim import Square, Text

    title = Text("A title").move_to([0.0, 3.4, 0.0])
    low, high = Square(0.4).move_to([0.0, 0.0, 0.0]), Square(0.4).move_to([0.5, 3.3, 0.0])
    assert over_the_title_line([title, low], title, None) == []
    assert len(over_the_title_line([title, low, high], title, None)) == 1


class _LessonBuilds:
    lesson: str

    def test_every_scene_builds(self, tmp_path: Path, tmp_path_factory) -> None:
        failures = _build_all(EDGE_LESSONS[self.lesson], tmp_path, media_dir(tmp_path_factory))
        assert not failures, failures


class TestSmallestOneStep(_LessonBuilds):
    lesson = "smallest_one_step"  # 1 input, 1 hidden, 1 output, T = 1, mse


class TestManyToOne(_LessonBuilds):
    lesson = "many_to_one"


class TestOneToManyMse(_LessonBuilds):
    lesson = "one_to_many_mse"


class TestLargest(_LessonBuilds):
    lesson = "largest"  # every size at its LIMITS


class TestDrawn:
    @settings(
        max_examples=DRAWN_IN_MAKE_TEST,
        derandomize=True,  # a fixed sample: the same lessons on every run
        database=None,
        phases=[Phase.generate],  # no shrinking: a failure names its lesson, and each try
        # rebuilds 14 scenes (minutes); bench/sweep_lessons.py reruns a lesson alone
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(raw=lesson_tables())
    def test_every_scene_builds_for_a_drawn_lesson(
        self, tmp_path_factory, raw: dict[str, Any]
    ) -> None:
        tmp = tmp_path_factory.mktemp("drawn")
        failures = _build_all(raw, tmp, media_dir(tmp_path_factory))
        assert not failures, (failures, raw)
