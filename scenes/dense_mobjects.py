"""The mobjects of the DCL review (``scenes.dense_backprop``), and its layout.

On top of ``scenes.mobjects``: connections whose weights can change in an update
(``WeightConnections``), the errors as red numbers beside the neurons (``ErrorTags``)
and as red arrows converging on one neuron (``ErrorArrows``), a gradient laid out as
an outer product (``OuterProduct``), and the lines of an element-wise update
``p' = p - eta * dL/dp`` whose arithmetic holds on the shown digits (``update_lines``).
Every number they show is passed in from ``rnncore``; nothing here computes model math.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    TAU,
    UP,
    AnimationGroup,
    Arrow,
    CurvedArrow,
    ManimColor,
    MathTex,
    Text,
    VGroup,
)

from scenes.grammar import FONT_SMALL, MEANING, value_color, value_width
from scenes.layout import FRAME_MARGIN, FRAME_WIDTH
from scenes.mobjects.keys import Legend
from scenes.mobjects.network import WEIGHT_WIDTH, Connections
from scenes.mobjects.numbers import fmt, relation, shown, tex_num
from scenes.mobjects.value_shapes import MatrixGrid, NeuronLayer, VectorStrip

__all__ = [
    "ARROW_BEND",
    "EQ_FONT",
    "LAYER_SPAN",
    "LAYER_Y",
    "LEGEND_Y",
    "MAX_SPACING",
    "NET_X",
    "NEURON_RADIUS",
    "PANEL_HEIGHT",
    "PANEL_LEFT",
    "PANEL_TOP",
    "PANEL_WIDTH",
    "RADIUS_FRACTION",
    "RUN",
    "TARGET_BUFF",
    "UPDATE_HEIGHT",
    "VMAX",
    "ErrorArrows",
    "ErrorChain",
    "ErrorTags",
    "OuterProduct",
    "WeightConnections",
    "error_legend",
    "matrix_with_label",
    "mse_lines",
    "tex_vec",
    "update_lines",
]

# --- layout (frame 14.2 x 8) ---------------------------------------------------
NET_X = -2.9  # centre of the network, left part of the frame
LAYER_Y = (-2.7, -0.55, 1.6)  # input, hidden, output: inputs at the bottom
LAYER_SPAN = 5.5  # widest layer, first to last neuron centre
MAX_SPACING = 1.5  # between neuron centres
NEURON_RADIUS = 0.37
RADIUS_FRACTION = 0.4  # of the spacing, at most
VMAX = 1.0  # one diverging scale for values and weights
PANEL_LEFT = 1.15  # equations and matrices live right of this (and of the error numbers)
PANEL_TOP = 2.85
PANEL_WIDTH = FRAME_WIDTH / 2 - FRAME_MARGIN - PANEL_LEFT
LEGEND_Y = -3.05
PANEL_HEIGHT = PANEL_TOP - (LEGEND_Y + 1.2)  # down to the legends
UPDATE_HEIGHT = PANEL_TOP - (LEGEND_Y + 0.8)  # down to the colour bar (no error legend)
EQ_FONT = 36
TAG_BUFF = 0.06  # error numbers beside the neurons
TAG_DROP = 0.45  # low enough to pass under the next neuron
TAG_RISE = 0.3  # the top layer's errors sit high, clear of the arrows that leave it below
TAG_MIN_SPACING = 1.3  # closer neurons get no error number (but the featured one)
TARGET_BUFF = 0.12  # the target row above the output names
ARROW_BEND = TAU / 14  # the red error arrows bow away from the connections
CELL = (0.8, 0.32)  # width, height of a gradient-matrix cell
OUTER_LABEL_ROOM = 0.8  # left of an outer product: the delta label
OUTER_MAX_HEIGHT = 2.2  # the row and the matrix of one outer product
FACTOR_FONT = 30  # the delta / h^T / x^T labels of an outer product
RUN = 0.8  # default run time of one step
CHAIN_PER_LINE = 4  # numbers per line of an error vector in the chain


# --- dense-network mobjects (on top of scenes.mobjects) -------------------------
class WeightConnections(Connections):
    """``Connections`` whose weights can change (an update) and that can show one
    neuron's outgoing lines."""

    def set_weights(self, weights: np.ndarray) -> AnimationGroup:
        """Animate every line to the colour and width of ``weights`` ``(n_b, n_a)``."""
        weights = np.asarray(weights, dtype=float)
        if weights.shape != self.weights.shape:
            raise ValueError(f"weights: expected shape {self.weights.shape}, found {weights.shape}")
        self.weights = weights
        return AnimationGroup(
            *(
                line.animate.set_stroke(
                    color=value_color(weights[j, i], self.vmax),
                    width=value_width(weights[j, i], self.vmax, *WEIGHT_WIDTH),
                    opacity=1.0,
                )
                for j, row in enumerate(self.lines)
                for i, line in enumerate(row)
            )
        )

    def highlight_from(self, i: int) -> AnimationGroup:
        """Dim every line except those out of unit ``i`` of the lower layer."""
        keep = set(map(id, self.outgoing(i)))
        return AnimationGroup(
            *(line.animate.set_stroke(opacity=1.0 if id(line) in keep else 0.12) for line in self)
        )


class ErrorTags(VGroup):
    """The errors of a layer as red numbers beside its neurons.

    When the neurons are too close for a number between them, only the neurons in
    ``keep`` get one. ``texts`` keeps the strings shown ("" where none), for tests.
    A layer whose errors are sent back (``sends=True``) has its numbers above the
    middle, where no red arrow leaves it; a receiving layer has them below.
    """

    def __init__(
        self, values: np.ndarray, layer: NeuronLayer, keep: Sequence[int] = (), sends: bool = False
    ) -> None:
        super().__init__()
        self.values = np.asarray(values, dtype=float)  # (n,)
        centers = [c.get_center()[0] for c in layer.shapes]
        roomy = len(centers) < 2 or centers[1] - centers[0] >= TAG_MIN_SPACING
        self.texts = [fmt(v) if roomy or i in keep else "" for i, v in enumerate(self.values)]
        for text, circle in zip(self.texts, layer.shapes, strict=True):
            tag = Text(text or "0", font_size=FONT_SMALL, color=MEANING.error.color)
            tag.set_stroke(MEANING.background.color, width=4, background=True)
            shift = TAG_RISE * UP if sends else TAG_DROP * DOWN
            tag.next_to(circle, RIGHT, buff=TAG_BUFF).shift(shift)
            if not text:
                tag.set_opacity(0.0)
            self.add(tag)


class ErrorArrows(VGroup):
    """Red arrows from every neuron of ``upper`` back to neuron ``j`` of ``lower``."""

    def __init__(self, upper: NeuronLayer, lower: NeuronLayer, j: int) -> None:
        super().__init__()
        end_c = lower.shapes[j].get_center()
        for k in range(len(upper)):
            d = end_c - upper.shapes[k].get_center()
            self.add(
                CurvedArrow(
                    upper.boundary(k, d),
                    lower.boundary(j, -d),
                    angle=-ARROW_BEND,
                    color=MEANING.error.color,
                    stroke_width=5,
                    tip_length=0.2,
                )
            )


class OuterProduct(VGroup):
    """A gradient ``delta v^T`` laid out as an outer product.

    The error column ``delta`` (red outline) on the left, the row ``v^T`` on top, and
    the matrix ``gradient`` where they cross, each cell coloured by its value.

    Parameters
    ----------
    label
        TeX of the left-hand side, e.g. ``\\partial L / \\partial V``.
    delta, v
        The factors, ``(n,)`` and ``(m,)``.
    gradient
        ``(n, m)``, the core's gradient (never recomputed here).
    v_color
        Outline of the row (the layer it comes from).
    """

    def __init__(
        self,
        label: str,
        delta_tex: str,
        v_tex: str,
        delta: np.ndarray,
        v: np.ndarray,
        gradient: np.ndarray,
        v_color: ManimColor,
    ) -> None:
        super().__init__()
        self.gradient = np.asarray(gradient, dtype=float)
        n_rows, n_cols = self.gradient.shape
        # cells shrink for large layers (numbers hide when too small; colours stay)
        w = min(CELL[0], (PANEL_WIDTH - OUTER_LABEL_ROOM) / (n_cols + 1))
        h = min(CELL[1], OUTER_MAX_HEIGHT / (n_rows + 1))
        kw = {"cell_width": w, "cell_height": h, "vmax": VMAX}
        self.column = VectorStrip(delta, vertical=True, outline=MEANING.error.color, **kw)
        self.row = VectorStrip(v, vertical=False, outline=v_color, **kw)
        self.matrix = MatrixGrid(self.gradient, **kw)
        self.row.next_to(self.matrix, UP, buff=0.12)
        self.column.next_to(self.matrix, LEFT, buff=0.12)
        self.factor_labels = VGroup(
            MathTex(delta_tex, font_size=FACTOR_FONT, color=MEANING.error.color).next_to(
                self.column, LEFT, buff=0.1
            ),
            MathTex(v_tex, font_size=FACTOR_FONT, color=v_color).next_to(self.row, LEFT, 0.1),
        )
        self.label = MathTex(label, font_size=EQ_FONT, color=MEANING.text.color)
        body = VGroup(self.factor_labels, self.column, self.row, self.matrix)
        self.label.next_to(body, UP, buff=0.15).align_to(body, LEFT)
        self.add(self.label, body)

    def shown_numbers(self) -> list[list[str]]:
        """The strings of the matrix cells, row by row (for tests)."""
        flat = self.matrix.shown_numbers()
        n_cols = self.gradient.shape[1]
        return [flat[i : i + n_cols] for i in range(0, len(flat), n_cols)]


class ErrorChain(VGroup):
    """The errors layer by layer from the loss down, each from the one above it.

    Rows from the top: ``L``, then one ``(delta_tex, values, adjusts_tex)`` per layer,
    joined by red arrows labelled with how the lower errors are computed (``steps``).
    ``texts`` keeps each row's numbers as shown, for tests.
    """

    def __init__(
        self,
        loss: float,
        layers: Sequence[tuple[str, np.ndarray, str]],
        steps: Sequence[str],
        font_size: float = EQ_FONT,
    ) -> None:
        super().__init__()
        self.texts = [[fmt(v) for v in values] for _, values, _ in layers]
        rows = [MathTex(rf"L = {fmt(loss)}", font_size=font_size, color=MEANING.text.color)]
        for delta_tex, values, adjusts in layers:
            parts = [values[i : i + CHAIN_PER_LINE] for i in range(0, len(values), CHAIN_PER_LINE)]
            wrap = "{{{}}}" if len(parts) > 1 else "{}"  # braced: a minus after & is unary
            texts = [r",\ ".join(wrap.format(fmt(v)) for v in part) for part in parts]
            tex = rf"{delta_tex} = (" + r",\\ &".join(texts) + ")"
            if len(parts) > 1:
                tex = r"\begin{aligned}" + tex.replace("= (", "= (&", 1) + r"\end{aligned}"
            row = MathTex(tex, font_size=font_size, color=MEANING.error.color)
            use = MathTex(
                rf"\text{{to adjust }} {adjusts}",
                font_size=font_size - 6,
                color=MEANING.text.color,
            )
            rows.append(VGroup(row, use.next_to(row, DOWN, buff=0.12, aligned_edge=LEFT)))
        self.rows = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.7)
        self.arrows, self.step_labels = VGroup(), VGroup()
        for upper, lower, step in zip(self.rows[:-1], self.rows[1:], steps, strict=True):
            x = self.rows.get_left()[0] + 0.35
            arrow = Arrow(
                [x, upper.get_bottom()[1], 0],
                [x, lower.get_top()[1], 0],
                buff=0.06,
                color=MEANING.error.color,
                stroke_width=MEANING.error.width,
                tip_length=0.18,
            )
            label = MathTex(step, font_size=font_size - 6, color=MEANING.text.color)
            self.arrows.add(arrow)
            self.step_labels.add(label.next_to(arrow, RIGHT, buff=0.15))
        self.add(self.rows, self.arrows, self.step_labels)


def error_legend() -> Legend:
    """The legend of the red arrows and numbers: a ``Legend`` line with an arrow tip."""
    legend = Legend([(MEANING.error.color, "errors δ, sent back")], kind="line")
    legend.entries[0][0].add_tip(tip_length=0.16, tip_width=0.16)
    return legend


def tex_vec(values: Sequence[float]) -> str:
    """A vector as a TeX row ``(0.25,\\ -0.67)``."""
    return "(" + r",\ ".join(fmt(v) for v in values) + ")"


def update_lines(
    name: str,
    old: np.ndarray,
    grad: np.ndarray,
    lr: float,
    new: np.ndarray,
    color: ManimColor,
) -> list[list[tuple[str, ManimColor]]]:
    """EquationPanel lines ``name'_i = old_i - lr * grad_i = new_i``, one per element.

    ``old``, ``grad`` and ``new`` are the core's vectors (``new`` never recomputed
    here); the relation is ``=`` when the shown digits give the shown result, else
    ``\\approx`` (``scenes.mobjects.relation``).
    """
    old, grad, new = (np.asarray(v, dtype=float).reshape(-1) for v in (old, grad, new))
    lines = []
    for i, (p, g, q) in enumerate(zip(old, grad, new, strict=True)):
        rel = relation(shown(p) - lr * shown(g), fmt(q))
        lines.append(
            [
                (f"{name}'_{{{i + 1}}}", color),
                ("=", MEANING.text.color),
                (rf"{tex_num(p)} - {lr:g}\cdot{tex_num(g)} {rel} {fmt(q)}", MEANING.text.color),
            ]
        )
    return lines


def mse_lines(y_hat: np.ndarray, y: np.ndarray, loss: float) -> list[list[tuple[str, ManimColor]]]:
    """``= 1/2 ((y_hat_1 - y_1)^2 + ...)`` and ``= L`` with the values substituted, holding
    on the shown digits or marked ``\\approx``."""
    terms = " + ".join(rf"({fmt(p)} - {tex_num(t)})^2" for p, t in zip(y_hat, y, strict=True))
    by_hand = 0.5 * float(np.sum((shown(y_hat) - shown(y)) ** 2))
    return [
        [("=", MEANING.text.color), (rf"\tfrac12 \big({terms}\big)", MEANING.text.color)],
        [(relation(by_hand, fmt(loss)), MEANING.text.color), (fmt(loss), MEANING.text.color)],
    ]


def matrix_with_label(
    values: np.ndarray, label: str, cell: tuple[float, float] = (0.82, 0.4)
) -> VGroup:
    """A value-coloured ``MatrixGrid`` with numbers at ``FONT_SMALL`` and a TeX label
    on its left; ``.grid`` and ``.label`` are the parts (the label can be replaced)."""
    grid = MatrixGrid(
        values, cell_width=cell[0], cell_height=cell[1], vmax=VMAX, font_size=FONT_SMALL
    )
    tex = MathTex(label, font_size=EQ_FONT, color=MEANING.text.color)
    tex.next_to(grid, LEFT, buff=0.15)
    group = VGroup(tex, grid)
    group.grid, group.label = grid, tex
    return group
