"""The visual grammar: colour distances (normal and colour-blind vision) and legibility."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from scenes.colorimetry import (
    ciede2000,
    contrast_ratio,
    hex_to_rgb,
    simulate_cvd,
    srgb_to_lab,
)
from scenes.grammar import (
    MEANING,
    SLIDE_MATES,
    SOURCE_COLORS,
    loss_color,
    meaning_colors,
    source_color,
    text_color_on,
    value_color,
)

NORMAL_MIN = 20.0
CVD_MIN = 10.0
VISIONS = ("normal", "deuteranopia", "protanopia")

# Sharma, Wu & Dalal (2005), Table 1: L1 a1 b1 L2 a2 b2 dE00.
SHARMA = np.array(
    [
        [50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425],
        [50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615],
        [50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412],
        [50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000],
        [50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000],
        [50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000],
        [50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669],
        [50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669],
        [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792],
        [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792],
        [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195],
        [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195],
        [50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045],
        [50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045],
        [50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461],
        [50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065],
        [50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492],
        [50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977],
        [50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030],
        [50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535],
        [50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000],
        [50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000],
        [50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000],
        [50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000],
        [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
        [63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630],
        [61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731],
        [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
        [22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373],
        [36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
        [90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441],
        [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
        [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
        [2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082],
    ]
)


def _lab(colors: list, vision: str) -> np.ndarray:
    rgb = np.array([hex_to_rgb(c.to_hex() if hasattr(c, "to_hex") else c) for c in colors])
    if vision != "normal":
        rgb = simulate_cvd(rgb, vision)
    return srgb_to_lab(rgb)


def _distance(a, b, vision: str) -> float:
    la, lb = _lab([a, b], vision)
    return float(ciede2000(la, lb))


def _group(name: str) -> str:
    return name.split(" ")[0].split("_")[0]


def _checked(a: str, b: str) -> bool:
    """Whether meanings ``a`` and ``b`` can share a slide (see ``SLIDE_MATES``)."""
    ga, gb = _group(a), _group(b)
    if ga == gb:
        return True
    if ga in SLIDE_MATES and gb not in SLIDE_MATES[ga][0]:
        return False
    return not (gb in SLIDE_MATES and ga not in SLIDE_MATES[gb][0])


def _threshold(vision: str) -> float:
    return NORMAL_MIN if vision == "normal" else CVD_MIN


def _value_scale_points() -> dict[str, object]:
    """The value scale's ends, its zero and points along each arm."""
    pts = {f"value {v:+.2f}": value_color(v) for v in np.linspace(-1.0, 1.0, 9)}
    pts["value 0"] = value_color(0.0)
    return pts


def test_ciede2000_matches_sharma_table() -> None:
    d = ciede2000(SHARMA[:, :3], SHARMA[:, 3:6])
    np.testing.assert_allclose(d, SHARMA[:, 6], atol=1e-4)
    np.testing.assert_allclose(ciede2000(SHARMA[:, 3:6], SHARMA[:, :3]), SHARMA[:, 6], atol=1e-4)


def test_cvd_simulation_keeps_greys_and_merges_red_green() -> None:
    grey = np.array([[0.5, 0.5, 0.5]])
    for kind in ("deuteranopia", "protanopia"):
        np.testing.assert_allclose(simulate_cvd(grey, kind), grey, atol=2e-3)
    red, green = np.array([[0.8, 0.3, 0.2]]), np.array([[0.45, 0.5, 0.2]])
    normal = ciede2000(srgb_to_lab(red), srgb_to_lab(green))[0]
    deut = ciede2000(
        srgb_to_lab(simulate_cvd(red, "deuteranopia")),
        srgb_to_lab(simulate_cvd(green, "deuteranopia")),
    )[0]
    assert deut < normal / 2


def test_slide_mates_name_real_meanings() -> None:
    groups = {_group(n) for n in meaning_colors()}
    for name, (mates, reason) in SLIDE_MATES.items():
        assert name in groups and set(mates) <= groups, name
        assert len(reason) > 20
    assert len(SLIDE_MATES) <= 5


@pytest.mark.parametrize("vision", VISIONS)
def test_meanings_that_share_a_slide_are_far_apart(vision: str) -> None:
    colors = meaning_colors()
    names = list(colors)
    lab = _lab([colors[n] for n in names], vision)
    close = []
    for i, j in itertools.combinations(range(len(names)), 2):
        if not _checked(names[i], names[j]):
            continue
        d = float(ciede2000(lab[i], lab[j]))
        if d < _threshold(vision):
            close.append((names[i], names[j], round(d, 1)))
    assert not close, f"{vision}: meanings too close (CIEDE2000): {close}"


@pytest.mark.parametrize("vision", VISIONS)
def test_value_scale_stays_off_the_source_colours(vision: str) -> None:
    scale = _value_scale_points()
    others = {f"source {s + 1}": source_color(s) for s in range(len(SOURCE_COLORS))}
    others["recurrent"] = MEANING.recurrent.color
    close = [
        (a, b, round(d, 1))
        for a, ca in scale.items()
        for b, cb in others.items()
        if abs(float(a.split()[1])) >= 0.5 or a == "value 0"
        if (d := _distance(ca, cb, vision)) < _threshold(vision)
    ]
    assert not close, f"{vision}: value scale near a source colour: {close}"


@pytest.mark.parametrize("vision", VISIONS)
def test_source_colours_away_from_the_recurrent_yellow(vision: str) -> None:
    near = [
        s + 1
        for s in range(len(SOURCE_COLORS))
        if _distance(source_color(s), MEANING.recurrent.color, vision) < _threshold(vision)
    ]
    assert not near


def test_ten_source_colours_and_value_scale_is_diverging() -> None:
    assert len({c.to_hex() for c in SOURCE_COLORS}) >= 10
    assert value_color(0.0).to_hex() == MEANING.value_zero.color.to_hex()
    assert value_color(5.0).to_hex() == MEANING.value_positive.color.to_hex()
    assert value_color(-5.0).to_hex() == MEANING.value_negative.color.to_hex()
    # magnitude is intensity: the arms get further from zero as |v| grows
    for end in (-1.0, 1.0):
        ds = [_distance(value_color(end * t), value_color(0.0), "normal") for t in (0.25, 0.5, 1)]
        assert ds == sorted(ds) and ds[0] > 0


def test_loss_scale_is_not_the_value_scale() -> None:
    for v in (0.5, 1.0, 3.0):
        c = loss_color(v, 3.0)
        assert min(_distance(c, value_color(w), "normal") for w in (-1, -0.5, 0.5, 1)) > 10


@pytest.mark.parametrize("fill", ["#000000", "#FFFFFF", "#E07A1F", "#F5D142", "#3D7FE0", "#777777"])
@pytest.mark.parametrize("opacity", [1.0, 0.55])
def test_text_colour_on_any_fill_is_legible(fill: str, opacity: float) -> None:
    from manim import ManimColor

    from scenes.grammar import _over_background

    text = text_color_on(ManimColor(fill), opacity)
    seen = _over_background(ManimColor(fill), opacity)
    assert contrast_ratio(text.to_hex(), seen) >= 4.5


def test_text_colours_on_the_background_are_legible() -> None:
    bg = MEANING.background.color.to_hex()
    for name in ("text", "neutral", "recurrent", "input", "hidden", "output", "loss", "error"):
        assert contrast_ratio(getattr(MEANING, name).color.to_hex(), bg) >= 4.5, name


def test_source_colours_stand_out_from_the_background() -> None:
    """Error arrows and frames are graphics: WCAG 2.x asks 3:1 for non-text contrast."""
    bg = MEANING.background.color.to_hex()
    low = [
        (s + 1, round(r, 2))
        for s, c in enumerate(SOURCE_COLORS)
        if (r := contrast_ratio(c.to_hex(), bg)) < 3.0
    ]
    assert not low
