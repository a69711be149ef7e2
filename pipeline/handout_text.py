"""Text for the handout's notes with cairo: fonts per character, line breaking.

cairo's "toy" text API (all that pycairo offers, no Pango) draws a run of text in one
font and has no fallback of its own. ``Fonts`` gives each character the first of
``FONTS`` that has its glyph (DejaVu Sans for Latin, Greek and mathematical signs,
Noto Sans CJK for Japanese), measures and draws such runs; ``wrap`` breaks a note
into lines no wider than a width, between words, or between any two wide (CJK)
characters, never before closing punctuation such as "。".
"""

from __future__ import annotations

import re
import unicodedata

import cairo

__all__ = ["FONTS", "NO_BREAK_BEFORE", "Fonts", "font_options", "wrap"]

# The notes' fonts, in order of preference: a character takes the first that has it.
FONTS = ("DejaVu Sans", "Noto Sans CJK JP")
# Characters that never start a line (they stay with the character before them).
NO_BREAK_BEFORE = set("、。，．・：；？！）」』】〕ー…")


class Fonts:
    """Measures and draws text in ``FONTS``, each character in the first font that has
    its glyph (cairo's toy API: one font per run, no fallback of its own)."""

    def __init__(self, ctx: cairo.Context, size: float) -> None:
        self.ctx, self.size = ctx, size
        self.known: dict[str, str] = {}

    def font_of(self, ch: str) -> str:
        """The first of ``FONTS`` that has a glyph for ``ch`` (white space: the first)."""
        if ch.isspace():
            return FONTS[0]
        if ch not in self.known:
            self.known[ch] = next((f for f in FONTS if self._has(f, ch)), FONTS[0])
        return self.known[ch]

    def _has(self, font: str, ch: str) -> bool:
        self._select(font)
        glyphs = self.ctx.get_scaled_font().text_to_glyphs(0, 0, ch, False)
        return all(g.index != 0 for g in glyphs)

    def _select(self, font: str) -> None:
        self.ctx.select_font_face(font, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_NORMAL)
        self.ctx.set_font_size(self.size)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` as (font, text) runs."""
        out: list[tuple[str, str]] = []
        for ch in text:
            font = self.font_of(ch)
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + ch)
            else:
                out.append((font, ch))
        return out

    def width(self, text: str) -> float:
        """How far ``text`` advances, in the context's units."""
        total = 0.0
        for font, part in self.runs(text):
            self._select(font)
            total += self.ctx.text_extents(part).x_advance
        return total

    def show(self, text: str, x: float, y: float) -> None:
        """Draw ``text`` with its baseline starting at (x, y)."""
        for font, part in self.runs(text):
            self._select(font)
            self.ctx.move_to(x, y)
            self.ctx.show_text(part)
            x += self.ctx.text_extents(part).x_advance


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _tokens(text: str) -> list[str]:
    """Words, spaces and single wide (CJK) characters: where a line may break."""
    tokens: list[str] = []
    for m in re.finditer(r"\s+|\S+", text):
        part = m.group()
        if part.isspace():
            tokens.append(" ")
            continue
        word = ""
        for ch in part:
            if ch in NO_BREAK_BEFORE:
                word += ch
            elif _wide(ch):
                if word:
                    tokens.append(word)
                word = ch
            else:
                if word and _wide(word[-1]):  # Latin after CJK: a break between them
                    tokens.append(word)
                    word = ""
                word += ch
        if word:
            tokens.append(word)
    return tokens


def wrap(fonts: Fonts, text: str, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` (a word wider than a line is cut);
    blank-line separated paragraphs stay apart (an empty line between them)."""
    lines: list[str] = []
    for k, paragraph in enumerate(text.split("\n\n")):
        if k:
            lines.append("")
        line = ""
        for token in _tokens(paragraph):
            if token == " ":
                line += " " if line else ""
                continue
            if fonts.width(line + token) <= width or not line.strip():
                line += token
            else:
                lines.append(line.rstrip())
                line = token
            while fonts.width(line) > width and len(line) > 1:  # a word wider than a line
                cut = len(line) - 1
                while cut > 1 and fonts.width(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        if line.strip():
            lines.append(line.rstrip())
    return lines


def font_options(ctx: cairo.Context) -> None:
    """Unhinted metrics: the same widths when measuring and when drawing the PDF."""
    options = cairo.FontOptions()
    options.set_hint_metrics(cairo.HINT_METRICS_OFF)
    options.set_hint_style(cairo.HINT_STYLE_NONE)
    ctx.set_font_options(options)
