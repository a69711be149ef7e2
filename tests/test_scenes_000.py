"""Article 000's scenes construct for the default and a custom lesson and show core numbers."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
import pytest
from _notes import check_notes
from _scenes import build_scene, media_dir
from manim import Text

from rnncore import (
    ORDER_ANSWERS,
    ORDER_WORDS,
    bidirectional,
    default_lesson,
    dense_forward,
    dense_mapping_demo,
    forward,
    load_lesson,
    load_weather,
    order_demo,
    seq2seq,
    steps_for,
    task_run,
)
from rnncore.intro import cosine, semantic_demo
from scenes import scene_class
from scenes.base import LESSON_ENV
from scenes.mobjects import fmt
from scenes.word_order import GRAMMAR

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


def _all_notes(scene) -> list[str]:
    """Every slide's notes, the last one too (manim-slides adds it only when saving)."""
    return [*_notes(scene), scene._base_slide_config.notes]


def test_registered_in_lecture_order() -> None:
    from scenes import scene_names

    names = scene_names()
    ours = ["WhyHard", "Mapping", "WhyRNN", "SequenceData", "TaskTypes"]
    assert names[:5] == ours


def assert_lecture_notes(notes: list[str]) -> None:
    """Every slide's notes point, read out, ask ONE question and lead on (tests/_notes.py),
    after the sentence or two the slide teaches."""
    check_notes(notes)
    assert all(n.index("Point at:") > 0 for n in notes)  # something is taught first


def _cell_text(cell) -> str:
    return cell[1].original_text


def test_why_hard(tmp_path: Path, media: Path) -> None:
    """Default lesson only (the lesson space builds it for the corner lessons)."""
    lesson = default_lesson()
    scene = build_scene(scene_class("WhyHard"), None, tmp_path, media)
    T, H = lesson.T, lesson.params.n_hidden
    table = scene.chain_table
    assert sorted(table.cells) == [(s, t) for s in range(T) for t in range(s + 1)]
    for (s, t), cell in table.cells.items():
        assert _cell_text(cell) == str(s - t)  # Jacobians from L(s) back to h(t)
    drawn = " ".join(m.original_text for m in scene.chain_summary)
    products, jacobians = T * (T + 1) // 2, sum(s - t for s in range(T) for t in range(s + 1))
    assert f"{products} products" in drawn and f"{jacobians} Jacobians of {H} × {H}" in drawn
    p = lesson.params
    count = p.U.size + p.W.size + p.V.size + p.b.size + p.c.size
    assert scene.parameter_count == count
    notes = _all_notes(scene)
    assert len(notes) == 3
    assert f"{products} products" in notes[1] and f"{100 * 101 // 2} products" in notes[1]
    assert f"{count} numbers" in notes[2]
    assert_lecture_notes(notes)
    _assert_inside_frame(scene)


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
    demo = semantic_demo()
    view = scene.semantic_view
    for strip, vector in zip(view.strips, demo.semantic, strict=True):
        assert _shows(strip, vector)
    drawn = [m.original_text for m in view.table]
    for a, b in ((0, 1), (0, 2)):
        assert fmt(cosine(demo.pictures[a], demo.pictures[b])) in drawn
        assert fmt(cosine(demo.semantic[a], demo.semantic[b])) in drawn
    notes = _all_notes(scene)
    assert len(notes) == 6
    assert_lecture_notes(notes)
    assert all(fmt(v) in notes[2] for v in y_hat) and fmt(trace.y_hat[-1][0]) in notes[5]
    _assert_inside_frame(scene)


def _outline(mob) -> list[np.ndarray]:
    """Each glyph of a Text as points sampled along its curves, the Text at unit width."""
    glyphs = [g.points[:, :2] for g in mob.family_members_with_points()]
    every = np.concatenate(glyphs)
    lo, width = every.min(axis=0), max(np.ptp(every[:, 0]), 1e-9)
    t = np.linspace(0.0, 1.0, 33)[:, None, None]
    out = []
    for pts in glyphs:
        p = ((pts - lo) / width).reshape(-1, 4, 2)  # cubic Bezier segments
        curve = (
            (1 - t) ** 3 * p[:, 0] + 3 * (1 - t) ** 2 * t * p[:, 1]
            + 3 * (1 - t) * t**2 * p[:, 2] + t**3 * p[:, 3]
        )  # fmt: skip
        out.append(curve.reshape(-1, 2))
    return out


def _reads(mob, text: str) -> bool:
    """Does the drawn Text ``mob`` show ``text``? Its glyphs against a fresh Text's.

    (A VectorStrip refills its number Texts with ``become``, which keeps the first
    string in ``original_text`` and resamples the curves: the glyph shapes are what
    is drawn.) Glyph by glyph, every sampled point lies near the other outline.
    """
    ref, got = _reference(text), _outline(mob)
    if len(ref) != len(got):
        return False
    for r, g in zip(ref, got, strict=True):
        d = np.linalg.norm(r[:, None, :] - g[None, :, :], axis=2)  # (n_r, n_g)
        if max(d.min(axis=0).max(), d.min(axis=1).max()) > 0.01:
            return False
    return True


@functools.cache
def _reference(text: str) -> list[np.ndarray]:
    return _outline(Text(text, font_size=24))


def _shows(strip, values: np.ndarray) -> bool:
    """Does each cell of ``strip`` draw its value of ``values`` (2 decimals)?"""
    return len(strip.numbers) == len(values) and all(
        _reads(num, fmt(v)) for num, v in zip(strip.numbers, values, strict=True)
    )


def test_why_rnn_shuffle_claims(lesson_env, tmp_path: Path, media: Path) -> None:
    """The order demo: answers that differ, an order-blind DCL, a trained RNN right on both."""
    scene = _render("WhyRNN", tmp_path, media)
    demo = order_demo(dense_hidden=4)  # independent of the lesson
    first, second = demo.sentences
    answers = [ORDER_ANSWERS.index(words[0]) for words in demo.sentences]  # the subject
    assert answers[0] != answers[1] and sorted(first) == sorted(second)
    # the words as drawn one-hot columns, and the correct answer of each order on screen
    for k, words in enumerate(demo.sentences):
        columns = scene.word_columns[k]
        assert [w.original_text for w in columns.words] == list(words)
        for t, strip in enumerate(columns.strips):
            assert _shows(strip, np.eye(3)[ORDER_WORDS.index(words[t])])
        for out in (scene.bag_outputs[k], scene.rnn_outputs[k]):
            assert out.verdict[0].original_text == f"correct: {words[0]}"
            np.testing.assert_allclose(
                out.frame.get_center(), out.strip.cell(answers[k]).get_center(), atol=1e-9
            )
    # the bag-of-words DCL: the same drawn sum and the same drawn output for both orders
    bags = [xs.sum(axis=0) for xs in demo.xs]  # recomputed: the counts of each word
    np.testing.assert_array_equal(bags[0], bags[1])
    assert all(_shows(strip, bags[0]) for strip in scene.bag_strips)
    bag_out = dense_forward(demo.bag_dcl, bags[1]).y_hat
    assert all(_shows(o.strip, bag_out) for o in scene.bag_outputs)
    assert sum(o.verdict_text.endswith("right") for o in scene.bag_outputs) <= 1
    # the flattened-input DCL with each word's weights moved: the same output
    assert _shows(scene.dense_before, demo.shuffle.dense_out)
    assert _shows(scene.dense_after, demo.shuffle.dense_out)
    np.testing.assert_allclose(scene.dense_after.values, scene.dense_before.values, atol=1e-12)
    # the trained RNN: different drawn outputs, each the core's, both right
    params = demo.rnn_run.params
    rnn = [forward(params, xs).y_hat[-1] for xs in demo.xs]
    for k, out in enumerate(scene.rnn_outputs):
        assert _shows(out.strip, rnn[k])
        assert not _shows(out.strip, rnn[1 - k])  # the two orders draw different numbers
        assert int(np.argmax(rnn[k])) == answers[k]
        assert out.verdict[1].original_text == f"says {ORDER_ANSWERS[answers[k]]}: right"
    # the notes read out the core's numbers and answer the objection
    notes = _all_notes(scene)
    assert len(notes) == 7
    assert_lecture_notes(notes)
    order_notes = " ".join([*notes[3:5], notes[6]])
    for v in (*demo.bag_out[0], *demo.shuffle.dense_out, *rnn[0], *rnn[1]):
        assert fmt(v) in order_notes
    assert fmt(demo.rnn_run.loss[0]) in notes[6] and fmt(demo.rnn_run.loss[-1]) in notes[6]
    assert "position i+1" in notes[4] and "fixed" in notes[4]
    assert "not the lesson" in notes[6]
    # 'cat, cat, dog': each picture's answer is its own class, so the orders only permute
    orders = [[s.values for s in strips] for strips in scene.classified.outputs]
    assert sorted(map(tuple, orders[0])) == sorted(map(tuple, orders[1]))
    assert [tuple(v) for v in orders[0]] != [tuple(v) for v in orders[1]]
    assert "'cat, cat, dog'" in notes[2]
    # the grammar remark: the Japanese sentence in Japanese script, the German verb second
    words = {m.original_text for m in scene.grammar.get_family() if isinstance(m, Text)}
    assert {"犬が", "男を", "噛んだ"} <= words
    german = next(g for g in GRAMMAR if g[0] == "German")
    assert german[2].index("beißt") == german[3].index("beißt") == 1
    assert "dependency grammar" in notes[5] and "phrase structure" in notes[5]
    _assert_inside_frame(scene)


def test_sequence_data(lesson_env, tmp_path: Path, media: Path) -> None:
    scene = _render("SequenceData", tmp_path, media)
    w = load_weather()
    assert w.values.shape == (w.T, 4)
    for t, column in zip(scene.window, scene.columns, strict=True):
        np.testing.assert_array_equal(column.values, w.values[t])
    assert len(scene.step_labels) == len(scene.columns)
    assert_lecture_notes(_all_notes(scene))
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
    assert_lecture_notes(_all_notes(scene))
    assert scene.caveat.original_text == "(these charts are simplified: not 100% correct)"
    _assert_inside_frame(scene)
