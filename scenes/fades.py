"""Fades that change only opacities, in place: the same frames as manim's, no copies.

A plain ``FadeIn(m)`` or ``FadeOut(m)`` (no shift, no scale, no target position) is a
``Transform`` between ``m`` and a copy of it faded by ``fade(1)``, which scales the
fill, stroke and background-stroke alphas to 0 and leaves every point, colour and
width as it is. manim builds that with two or three deep copies of the whole family in
``begin()`` and interpolates every point array and colour array of every member on
every frame. For a slide of numbers that is most of a render's time (``clear_stage``
fades out a whole slide at once).

``OpacityFade`` does the same arithmetic on the alphas alone: every frame, each
member's alpha row is its own alpha times ``a`` (fading in) or ``1 - a`` (fading out),
with ``a`` the rate function of the member's sub-alpha (``lag_ratio`` as manim
computes it). That is exactly manim's ``interpolate(faded, original, a)`` of those
arrays, and the points it leaves alone are the ones manim interpolates from a point
to itself. The original arrays are put back when the fade ends.

``in_place`` turns a plain fade into an ``OpacityFade`` and leaves every other
animation (and any fade of a family with non-vector members, such as images) to
manim; ``LectureScene.play`` applies it to everything it plays, inside groups too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import Animation, AnimationGroup, FadeIn, FadeOut, Mobject, VMobject

__all__ = ["OpacityFade", "in_place"]

_ALPHAS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")  # (n, 4) RGBA rows


class OpacityFade(Animation):
    """Fade ``mobject`` in (``into=True``) or out by scaling its alphas in place.

    Parameters
    ----------
    mobject
        What fades; every family member with points must be a ``VMobject``.
    into
        ``True``: from transparent to as it is (an introducer, like ``FadeIn``);
        ``False``: from as it is to transparent, then removed (like ``FadeOut``).
    **kwargs
        ``run_time``, ``rate_func``, ``lag_ratio``, as for any ``Animation``.
    """

    def __init__(self, mobject: Mobject, into: bool, **kwargs: Any) -> None:
        self.into = into
        # per member: its colour arrays as given, the copies it is drawn from, itself
        self.originals: list[tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...], VMobject]] = []
        super().__init__(mobject, introducer=into, remover=not into, **kwargs)

    def begin(self) -> None:
        # each member draws from working copies that only this fade writes to; the
        # originals wait untouched (another fade of the same member works on its own)
        for member in self.mobject.family_members_with_points():
            originals = tuple(getattr(member, name) for name in _ALPHAS)
            working = tuple(np.array(array, dtype=float) for array in originals)
            for name, array in zip(_ALPHAS, working, strict=True):
                setattr(member, name, array)
            self.originals.append((originals, working, member))
        super().begin()

    def create_starting_mobject(self) -> Mobject:
        return self.mobject  # nothing to copy: the originals are kept above

    def interpolate_mobject(self, alpha: float) -> None:
        count = len(self.originals)
        for index, (originals, working, _) in enumerate(self.originals):
            shown = self.get_sub_alpha(alpha, index, count)  # rate_func applied
            factor = shown if self.into else 1.0 - shown
            for original, array in zip(originals, working, strict=True):
                array[:, 3] = original[:, 3] * factor

    def finish(self) -> None:
        super().finish()
        if self.into:  # the mobject stays on screen exactly as it was given
            self.restore()

    def clean_up_from_scene(self, scene: Any) -> None:
        super().clean_up_from_scene(scene)
        self.restore()  # removed, and as it was (manim's FadeOut does the same)

    def restore(self) -> None:
        """Put every member's original colour arrays back."""
        for originals, _, member in self.originals:
            for name, array in zip(_ALPHAS, originals, strict=True):
                setattr(member, name, array)
        self.originals = []


def in_place(animation: Animation) -> Animation:
    """``animation`` with every plain fade in it (groups included) an ``OpacityFade``."""
    if isinstance(animation, AnimationGroup):
        animation.animations = [in_place(a) for a in animation.animations]
        animation.build_animations_with_timings()  # the timings table holds them too
        return animation
    if type(animation) not in (FadeIn, FadeOut) or not _plain(animation):
        return animation
    return OpacityFade(
        animation.mobject,
        into=type(animation) is FadeIn,
        run_time=animation.run_time,
        rate_func=animation.rate_func,
        lag_ratio=animation.lag_ratio,
        reverse_rate_function=animation.reverse_rate_function,
        suspend_mobject_updating=animation.suspend_mobject_updating,
        name=animation.name,
        _on_finish=animation._on_finish,
    )


def _plain(fade: FadeIn | FadeOut) -> bool:
    """The fade changes alphas only, and every member it draws has them."""
    unmoved = not fade.point_target and not np.any(fade.shift_vector) and fade.scale_factor == 1
    members = fade.mobject.family_members_with_points()
    return unmoved and all(isinstance(m, VMobject) for m in members)
