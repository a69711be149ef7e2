"""Which lesson fields a scene reads while it is rendered: the key of its render cache.

When ``RNN_LECTURE_RECORD`` names a folder, ``LectureScene`` draws from a
``recording(lesson)`` copy of its lesson, which notes the name of every attribute
read on it (also inside rnncore's functions and the lesson's own methods, which read
through ``self``), and ``write_record(scene_name)`` saves the names of the dataclass
fields among them as ``<folder>/<scene_name>.json``. ``pipeline.cache`` keys a
finished render by the values of exactly those fields: a scene that never reads the
weights is not rendered again when a weight changes. (If every field a scene read
is unchanged, it reads the same fields again: the scenes are deterministic.)
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from rnncore import Lesson

__all__ = ["RECORD_ENV", "fields_read", "recording", "write_record"]

RECORD_ENV = "RNN_LECTURE_RECORD"
_READ: set[str] = set()  # attribute names read on recording lessons in this process


class _RecordingLesson(Lesson):
    """A Lesson that notes every attribute read on it."""

    def __getattribute__(self, name: str) -> Any:
        _READ.add(name)
        return super().__getattribute__(name)


def recording(lesson: Lesson) -> Lesson:
    """``lesson`` itself, or (when recording) a copy that notes what is read on it.

    The copy starts with an empty cache, so that a trace computed before (by
    ``load_lesson``'s checks) is computed again and its inputs are noted.
    """
    if not os.environ.get(RECORD_ENV):
        return lesson
    values = {f.name: getattr(lesson, f.name) for f in dataclasses.fields(lesson) if f.init}
    return _RecordingLesson(**{**values, "_cache": {}})


def fields_read() -> list[str]:
    """The lesson's dataclass fields read so far (the private cache left out)."""
    names = {f.name for f in dataclasses.fields(Lesson)} - {"_cache"}
    return sorted(_READ & names)


def write_record(scene_name: str) -> None:
    """Save ``fields_read()`` as ``$RNN_LECTURE_RECORD/<scene_name>.json`` (if recording)."""
    folder = os.environ.get(RECORD_ENV)
    if folder:
        path = Path(folder) / f"{scene_name}.json"
        path.write_text(json.dumps({"fields": fields_read()}), encoding="utf-8")
