"""Finished renders, reused: nothing changed, nothing rendered.

A scene's render (its MP4 and its manim-slides slides) is stored under a key that
covers everything that can change one of its frames:

- the quality;
- the versions of Python and of the libraries that draw and encode (``LIBRARIES``);
- the source of the scene's module and of every module of ours it imports, directly
  or not (``code_digest``: read with ``ast``, nothing is imported);
- the values of the lesson fields the scene read when it was rendered
  (``scenes.record``): a scene that never reads the weights is not rendered again
  when a weight changes.

A deck (html, pptx or pdf) is stored under the keys of its scenes, its format, and
what else shapes it (``pipeline.build.deck_code``): its title, the source of the
build and handout modules, the captions and deck template, and reveal.js' version.

The cache lives in ``$RNN_LECTURE_CACHE`` (default ``$XDG_CACHE_HOME/rnn-lecture``,
i.e. ``~/.cache/rnn-lecture``), never in ``--out``: a failed run still leaves ``--out``
as it was. Entries are written whole (a scratch folder renamed into place) and only
the newest ``KEEP`` per scene and quality are kept.

Beside the entries, ``tex/`` holds every TeX string a render compiled, as SVG, and
every SVG a render parsed (text and TeX), as pickled outlines (``scenes.manim_fixes``;
about 0.2 s saved per TeX string and 40 ms per line of text, in every render);
``prune_tex`` keeps the ``TEX_KEEP`` most recently used.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CACHE_ENV",
    "LIBRARIES",
    "Cache",
    "code_digest",
    "module_closure",
    "prune_tex",
    "restore",
    "tex_cache_dir",
    "value_digest",
    "write_whole",
]

CACHE_ENV = "RNN_LECTURE_CACHE"
OUR_PACKAGES = ("scenes", "rnncore", "pipeline")
LIBRARIES = ("manim", "manim-slides", "numpy", "pycairo", "ManimPango", "av", "python-pptx")
KEEP = 2  # entries kept per scene (or deck) and quality
TEX_KEEP = 20_000  # SVGs and outlines kept (a few KB each; the lecture makes ~6,000)
ENTRY = "entry.json"
_TEX_FILES = (".svg", ".outline")  # scenes.manim_fixes' (".part": being written)


def cache_root() -> Path:
    """``$RNN_LECTURE_CACHE``, else ``$XDG_CACHE_HOME/rnn-lecture`` (~/.cache/rnn-lecture)."""
    if folder := os.environ.get(CACHE_ENV):
        return Path(folder)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "rnn-lecture"


def tex_cache_dir() -> Path:
    """Where renders share their compiled TeX (``$RNN_LECTURE_TEX_CACHE`` for scenes)."""
    return cache_root() / "tex"


def write_whole(path: Path, data: bytes) -> None:
    """Write ``path`` whole: to a name of this process's own, then renamed, so that
    readers, and other processes writing the same content, never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_bytes(data)
    os.replace(part, path)


def prune_tex(folder: Path | None = None, keep: int = TEX_KEEP) -> int:
    """Delete all but the ``keep`` most recently used files (SVGs and outlines) of the
    TeX cache; return how many went (a render reading one at the time has it open)."""
    folder = tex_cache_dir() if folder is None else folder
    try:
        found = [e for e in os.scandir(folder) if e.name.endswith(_TEX_FILES)]
        files = [(e.stat().st_mtime, e.path) for e in found]
    except FileNotFoundError:
        return 0
    files.sort(reverse=True)
    for _, path in files[keep:]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    return max(0, len(files) - keep)


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)  # lengths: no ambiguous joins
    return h.hexdigest()


def versions_digest() -> str:
    """Python's version and those of ``LIBRARIES`` (what draws and encodes the frames)."""
    found = [sys.version]
    for name in LIBRARIES:
        try:
            found.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} missing")
    return _digest(*found)


@functools.cache
def _package_dir(top: str, search_path: tuple[str, ...]) -> Path | None:
    """Where the top-level package ``top`` lives on ``search_path`` (``sys.path``: part
    of the key, so a changed path looks again), or None."""
    spec = importlib.util.find_spec(top)  # a top-level name: found, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _module_file(module: str) -> Path | None:
    """The source file of one of our modules, found without importing anything; None
    for a name that is not a module (``from scenes.layout import fit_within``)."""
    top, _, rest = module.partition(".")
    base = _package_dir(top, tuple(sys.path))
    if base is None:
        return None
    if not rest:
        return base / "__init__.py"
    path = base.joinpath(*rest.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(module: str, path: Path, source: bytes, packages: tuple[str, ...]) -> set[str]:
    """Modules of ``packages`` that ``module`` (``source``, read from ``path``) imports,
    absolute or relative."""
    return set(_parsed_imports(module, path.name == "__init__.py", source, packages))


@functools.lru_cache(maxsize=4096)
def _parsed_imports(
    module: str, is_package: bool, source: bytes, packages: tuple[str, ...]
) -> frozenset[str]:
    """``_imports``, parsed once per source text: the closures of the lecture's scenes
    share most of their modules, and a no-op re-run must not parse them 20 times."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        for name in names:
            if name.split(".")[0] in packages:
                parts = name.split(".")  # the package of a module is imported too
                found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(found)


def module_closure(module: str, packages: tuple[str, ...] = OUR_PACKAGES) -> dict[str, bytes]:
    """``module`` and every module of ``packages`` it imports, recursively: name -> source.

    Read with ``ast``; nothing is imported. A name that is not a module (a class
    imported from a module) maps to ``b""``.
    """
    seen: dict[str, bytes] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:  # a name imported from a module, not a module
            seen[name] = b""
            continue
        seen[name] = path.read_bytes()
        todo.extend(_imports(name, path, seen[name], packages) - seen.keys())
    return seen


def code_digest(module: str, packages: tuple[str, ...] = OUR_PACKAGES) -> str:
    """A digest of ``module_closure(module)``: changes when any of that source does."""
    seen = module_closure(module, packages)
    return _digest(*(f"{name}\0".encode() + seen[name] for name in sorted(seen)))


def value_digest(value: Any) -> str:
    """A digest of a lesson field's value: arrays by dtype, shape and bytes; dataclasses
    (parameters, [train] tables) field by field; anything else by its ``repr``."""
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        return _digest("array", str(array.dtype), str(array.shape), array.tobytes())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = [type(value).__name__]
        for f in dataclasses.fields(value):
            if f.compare:
                parts += [f.name, value_digest(getattr(value, f.name))]
        return _digest(*parts)
    if isinstance(value, tuple | list):
        return _digest(type(value).__name__, *(value_digest(v) for v in value))
    return _digest(type(value).__name__, repr(value))


class Cache:
    """The finished scenes and decks of one quality, for one lesson.

    Parameters
    ----------
    quality
        the quality's name as the CLI spells it (part of every key).
    lesson
        The lesson the scenes draw (a ``rnncore.Lesson``).
    root
        The cache folder (default ``cache_root()``).
    """

    def __init__(self, quality: str, lesson: Any, root: Path | None = None) -> None:
        self.quality = quality
        self.lesson = lesson
        self.root = (root or cache_root()) / quality
        self.versions = versions_digest()

    # --- keys -------------------------------------------------------------------------

    def scene_key(
        self, name: str, module: str, fields: Iterable[str], code: str | None = None
    ) -> str:
        """The key of scene ``name`` (in ``module``, whose ``code_digest`` is ``code`` when
        known) that read the lesson's ``fields``."""
        lesson = [f"{f}={value_digest(getattr(self.lesson, f))}" for f in sorted(fields)]
        code = code or code_digest(module)
        return _digest("scene", name, self.quality, self.versions, code, *lesson)

    def deck_key(self, deck: str, fmt: str, scene_keys: Iterable[str], extra: str) -> str:
        """The key of a deck from its scenes' keys, its format and ``extra`` (title,
        converter code and reveal.js version: whatever else shapes the file)."""
        return _digest("deck", deck, fmt, self.quality, self.versions, extra, *scene_keys)

    # --- scenes ---------------------------------------------------------------------------

    def find_scene(self, name: str, module: str) -> tuple[str, Path] | None:
        """(key, folder) of a stored render of ``name`` that is valid for this lesson."""
        code = None  # the module's digest, computed once for all entries
        for folder in self._entries(f"scene-{name}"):
            entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
            if not all(hasattr(self.lesson, f) for f in entry["fields"]):
                continue
            code = code or code_digest(module)
            key = self.scene_key(name, module, entry["fields"], code)
            if key == entry["key"]:
                return key, folder
        return None

    def store_scene(self, name: str, module: str, fields: list[str], files: dict[str, Path]) -> str:
        """Store a finished render (``files``: relative name -> file or folder); its key."""
        key = self.scene_key(name, module, fields)
        self._store(f"scene-{name}", key, {"fields": fields}, files)
        return key

    # --- decks ----------------------------------------------------------------------------

    def find_deck(self, deck: str, fmt: str, key: str) -> Path | None:
        return self.find(_deck_kind(deck, fmt), key)

    def store_deck(self, deck: str, fmt: str, key: str, files: dict[str, Path]) -> None:
        self._store(_deck_kind(deck, fmt), key, {}, files)

    # --- anything else keyed on finished renders (captioned videos) --------------------

    def find(self, kind: str, key: str) -> Path | None:
        """The folder of the stored entry of ``kind`` with ``key``, or None."""
        for folder in self._entries(kind):
            entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
            if entry["key"] == key:
                return folder
        return None

    def store(self, kind: str, key: str, files: dict[str, Path]) -> None:
        """Store ``files`` (relative name -> file or folder) as an entry of ``kind``."""
        self._store(kind, key, {}, files)

    def derived_key(self, *parts: str) -> str:
        """A key made of other keys and digests (a captioned video: its scene's key and
        the captions' code)."""
        return _digest("derived", self.quality, self.versions, *parts)

    # --- storage --------------------------------------------------------------------------

    def _entries(self, kind: str) -> list[Path]:
        """Stored entries of ``kind``, newest first (an entry without its record is skipped)."""
        folder = self.root / kind
        if not folder.is_dir():
            return []
        found = [p for p in folder.iterdir() if (p / ENTRY).is_file()]
        return sorted(found, key=lambda p: (p / ENTRY).stat().st_mtime, reverse=True)

    def _store(self, kind: str, key: str, record: dict[str, Any], files: dict[str, Path]) -> None:
        """Copy ``files`` into a new entry, written whole; keep the newest ``KEEP``."""
        folder = self.root / kind
        folder.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".new-", dir=folder))
        try:
            for rel, src in files.items():
                dst = scratch / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                if src.is_dir():
                    shutil.copytree(src, dst)
                else:
                    shutil.copyfile(src, dst)
            (scratch / ENTRY).write_text(json.dumps({"key": key, **record}), encoding="utf-8")
            final = folder / key[:32]
            if final.exists():
                shutil.rmtree(final)
            os.replace(scratch, final)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        for old in self._entries(kind)[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)


def _deck_kind(deck: str, fmt: str) -> str:
    """Each format of a deck is an entry kind of its own: ``KEEP`` per kind, so the html,
    pptx and pdf of one deck never push each other out of the cache."""
    return f"deck-{deck.replace('/', '-')}-{fmt}"


def restore(folder: Path, files: dict[str, Path]) -> None:
    """Copy an entry's files (relative name -> destination) into place. (Copies, not
    links: a file edited in ``--out`` must not change the cache.)"""
    for rel, dst in files.items():
        src = folder / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dst)
