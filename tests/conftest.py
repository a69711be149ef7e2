"""Shared by every test: no test finds a render another test (or run) left behind.

``render.py`` reuses finished scenes from ``$RNN_LECTURE_CACHE`` (``pipeline.cache``).
A test that renders must render, not find another test's video, and the suite must
never read or fill the user's own cache. So the whole session (module-scoped render
fixtures included) uses a fresh folder of its own, and each test gets an empty one
(``render.py`` processes inherit the variable). ``tests/test_cache.py`` tests the
cache itself.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from pipeline.cache import CACHE_ENV

_SESSION_CACHE = tempfile.mkdtemp(prefix="rnn-lecture-test-cache-")


def pytest_configure(config: pytest.Config) -> None:
    os.environ[CACHE_ENV] = _SESSION_CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


@pytest.fixture(autouse=True)
def own_render_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path_factory.mktemp("render-cache")
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder
