"""Each task type is drawn as what it is, not as many-to-many with pieces missing.

- one-to-many: one input, at the first step; no x(t) strip and no U arrow after it;
- many-to-one: one loss, at the last step; every other L(t) cell is marked "–"
  and the outputs nobody compares are drawn dim;
- mse: the targets y(t) as a row of their own, with the lesson's values;
- cross-entropy: the target class of every step with a loss framed in y_hat(t).

Read off the mobjects of ``UnrolledRNN`` (what is drawn), built from the core's
numbers for the named corner lessons of ``_lessons``.
"""

from __future__ import annotations

import numpy as np
import pytest
from _lessons import EDGE_LESSONS, write_lesson
from _scenes import build_scene, media_dir
from manim import ManimColor, tempconfig

from rnncore import Lesson, load_lesson
from scenes.grammar import MEANING
from scenes.mobjects import NONE_MARK, UnrolledRNN, fmt


@pytest.fixture(scope="module", autouse=True)
def _media_in_tmp(tmp_path_factory):
    with tempconfig({"media_dir": str(media_dir(tmp_path_factory)), "verbosity": "ERROR"}):
        yield


def lesson(name: str, tmp_path_factory) -> Lesson:
    return load_lesson(write_lesson(EDGE_LESSONS[name], tmp_path_factory.mktemp(name)))


def view_of(les: Lesson) -> UnrolledRNN:
    return UnrolledRNN(
        les.trace(),
        les.params,
        les.backprop().losses,
        loss_mask=les.loss_mask,
        input_mask=les.input_mask,
        targets=les.targets,
    )


def _hex(color) -> str:
    return ManimColor(color).to_hex().lower()


def test_one_to_many_has_its_single_input(tmp_path_factory) -> None:
    les = lesson("one_to_many", tmp_path_factory)
    view = view_of(les)
    assert sorted(view.x) == [0] and sorted(view.u_arrow) == [0] and sorted(view.u_label) == [0]
    assert view.x[0].shown_numbers() == [fmt(v) for v in les.xs[0]]
    assert all(t in view.h and t in view.loss for t in range(les.T))  # the rest is there


def test_many_to_one_has_one_loss_and_marks_the_others(tmp_path_factory) -> None:
    les = lesson("many_to_one", tmp_path_factory)
    view = view_of(les)
    T = les.T
    assert len(view.none_marks) == T - 1
    assert all(m.original_text == NONE_MARK for m in view.none_marks)
    for t in range(T - 1):
        assert view.loss[t].shown_numbers() == [""]
        assert np.allclose(view.none_marks[t].get_center(), view.loss[t].get_center())
        for row in ("o", "y_hat", "loss"):  # nothing compares these outputs: dim
            assert _hex(getattr(view, row)[t].shapes[0].get_stroke_color()) == _hex(
                MEANING.neutral.color
            )
    assert view.loss[T - 1].shown_numbers() == [fmt(les.backprop().losses[T - 1])]
    assert sorted(view.target_frames) == [T - 1]  # only the step with a loss has a target


def test_mse_shows_its_targets_and_no_softmax(tmp_path_factory) -> None:
    les = lesson("mse", tmp_path_factory)
    view = view_of(les)
    assert "y" in view.rows and "y_hat" not in view.rows
    assert view.rows.index("y") > view.rows.index("loss")  # the target sits above L(t)
    for t in range(les.T):
        assert view.y[t].shown_numbers() == [fmt(v) for v in les.targets[t]]
        assert view.loss[t].shown_numbers() == [fmt(les.backprop().losses[t])]
        assert ("y", t) in view.flow_arrows  # L(t) compares o(t) with y(t)
    assert not view.target_frames


def test_cross_entropy_frames_the_target_class(tmp_path_factory) -> None:
    les = lesson("one_to_many", tmp_path_factory)
    view = view_of(les)
    assert "y" not in view.rows
    for t in range(les.T):
        cell = view.y_hat[t].cell(int(les.targets[t]))
        assert np.allclose(view.target_frames[t].get_center(), cell.get_center())
        assert view.target_frames[t].width > cell.width


@pytest.mark.parametrize("name", ["many_to_one", "one_to_many_mse"])
def test_forward_propagation_shows_the_step_that_matters(name, tmp_path_factory) -> None:
    from scenes.forward import ForwardPropagation

    tmp = tmp_path_factory.mktemp(f"fp-{name}")
    path = write_lesson(EDGE_LESSONS[name], tmp)
    scene = build_scene(ForwardPropagation, path, tmp, media_dir(tmp_path_factory))
    les = scene.lesson
    t = scene.detail_step()
    if les.task == "many_to_one":
        assert t == les.T - 1  # the step with the loss, shown with its numbers
        assert scene.panels["loss"].numbers["loss"] == les.backprop().losses[t]
    else:
        assert t == 1 and not les.input_mask[t]
        tex = "".join(m.get_tex_string() for m in scene.panels["hidden"].lines)
        assert "U" not in tex and "x_i" not in tex  # no input term at a step without input
        assert np.array_equal(scene.panels["loss"].numbers["y"], les.targets[t])
