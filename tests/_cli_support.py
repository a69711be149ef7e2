"""Helpers shared by the CLI and deck tests: run render.py, read its outputs.

``shortest_scene()`` asks ``render.py list --durations`` once per test session (the
answer is cached here, so test_cli and test_deck share it).
"""

from __future__ import annotations

import functools
import json
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
    "pdf_pages",
    "run_cli",
    "shortest_scene",
    "video_seconds",
]

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 900  # seconds: a render of one scene at -ql on a busy 2-core machine


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
def measured() -> tuple[dict, ...]:
    """Every lecture scene with its slides and seconds (``list --durations``, a dry run)."""
    cp = run_cli("list", "--durations", "--json", *(s.name for s in LECTURE))
    assert cp.returncode == 0, cp.stdout + cp.stderr
    return tuple(json.loads(cp.stdout))


def shortest_scene() -> dict:
    """The lecture scene with the shortest video: ``{"name", "slides", "seconds", ...}``."""
    return min(measured(), key=lambda r: r["seconds"])


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
