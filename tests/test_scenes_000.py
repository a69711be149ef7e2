"""Article 000's scenes construct for the default and a custom lesson and show core numbers."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from _scenes import build_scene, media_dir

from rnncore import (
    bidirectional,
    default_lesson,
    dense_mapping_demo,
    forward,
    load_lesson,
    load_weather,
    seq2seq,
    shuffle_demo,
    steps_for,
    task_run,
)
from scenes import scene_class
from scenes.base import LESSON_ENV

FRAME_X, FRAME_Y = 7.1, 4.0  # half of manim's 14.2 x 8 frame
SLACK = 0.3  # the 0.4 margin, less a little for stroke widths

CUSTOM_TOML = """
name = "Custom"
[network]
n_in = 3
n_hidden = 5
n_out = 2
seed = 4
[data]
xs = [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]
targets = [1, 1, 0, 0, 1, 1]
"""


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return media_dir(tmp_path_factory)


@pytest.fixture(params=["default", "custom"])
def lesson_env(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run a scene on the default lesson or on a 6-step, 5-hidden lesson; yield the lesson."""
    if request.param == "default":
        monkeypatch.delenv(LESSON_ENV, raising=False)
        yield default_lesson()
    else:
        path = tmp_path / "custom.toml"
        path.write_text(CUSTOM_TOML, encoding="utf-8")
        monkeypatch.setenv(LESSON_ENV, str(path))
        lesson = load_lesson(path)
        assert (lesson.T, lesson.params.n_hidden) == (6, 5)
        yield lesson


def _render(name: str, tmp_path: Path, media: Path):
    """Construct scene ``name`` for the lesson ``lesson_env`` chose, encoding nothing."""
    lesson = os.environ.get(LESSON_ENV)
    return build_scene(scene_class(name), Path(lesson) if lesson else None, tmp_path, media)


def _assert_inside_frame(scene) -> None:
    """Everything left on stage at the end lies inside the frame, with a margin."""
    for mob in scene.mobjects:
        if mob.width == 0 and mob.height == 0:
            continue
        left, right = mob.get_left()[0], mob.get_right()[0]
        bottom, top = mob.get_bottom()[1], mob.get_top()[1]
        assert left >= -FRAME_X + SLACK and right <= FRAME_X - SLACK, (type(mob), left, right)
        assert bottom >= -FRAME_Y + SLACK and top <= FRAME_Y - SLACK, (type(mob), bottom, top)


def _notes(scene) -> list[str]:
    return [s.notes for s in scene._slides]


def test_registered_in_lecture_order() -> None:
    from scenes import scene_names

    names = scene_names()
    ours = ["Mapping", "WhyRNN", "SequenceData", "TaskTypes"]
    assert names[:4] == ours


def test_mapping(lesson_env, tmp_path: Path, media: Path) -> None:
    lesson = lesson_env
    scene = _render("Mapping", tmp_path, media)
    _, x, y_hat = dense_mapping_demo((4, 5, 3), seed=lesson.seed)
    np.testing.assert_array_equal(scene.dense_input.values, x)
    np.testing.assert_array_equal(scene.dense_output.values, y_hat)
    trace = forward(lesson.params, lesson.xs, lesson.h0)
    assert len(scene.rnn_inputs) == len(scene.rnn_outputs) == lesson.T
    for t in range(lesson.T):
        np.testing.assert_array_equal(scene.rnn_inputs[t].values, trace.xs[t])
        np.testing.assert_allclose(scene.rnn_outputs[t].values, trace.y_hat[t])
    assert all(n.strip() for n in _notes(scene))
    _assert_inside_frame(scene)


def test_why_rnn_shuffle_claims(lesson_env, tmp_path: Path, media: Path) -> None:
    lesson = lesson_env
    scene = _render("WhyRNN", tmp_path, media)
    demo = shuffle_demo(lesson.params, lesson.xs, lesson.h0, dense_hidden=4, seed=lesson.seed)
    np.testing.assert_array_equal(scene.demo.perm, demo.perm)
    # the DCL: the same output before and after the consistent shuffle (what is on screen)
    np.testing.assert_allclose(scene.dense_after.values, scene.dense_before.values, atol=1e-12)
    np.testing.assert_array_equal(scene.dense_before.values, demo.dense_out)
    # the RNN: the shuffled sequence gives a different output
    before, after = (s.values for s in scene.rnn_strips)
    np.testing.assert_array_equal(before, forward(lesson.params, lesson.xs, lesson.h0).y_hat[-1])
    shuffled = lesson.xs[demo.perm]
    np.testing.assert_array_equal(after, forward(lesson.params, shuffled, lesson.h0).y_hat[-1])
    assert np.max(np.abs(before - after)) > 1e-3
    assert not np.array_equal(shuffled, lesson.xs)
    _assert_inside_frame(scene)


def test_sequence_data(lesson_env, tmp_path: Path, media: Path) -> None:
    scene = _render("SequenceData", tmp_path, media)
    w = load_weather()
    assert w.values.shape == (w.T, 4)
    for t, column in zip(scene.window, scene.columns, strict=True):
        np.testing.assert_array_equal(column.values, w.values[t])
    assert len(scene.step_labels) == len(scene.columns)
    _assert_inside_frame(scene)


def test_task_types(lesson_env, tmp_path: Path, media: Path) -> None:
    lesson = lesson_env
    scene = _render("TaskTypes", tmp_path, media)
    p, xs, y, h0 = lesson.params, lesson.xs, lesson.targets, lesson.h0
    m2o = task_run(p, xs, y, "many_to_one", h0)
    np.testing.assert_array_equal(scene.shown["many_to_one"]["y_hat"], m2o.trace.y_hat[-1])
    assert scene.shown["many_to_one"]["loss"] == pytest.approx(m2o.backprop.losses[-1])
    o2m = task_run(p, xs, y, "one_to_many", h0)
    for shown, expected in zip(scene.shown["one_to_many"], o2m.trace.y_hat, strict=True):
        np.testing.assert_array_equal(shown, expected)
    m2m = task_run(p, xs, y, "many_to_many", h0)
    np.testing.assert_array_equal(scene.shown["many_to_many"]["losses"], m2m.backprop.losses)
    s2s = seq2seq(p, xs, 4, h0=h0)
    np.testing.assert_array_equal(scene.shown["seq2seq"]["context"], forward(p, xs, h0).h[-1])
    np.testing.assert_array_equal(scene.shown["seq2seq"]["context"], s2s.context)
    assert scene.shown["ctc"]["collapsed"] == "hello"
    assert scene.shown["ctc"]["merged"] == "hel-lo"
    bi = scene.shown["bidirectional"]
    t = bi["t"]
    np.testing.assert_array_equal(bi["forward"], forward(p, xs, h0).h[t])
    np.testing.assert_array_equal(bi["backward"], forward(p, xs[::-1], h0).h[::-1][t])
    np.testing.assert_array_equal(bi["backward"], bidirectional(p, xs, h0=h0).h_backward[t])
    notes = " ".join(_notes(scene))
    assert str(steps_for(96, 10)) in notes and "574" in notes  # the typo is named, not used
    _assert_inside_frame(scene)
