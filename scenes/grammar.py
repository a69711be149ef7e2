"""The visual grammar of the lecture: every meaning and how it is drawn, in one table.

A scene never picks a colour: it names a meaning (``MEANING.recurrent.color``,
``source_color(s)``, ``value_color(v)``) and this module says how that meaning
looks (colour, stroke width, dash). The colours are chosen so that no two
meanings that can share a slide share a hue, for normal vision and simulated
deuteranopia and protanopia (``tests/test_grammar.py`` measures CIEDE2000
distances with ``scenes.colorimetry``):

- values (activations, weights, errors) on one diverging scale: sign is hue
  (blue negative, orange positive), magnitude is intensity, and for weights
  also stroke width (``value_color``, ``value_width``);
- a loss has its own sequential scale (``loss_color``), never the +-1 value scale;
- the source losses L(1)..L(10) have ten colours off the value scale and away
  from the recurrent yellow (``source_color``);
- numbers drawn on a filled cell take their colour from the fill
  (``text_color_on``) so that the WCAG contrast ratio is at least 4.5:1.

``SLIDE_MATES`` is the explicit, short list of meanings that live on a few
slides only; the distance test checks them against their slide mates alone.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from manim import ManimColor

from scenes.colorimetry import contrast_ratio, hex_to_rgb, rgb_to_hex

__all__ = [
    "BACKGROUND",
    "CURVE_COLORS",
    "FONT_LABEL",
    "FONT_NUMBER",
    "FONT_SMALL",
    "FONT_TITLE",
    "IMAGE_CHANNELS",
    "MEANING",
    "MIN_TEXT_CONTRAST",
    "SLIDE_MATES",
    "SOURCE_COLORS",
    "Encoding",
    "Meanings",
    "curve_color",
    "loss_color",
    "meaning_colors",
    "source_color",
    "text_color_on",
    "value_color",
    "value_width",
]


@dataclass(frozen=True)
class Encoding:
    """How one meaning is drawn.

    Attributes
    ----------
    color
        Its colour.
    width
        Stroke width of lines and frames that carry it.
    dashed
        Drawn dashed (what is cut away, thresholds).
    """

    color: ManimColor
    width: float = 4.0
    dashed: bool = False


def _enc(hex_color: str, width: float = 4.0, dashed: bool = False) -> Encoding:
    return Encoding(ManimColor(hex_color), width, dashed)


@dataclass(frozen=True)
class Meanings:
    """The table of meanings (one ``Encoding`` each); ``MEANING`` is its one instance."""

    value_negative: Encoding  # negative end of the diverging value scale
    value_zero: Encoding  # its midpoint: a zero value (close to the background)
    value_positive: Encoding  # positive end of the value scale
    weight: Encoding  # a weight's line: value colour, width from |w| up to this width
    recurrent: Encoding  # W and the recurrent connections: the article's yellow arrows
    input: Encoding  # x(t), U: the input role
    hidden: Encoding  # h(t): the hidden role
    output: Encoding  # o(t), y_hat(t), V: the output role
    gradient: Encoding  # frames of one step's gradient contribution, gradient bars
    loss: Encoding  # L(t), L: the loss (and the top of its own scale)
    error: Encoding  # the DCL review's error arrows (the article's red arrows)
    highlight: Encoding  # "look here": frames and flashes that point at something
    cut: Encoding  # cut by truncation, masked (no loss), not used
    clip: Encoding  # the clipping threshold
    text: Encoding  # all text and numbers on the background
    neutral: Encoding  # axes, outlines, captions, equation numbers
    background: Encoding  # the slide
    cell: Encoding  # c(t), the LSTM's cell state: its line, strips and labels


MEANING = Meanings(
    value_negative=_enc("#315BC5"),
    value_zero=_enc("#000000"),
    value_positive=_enc("#B95101"),
    weight=_enc("#F2F2F2", width=6.0),
    recurrent=_enc("#FDFF24", width=4.0),
    input=_enc("#71DB00"),
    hidden=_enc("#AFB1FF"),
    output=_enc("#FFD48F"),
    gradient=_enc("#C2FFCF", width=3.0),
    loss=_enc("#FF7179"),
    error=_enc("#E96F6E", width=5.0),
    highlight=_enc("#F4B5D8", width=5.0),
    cut=_enc("#484848", width=3.0, dashed=True),
    clip=_enc("#F74447", width=4.0, dashed=True),
    text=_enc("#F2F2F2"),
    neutral=_enc("#A1A1A1", width=2.0),
    background=_enc("#111418"),
    cell=_enc("#E6AFCD", width=6.0),  # searched: >= 20 / 10 (CVD) from every checked meaning
)

BACKGROUND = MEANING.background.color

# One colour per source loss L(1)..L(10) (T = 10 is the largest lesson). Found with the
# role, loss, gradient, highlight and cut colours by a local search that maximises the
# smallest CIEDE2000 distance (normal >= 20, simulated deuteranopia/protanopia >= 10)
# while every source keeps a 3:1 contrast with the background.
SOURCE_COLORS: tuple[ManimColor, ...] = tuple(
    ManimColor(h)
    for h in (
        "#EC50B1",
        "#00B37F",
        "#A161FF",
        "#C88A0D",
        "#409DC7",
        "#B73742",
        "#82EDFF",
        "#95727E",
        "#8A8C53",
        "#006C80",
    )
)

# Series of a plot that are not source losses (the spectral radii of VanishingExploding).
CURVE_COLORS: tuple[ManimColor, ...] = tuple(
    ManimColor(h) for h in ("#F131B3", "#00D282", "#B39608", "#3A8CD4")
)

# The red, green and blue sheets of an image tensor: an image's own colours.
IMAGE_CHANNELS: tuple[ManimColor, ...] = tuple(
    ManimColor(h) for h in ("#ED587E", "#047424", "#2D8AD1")
)

# Meanings that appear on a few slides only, with the meanings they share them with.
# The distance test checks these against their slide mates only (and everything else
# against everything). Keep this list short and say why.
SLIDE_MATES: dict[str, tuple[tuple[str, ...], str]] = {
    "error": (
        ("value", "input", "hidden", "output", "highlight", "text", "neutral"),
        "the red error arrows belong to DenseBackprop, the DCL review: no source "
        "losses, no recurrence, no gradient frames, nothing cut or clipped there",
    ),
    "clip": (
        ("gradient", "text", "neutral"),
        "the clipping threshold is drawn on VanishingExploding's clipping slide only, "
        "beside the gradient-norm bars",
    ),
    "curve": (
        ("hidden", "text", "neutral"),
        "the spectral-radius curves and their error trails share VanishingExploding's "
        "plot slide with the hidden-step squares only",
    ),
    "highlight": (
        ("value", "input", "hidden", "output", "recurrent", "loss", "error", "text", "neutral"),
        "a highlight flashes on a neuron, a connection or an equation line and settles "
        "back (Indicate); it never flashes on the source-coloured error arrows, "
        "frames or cut paths",
    ),
    "channel": (
        ("input", "hidden", "output", "recurrent", "text", "neutral"),
        "an image's red, green and blue sheets appear in Mapping and TaskTypes, "
        "next to the abstract network roles only",
    ),
}

# --- type sizes (legible at 854x480) -------------------------------------------
FONT_TITLE = 36
FONT_LABEL = 26
FONT_NUMBER = 22
FONT_SMALL = 20

MIN_TEXT_CONTRAST = 4.5  # WCAG 2.x, normal text
DARK_TEXT = ManimColor("#000000")  # digits on a light fill
LIGHT_TEXT = ManimColor("#FFFFFF")  # digits on a dark fill


def _mix(a: ManimColor, b: ManimColor, t: float) -> ManimColor:
    """``a`` moved a fraction ``t`` towards ``b`` (linear in sRGB)."""
    ra, rb = hex_to_rgb(a.to_hex()), hex_to_rgb(b.to_hex())
    return ManimColor(rgb_to_hex(ra + (rb - ra) * float(t)))


def _fraction(value: float, vmax: float) -> float:
    return float(np.clip(abs(value) / vmax, 0.0, 1.0)) if vmax > 0 else 0.0


def value_color(value: float, vmax: float = 1.0) -> ManimColor:
    """Colour of a signed value on the diverging scale.

    Parameters
    ----------
    value
        The number to encode.
    vmax
        The magnitude that gets the full colour; larger magnitudes saturate.
    """
    end = MEANING.value_positive if value >= 0 else MEANING.value_negative
    return _mix(MEANING.value_zero.color, end.color, _fraction(value, vmax))


def value_width(value: float, vmax: float = 1.0, lo: float = 0.5, hi: float | None = None) -> float:
    """Stroke width of a weight: magnitude maps linearly onto ``[lo, hi]``.

    ``hi`` defaults to the width of ``MEANING.weight``.
    """
    top = MEANING.weight.width if hi is None else hi
    return lo + (top - lo) * _fraction(value, vmax)


def loss_color(value: float, vmax: float) -> ManimColor:
    """Colour of a loss value (>= 0) on the loss's own scale, zero to ``MEANING.loss``."""
    return _mix(MEANING.value_zero.color, MEANING.loss.color, 0.25 + 0.75 * _fraction(value, vmax))


def source_color(s: int) -> ManimColor:
    """Colour of the errors that come from the loss L(s) (0-based ``s``)."""
    return SOURCE_COLORS[s % len(SOURCE_COLORS)]


def curve_color(i: int) -> ManimColor:
    """Colour of the ``i``-th series of a plot whose series are not source losses."""
    return CURVE_COLORS[i % len(CURVE_COLORS)]


def _over_background(fill: ManimColor, opacity: float) -> str:
    bg = hex_to_rgb(BACKGROUND.to_hex())
    return rgb_to_hex(bg + (hex_to_rgb(fill.to_hex()) - bg) * float(np.clip(opacity, 0, 1)))


def text_color_on(fill: ManimColor | str, opacity: float = 1.0) -> ManimColor:
    """The text colour (light or dark) that reads best on ``fill``.

    Parameters
    ----------
    fill
        The cell's fill colour.
    opacity
        The fill's opacity over the slide background.

    Returns
    -------
    ManimColor
        White or black, whichever has the larger WCAG contrast ratio with the
        fill as seen on the background (at least 4.58 for any fill).
    """
    seen = _over_background(ManimColor(fill), opacity)
    light, dark = LIGHT_TEXT, DARK_TEXT
    if contrast_ratio(light.to_hex(), seen) >= contrast_ratio(dark.to_hex(), seen):
        return light
    return dark


def meaning_colors() -> dict[str, ManimColor]:
    """Every meaning colour by name: the table, ``source 1..10``, ``curve i``, ``channel i``.

    ``background`` and ``weight`` (drawn in value colours) are left out.
    """
    out = {
        f.name: getattr(MEANING, f.name).color
        for f in fields(MEANING)
        if f.name not in ("background", "weight")
    }
    out.update({f"source {s + 1}": c for s, c in enumerate(SOURCE_COLORS)})
    out.update({f"curve {i + 1}": c for i, c in enumerate(CURVE_COLORS)})
    out.update({f"channel {i + 1}": c for i, c in enumerate(IMAGE_CHANNELS)})
    return out
