"""The forward equations of the simple RNN (Goodfellow 10.8-10.11), its loss, its keys.

One line per equation, each part in the colour of its meaning; the loss line is
the lesson's (cross-entropy on the target class, or half the squared error).
"""

from __future__ import annotations

from manim import ManimColor

from scenes.grammar import MEANING
from scenes.layout import STAGE_WIDTH
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.keys import Legend

__all__ = ["general_equations", "loss_scale_top", "task_legend"]

EQ_FONT = 26
RIGHT_WIDTH = STAGE_WIDTH / 2 + 0.2  # ForwardPropagation's equations column


def general_equations(
    output: str, loss: str, font_size: float = EQ_FONT, max_width: float = RIGHT_WIDTH
) -> EquationPanel:
    """Goodfellow 10.8-10.11 and the loss, one line each, with their numbers."""
    tag = r"\quad\text{(10.%s)}"
    lines: list[list[tuple[str, ManimColor]]] = [
        [
            ("a^{(t)}", MEANING.hidden.color),
            ("=", MEANING.text.color),
            ("b", MEANING.text.color),
            ("+", MEANING.text.color),
            ("W h^{(t-1)}", MEANING.recurrent.color),
            ("+", MEANING.text.color),
            ("U x^{(t)}", MEANING.input.color),
            (tag % 8, MEANING.neutral.color),
        ],
        [
            ("h^{(t)}", MEANING.hidden.color),
            ("=", MEANING.text.color),
            (r"\tanh(a^{(t)})", MEANING.hidden.color),
            (tag % 9, MEANING.neutral.color),
        ],
        [
            ("o^{(t)}", MEANING.output.color),
            ("=", MEANING.text.color),
            ("c + V h^{(t)}", MEANING.output.color),
            (tag % 10, MEANING.neutral.color),
        ],
    ]
    if output == "softmax":
        lines.append(
            [
                (r"\hat{y}^{(t)}", MEANING.output.color),
                ("=", MEANING.text.color),
                (r"\mathrm{softmax}(o^{(t)})", MEANING.output.color),
                (tag % 11, MEANING.neutral.color),
            ]
        )
    if loss == "cross_entropy":
        lines.append(
            [
                ("L^{(t)}", MEANING.loss.color),
                ("=", MEANING.text.color),
                (r"-\log \hat{y}^{(t)}_{y^{(t)}}", MEANING.loss.color),
            ]
        )
    else:
        lines.append(
            [
                ("L^{(t)}", MEANING.loss.color),
                ("=", MEANING.text.color),
                (r"\tfrac12 \lVert o^{(t)} - y^{(t)} \rVert^2", MEANING.loss.color),
            ]
        )
    return EquationPanel(lines, font_size=font_size, max_width=max_width)


def loss_scale_top(lesson) -> float:
    """The top of the loss scale of the lesson's unrolled views (their largest loss)."""
    top = float(lesson.backprop().losses.max())
    return top if top > 0 else 1.0


def task_legend(lesson) -> Legend | None:
    """What the target frames and the "–" cells mean, when the view has them."""
    entries = []
    if lesson.loss == "cross_entropy":
        entries.append((MEANING.text.color, "target class"))
    if not lesson.loss_mask.all():
        entries.append((MEANING.neutral.color, "– no loss"))
    return Legend(entries, kind="frame") if entries else None
