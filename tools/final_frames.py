"""Save every slide's final frame of one scene as a PNG, without encoding any video.

::

    python tools/final_frames.py SCENE [--config FILE] [--quality low|medium|high|4k] --out DIR

The same as ``render.py preview SCENE --out DIR`` for one scene, written straight
into ``DIR`` (no staging): handy while working on a scene. See ``scenes.preview``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scenes.preview import QUALITY_NAMES, final_frames

__all__ = ["final_frames", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``final_frames.py SCENE [--config FILE] [--quality Q] --out DIR``."""
    from scenes import scene_names

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scene", choices=scene_names(), metavar="SCENE")
    parser.add_argument("--config", type=Path, help="a lesson file (default: the default lesson)")
    parser.add_argument("--quality", choices=list(QUALITY_NAMES), default="low")
    parser.add_argument("--out", type=Path, required=True, help="folder for slide-NN.png")
    args: Any = parser.parse_args(argv)
    if args.config is not None and not args.config.is_file():
        parser.error(f"--config {args.config}: no such file")
    paths = final_frames(args.scene, args.out, args.config, args.quality)
    print(f"{len(paths)} final frames in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
