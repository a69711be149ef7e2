"""Mobjects of LSTM backpropagation: the graph of the LSTM's variables, routes, sums.

Everything here draws numbers it is given (from ``rnncore.lstm_routes`` and
``rnncore.lstm``); nothing computes model math.

- ``LSTMGraph``: the unrolled LSTM as the graph of its variables, one column per
  step (gates, c(t), h(t), o(t), L(t)); ``route(...)`` draws one edge thick in a
  route's colour (the series' "flows of variables").
- ``RouteSum``: one variable's error as the sum of its routes' terms, each term in
  its route's colour, optionally with each term's two factors.
- ``GateErrorLines``: the four gate errors of one unit as upstream error x slope.
- ``LSTMGradientTable``: per-step gradients of every LSTM parameter as coloured
  cells in frames, one row per step, and their sum over time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    ManimColor,
    MathTex,
    RoundedRectangle,
    VGroup,
    VMobject,
)

from scenes.errorflow import MatrixFrame
from scenes.grammar import FONT_LABEL, MEANING
from scenes.layout import ARROW_TIP
from scenes.mobjects.numbers import display_step, fmt, relation, shown, tex_num

__all__ = [
    "GATE_TEX",
    "GateErrorLines",
    "LSTMGradientTable",
    "LSTMGraph",
    "RouteSum",
    "gate_blocks",
]

GATE_TEX = {"i": "i", "f": "f", "g": "z", "o": "o"}  # the series' names (z = PyTorch's g)
ROLE = {
    "gates": MEANING.neutral.color,
    "c": MEANING.cell.color,
    "h": MEANING.hidden.color,
    "o": MEANING.output.color,
    "L": MEANING.loss.color,
}
ROWS = ("gates", "c", "h", "o", "L")  # bottom to top
ROW_Y = {"gates": -1.55, "c": -0.45, "h": 0.55, "o": 1.45, "L": 2.25}
# c(t) sits right of the column's axis, so that gates -> h(t) passes beside it
ROW_X = {"gates": -0.35, "c": 0.45, "h": -0.35, "o": -0.35, "L": -0.35}
EDGE_WIDTH = 2.5
ROUTE_WIDTH = 9.0


def _node(tex: str, color: ManimColor, font_size: float) -> VGroup:
    label = MathTex(tex, font_size=font_size, color=MEANING.text.color)
    box = RoundedRectangle(
        corner_radius=0.12,
        width=max(label.width + 0.3, 0.8),
        height=label.height + 0.24,
        stroke_color=color,
        stroke_width=3,
    )
    return VGroup(box, label.move_to(box))


def _edge(a: VMobject, b: VMobject, color: ManimColor, width: float = EDGE_WIDTH) -> Arrow:
    return Arrow(
        a.get_center(),
        b.get_center(),
        buff=0.0,
        color=color,
        stroke_width=width,
        tip_length=ARROW_TIP,
        max_stroke_width_to_length_ratio=100,
    ).put_start_and_end_on(*_boundary_points(a, b))


def _boundary_points(a: VMobject, b: VMobject) -> tuple[np.ndarray, np.ndarray]:
    """Where the segment between the centres of ``a`` and ``b`` leaves their boxes."""
    p, q = a.get_center(), b.get_center()
    d = q - p

    def exit_from(m: VMobject, start: np.ndarray, direction: np.ndarray) -> np.ndarray:
        hw, hh = m.width / 2 + 0.05, m.height / 2 + 0.05
        s = min(
            hw / abs(direction[0]) if abs(direction[0]) > 1e-9 else np.inf,
            hh / abs(direction[1]) if abs(direction[1]) > 1e-9 else np.inf,
        )
        return start + direction * s

    unit = d / max(np.linalg.norm(d), 1e-9)
    return exit_from(a, p, unit), exit_from(b, q, -unit)


class LSTMGraph(VGroup):
    """The LSTM's variables over the steps ``steps``: nodes and the edges between them.

    Edges: h(t-1) -> gates(t) (recurrent, yellow), c(t-1) -> c(t) (the cell line),
    gates(t) -> c(t), gates(t) -> h(t) (the output gate), c(t) -> h(t),
    h(t) -> o(t), o(t) -> L(t). Steps without a loss have no L(t) node.

    Attributes
    ----------
    nodes
        ``{(row, t): VGroup}``, rows ``"gates", "c", "h", "o", "L"``.
    edges
        ``{(row, t, row, t'): Arrow}``.
    more
        A "..." after the last column when the sequence goes on (else empty).
    """

    def __init__(
        self,
        steps: Sequence[int],
        loss_mask: np.ndarray,
        T: int,
        column: float = 2.6,
        font_size: float = FONT_LABEL,
    ) -> None:
        super().__init__()
        self.steps = list(steps)
        self.nodes: dict[tuple[str, int], VGroup] = {}
        self.edges: dict[tuple[str, int, str, int], Arrow] = {}
        for k, t in enumerate(self.steps):
            tp = display_step(t)
            texs = {
                "gates": r"i\ f\ z\ o",
                "c": rf"c^{{({tp})}}",
                "h": rf"h^{{({tp})}}",
                "o": rf"o^{{({tp})}}",
                "L": rf"L^{{({tp})}}",
            }
            for row in ROWS:
                if row == "L" and not loss_mask[t]:
                    continue
                x = k * column + ROW_X[row]
                node = _node(texs[row], ROLE[row], font_size).move_to([x, ROW_Y[row], 0])
                self.nodes[(row, t)] = node
        for k, t in enumerate(self.steps):
            self._link("gates", t, "c", t, MEANING.neutral.color)
            self._link("gates", t, "h", t, MEANING.neutral.color)
            self._link("c", t, "h", t, MEANING.neutral.color)
            self._link("h", t, "o", t, MEANING.neutral.color)
            self._link("o", t, "L", t, MEANING.neutral.color)
            if k > 0:
                self._link("c", self.steps[k - 1], "c", t, MEANING.cell.color)
                self._link("h", self.steps[k - 1], "gates", t, MEANING.recurrent.color)
        self.more = VGroup()
        if self.steps[-1] < T - 1:
            last = self.steps[-1]
            for row, color in (("c", MEANING.cell.color), ("h", MEANING.recurrent.color)):
                start = self.nodes[(row, last)].get_right()
                self.more.add(
                    Arrow(start, start + 0.9 * RIGHT, buff=0.05, color=color, stroke_width=3),
                    MathTex(r"\cdots", font_size=font_size, color=MEANING.text.color).next_to(
                        start + 0.9 * RIGHT, RIGHT, buff=0.1
                    ),
                )
        self.add(VGroup(*self.edges.values()), VGroup(*self.nodes.values()), self.more)

    def _link(self, a: str, s: int, b: str, t: int, color: ManimColor) -> None:
        if (a, s) in self.nodes and (b, t) in self.nodes:
            self.edges[(a, s, b, t)] = _edge(self.nodes[(a, s)], self.nodes[(b, t)], color)

    def route(self, key: tuple[str, int, str, int], color: ManimColor) -> Arrow:
        """A thick arrow in ``color`` over the edge ``key``: one route being followed."""
        a, s, b, t = key
        return _edge(self.nodes[(a, s)], self.nodes[(b, t)], color, ROUTE_WIDTH)


def _signed(i: int, text: str) -> tuple[str, str]:
    """``(sign, body)`` of the i-th term of a sum (the first keeps its minus)."""
    if i == 0:
        return "", text
    return ("-", text[1:]) if text.startswith("-") else ("+", text)


class RouteSum(VGroup):
    """``lhs = a1 b1 + a2 b2 ~ t1 + t2 = total``: an error as the sum of its routes.

    Parameters
    ----------
    lhs
        TeX of the left-hand side.
    routes
        ``[(colour, term), ...]``: each route's term (from the core).
    total
        The core's total (not summed here).
    factors
        Optional ``[(a, b), ...]``: each term's two factors, written before the terms.

    Attributes
    ----------
    terms, total
        The values drawn. ``term_texts`` / ``total_text``: their strings on screen.
    tex
        The one MathTex line; ``term_parts`` its coloured terms.
    """

    def __init__(
        self,
        lhs: str,
        routes: Sequence[tuple[ManimColor, float]],
        total: float,
        factors: Sequence[tuple[float, float]] | None = None,
        font_size: float = FONT_LABEL + 4,
    ) -> None:
        super().__init__()
        self.terms = [float(v) for _, v in routes]
        self.total = float(total)
        self.term_texts = [fmt(v) for v in self.terms]
        self.total_text = fmt(self.total)
        parts: list[tuple[str, ManimColor | None]] = [(lhs, None), ("=", None)]
        if factors is not None:
            for i, ((color, _), (a, b)) in enumerate(zip(routes, factors, strict=True)):
                if i > 0:
                    parts.append(("+", None))
                parts.append((rf"{tex_num(a)}\cdot{tex_num(b)}", color))
            products = [shown(a) * shown(b) for a, b in factors]
            parts.append((relation(products, self.term_texts), None))
        first_term = len(parts)
        for i, ((color, _), text) in enumerate(zip(routes, self.term_texts, strict=True)):
            sign, body = _signed(i, text)
            if sign:
                parts.append((sign, None))
            parts.append((body, color))
        by_hand = sum(shown(v) for v in self.terms)
        self.relation = relation(by_hand, self.total_text)
        parts += [(self.relation, None), (self.total_text, None)]
        self.tex = MathTex(*(p for p, _ in parts), font_size=font_size, color=MEANING.text.color)
        self.term_parts = VGroup()
        for k, (sub, (_, color)) in enumerate(zip(self.tex, parts, strict=True)):
            if color is not None:
                sub.set_color(color)
                if k >= first_term:
                    self.term_parts.add(sub)
        self.add(self.tex)


GATE_SLOPE_TEX = {
    "i": r"z\,i(1-i)",
    "f": r"c^{(t-1)}f(1-f)",
    "g": r"i\,(1-z^2)",
    "o": r"\tanh(c)\,o(1-o)",
}


class GateErrorLines(VGroup):
    """The four gate errors of unit j at step t: upstream error x local slope.

    ``values[g] = (up, slope, d_a)`` as given (from ``rnncore.lstm_routes.gate_factors``);
    the upstream error is dL/dh for the output gate, dL/dc for the others (coloured
    as h and c).
    """

    def __init__(
        self, values: dict[str, tuple[float, float, float]], j: int, t: int, font_size: float
    ) -> None:
        super().__init__()
        tp, n = display_step(t), j + 1
        self.values = dict(values)
        for g in ("i", "f", "g", "o"):
            up, slope, d_a = values[g]
            up_tex = (
                rf"\frac{{\partial L}}{{\partial h_{{{n}}}^{{({tp})}}}}"
                if g == "o"
                else rf"\frac{{\partial L}}{{\partial c_{{{n}}}^{{({tp})}}}}"
            )
            line = MathTex(
                rf"\frac{{\partial L}}{{\partial a_{{{GATE_TEX[g]},{n}}}^{{({tp})}}}}",
                "=",
                up_tex,
                r"\cdot " + GATE_SLOPE_TEX[g],
                "=",
                rf"{tex_num(up)}\cdot{tex_num(slope)}",
                relation(shown(up) * shown(slope), fmt(d_a)),
                fmt(d_a),
                font_size=font_size,
                color=MEANING.text.color,
            )
            line[2].set_color(MEANING.hidden.color if g == "o" else MEANING.cell.color)
            self.add(line)
        self.arrange(DOWN, buff=0.3, aligned_edge=LEFT)


def gate_blocks(values: np.ndarray) -> np.ndarray:
    """A (4H, n) or (4H,) array with its four gate blocks side by side: (H, 4n)."""
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[:, None] if arr.ndim == 1 else arr
    return np.hstack(np.split(arr, 4, axis=0))


PARAM_TEX = {"W_ih": "W_{ih}", "W_hh": "W_{hh}", "b_ih": "b", "V": "V", "c": "c"}
GATE_NAMES = ("W_ih", "W_hh", "b_ih")  # arrays with the four gate blocks
TABLE_CELL = 0.2


class LSTMGradientTable(VGroup):
    """Per-step gradients of the LSTM as coloured cells in frames, one row per step.

    Columns: dL/dW_ih, dL/dW_hh, dL/db (= dL/db_ih = dL/db_hh), dL/dV, dL/dc; the
    gate arrays drawn with their four blocks (i, f, z, o) side by side. The last row,
    framed in text colour, holds ``grads``: the sum over every step. Two colour
    scales: ``vmax_gates`` for the gate parameters, ``vmax_output`` for V and c (the
    output layer's gradients are often far larger).

    Attributes
    ----------
    cells
        ``{(name, t): MatrixFrame}``, ``t = "sum"`` for the totals; the drawn arrays
        are in each frame's ``values`` (gate blocks side by side).
    """

    NAMES = ("W_ih", "W_hh", "b_ih", "V", "c")

    def __init__(self, per_step, grads, steps: Sequence[int], T: int) -> None:
        super().__init__()
        self.steps = list(steps)
        self.vmax_gates = max(float(np.max(np.abs(getattr(grads, n)))) for n in GATE_NAMES)
        self.vmax_output = max(float(np.max(np.abs(getattr(grads, n)))) for n in ("V", "c"))
        self.vmax_gates = self.vmax_gates or 1.0
        self.vmax_output = self.vmax_output or 1.0
        self.cells: dict[tuple[str, object], MatrixFrame] = {}

        def drawn(name: str, arr: np.ndarray) -> np.ndarray:
            return gate_blocks(arr) if name in GATE_NAMES else arr

        rows = VGroup()
        for t in [*self.steps, "sum"]:
            row = VGroup()
            for name in self.NAMES:
                arr = getattr(grads, name) if t == "sum" else getattr(per_step, name)[t]
                color = MEANING.text.color if t == "sum" else MEANING.gradient.color
                m = MatrixFrame(
                    drawn(name, arr),
                    mode="cells",
                    frame_color=color,
                    vmax=self.vmax_gates if name in GATE_NAMES else self.vmax_output,
                    cell=(TABLE_CELL, TABLE_CELL),
                )
                self.cells[(name, t)] = m
                row.add(m)
            rows.add(row)
        widths = [max(r[i].width for r in rows) for i in range(len(self.NAMES))]
        xs = np.cumsum([0.0] + [w + 0.45 for w in widths[:-1]]) + np.array(widths) / 2
        y = 0.0
        self.row_labels = VGroup()
        for k, (t, row) in enumerate(zip([*self.steps, "sum"], rows, strict=True)):
            h = max(m.height for m in row)
            if t == "sum":
                y -= 0.25  # a gap before the sum
            for x, m in zip(xs, row, strict=True):
                m.move_to([x, y - h / 2, 0])
            text = r"\sum_t" if t == "sum" else f"t={display_step(t)}"
            label = MathTex(text, font_size=FONT_LABEL + 4, color=MEANING.text.color)
            self.row_labels.add(label.next_to(row[0], LEFT, buff=0.35).set_y(y - h / 2))
            y -= h + 0.22
            if k == len(self.steps) - 1 and self.steps[-1] < T - 1:
                y -= 0.35  # room for the dots of the steps left out
        self.rows = rows
        self.column_labels = VGroup(
            *(
                MathTex(
                    rf"\frac{{\partial L}}{{\partial {PARAM_TEX[n]}}}",
                    font_size=FONT_LABEL + 6,
                    color=MEANING.text.color,
                ).next_to(rows[0][i], UP, buff=0.5)
                for i, n in enumerate(self.NAMES)
            )
        )
        self.gate_labels = VGroup()
        for i in range(2):  # W_ih, W_hh: the gate blocks (b's are one cell wide)
            frame = rows[0][i]
            block = frame.cells.width / 4
            left = frame.cells.get_left()[0]
            for k, g in enumerate(("i", "f", "g", "o")):
                mark = MathTex(GATE_TEX[g], font_size=FONT_LABEL, color=MEANING.text.color)
                mark.move_to([left + (k + 0.5) * block, frame.get_top()[1] + 0.22, 0])
                self.gate_labels.add(mark)
        self.dots = VGroup()
        if self.steps[-1] < T - 1:
            gap_y = (rows[-2].get_bottom()[1] + rows[-1].get_top()[1]) / 2 + 0.1
            self.dots.add(
                MathTex(r"\vdots", font_size=FONT_LABEL, color=MEANING.text.color).move_to(
                    [xs[0], gap_y, 0]
                )
            )
        self.add(rows, self.row_labels, self.column_labels, self.gate_labels, self.dots)
