"""All or nothing into ``--out``: check it, stage a run beside it, move the results in.

A run works in a scratch folder inside ``--out`` (``scratch``); its finished files are
moved into place only when every step has succeeded (``install``), inside a block that
a signal cannot cut short. A failed or stopped run removes the scratch folder and the
folders it created (``undo``), so ``--out`` is left as it was. The checks
(``check_out``, ``check_out_file``) run before anything is written: one ``CliError``
line, exit 2.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pipeline.run import SIGNALS, CliError
from rnncore.lesson_io import WRITE_FORMATS

__all__ = [
    "REVEAL_ENV",
    "REVEAL_FILES",
    "REVEAL_VERSION",
    "check_out",
    "check_out_file",
    "install",
    "replace_folders",
    "reveal_dir",
    "scratch",
    "undo",
    "write_whole",
]

ROOT = Path(__file__).resolve().parents[1]
# The reveal.js that manim-slides 5.7.0's HTML template expects, and the files it loads.
REVEAL_VERSION = "6.0.1"
REVEAL_ENV = "RNN_LECTURE_REVEAL"  # a folder holding reveal.js' dist/, overrides the default
REVEAL_FILES = (
    "dist/reveal.css",
    "dist/reveal.js",
    "dist/theme/black.css",
    "dist/plugin/highlight/zenburn.css",
    "dist/plugin/notes.js",
    "dist/plugin/markdown.js",
)


def _probe(folder: Path, out: Path) -> None:
    """Write and remove a file in ``folder`` (os.access says yes to root on read-only mounts)."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".rnn-lecture-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise CliError(f"--out {out}: cannot write in {folder} ({e.strerror or e})") from None


def check_out(out: Path) -> Path:
    """``out`` as an absolute path, if it is (or can become) a writable folder."""
    out = out.expanduser().absolute()
    existing = out
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        where = "is a file" if existing == out else f"is under the file {existing}"
        raise CliError(f"--out {out}: {where}, expected a folder")
    _probe(existing, out)
    return out


def check_out_file(out: Path) -> Path:
    """``out`` as an absolute path, if a lesson file can be written there."""
    out = out.expanduser().absolute()
    if out.suffix.lower() not in WRITE_FORMATS:
        found = out.suffix or out.name
        raise CliError(f"--out {out}: expected a .toml, .json or .npz file name, found '{found}'")
    if out.is_dir():
        raise CliError(f"--out {out}: is a folder, expected a file name")
    if not out.parent.is_dir():
        raise CliError(f"--out {out}: no folder {out.parent}")
    _probe(out.parent, out)
    return out


def reveal_dir() -> Path | None:
    """The local reveal.js (a folder with dist/), or None when it is not there."""
    override = os.environ.get(REVEAL_ENV)
    folder = Path(override) if override else ROOT / "build" / f"reveal.js-{REVEAL_VERSION}"
    if all((folder / f).is_file() for f in REVEAL_FILES):
        return folder
    if override:
        raise CliError(f"{REVEAL_ENV}={override}: expected reveal.js' dist/ files there")
    return None


@contextlib.contextmanager
def scratch(out: Path, prefix: str, on_failure: Callable[[], None] | None = None) -> Iterator[Path]:
    """A scratch folder inside ``out`` for the block; on any failure, as if never run.

    On an exception (a signal included) ``on_failure`` runs first (e.g. stopping the
    subprocesses), then ``undo``; the exception goes on. On success the scratch folder
    is removed.
    """
    created = [p for p in (out, *out.parents) if not p.exists()]
    work: Path | None = None
    try:
        with SIGNALS.deferred():  # the scratch folder exists only once clean-up knows it
            out.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=prefix, dir=out))
        yield work
    except BaseException:
        with SIGNALS.deferred():  # a signal during the clean-up is raised after it
            if on_failure is not None:
                on_failure()
            undo(work, created)
        raise
    shutil.rmtree(work, ignore_errors=True)


def undo(work: Path | None, created: Sequence[Path]) -> None:
    """After a failure: remove the scratch folder and the folders this run created."""
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)
    for folder in created:  # leave no empty folders this run made
        with contextlib.suppress(OSError):
            folder.rmdir()


def install(staged: Path, out: Path, trash: Path) -> list[Path]:
    """Move what ``staged`` holds into the same places under ``out``; return them.

    Files replace files with ``os.replace`` (atomic); a deck's ``*_assets`` folder
    replaces the old one as a whole (the old one goes to ``trash``), and is moved
    before the deck's HTML so the HTML never points at missing assets.
    """
    installed: list[Path] = []
    out.mkdir(parents=True, exist_ok=True)
    entries = sorted(staged.iterdir(), key=lambda p: (not p.is_dir(), p.name))
    for src in entries:
        dst = out / src.name
        if src.is_dir() and not src.name.endswith("_assets"):
            installed += install(src, dst, trash)
            continue
        if dst.is_dir():
            os.replace(dst, trash / f"{len(list(trash.iterdir()))}-{dst.name}")
        os.replace(src, dst)
        installed.append(dst)
    return installed


def replace_folders(staged: Path, dest: Path, names: Sequence[str], trash: Path) -> None:
    """Each ``staged/NAME`` replaces ``dest/NAME`` whole (the old one goes to ``trash``)."""
    dest.mkdir(exist_ok=True)
    for name in names:
        old = dest / name
        if old.exists():
            os.replace(old, trash / f"old-{name}")
        os.replace(staged / name, old)


def write_whole(out: Path, write: Callable[[Path], None]) -> None:
    """``write(out)`` where no signal can cut it short; after it, signals change nothing.

    A signal before the block leaves ``out`` unwritten; ``write`` itself writes whole
    (a temporary file renamed into place). An OSError or ValueError is one line, exit 1.
    """
    with SIGNALS.deferred():
        try:
            write(out)
        except (OSError, ValueError) as e:
            raise CliError(f"--out {out}: {getattr(e, 'strerror', None) or e}", code=1) from None
        SIGNALS.disarm()
