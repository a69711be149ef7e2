"""TheLesson introduces the lesson from its file: read off the drawn text.

(manim's ``Text.text`` drops spaces and line breaks, so drawn text is compared
without them.)
"""

from __future__ import annotations

import pytest
from _lessons import EDGE_LESSONS, write_lesson
from test_scenes_bptt import _build

from rnncore import default_lesson, load_lesson
from rnncore.lesson_fit import train_lesson
from rnncore.lesson_io import lesson_tables, toml_text
from scenes import LECTURE
from scenes.lesson_intro import task_words, weights_words


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return _build("scenes.lesson_intro.TheLesson", "default", tmp_path_factory)


@pytest.fixture(scope="module")
def many_to_one(tmp_path_factory):
    path = write_lesson(EDGE_LESSONS["many_to_one"], tmp_path_factory.mktemp("m2o"))
    text = toml_text(lesson_tables(load_lesson(path)))  # _build takes a TOML lesson
    return _build("scenes.lesson_intro.TheLesson", "many_to_one", tmp_path_factory, text)


def test_it_comes_right_before_the_rnn_scenes() -> None:
    names = [s.name for s in LECTURE]
    assert names.index("TheLesson") == names.index("SimpleRNNNeurons") - 1


def test_fits_the_frame(default, many_to_one) -> None:
    assert default.overflow == [] and many_to_one.overflow == []


def test_the_default_lesson_says_what_it_is(default) -> None:
    lesson = default.lesson
    assert "even or odd" in lesson.description
    assert default.description.text == squeeze(lesson.description)
    facts = [m.text for m in default.facts]
    assert facts[1:] == [squeeze(f) for f in (*task_words(lesson), weights_words(lesson))]
    assert weights_words(lesson) == "weights: given in the lesson file; not trained"


def test_the_sequence_table_is_the_lessons(default) -> None:
    lesson = default.lesson
    texts = [m.text for m in default.table]
    row = texts.index("targety(t)") + 1
    assert texts[row : row + lesson.T] == [lesson.output_labels[int(k)] for k in lesson.targets]
    row = texts.index("input") + 1
    assert texts[row : row + lesson.T] == list(lesson.step_labels)


def test_many_to_one_marks_the_steps_without_a_loss(many_to_one) -> None:
    lesson = many_to_one.lesson
    texts = [m.text for m in many_to_one.table]
    row = texts.index("loss") + 1
    assert texts[row : row + lesson.T] == ["–"] * (lesson.T - 1) + [f"L({lesson.T})"]


def test_where_the_weights_come_from(tmp_path) -> None:
    lesson = default_lesson()
    seeded = load_lesson(write_lesson(EDGE_LESSONS["many_to_one"], tmp_path))
    assert seeded.given_weights == ()
    assert weights_words(seeded) == (
        f"weights: random, uniform in ±{seeded.scale:g} (seed {seeded.seed}); not trained"
    )
    trained = train_lesson(lesson, epochs=5).lesson
    words = weights_words(trained)
    assert words.startswith("weights: trained for 5 epochs (lr 0.2), final loss ")
    assert words.endswith(f"accuracy {100 * trained.trained.final_accuracy:.0f}%")


def test_notes_point_read_ask_and_lead_on(default, many_to_one) -> None:
    from _notes import check_notes

    for scene in (default, many_to_one):
        check_notes(scene.notes_log)
        p = scene.lesson.params
        assert f"{p.n_in} inputs, {p.n_hidden} hidden units" in scene.notes_log[0]
