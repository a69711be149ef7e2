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
"""

from __future__ import annotations

from typing import Any

from manim import Text
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

__all__: list[str] = []

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
