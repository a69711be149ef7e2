"""Behaviour-preserving speed-ups of manim 0.21's cairo camera, which draws every
frame: imported for its side effect by ``scenes.manim_fixes``.

At 480p a frame costs Python far more than cairo, and the camera's Python is
manim's per-mobject, per-curve loops. Each fix here draws the same path (or, for
runs, the same picture up to where glyphs touch) with less of it:

- ``extract_mobject_family_members`` (``_family_members``): the camera passes it
  every member on screen and it walks each member's family again, at every frame.
  One walk gives the same list.
- ``Camera.set_cairo_context_path`` (``_path_from_floats``): the subpaths and their
  closing for all curves in a few array operations, and each curve's coordinates as
  Python floats at once; the same cairo path.
- ``display_multiple_non_background_colored_vmobjects`` (``_display_fills_together``):
  the camera draws each VMobject as its own cairo path; a line of text is one
  VMobject per glyph, and glyphs were three quarters of what a slide draws per
  frame (TruncatedBPTT: 127,000 of 166,000 paths). Consecutive members with the
  same flat fill and the same outline behind it (``set_stroke(background=True)``)
  and no stroke in front (the glyphs of one text, the numbers of one colour) are
  drawn as one path: every outline, then every fill. The outlines, colours and
  widths are the same; what changes is that no glyph's outline is painted over its
  neighbour's fill (a halo stays behind the whole text), and pixels where two glyphs
  touch are covered once, not twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from cairo import Context
from manim import Mobject, VMobject
from manim.camera import camera as camera_module
from manim.camera.camera import Camera
from manim.scene import scene as scene_module
from manim.utils import family

__all__: list[str] = []

_manim_display = Camera.display_multiple_non_background_colored_vmobjects  # (tests)
_manim_set_path = Camera.set_cairo_context_path
_manim_extract = family.extract_mobject_family_members


def _family_members(
    mobjects: Iterable[Mobject], use_z_index: bool = False, only_those_with_points: bool = False
) -> list[Mobject]:
    """``extract_mobject_family_members``: the families of ``mobjects`` one after the
    other, repeats removed (the last of each kept), in one walk.

    manim concatenates one family per mobject, and the camera passes it a list that is
    already every member of the families on screen: each member's family is walked
    again, at every frame. Walked backwards, a member met a second time has had its
    whole family met already (a family holds all of a member's), so it is skipped with
    it; the list is the same.
    """
    seen: set[Mobject] = set()
    found: list[Mobject] = []  # backwards
    for top in reversed(list(mobjects)):
        stack: list[tuple[Mobject, bool]] = [(top, False)]
        while stack:
            mobject, met = stack.pop()
            if met:  # after its family, as a reversed walk meets it
                found.append(mobject)
            elif mobject not in seen:
                seen.add(mobject)
                stack.append((mobject, True))
                stack.extend((child, False) for child in mobject.submobjects)
    found.reverse()
    if only_those_with_points:
        found = [m for m in found if m.get_num_points() > 0]
    return sorted(found, key=lambda m: m.z_index) if use_z_index else found


def _path_from_floats(self: Camera, ctx: Context, vmobject: VMobject) -> Camera:
    """``Camera.set_cairo_context_path`` in a few array operations per path.

    manim indexes the array for every coordinate of every curve (a NumPy scalar each)
    and tests each subpath's closing on its own. Here each curve's coordinates are read
    as Python floats at once, and the subpaths (where a curve does not start at the end
    of the one before, ``VMobject.get_subpath_split_indices_from_points``) and their
    closing (``VMobject.consider_points_equals_2d``: first and last point equal) are
    found for all curves together, with the same tolerances. The points are finite
    here (``transform_points_pre_display`` replaces any others), so NumPy's special
    cases of ``isclose`` for NaN and infinities never arise.
    """
    points = self.transform_points_pre_display(vmobject, vmobject.points)
    nppcc = vmobject.n_points_per_cubic_curve  # 4: anchor, handle, handle, anchor
    n = len(points) // nppcc  # whole curves
    if len(points) == 0:
        return self
    ctx.new_path()
    if n == 0:
        return self
    atol, rtol = vmobject.tolerance_for_point_equality, 1e-5  # (rtol: np.isclose's)
    xy = points[:, :2]
    ends, starts = xy[nppcc - 1 : -1 : nppcc], xy[nppcc::nppcc]  # of adjacent curves
    splits = ~(np.abs(ends - starts) <= atol + rtol * np.abs(starts)).all(axis=1)
    first = np.concatenate([[0], np.flatnonzero(splits) + 1])  # curve starting each subpath
    stop = np.append(first[1:], n)  # its curves: first..stop-1
    last = np.append(first[1:] * nppcc, len(points)) - 1  # its last point
    p0, p1 = xy[first * nppcc], xy[last]
    closed = (np.abs(p0 - p1) <= atol + rtol * np.abs(p1)).all(axis=1)
    curves = xy[: n * nppcc].reshape(n, 2 * nppcc)[:, 2:].tolist()  # (n, 6): h, h, anchor
    curve_to = ctx.curve_to
    for a, b, (x, y), close in zip(
        first.tolist(), stop.tolist(), p0.tolist(), closed.tolist(), strict=True
    ):
        if a == b:  # a last curve of fewer than nppcc points: not drawn
            continue
        ctx.new_sub_path()
        ctx.move_to(x, y)
        for curve in curves[a:b]:
            curve_to(*curve)
        if close:
            ctx.close_path()
    return self


def _flat_style(vmobject: VMobject) -> tuple[Any, ...] | None:
    """What a run of VMobjects drawn as one path must share (the style of a fill with
    at most an outline behind it, in flat colours), or None: drawn alone."""
    if vmobject.get_stroke_width() > _SAME:  # a stroke in front is drawn over each fill
        return None
    fill = vmobject.get_fill_rgbas()
    outline = vmobject.get_stroke_rgbas(background=True)
    if len(fill) != 1 or len(outline) != 1:  # gradients: from each one's own points
        return None
    return (
        fill,
        outline,
        vmobject.get_stroke_width(background=True),
        vmobject.joint_type,
        vmobject.cap_style,
        vmobject.tolerance_for_point_equality,
    )


def _same_style(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Styles equal to ``_SAME`` (a millionth of a colour level's range, of a stroke
    width): an animation that ends on a style may leave it a rounding error away (a
    Write leaves a stroke of width 1e-17 in front), which cairo draws as the style."""
    if a[3:] != b[3:] or abs(a[2] - b[2]) > _SAME:
        return False
    return _close(a[0], b[0]) and _close(a[1], b[1])


def _close(x: np.ndarray, y: np.ndarray) -> bool:
    """Two colour arrays of one row equal to ``_SAME`` (exactly equal, mostly)."""
    return x.tobytes() == y.tobytes() or bool(np.abs(x - y).max() <= _SAME)


def _runs(vmobjects: Iterable[VMobject]) -> Iterator[tuple[tuple[Any, ...] | None, list[VMobject]]]:
    """Consecutive VMobjects of the same flat style (each with its style; alone: None)."""
    run: list[VMobject] = []
    style: tuple[Any, ...] | None = None
    for vmobject in vmobjects:
        own = _flat_style(vmobject)
        if own is not None and style is not None and _same_style(own, style):
            run.append(vmobject)
            continue
        if run:
            yield style, run
        run, style = [vmobject], own
    if run:
        yield style, run


_SAME = 1e-6
_CARRIER: list[VMobject] = []  # one VMobject that holds a run's points while it is drawn


def _display_fills_together(
    self: Camera, vmobjects: Iterable[VMobject], pixel_array: np.ndarray
) -> None:
    """``Camera.display_multiple_non_background_colored_vmobjects``, drawing each run
    of consecutive VMobjects of one flat fill (and outline behind) as one path."""
    ctx: Context = self.get_cairo_context(pixel_array)
    for style, run in _runs(vmobjects):
        points = np.concatenate([m.points for m in run]) if style and len(run) > 1 else None
        if points is None or not np.isfinite(points).all():  # alone, as manim draws it
            for vmobject in run:
                self.display_vectorized(vmobject, ctx)
            continue
        if not _CARRIER:
            _CARRIER.append(VMobject())
        carrier = _CARRIER[0]
        carrier.points, carrier.tolerance_for_point_equality = points, style[-1]
        self.set_cairo_context_path(ctx, carrier)  # every outline, each its own subpath
        self.apply_stroke(ctx, run[0], background=True)  # the outlines, behind every fill
        self.apply_fill(ctx, run[0])
        carrier.points = np.zeros((0, 3))


if not getattr(Camera, "_rnn_lecture_fills_together", False):
    Camera.display_multiple_non_background_colored_vmobjects = _display_fills_together  # type: ignore[method-assign]
    Camera.set_cairo_context_path = _path_from_floats  # type: ignore[method-assign]
    for _module in (camera_module, scene_module):  # (each imported the name)
        _module.extract_mobject_family_members = _family_members  # type: ignore[attr-defined]
    Camera._rnn_lecture_fills_together = True  # type: ignore[attr-defined]
