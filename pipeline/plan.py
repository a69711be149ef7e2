"""What a command renders: the scenes, the videos it keeps, the decks; and its inputs.

A ``Plan`` lists the scenes to render (in order), the videos to keep and the decks to
convert. ``video_plan``, ``slides_plan`` and ``lecture_plan`` make the plans of the
three rendering verbs. The checks here run before anything is written: an unknown
scene or a lesson that does not load is one ``CliError`` line (exit 2). The lesson
reaches the scenes through the environment (``child_env``): ``scenes.base`` reads
``RNN_LECTURE_LESSON`` and ``RNN_LECTURE_SEED``.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.cache import tex_cache_dir
from pipeline.run import CliError
from rnncore import Lesson, LessonError, default_lesson, load_lesson
from scenes import LECTURE
from scenes.outline import DECK_MODULE, DECK_SCENES, deck_order

__all__ = [
    "DECK_FORMATS",
    "DECK_TITLE",
    "LECTURE_DECK",
    "LESSON_ENV",
    "PROG",
    "QUALITIES",
    "RECORD_ENV",
    "SEED_ENV",
    "Deck",
    "Plan",
    "check_lesson",
    "check_scenes",
    "child_env",
    "chosen_lesson",
    "known_scenes",
    "lecture_plan",
    "lecture_scenes",
    "scene_file",
    "scene_module",
    "slides_plan",
    "video_plan",
]

PROG = "render.py"  # how error lines name the command (the console script: rnn-lecture)
QUALITIES = {"low": "l", "medium": "m", "high": "h", "4k": "k"}  # manim's -q letters
DECK_FORMATS = ("html", "pptx", "pdf")
LECTURE_DECK = "lecture"  # out/lecture.html, .pptx, .pdf
DECK_TITLE = "Recurrent neural networks"
# How the lesson reaches the scenes (scenes.base reads them; not imported: it loads manim).
LESSON_ENV = "RNN_LECTURE_LESSON"
SEED_ENV = "RNN_LECTURE_SEED"
RECORD_ENV = "RNN_LECTURE_RECORD"  # scenes.record: where a scene notes the lesson fields it read
TEX_CACHE_ENV = "RNN_LECTURE_TEX_CACHE"  # scenes.manim_fixes: compiled TeX shared by renders


@dataclass(frozen=True)
class Deck:
    """One slide deck: its path under --out without suffix, its scenes in order."""

    name: str  # "slides/ForwardPropagation" or "lecture"
    scenes: tuple[str, ...]
    formats: tuple[str, ...]
    title: str = DECK_TITLE


@dataclass(frozen=True)
class Plan:
    """Everything one command renders: scenes (in order), which videos it keeps, its decks."""

    scenes: tuple[str, ...]
    videos: tuple[str, ...] = ()
    decks: tuple[Deck, ...] = ()


def video_plan(scenes: Sequence[str]) -> Plan:
    """``video``: each scene rendered, each video kept."""
    return Plan(scenes=tuple(scenes), videos=tuple(scenes))


def slides_plan(scenes: Sequence[str], formats: Sequence[str]) -> Plan:
    """``slides``: one deck per scene, in each of ``formats``; no video kept."""
    decks = tuple(Deck(f"slides/{s}", (s,), tuple(formats), f"{DECK_TITLE}: {s}") for s in scenes)
    return Plan(scenes=tuple(scenes), decks=decks)


def lecture_plan(scenes: Sequence[str] | None = None) -> Plan:
    """Title slide, a section slide before each article, the scenes; one deck per format.

    ``scenes`` restricts the lecture to those scenes (kept in lecture order).
    """
    chosen = [info for info in LECTURE if scenes is None or info.name in scenes]
    order = tuple(deck_order(chosen))
    names = tuple(info.name for info in chosen)
    return Plan(scenes=order, videos=names, decks=(Deck(LECTURE_DECK, order, DECK_FORMATS),))


def lecture_scenes() -> list[str]:
    """The lecture's scenes, in order (no title or section slides)."""
    return [info.name for info in LECTURE]


def known_scenes() -> list[str]:
    """Every scene a command can name: the lecture's, then the deck's own slides."""
    return lecture_scenes() + list(DECK_SCENES)


def check_scenes(names: Sequence[str], allowed: Sequence[str]) -> list[str]:
    """``names`` without duplicates, in the order given; all of them when empty."""
    unknown = [n for n in names if n not in allowed]
    if unknown:  # one line however many scenes the lecture has: the closest names only
        close = difflib.get_close_matches(unknown[0], allowed, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise CliError(
            f"unknown scene {unknown[0]!r}{hint} (this command takes {len(allowed)} scenes,"
            f" {allowed[0]} to {allowed[-1]}: see `{PROG} list`)"
        )
    return list(dict.fromkeys(names)) or list(allowed)


def check_lesson(config: Path | None, seed: int | None) -> dict[str, str]:
    """Validate the lesson now; return the environment that passes it to the scenes."""
    env: dict[str, str] = {}
    if config is not None:
        try:
            load_lesson(config, seed=seed)
        except LessonError as e:
            raise CliError(str(e)) from None
        env[LESSON_ENV] = str(config.resolve())
    if seed is not None:
        env[SEED_ENV] = str(seed)
        if config is None:  # the default lesson with another seed must load too
            try:
                load_lesson(default_lesson().source, seed=seed)
            except LessonError as e:
                raise CliError(str(e)) from None
    return env


def chosen_lesson(config: Path | None, seed: int | None) -> Lesson:
    """The lesson the scenes will draw (``check_lesson`` has validated it)."""
    if config is not None:
        return load_lesson(config, seed=seed)
    lesson = default_lesson()
    return lesson if seed is None else load_lesson(lesson.source, seed=seed)


def scene_module(name: str) -> str:
    """The module that holds scene ``name`` (a lecture scene or a deck slide)."""
    return DECK_MODULE if name in DECK_SCENES else {s.name: s.module for s in LECTURE}[name]


def scene_file(name: str) -> Path:
    """The source file of a scene's module, found without importing it."""
    module = scene_module(name)
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise CliError(f"scene {name}: module {module} not found", code=1)
    return Path(spec.origin)


def child_env(lesson_env: dict[str, str]) -> dict[str, str]:
    """The environment of a scene's subprocess: ours, the lesson's, our packages found."""
    env = {k: v for k, v in os.environ.items() if k not in (LESSON_ENV, SEED_ENV)}
    env.update(lesson_env)
    package_root = str(Path(importlib.util.find_spec("scenes").origin).parent.parent)  # type: ignore[union-attr, arg-type]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    env.setdefault(TEX_CACHE_ENV, str(tex_cache_dir()))
    env["MANIM_SLIDES_VERBOSITY"] = "warning"
    env["PYTHONUNBUFFERED"] = "1"
    return env
