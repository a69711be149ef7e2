"""Small, behaviour-preserving fixes to manim 0.21 that the scenes rely on.

Imported for its side effect by ``scenes.mobjects`` and ``scenes.base`` (so before
any mobject is built):

- ``VMobjectFromSVGPath`` keeps the parsed SVG path (``path_obj``, an svgelements
  object of many small segment objects) after it has turned it into points, and
  never reads it again. Every ``Mobject.copy()`` then deep-copies those segments
  too: for a slide of numbers that is ~90% of a copy, and copies happen in the
  ``begin()`` of every Transform and FadeOut. Dropping it after the points exist
  changes no point, colour or frame.
"""

from __future__ import annotations

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
