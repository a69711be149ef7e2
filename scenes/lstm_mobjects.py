"""The LSTM cell drawn two ways, from the core's numbers of one unit at one step.

- ``Valve``: a valve on a wire; its opening is exactly the gate's value (0 shut,
  1 open), ``openness`` reads it back off the drawing. ``ValveKey`` explains it.
- ``LSTMCircuit``: the "electronic circuit" picture of unit j at step t: the cell
  state line c(t-1) -> forget valve -> + -> c(t), the block input z through the
  input valve, tanh(c(t)) through the output valve to h(t); the gates f, i, o and
  z as neurons fed by x(t) and (yellow, recurrent) h(t-1).
- ``CompactLSTM``: the same unit as the compact diagram of Greff et al., "LSTM: A
  Search Space Odyssey" (no peepholes: PyTorch's LSTM has none).

Every number comes from ``rnncore`` (``Lesson.lstm_trace()``, ``rnncore.lstm_views``).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    DashedLine,
    Dot,
    Line,
    ManimColor,
    MathTex,
    Rectangle,
    RoundedRectangle,
    Square,
    Text,
    VGroup,
    VMobject,
)

from rnncore.lstm import LSTMTrace
from rnncore.lstm_params import LSTMParams
from rnncore.lstm_views import cell_update
from scenes.grammar import FONT_LABEL, FONT_NUMBER, FONT_SMALL, MEANING, value_color, value_width
from scenes.layout import ARROW_TIP
from scenes.mobjects.numbers import _number, fmt
from scenes.mobjects.value_shapes import NeuronLayer

__all__ = ["GATE_TEX", "CompactLSTM", "LSTMCircuit", "ValueBox", "Valve", "ValveKey"]

VALVE_SIZE = 0.5  # side of a valve's body
BOX_WIDTH, BOX_HEIGHT = 0.86, 0.44  # a value on a wire
GATE_RADIUS = 0.36
WIRE = 4.0  # stroke width of the wires
JUNCTION = 0.07  # radius of the dot where a wire branches off the cell line
CONTROL_DASH = 0.08
WEIGHT_WIDTH = (0.5, 3.5)
GATE_TEX = {"z": "z", "i": "i", "f": "f", "o": "o"}
# Circuit positions (units of the frame) before the scene places it.
Y_CELL, Y_BRANCH, Y_GATES, Y_INPUTS = 2.3, 0.8, -0.55, -2.55
X_CPREV, X_FORGET, X_FC, X_PLUS, X_C, X_TANH, X_OUT, X_H = (
    -4.5,
    -3.0,
    -1.8,
    -0.6,
    0.7,
    2.1,
    3.3,
    4.45,
)
GATE_X = {"f": X_FORGET, "i": -1.8, "z": X_PLUS, "o": X_OUT}


class ValueBox(VGroup):
    """One value on a wire: a cell filled on the value scale, its number, a TeX label."""

    def __init__(
        self, value: float, label: str, *, color: ManimColor, label_side: np.ndarray = UP
    ) -> None:
        super().__init__()
        self.value = float(value)
        fill = value_color(value)
        self.box = Rectangle(width=BOX_WIDTH, height=BOX_HEIGHT, stroke_color=color)
        self.box.set_stroke(width=3).set_fill(fill, opacity=1.0)
        self.number = _number(value, FONT_NUMBER, fill).move_to(self.box)
        self.label = MathTex(label, font_size=FONT_LABEL, color=color)
        self.label.next_to(self.box, label_side, buff=0.1)
        self.add(self.box, self.number, self.label)


class Valve(VGroup):
    """A valve across a wire: plates leave an opening of ``value`` times its width.

    Parameters
    ----------
    value
        The gate's value in [0, 1]: 0 shut, 1 wide open.
    vertical
        The wire runs up through the valve (else left to right).
    flow
        The colour of what flows through (the opening shows it).
    """

    def __init__(self, value: float, *, vertical: bool = False, flow: ManimColor) -> None:
        super().__init__()
        self.value = float(np.clip(value, 0.0, 1.0))
        self.vertical = vertical
        s = VALVE_SIZE
        self.body = Square(side_length=s, stroke_color=MEANING.neutral.color, stroke_width=3)
        self.body.set_fill(MEANING.background.color, opacity=1.0)
        gap = max(self.value * s, 1e-6)
        plate = (s - gap) / 2
        if vertical:  # the wire runs up: the opening is a horizontal span
            self.opening = Rectangle(width=gap, height=s)
            plates = [Rectangle(width=plate, height=s) for _ in range(2)]
            plates[0].next_to(self.opening, LEFT, buff=0)
            plates[1].next_to(self.opening, RIGHT, buff=0)
        else:
            self.opening = Rectangle(width=s, height=gap)
            plates = [Rectangle(width=s, height=plate) for _ in range(2)]
            plates[0].next_to(self.opening, UP, buff=0)
            plates[1].next_to(self.opening, DOWN, buff=0)
        self.opening.set_stroke(width=0).set_fill(flow, opacity=1.0)
        self.plates = VGroup(*plates)
        self.plates.set_stroke(width=0).set_fill(MEANING.neutral.color, opacity=1.0)
        self.add(self.body, self.opening, self.plates)

    @property
    def openness(self) -> float:
        """The opening's share of the valve, measured on the drawing."""
        across = self.opening.width if self.vertical else self.opening.height
        return float(across / self.body.height)


class ValveKey(VGroup):
    """How to read a valve: shut (0), half open (0.5), open (1)."""

    def __init__(self, flow: ManimColor = MEANING.text.color) -> None:
        super().__init__()
        title = Text("valve opening = gate value", font_size=FONT_SMALL, color=MEANING.text.color)
        samples = VGroup()
        for v in (0.0, 0.5, 1.0):
            valve = Valve(v, flow=flow).scale(0.7)
            text = Text(fmt(v), font_size=FONT_SMALL, color=MEANING.text.color)
            samples.add(VGroup(valve, text.next_to(valve, DOWN, buff=0.08)))
        samples.arrange(RIGHT, buff=0.35)
        self.add(title, samples.next_to(title, DOWN, buff=0.15))


def _wire(start: np.ndarray, end: np.ndarray, color: ManimColor, tip: bool = False) -> VMobject:
    if tip:
        return Arrow(start, end, buff=0, color=color, stroke_width=WIRE, tip_length=ARROW_TIP)
    return Line(start, end, color=color, stroke_width=WIRE)


def _node(symbol: str, radius: float = 0.2) -> VGroup:
    """A small operator node (+ or ×) on a wire."""
    circle = Circle(radius=radius, stroke_color=MEANING.text.color, stroke_width=3)
    circle.set_fill(MEANING.background.color, opacity=1.0)
    return VGroup(circle, MathTex(symbol, font_size=FONT_LABEL, color=MEANING.text.color))


def _gate_neuron(gate: str, value: float, j: int) -> NeuronLayer:
    layer = NeuronLayer(np.array([value]), color=MEANING.neutral.color, radius=GATE_RADIUS)
    label = MathTex(f"{GATE_TEX[gate]}_{{{j + 1}}}", font_size=FONT_LABEL, color=MEANING.text.color)
    layer.add(label.next_to(layer.shapes, LEFT, buff=0.08))
    layer.gate_label = label
    return layer


class LSTMCircuit(VGroup):
    """Unit ``j`` of the LSTM at step ``t`` as a circuit with valves and numbers.

    Attributes: ``valves`` {"f", "i", "o": Valve}, ``gates`` {"z", "i", "f", "o":
    NeuronLayer}, ``boxes`` {"c_prev", "forget_part", "input_part", "c", "c_tanh",
    "h": ValueBox}, ``slots`` (the empty boxes, with labels, of the four values shown
    last), ``x``/``h_prev`` (NeuronLayer), ``inputs_x``/``inputs_h`` (the weighted
    lines into the gates), ``cell_line`` (the cell-state wires, under the forget valve
    and box), ``next_step`` (where c(t) goes), ``junction`` (tanh's tap on the line).
    """

    def __init__(self, params: LSTMParams, trace: LSTMTrace, t: int, j: int) -> None:
        super().__init__()
        u = cell_update(trace, t).unit(j)
        self.t, self.j, self.numbers = t, j, u
        cell, text = MEANING.cell.color, MEANING.text.color
        n = j + 1
        self.boxes = {
            "c_prev": ValueBox(u["c_prev"], f"c_{{{n}}}^{{(t-1)}}", color=cell),
            "forget_part": ValueBox(u["forget_part"], f"f_{{{n}}} c_{{{n}}}^{{(t-1)}}", color=cell),
            "input_part": ValueBox(u["input_part"], f"i_{{{n}}} z_{{{n}}}", color=cell),
            "c": ValueBox(u["c"], f"c_{{{n}}}^{{(t)}}", color=cell),
            "c_tanh": ValueBox(u["c_tanh"], rf"\tanh c_{{{n}}}^{{(t)}}", color=text),
            "h": ValueBox(u["h"], f"h_{{{n}}}^{{(t)}}", color=MEANING.hidden.color),
        }
        b = self.boxes
        b["c_prev"].box.move_to([X_CPREV, Y_CELL, 0])
        b["forget_part"].box.move_to([X_FC, Y_CELL, 0])
        b["c"].box.move_to([X_C, Y_CELL, 0])
        b["input_part"].box.move_to([X_PLUS, (Y_CELL + Y_BRANCH) / 2 + 0.05, 0])
        b["c_tanh"].box.move_to([X_TANH, Y_BRANCH, 0])
        b["h"].box.move_to([X_H, Y_BRANCH, 0])
        for key, box in b.items():  # labels follow their boxes
            side = LEFT if key == "input_part" else (DOWN if key == "c_tanh" else UP)
            box.number.move_to(box.box)
            box.label.next_to(box.box, side, buff=0.1)
        self.valves = {
            "f": Valve(u["f"], flow=cell).move_to([X_FORGET, Y_CELL, 0]),
            "i": Valve(u["i"], vertical=True, flow=text).move_to([X_PLUS, Y_BRANCH, 0]),
            "o": Valve(u["o"], flow=text).move_to([X_OUT, Y_BRANCH, 0]),
        }
        self.plus = _node("+").move_to([X_PLUS, Y_CELL, 0])
        self.tanh = Text("tanh", font_size=FONT_SMALL, color=text)
        self.tanh_box = RoundedRectangle(
            corner_radius=0.1, width=0.8, height=0.4, stroke_color=text, stroke_width=3
        ).move_to([X_TANH, (Y_CELL + Y_BRANCH) / 2 + 0.05, 0])
        self.tanh.move_to(self.tanh_box)
        self.gates = {
            g: _gate_neuron(g, u[g], j).shift([GATE_X[g], Y_GATES, 0]) for g in ("f", "i", "z", "o")
        }
        for g, layer in self.gates.items():  # NeuronLayer centres itself with its label
            layer.shift([GATE_X[g] - layer.shapes[0].get_x(), 0, 0])
        self._wires(cell, text)
        self._inputs(params, trace, t, j)
        self.add(self.cell_line, self.branches, self.controls, self.inputs_x, self.inputs_h)
        self.add(self.next_step, self.junction, *self.slots.values())
        self.add(self.x, self.h_prev, self.plus, self.tanh_box, self.tanh)
        self.add(*self.valves.values(), *self.gates.values(), *self.boxes.values())

    def _wires(self, cell: ManimColor, text: ManimColor) -> None:
        b, v = self.boxes, self.valves
        # the cell line runs under the forget valve and the f c(t-1) box (both opaque,
        # drawn later over it), so every wire on screen ends at something already shown
        end = np.array([X_H, Y_CELL, 0])
        self.next_step = MathTex(r"\to t{+}1", font_size=FONT_LABEL, color=cell)
        self.next_step.next_to(end, RIGHT, buff=0.05)
        self.cell_line = VGroup(
            _wire(b["c_prev"].box.get_right(), self.plus.get_left(), cell),
            _wire(self.plus.get_right(), b["c"].box.get_left(), cell),
            _wire(b["c"].box.get_right(), end, cell),
        )
        self.slots = {  # where a number will be: the empty box and its label
            k: VGroup(
                Rectangle(width=BOX_WIDTH, height=BOX_HEIGHT, stroke_color=b[k].box.stroke_color)
                .set_stroke(width=3)
                .set_fill(MEANING.background.color, opacity=1.0)
                .move_to(b[k].box),
                b[k].label.copy(),
            )
            for k in ("forget_part", "input_part", "c_tanh", "h")
        }
        z = self.gates["z"].shapes[0]
        tanh_top = self.tanh_box.get_top()
        self.junction = Dot([X_TANH, Y_CELL, 0], radius=JUNCTION, color=cell)
        self.branches = VGroup(
            _wire(z.get_top(), v["i"].get_bottom(), text),
            _wire(v["i"].get_top(), b["input_part"].box.get_bottom(), text),
            _wire(b["input_part"].box.get_top(), self.plus.get_bottom(), cell),
            _wire(self.junction.get_center(), tanh_top, cell),
            _wire(self.tanh_box.get_bottom(), b["c_tanh"].box.get_top(), text),
            _wire(b["c_tanh"].box.get_right(), v["o"].get_left(), text),
            _wire(v["o"].get_right(), b["h"].box.get_left(), text),
        )
        self.controls = VGroup()
        for g, valve in v.items():
            top = self.gates[g].shapes[0].get_top()
            if g == "i":  # up beside the z wire, then into the valve's side
                corner = np.array([top[0], valve.get_y(), 0])
                self.controls.add(
                    self._control(top, corner), self._control(corner, valve.get_left())
                )
            else:
                self.controls.add(self._control(top, valve.get_bottom()))

    @staticmethod
    def _control(start: np.ndarray, end: np.ndarray) -> DashedLine:
        line = DashedLine(start, end, dash_length=CONTROL_DASH, color=MEANING.neutral.color)
        return line.set_stroke(width=3)

    def _inputs(self, params: LSTMParams, trace: LSTMTrace, t: int, j: int) -> None:
        I, H = params.n_in, params.n_hidden
        self.x = NeuronLayer(trace.xs[t], color=MEANING.input.color, max_length=3.2)
        self.x.move_to([-3.3, Y_INPUTS, 0])
        self.h_prev = NeuronLayer(trace.h_prev[t], color=MEANING.hidden.color, max_length=4.2)
        self.h_prev.move_to([1.2, Y_INPUTS, 0])
        self.x_label = MathTex("x^{(t)}", font_size=FONT_LABEL, color=MEANING.input.color)
        self.x_label.next_to(self.x, DOWN, buff=0.12)
        self.h_label = MathTex("h^{(t-1)}", font_size=FONT_LABEL, color=MEANING.hidden.color)
        self.h_label.next_to(self.h_prev, DOWN, buff=0.12)
        self.x.add(self.x_label)
        self.h_prev.add(self.h_label)
        W = np.stack([params.gate(g).W[j] for g in self.gates])  # (4, I)
        R = np.stack([params.gate(g).R[j] for g in self.gates])  # (4, H)
        w_max, r_max = max(np.abs(W).max(), 1e-9), max(np.abs(R).max(), 1e-9)
        self.inputs_x, self.inputs_h = VGroup(), VGroup()
        for row, gate in enumerate(self.gates.values()):
            end = gate.shapes[0]
            for k in range(I):
                line = Line(self.x.shapes[k].get_top(), end.get_bottom())
                line.set_stroke(
                    value_color(W[row, k], w_max), value_width(W[row, k], w_max, *WEIGHT_WIDTH)
                )
                self.inputs_x.add(line)
            for k in range(H):
                line = Line(self.h_prev.shapes[k].get_top(), end.get_bottom())
                width = value_width(R[row, k], r_max, *WEIGHT_WIDTH)
                self.inputs_h.add(line.set_stroke(MEANING.recurrent.color, width))

    def valve_values(self) -> dict[str, float]:
        """What each valve's opening shows, measured on the drawing."""
        return {g: valve.openness for g, valve in self.valves.items()}


class CompactLSTM(VGroup):
    """The compact diagram (Greff et al.) of unit ``j`` at step ``t``, with its values.

    Nodes: ``gates`` {"z", "i", "f", "o"} (value-filled circles), ``products``
    {"i", "f", "o"} (× nodes, where the circuit has valves), ``plus``, ``cell`` (c(t),
    cell colour), ``squash`` (tanh), ``out`` (h(t)); ``feeds`` are the x(t) and
    (yellow) h(t-1) stubs into every gate.
    """

    def __init__(self, trace: LSTMTrace, t: int, j: int, *, show_numbers: bool = True) -> None:
        super().__init__()
        u = cell_update(trace, t).unit(j)
        cell, text = MEANING.cell.color, MEANING.text.color
        pos = {
            "z": (0.0, -2.3),
            "i": (1.5, -1.35),
            "f": (-2.0, 0.3),
            "o": (1.5, 1.75),
        }
        self.gates = {}
        for g, (x, y) in pos.items():
            node = NeuronLayer(np.array([u[g]]), color=MEANING.neutral.color, radius=0.36)
            node.shift([x - node.shapes[0].get_x(), y - node.shapes[0].get_y(), 0])
            if not show_numbers:
                node.numbers.set_opacity(0)
            label = MathTex(GATE_TEX[g], font_size=FONT_LABEL, color=text)
            label.next_to(node.shapes, {"z": DOWN, "f": UP}.get(g, RIGHT), buff=0.1)
            node.add(label)
            self.gates[g] = node
        self.products = {
            "i": _node(r"\times").move_to([0.0, -1.35, 0]),
            "f": _node(r"\times").move_to([-1.0, 0.3, 0]),
            "o": _node(r"\times").move_to([0.0, 1.75, 0]),
        }
        self.plus = _node("+").move_to([0.0, -0.45, 0])
        self.cell = VGroup(Circle(radius=0.42, stroke_color=cell, stroke_width=5))
        self.cell[0].set_fill(value_color(u["c"]), opacity=1.0)
        self.cell.add(
            _number(u["c"], FONT_NUMBER, value_color(u["c"])) if show_numbers else VGroup()
        )
        self.cell.move_to([0.0, 0.45, 0])
        cell_label = MathTex("c", font_size=FONT_LABEL, color=cell).next_to(self.cell, RIGHT, 0.1)
        self.squash = Text("tanh", font_size=FONT_SMALL, color=text).move_to([0.0, 1.15, 0])
        self.out = MathTex("h^{(t)}", font_size=FONT_LABEL, color=MEANING.hidden.color)
        self.out.move_to([0.0, 2.85, 0])
        P, C = self.products, self.cell
        self.wires = VGroup(
            _wire(self.gates["z"].shapes[0].get_top(), P["i"].get_bottom(), text, tip=True),
            _wire(self.gates["i"].shapes[0].get_left(), P["i"].get_right(), text, tip=True),
            _wire(P["i"].get_top(), self.plus.get_bottom(), cell, tip=True),
            _wire(self.plus.get_top(), C.get_bottom(), cell, tip=True),
            _wire(C.get_top(), self.squash.get_bottom() + 0.05 * DOWN, text),
            _wire(self.squash.get_top() + 0.05 * UP, P["o"].get_bottom(), text, tip=True),
            _wire(self.gates["o"].shapes[0].get_left(), P["o"].get_right(), text, tip=True),
            _wire(P["o"].get_top(), self.out.get_bottom() + 0.05 * DOWN, text, tip=True),
            _wire(self.gates["f"].shapes[0].get_right(), P["f"].get_left(), text, tip=True),
        )
        # the recurrence of the cell: c -> (x f) -> + , carrying c(t-1) to the next step
        loop_top = np.array([-1.0, C.get_y(), 0])
        self.loop = VGroup(
            _wire(C.get_left(), loop_top, cell),
            _wire(loop_top, P["f"].get_top(), cell, tip=True),
            _wire(P["f"].get_bottom(), [-1.0, self.plus.get_y(), 0], cell),
            _wire([-1.0, self.plus.get_y(), 0], self.plus.get_left(), cell, tip=True),
        )
        self.feeds = VGroup()
        for node in self.gates.values():
            c = node.shapes[0].get_center()
            for dx, color in ((-0.32, MEANING.input.color), (0.32, MEANING.recurrent.color)):
                start = c + np.array([dx * 1.6, -0.85, 0])
                end = c + np.array([dx * 0.6, -0.3, 0])
                self.feeds.add(
                    Arrow(start, end, buff=0, color=color, stroke_width=3, tip_length=0.12)
                )
        self.frame = RoundedRectangle(
            corner_radius=0.3, width=4.6, height=5.4, stroke_color=MEANING.neutral.color
        ).move_to([-0.15, 0.15, 0])
        self.frame.set_stroke(width=2)
        self.add(self.frame, self.loop, self.wires, self.feeds)
        self.add(*self.products.values(), self.plus, self.cell, cell_label, self.squash)
        self.add(self.out, *self.gates.values())
