"""``render.py list [SCENE...] [--durations] [--json]``: the lecture's scenes in order."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from cli.options import config_option, scenes_argument, seed_option
from pipeline.build import measure
from pipeline.plan import check_lesson, check_scenes, known_scenes
from scenes import LECTURE
from scenes.outline import DECK_MODULE, DECK_TITLES

__all__ = ["list_"]


@click.command("list", short_help="list the lecture's scenes in order")
@scenes_argument
@click.option(
    "--durations", is_flag=True,
    help="also count slides and seconds of each scene (a dry run, no video)",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@config_option("lesson file for --durations")
@seed_option("seed for --durations")
def list_(
    scenes: tuple[str, ...], durations: bool, as_json: bool, config: Path | None, seed: int | None
) -> int:
    """List the lecture's scenes in order, then the deck's title and section slides."""
    names = check_scenes(scenes, known_scenes())
    info = {s.name: s for s in LECTURE}
    rows: list[dict] = []
    for name in names:
        s = info.get(name)
        rows.append(
            {
                "name": name,
                "module": s.module if s else DECK_MODULE,
                "section": s.section if s else "deck",
                "title": s.title if s else DECK_TITLES[name],
            }
        )
    if durations:
        os.environ.update(check_lesson(config, seed))  # the dry runs read the lesson there
        for i, row in enumerate(rows, start=1):
            if not as_json:
                print(f"[{i}/{len(rows)}] measuring {row['name']} ...", file=sys.stderr, flush=True)
            try:
                row["slides"], row["seconds"] = measure(row["name"])
            except Exception as e:  # a broken scene: say so, keep listing the others
                row["slides"], row["seconds"] = None, None
                row["error"] = f"{type(e).__name__}: {e}".splitlines()[0][:200]
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(r["name"]) for r in rows)
    for i, r in enumerate(rows, start=1):
        extra = ""
        if durations:
            extra = (
                f"{r['slides']:>3} slides {r['seconds']:6.1f} s  "
                if r["seconds"] is not None
                else f"  ! {r['error']}  "
            )
        print(f"{i:>3}  {r['name']:<{width}}  {r['section']:<7} {extra}{r['title']}")
    return 0
