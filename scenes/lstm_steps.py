"""LSTM equations and vectors with the core's numbers: one step, then all steps.

- ``lstm_equations``: the cell's equations in the series' notation (block input z,
  gates i, f, o; W_* input, R_* recurrent weights), optionally the output and loss.
- ``PYTORCH_NAMES``: the same symbols by PyTorch's names, shown once.
- ``gate_unit_panel``: one unit's pre-activation of one gate written out with its
  products, then the gate's value (``rnncore.lstm_views.gate_terms``).
- ``cell_unit_panel``: c_j(t) = f c(t-1) + i z and h_j(t) = o tanh(c) with numbers.
- ``step_key``: the colour bar and the key of the step-by-step slides.
- ``StripRow``: labelled vectors (``VectorStrip``) with operators between them,
  e.g. f ⊙ c(t-1) + i ⊙ z = c(t).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, ManimColor, MathTex, Text, VGroup

from rnncore.lstm import LSTMTrace, sigmoid
from rnncore.lstm_params import LSTMParams
from rnncore.lstm_views import cell_update, gate_terms
from scenes.grammar import FONT_LABEL, FONT_SMALL, MEANING
from scenes.layout import STAGE_WIDTH
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import (
    _product_terms,
    _sum_lines,
    display_step,
    fmt,
    relation,
    shown,
    tex_num,
)
from scenes.mobjects.value_shapes import CELL_HEIGHT, CELL_WIDTH, VectorStrip

__all__ = [
    "GATE_NAMES",
    "PYTORCH_NAMES",
    "StripRow",
    "cell_unit_panel",
    "cell_versus_rnn",
    "gate_unit_panel",
    "gate_value_lines",
    "lstm_equations",
    "step_key",
]

GATE_NAMES = {"z": "block input", "i": "input gate", "f": "forget gate", "o": "output gate"}
PYTORCH_NAMES = (
    r"\text{PyTorch: } z = g_t,\ \ W_z = W_{ig},\ \ R_z = W_{hg},\ \ b_z = b_{ig} + b_{hg}",
    r"i, f, o \text{ alike: } W_{ii}, W_{hi}, \dots;\ \ c^{(t)} = c_t,\ \ h^{(t)} = h_t",
    r"\text{rows of } W_{ih}, W_{hh} \text{ in the order } i, f, g, o",
)
_T, _CELL, _X, _REC, _H = (
    MEANING.text.color,
    MEANING.cell.color,
    MEANING.input.color,
    MEANING.recurrent.color,
    MEANING.hidden.color,
)


def _gate_line(g: str, squash: str) -> list[tuple[str, ManimColor]]:
    return [
        (f"{g}^{{(t)}}", _T),
        ("=", _T),
        (rf"{squash}\big(", _T),
        (f"W_{g}\\, x^{{(t)}}", _X),
        ("+", _T),
        (f"R_{g}\\, h^{{(t-1)}}", _REC),
        (f"+\\, b_{g}\\big)", _T),
    ]


def lstm_equations(output: str | None = None, loss: str | None = None) -> list[list]:
    """The LSTM's equations as ``(tex, colour)`` lines for ``EquationPanel``.

    With ``output`` ("softmax"/"identity") and ``loss`` the output layer and the loss too.
    """
    lines = [_gate_line("z", r"\tanh")] + [_gate_line(g, r"\sigma") for g in ("i", "f", "o")]
    lines.append(
        [
            ("c^{(t)}", _CELL),
            ("=", _T),
            (r"f^{(t)} \odot", _T),
            ("c^{(t-1)}", _CELL),
            (r"+\ i^{(t)} \odot z^{(t)}", _T),
        ]
    )
    lines.append(
        [("h^{(t)}", _H), ("=", _T), (r"o^{(t)} \odot \tanh(", _T), ("c^{(t)}", _CELL), (")", _T)]
    )
    if output is not None:
        lines.append([("o^{(t)}", MEANING.output.color), ("=", _T), ("c + V h^{(t)}", _T)])
        if output == "softmax":
            y = r"\mathrm{softmax}(o^{(t)})"
            lines.append([(r"\hat{y}^{(t)}", MEANING.output.color), ("=", _T), (y, _T)])
    if loss == "cross_entropy":
        lines.append(
            [("L^{(t)}", MEANING.loss.color), ("=", _T), (r"-\log \hat{y}^{(t)}_{y^{(t)}}", _T)]
        )
    elif loss == "mse":
        tex = r"\tfrac12 \lVert o^{(t)} - y^{(t)} \rVert^2"
        lines.append([("L^{(t)}", MEANING.loss.color), ("=", _T), (tex, _T)])
    return lines


def cell_versus_rnn(font_size: float = 40) -> VGroup:
    """What a simple RNN's h goes through at every step, and what an LSTM's c goes through:
    two captioned equations (the cell state in its colour, the rest in the text colour)."""
    rows = (
        (
            "simple RNN: h passes a weight matrix and a tanh at every step",
            [("h^{(t)}", _T), ("=", _T), (r"\tanh(b + W h^{(t-1)} + U x^{(t)})", _T)],
        ),
        (
            "LSTM: the cell state c passes only a valve and an addition",
            [
                ("c^{(t)}", _CELL),
                ("=", _T),
                (r"f^{(t)} \odot", _T),
                ("c^{(t-1)}", _CELL),
                (r"+\ i^{(t)} \odot z^{(t)}", _T),
            ],
        ),
    )
    group = VGroup()
    for caption, line in rows:
        text = Text(caption, font_size=FONT_LABEL, color=MEANING.text.color)
        equation = EquationPanel([line], font_size=font_size)
        group.add(VGroup(text, equation).arrange(DOWN, buff=0.2, aligned_edge=LEFT))
    return group.arrange(DOWN, buff=0.5, aligned_edge=LEFT)


def gate_unit_panel(
    params: LSTMParams,
    trace: LSTMTrace,
    gate: str,
    t: int,
    j: int,
    *,
    font_size: float = 28,
    max_width: float = STAGE_WIDTH,
    max_height: float | None = None,
    max_terms: int = 6,
) -> EquationPanel:
    """a_j = sum_k W_jk x_k + sum_k R_jk h_k(t-1) + b_j and the gate's value, with numbers.

    Products are written out when there are at most ``max_terms`` of each and the
    panel stays readable; otherwise only the sums (``panel.detailed`` is False).
    """
    g = gate_terms(params, trace, gate, t, j)
    n, tp, tm = j + 1, display_step(t), display_step(t - 1)
    lhs = f"a_{{{gate},{n}}}^{{({tp})}}"
    head = [
        (lhs, _T),
        ("=", _T),
        (rf"\textstyle\sum_k W_{{{gate},{n}k}}\, x_k^{{({tp})}}", _X),
        ("+", _T),
        (rf"\textstyle\sum_k R_{{{gate},{n}k}}\, h_k^{{({tm})}}", _REC),
        (f"+\\ b_{{{gate},{n}}}", _T),
    ]
    by_hand = shown(g.w_sum) + shown(g.r_sum) + shown(g.bias)
    sums = [
        ("=", _T),
        (tex_num(g.w_sum), _X),
        ("+", _T),
        (tex_num(g.r_sum), _REC),
        ("+", _T),
        (tex_num(g.bias), _T),
        (relation(by_hand, fmt(g.a)), _T),
        (fmt(g.a), _T),
    ]
    squash, fn = (r"\tanh", np.tanh) if g.activation == "tanh" else (r"\sigma", sigmoid)
    value = [
        (f"{gate}_{{{n}}}^{{({tp})}}", _T),
        ("=", _T),
        (rf"{squash}({fmt(g.a)})\ {relation(fn(shown(g.a)), fmt(g.value))}\ {fmt(g.value)}", _T),
    ]
    w_terms, r_terms = _product_terms(g.w, g.x), _product_terms(g.r, g.h_prev)
    layouts = []
    longest = max(len(w_terms), len(r_terms))
    if longest <= max_terms:
        for per_line in sorted({longest, max(2, (longest + 1) // 2)}, reverse=True):
            detail = _sum_lines([("=", _T)], w_terms, _X, per_line)
            detail += _sum_lines([("+", _T)], r_terms, _REC, per_line)
            detail.append([("+", _T), (tex_num(g.bias), _T)])
            layouts.append([head, *detail, sums, value])
    layouts.append([head, sums, value])
    numbers = {
        "w_terms": g.w_terms,
        "w_sum": g.w_sum,
        "r_terms": g.r_terms,
        "r_sum": g.r_sum,
        "b": g.bias,
        "a": g.a,
        "value": g.value,
    }
    return EquationPanel._first_readable(layouts, numbers, font_size, max_width, max_height)


def gate_value_lines(trace: LSTMTrace, t: int, j: int) -> list[list]:
    """z_j = tanh(a) = value, i_j, f_j, o_j = sigma(a) = value: unit ``j``'s gates at ``t``."""
    n, tp = j + 1, display_step(t)
    lines = []
    for g in ("z", "i", "f", "o"):
        a, v = float(trace.pre(g)[t, j]), float(trace.gate(g)[t, j])
        squash, fn = (r"\tanh", np.tanh) if g == "z" else (r"\sigma", sigmoid)
        rel = relation(fn(shown(a)), fmt(v))
        tex = rf"{squash}({fmt(a)})\ {rel}\ {fmt(v)}"
        lines.append([(f"{g}_{{{n}}}^{{({tp})}}", _T), ("=", _T), (tex, _T)])
    return lines


def cell_unit_panel(
    trace: LSTMTrace, t: int, j: int, *, font_size: float = 28, max_width: float = STAGE_WIDTH
) -> EquationPanel:
    """c_j(t) = f c_j(t-1) + i z = ... and h_j(t) = o tanh(c_j(t)) = ..., with numbers."""
    u = cell_update(trace, t).unit(j)
    n, tp, tm = j + 1, display_step(t), display_step(t - 1)
    fc = shown(u["f"]) * shown(u["c_prev"])
    iz = shown(u["i"]) * shown(u["z"])
    parts_by_hand = shown(u["forget_part"]) + shown(u["input_part"])
    lines = [
        [
            (f"c_{{{n}}}^{{({tp})}}", _CELL),
            ("=", _T),
            (rf"f_{{{n}}}\, c_{{{n}}}^{{({tm})}} + i_{{{n}}}\, z_{{{n}}}", _T),
        ],
        [
            ("=", _T),
            (
                rf"{tex_num(u['f'])} \cdot {tex_num(u['c_prev'])} + "
                rf"{tex_num(u['i'])} \cdot {tex_num(u['z'])}",
                _T,
            ),
        ],
        [
            (relation([fc, iz], [fmt(u["forget_part"]), fmt(u["input_part"])]), _T),
            (f"{tex_num(u['forget_part'])} + {tex_num(u['input_part'])}", _T),
            (relation(parts_by_hand, fmt(u["c"])), _T),
            (fmt(u["c"]), _CELL),
        ],
        [
            (f"h_{{{n}}}^{{({tp})}}", _H),
            ("=", _T),
            (
                rf"o_{{{n}}} \tanh(c_{{{n}}}^{{({tp})}}) = "
                rf"{tex_num(u['o'])} \cdot \tanh({fmt(u['c'])})",
                _T,
            ),
        ],
        [
            (relation(np.tanh(shown(u["c"])), fmt(u["c_tanh"])), _T),
            (rf"{tex_num(u['o'])} \cdot {tex_num(u['c_tanh'])}", _T),
            (relation(shown(u["o"]) * shown(u["c_tanh"]), fmt(u["h"])), _T),
            (fmt(u["h"]), _H),
        ],
    ]
    return EquationPanel(lines, dict(u), font_size=font_size, max_width=max_width)


class StripRow(VGroup):
    """Vectors side by side with operators between them, each labelled above.

    Parameters
    ----------
    items
        ``(tex label, values (n,), outline colour)`` for a vector, or a TeX string
        for an operator (``"+"``, ``r"\\odot"``, ``"="``).
    cell_height
        Height of one cell (numbers hide when too small).
    """

    def __init__(
        self,
        items: Sequence[tuple[str, np.ndarray, ManimColor] | str],
        *,
        cell_height: float = CELL_HEIGHT,
        cell_width: float = CELL_WIDTH,
        buff: float = 0.18,
    ) -> None:
        super().__init__()
        self.strips: dict[str, VectorStrip] = {}
        self.labels: dict[str, MathTex] = {}
        parts = []
        for item in items:
            if isinstance(item, str):
                parts.append(MathTex(item, font_size=FONT_LABEL + 4, color=_T))
                continue
            label, values, color = item
            strip = VectorStrip(
                np.asarray(values, dtype=float),
                cell_height=cell_height,
                cell_width=cell_width,
                outline=color,
                font_size=FONT_SMALL,
            )
            self.strips[label] = strip
            parts.append(strip)
        self.row = VGroup(*parts).arrange(RIGHT, buff=buff)
        self.add(self.row)
        for label, strip in self.strips.items():
            tex = MathTex(label, font_size=FONT_LABEL, color=strip.outline)
            self.labels[label] = tex.next_to(strip, DOWN * -1, buff=0.12)
            self.add(tex)
        self.add_label_row = None

    def values(self, label: str) -> list[str]:
        """The numbers the strip ``label`` shows ("" where hidden)."""
        return self.strips[label].shown_numbers()


def step_key() -> VGroup:
    """The value colour bar over the key of the step-by-step slides' strips."""
    legend = Legend(
        [
            (MEANING.input.color, "input x"),
            (MEANING.recurrent.color, "recurrent R h(t-1)"),
            (MEANING.hidden.color, "output h"),
            (MEANING.cell.color, "cell state c"),
            (MEANING.output.color, "o, y-hat"),
            (MEANING.loss.color, "loss L"),
        ],
        kind="frame",
    )
    return VGroup(ColorBar(label="value", length=2.2), legend).arrange(
        DOWN, buff=0.35, aligned_edge=LEFT
    )
