"""Gradients in coloured frames: one matrix, or every parameter at every step.

- ``MatrixFrame``: a matrix (or vector) of real numbers, or of coloured cells, in
  a coloured frame: the article's "gradient in a coloured frame".
- ``GradientTable``: the per-step gradients of U, W, V, b, c as coloured cells, one
  column per time step, and their sum over time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import LEFT, UP, MathTex, Rectangle, SurroundingRectangle, Text, VGroup

from scenes.grammar import FONT_LABEL, FONT_NUMBER, FONT_SMALL, MEANING, text_color_on, value_color
from scenes.mobjects.numbers import display_step, fmt

__all__ = ["GradientTable", "MatrixFrame"]

# --- cells and frames ------------------------------------------------------------------
NUMBER_CELL = (0.78, 0.4)  # (width, height) of a cell holding a number
COLOUR_CELL = (0.3, 0.3)  # a cell that only carries colour
FRAME_BUFF = 0.07
FRAME_STROKE = 3.0  # stroke width of a gradient's coloured frame
CELL_STROKE = 0.6
NUMBER_CELL_OPACITY = 0.55  # numbers stay readable on a tinted cell

# --- the gradient table ---------------------------------------------------------------
PARAM_TEX = {"U": "U", "W": "W", "V": "V", "b": "b", "c": "c"}
TABLE_CELL = 0.2  # side of one cell in the gradient table
TABLE_COL_GAP = 0.35
TABLE_ROW_GAP = 0.3


class MatrixFrame(VGroup):
    """A matrix of real numbers or of coloured cells, in a coloured frame.

    Parameters
    ----------
    values
        (R, C) matrix, or (R,) vector drawn as a column.
    mode
        ``"numbers"``: tinted cells with the value written in each (2 decimals);
        ``"cells"``: colour only (for the many small matrices).
    frame_color
        Colour of the frame (a source colour, or ``MEANING.gradient.color``).
    vmax
        Magnitude that gets the full colour (default: the largest magnitude).
    label
        LaTeX drawn above the frame, e.g. ``r"\\partial L/\\partial W^{(2)}"``.

    Attributes
    ----------
    values
        A copy of the drawn array, (R, C).
    entries
        The strings written in the cells, row-major ("" in ``"cells"`` mode).
    """

    def __init__(
        self,
        values: np.ndarray,
        mode: str = "numbers",
        frame_color=MEANING.gradient.color,
        vmax: float | None = None,
        label: str | None = None,
        font_size: int = FONT_SMALL,
        cell: tuple[float, float] | None = None,
        label_size: int = FONT_LABEL,
    ) -> None:
        super().__init__()
        if mode not in ("numbers", "cells"):
            raise ValueError(f"mode: expected 'numbers' or 'cells', found {mode!r}")
        arr = np.asarray(values, dtype=np.float64)
        arr = arr[:, None] if arr.ndim == 1 else arr
        self.values = arr.copy()  # (R, C)
        self.mode = mode
        vmax = float(np.max(np.abs(arr))) if vmax is None else float(vmax)
        self.vmax = vmax if vmax > 0 else 1.0
        width, height = cell or (NUMBER_CELL if mode == "numbers" else COLOUR_CELL)
        opacity = NUMBER_CELL_OPACITY if mode == "numbers" else 1.0
        self.cells = VGroup()
        self.numbers = VGroup()
        self.entries: list[str] = []
        rows, cols = arr.shape
        for i in range(rows):
            for j in range(cols):
                v = arr[i, j]
                box = Rectangle(
                    width=width,
                    height=height,
                    stroke_color=MEANING.neutral.color,
                    stroke_width=CELL_STROKE,
                    fill_color=value_color(v, self.vmax),
                    fill_opacity=opacity,
                ).move_to(np.array([j * width, -i * height, 0.0]))
                self.cells.add(box)
                if mode == "numbers":
                    self.entries.append(fmt(v))
                    ink = text_color_on(value_color(v, self.vmax), opacity)
                    self.numbers.add(Text(fmt(v), font_size=font_size, color=ink).move_to(box))
                else:
                    self.entries.append("")
        self.frame = SurroundingRectangle(
            self.cells, buff=FRAME_BUFF, color=frame_color, stroke_width=FRAME_STROKE
        )
        self.add(self.cells, self.numbers, self.frame)
        self.label = None
        if label is not None:
            self.label = MathTex(label, font_size=label_size, color=MEANING.text.color).next_to(
                self.frame, UP, buff=0.12
            )
            self.add(self.label)
        self.center()

    def set_frame_color(self, color) -> MatrixFrame:
        self.frame.set_stroke(color=color)
        return self


class GradientTable(VGroup):
    """Per-step gradients of every parameter as coloured cells, and their sums.

    Row p, column t: ``per_step.p[t]`` (a ``MatrixFrame`` in ``"cells"`` mode); the
    last column, framed in ``total_color``: ``grads.p`` = the sum over t.

    Parameters
    ----------
    per_step
        ``Backprop.per_step`` (arrays with a leading T axis).
    grads
        ``Backprop.grads`` (the sums).
    steps
        The time indices to draw (default: all).

    Attributes
    ----------
    cells
        ``{(name, t): MatrixFrame}``; ``t = "sum"`` for the totals.
    """

    def __init__(
        self,
        per_step,
        grads,
        steps: Sequence[int] | None = None,
        names: Sequence[str] = ("U", "W", "V", "b", "c"),
        cell: float = TABLE_CELL,
        frame_color=MEANING.gradient.color,
        total_color=MEANING.text.color,
        vmax: float | None = None,
    ) -> None:
        super().__init__()
        T = getattr(per_step, names[0]).shape[0]
        self.steps = list(range(T)) if steps is None else list(steps)
        if vmax is None:
            vmax = max(float(np.max(np.abs(getattr(grads, n)))) for n in names)
        self.vmax = vmax
        self.cells: dict[tuple[str, object], MatrixFrame] = {}
        rows = VGroup()
        for name in names:
            row = VGroup()
            per = getattr(per_step, name)
            for t in self.steps:
                m = MatrixFrame(
                    per[t], mode="cells", frame_color=frame_color, vmax=vmax, cell=(cell, cell)
                )
                self.cells[(name, t)] = m
                row.add(m)
            total = MatrixFrame(
                getattr(grads, name),
                mode="cells",
                frame_color=total_color,
                vmax=vmax,
                cell=(cell, cell),
            )
            self.cells[(name, "sum")] = total
            row.add(total)
            rows.add(row)
        # columns: align every row's t-th entry on one x; rows stacked
        widths = [max(r[i].width for r in rows) for i in range(len(self.steps) + 1)]
        xs = np.cumsum([0.0] + [w + TABLE_COL_GAP for w in widths[:-1]])
        xs = xs + np.array(widths) / 2
        xs[-1] += 0.5  # room for the "=" sign before the sums
        y = 0.0
        self.row_labels = VGroup()
        for name, row in zip(names, rows, strict=True):
            h = max(m.height for m in row)
            for x, m in zip(xs, row, strict=True):
                m.move_to(np.array([x, y - h / 2, 0.0]))
            label = MathTex(
                rf"\frac{{\partial L}}{{\partial {PARAM_TEX[name]}}}",
                font_size=FONT_NUMBER + 4,
                color=MEANING.text.color,
            )
            label.next_to(row[0], LEFT, buff=0.3).set_y(y - h / 2)
            self.row_labels.add(label)
            y -= h + TABLE_ROW_GAP
        self.rows = rows
        self.column_labels = VGroup(
            *(
                MathTex(
                    f"t={display_step(t)}", font_size=FONT_NUMBER + 2, color=MEANING.text.color
                ).move_to(np.array([x, 0.3, 0.0]))
                for t, x in zip(self.steps, xs, strict=False)
            ),
            MathTex(r"\sum_t", font_size=FONT_NUMBER + 4, color=MEANING.text.color).move_to(
                np.array([xs[-1], 0.35, 0.0])
            ),
        )
        self.equals = VGroup(
            *(
                MathTex("=", font_size=FONT_LABEL, color=MEANING.text.color).move_to(
                    np.array(
                        [
                            (xs[-2] + widths[-2] / 2 + xs[-1] - widths[-1] / 2) / 2,
                            row[-1].get_y(),
                            0.0,
                        ]
                    )
                )
                for row in rows
            )
        )
        self.add(rows, self.row_labels, self.column_labels, self.equals)
