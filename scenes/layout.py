"""Where things go on screen: the frame, its margin, the title line and the stage.

Every layout constant that more than one module uses is named here once; a
module's own spacing (a scene's panel positions, a mobject's cell sizes) stays in
that module. The stage (``STAGE_*``) is the area under the title line that scenes
fill; ``fit_within`` scales a mobject down into a part of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from manim import Mobject

__all__ = [
    "ARROW_TIP",
    "FRAME_HEIGHT",
    "FRAME_MARGIN",
    "FRAME_WIDTH",
    "STAGE_BOTTOM",
    "STAGE_CENTER",
    "STAGE_TOP",
    "STAGE_WIDTH",
    "TITLE_BUFF",
    "fit_within",
    "keep_inside",
]

# --- the frame: manim's 14.2 x 8 units, everything kept inside a margin -------------
FRAME_WIDTH = 14.2
FRAME_HEIGHT = 8.0
FRAME_MARGIN = 0.4  # keep everything this far inside the 14.2 x 8 frame
TITLE_BUFF = 0.35  # distance of the title line from the top edge

# --- the stage: the frame minus the margin, below the title line ---------------------
STAGE_WIDTH = round(FRAME_WIDTH - 2 * FRAME_MARGIN, 2)  # 13.4
STAGE_TOP = 2.95  # just under the title line
STAGE_BOTTOM = -(FRAME_HEIGHT / 2 - FRAME_MARGIN)  # -3.6
STAGE_CENTER = np.array([0.0, (STAGE_TOP + STAGE_BOTTOM) / 2, 0.0])

# --- arrows ---------------------------------------------------------------------------
ARROW_TIP = 0.14  # arrow tip length


def fit_within(mob: Mobject, width: float, height: float) -> Mobject:
    """Scale ``mob`` down (never up) so that it fits a ``width`` x ``height`` box."""
    factor = min(1.0, width / max(mob.width, 1e-9), height / max(mob.height, 1e-9))
    if factor < 1.0:
        mob.scale(factor)
    return mob


def keep_inside(mob: Mobject, top: float = STAGE_TOP) -> Mobject:
    """Shrink ``mob`` into the stage if it is larger, then shift it (the least) so that
    it lies between ``-STAGE_WIDTH/2 .. STAGE_WIDTH/2`` and ``STAGE_BOTTOM .. top``."""
    fit_within(mob, STAGE_WIDTH, top - STAGE_BOTTOM)
    half = STAGE_WIDTH / 2
    dx = max(0.0, -half - mob.get_left()[0]) - max(0.0, mob.get_right()[0] - half)
    dy = max(0.0, STAGE_BOTTOM - mob.get_bottom()[1]) - max(0.0, mob.get_top()[1] - top)
    return mob.shift(np.array([dx, dy, 0.0]))
