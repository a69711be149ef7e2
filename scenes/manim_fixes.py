"""Small, behaviour-preserving fixes to manim 0.21 that the scenes rely on.

Imported for its side effect by ``scenes.mobjects`` and ``scenes.base`` (so before
any mobject is built):

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
  on, each distinct file is parsed once and later instances copy the parsed
  glyphs, which is exactly what parsing gives again (``MarkupText`` already works
  so).
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
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from manim import Text, config
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.mobject.text import tex_mobject
from manim.utils.tex import TexTemplate
from manim.utils.tex_file_writing import generate_tex_file

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
