"""Building a scene without encoding anything, for the scene tests.

Scene tests construct every slide of a scene in manim's dry run with
``skip_animations`` (each animation jumps to its end state; no frame is drawn, no
file written) and then assert on what the scene kept. All of them share one media
folder per session, so each LaTeX string is compiled once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = ["build_scene", "media_dir"]


def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's one media folder for scene tests (TeX cache included)."""
    return tmp_path_factory.getbasetemp() / "scene-media"


def build_scene(cls: type, lesson_path: Path | None, out_dir: Path, media_dir: Path) -> Any:
    """Construct scene class ``cls`` for a lesson (None: the default) without encoding.

    Returns the scene after every slide has been built, so tests can read what it kept.
    """
    from manim import tempconfig

    from scenes.base import LESSON_ENV, SEED_ENV

    settings = {
        "dry_run": True,
        "quality": "low_quality",
        "disable_caching": True,
        "media_dir": str(media_dir),
        "progress_bar": "none",
        "verbosity": "ERROR",
    }
    with pytest.MonkeyPatch.context() as mp, tempconfig(settings):
        mp.delenv(SEED_ENV, raising=False)
        if lesson_path is None:
            mp.delenv(LESSON_ENV, raising=False)
        else:
            mp.setenv(LESSON_ENV, str(lesson_path))
        scene = cls(output_folder=out_dir / "slides", skip_animations=True)
        scene.render()  # no movie: LectureScene renders as a plain Scene, no slide files
    return scene
