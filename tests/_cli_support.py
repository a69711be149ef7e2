"""Helpers shared by the CLI and deck tests: run render.py, read its outputs.

``real_scene()`` names the lecture scene rendered for real and measures it once per
test session with ``render.py list --durations`` (cached here, so test_cli and
test_deck share it).
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import av

from scenes import LECTURE

__all__ = [
    "ROOT",
    "html_links",
    "html_sections",
    "measure",
    "pdf_pages",
    "real_scene",
    "run_cli",
    "video_seconds",
]

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 900  # seconds: a render of one scene at -ql on a busy 2-core machine
TEST_SCENE_ENV = "RNN_LECTURE_TEST_SCENE"
SHORTEST = "SequenceData"


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python render.py ARGS`` in a fresh process, output captured, no stdin."""
    return subprocess.run(
        [sys.executable, str(ROOT / "render.py"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
    )


@functools.cache
def measure(*names: str) -> dict[str, dict]:
    """Slides and seconds of scenes by name (``render.py list --durations``, a dry run)."""
    cp = run_cli("list", "--durations", "--json", *names)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    return {row["name"]: row for row in json.loads(cp.stdout)}


def real_scene() -> dict:
    """The lecture scene the tests render for real, with its slides and seconds.

    The shortest scene of the lecture when these tests were written (measured with
    ``render.py list --durations``: SHORTEST); ``RNN_LECTURE_TEST_SCENE`` picks another.
    Measuring every scene to find the shortest would cost more than rendering it.
    """
    names = [s.name for s in LECTURE]
    wanted = os.environ.get(TEST_SCENE_ENV, SHORTEST)
    name = wanted if wanted in names else names[0]
    return measure(name)[name]


def video_seconds(path: Path) -> float:
    with av.open(str(path)) as c:
        return float(c.duration / av.time_base)


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def html_sections(path: Path) -> int:
    return len(re.findall(r"<section\b", path.read_text(encoding="utf-8")))


def html_links(path: Path) -> list[str]:
    """Every file an HTML deck loads (the template's commented-out links left out)."""
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.findall(r'(?:src|href|data-background-video|data-background-image)="([^"]+)"', text)
