"""The task diagram of article 000: a row of RNN cells through time.

``TaskDiagram`` draws time left to right, inputs below and outputs above where the
task has them; recurrent arrows (yellow) between the cells, an optional backward
row (bidirectional) and output-to-input feedback (decoder). It draws what it is
given (which steps have an input or an output, labels); nothing computes model math.
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
    Line,
    ManimColor,
    Mobject,
    RoundedRectangle,
    Text,
    VGroup,
)

from scenes.diagrams import arrow_between
from scenes.grammar import FONT_SMALL, MEANING
from scenes.layout import ARROW_TIP

__all__ = ["TaskDiagram"]

TASK_CELL = 0.55  # side of an RNN cell in a task diagram
TASK_PITCH = 1.1  # distance between two time steps
TASK_STUB = 0.5  # length of the input / output arrows
ROW_GAP = 0.55  # vertical gap between the forward and the backward row
FEEDBACK_TAP = 0.55  # where along an output arrow the decoder's feedback branches off


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
