"""Mapping's "close in meaning, not pixel by pixel" picture (article 000, section 3).

``SemanticView`` draws ``rnncore.intro.semantic_demo``: three tiny pictures as pixel
grids, the semantic vector the toy feature extractor gives each, and a table of the
cosine similarities of the pixels and of the semantic vectors. It draws what it is
given; nothing computes model math.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, Square, Text, VGroup

from rnncore.intro import SemanticDemo
from scenes.curves import text_table
from scenes.diagrams import arrow_between
from scenes.grammar import FONT_SMALL, MEANING
from scenes.mobjects.numbers import fmt
from scenes.mobjects.value_shapes import VectorStrip

__all__ = ["PAIRS", "SemanticView", "pair_name"]

PIXEL = 0.2  # side of one pixel
PLACES = ("top left", "bottom right", "top left")  # where each picture's shape sits
PAIRS = ((0, 1), (0, 2))  # the two comparisons in the table


def pair_name(demo: SemanticDemo, a: int, b: int) -> str:
    """``'+' vs '+' moved`` / ``'+' vs 'o'``: a column head of the table."""
    if demo.names[a] == demo.names[b]:
        return f"'{demo.names[a]}' vs '{demo.names[b]}' moved"
    return f"'{demo.names[a]}' vs '{demo.names[b]}'"


def _pixels(picture: np.ndarray) -> VGroup:
    """The picture as a grid of squares, lit pixels in the input colour."""
    grid = VGroup()
    for row in picture:
        for on in row:
            square = Square(side_length=PIXEL, stroke_width=1, stroke_color=MEANING.neutral.color)
            square.set_fill(MEANING.input.color if on else MEANING.background.color, opacity=1.0)
            grid.add(square)
    return grid.arrange_in_grid(rows=picture.shape[0], cols=picture.shape[1], buff=0)


class SemanticView(VGroup):
    """Pictures (top), their semantic vectors (middle), the similarity table (bottom)."""

    def __init__(self, demo: SemanticDemo) -> None:
        super().__init__()
        self.columns = VGroup()
        self.strips: list[VectorStrip] = []
        for k, picture in enumerate(demo.pictures):
            pixels = _pixels(picture)
            name = Text(
                f"'{demo.names[k]}' {PLACES[k]}", font_size=FONT_SMALL, color=MEANING.text.color
            )
            strip = VectorStrip(demo.semantic[k], vertical=False, outline=MEANING.hidden.color)
            self.strips.append(strip)
            column = VGroup(name, pixels, strip).arrange(DOWN, buff=0.25)
            strip.shift(0.55 * DOWN)
            column.add(arrow_between(pixels.get_bottom(), strip.get_top(), buff=0.08))
            self.columns.add(column)
        self.columns.arrange(RIGHT, buff=1.0, aligned_edge=DOWN)
        first = self.columns[0]
        self.row_labels = VGroup(
            Text("pixels", font_size=FONT_SMALL, color=MEANING.input.color).next_to(
                first[1], LEFT, buff=0.4
            ),
            VGroup(
                Text("semantic vector", font_size=FONT_SMALL, color=MEANING.hidden.color),
                Text(
                    f"({', '.join(demo.filter_names)})",
                    font_size=FONT_SMALL,
                    color=MEANING.neutral.color,
                ),
            )
            .arrange(DOWN, buff=0.08, aligned_edge=RIGHT)
            .next_to(first[2], LEFT, buff=0.4),
        )
        self.columns.add(self.row_labels)
        heads = [pair_name(demo, a, b) for a, b in PAIRS]
        self.table = text_table(
            heads,
            [
                ("pixels", [fmt(demo.pixel_cos[a, b]) for a, b in PAIRS], MEANING.input),
                (
                    "semantic vectors",
                    [fmt(demo.semantic_cos[a, b]) for a, b in PAIRS],
                    MEANING.hidden,
                ),
            ],
            corner="cosine similarity",
        )
        self.add(self.columns, self.table)
        self.arrange(DOWN, buff=0.6)
