"""Reading a user's file safely: a regular file of bounded size, or one line saying why not.

Lesson files (``lesson_fields``) and weights files (``weight_files``) are read the same
way: opened non-blocking and checked with ``fstat`` on the open file, so a FIFO or a
device is refused without blocking or reading, and no check races the open; at most
``max_bytes + 1`` bytes are read, so a huge file is refused without reading it whole.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

__all__ = ["file_kind", "read_regular"]

_FILE_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for an error message ("a FIFO", ...)."""
    return _FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_regular(
    path: Path,
    *,
    what: str,
    max_bytes: int,
    error: type[Exception],
    too_big: Callable[[int], str],
    check: Callable[[], None] | None = None,
) -> bytes:
    """The bytes of the regular file ``path``; anything else raises ``error`` (one line).

    Parameters
    ----------
    path
        The file to read.
    what
        What the file should be, for the message "expected {what}, found a FIFO".
    max_bytes
        The largest file accepted.
    error
        The exception class raised, with a one-line message that starts with ``path``.
    too_big
        The message (after ``path: ``) for a file larger than ``max_bytes``, given its
        size in bytes.
    check
        Called once the file is known to be a regular file and before it is read (for
        example a check of the file name's suffix); it raises ``error`` to refuse.
    """
    where = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise error(f"{where}: file not found") from None
    except OSError as e:
        raise error(f"{where}: cannot read: {e.strerror or e}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{where}: expected {what}, found {file_kind(info.st_mode)}")
        if check is not None:
            check()
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise error(f"{where}: cannot read: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise error(f"{where}: {too_big(max(info.st_size, len(data)))}")
    return data
