"""Save every slide's final frame of one scene as a PNG, without encoding any video.

::

    python tools/final_frames.py SCENE [--config FILE] [--quality low|medium|high] --out DIR

writes ``DIR/slide-01.png``, ``DIR/slide-02.png``, ... : the frame on screen at the
end of each slide (the moment ``beat()`` starts the next one, and the scene's end),
which is what a printed handout shows. The scene is built with ``skip_animations``
(each animation jumps to its end state), so only the final frames are drawn: a
scene takes seconds at low quality. Look at the PNGs with the frame checklist of
DESIGN.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = ["QUALITIES", "final_frames", "main"]

QUALITIES = {"low": "low_quality", "medium": "medium_quality", "high": "high_quality"}


def final_frames(
    scene_name: str,
    out: Path,
    lesson: Path | None = None,
    quality: str = "low",
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
        ``low`` (854x480), ``medium`` or ``high``.
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
    from scenes.base import LESSON_ENV, SEED_ENV

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

    saved = {k: os.environ.get(k) for k in (LESSON_ENV, SEED_ENV)}
    os.environ.pop(SEED_ENV, None)
    if lesson is None:
        os.environ.pop(LESSON_ENV, None)
    else:
        os.environ[LESSON_ENV] = str(lesson.resolve())
    try:
        with tempfile.TemporaryDirectory() as media:
            settings = {
                "quality": QUALITIES[quality],
                "media_dir": media,
                "disable_caching": True,
                "write_to_movie": False,
                "progress_bar": "none",
                "verbosity": "ERROR",
            }
            with tempconfig(settings):
                Captured(skip_animations=True).render()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``final_frames.py SCENE [--config FILE] [--quality Q] --out DIR``."""
    from scenes import scene_names

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scene", choices=scene_names(), metavar="SCENE")
    parser.add_argument("--config", type=Path, help="a lesson file (default: the default lesson)")
    parser.add_argument("--quality", choices=sorted(QUALITIES), default="low")
    parser.add_argument("--out", type=Path, required=True, help="folder for slide-NN.png")
    args: Any = parser.parse_args(argv)
    if args.config is not None and not args.config.is_file():
        parser.error(f"--config {args.config}: no such file")
    paths = final_frames(args.scene, args.out, args.config, args.quality)
    print(f"{len(paths)} final frames in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
