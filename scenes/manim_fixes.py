"""Small, behaviour-preserving fixes to manim 0.21 that the scenes rely on.

Imported for its side effect by ``scenes.mobjects`` and ``scenes.base`` (so before
any mobject is built), with ``scenes.camera_fixes`` (how frames are drawn):

- ``VMobjectFromSVGPath`` keeps the parsed SVG path (``path_obj``, an svgelements
  object of many small segment objects) after it has turned it into points, and
  never reads it again. Every ``Mobject.copy()`` then deep-copies those segments
  too: for a slide of numbers that is ~90% of a copy, and copies happen in the
  ``begin()`` of every Transform and FadeOut. Dropping it after the points exist
  changes no point, colour or frame.
- ``Text`` parses its SVG file again for every instance (``use_svg_cache=False``),
  although the file's name is a hash of everything that shapes it (text, font,
  size, colour, spacing). A slide of numbers makes hundreds of Texts from a few
  dozen distinct strings, and parsing was half of a scene's build. With the cache
  on, each distinct file is parsed once (and, below, once per machine) and later
  instances get the parsed glyphs, which is exactly what parsing gives again
  (``MarkupText`` already works so).
- ``Mobject.get_family`` builds a mobject's family by recursion, removing repeats
  at every level (a list and a set per submobject), and the camera asks for the
  family of everything on screen at every frame. The same list comes from one walk
  and one removal of repeats at the end (repeats keep their last place either way).
- ``VMobject.consider_points_equals`` is ``np.allclose`` on two points, about 20 us
  a call, and ``align_points`` (every Transform between shapes of different sizes:
  numbers changing) calls it for every subpath: 420,000 calls and 16 s of the
  largest lesson's 280 s dry-run build. Written out for finite points (the formula
  ``np.isclose`` applies to them) it gives the same answer in a few microseconds;
  NaN and infinities still go to NumPy.
- ``MathTex`` compiles each TeX string with latex and dvisvgm (about 0.2 s a string)
  into the render's own ``tex_dir``, so every render compiled every string again: a
  third of a cold DenseBackprop render. With ``$RNN_LECTURE_TEX_CACHE`` set (the
  pipeline sets it to ``<cache>/tex``), the SVGs are kept there, named by a hash of
  the whole TeX file, the compiler and the output format, and every later render, of
  any scene at any quality, copies them into its own ``tex_dir`` instead of compiling
  (the SVG is what the compiler would write again; manim parses it from there, and
  writes and deletes a modified copy beside it, which must not happen in a folder that
  other renders read). Files are written whole (a private name, then renamed), so
  renders running at once never read half a file; a hit refreshes the file's time,
  which ``pipeline.cache.prune_tex`` uses to drop the least recently used.
- ``SVGMobject`` parses each SVG (a text's glyphs from Pango, a TeX string's from
  dvisvgm) with svgelements into VMobjects: 40 ms for a line of text, a fifth of
  TruncatedBPTT's render at 480p, spent again by every render. With
  ``$RNN_LECTURE_TEX_CACHE`` set, the parsed SVGMobject is kept there too, pickled
  (``<key>.outline``, zlib), under a key of what manim's own in-memory cache keys it
  by (``SVGMobject.hash_seed``: class, ``svg_default``, ``path_string_config``,
  renderer) with the file's content in place of its name (less the count cairo puts
  in a surface's id), and the versions of manim, svgelements and NumPy (whose
  arrays are pickled). Within a render each instance unpickles its own submobjects from
  the bytes: the objects manim's deep copy of its cached one gives, in about half
  the time (``Mobject.copy`` is ``copy.deepcopy``, in Python).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import re
import shutil
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from manim import Mobject, Text, VMobject, config
from manim.mobject.svg.svg_mobject import SVGMobject, VMobjectFromSVGPath
from manim.mobject.text import tex_mobject
from manim.utils.iterables import hash_obj, remove_list_redundancies
from manim.utils.tex import TexTemplate
from manim.utils.tex_file_writing import generate_tex_file

import scenes.camera_fixes  # noqa: F401  (the drawing's fixes: applied on import)
from pipeline.cache import write_whole

__all__ = ["TEX_CACHE_ENV"]

TEX_CACHE_ENV = "RNN_LECTURE_TEX_CACHE"

_generate_points = VMobjectFromSVGPath.generate_points


def _generate_points_then_drop_path(self: VMobjectFromSVGPath) -> VMobjectFromSVGPath:
    _generate_points(self)
    self.path_obj = None  # read only by generate_points, which has just run
    return self


if not getattr(VMobjectFromSVGPath, "_rnn_lecture_drops_path", False):
    VMobjectFromSVGPath.generate_points = _generate_points_then_drop_path  # type: ignore[method-assign]
    VMobjectFromSVGPath._rnn_lecture_drops_path = True  # type: ignore[attr-defined]

_text_init = Text.__init__


def _text_init_with_svg_cache(self: Text, *args: Any, **kwargs: Any) -> None:
    kwargs.setdefault("use_svg_cache", True)  # the file name hashes every setting
    _text_init(self, *args, **kwargs)


if not getattr(Text, "_rnn_lecture_caches_svg", False):
    Text.__init__ = _text_init_with_svg_cache  # type: ignore[method-assign]
    Text._rnn_lecture_caches_svg = True  # type: ignore[attr-defined]

_tex_to_svg_file = tex_mobject.tex_to_svg_file


def _tex_to_svg_file_shared(
    expression: str, environment: str | None = None, tex_template: TexTemplate | None = None
) -> Path:
    """manim's ``tex_to_svg_file``, through the TeX cache shared by every render.

    Returns the SVG in this render's own ``tex_dir`` (copied from the shared cache when
    it is there): manim writes a modified copy beside the file it parses and deletes it,
    which renders running at once must not do in one shared folder.
    """
    folder = os.environ.get(TEX_CACHE_ENV)
    if not folder:
        return _tex_to_svg_file(expression, environment, tex_template)
    template = config["tex_template"] if tex_template is None else tex_template
    tex_file = generate_tex_file(expression, environment, template)  # this render's own
    local = tex_file.with_suffix(".svg")
    if local.exists():
        return local
    parts = (tex_file.read_text(encoding="utf-8"), template.tex_compiler, template.output_format)
    key = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]
    shared = Path(folder) / f"{key}.svg"
    try:
        os.utime(shared)  # recently used: kept by prune_tex
        shutil.copyfile(shared, local)
        return local
    except FileNotFoundError:  # not compiled yet (or pruned a moment ago)
        pass
    made = _tex_to_svg_file(expression, environment, tex_template)  # compiled here
    write_whole(shared, made.read_bytes())  # other renders may write the same file
    return made


if not getattr(tex_mobject, "_rnn_lecture_shares_tex", False):
    tex_mobject.tex_to_svg_file = _tex_to_svg_file_shared  # type: ignore[assignment]
    tex_mobject._rnn_lecture_shares_tex = True  # type: ignore[attr-defined]


_manim_init_svg = SVGMobject.init_svg_mobject
_OUTLINE_FORMAT = 1  # bumped when what is stored changes
_VERSIONS = " ".join(
    f"{n}=={importlib.metadata.version(n)}" for n in ("manim", "svgelements", "numpy")
)
# cairo names each SVG surface by a count in the process ("surface31"): a group's id
# that no one looks up, so the same text in another render is the same file
_SURFACE_ID = re.compile(rb'id="surface[0-9]+"')
_PICKLED: dict[int, bytes] = {}  # manim's in-memory key -> the parsed SVGMobject, pickled


def _outline_key(svg: SVGMobject, file: Path) -> str:
    """What shapes an SVG's parsed outlines: manim's own key for its in-memory cache
    (``SVGMobject.hash_seed``) with the file's content in place of its name, and the
    versions of manim, the parser and NumPy (``_VERSIONS``)."""
    parts = (
        f"{type(svg).__module__}.{type(svg).__qualname__}",
        repr(sorted(svg.svg_default.items())),
        repr(sorted(svg.path_string_config.items())),
        str(config.renderer),
        _VERSIONS,
        str(_OUTLINE_FORMAT),
    )
    digest = hashlib.sha256("\0".join(parts).encode("utf-8"))
    digest.update(_SURFACE_ID.sub(b'id="surface"', file.read_bytes()))
    return digest.hexdigest()[:32]


def _init_svg_from_shared_outlines(self: SVGMobject, use_svg_cache: bool) -> SVGMobject:
    """``SVGMobject.init_svg_mobject`` through the outlines that renders share
    (``$RNN_LECTURE_TEX_CACHE``), each SVG parsed once on a machine. In a render, each
    is kept pickled, and every instance unpickles its own (the same objects as manim's
    deep copy of its in-memory cache's, in about half the time)."""
    folder = os.environ.get(TEX_CACHE_ENV)
    if not (folder and use_svg_cache and type(self).hash_seed is SVGMobject.hash_seed):
        return _manim_init_svg(self, use_svg_cache)
    in_memory = hash_obj(self.hash_seed)
    if in_memory not in _PICKLED:
        shared = Path(folder) / f"{_outline_key(self, self.get_file_path())}.outline"
        try:
            _PICKLED[in_memory] = zlib.decompress(shared.read_bytes())
            os.utime(shared)  # recently used: kept by prune_tex
        except (FileNotFoundError, zlib.error):  # not parsed yet (or pruned a moment ago)
            self.generate_mobject()
            _PICKLED[in_memory] = pickle.dumps(self, pickle.HIGHEST_PROTOCOL)
            write_whole(shared, zlib.compress(_PICKLED[in_memory], 1))
            return self
    parsed = pickle.loads(_PICKLED[in_memory])
    self.add(*parsed)
    self.id_to_vgroup_dict = parsed.id_to_vgroup_dict
    return self


if not getattr(SVGMobject, "_rnn_lecture_shares_outlines", False):
    SVGMobject.init_svg_mobject = _init_svg_from_shared_outlines  # type: ignore[method-assign]
    SVGMobject._rnn_lecture_shares_outlines = True  # type: ignore[attr-defined]


_manim_points_equal = VMobject.consider_points_equals  # (tests)


def _points_equal(self: VMobject, p0: np.ndarray, p1: np.ndarray) -> bool:
    """``VMobject.consider_points_equals``, ``np.allclose(p0, p1, atol=tolerance)``,
    written out for finite points (what ``np.isclose`` computes for them: ``|p0 - p1|
    <= atol + rtol |p1|``, rtol 1e-5); NaN and infinities go to NumPy's own rules."""
    a, b = np.asarray(p0, dtype=float), np.asarray(p1, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        apart = np.abs(a - b)
    if not np.isfinite(apart).all():  # a NaN or an infinity in either
        return _manim_points_equal(self, p0, p1)
    return bool((apart <= self.tolerance_for_point_equality + 1e-5 * np.abs(b)).all())


if not getattr(VMobject, "_rnn_lecture_compares_points", False):
    VMobject.consider_points_equals = _points_equal  # type: ignore[method-assign]
    VMobject._rnn_lecture_compares_points = True  # type: ignore[attr-defined]


_manim_get_family = Mobject.get_family  # kept for the tests' comparison


def _family_in_one_walk(self: Mobject, recurse: bool = True) -> list[Mobject]:
    """``Mobject.get_family``: self, then each submobject's family, in order, with
    repeats removed (the last of each kept), built in one walk."""
    walk, stack = [], [self]
    while stack:
        mobject = stack.pop()
        walk.append(mobject)
        stack.extend(reversed(mobject.submobjects))
    return remove_list_redundancies(walk)


if not getattr(Mobject, "_rnn_lecture_walks_family", False):
    Mobject.get_family = _family_in_one_walk  # type: ignore[method-assign]
    Mobject._rnn_lecture_walks_family = True  # type: ignore[attr-defined]
