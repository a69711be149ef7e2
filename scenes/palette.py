"""The one palette of the lecture: every colour and type size that carries meaning.

Value -> colour / width mappings live here too (``value_color``, ``value_width``),
so every scene encodes a number the same way: sign is hue (blue negative, orange
positive), magnitude is intensity or stroke width.
"""

from __future__ import annotations

import numpy as np
from manim import ManimColor, interpolate_color

__all__ = [
    "BACKGROUND",
    "CHANNELS",
    "DCL_ERROR",
    "FONT_LABEL",
    "FONT_NUMBER",
    "FONT_SMALL",
    "FONT_TITLE",
    "GRADIENT",
    "GREY_OUT",
    "HIDDEN",
    "INPUT",
    "LOSS",
    "NEGATIVE",
    "NEUTRAL",
    "OKABE_ITO",
    "OUTPUT",
    "POSITIVE",
    "RECURRENT",
    "SOURCE_CYCLE",
    "TEXT",
    "ZERO",
    "source_color",
    "value_color",
    "value_width",
]

# --- Okabe & Ito (2008), the colour-blind-safe qualitative set -----------------
OKABE_ITO: tuple[ManimColor, ...] = tuple(
    ManimColor(h)
    for h in (
        "#E69F00",  # orange
        "#56B4E9",  # sky blue
        "#009E73",  # bluish green
        "#F0E442",  # yellow
        "#0072B2",  # blue
        "#D55E00",  # vermillion
        "#CC79A7",  # reddish purple
        "#FFFFFF",  # white (the set's black, inverted for a dark background)
    )
)

# --- roles ---------------------------------------------------------------------
BACKGROUND = ManimColor("#111418")
TEXT = ManimColor("#F2F2F2")
NEUTRAL = ManimColor("#8A8F98")  # outlines, zero values, inactive things
GREY_OUT = ManimColor("#4A4E55")  # what is cut away (truncation, masked losses)
RECURRENT = ManimColor("#F5D142")  # the article's yellow recurrent arrows
DCL_ERROR = ManimColor("#E8464B")  # the article's red error arrows
INPUT = ManimColor("#7FC8A9")  # x(t) layer outline
HIDDEN = ManimColor("#B7A7E8")  # h(t) layer outline
OUTPUT = ManimColor("#F2A07B")  # o(t), y_hat(t) layer outline
LOSS = ManimColor("#E8464B")  # L(t)
GRADIENT = ManimColor("#5FB3F0")  # frames around gradients when no source colour applies

# Diverging scale: sign = hue, magnitude = intensity.
NEGATIVE = ManimColor("#3A8DDE")
POSITIVE = ManimColor("#F08A24")
ZERO = ManimColor("#2A2E35")

# Colour channels of an image tensor (3, height, width): red, green, blue sheets.
CHANNELS: tuple[ManimColor, ...] = tuple(ManimColor(h) for h in ("#E0605A", "#5DBB6A", "#5A8CE0"))

# --- type sizes (legible at 854x480) -------------------------------------------
FONT_TITLE = 36
FONT_LABEL = 26
FONT_NUMBER = 22
FONT_SMALL = 20


def value_color(value: float, vmax: float = 1.0) -> ManimColor:
    """Colour of a signed value on the diverging scale.

    Parameters
    ----------
    value
        The number to encode.
    vmax
        The magnitude that gets the full colour; larger magnitudes saturate.
    """
    t = float(np.clip(abs(value) / vmax, 0.0, 1.0)) if vmax > 0 else 0.0
    return interpolate_color(ZERO, POSITIVE if value >= 0 else NEGATIVE, t)


def value_width(value: float, vmax: float = 1.0, lo: float = 0.5, hi: float = 6.0) -> float:
    """Stroke width for a weight: magnitude maps linearly onto ``[lo, hi]``."""
    t = float(np.clip(abs(value) / vmax, 0.0, 1.0)) if vmax > 0 else 0.0
    return lo + (hi - lo) * t


# Colours of the source losses L(s): Okabe-Ito without its yellow, which means
# "recurrent connection" in this lecture.
SOURCE_CYCLE: tuple[ManimColor, ...] = tuple(OKABE_ITO[i] for i in (0, 1, 2, 6, 5, 4, 7))


def source_color(s: int) -> ManimColor:
    """Colour of the errors that come from the loss L(s) (Okabe-Ito, cycling)."""
    return SOURCE_CYCLE[s % len(SOURCE_CYCLE)]
