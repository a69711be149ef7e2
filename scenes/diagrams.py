"""Mobjects of article 000: mappings, tensors as Excel sheets, sentences and task diagrams.

Everything here draws what it is given (numbers read from ``rnncore`` results,
words, sizes); nothing computes model math.

- ``DataCells``: raw data (not model values) as a column or row of plain cells,
  written in the data's own format (the weather vectors); model vectors use
  ``scenes.mobjects.VectorStrip`` (value colours, 2 decimals).
- ``Sheet`` / ``SheetStack``: a matrix as one Excel sheet, a tensor as several.
- ``MappingBox``: a network drawn as a box ``f`` that maps what enters to what leaves.
- ``SentenceVectors``: a sentence split into parts, one vector under each part.
- ``TaskDiagram``: a row of RNN cells, time left to right, inputs below and outputs
  above where the task has them; recurrent arrows (yellow) between the cells, an
  optional backward row (bidirectional) and output-to-input feedback (decoder).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    ArcBetweenPoints,
    Arrow,
    Line,
    ManimColor,
    MathTex,
    Mobject,
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
    "TaskDiagram",
    "arrow_between",
    "math_label",
]

# --- layout constants --------------------------------------------------------------
CELL_W = 0.78  # a number cell: wide enough for "-0.26" at FONT_NUMBER
CELL_H = 0.42
BLANK_CELL = 0.3  # side of a cell without a number
WORD_BUFF = 0.2  # between a word and its vector
SHEET_CELL = 0.22  # side of a cell of an Excel-like sheet
SHEET_SHIFT = np.array([0.22, 0.18, 0.0])  # offset of each sheet behind the previous one
BOX_CORNER = 0.15
TASK_CELL = 0.55  # side of an RNN cell in a task diagram
TASK_PITCH = 1.1  # distance between two time steps
TASK_STUB = 0.5  # length of the input / output arrows
ROW_GAP = 0.55  # vertical gap between the forward and the backward row
FEEDBACK_TAP = 0.55  # where along an output arrow the decoder's feedback branches off
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


class TaskDiagram(VGroup):
    """A row of RNN cells through time: inputs below and outputs above where the task has them.

    Parameters
    ----------
    inputs, outputs
        One bool per time step: does step t receive an input / produce an output?
    bidirectional
        Add a backward row above the forward row, its recurrent arrows pointing left;
        inputs reach both rows and outputs read both.
    feedback
        Draw each output fed back as the next step's input (a decoder).
    pitch, cell, stub
        Distance between time steps, cell side, length of input/output arrows.
    """

    def __init__(
        self,
        inputs: Sequence[bool],
        outputs: Sequence[bool],
        bidirectional: bool = False,
        feedback: bool = False,
        pitch: float = TASK_PITCH,
        cell: float = TASK_CELL,
        stub: float = TASK_STUB,
    ) -> None:
        super().__init__()
        if len(inputs) != len(outputs):
            raise ValueError(
                f"inputs/outputs: expected equal lengths, found {len(inputs)}/{len(outputs)}"
            )
        self.T = len(inputs)
        self.cells = self._row(cell, pitch)
        self.recurrent = self._chain(self.cells, backward=False)
        self.cells_back = VGroup()
        self.recurrent_back = VGroup()
        if bidirectional:
            self.cells_back = self._row(cell, pitch).shift((cell + ROW_GAP) * UP)
            self.recurrent_back = self._chain(self.cells_back, backward=True)
        top_row = self.cells_back if bidirectional else self.cells
        self.in_arrows: dict[int, Mobject] = {}
        self.out_arrows: dict[int, Mobject] = {}
        self.side_links = VGroup()  # bidirectional: input -> backward row, forward row -> output
        self.feedback_arrows = VGroup()
        for t in range(self.T):
            bottom = self.cells[t].get_bottom()
            top = top_row[t].get_top()
            if inputs[t]:
                self.in_arrows[t] = arrow_between(bottom + stub * DOWN, bottom, MEANING.input.color)
                if bidirectional:
                    self.side_links.add(self._side_link(t, cell, into_back=True, stub=stub))
            if outputs[t]:
                self.out_arrows[t] = arrow_between(top, top + stub * UP, MEANING.output.color)
                if bidirectional:
                    self.side_links.add(self._side_link(t, cell, into_back=False, stub=stub))
            if feedback and outputs[t] and t + 1 < self.T:
                self.feedback_arrows.add(self._feedback(t, cell, pitch, stub))
        self.add(
            self.side_links,
            self.feedback_arrows,
            self.recurrent,
            self.recurrent_back,
            self.cells,
            self.cells_back,
            *self.in_arrows.values(),
            *self.out_arrows.values(),
        )

    # --- building blocks ---------------------------------------------------------

    @staticmethod
    def _row_cell(cell: float) -> RoundedRectangle:
        box = RoundedRectangle(
            corner_radius=0.08, width=cell, height=cell, stroke_color=MEANING.hidden.color
        )
        return box.set_fill(MEANING.background.color, opacity=1.0)

    def _row(self, cell: float, pitch: float) -> VGroup:
        return VGroup(*(self._row_cell(cell).shift(t * pitch * RIGHT) for t in range(self.T)))

    @staticmethod
    def _chain(cells: VGroup, backward: bool) -> VGroup:
        arrows = VGroup()
        for left, right in pairwise(cells):
            a, b = left.get_right(), right.get_left()
            arrows.add(
                arrow_between(b, a, MEANING.recurrent.color)
                if backward
                else arrow_between(a, b, MEANING.recurrent.color)
            )
        return arrows

    def _side_link(self, t: int, cell: float, into_back: bool, stub: float) -> Mobject:
        """Bidirectional links: input -> backward cell (left), forward cell -> output (right)."""
        if into_back:
            start = self.cells[t].get_bottom() + stub * DOWN
            end = self.cells_back[t].get_corner(DOWN + LEFT) + 0.12 * RIGHT
            arc = ArcBetweenPoints(
                start, end, angle=-0.9, color=MEANING.input.color, stroke_width=2
            )
        else:
            start = self.cells[t].get_corner(UP + RIGHT) + 0.12 * LEFT
            end = self.cells_back[t].get_top() + stub * UP
            arc = ArcBetweenPoints(
                start, end, angle=-0.9, color=MEANING.output.color, stroke_width=2
            )
        arc.add_tip(tip_length=ARROW_TIP, tip_width=ARROW_TIP)
        return arc

    def _feedback(self, t: int, cell: float, pitch: float, stub: float) -> Mobject:
        """Decoder: the output of step t becomes the input of step t+1 (a bent path).

        It leaves step t's output arrow, runs down the gap between the two cells and
        enters step t+1 from below.
        """
        top = self.cells[t].get_top() + FEEDBACK_TAP * stub * UP
        below = self.cells[t + 1].get_bottom() + stub * DOWN
        mid_x = (self.cells[t].get_right()[0] + self.cells[t + 1].get_left()[0]) / 2
        corners = [top, [mid_x, top[1], 0], [mid_x, below[1], 0], below]
        path = VGroup(*(Line(a, b) for a, b in pairwise(corners)))
        path.set_stroke(MEANING.output.color, width=2)
        tip = arrow_between(
            below, self.cells[t + 1].get_bottom(), MEANING.output.color, stroke_width=2
        )
        return VGroup(path, tip)

    # --- labels ------------------------------------------------------------------

    def input_anchor(self, t: int) -> np.ndarray:
        """Where step t's input arrow starts (put its label below this point)."""
        return self.cells[t].get_bottom() + TASK_STUB * DOWN

    def output_anchor(self, t: int) -> np.ndarray:
        """Where step t's output arrow ends (put its label above this point)."""
        top_row = self.cells_back if len(self.cells_back) else self.cells
        return top_row[t].get_top() + TASK_STUB * UP

    def label_inputs(
        self, labels: Sequence[str | Mobject | None], font_size: int = FONT_SMALL
    ) -> VGroup:
        """Put a label under each input (str -> Text); returns them (not added to self)."""
        return self._labels(labels, self.input_anchor, DOWN, MEANING.input.color, font_size)

    def label_outputs(
        self, labels: Sequence[str | Mobject | None], font_size: int = FONT_SMALL
    ) -> VGroup:
        """Put a label above each output (str -> Text); returns them (not added to self)."""
        return self._labels(labels, self.output_anchor, UP, MEANING.output.color, font_size)

    @staticmethod
    def _labels(
        labels: Sequence[str | Mobject | None],
        anchor: Callable[[int], np.ndarray],
        direction: np.ndarray,
        color: ManimColor,
        font_size: int,
    ) -> VGroup:
        group = VGroup()
        for t, lab in enumerate(labels):
            if lab is None:
                continue
            mob = Text(lab, font_size=font_size, color=color) if isinstance(lab, str) else lab
            group.add(mob.next_to(anchor(t), direction, buff=0.1))
        return group


def math_label(
    tex: str, color: ManimColor = MEANING.text.color, font_size: int = FONT_LABEL
) -> MathTex:
    """A short LaTeX label (``x^{(t)}``) in the lecture's colours."""
    return MathTex(tex, color=color, font_size=font_size)
