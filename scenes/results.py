"""Experiments that take seconds and read no lesson, computed once and kept on disk.

LongRange and WhyLSTM train networks of their own (``long_range_experiment``, about
14 s; ``fair_comparison``, longer) at every render and every dry run, although the
result depends on nothing but rnncore's code, NumPy and the arguments: it is the same
for every lesson, quality and scene. ``kept`` computes it once and keeps it under the
render cache's root (``pipeline.cache.cache_root``, ``results/``), named by a digest of
the source of the function's module and every module of ours it imports, NumPy's
version and the arguments; any change there computes it again. Files are written whole
(a private name, then renamed); one that cannot be read is computed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from pipeline.cache import cache_root, code_digest, write_whole

__all__ = ["kept"]

R = TypeVar("R")


def kept(compute: Callable[..., R], **kwargs: Any) -> R:
    """``compute(**kwargs)``, from the disk when the same code ran it with the same
    arguments before."""
    parts = (code_digest(compute.__module__), np.__version__, compute.__qualname__, repr(kwargs))
    key = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]
    path = cache_root() / "results" / f"{compute.__qualname__}-{key}.pkl"
    unreadable = (OSError, pickle.UnpicklingError, EOFError, AttributeError)
    with contextlib.suppress(*unreadable), path.open("rb") as f:
        return pickle.load(f)  # our own file, written below
    result = compute(**kwargs)
    with contextlib.suppress(OSError):  # a cache that cannot be written costs time only
        write_whole(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result
