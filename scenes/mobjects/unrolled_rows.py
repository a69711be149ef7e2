"""The rows and columns of an unrolled view: which rows, their names and colours,
and which steps a view shows (all, or a window with an ellipsis)."""

from __future__ import annotations

from scenes.grammar import MEANING

__all__ = [
    "ELLIPSIS_FRACTION",
    "MAX_STEPS",
    "NONE_MARK",
    "ROWS",
    "ROW_COLOR",
    "ROW_GAP",
    "ROW_LABEL_WIDTH",
    "ROW_TEX",
    "STEP_LABEL_HEIGHT",
]

ROW_GAP = 0.42  # vertical room for the U / V arrows between rows
STEP_LABEL_HEIGHT = 0.4
ROW_LABEL_WIDTH = 0.85
ELLIPSIS_FRACTION = 0.6  # width of an ellipsis column relative to a step column
MAX_STEPS = 7  # more steps than this become a window with an ellipsis

ROWS = ("x", "h", "o", "y_hat", "loss", "y")  # bottom to top; the target y(t) above L(t)
ROW_TEX = {
    "x": "x^{(t)}",
    "h": "h^{(t)}",
    "o": "o^{(t)}",
    "y_hat": r"\hat{y}^{(t)}",
    "y": "y^{(t)}",
    "loss": "L^{(t)}",
}
ROW_COLOR = {
    "x": MEANING.input.color,
    "h": MEANING.hidden.color,
    "o": MEANING.output.color,
    "y_hat": MEANING.output.color,
    "y": MEANING.text.color,
    "loss": MEANING.loss.color,
}
NONE_MARK = "–"  # what a step without a loss shows in its L cell


def _window(T: int, max_steps: int) -> tuple[int, ...]:
    """The steps an unrolled view shows: all, or a head and the last two."""
    if max_steps >= T:
        return tuple(range(T))
    head = max_steps - 2
    return (*range(head), T - 2, T - 1)
