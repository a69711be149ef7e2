"""Equations with one neuron's numbers substituted.

``EquationPanel``: lines of MathTex aligned on their relation signs, with the
terms from ``rnncore.explain``; ``.numbers`` keeps every value shown, which
tests compare with the core.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, RIGHT, ManimColor, Text, VGroup

from rnncore.explain import hidden_terms, output_terms
from rnncore.params import RNNParams
from rnncore.rnn import Trace
from scenes.grammar import FONT_SMALL, MEANING
from scenes.layout import STAGE_WIDTH
from scenes.mobjects.numbers import (
    RELATIONS,
    _product_terms,
    _sum_lines,
    _tex_line,
    display_step,
    fmt,
    neg_log_display,
    relation,
    shown,
    tex_num,
)

__all__ = ["EquationPanel"]


class EquationPanel(VGroup):
    """Equations as MathTex lines, aligned on their first relation sign.

    Use the constructors ``hidden_unit``, ``output_unit``, ``step_loss`` and
    ``total_loss``; each keeps the numbers it shows in ``self.numbers`` (a dict of
    floats or arrays), which tests compare with the core.

    Parameters
    ----------
    lines
        Each line as ``(tex, color)`` parts; the first part of the first line is
        the left-hand side, every other line starts with a relation (``=``, ``+``).
    numbers
        The values the lines show.
    font_size
        Initial size; the panel shrinks to ``max_width`` if needed.
    names
        ``{line index: text}``: a lecturer's name (a class, a symbol) shown after
        that line as ``Text``, never through LaTeX, so any character shows as typed.
    """

    def __init__(
        self,
        lines: Sequence[Sequence[tuple[str, ManimColor]]],
        numbers: dict[str, object] | None = None,
        *,
        font_size: float = 30,
        max_width: float = STAGE_WIDTH,
        max_height: float | None = None,
        names: dict[int, str] | None = None,
    ) -> None:
        super().__init__()
        self.numbers = dict(numbers or {})
        self.lines = [_tex_line(parts, font_size) for parts in lines]
        for i, name in (names or {}).items():
            line = self.lines[i]
            text = Text(f"({name})", font_size=font_size * 0.8, color=lines[i][-1][1])
            line.add(text.next_to(line, RIGHT, buff=0.15))
        first = self.lines[0]
        for parts, prev, line in zip(lines[1:], self.lines, self.lines[1:], strict=False):
            line.next_to(prev, DOWN, buff=0.22)
            # align every line's relation sign under the first line's
            rel = 0 if parts[0][0] in RELATIONS else 1
            line.shift((first[1].get_left()[0] - line[rel].get_left()[0]) * RIGHT)
        self.add(*self.lines)
        if self.width > max_width:
            self.scale_to_fit_width(max_width)
        if max_height is not None and self.height > max_height:
            self.scale_to_fit_height(max_height)
        self.detailed = True  # the constructors say whether terms were written out

    @property
    def effective_font_size(self) -> float:
        """The font size after any shrinking (>= 20 keeps it readable)."""
        return float(self.lines[0].font_size)

    @classmethod
    def _first_readable(
        cls,
        layouts: Sequence[Sequence[Sequence[tuple[str, ManimColor]]]],
        numbers: dict[str, object],
        font_size: float,
        max_width: float,
        max_height: float | None,
    ) -> EquationPanel:
        """The detailed layout with the largest readable font, else the last (compact) one."""
        best = None
        for lines in layouts[:-1]:
            panel = cls(
                lines, numbers, font_size=font_size, max_width=max_width, max_height=max_height
            )
            size = panel.effective_font_size
            if size >= FONT_SMALL and (best is None or size > best.effective_font_size + 0.5):
                best = panel
        if best is not None:
            best.detailed = True
            return best
        panel = cls(
            layouts[-1], numbers, font_size=font_size, max_width=max_width, max_height=max_height
        )
        panel.detailed = False
        return panel

    @classmethod
    def hidden_unit(
        cls,
        params: RNNParams,
        trace: Trace,
        t: int,
        j: int,
        *,
        font_size: float = 30,
        max_width: float = STAGE_WIDTH,
        max_height: float | None = None,
        max_terms: int = 6,
        with_tanh: bool = True,
        with_input: bool = True,
    ) -> EquationPanel:
        """a_j(t) = b_j + sum_k W_jk h_k(t-1) + sum_i U_ji x_i(t), values substituted.

        ``with_input=False`` (a step without input, one-to-many) leaves the U term out.

        Every product is written out (on one line per sum, or broken over two) when
        there are at most ``max_terms`` of each and the panel stays readable
        (font >= ``FONT_SMALL``) within ``max_width`` x ``max_height``; otherwise only
        the two sums are shown (``panel.detailed`` is False).
        """
        terms = hidden_terms(params, trace, t, j)
        a_by_hand = shown(terms.bias) + shown(terms.w_sum)  # the sums line, shown digits
        a_by_hand += shown(terms.u_sum) if with_input else 0.0
        n, tp, tm = j + 1, display_step(t), display_step(t - 1)
        lhs = f"a_{{{n}}}^{{({tp})}}"
        w_tex = rf"\textstyle\sum_k W_{{{n}k}}\, h_k^{{({tm})}}"
        u_tex = rf"\textstyle\sum_i U_{{{n}i}}\, x_i^{{({tp})}}"
        head = [
            (lhs, MEANING.hidden.color),
            ("=", MEANING.text.color),
            (f"b_{{{n}}}", MEANING.text.color),
            ("+", MEANING.text.color),
            (w_tex, MEANING.recurrent.color),
            *([("+", MEANING.text.color), (u_tex, MEANING.input.color)] if with_input else []),
        ]
        sums = [
            ("=", MEANING.text.color),
            (tex_num(terms.bias), MEANING.text.color),
            ("+", MEANING.text.color),
            (tex_num(terms.w_sum), MEANING.recurrent.color),
            *(
                [("+", MEANING.text.color), (tex_num(terms.u_sum), MEANING.input.color)]
                if with_input
                else []
            ),
            (relation(a_by_hand, fmt(terms.a)), MEANING.text.color),
            (fmt(terms.a), MEANING.hidden.color),
        ]
        tail = []
        if with_tanh:
            tail = [
                [
                    (f"h_{{{n}}}^{{({tp})}}", MEANING.hidden.color),
                    ("=", MEANING.text.color),
                    (
                        rf"\tanh({fmt(terms.a)}) "
                        + relation(np.tanh(shown(terms.a)), fmt(terms.h))
                        + f" {fmt(terms.h)}",
                        MEANING.hidden.color,
                    ),
                ]
            ]
        w_terms = _product_terms(terms.w, terms.h_prev)
        u_terms = _product_terms(terms.u, terms.x)
        layouts = []
        if max(len(w_terms), len(u_terms)) <= max_terms:
            longest = max(len(w_terms), len(u_terms))
            for per_line in sorted({longest, max(2, (longest + 1) // 2)}, reverse=True):
                lead = [
                    ("=", MEANING.text.color),
                    (tex_num(terms.bias), MEANING.text.color),
                    ("+", MEANING.text.color),
                ]
                detail = _sum_lines(lead, w_terms, MEANING.recurrent.color, per_line)
                if with_input:
                    detail += _sum_lines(
                        [("+", MEANING.text.color)], u_terms, MEANING.input.color, per_line
                    )
                layouts.append([head, *detail, sums, *tail])
        layouts.append([head, sums, *tail])
        numbers = {
            "b": terms.bias,
            "w_terms": terms.w_terms,
            "w_sum": terms.w_sum,
            "u_terms": terms.u_terms,
            "u_sum": terms.u_sum,
            "a": terms.a,
            "h": terms.h,
            "w": terms.w,
            "h_prev": terms.h_prev,
            "u": terms.u,
            "x": terms.x,
        }
        return cls._first_readable(layouts, numbers, font_size, max_width, max_height)

    @classmethod
    def output_unit(
        cls,
        params: RNNParams,
        trace: Trace,
        t: int,
        k: int,
        *,
        font_size: float = 30,
        max_width: float = STAGE_WIDTH,
        max_height: float | None = None,
        max_terms: int = 6,
    ) -> EquationPanel:
        """o_k(t) = c_k + sum_j V_kj h_j(t), values substituted, and y_hat_k(t)."""
        terms = output_terms(params, trace, t, k)
        n, tp = k + 1, display_step(t)
        lhs = f"o_{{{n}}}^{{({tp})}}"
        head = [
            (lhs, MEANING.output.color),
            ("=", MEANING.text.color),
            (f"c_{{{n}}}", MEANING.text.color),
            ("+", MEANING.text.color),
        ]
        head.append((rf"\textstyle\sum_j V_{{{n}j}}\, h_j^{{({tp})}}", MEANING.hidden.color))
        sums = [
            ("=", MEANING.text.color),
            (tex_num(terms.bias), MEANING.text.color),
            ("+", MEANING.text.color),
            (tex_num(terms.v_sum), MEANING.hidden.color),
            (relation(shown(terms.bias) + shown(terms.v_sum), fmt(terms.o)), MEANING.text.color),
            (fmt(terms.o), MEANING.output.color),
        ]
        tail = []
        if trace.output == "softmax":
            o_list = ",\\ ".join(fmt(v) for v in trace.o[t])
            tail.append(
                [
                    (rf"\hat{{y}}_{{{n}}}^{{({tp})}}", MEANING.output.color),
                    ("=", MEANING.text.color),
                    (
                        rf"\mathrm{{softmax}}({o_list})_{{{n}}} = {fmt(terms.y_hat)}",
                        MEANING.output.color,
                    ),
                ]
            )
        v_terms = _product_terms(terms.v, terms.h)
        layouts = []
        if len(v_terms) <= max_terms:
            for per_line in sorted({len(v_terms), max(2, (len(v_terms) + 1) // 2)}, reverse=True):
                lead = [
                    ("=", MEANING.text.color),
                    (tex_num(terms.bias), MEANING.text.color),
                    ("+", MEANING.text.color),
                ]
                layouts.append(
                    [head, *_sum_lines(lead, v_terms, MEANING.hidden.color, per_line), sums, *tail]
                )
        layouts.append([head, sums, *tail])
        numbers = {
            "c": terms.bias,
            "v_terms": terms.v_terms,
            "v_sum": terms.v_sum,
            "o": terms.o,
            "y_hat": terms.y_hat,
            "o_all": trace.o[t].copy(),
        }
        return cls._first_readable(layouts, numbers, font_size, max_width, max_height)

    @classmethod
    def step_loss(
        cls,
        trace: Trace,
        losses: np.ndarray,
        targets: np.ndarray,
        t: int,
        *,
        loss: str = "cross_entropy",
        class_names: Sequence[str] = (),
        font_size: float = 30,
        max_width: float = STAGE_WIDTH,
    ) -> EquationPanel:
        """L(t) = -log y_hat_{y(t)}(t) = ... (cross-entropy) or 1/2 ||o - y||^2 (mse).

        ``losses`` is ``Backprop.losses`` and ``targets`` the lesson's targets; with
        ``class_names`` a second line names the target class.
        """
        tp = display_step(t)
        value = float(losses[t])
        names: dict[int, str] = {}
        if loss == "cross_entropy":
            cls_idx = int(targets[t])
            p = float(trace.y_hat[t, cls_idx])
            p_text, rel, loss_text = neg_log_display(p, value)
            line = [
                (f"L^{{({tp})}}", MEANING.loss.color),
                ("=", MEANING.text.color),
                (rf"-\log \hat{{y}}_{{y^{{({tp})}}}}^{{({tp})}}", MEANING.output.color),
                ("=", MEANING.text.color),
                (rf"-\log {p_text} {rel} {loss_text}", MEANING.loss.color),
            ]
            numbers = {"p": p, "loss": value, "target": cls_idx, "shown": (p_text, loss_text)}
            lines = [line]
            if len(class_names) > cls_idx:
                lines.append(
                    [
                        (f"y^{{({tp})}}", MEANING.output.color),
                        ("=", MEANING.text.color),
                        (f"{cls_idx + 1}", MEANING.output.color),
                    ]
                )
                names = {1: class_names[cls_idx]}
        else:
            y = np.asarray(targets[t], dtype=float)
            o_tex = ",\\ ".join(fmt(v) for v in trace.o[t])
            y_tex = ",\\ ".join(fmt(v) for v in y)
            pairs = zip(trace.o[t], y, strict=True)
            by_hand = 0.5 * sum((shown(a) - shown(b)) ** 2 for a, b in pairs)  # shown digits
            lines = [
                [
                    (f"L^{{({tp})}}", MEANING.loss.color),
                    ("=", MEANING.text.color),
                    (rf"\tfrac12\lVert o^{{({tp})}} - y^{{({tp})}}\rVert^2", MEANING.output.color),
                ],
                [
                    ("=", MEANING.text.color),
                    (rf"\tfrac12\lVert({o_tex}) - ({y_tex})\rVert^2", MEANING.output.color),
                ],
                [
                    (relation(by_hand, fmt(value)), MEANING.text.color),
                    (fmt(value), MEANING.loss.color),
                ],
            ]
            numbers = {"o": trace.o[t].copy(), "y": y, "loss": value}
        return cls(lines, numbers, font_size=font_size, max_width=max_width, names=names)

    @classmethod
    def total_loss(
        cls,
        losses: np.ndarray,
        total: float,
        *,
        loss_mask: np.ndarray | None = None,
        font_size: float = 30,
        max_width: float = STAGE_WIDTH,
    ) -> EquationPanel:
        """L = sum_t L(t) = L(1) + ... = total, with the per-step numbers.

        ``losses`` is ``Backprop.losses``, ``total`` is ``Backprop.loss``. The last sign
        is ``\\approx`` when the shown (rounded) terms do not add up to the shown total.
        """
        losses = np.asarray(losses, dtype=float)
        mask = np.ones(len(losses), bool) if loss_mask is None else np.asarray(loss_mask, bool)
        terms = losses[mask]
        line = [
            ("L", MEANING.loss.color),
            ("=", MEANING.text.color),
            (r"\textstyle\sum_t L^{(t)}", MEANING.loss.color),
            ("=", MEANING.text.color),
            (" + ".join(fmt(v) for v in terms), MEANING.text.color),
            (relation(sum(shown(v) for v in terms), fmt(total)), MEANING.text.color),
            (fmt(total), MEANING.loss.color),
        ]
        numbers = {"losses": terms.copy(), "total": float(total)}
        return cls([line], numbers, font_size=font_size, max_width=max_width)
