"""Any text a lecturer types shows on screen as typed.

Labels and names go to manim's ``Text`` (Pango), never to LaTeX, so TeX specials
(``$ \\ { } % & _ # ^ ~``) are plain characters there; CJK text is drawn with a CJK
font (fontconfig falls back to one, Debian's ``fonts-noto-cjk``), not as boxes. The
scenes are built for a lesson whose name and labels hold both, and the strings of
their ``Text`` mobjects are read back.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest
from _scenes import build_scene, media_dir

from rnncore import default_lesson
from scenes import scene_class

SPECIAL = "$\\{}%&_#^~"  # every TeX special character
CJK_INPUT, CJK_OUTPUT, CJK_STEP = "日本語", "奇数", "昨日"
NAME = f"a {SPECIAL} lesson, {CJK_INPUT}"
INPUTS = [SPECIAL, CJK_INPUT, "c"]
OUTPUTS = [SPECIAL, CJK_OUTPUT]
STEPS = ["$\\{}", "%&_", "#^~", CJK_STEP, "a"]
DEFAULT_TOML = Path(__file__).resolve().parents[1] / "rnncore" / "lessons" / "default.toml"


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return media_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def lesson_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default lesson with TeX specials and CJK in its name and labels (JSON)."""
    raw = tomllib.loads(DEFAULT_TOML.read_text(encoding="utf-8"))
    raw["name"] = NAME
    raw["labels"] = {"inputs": INPUTS, "outputs": OUTPUTS, "steps": STEPS}
    path = tmp_path_factory.mktemp("text") / "typed.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def on_screen(scene) -> tuple[list[str], list[str]]:
    """The strings of every Text, and of every TeX part, on stage at the end."""
    from manim import SingleStringMathTex, Text

    texts, tex = [], []
    for mob in scene.mobjects:
        for part in mob.get_family():
            if isinstance(part, Text):
                texts.append(part.original_text)
            elif isinstance(part, SingleStringMathTex):
                tex.append(part.tex_string)
    return texts, tex


def test_the_typed_lesson_loads_with_its_labels(lesson_path: Path) -> None:
    from rnncore import load_lesson

    lesson = load_lesson(lesson_path)
    assert lesson.name == NAME
    assert (list(lesson.input_labels), list(lesson.output_labels)) == (INPUTS, OUTPUTS)
    assert list(lesson.step_labels) == STEPS


def test_tex_specials_and_cjk_labels_show_as_typed(
    lesson_path: Path, tmp_path: Path, media: Path
) -> None:
    """The neuron picture names inputs, outputs and the step it shows."""
    scene = build_scene(scene_class("SimpleRNNNeurons"), lesson_path, tmp_path, media)
    texts, tex = on_screen(scene)
    for label in (*INPUTS[:2], *OUTPUTS):
        assert label in texts, f"{label!r} not on screen as typed; Text strings: {texts}"
    assert any(text.endswith(f"input {STEPS[0]}") for text in texts), texts
    # none of it went through LaTeX (where it would be markup, or not compile)
    for typed in (SPECIAL, CJK_INPUT, CJK_OUTPUT, STEPS[0]):
        assert not any(typed in t for t in tex), (typed, tex)


def test_the_lesson_name_shows_as_typed_on_the_title_slide(
    lesson_path: Path, tmp_path: Path, media: Path
) -> None:
    from scenes.deck import LectureTitle

    scene = build_scene(LectureTitle, lesson_path, tmp_path, media)
    texts, _ = on_screen(scene)
    assert any(text.startswith(f"Lesson: {NAME}  ·") for text in texts), texts


def test_the_japanese_sentence_is_in_japanese_script() -> None:
    """WhyRNN writes the article's Japanese sentence in Japanese, one Text per part."""
    from scenes.diagrams import SentenceVectors
    from scenes.why_rnn import SENTENCES

    parts = dict((language, words) for language, words, _ in SENTENCES)["Japanese"]
    assert "".join(parts) == "昨日私はりんごを食べました"
    sentence = SentenceVectors(parts)
    assert [p.original_text for p in sentence.parts] == list(parts)


def characters_without_a_font(text: str) -> list[str]:
    """The characters of ``text`` that no installed font has a glyph for (fontconfig)."""
    missing = []
    for char in sorted(set(text) - {" "}):
        found = subprocess.run(
            ["fc-list", f":charset={ord(char):x}", "family"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if not found.strip():
            missing.append(f"{char} (U+{ord(char):04X})")
    return missing


def test_every_typed_character_has_a_glyph_not_a_box() -> None:
    """Pango draws a box for a character no font has; fonts-noto-cjk covers these."""
    from scenes.why_rnn import SENTENCES

    typed = NAME + "".join(INPUTS + OUTPUTS + STEPS)
    typed += "".join("".join(words) for _, words, _ in SENTENCES)
    assert characters_without_a_font(typed) == []


def test_the_glyph_check_can_fail() -> None:
    """A private-use character has no glyph in any font: the check above would say so."""
    assert characters_without_a_font("a\ue000") == ["\ue000 (U+E000)"]


@pytest.mark.parametrize("t", [0, 2], ids=["cjk-class", "tex-special-class"])
def test_class_names_in_the_loss_equation_show_as_typed(t: int, media: Path) -> None:
    """ForwardPropagation's loss panel names the target class (targets 1, 1, 0, ...)."""
    from manim import Text, tempconfig

    from scenes.mobjects import EquationPanel

    lesson = default_lesson()
    name = OUTPUTS[int(lesson.targets[t])]
    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        panel = EquationPanel.step_loss(
            lesson.trace(), lesson.backprop().losses, lesson.targets, t, class_names=OUTPUTS
        )
    shown = [m.original_text for m in panel.get_family() if isinstance(m, Text)]
    assert any(name in text for text in shown), shown
