"""The article's central figure (001 §3) with the lesson's numbers.

"In order to calculate a gradient in a coloured frame, you need all the errors in
the same colour": ``StepGradientFrames`` draws, for a few steps t, the per-step
gradient dL/dW^(t) = dL/da(t) h(t-1)^T in a frame of step t's colour, and in the
same colour exactly the errors it needs: dL/da(k) for k = t, ..., T (dL/da(t) is
made from dL/do(t) and, through W, from dL/da(t+1), which needs the later ones).
Earlier steps' errors are not needed and stay empty; the columns start at the first
frame's step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import LEFT, RIGHT, MathTex, Rectangle, SurroundingRectangle, VGroup

from scenes.errorflow.gradients import MatrixFrame
from scenes.grammar import FONT_LABEL, MEANING, source_color
from scenes.mobjects.numbers import display_step
from scenes.mobjects.unrolled_rows import _window
from scenes.mobjects.value_shapes import VectorStrip

__all__ = ["NUMBERS_UP_TO", "StepGradientFrames", "frame_steps"]

NUMBERS_UP_TO = 4  # hidden units up to which the errors and gradients carry numbers
CELL = (0.78, 0.36)  # one error cell
MATRIX_CELL = (0.86, 0.36)
SMALL_CELL = (0.3, 0.16)  # colours only (more than NUMBERS_UP_TO hidden units)
COLUMN_GAP = 0.18
ROW_GAP = 0.35
MAX_COLUMNS = 5  # error columns shown; more steps become a window with an ellipsis


def frame_steps(T: int, focus: int) -> tuple[int, ...]:
    """The steps whose frames are drawn: the focus step, one between, the last.

    (The focus step is the first with h(t-1) != h(0); from h(0) = 0 step 1's
    dL/dW(1) is all zeros.)
    """
    focus = min(focus, T - 1)
    return tuple(sorted({focus, (focus + T - 1) // 2, T - 1}))


class StepGradientFrames(VGroup):
    """Per-step gradient frames, each with the errors it needs, in its step's colour.

    Parameters
    ----------
    d_a
        ``(T, H)`` the errors dL/da(t) (``Backprop.d_a``).
    per_step_W
        ``(T, H, H)`` the per-step gradients dL/da(t) h(t-1)^T (``per_step.W``).
    steps
        The steps t whose frame is drawn (one row each).

    Attributes
    ----------
    rows
        ``{t: VGroup}`` one row per frame step; ``needs[t]`` the error strips it needs
        (keyed by k), ``frames[t]`` the ``MatrixFrame`` of dL/dW^(t).
    columns
        The error columns k drawn, from the first frame's step (a window for long
        sequences).
    """

    def __init__(self, d_a: np.ndarray, per_step_W: np.ndarray, steps: Sequence[int]) -> None:
        super().__init__()
        T, H = d_a.shape
        numbers = H <= NUMBERS_UP_TO
        cell = CELL if numbers else SMALL_CELL
        matrix_cell = MATRIX_CELL if numbers else SMALL_CELL
        first = min(steps)  # no frame needs an earlier error: those columns are not drawn
        self.columns = tuple(first + k for k in _window(T - first, MAX_COLUMNS))
        vmax_e = float(np.abs(d_a).max()) or 1.0
        vmax_g = float(np.abs(per_step_W).max()) or 1.0
        self.vmax = max(vmax_e, vmax_g)
        self.needs: dict[int, dict[int, VectorStrip]] = {}
        self.frames: dict[int, MatrixFrame] = {}
        self.rows: dict[int, VGroup] = {}
        pitch = cell[0] + COLUMN_GAP
        x_of = {}
        x = 0.0
        for i, k in enumerate(self.columns):
            if i and k != self.columns[i - 1] + 1:
                x += pitch  # room for the ellipsis
            x_of[k] = x
            x += pitch
        self.ellipses = VGroup()
        self.headers = VGroup()
        # the step k over each column, named once on the left (a fraction per column
        # would be too small to read at 480p)
        for k in self.columns:
            head = MathTex(str(display_step(k)), font_size=FONT_LABEL, color=MEANING.text.color)
            self.headers.add(head.move_to([x_of[k], 0.6, 0]))
        name = MathTex(r"\frac{\partial L}{\partial a^{(k)}},\ k=", font_size=FONT_LABEL)
        self.headers.add(name.set_color(MEANING.text.color).next_to(self.headers, LEFT, buff=0.2))
        gaps = [
            x_of[k] - pitch
            for i, k in enumerate(self.columns)
            if i and k != self.columns[i - 1] + 1
        ]
        y = 0.0
        body = VGroup()
        for t in steps:
            color = source_color(t)
            strips: dict[int, VectorStrip] = {}
            row = VGroup()
            for k in self.columns:
                if k < t:
                    slot = Rectangle(width=cell[0], height=H * cell[1], stroke_width=0)
                    row.add(slot.set_fill(opacity=0).move_to([x_of[k], y - H * cell[1] / 2, 0]))
                    continue
                strip = VectorStrip(
                    d_a[k],
                    cell_width=cell[0],
                    cell_height=cell[1],
                    vmax=self.vmax,
                    outline=color,
                    show_numbers=numbers,
                )
                strip.move_to([x_of[k], y - H * cell[1] / 2, 0])
                strips[k] = strip
                row.add(strip)
            frame = MatrixFrame(
                per_step_W[t],
                mode="numbers" if numbers else "cells",
                frame_color=color,
                vmax=self.vmax,
                cell=matrix_cell,
            )
            arrow = MathTex(
                r"\Longrightarrow",
                rf"\frac{{\partial L}}{{\partial W^{{({display_step(t)})}}}}=",
                font_size=FONT_LABEL,
                color=MEANING.text.color,
            )
            arrow[0].set_color(color)
            arrow.next_to(row, RIGHT, buff=0.3)
            frame.next_to(arrow, RIGHT, buff=0.2)
            for gx in gaps:
                dots = MathTex(r"\cdots", font_size=FONT_LABEL, color=MEANING.text.color)
                self.ellipses.add(dots.move_to([gx, y - H * cell[1] / 2, 0]))
            needed = VGroup(*strips.values())
            box = SurroundingRectangle(needed, buff=0.06, color=color, stroke_width=3)
            row.add(box, arrow, frame)
            self.needs[t], self.frames[t], self.rows[t] = strips, frame, row
            body.add(row)
            y -= max(H * cell[1], frame.height) + ROW_GAP
        self.add(self.headers, self.ellipses, body)
        self.body = body
