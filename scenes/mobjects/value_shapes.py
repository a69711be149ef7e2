"""Shapes whose fill shows a value, with the value written on them.

Values are encoded on the grammar's diverging scale (``grammar.value_color``:
sign is hue, magnitude is intensity), losses on their own scale
(``use_loss_scale``); numbers are hidden when a shape is too small for them.

- ``VectorStrip``: a vector as a strip of coloured cells with numbers; the
  unrolled views use it for x(t), h(t), o(t), y_hat(t), L(t) (and other scenes
  for errors). ``set_values`` animates new values into the same cells.
- ``NeuronLayer``: a row (or column) of neurons as circles whose fill shows the
  value, optional numbers inside and unit names beside them; shrinks for large n.
- ``MatrixGrid``: a matrix (weights, gradients) as a grid of coloured cells with
  numbers; ``cell(r, c)`` for frames, ``set_matrix`` to animate new values.

The sizes of cells and neurons (``CELL_WIDTH``, ``CELL_HEIGHT``, ...) and of the
frame around a target cell (``TARGET_FRAME``) are named here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    AnimationGroup,
    Circle,
    ManimColor,
    MathTex,
    Rectangle,
    SurroundingRectangle,
    Text,
    Transform,
    VGroup,
    VMobject,
)

from scenes.grammar import FONT_LABEL, FONT_SMALL, MEANING, loss_color, value_color
from scenes.layout import STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.numbers import _number, fmt

__all__ = ["CELL_HEIGHT", "CELL_WIDTH", "TARGET_FRAME", "MatrixGrid", "NeuronLayer", "VectorStrip"]

# --- value cells ----------------------------------------------------------------------
CELL_WIDTH = 0.82  # wide enough for "-0.57" at FONT_SMALL
CELL_HEIGHT = 0.36
MIN_NUMBER_CELL = 0.25  # below this cell height numbers are hidden
MIN_NUMBER_RADIUS = 0.35  # below this neuron radius numbers are hidden
MIN_NUMBER_WIDTH = 0.7  # below this cell width (matrices) numbers are hidden
NUMBER_PAD = 0.1  # a matrix cell is at least its longest number plus this wide
OUTLINE_WIDTH = 2.0
TARGET_FRAME = 4.0  # stroke width of the frame around the target class of y_hat(t)

# --- neurons --------------------------------------------------------------------------
NEURON_RADIUS = 0.38
NEURON_SPACING = 1.2
NAME_BUFF = 0.12


class _ValueShapes(VGroup):
    """Shapes whose fill shows a value, with optional numbers on them."""

    def _init_values(
        self,
        shapes: Sequence[VMobject],
        values: np.ndarray | None,
        vmax: float,
        show_numbers: bool,
        font_size: float,
        fit: float,
    ) -> None:
        self.shapes = VGroup(*shapes)
        self.vmax = float(vmax)
        self.font_size = font_size
        self.show_numbers = show_numbers
        self._fit = fit  # the largest width a number may take on a shape
        self.values: np.ndarray | None = None
        self.loss_scale = False  # True: fills on the loss's own scale (values >= 0, not +-1)
        self.number_texts: list[str] = [""] * len(shapes)  # what each number shows
        self.numbers = VGroup(*(self._number_for(i, None) for i in range(len(shapes))))
        self.add(self.shapes, self.numbers)
        if values is not None:
            self.apply_values(values)

    def __len__(self) -> int:
        return len(self.shapes)

    def _number_for(self, i: int, value: float | None) -> Text:
        self.number_texts[i] = fmt(value) if value is not None and self.show_numbers else ""
        fill = self.fill_for(0.0 if value is None else value)
        num = _number(0.0 if value is None else value, self.font_size, fill)
        if num.width > self._fit:
            num.scale_to_fit_width(self._fit)
        num.move_to(self.shapes[i])
        if value is None or not self.show_numbers:
            num.set_opacity(0.0)
        return num

    def fill_for(self, value: float) -> ManimColor:
        """The fill of a shape showing ``value`` (value scale, or the loss's scale)."""
        if self.loss_scale:
            return loss_color(value, self.vmax)
        return value_color(value, self.vmax)

    def use_loss_scale(self) -> _ValueShapes:
        """Fill with the loss's own colour scale from now on (losses are >= 0, unbounded)."""
        self.loss_scale = True
        if self.values is not None:
            self.apply_values(self.values)
        return self

    def _check(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=float).reshape(-1)
        if values.shape != (len(self.shapes),):
            raise ValueError(f"values: expected {len(self.shapes)} numbers, found {values.shape}")
        return values

    def apply_values(self, values: np.ndarray) -> _ValueShapes:
        """Show ``values`` at once (no animation)."""
        values = self._check(values)
        for i, (shape, v) in enumerate(zip(self.shapes, values, strict=True)):
            shape.set_fill(self.fill_for(v), opacity=1.0)
            self.numbers[i].become(self._number_for(i, v))
        self.values = values
        return self

    def set_values(self, values: np.ndarray, **kwargs: object) -> AnimationGroup:
        """An animation that fills the same shapes with ``values``."""
        values = self._check(values)
        anims = []
        for i, (shape, v) in enumerate(zip(self.shapes, values, strict=True)):
            anims.append(shape.animate.set_fill(self.fill_for(v), opacity=1.0))
            anims.append(Transform(self.numbers[i], self._number_for(i, v)))
        self.values = values
        return AnimationGroup(*anims, **kwargs)

    def clear_values(self) -> _ValueShapes:
        """Empty shapes, no numbers (at once)."""
        for i, shape in enumerate(self.shapes):
            shape.set_fill(MEANING.value_zero.color, opacity=1.0)
            self.numbers[i].become(self._number_for(i, None))
        self.values = None
        return self

    def shown_numbers(self) -> list[str]:
        """The strings the numbers show ("" where hidden), for tests."""
        return list(self.number_texts)


class VectorStrip(_ValueShapes):
    """A vector as a strip of coloured cells with numbers.

    Parameters
    ----------
    values
        ``(n,)`` numbers, or ``None`` for empty cells (then give ``n``).
    n
        The length when ``values`` is None.
    vertical
        Cells stacked top to bottom (element 0 on top), else left to right.
    cell_width, cell_height
        Size of one cell; numbers are hidden when the cell is too small for them.
    vmax
        The magnitude that gets the full colour.
    outline
        Colour of the cell borders (a role: ``MEANING.input.color``, ``MEANING.hidden.color``...).
    show_numbers
        Write the values in the cells.
    """

    def __init__(
        self,
        values: np.ndarray | None = None,
        n: int | None = None,
        *,
        vertical: bool = True,
        cell_width: float = CELL_WIDTH,
        cell_height: float = CELL_HEIGHT,
        vmax: float = 1.0,
        outline: ManimColor = MEANING.neutral.color,
        show_numbers: bool = True,
        font_size: float = FONT_SMALL,
    ) -> None:
        super().__init__()
        if values is not None:
            values = np.asarray(values, dtype=float).reshape(-1)
            n = len(values)
        if n is None or n < 1:
            raise ValueError("VectorStrip: give values or a length n >= 1")
        step = DOWN * cell_height if vertical else RIGHT * cell_width
        cells = [
            Rectangle(
                width=cell_width,
                height=cell_height,
                stroke_color=outline,
                stroke_width=OUTLINE_WIDTH,
                fill_color=MEANING.value_zero.color,
                fill_opacity=1.0,
            ).shift(i * step)
            for i in range(n)
        ]
        show = show_numbers and min(cell_height, cell_width) >= MIN_NUMBER_CELL
        self.outline = outline
        self.cells = cells
        self._init_values(cells, values, vmax, show, font_size, fit=cell_width - 0.06)
        self.center()

    def cell(self, i: int) -> Rectangle:
        return self.shapes[i]

    def frame(self, color: ManimColor, buff: float = 0.06, stroke_width: float = 4) -> Rectangle:
        """A rectangle around the whole strip (for coloured frames)."""
        return SurroundingRectangle(self.shapes, color=color, buff=buff, stroke_width=stroke_width)


class NeuronLayer(_ValueShapes):
    """A layer of neurons: circles whose fill shows the value.

    Parameters
    ----------
    values
        ``(n,)`` activations, or ``None`` for empty neurons (then give ``n``).
    label
        TeX shown beside the layer (e.g. ``"h^{(t)}"``), or None.
    color
        Outline colour (MEANING.input.color, MEANING.hidden.color or MEANING.output.color).
    names
        One short name per unit (e.g. ``("a", "b", "c")``), shown on ``name_side``.
    vertical
        Stack the neurons top to bottom instead of left to right.
    max_length
        The layer never gets longer than this: spacing and radius shrink, and the
        numbers disappear when the circles are too small for them.
    """

    def __init__(
        self,
        values: np.ndarray | None = None,
        n: int | None = None,
        *,
        label: str | None = None,
        color: ManimColor = MEANING.hidden.color,
        names: Sequence[str] = (),
        name_side: np.ndarray = DOWN,
        vertical: bool = False,
        radius: float = NEURON_RADIUS,
        spacing: float = NEURON_SPACING,
        max_length: float = 11.0,
        vmax: float = 1.0,
        show_numbers: bool = True,
        font_size: float = FONT_SMALL,
        label_font_size: float = FONT_LABEL,
    ) -> None:
        super().__init__()
        if values is not None:
            values = np.asarray(values, dtype=float).reshape(-1)
            n = len(values)
        if n is None or n < 1:
            raise ValueError("NeuronLayer: give values or a length n >= 1")
        if n * spacing > max_length:
            spacing = max_length / n
            radius = min(radius, 0.42 * spacing)
        self.radius = radius
        self.color = color
        step = DOWN * spacing if vertical else RIGHT * spacing
        circles = [
            Circle(
                radius=radius,
                stroke_color=color,
                stroke_width=OUTLINE_WIDTH + 1,
                fill_color=MEANING.value_zero.color,
                fill_opacity=1.0,
            ).shift(i * step)
            for i in range(n)
        ]
        self.circles = circles
        show = show_numbers and radius >= MIN_NUMBER_RADIUS
        self._init_values(circles, values, vmax, show, font_size, fit=2 * radius - 0.04)
        self.names = VGroup()
        for i, name in enumerate(names):
            text = Text(name, font_size=font_size, color=color)
            text.next_to(circles[i], name_side, buff=NAME_BUFF)
            self.names.add(text)
        self.add(self.names)
        self.label: MathTex | None = None
        if label is not None:
            self.label = MathTex(label, font_size=label_font_size, color=color)
            self.label.next_to(self.shapes, LEFT, buff=0.35)
            self.add(self.label)
        self.center()

    def circle(self, i: int) -> Circle:
        return self.shapes[i]

    def boundary(self, i: int, direction: np.ndarray) -> np.ndarray:
        """The point of neuron ``i``'s circle in ``direction`` (need not be unit)."""
        d = np.asarray(direction, dtype=float)
        d = d / (np.linalg.norm(d) or 1.0)
        return self.shapes[i].get_center() + self.radius * d


class MatrixGrid(_ValueShapes):
    """A matrix as a grid of coloured cells with numbers (weights, gradients).

    Parameters
    ----------
    values
        ``(rows, cols)`` numbers.
    label
        TeX written beside the grid (e.g. ``"W ="``) on ``label_side``, or None.
    max_width, max_height
        The grid shrinks its cells to fit; numbers disappear when cells get too
        small for them (the colours remain).
    """

    def __init__(
        self,
        values: np.ndarray,
        *,
        label: str | None = None,
        label_color: ManimColor = MEANING.text.color,
        label_side: np.ndarray = LEFT,
        cell_width: float = CELL_WIDTH,
        cell_height: float = CELL_HEIGHT,
        max_width: float = STAGE_WIDTH,
        max_height: float = STAGE_TOP - STAGE_BOTTOM,
        vmax: float = 1.0,
        outline: ManimColor = MEANING.neutral.color,
        show_numbers: bool = True,
        font_size: float = FONT_SMALL,
    ) -> None:
        super().__init__()
        values = np.asarray(values, dtype=float)
        if values.ndim != 2:
            raise ValueError(f"MatrixGrid: expected a 2-d array, found shape {values.shape}")
        n_rows, n_cols = values.shape
        self.shape = (n_rows, n_cols)
        if show_numbers and values.size:  # long numbers (a run that diverged) widen the cells
            longest = max(values.reshape(-1), key=lambda v: len(fmt(v)))
            needed = _number(longest, font_size, MEANING.text.color).width + NUMBER_PAD
            cell_width = max(cell_width, needed)
        cell_width = min(cell_width, max_width / n_cols)
        cell_height = min(cell_height, max_height / n_rows)
        cells = [
            Rectangle(
                width=cell_width,
                height=cell_height,
                stroke_color=outline,
                stroke_width=OUTLINE_WIDTH - 0.5,
                fill_color=MEANING.value_zero.color,
                fill_opacity=1.0,
            ).shift(c * cell_width * RIGHT + r * cell_height * DOWN)
            for r in range(n_rows)
            for c in range(n_cols)
        ]
        show = show_numbers and cell_height >= MIN_NUMBER_CELL and cell_width >= MIN_NUMBER_WIDTH
        self._init_values(cells, values.reshape(-1), vmax, show, font_size, cell_width - 0.06)
        self.matrix_values = values
        self.label: MathTex | None = None
        if label is not None:
            self.label = MathTex(label, font_size=FONT_LABEL, color=label_color)
            self.label.next_to(self.shapes, label_side, buff=0.15)
            self.add(self.label)
        self.center()

    def cell(self, r: int, c: int) -> Rectangle:
        return self.shapes[r * self.shape[1] + c]

    def set_matrix(self, values: np.ndarray, **kwargs: object) -> AnimationGroup:
        """Animate new matrix values into the same cells."""
        values = np.asarray(values, dtype=float)
        self.matrix_values = values
        return self.set_values(values.reshape(-1), **kwargs)

    def shown_matrix(self) -> list[list[str]]:
        """The strings shown, row by row ("" where hidden), for tests."""
        texts = self.shown_numbers()
        n_cols = self.shape[1]
        return [texts[r * n_cols : (r + 1) * n_cols] for r in range(self.shape[0])]
