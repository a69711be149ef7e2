"""Helpers shared by the CLI and deck tests: run render.py, read its outputs.

``real_scene()`` names the lecture scene rendered for real and measures it once per
test session with ``render.py list --durations`` (cached here, so test_cli and
test_deck share it). ``start_cli`` runs render.py in the background (its own
process group, as a shell job), and ``descendants`` / ``still_running`` follow its
subprocesses through /proc, so the signal tests can tell that none is left.
"""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import av

from scenes import LECTURE

__all__ = [
    "ROOT",
    "Process",
    "descendants",
    "html_links",
    "html_sections",
    "measure",
    "pdf_pages",
    "processes_in",
    "real_scene",
    "run_cli",
    "snapshot",
    "start_cli",
    "still_running",
    "video_seconds",
    "wait_for",
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


# --- background runs and their processes ------------------------------------------

T = TypeVar("T")
Process = tuple[int, int]  # (pid, start time in clock ticks): a pid cannot be reused


def start_cli(*args: str | Path, logs: Path) -> subprocess.Popen[bytes]:
    """``python render.py ARGS`` in the background, in its own process group.

    stdout and stderr go to ``logs/stdout`` and ``logs/stderr``. SIGINT and SIGHUP
    start at their defaults, as from a terminal: a test run that was itself started
    in the background (``cmd &`` ignores SIGINT) or under ``nohup`` (ignores SIGHUP)
    would otherwise pass the ignored signals on, and render.py rightly keeps them so.
    """
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "render.py"), *map(str, args)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            process_group=0,
            preexec_fn=_default_signals,
        )


def _default_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a live process, from /proc/PID/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
    return fields[0], int(fields[1]), int(fields[19])


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def descendants(pid: int) -> set[Process]:
    """Every live process below ``pid`` (children, grandchildren, ...)."""
    parents: dict[int, list[Process]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := _stat(int(entry.name))) is not None:
            parents.setdefault(info[1], []).append((int(entry.name), info[2]))
    found: set[Process] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def still_running(processes: set[Process]) -> list[str]:
    """Those of ``processes`` still alive (zombies count as ended), with their command."""
    alive = []
    for pid, start in processes:
        info = _stat(pid)
        if info is not None and info[2] == start and info[0] != "Z":
            alive.append(f"{pid} {cmdline(pid)[:200]}")
    return alive


def processes_in(folder: Path) -> list[str]:
    """Live processes whose command line names ``folder`` or that run inside it."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (info := _stat(int(entry.name))) is None or info[0] == "Z":
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            cwd = ""
        line = cmdline(int(entry.name))
        if str(folder) in line or cwd.startswith(str(folder)):
            found.append(f"{entry.name} {line[:200]}")
    return found


def wait_for(probe: Callable[[], T], timeout: float, what: str) -> T:
    """Poll ``probe`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` (hidden ones too): file contents, None for folders."""
    return {
        str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }
