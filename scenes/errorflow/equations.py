"""The equations of BPTT with the lesson's numbers (Goodfellow 10.18-10.28).

``error_chain``: the path of an error backwards, o -> h -> a -> h(t-1).
``output_error_panel``: dL/do(t) = y_hat(t) - y(t) with one step's vectors.
``equation_numbers`` and ``bptt_equations``: one unit's output error, the two
paths of 10.21, tanh, and one entry of the per-step gradient dL/dW(t), each
relation written as "=" when it holds on the shown digits and as "≈" otherwise.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, MathTex, VGroup

from scenes.errorflow.update import tex_vec
from scenes.grammar import MEANING, source_color
from scenes.layout import STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.numbers import display_step, fmt, relation, shown, tex_num

__all__ = ["bptt_equations", "equation_numbers", "error_chain", "output_error_panel"]

EQ_SIZE = 30


def error_chain(font_size: float = EQ_SIZE) -> MathTex:
    """dL/do(s) -V^T-> dL/dh(s) -tanh'-> dL/da(s) -W^T-> dL/dh(s-1) ..., coloured by path."""
    chain = MathTex(
        r"\frac{\partial L}{\partial o^{(s)}}",
        r"\xrightarrow{\;V^\top\;}",
        r"\frac{\partial L}{\partial h^{(s)}}",
        r"\xrightarrow{\;1-h^2\;}",
        r"\frac{\partial L}{\partial a^{(s)}}",
        r"\xrightarrow{\;W^\top\;}",
        r"\frac{\partial L}{\partial h^{(s-1)}}",
        r"\xrightarrow{\;1-h^2\;}\cdots",
        font_size=font_size,
        color=MEANING.text.color,
    )
    for i in (1, 5):
        chain[i].set_color(MEANING.output.color if i == 1 else MEANING.recurrent.color)
    return chain


def output_error_panel(trace, bp, t: int, font_size: float = EQ_SIZE) -> MathTex:
    """dL/do(t) = y_hat(t) - y(t) with the vectors of step ``t``, in L(t)'s colour."""
    y = bp.y[t]
    tp = display_step(t)
    panel = MathTex(
        rf"\frac{{\partial L}}{{\partial o^{{({tp})}}}}",
        rf"=\hat y^{{({tp})}}-y^{{({tp})}}",
        "=" + tex_vec(trace.y_hat[t]) + "-" + tex_vec(y),
        relation(
            [shown(a) - shown(b) for a, b in zip(trace.y_hat[t], y, strict=True)],
            [fmt(v) for v in bp.d_o[t]],
        )
        + tex_vec(bp.d_o[t]),
        font_size=font_size,
        color=MEANING.text.color,
    )
    panel[0].set_color(source_color(t))
    panel[3].set_color(source_color(t))
    return panel


def equation_numbers(bp, tr, parts, dtanh, t: int, j: int) -> tuple[dict[str, float], int, int]:
    """The numbers of unit ``j`` at step ``t`` the equations show; the output ``k`` and
    the input ``m`` of the W entry shown (the largest in size)."""
    k = int(np.argmax(np.abs(bp.d_o[t])))
    p, d = parts, dtanh
    h_prev = tr.h_prev[t]
    m = int(np.argmax(np.abs(bp.per_step.W[t, j])))
    numbers = {
        "d_o": bp.d_o[t, k],
        "y_hat": tr.y_hat[t, k],
        "y": bp.y[t, k],
        "from_future": p.from_future[t, j],
        "from_output": p.from_output[t, j],
        "d_h": bp.d_h[t, j],
        "dtanh": d[t, j],
        "d_a": bp.d_a[t, j],
        "h_prev": h_prev[m],
        "dW": bp.per_step.W[t, j, m],
    }
    return numbers, k, m


def bptt_equations(
    e: dict[str, float], t: int, j: int, k: int, m: int, has_loss: bool, font_size: float = EQ_SIZE
) -> VGroup:
    """Goodfellow 10.18-10.28, one line each, with the numbers ``e`` substituted,
    fitted to the stage and centred on it."""
    tp, n = display_step(t), j + 1
    c = source_color(t) if has_loss else MEANING.neutral.color  # a step without a loss: none
    output_error = (
        rf"\frac{{\partial L}}{{\partial o_{{{k + 1}}}^{{({tp})}}}}"
        rf"=\hat y_{{{k + 1}}}^{{({tp})}}-y_{{{k + 1}}}^{{({tp})}}"
        rf"={fmt(e['y_hat'])}-{fmt(e['y'])}"
        + relation(shown(e["y_hat"]) - shown(e["y"]), fmt(e["d_o"]))
        + fmt(e["d_o"])
        if has_loss
        else rf"\frac{{\partial L}}{{\partial o^{{({tp})}}}}=0"
        rf"\quad\text{{(no loss at step {tp})}}"
    )
    lines = VGroup(
        MathTex(output_error, r"\qquad(10.18)"),
        MathTex(
            r"\frac{\partial L}{\partial h^{(t)}}",
            "=",
            r"W^\top\!\left[\left(1-h^{(t+1)\,2}\right)"
            r"\odot\frac{\partial L}{\partial h^{(t+1)}}\right]",
            "+",
            r"V^\top\frac{\partial L}{\partial o^{(t)}}",
            r"\qquad(10.21)",
        ),
        MathTex(
            rf"\frac{{\partial L}}{{\partial h_{{{n}}}^{{({tp})}}}}",
            "=",
            tex_num(e["from_future"]),
            "+",
            tex_num(e["from_output"]),
            relation(shown(e["from_future"]) + shown(e["from_output"]), fmt(e["d_h"]))
            + fmt(e["d_h"]),
        ),
        MathTex(
            rf"\frac{{\partial L}}{{\partial a_{{{n}}}^{{({tp})}}}}"
            rf"=\left(1-h_{{{n}}}^{{({tp})\,2}}\right)"
            rf"\frac{{\partial L}}{{\partial h_{{{n}}}^{{({tp})}}}}"
            rf"={fmt(e['dtanh'])}\cdot{tex_num(e['d_h'])}"
            + relation(shown(e["dtanh"]) * shown(e["d_h"]), fmt(e["d_a"]))
            + fmt(e["d_a"]),
        ),
        MathTex(
            r"\frac{\partial L}{\partial W}=\sum_t\frac{\partial L}{\partial a^{(t)}}"
            r"h^{(t-1)\top},\ \ "
            r"\frac{\partial L}{\partial U}=\sum_t\frac{\partial L}{\partial a^{(t)}}"
            r"x^{(t)\top},\ \ "
            r"\frac{\partial L}{\partial b}=\sum_t\frac{\partial L}{\partial a^{(t)}}",
        ),
        MathTex(
            r"\frac{\partial L}{\partial V}=\sum_t\frac{\partial L}{\partial o^{(t)}}"
            r"h^{(t)\top},\ \ "
            r"\frac{\partial L}{\partial c}=\sum_t\frac{\partial L}{\partial o^{(t)}}",
            r"\quad(10.22\text{--}10.28)",
        ),
        MathTex(
            rf"\frac{{\partial L}}{{\partial W_{{{n}{m + 1}}}^{{({tp})}}}}"
            rf"=\frac{{\partial L}}{{\partial a_{{{n}}}^{{({tp})}}}}"
            rf"\,h_{{{m + 1}}}^{{({tp - 1})}}"
            rf"={tex_num(e['d_a'])}\cdot{tex_num(e['h_prev'])}"
            + relation(shown(e["d_a"]) * shown(e["h_prev"]), fmt(e["dW"]))
            + fmt(e["dW"]),
        ),
    )
    for line in lines:
        line.set(font_size=font_size).set_color(MEANING.text.color)
    lines.arrange(DOWN, buff=0.28, aligned_edge=LEFT)
    lines[0][0].set_color(c)
    for i in (1, 2):  # the two paths of 10.21: through W (yellow), through V
        lines[i][2].set_color(MEANING.recurrent.color)
        lines[i][4].set_color(MEANING.output.color)
    if lines.width > STAGE_WIDTH:
        lines.scale_to_fit_width(STAGE_WIDTH)
    if lines.height > STAGE_TOP - STAGE_BOTTOM:
        lines.scale_to_fit_height(STAGE_TOP - STAGE_BOTTOM)
    lines.move_to((STAGE_TOP + STAGE_BOTTOM) / 2 * UP)
    return lines
