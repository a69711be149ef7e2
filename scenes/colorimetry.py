"""Colour science for the visual grammar, in plain NumPy.

What the grammar (``scenes.grammar``) and its tests measure colours with:

- ``srgb_to_lab``: sRGB (0..1, D65) -> CIELAB.
- ``ciede2000``: the CIEDE2000 colour difference (Sharma, Wu & Dalal 2005).
- ``simulate_cvd``: dichromacy (``"deuteranopia"``, ``"protanopia"``) after
  Machado, Oliveira & Fernandes (2009), severity 1.0, applied in linear RGB.
- ``contrast_ratio``: the WCAG 2.x contrast ratio of two colours.

Colours are given as hex strings (``"#RRGGBB"``) or RGB arrays in 0..1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "CVD_MATRICES",
    "ciede2000",
    "contrast_ratio",
    "hex_to_rgb",
    "relative_luminance",
    "rgb_to_hex",
    "simulate_cvd",
    "srgb_to_lab",
]

# Machado, Oliveira & Fernandes (2009), severity 1.0; they act on linear RGB.
CVD_MATRICES: dict[str, np.ndarray] = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
}

# sRGB (linear) -> XYZ, D65 white; and the D65 white point.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_WHITE = np.array([0.95047, 1.0, 1.08883])


def hex_to_rgb(color: str | Sequence[float] | np.ndarray) -> np.ndarray:
    """RGB in 0..1 of a ``"#RRGGBB"`` string (arrays pass through as float)."""
    if isinstance(color, str):
        h = color.lstrip("#")
        if len(h) != 6:
            raise ValueError(f"expected a colour '#RRGGBB', got {color!r}")
        return np.array([int(h[i : i + 2], 16) / 255.0 for i in (0, 2, 4)])
    return np.asarray(color, dtype=float)


def rgb_to_hex(rgb: Sequence[float] | np.ndarray) -> str:
    """``"#RRGGBB"`` of an RGB triple in 0..1 (clipped)."""
    v = np.clip(np.round(np.asarray(rgb, dtype=float) * 255.0), 0, 255).astype(int)
    return "#{:02X}{:02X}{:02X}".format(*v)


def _to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _to_srgb(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB colours, shape ``(..., 3)`` in 0..1."""
    xyz = _to_linear(np.asarray(rgb, dtype=float)) @ _RGB_TO_XYZ.T / _WHITE
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def simulate_cvd(rgb: np.ndarray, kind: str) -> np.ndarray:
    """sRGB colours as seen with a dichromacy (Machado et al. 2009, severity 1).

    Parameters
    ----------
    rgb
        sRGB colours in 0..1, shape ``(..., 3)``.
    kind
        ``"deuteranopia"`` or ``"protanopia"``.
    """
    if kind not in CVD_MATRICES:
        raise ValueError(
            f"unknown colour-vision deficiency {kind!r}; one of {sorted(CVD_MATRICES)}"
        )
    lin = _to_linear(np.asarray(rgb, dtype=float)) @ CVD_MATRICES[kind].T
    return _to_srgb(lin)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference (kL = kC = kH = 1), broadcast over ``(..., 3)``.

    Follows the implementation notes of Sharma, Wu & Dalal (2005), including
    the hue-mean and hue-difference branches at 180 degrees.
    """
    lab1 = np.asarray(lab1, dtype=float)
    lab2 = np.asarray(lab2, dtype=float)
    L1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    L2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    h1p = np.where(c1p == 0, 0.0, h1p)
    h2p = np.where(c2p == 0, 0.0, h2p)
    chroma0 = (c1p * c2p) == 0

    d_l = L2 - L1
    d_c = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chroma0, 0.0, dh)
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))

    l_bar = (L1 + L2) / 2
    cp_bar = (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_bar = np.where(
        np.abs(h1p - h2p) <= 180,
        h_sum / 2,
        np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2),
    )
    h_bar = np.where(chroma0, h_sum, h_bar)
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    x_l, x_c, x_h = d_l / s_l, d_c / s_c, d_h / s_h
    return np.sqrt(x_l**2 + x_c**2 + x_h**2 + r_t * x_c * x_h)


def relative_luminance(color: str | Sequence[float] | np.ndarray) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""
    lin = _to_linear(hex_to_rgb(color))
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(
    fg: str | Sequence[float] | np.ndarray, bg: str | Sequence[float] | np.ndarray
) -> float:
    """WCAG 2.x contrast ratio ``(L1 + 0.05) / (L2 + 0.05)``, from 1 to 21."""
    la, lb = relative_luminance(fg), relative_luminance(bg)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)
