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
- ``Mobject.get_family`` builds a mobject's family by recursion, removing repeats
  at every level (a list and a set per submobject), and the camera asks for the
  family of everything on screen at every frame. The same list comes from one walk
  and one removal of repeats at the end (repeats keep their last place either way).
- The camera draws each VMobject as its own cairo path; a line of text is one
  VMobject per glyph, and glyphs were three quarters of what a slide draws per
  frame (TruncatedBPTT: 127,000 of 166,000 paths). Consecutive members with the
  same flat fill and the same outline behind it (``set_stroke(background=True)``)
  and no stroke in front (the glyphs of one text, the numbers of one colour) are
  drawn as one path: every outline, then every fill. The outlines, colours and
  widths are the same; what changes is that no glyph's outline is painted over its
  neighbour's fill (a halo stays behind the whole text), and pixels where two glyphs
  touch are covered once, not twice.
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
import itertools
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from cairo import Context
from manim import Mobject, Text, VMobject, config
from manim.camera.camera import Camera
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.mobject.text import tex_mobject
from manim.utils.iterables import remove_list_redundancies
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


_manim_display = Camera.display_multiple_non_background_colored_vmobjects  # (tests)


def _flat_fill(vmobject: VMobject) -> tuple[object, ...] | None:
    """What a run of VMobjects drawn as one path must share (the style of a fill with
    at most an outline behind it, in flat colours), or None: drawn alone.

    Compared to ``_SAME`` (a millionth of a colour level's range, of a stroke width):
    an animation that ends on a style may leave it a rounding error away (a Write
    leaves a stroke of width 1e-17 in front), which cairo draws as the style itself.
    """
    if vmobject.get_stroke_width() > _SAME:  # a stroke in front is drawn over each fill
        return None
    fill = vmobject.get_fill_rgbas()
    outline = vmobject.get_stroke_rgbas(background=True)
    if len(fill) != 1 or len(outline) != 1:  # gradients: from each one's own points
        return None
    return (
        np.round(fill / _SAME).tobytes(),
        np.round(outline / _SAME).tobytes(),
        round(vmobject.get_stroke_width(background=True) / _SAME),
        vmobject.joint_type,
        vmobject.cap_style,
        vmobject.tolerance_for_point_equality,
    )


_SAME = 1e-6
_CARRIER: list[VMobject] = []  # one VMobject that holds a run's points while it is drawn


def _display_fills_together(
    self: Camera, vmobjects: Iterable[VMobject], pixel_array: np.ndarray
) -> None:
    """``Camera.display_multiple_non_background_colored_vmobjects``, drawing each run
    of consecutive VMobjects of one flat fill (and outline behind) as one path."""
    ctx: Context = self.get_cairo_context(pixel_array)
    for key, members in itertools.groupby(vmobjects, _flat_fill):
        run = list(members)
        points = np.concatenate([m.points for m in run]) if key and len(run) > 1 else None
        if points is None or not np.isfinite(points).all():  # alone, as manim draws it
            for vmobject in run:
                self.display_vectorized(vmobject, ctx)
            continue
        if not _CARRIER:
            _CARRIER.append(VMobject())
        carrier = _CARRIER[0]
        carrier.points, carrier.tolerance_for_point_equality = points, key[-1]
        self.set_cairo_context_path(ctx, carrier)  # every outline, each its own subpath
        self.apply_stroke(ctx, run[0], background=True)  # the outlines, behind every fill
        self.apply_fill(ctx, run[0])
        carrier.points = np.zeros((0, 3))


if not getattr(Camera, "_rnn_lecture_fills_together", False):
    Camera.display_multiple_non_background_colored_vmobjects = _display_fills_together  # type: ignore[method-assign]
    Camera._rnn_lecture_fills_together = True  # type: ignore[attr-defined]
