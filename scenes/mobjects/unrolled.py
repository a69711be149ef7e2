"""The RNN unrolled over time, with the core's numbers in every cell.

``UnrolledRNN``: the network unrolled over time, left to right, with per-step
sub-mobjects ``x[t] h[t] o[t] y_hat[t] loss[t]`` and arrows ``u_arrow[t]
w_arrow[t] v_arrow[t]`` (dicts keyed by array index ``t``) that other scenes
decorate. More than ``max_steps`` steps become a window with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from manim import (
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    ManimColor,
    MathTex,
    Rectangle,
    SurroundingRectangle,
    Text,
    VGroup,
    VMobject,
)

from rnncore.params import RNNParams
from rnncore.rnn import Trace
from scenes.grammar import FONT_LABEL, FONT_SMALL, MEANING
from scenes.layout import ARROW_TIP, STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.numbers import display_step
from scenes.mobjects.unrolled_rows import (
    ELLIPSIS_FRACTION,
    MAX_STEPS,
    NONE_MARK,
    ROW_COLOR,
    ROW_GAP,
    ROW_LABEL_WIDTH,
    ROW_TEX,
    ROWS,
    STEP_LABEL_HEIGHT,
    _window,
)
from scenes.mobjects.value_shapes import CELL_HEIGHT, CELL_WIDTH, TARGET_FRAME, VectorStrip

__all__ = ["ELLIPSIS_FRACTION", "MAX_STEPS", "NONE_MARK", "ROWS", "UnrolledRNN"]


class UnrolledRNN(VGroup):
    """The RNN unrolled over time: one column per step, time left to right.

    Per step (bottom to top) x(t), h(t), o(t), y_hat(t), L(t) as ``VectorStrip``s,
    U arrows x(t) -> h(t), V arrows h(t) -> o(t), yellow W arrows h(t-1) -> h(t),
    and h(0) on the left. Every per-step part is a dict keyed by the array index
    ``t`` of the steps shown (``self.steps``): ``x[t] h[t] o[t] y_hat[t] loss[t]``,
    ``u_arrow[t] v_arrow[t] w_arrow[t]`` (``w_arrow[t]`` points into h[t]) and their
    labels ``u_label[t]`` ... . Steps left out of a window are replaced by an
    ellipsis column (``self.ellipses``; ``self.gap_arrows`` are the W arrows into
    and out of it).

    Parameters
    ----------
    trace
        The forward pass: values of x, h, o, y_hat.
    params
        The parameters (checked against the trace's sizes).
    losses
        ``(T,)`` per-step losses L(t) (``Backprop.losses``), or None (empty cells).
    loss_mask
        ``(T,)`` bool: steps without a loss get a grey L cell marked "–", and
        their outputs are drawn dim (nothing is compared with them).
    input_mask
        ``(T,)`` bool: steps without an input (one-to-many after step 1) get no
        x(t) strip and no U arrow.
    targets
        The lesson's targets: for mse a ``(T, O)`` row y(t) above L(t); for
        cross-entropy ``(T,)`` class indices, each framed in y_hat(t)
        (``target_frames[t]``).
    rows
        Which rows to draw, from ``("x", "h", "o", "y_hat", "loss", "y")``.
    steps
        The array indices to show (sorted); default: all, or a window when
        ``T > max_steps``.
    filled
        Start with values shown; otherwise empty cells that ``fill(row, t)`` fills.
    step_names
        A name per step shown under the time (e.g. the input symbols).
    width, height
        The box the view fits in; it is centred on ``STAGE_CENTER``.
    """

    def __init__(
        self,
        trace: Trace,
        params: RNNParams,
        losses: np.ndarray | None = None,
        *,
        loss_mask: np.ndarray | None = None,
        input_mask: np.ndarray | None = None,
        targets: np.ndarray | None = None,
        rows: Sequence[str] | None = None,
        steps: Sequence[int] | None = None,
        max_steps: int = MAX_STEPS,
        filled: bool = True,
        step_names: Sequence[str] = (),
        width: float = STAGE_WIDTH,
        height: float = STAGE_TOP - STAGE_BOTTOM,
        show_h0: bool = True,
    ) -> None:
        super().__init__()
        T, H = trace.h.shape
        if params.n_hidden != H or params.n_in != trace.xs.shape[1]:
            raise ValueError("UnrolledRNN: params and trace have different sizes")
        mse_targets = targets is not None and np.ndim(targets) == 2
        if rows is None:
            rows = [r for r in ROWS if r != "y_hat" or trace.output == "softmax"]
            rows = [r for r in rows if r != "y" or mse_targets]
            if losses is None:
                rows = [r for r in rows if r != "loss"]
        unknown = set(rows) - set(ROWS)
        if unknown:
            raise ValueError(f"rows: unknown {sorted(unknown)}, expected some of {ROWS}")
        self.rows = tuple(r for r in ROWS if r in rows)
        self.T = T
        self.steps = tuple(steps) if steps is not None else _window(T, max_steps)
        if not self.steps or any(not 0 <= t < T for t in self.steps):
            raise ValueError(f"steps: expected indices in 0..{T - 1}, found {self.steps}")
        self.loss_mask = np.ones(T, bool) if loss_mask is None else np.asarray(loss_mask, bool)
        self.input_mask = np.ones(T, bool) if input_mask is None else np.asarray(input_mask, bool)
        self.data: dict[str, np.ndarray] = {
            "x": trace.xs,  # (T, I)
            "h": trace.h,  # (T, H)
            "o": trace.o,  # (T, O)
            "y_hat": trace.y_hat,  # (T, O)
        }
        if mse_targets:
            self.data["y"] = np.asarray(targets, dtype=float)  # (T, O)
        if losses is not None:
            self.data["loss"] = np.asarray(losses, dtype=float).reshape(T, 1)  # (T, 1)
        sizes = {
            "x": trace.xs.shape[1],
            "h": H,
            "o": trace.o.shape[1],
            "y_hat": trace.o.shape[1],
            "y": trace.o.shape[1],
            "loss": 1,
        }
        self.trace, self.params = trace, params

        # --- vertical layout: rows of cells, arrows between, step labels below
        n_cells = sum(sizes[r] for r in self.rows)
        gaps = ROW_GAP * (len(self.rows) - 1)
        cell_h = min(CELL_HEIGHT, (height - gaps - STEP_LABEL_HEIGHT) / n_cells)
        self.cell_height = cell_h
        y = -height / 2 + STEP_LABEL_HEIGHT
        row_y: dict[str, float] = {}
        for r in self.rows:
            row_y[r] = y + sizes[r] * cell_h / 2
            y += sizes[r] * cell_h + ROW_GAP

        # --- horizontal layout: row labels, h0, steps (and ellipsis columns)
        gap_after = {a for a, b in pairwise(self.steps) if b != a + 1}
        lead_gap = self.steps[0] > 0
        n_ellipses = len(gap_after) + int(lead_gap)
        n_cols = int(show_h0) + len(self.steps) + ELLIPSIS_FRACTION * n_ellipses
        pitch = (width - ROW_LABEL_WIDTH) / n_cols
        cell_w = min(CELL_WIDTH, 0.6 * pitch)
        self.pitch = pitch
        x = -width / 2 + ROW_LABEL_WIDTH
        col_x: dict[int, float] = {}
        ellipsis_x: list[float] = []
        h0_x = None
        if show_h0:
            h0_x = x + pitch / 2
            x += pitch
        if lead_gap:
            ellipsis_x.append(x + ELLIPSIS_FRACTION * pitch / 2)
            x += ELLIPSIS_FRACTION * pitch
        for t in self.steps:
            col_x[t] = x + pitch / 2
            x += pitch
            if t in gap_after:
                ellipsis_x.append(x + ELLIPSIS_FRACTION * pitch / 2)
                x += ELLIPSIS_FRACTION * pitch

        loss_vmax = float(np.max(self.data["loss"])) if "loss" in self.data else 1.0
        loss_vmax = loss_vmax if loss_vmax > 0 else 1.0
        self.loss_vmax = loss_vmax  # the loss scale's top (its colour bar: ColorBar(loss=True))

        def strip(r: str, values: np.ndarray | None) -> VectorStrip:
            s = VectorStrip(
                values,
                n=sizes[r],
                cell_width=cell_w,
                cell_height=cell_h,
                outline=ROW_COLOR[r],
            )
            if r == "loss":  # a loss is >= 0 and unbounded: its own scale, not +-1
                s.vmax = loss_vmax
                s.use_loss_scale()
            return s

        # --- per-step strips
        self.x: dict[int, VectorStrip] = {}
        self.h: dict[int, VectorStrip] = {}
        self.o: dict[int, VectorStrip] = {}
        self.y_hat: dict[int, VectorStrip] = {}
        self.y: dict[int, VectorStrip] = {}
        self.loss: dict[int, VectorStrip] = {}
        self.strips = VGroup()
        self.none_marks = VGroup()  # "–" in the L cells of steps without a loss
        for r in self.rows:
            store = getattr(self, r)
            for t in self.steps:
                if r == "x" and not self.input_mask[t]:
                    continue  # one-to-many: nothing comes in after the first step
                values = self.data[r][t] if filled and r in self.data else None
                s = strip(r, values).move_to([col_x[t], row_y[r], 0])
                if not self.loss_mask[t] and r in ("o", "y_hat", "y", "loss"):
                    s.shapes.set_stroke(MEANING.neutral.color, opacity=0.5)
                    if r == "loss":
                        s.clear_values()
                        mark = Text(NONE_MARK, font_size=FONT_SMALL, color=MEANING.neutral.color)
                        self.none_marks.add(mark.move_to(s))
                store[t] = s
                self.strips.add(s)

        # --- cross-entropy: the target class of each step with a loss, framed
        self.target_frames: dict[int, Rectangle] = {}
        if targets is not None and not mse_targets and "y_hat" in self.rows:
            for t in self.steps:
                if self.loss_mask[t]:
                    cell = self.y_hat[t].cell(int(targets[t]))
                    frame = SurroundingRectangle(cell, color=MEANING.text.color, buff=0.03)
                    self.target_frames[t] = frame.set_stroke(width=TARGET_FRAME)

        # --- h0
        self.h0: VectorStrip | None = None
        self.h0_label: MathTex | None = None
        parts = VGroup()
        if show_h0 and "h" in self.rows:
            self.h0 = strip("h", trace.h0).move_to([h0_x, row_y["h"], 0])
            self.h0_label = MathTex("h^{(0)}", font_size=FONT_LABEL, color=MEANING.hidden.color)
            self.h0_label.next_to(self.h0, UP, buff=0.12)
            parts.add(self.h0, self.h0_label)

        # --- arrows and their labels
        self.u_arrow: dict[int, Arrow] = {}
        self.v_arrow: dict[int, Arrow] = {}
        self.w_arrow: dict[int, Arrow] = {}
        self.u_label: dict[int, MathTex] = {}
        self.v_label: dict[int, MathTex] = {}
        self.w_label: dict[int, MathTex] = {}
        self.flow_arrows: dict[tuple[str, int], Arrow] = {}  # o->y_hat, y_hat->L
        self.arrows = VGroup()
        self.labels = VGroup()
        for t in self.steps:
            if "x" in self.rows and "h" in self.rows and t in self.x:
                self.u_arrow[t], self.u_label[t] = self._vertical(self.x[t], self.h[t], "U")
            if "h" in self.rows and "o" in self.rows:
                self.v_arrow[t], self.v_label[t] = self._vertical(self.h[t], self.o[t], "V")
            upper = [r for r in ("o", "y_hat", "loss") if r in self.rows]
            for a, b in pairwise(upper):
                arrow = self._arrow(getattr(self, a)[t].get_top(), getattr(self, b)[t].get_bottom())
                self.flow_arrows[(b, t)] = arrow
                self.arrows.add(arrow)
            if "y" in self.rows and "loss" in self.rows:  # mse: L(t) compares o(t) with y(t)
                arrow = self._arrow(self.y[t].get_bottom(), self.loss[t].get_top())
                self.flow_arrows[("y", t)] = arrow
                self.arrows.add(arrow)
        for arrow_t in (*self.u_arrow.values(), *self.v_arrow.values()):
            self.arrows.add(arrow_t)
        self.labels.add(*self.u_label.values(), *self.v_label.values())

        # W arrows: from the previous column's h (or h0, or an ellipsis) into h[t]
        self.ellipses = VGroup()
        self.gap_arrows = VGroup()
        if "h" in self.rows:
            for ex in ellipsis_x:
                dots = MathTex(r"\cdots", font_size=FONT_LABEL + 8, color=MEANING.text.color)
                self.ellipses.add(dots.move_to([ex, row_y["h"], 0]))
            prev: VMobject | None = self.h0
            if lead_gap and self.h0 is not None:
                self.gap_arrows.add(*self._horizontal(self.h0, self.ellipses[0]))
            for t in self.steps:
                if prev is None or (t - 1 not in self.steps and t > 0):
                    # coming out of an ellipsis (the one just left of this column)
                    left = [d for d in self.ellipses if d.get_x() < col_x[t]]
                    prev = left[-1] if left else prev
                if prev is not None:
                    arrow, label = self._horizontal(prev, self.h[t])
                    self.w_arrow[t], self.w_label[t] = arrow, label
                    self.arrows.add(arrow)
                    self.labels.add(label)
                nxt = [d for d in self.ellipses if d.get_x() > col_x[t]]
                if t in gap_after and nxt:
                    arrow, label = self._horizontal(self.h[t], nxt[0])
                    self.gap_arrows.add(arrow, label)
                prev = self.h[t]

        # --- row labels and step labels
        self.row_labels: dict[str, MathTex] = {}
        left_x = -width / 2
        for r in self.rows:
            lab = MathTex(ROW_TEX[r], font_size=FONT_LABEL, color=ROW_COLOR[r])
            lab.move_to([left_x + lab.width / 2, row_y[r], 0])
            self.row_labels[r] = lab
        self.step_labels: dict[int, Text] = {}
        for t in self.steps:
            name = step_names[t] if len(step_names) == T else ""
            text = f"t={display_step(t)}" + (f": {name}" if name else "")
            lab = Text(text, font_size=FONT_SMALL, color=MEANING.text.color)
            if lab.width > pitch * 0.95:
                lab = Text(f"t={display_step(t)}", font_size=FONT_SMALL, color=MEANING.text.color)
            lab.move_to([col_x[t], -height / 2 + STEP_LABEL_HEIGHT / 2 - 0.05, 0])
            self.step_labels[t] = lab

        self.add(self.strips, self.none_marks, VGroup(*self.target_frames.values()))
        self.add(parts, self.arrows, self.gap_arrows, self.labels, self.ellipses)
        self.add(VGroup(*self.row_labels.values()), VGroup(*self.step_labels.values()))
        self.shift(STAGE_CENTER)

    # --- drawing helpers
    @staticmethod
    def _arrow(start: np.ndarray, end: np.ndarray, color: ManimColor = MEANING.text.color) -> Arrow:
        return Arrow(
            start,
            end,
            buff=0.04,
            stroke_width=3,
            color=color,
            max_tip_length_to_length_ratio=0.45,
            tip_length=ARROW_TIP,
        )

    def _vertical(self, lower: VMobject, upper: VMobject, tex: str) -> tuple[Arrow, MathTex]:
        arrow = self._arrow(lower.get_top(), upper.get_bottom())
        label = MathTex(tex, font_size=FONT_SMALL + 2, color=MEANING.text.color)
        label.next_to(arrow, RIGHT, buff=0.08)
        return arrow, label

    def _horizontal(self, left: VMobject, right: VMobject) -> tuple[Arrow, MathTex]:
        y = right.get_center()[1]
        start = np.array([left.get_right()[0], y, 0])
        end = np.array([right.get_left()[0], y, 0])
        arrow = self._arrow(start, end, MEANING.recurrent.color)
        label = MathTex("W", font_size=FONT_SMALL + 2, color=MEANING.recurrent.color)
        label.next_to(arrow, UP, buff=0.06)
        return arrow, label

    # --- access
    def strip(self, row: str, t: int) -> VectorStrip:
        """The strip of ``row`` (``"x"``, ``"h"``, ...) at step ``t``."""
        return getattr(self, row)[t]

    def column(self, t: int) -> VGroup:
        """Everything drawn at step ``t`` (strips, arrows into them, labels)."""
        parts = [getattr(self, r)[t] for r in self.rows if t in getattr(self, r)]
        for d in (self.u_arrow, self.v_arrow, self.w_arrow, self.u_label, self.v_label):
            if t in d:
                parts.append(d[t])
        parts += [a for (_, s), a in self.flow_arrows.items() if s == t]
        return VGroup(*parts)

    def parameter(self, name: str) -> VGroup:
        """Every arrow and label of parameter ``"U"``, ``"V"`` or ``"W"`` (shared)."""
        arrows, labels = {
            "U": (self.u_arrow, self.u_label),
            "V": (self.v_arrow, self.v_label),
            "W": (self.w_arrow, self.w_label),
        }[name]
        return VGroup(*arrows.values(), *labels.values())

    def frame(self, t: int, color: ManimColor, rows: Sequence[str] | None = None) -> Rectangle:
        """A rectangle around the strips of step ``t`` (all rows, or ``rows``)."""
        rows = self.rows if rows is None else rows
        group = VGroup(*(getattr(self, r)[t] for r in rows if t in getattr(self, r)))
        return SurroundingRectangle(group, color=color, buff=0.1, stroke_width=4)

    # --- values
    def fill(self, row: str, t: int) -> AnimationGroup:
        """Animate the values of ``row`` at step ``t`` into its (empty) strip."""
        if (row == "loss" and not self.loss_mask[t]) or t not in getattr(self, row):
            return AnimationGroup()  # nothing to fill: no loss, or no input, at this step
        return getattr(self, row)[t].set_values(self.data[row][t])

    def fill_step(self, t: int) -> list[AnimationGroup]:
        """One animation per row, bottom to top, filling step ``t``."""
        return [self.fill(r, t) for r in self.rows if r in self.data]

    def clear(self) -> UnrolledRNN:
        """Empty every strip except h(0)."""
        for r in self.rows:
            for s in getattr(self, r).values():
                s.clear_values()
        return self
