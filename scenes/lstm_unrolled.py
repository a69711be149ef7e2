"""The LSTM unrolled over time, with the core's numbers in every cell.

``UnrolledLSTM``: one column per step, time left to right, rows (bottom to top)
x(t), c(t), h(t), o(t), y_hat(t) (softmax) or the target y(t) (mse), L(t); the cell
state runs from c(t-1) to c(t) (cell colour), h(t-1) to h(t) through the yellow
recurrent connections, c(0) and h(0) on the left. More than ``MAX_STEPS`` steps
become a window with an ellipsis, as in ``UnrolledRNN``.
``unrolled_key``: its colour bar and key.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    AnimationGroup,
    Arrow,
    ManimColor,
    MathTex,
    Rectangle,
    SurroundingRectangle,
    Text,
    VGroup,
)

from rnncore.lstm import LSTMTrace
from scenes.grammar import FONT_LABEL, FONT_SMALL, MEANING
from scenes.layout import ARROW_TIP, STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step
from scenes.mobjects.unrolled import MAX_STEPS, NONE_MARK, _window
from scenes.mobjects.value_shapes import CELL_HEIGHT, CELL_WIDTH, TARGET_FRAME, VectorStrip

__all__ = ["LSTM_ROWS", "UnrolledLSTM", "unrolled_key"]

LSTM_ROWS = ("x", "c", "h", "o", "y_hat", "y", "loss")
ROW_TEX = {
    "x": "x^{(t)}",
    "c": "c^{(t)}",
    "h": "h^{(t)}",
    "o": "o^{(t)}",
    "y_hat": r"\hat{y}^{(t)}",
    "y": "y^{(t)}",
    "loss": "L^{(t)}",
}
ROW_COLOR = {
    "x": MEANING.input.color,
    "c": MEANING.cell.color,
    "h": MEANING.hidden.color,
    "o": MEANING.output.color,
    "y_hat": MEANING.output.color,
    "y": MEANING.text.color,
    "loss": MEANING.loss.color,
}
ROW_GAP = 0.3
STEP_LABEL_HEIGHT = 0.4
ROW_LABEL_WIDTH = 0.85


def _arrow(start: np.ndarray, end: np.ndarray, color: ManimColor) -> Arrow:
    return Arrow(
        start,
        end,
        buff=0.04,
        stroke_width=3,
        color=color,
        tip_length=ARROW_TIP,
        max_tip_length_to_length_ratio=0.45,
    )


class UnrolledLSTM(VGroup):
    """The LSTM unrolled over time; ``strips[row][t]`` are ``VectorStrip``s.

    Parameters
    ----------
    trace
        The LSTM's forward pass.
    losses
        ``(T,)`` per-step losses (``LSTMBackprop.losses``).
    loss_mask, input_mask
        Steps with a loss (the others show "–") and with an input (the others have
        no x(t) strip).
    targets
        Class indices (framed in y_hat(t)) or ``(T, O)`` mse targets (a y(t) row).
    filled
        Start with the values shown; otherwise ``fill_step(t)`` fills them.
    """

    def __init__(
        self,
        trace: LSTMTrace,
        losses: np.ndarray,
        *,
        loss_mask: np.ndarray,
        input_mask: np.ndarray,
        targets: np.ndarray,
        filled: bool = True,
        step_names: Sequence[str] = (),
        width: float = STAGE_WIDTH,
        height: float = STAGE_TOP - STAGE_BOTTOM,
    ) -> None:
        super().__init__()
        T, H = trace.h.shape
        O = trace.o.shape[1]
        mse = np.ndim(targets) == 2
        self.rows = tuple(
            r
            for r in LSTM_ROWS
            if not (r == "y_hat" and (mse or trace.output != "softmax"))
            and not (r == "o" and trace.output == "softmax" and not mse)  # y_hat stands for o
            and not (r == "y" and not mse)
        )
        self.data = {
            "x": trace.xs,
            "c": trace.c,
            "h": trace.h,
            "o": trace.o,
            "y_hat": trace.y_hat,
            "loss": np.asarray(losses, float).reshape(T, 1),
        }
        if mse:
            self.data["y"] = np.asarray(targets, float)
        sizes = {"x": trace.xs.shape[1], "c": H, "h": H, "o": O, "y_hat": O, "y": O, "loss": 1}
        self.loss_mask, self.input_mask = np.asarray(loss_mask, bool), np.asarray(input_mask, bool)
        self.steps = _window(T, MAX_STEPS)
        n_cells = sum(sizes[r] for r in self.rows)
        cell_h = min(
            CELL_HEIGHT, (height - ROW_GAP * (len(self.rows) - 1) - STEP_LABEL_HEIGHT) / n_cells
        )
        row_y, y = {}, -height / 2 + STEP_LABEL_HEIGHT
        for r in self.rows:
            row_y[r] = y + sizes[r] * cell_h / 2
            y += sizes[r] * cell_h + ROW_GAP
        gap = len(self.steps) < T
        n_cols = 1 + len(self.steps) + (0.6 if gap else 0)
        pitch = (width - ROW_LABEL_WIDTH) / n_cols
        cell_w = min(CELL_WIDTH, 0.6 * pitch)
        x0 = -width / 2 + ROW_LABEL_WIDTH
        col_x = {}
        x = x0 + pitch
        for t in self.steps:
            col_x[t] = x + pitch / 2
            x += pitch
            if gap and t == self.steps[-3]:
                self.ellipsis_x = x + 0.3 * pitch
                x += 0.6 * pitch
        loss_vmax = max(float(np.max(losses)), 1e-9)

        def strip(r: str, values: np.ndarray | None) -> VectorStrip:
            s = VectorStrip(
                values, n=sizes[r], cell_width=cell_w, cell_height=cell_h, outline=ROW_COLOR[r]
            )
            if r == "loss":
                s.vmax = loss_vmax
                s.use_loss_scale()
            return s

        self.strips: dict[str, dict[int, VectorStrip]] = {r: {} for r in self.rows}
        self.none_marks, self.arrows, self.frames = VGroup(), VGroup(), VGroup()
        for r in self.rows:
            for t in self.steps:
                if r == "x" and not self.input_mask[t]:
                    continue
                no_loss = r == "loss" and not self.loss_mask[t]
                values = self.data[r][t] if filled and not no_loss else None
                s = strip(r, values).move_to([col_x[t], row_y[r], 0])
                if no_loss:
                    mark = Text(NONE_MARK, font_size=FONT_SMALL, color=MEANING.neutral.color)
                    self.none_marks.add(mark.move_to(s))
                self.strips[r][t] = s
        self.start = {
            r: strip(r, v).move_to([x0 + pitch / 2, row_y[r], 0])
            for r, v in (("c", trace.c0), ("h", trace.h0))
        }
        self.start_labels = VGroup(
            MathTex("c^{(0)}", font_size=FONT_LABEL, color=MEANING.cell.color).next_to(
                self.start["c"], direction=[0, -1, 0], buff=0.08
            ),
            MathTex("h^{(0)}", font_size=FONT_LABEL, color=MEANING.hidden.color).next_to(
                self.start["h"], direction=[0, 1, 0], buff=0.08
            ),
        )
        for r, color in (("c", MEANING.cell.color), ("h", MEANING.recurrent.color)):
            prev = self.start[r]
            for t in self.steps:
                cur = self.strips[r][t]
                self.arrows.add(_arrow(prev.get_right(), cur.get_left(), color))
                prev = cur
        for t in self.steps:
            column = [self.strips[r][t] for r in self.rows if t in self.strips[r]]
            for low, high in itertools.pairwise(column):
                if (low, high) == (self.strips["c"].get(t), self.strips["h"].get(t)):
                    continue  # c(t) and h(t) are one cell's state: no arrow between
                self.arrows.add(_arrow(low.get_top(), high.get_bottom(), MEANING.text.color))
            if not mse and "y_hat" in self.rows and self.loss_mask[t]:
                cell = self.strips["y_hat"][t].cell(int(targets[t]))
                frame = SurroundingRectangle(cell, color=MEANING.text.color, buff=0.03)
                self.frames.add(frame.set_stroke(width=TARGET_FRAME))
        self.row_labels = VGroup(
            *(
                MathTex(ROW_TEX[r], font_size=FONT_LABEL, color=ROW_COLOR[r]).move_to(
                    [-width / 2 + 0.4, row_y[r], 0]
                )
                for r in self.rows
            )
        )
        self.step_labels = VGroup()
        for t in self.steps:
            name = step_names[t] if len(step_names) == T else ""
            text = f"t={display_step(t)}" + (f": {name}" if name else "")
            lab = Text(text, font_size=FONT_SMALL, color=MEANING.text.color)
            if lab.width > 0.95 * pitch:
                lab = Text(f"t={display_step(t)}", font_size=FONT_SMALL, color=MEANING.text.color)
            self.step_labels.add(
                lab.move_to([col_x[t], -height / 2 + STEP_LABEL_HEIGHT / 2 - 0.05, 0])
            )
        self.ellipses = VGroup()
        if gap:
            for r in ("c", "h"):
                dots = MathTex(r"\cdots", font_size=FONT_LABEL + 8, color=MEANING.text.color)
                self.ellipses.add(dots.move_to([self.ellipsis_x, row_y[r], 0]))
        self.add(*(s for row in self.strips.values() for s in row.values()), *self.start.values())
        self.add(self.none_marks, self.frames, self.arrows, self.start_labels, self.row_labels)
        self.add(self.step_labels, self.ellipses)
        self.shift(STAGE_CENTER)

    def fill_step(self, t: int) -> AnimationGroup:
        """Fill step ``t``'s strips (bottom to top) with their values."""
        anims = [
            self.strips[r][t].set_values(self.data[r][t])
            for r in self.rows
            if t in self.strips[r] and not (r == "loss" and not self.loss_mask[t])
        ]
        return AnimationGroup(*anims, lag_ratio=0.3)

    def frame(self, t: int, color: ManimColor) -> Rectangle:
        """A rectangle around the strips of step ``t``."""
        group = VGroup(*(self.strips[r][t] for r in self.rows if t in self.strips[r]))
        return SurroundingRectangle(group, color=color, buff=0.1)


def unrolled_key(loss: str, loss_mask: np.ndarray) -> VGroup:
    """The value colour bar, the rows' line colours and, where they are drawn, the
    target-class frame and the mark of steps without a loss."""
    legend = Legend(
        [
            (MEANING.cell.color, "cell state c"),
            (MEANING.recurrent.color, "recurrent h"),
            (MEANING.input.color, "input x"),
            (MEANING.output.color, "o, y-hat"),
            (MEANING.loss.color, "loss L"),
        ],
        kind="line",
    )
    marks = [(MEANING.text.color, "target class")] if loss == "cross_entropy" else []
    if not np.all(loss_mask):
        marks.append((MEANING.neutral.color, "– no loss"))
    frames = [Legend(marks, kind="frame")] if marks else []
    key = VGroup(ColorBar(label="value", vertical=True, length=2.0), legend, *frames)
    return key.arrange(DOWN, buff=0.35, aligned_edge=LEFT)
