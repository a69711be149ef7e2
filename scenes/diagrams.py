"""Mobjects of article 000: mappings, tensors as Excel sheets, sentences.

Everything here draws what it is given (numbers read from ``rnncore`` results,
words, sizes); nothing computes model math.

- ``DataCells``: raw data (not model values) as a column or row of plain cells,
  written in the data's own format (the weather vectors); model vectors use
  ``scenes.mobjects.VectorStrip`` (value colours, 2 decimals).
- ``Sheet`` / ``SheetStack``: a matrix as one Excel sheet, a tensor as several.
- ``MappingBox``: a network drawn as a box ``f`` that maps what enters to what leaves.
- ``SentenceVectors``: a sentence split into parts, one vector under each part.

The task diagrams (rows of RNN cells through time) are in ``scenes.task_diagram``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    Arrow,
    ManimColor,
    Rectangle,
    RoundedRectangle,
    Square,
    Text,
    VGroup,
)

from scenes.grammar import (
    FONT_LABEL,
    FONT_NUMBER,
    FONT_SMALL,
    MEANING,
)
from scenes.layout import ARROW_TIP
from scenes.mobjects.value_shapes import VectorStrip

__all__ = [
    "DataCells",
    "MappingBox",
    "SentenceVectors",
    "Sheet",
    "SheetStack",
    "arrow_between",
]

# --- layout constants --------------------------------------------------------------
CELL_W = 0.78  # a number cell: wide enough for "-0.26" at FONT_NUMBER
CELL_H = 0.42
BLANK_CELL = 0.3  # side of a cell without a number
WORD_BUFF = 0.2  # between a word and its vector
SHEET_CELL = 0.22  # side of a cell of an Excel-like sheet
SHEET_SHIFT = np.array([0.22, 0.18, 0.0])  # offset of each sheet behind the previous one
BOX_CORNER = 0.15
ARROW_STROKE = 3.0


def arrow_between(
    start: np.ndarray, end: np.ndarray, color: ManimColor = MEANING.text.color, **kw
) -> Arrow:
    """A straight arrow with the lecture's tip size and stroke."""
    return Arrow(
        start,
        end,
        buff=kw.pop("buff", 0.0),
        color=color,
        stroke_width=kw.pop("stroke_width", ARROW_STROKE),
        tip_length=kw.pop("tip_length", ARROW_TIP),
        max_tip_length_to_length_ratio=0.5,
        max_stroke_width_to_length_ratio=20,
        **kw,
    )


class DataCells(VGroup):
    """Raw data as plain cells: a column (Excel's one column) or a row, numbers optional.

    Parameters
    ----------
    values
        The numbers to write (2 decimals by default), or ``None`` for blank cells.
    n
        How many blank cells when ``values`` is None.
    color
        Outline colour (the role of the vector: input, hidden, output...).
    fill
        Fill colours per cell (blank cells), or None for the background.
    direction
        ``DOWN`` for a column, ``RIGHT`` for a row.
    fmt
        How numbers are written: one format, or one per cell.
    """

    def __init__(
        self,
        values: Sequence[float] | np.ndarray | None = None,
        n: int = 0,
        color: ManimColor = MEANING.neutral.color,
        fill: Sequence[ManimColor] | None = None,
        direction: np.ndarray = DOWN,
        fmt: str | Sequence[str] = "{:.2f}",
        font_size: int = FONT_NUMBER,
        cell: tuple[float, float] | None = None,
    ) -> None:
        super().__init__()
        count = len(values) if values is not None else n
        if cell is None:
            cell = (CELL_W, CELL_H) if values is not None else (BLANK_CELL, BLANK_CELL)
        self.values = None if values is None else np.asarray(values, dtype=float)
        self.cells = VGroup()
        self.numbers = VGroup()
        for i in range(count):
            box = Rectangle(width=cell[0], height=cell[1], stroke_color=color, stroke_width=2)
            box.set_fill(fill[i] if fill is not None else MEANING.background.color, opacity=1.0)
            self.cells.add(box)
        self.cells.arrange(direction, buff=0)
        if self.values is not None:
            fmts = [fmt] * count if isinstance(fmt, str) else list(fmt)
            for box, v, f in zip(self.cells, self.values, fmts, strict=True):
                text = f.format(0.0 if v == 0 else v)  # no "-0.00"
                self.numbers.add(
                    Text(text, font_size=font_size, color=MEANING.text.color).move_to(box)
                )
        self.add(self.cells, self.numbers)


class Sheet(VGroup):
    """A matrix as one Excel sheet: a grid of ``rows`` x ``cols`` cells."""

    def __init__(
        self,
        rows: int,
        cols: int,
        color: ManimColor = MEANING.neutral.color,
        fill: ManimColor = MEANING.background.color,
        cell: float = SHEET_CELL,
    ) -> None:
        super().__init__()
        for _ in range(rows):
            row = VGroup(
                *(
                    Square(cell, stroke_color=color, stroke_width=1.5).set_fill(fill, opacity=1.0)
                    for _ in range(cols)
                )
            ).arrange(RIGHT, buff=0)
            self.add(row)
        self.arrange(DOWN, buff=0)


class SheetStack(VGroup):
    """A tensor as several Excel sheets, stacked one behind the other (front sheet first)."""

    def __init__(
        self,
        colors: Sequence[ManimColor],
        rows: int,
        cols: int,
        fills: Sequence[ManimColor] | None = None,
        cell: float = SHEET_CELL,
    ) -> None:
        super().__init__()
        self.sheets = VGroup()
        for i, color in enumerate(colors):
            fill = fills[i] if fills is not None else MEANING.background.color
            sheet = Sheet(rows, cols, color=color, fill=fill, cell=cell)
            sheet.shift(i * SHEET_SHIFT)
            self.sheets.add(sheet)
        # back sheet drawn first, so the front sheet covers it
        self.add(*reversed(self.sheets.submobjects))


class MappingBox(VGroup):
    """A network as a mapping: a rounded box with its name (``f``, ``DCL``, ``RNN``...)."""

    def __init__(
        self,
        label: str,
        width: float = 1.6,
        height: float = 1.0,
        color: ManimColor = MEANING.hidden.color,
        font_size: int = FONT_LABEL,
        sublabel: str | None = None,
    ) -> None:
        super().__init__()
        self.box = RoundedRectangle(
            corner_radius=BOX_CORNER, width=width, height=height, stroke_color=color
        )
        self.box.set_fill(MEANING.background.color, opacity=1.0)
        self.label = Text(label, font_size=font_size, color=MEANING.text.color)
        parts = [self.label]
        if sublabel:
            parts.append(Text(sublabel, font_size=FONT_SMALL, color=MEANING.neutral.color))
        self.text = VGroup(*parts).arrange(DOWN, buff=0.08).move_to(self.box)
        self.add(self.box, self.text)


class SentenceVectors(VGroup):
    """A sentence split into parts, with one vector (a row of blank cells) under each part.

    ``self.parts[k]`` is the word group of part k, ``self.vectors[k]`` its vector.
    """

    def __init__(
        self,
        parts: Sequence[str],
        color: ManimColor = MEANING.input.color,
        n_cells: int = 3,
        font_size: int = FONT_SMALL,
        gap: float = 0.3,
    ) -> None:
        super().__init__()
        self.parts = VGroup()
        self.vectors = VGroup()
        columns = VGroup()
        for word in parts:
            text = Text(word, font_size=font_size, color=MEANING.text.color)
            vec = VectorStrip(
                n=n_cells,
                vertical=False,
                cell_width=BLANK_CELL,
                cell_height=BLANK_CELL,
                outline=color,
                show_numbers=False,
            )
            self.parts.add(text)
            self.vectors.add(vec)
            columns.add(VGroup(text, vec).arrange(DOWN, buff=WORD_BUFF))
        columns.arrange(RIGHT, buff=gap, aligned_edge=DOWN)  # vectors on one line
        self.columns = columns
        self.add(columns)
