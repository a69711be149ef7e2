"""Numbers as the lecture writes them: text, TeX and time steps.

Every number on screen is the core's number with two decimals (``fmt``, never
``-0.00``); ``shown`` is the number a student reads, ``holds``/``relation`` say
whether displayed arithmetic holds on the displayed digits (``=``) or not
(``\\approx``), ``neg_log_display`` picks the digits of ``-log p = L``, and
``tex_num`` writes a number for a MathTex product or sum.

Time on screen follows Goodfellow et al. 10.2: the array index ``t`` (0..T-1) of
a ``Trace`` is shown as time ``t + 1`` (``display_step``), and ``h0`` is h(0).
Units are shown 1-based too (``a_1`` is array index 0).

``_number`` draws a value as ``Text`` in the colour that reads on its fill (each
distinct string is drawn once, ``_number_template``, and unpickled); ``_tex_line``,
``_product_terms`` and ``_sum_lines`` build the coloured equation lines of
``EquationPanel``.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from manim import ManimColor, MathTex, Text

from scenes.grammar import MEANING, text_color_on

__all__ = [
    "RELATIONS",
    "class_name",
    "display_step",
    "fmt",
    "holds",
    "neg_log_display",
    "relation",
    "shown",
    "tex_num",
]

# --- the outline behind every number --------------------------------------------------
NUMBER_STROKE = 3.0  # dark outline behind numbers, readable over any fill
LONG_NUMBER = 1e4  # from here on a number is written with an exponent


def fmt(value: float) -> str:
    """A number with two decimals, never ``-0.00``; from 10^4 on (a run that diverged:
    outputs of 1e91), two significant digits and an exponent, which stay readable."""
    if not abs(float(value)) < LONG_NUMBER:  # also inf and nan, as Python writes them
        return f"{float(value):.1e}"
    text = f"{float(value):.2f}"
    return "0.00" if text == "-0.00" else text


def shown(value, decimals: int = 2):
    """The number a student reads on screen: ``value`` rounded to ``decimals`` (``fmt``).

    A float for a number, a float64 array of the same shape for an array.
    """
    if np.ndim(value) > 0:
        arr = np.asarray(value, dtype=np.float64)
        return np.array([float(f"{v:.{decimals}f}") for v in arr.ravel()]).reshape(arr.shape)
    return float(f"{float(value):.{decimals}f}")


def _half_up(value: float, decimals: int) -> str:
    """``value`` rounded half up (as by hand) to ``decimals``, never ``-0.00``.

    ``value`` is first rounded to 10 decimals, so that arithmetic on shown digits done
    in binary (0.9375 * 0.72 = 0.67499999...) rounds as the exact decimal (0.675) does.
    """
    q = Decimal(1).scaleb(-decimals)
    exact = Decimal(repr(round(float(value), 10)))
    text = str(exact.quantize(q, rounding=ROUND_HALF_UP))
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def holds(computed: float, result: str) -> bool:
    """True when ``computed`` (worked out from the shown numbers) rounds to ``result``.

    ``result`` is the displayed text (``"4.44"``); rounding is half up, as by hand, to
    as many decimals as ``result`` shows.
    """
    decimals = len(result.split(".")[1]) if "." in result else 0
    return _half_up(computed, decimals) == result


def relation(computed: float | Sequence[float], result: str | Sequence[str]) -> str:
    """``"="`` when the displayed arithmetic holds on the displayed digits, else ``\\approx``.

    ``computed`` is what the shown operands give (one number, or one per element of a
    vector/matrix equation) and ``result`` the shown result(s).
    """
    if isinstance(result, str):
        return "=" if holds(float(computed), result) else r"\approx"
    ok = all(holds(float(c), r) for c, r in zip(computed, result, strict=True))
    return "=" if ok else r"\approx"


def neg_log_display(p: float, loss: float) -> tuple[str, str, str]:
    """``(p_text, relation, loss_text)`` for ``-log p = loss`` that holds on its digits.

    With 2 decimals ``-log 0.42`` is 0.87 while the loss is 0.88 (p = 0.417): more
    digits are shown, the fewest (2, 3 or 4) for which -log of the shown p rounds to
    the shown loss and that loss rounds (half up) to the 2-decimal ``fmt(loss)`` shown
    elsewhere. If none does, 2 decimals with ``\\approx``.
    """
    for d in (2, 3, 4):
        p_text = f"{float(p):.{d}f}"
        if float(p_text) <= 0:
            continue
        loss_text = f"{float(loss):.{d}f}"
        if holds(-np.log(float(p_text)), loss_text) and _half_up(float(loss_text), 2) == fmt(loss):
            return p_text, "=", loss_text
    return fmt(p), r"\approx", fmt(loss)


def tex_num(value: float) -> str:
    """``fmt`` for MathTex, negative numbers in parentheses (for products and sums)."""
    text = fmt(value)
    return f"({text})" if text.startswith("-") else text


def display_step(t: int) -> int:
    """The time shown on screen for array index ``t`` (h0 is h(0), so x(1) is index 0)."""
    return int(t) + 1


def class_name(labels: tuple[str, ...] | list[str], k: int) -> str:
    """Output class ``k`` (0-based) as a slide names it: its label, else "class k+1"."""
    return labels[int(k)] if len(labels) > int(k) else f"class {int(k) + 1}"


def _number(value: float, font_size: float, fill: ManimColor | None = None) -> Text:
    """A value as Text; on a cell filled with ``fill``, in the colour that reads on it.

    Without a fill the number sits on the background, with a dark outline behind it.
    A slide repeats few distinct numbers many times: each is drawn once
    (``_number_template``, kept pickled) and every instance unpickles its own (what a
    deep copy gives, in about half the time).
    """
    rgba = None if fill is None else tuple(float(v) for v in ManimColor(fill).to_rgba())
    return pickle.loads(_number_template(fmt(value), float(font_size), rgba))


@functools.lru_cache(maxsize=4096)
def _number_template(text: str, font_size: float, rgba: tuple[float, ...] | None) -> bytes:
    return pickle.dumps(_number_text(text, font_size, rgba), pickle.HIGHEST_PROTOCOL)


def _number_text(text: str, font_size: float, rgba: tuple[float, ...] | None) -> Text:
    if rgba is None:
        number = Text(text, font_size=font_size, color=MEANING.text.color)
        number.set_stroke(MEANING.background.color, width=NUMBER_STROKE, background=True)
        return number
    fill = ManimColor.from_rgba(np.array(rgba))  # exactly the fill passed in
    number = Text(text, font_size=font_size, color=text_color_on(fill))
    number.set_stroke(fill, width=NUMBER_STROKE, background=True)
    return number


# --- TeX of sums and products (equation lines) ----------------------------------------


def _tex_line(parts: Sequence[tuple[str, ManimColor]], font_size: float) -> MathTex:
    tex = MathTex(*(p for p, _ in parts), font_size=font_size)
    for sub, (_, color) in zip(tex, parts, strict=True):
        sub.set_color(color)
    return tex


RELATIONS = ("=", "+", "-", r"\approx")


def _product_terms(a: np.ndarray, b: np.ndarray) -> list[str]:
    """Products ``a_i b_i`` as TeX, each with its sign in front (``- 0.75\\cdot 0.31``)."""
    out = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        text = fmt(x)
        negative = text.startswith("-")
        body = rf"{text.lstrip('-')}\cdot{tex_num(y)}"
        sign = ("-" if negative else "") if i == 0 else ("- " if negative else "+ ")
        out.append(sign + body)
    return out


def _chunks(items: list[str], size: int) -> list[str]:
    return [" ".join(items[i : i + size]) for i in range(0, len(items), size)]


def _sum_lines(
    lead: list[tuple[str, ManimColor]],
    terms: list[str],
    color: ManimColor,
    per_line: int,
) -> list[list[tuple[str, ManimColor]]]:
    """``lead`` then ``(t1 + t2 ...)`` broken after every ``per_line`` terms."""
    chunks = _chunks(terms, per_line)
    lines = []
    for i, chunk in enumerate(chunks):
        text = (r"\big(" if i == 0 else "") + chunk + (r"\big)" if i == len(chunks) - 1 else "")
        if i == 0:
            lines.append([*lead, (text, color)])
        else:
            sign, rest = chunk.split(" ", 1)
            lines.append(
                [(sign, color), (rest + (r"\big)" if i == len(chunks) - 1 else ""), color)]
            )
    return lines
