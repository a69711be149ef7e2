"""Shared by every test: no test finds a render another test (or run) left behind.

``render.py`` reuses finished scenes from ``$RNN_LECTURE_CACHE`` (``pipeline.cache``).
A test that renders must render, not find another test's video, and the suite must
never read or fill the user's own cache. So the whole session (module-scoped render
fixtures included) uses a fresh folder of its own, and each test gets an empty one
(``render.py`` processes inherit the variable). ``tests/test_cache.py`` tests the
cache itself.

Compiled TeX is different: an SVG is what latex would write again, so the whole run
(every xdist worker, every render a test starts, every scene a test builds) shares one
fresh TeX cache (``$RNN_LECTURE_TEX_CACHE``), made by the first process and inherited
by the workers, and each distinct string is compiled once per run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from pipeline.cache import CACHE_ENV
from pipeline.plan import TEX_CACHE_ENV

_SESSION_CACHE = tempfile.mkdtemp(prefix="rnn-lecture-test-cache-")
_CONTROLLER = "PYTEST_XDIST_WORKER" not in os.environ  # (or a run without workers)


def pytest_configure(config: pytest.Config) -> None:
    os.environ[CACHE_ENV] = _SESSION_CACHE
    if _CONTROLLER:  # before the workers start: they inherit it
        os.environ[TEX_CACHE_ENV] = tempfile.mkdtemp(prefix="rnn-lecture-test-tex-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)
    if _CONTROLLER:
        shutil.rmtree(os.environ.pop(TEX_CACHE_ENV), ignore_errors=True)


@pytest.fixture(autouse=True)
def own_render_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path_factory.mktemp("render-cache")
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder
