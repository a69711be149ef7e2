"""``render.py video [SCENE...]``: the scenes as MP4 videos (with captions)."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import render_and_report
from cli.options import render_options
from pipeline.plan import check_scenes, known_scenes, lecture_scenes, video_plan

__all__ = ["video"]


@click.command("video", short_help="render scenes as MP4 videos")
@render_options
def video(
    scenes: tuple[str, ...],
    quality: str,
    config: Path | None,
    seed: int | None,
    out: Path,
    force: bool,
    jobs: int,
) -> int:
    """Render scenes as MP4 videos: videos/<Scene>.mp4, with .vtt and .srt captions."""
    names = check_scenes(scenes, known_scenes()) if scenes else lecture_scenes()
    return render_and_report(video_plan(names), config, seed, out, quality, jobs, force)
