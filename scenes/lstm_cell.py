"""LSTMCell: the LSTM cell as a circuit with valves, then as the compact diagram.

One unit of the lesson's LSTM at one step, with its real numbers: the cell state
line c(t-1) -> c(t), the forget, input and output gates as valves whose opening is
the gate's value, the block input z; then the same unit as Greff et al.'s compact
diagram next to the equations (series' notation, PyTorch's names once), the numbers
of both pictures in the equations. Every number is the core's
(``Lesson.lstm_trace()``, ``rnncore.lstm_views``).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    MathTex,
    ReplacementTransform,
    VGroup,
    Write,
)

from rnncore.lstm_views import cell_update
from scenes.base import LectureScene
from scenes.grammar import FONT_LABEL, MEANING
from scenes.layout import STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.lstm_mobjects import CompactLSTM, LSTMCircuit, ValveKey
from scenes.lstm_steps import (
    PYTORCH_NAMES,
    cell_unit_panel,
    cell_versus_rnn,
    gate_value_lines,
    lstm_equations,
)
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step, fmt

__all__ = ["LSTMCell"]

KEY_WIDTH = 3.0  # the key column on the right of the circuit
KEY_GAP = 0.3
CONTRAST_GAP = 0.6  # slide 1's equations under the cell line
COMPACT_WIDTH = 4.6  # the compact diagram on the left of the equations
EQ_FONT = 28


def detail_step(lesson) -> int:
    """The step shown in detail: one with a previous state, the last for many-to-one."""
    return lesson.T - 1 if lesson.task == "many_to_one" else min(1, lesson.T - 1)


def shown_unit(lesson, t: int) -> int:
    """The unit drawn: the one whose cell state moves most at step ``t`` (first on ties)."""
    trace = lesson.lstm_trace()
    return int(np.argmax(np.abs(trace.c[t] - trace.c_prev[t])))


class LSTMCell(LectureScene):
    """One LSTM unit at one step: the circuit with valves, then the compact diagram."""

    def construct(self) -> None:
        self.t = detail_step(self.lesson)
        self.j = shown_unit(self.lesson, self.t)
        self.build_circuit()
        self.show_cell_line()
        self.open_valves()
        self.follow_the_flow()
        self.fold_into_compact_diagram()
        self.substitute_the_numbers()

    # --- helpers ----------------------------------------------------------------------
    def numbers(self) -> dict[str, str]:
        u = cell_update(self.lesson.lstm_trace(), self.t).unit(self.j)
        return {k: fmt(v) for k, v in u.items()}

    def build_circuit(self) -> None:
        lesson = self.lesson
        self.circuit = LSTMCircuit(lesson.lstm_params, lesson.lstm_trace(), self.t, self.j)
        width = STAGE_WIDTH - KEY_WIDTH - KEY_GAP
        fit_within(self.circuit, width, STAGE_TOP - STAGE_BOTTOM)
        self.circuit.move_to([-STAGE_WIDTH / 2 + width / 2, (STAGE_TOP + STAGE_BOTTOM) / 2, 0])
        self.circuit.align_to([-STAGE_WIDTH / 2, 0, 0], LEFT)
        self.key_x = STAGE_WIDTH / 2 - KEY_WIDTH / 2

    def place_key(self, key: VGroup, top: float = STAGE_TOP) -> VGroup:
        fit_within(key, KEY_WIDTH, STAGE_TOP - STAGE_BOTTOM)
        key.move_to([self.key_x, top - key.height / 2, 0])
        return key

    # --- beats ------------------------------------------------------------------------
    def show_cell_line(self) -> None:
        n = self.numbers()
        self.beat(
            "This is one unit of an LSTM drawn as an electronic circuit, at time step "
            f"{display_step(self.t)} of the lesson. Unlike h in the simple RNN, the cell "
            "state c is not squashed by a weight matrix and a tanh at every step: it only "
            "passes a valve and an addition. "
            "Point at: the pink line along the top, the cell state, from c(t-1) on the left "
            "to c(t) and on to the next step; then the two equations under it. "
            f"Read out: it comes in with c(t-1) = {n['c_prev']} and leaves with c(t) = "
            f"{n['c']}. "
            "Ask: what could a path without weights and tanh mean for the gradient "
            "travelling back along it? "
            "Next: the neurons that decide what passes along this line."
        )
        self.show_title("The LSTM cell as a circuit")
        c = self.circuit
        legend = Legend([(MEANING.cell.color, "cell state c")], kind="line")
        self.cell_key = self.place_key(legend)
        self.contrast = cell_versus_rnn()  # where the gates will be: why the line matters
        below = c.cell_line.get_bottom()[1] - CONTRAST_GAP
        fit_within(self.contrast, c.width, below - STAGE_BOTTOM)
        self.contrast.move_to([c.get_center()[0], (below + STAGE_BOTTOM) / 2, 0])
        self.play(FadeIn(c.boxes["c_prev"]), FadeIn(c.boxes["c"]), FadeIn(c.plus))
        self.play(Create(c.cell_line), FadeIn(c.next_step), FadeIn(self.cell_key), run_time=1.5)
        self.play(FadeIn(self.contrast, shift=0.2 * UP))

    def open_valves(self) -> None:
        n = self.numbers()
        self.beat(
            "Below the line are four neurons, each a weighted sum of x(t) and, through the "
            "yellow recurrent connections, h(t-1), plus a bias. Three are gates: a sigmoid "
            "squashes them into 0 to 1, and each drives a valve; the fourth, the block input "
            "z, is a tanh neuron: what the cell may write. "
            "Point at: the four neurons, the dashed lines from the gates up to their valves, "
            "and how far each valve is open (the key on the right). "
            f"Read out: the forget gate is {n['f']}, the input gate {n['i']}, the output "
            f"gate {n['o']}, the block input z = {n['z']}. "
            "Ask: if the forget gate were 0, what would be left of c(t-1)? "
            "Next: the numbers that flow through the valves."
        )
        c = self.circuit
        bar = ColorBar(label="value (fills, weights)", length=2.4)
        legend = Legend(
            [
                (MEANING.cell.color, "cell state c"),
                (MEANING.recurrent.color, "recurrent: R h(t-1)"),
                (MEANING.input.color, "input x(t)"),
                (MEANING.hidden.color, "output h"),
                (MEANING.neutral.color, "gate neuron, valve"),
                (MEANING.text.color, "signal wire"),
            ],
            kind="line",
        )
        key = VGroup(legend, ValveKey(), bar).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        self.place_key(key)
        self.play(FadeOut(self.contrast), run_time=0.5)
        self.play(FadeIn(c.x), FadeIn(c.h_prev), Create(c.inputs_x), Create(c.inputs_h))
        self.play(*(FadeIn(g) for g in c.gates.values()), ReplacementTransform(self.cell_key, key))
        self.key = key
        self.play(*(FadeIn(v) for v in c.valves.values()), *(FadeIn(s) for s in c.slots.values()))
        self.play(
            Create(c.controls),
            Create(c.branches),
            FadeIn(c.junction),
            FadeIn(c.tanh_box),
            FadeIn(c.tanh),
        )

    def follow_the_flow(self) -> None:
        n = self.numbers()
        self.beat(
            "Now follow the numbers through the circuit, left to right. "
            "Point at: the boxes that fill in, one after the other. "
            f"Read out: the forget valve lets f times c(t-1) = {n['forget_part']} through; "
            f"the input valve lets i times z = {n['input_part']} through; the two add up to "
            f"the new cell state c(t) = {n['c']}. Then tanh(c(t)) = {n['c_tanh']} passes "
            f"the output valve and becomes the output h(t) = {n['h']}, which goes up to the "
            "output layer and, like c(t), on to the next step. "
            "Ask: which part of c(t) is larger here, what was kept or what was written? "
            "Next: the same unit as most papers draw it."
        )
        c = self.circuit
        for key in ("forget_part", "input_part", "c_tanh", "h"):  # the numbers fill the slots
            self.play(FadeOut(c.slots[key]), FadeIn(c.boxes[key]), run_time=0.6)

    def fold_into_compact_diagram(self) -> None:
        n = self.numbers()
        self.beat(
            "Most papers draw the same unit compactly (Greff et al., 'LSTM: A Search Space "
            "Odyssey'): z and the gates i, f, o at the edge of the block, fed by x(t) and "
            "h(t-1); the valves become multiplications; c keeps its loop through f. In the "
            "equations W are input and R recurrent weights; PyTorch calls z g and stacks "
            "the gates' weights in W_ih and W_hh. "
            "Point at: each neuron of the circuit as it moves to its place in the compact "
            "diagram, then the equations on the right, one line per neuron. "
            f"Read out: the same values in both pictures: z = {n['z']}, i = {n['i']}, "
            f"f = {n['f']}, o = {n['o']}, c(t) = {n['c']}. "
            "Ask: where in the compact diagram did each of the three valves go? "
            "Next: the equations with this unit's numbers."
        )
        lesson, c = self.lesson, self.circuit
        compact = CompactLSTM(lesson.lstm_trace(), self.t, self.j)
        fit_within(compact, COMPACT_WIDTH, STAGE_TOP - STAGE_BOTTOM)
        compact.move_to([-STAGE_WIDTH / 2 + compact.width / 2, (STAGE_TOP + STAGE_BOTTOM) / 2, 0])
        self.compact = compact
        right = STAGE_WIDTH - compact.width - KEY_GAP
        eqs = EquationPanel(lstm_equations(), font_size=EQ_FONT, max_width=right)
        names = VGroup(*(_names_line(tex, right) for tex in PYTORCH_NAMES))
        names.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        legend = Legend(
            [
                (MEANING.input.color, "x(t) into every gate"),
                (MEANING.recurrent.color, "h(t-1) into every gate"),
                (MEANING.cell.color, "cell state c"),
            ],
            kind="line",
            vertical=False,
        )
        bar = ColorBar(label="value", length=2.0)
        side = VGroup(eqs, names, VGroup(legend, bar).arrange(DOWN, buff=0.2))
        side.arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        fit_within(side, right, STAGE_TOP - STAGE_BOTTOM)
        side.move_to([STAGE_WIDTH / 2 - right / 2, (STAGE_TOP + STAGE_BOTTOM) / 2, 0])
        self.equations, self.names, self.side = eqs, names, side
        self.show_title("The same cell, compact: one set of equations")
        pairs = [(c.gates[g], compact.gates[g]) for g in ("z", "i", "f", "o")]
        pairs += [(c.valves[g], compact.products[g]) for g in ("i", "f", "o")]
        pairs += [(c.plus, compact.plus), (c.boxes["c"], compact.cell)]
        # copies move, so the circuit keeps what it drew (its valves' openings)
        rest = [m for m in self.mobjects if m is not self.title]
        self.play(
            *(ReplacementTransform(a.copy(), b) for a, b in pairs),
            *(FadeOut(m) for m in rest),
            run_time=2,
        )
        others = [m for m in compact if all(m is not b for _, b in pairs)]
        self.play(*(FadeIn(m) for m in others), Write(eqs), FadeIn(names), FadeIn(side[2]))

    def substitute_the_numbers(self) -> None:
        n = self.numbers()
        self.beat(
            "The same equations with this unit's numbers: every value here is on both "
            "pictures. "
            "Point at: the gate lines on top, then the cell state and output lines below. "
            f"Read out: the forget gate {n['f']} keeps that share of c(t-1) = {n['c_prev']}, "
            f"the input gate {n['i']} lets in that share of z = {n['z']}, and their sum is "
            f"c(t) = {n['c']}; the output gate {n['o']} opens tanh(c(t)) onto h(t) = {n['h']}. "
            "Ask: which gate would have to be near 1, and which near 0, for the cell to carry "
            "a value unchanged over many steps? "
            "Next: the forward pass of all units, step by step."
        )
        lesson = self.lesson
        trace = lesson.lstm_trace()
        right = self.side.width
        lines = gate_value_lines(trace, self.t, self.j)
        halves = [EquationPanel(lines[k : k + 2], font_size=EQ_FONT) for k in (0, 2)]
        panel = VGroup(*halves).arrange(RIGHT, buff=0.6, aligned_edge=UP)
        cell = cell_unit_panel(trace, self.t, self.j, font_size=EQ_FONT, max_width=right)
        block = VGroup(panel, cell).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        keys = self.side[2]
        fit_within(block, right, STAGE_TOP - keys.get_top()[1] - 0.3)
        block.move_to([self.side.get_center()[0], (STAGE_TOP + keys.get_top()[1] + 0.3) / 2, 0])
        block.align_to(self.side, LEFT)
        self.values_panel, self.cell_panel = panel, cell
        self.play(FadeOut(self.equations), FadeOut(self.names))
        self.play(Write(panel), Write(cell), run_time=2)


def _names_line(tex: str, width: float) -> MathTex:
    """One line of PyTorch's names in the caption colour, at most ``width`` wide."""
    line = MathTex(tex, font_size=FONT_LABEL, color=MEANING.neutral.color)
    fit_within(line, width, 1.0)
    return line
