"""Each slide's final frame as a PNG, without encoding any video: look before rendering.

``final_frames(scene, out)`` writes ``out/slide-01.png``, ``out/slide-02.png``, ...:
the frame on screen at the end of each slide (the moment ``beat()`` starts the next
one, and the scene's end), which is what a printed handout shows. The scene is built
with ``skip_animations`` (each animation jumps to its end state), so only these
frames are drawn: a scene takes seconds. ``render.py preview`` and
``tools/final_frames.py`` call it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["QUALITY_NAMES", "final_frames"]

# render.py's quality names -> manim's
QUALITY_NAMES = {
    "low": "low_quality",  # 854x480
    "medium": "medium_quality",  # 1280x720
    "high": "high_quality",  # 1920x1080
    "4k": "fourk_quality",  # 3840x2160
}


def final_frames(
    scene_name: str,
    out: Path,
    lesson: Path | None = None,
    quality: str = "low",
    seed: int | None = None,
    land: bool = True,
) -> list[Path]:
    """Build ``scene_name`` and save each slide's final frame under ``out``.

    Parameters
    ----------
    scene_name
        A scene of the lecture (``python render.py list``).
    out
        The folder for ``slide-NN.png`` (created; existing slide PNGs are replaced).
    lesson
        A lesson file; None: the default lesson.
    quality
        A key of ``QUALITY_NAMES``.
    seed
        The seed for weights the lesson does not give (None: the lesson's own).
    land
        False: every skipped animation begins and finishes as in a real render
        (``LectureScene.land_skipped``), for comparing against the fast dry run.

    Returns
    -------
    list of Path
        The PNGs written, in slide order.
    """
    from manim import tempconfig
    from PIL import Image

    from scenes import scene_class

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("slide-*.png"):
        old.unlink()
    written: list[Path] = []
    base = scene_class(scene_name)

    class Captured(base):  # type: ignore[misc, valid-type]
        """Saves the frame on screen whenever a slide ends."""

        land_skipped = land

        def capture(self) -> None:
            self.renderer.update_frame(self, ignore_skipping=True)
            path = out / f"slide-{len(written) + 1:02d}.png"
            Image.fromarray(self.renderer.get_frame()).convert("RGB").save(path)
            written.append(path)

        def beat(self, notes: str) -> None:
            if self.mobjects:  # nothing drawn yet: the first slide has not ended
                self.capture()
            super().beat(notes)

        def tear_down(self) -> None:
            self.capture()
            super().tear_down()

    with _lesson_env(lesson, seed), tempfile.TemporaryDirectory() as media:
        settings = {
            "quality": QUALITY_NAMES[quality],
            "media_dir": media,
            "disable_caching": True,
            "write_to_movie": False,
            "progress_bar": "none",
            "verbosity": "ERROR",
        }
        with tempconfig(settings):
            Captured(skip_animations=True).render()
    return written


@contextlib.contextmanager
def _lesson_env(lesson: Path | None, seed: int | None) -> Iterator[None]:
    """Point the scenes at ``lesson`` and ``seed`` for the block (scenes.base reads them)."""
    from scenes.base import LESSON_ENV, SEED_ENV

    saved = {k: os.environ.get(k) for k in (LESSON_ENV, SEED_ENV)}
    os.environ.pop(SEED_ENV, None)
    os.environ.pop(LESSON_ENV, None)
    if lesson is not None:
        os.environ[LESSON_ENV] = str(lesson.resolve())
    if seed is not None:
        os.environ[SEED_ENV] = str(seed)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
