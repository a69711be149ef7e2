"""Reusable mobjects of the RNN lecture, each built from the core's numeric arrays.

Every mobject here draws numbers it is given (from ``rnncore`` results); none
computes model math. Values are encoded on the grammar's diverging scale
(``grammar.value_color``: sign is hue, magnitude is intensity) and written with
two decimals (``fmt``).

Time on screen follows Goodfellow et al. 10.2: the array index ``t`` (0..T-1) of
a ``Trace`` is shown as time ``t + 1`` (``display_step``), and ``h0`` is h(0).
Units are shown 1-based too (``a_1`` is array index 0).

- ``VectorStrip``: a vector as a strip of coloured cells with numbers; the
  unrolled views use it for x(t), h(t), o(t), y_hat(t), L(t) (and other scenes
  for errors). ``set_values`` animates new values into the same cells.
- ``NeuronLayer``: a row (or column) of neurons as circles whose fill shows the
  value, optional numbers inside and unit names beside them; shrinks for large n.
- ``Connections``: all-to-all lines between two layers, colour and width showing
  the weight matrix ``(n_b, n_a)``; ``highlight(j)`` isolates one neuron's inputs.
- ``RecurrentConnections``: the hidden layer's yellow (``RECURRENT``) arcs from
  every neuron into every neuron (self-loops included), width showing ``|W|``.
- ``RNNNeuronsView``: input layer (bottom), hidden layer with recurrent arcs
  (middle), output layer (top) at one time step, from ``RNNParams`` + ``Trace``.
- ``UnrolledRNN``: the network unrolled over time, left to right, with per-step
  sub-mobjects ``x[t] h[t] o[t] y_hat[t] loss[t]`` and arrows ``u_arrow[t]
  w_arrow[t] v_arrow[t]`` (dicts keyed by array index ``t``) that other scenes
  decorate. More than ``max_steps`` steps become a window with an ellipsis.
- ``EquationPanel``: lines of MathTex with one neuron's numbers substituted
  (terms from ``rnncore.explain``); ``.numbers`` keeps every value shown.
- ``MatrixGrid``: a matrix (weights, gradients) as a grid of coloured cells with
  numbers; ``cell(r, c)`` for frames, ``set_matrix`` to animate new values.
- ``FoldedRNN``: the compact, blackboxed RNN (x -> h -> o, a yellow loop W on h).
- ``BlackboxChain``: the unrolled RNN in abstract form (nodes x(t), h(t), o(t)).
- ``Legend`` (colour swatches with labels) and ``ColorBar`` (the diverging scale
  with tick values, horizontal or vertical).

Layout constants (``STAGE_*``) describe the area under the title line that
scenes fill; every mobject can be scaled/moved into a part of it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    AnimationGroup,
    ArcBetweenPoints,
    Arrow,
    Circle,
    Line,
    ManimColor,
    MathTex,
    Rectangle,
    Square,
    SurroundingRectangle,
    Text,
    Transform,
    VGroup,
    VMobject,
)

import scenes.manim_fixes  # noqa: F401  (before any mobject is built)
from rnncore.explain import hidden_terms, output_terms
from rnncore.params import RNNParams
from rnncore.rnn import Trace
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    MEANING,
    loss_color,
    text_color_on,
    value_color,
    value_width,
)

__all__ = [
    "NONE_MARK",
    "STAGE_BOTTOM",
    "STAGE_CENTER",
    "STAGE_TOP",
    "STAGE_WIDTH",
    "BlackboxChain",
    "ColorBar",
    "Connections",
    "EquationPanel",
    "FoldedRNN",
    "Legend",
    "MatrixGrid",
    "NeuronLayer",
    "RNNNeuronsView",
    "RecurrentConnections",
    "UnrolledRNN",
    "VectorStrip",
    "display_step",
    "fmt",
    "holds",
    "neg_log_display",
    "relation",
    "shown",
    "tex_num",
]

# --- the stage: frame 14.2 x 8 minus the 0.4 margin, below the title line -----------
STAGE_WIDTH = 13.4
STAGE_TOP = 2.95  # just under the title line
STAGE_BOTTOM = -3.6
STAGE_CENTER = np.array([0.0, (STAGE_TOP + STAGE_BOTTOM) / 2, 0.0])

# --- value cells ----------------------------------------------------------------------
CELL_WIDTH = 0.82  # wide enough for "-0.57" at FONT_SMALL
CELL_HEIGHT = 0.36
MIN_NUMBER_CELL = 0.25  # below this cell height numbers are hidden
MIN_NUMBER_RADIUS = 0.35  # below this neuron radius numbers are hidden
MIN_NUMBER_WIDTH = 0.7  # below this cell width (matrices) numbers are hidden
NUMBER_STROKE = 3.0  # dark outline behind numbers, readable over any fill
OUTLINE_WIDTH = 2.0

# --- neurons --------------------------------------------------------------------------
NEURON_RADIUS = 0.38
NEURON_SPACING = 1.2
NAME_BUFF = 0.12

# --- connections ----------------------------------------------------------------------
WEIGHT_WIDTH = (0.6, 5.0)  # stroke width range for |weight| in 0..vmax
DIM_OPACITY = 0.12  # what highlight() leaves of the other connections
ARC_ANGLE = 0.9  # radians of the recurrent arcs between two neurons
ARC_EXIT = 1.0  # radians from the chord at which an arc leaves a neuron
TIP = 0.14  # arrow tip length

# --- unrolled network -----------------------------------------------------------------
ROW_GAP = 0.42  # vertical room for the U / V arrows between rows
STEP_LABEL_HEIGHT = 0.4
ROW_LABEL_WIDTH = 0.85
ELLIPSIS_FRACTION = 0.6  # width of an ellipsis column relative to a step column
MAX_STEPS = 7  # more steps than this become a window with an ellipsis


def fmt(value: float) -> str:
    """A number with two decimals, never ``-0.00``."""
    text = f"{float(value):.2f}"
    return "0.00" if text == "-0.00" else text


def shown(value, decimals: int = 2):
    """The number a student reads on screen: ``value`` rounded to ``decimals`` (``fmt``).

    A float for a number, a float64 array of the same shape for an array.
    """
    if np.ndim(value) > 0:
        arr = np.asarray(value, dtype=np.float64)
        return np.array([float(f"{v:.{decimals}f}") for v in arr.ravel()]).reshape(arr.shape)
    return float(f"{float(value):.{decimals}f}")


def _half_up(value: float, decimals: int) -> str:
    """``value`` rounded half up (as by hand) to ``decimals``, never ``-0.00``.

    ``value`` is first rounded to 10 decimals, so that arithmetic on shown digits done
    in binary (0.9375 * 0.72 = 0.67499999...) rounds as the exact decimal (0.675) does.
    """
    q = Decimal(1).scaleb(-decimals)
    exact = Decimal(repr(round(float(value), 10)))
    text = str(exact.quantize(q, rounding=ROUND_HALF_UP))
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def holds(computed: float, result: str) -> bool:
    """True when ``computed`` (worked out from the shown numbers) rounds to ``result``.

    ``result`` is the displayed text (``"4.44"``); rounding is half up, as by hand, to
    as many decimals as ``result`` shows.
    """
    decimals = len(result.split(".")[1]) if "." in result else 0
    return _half_up(computed, decimals) == result


def relation(computed: float | Sequence[float], result: str | Sequence[str]) -> str:
    """``"="`` when the displayed arithmetic holds on the displayed digits, else ``\\approx``.

    ``computed`` is what the shown operands give (one number, or one per element of a
    vector/matrix equation) and ``result`` the shown result(s).
    """
    if isinstance(result, str):
        return "=" if holds(float(computed), result) else r"\approx"
    ok = all(holds(float(c), r) for c, r in zip(computed, result, strict=True))
    return "=" if ok else r"\approx"


def neg_log_display(p: float, loss: float) -> tuple[str, str, str]:
    """``(p_text, relation, loss_text)`` for ``-log p = loss`` that holds on its digits.

    With 2 decimals ``-log 0.42`` is 0.87 while the loss is 0.88 (p = 0.417): more
    digits are shown, the fewest (2, 3 or 4) for which -log of the shown p rounds to
    the shown loss and that loss rounds (half up) to the 2-decimal ``fmt(loss)`` shown
    elsewhere. If none does, 2 decimals with ``\\approx``.
    """
    for d in (2, 3, 4):
        p_text = f"{float(p):.{d}f}"
        if float(p_text) <= 0:
            continue
        loss_text = f"{float(loss):.{d}f}"
        if holds(-np.log(float(p_text)), loss_text) and _half_up(float(loss_text), 2) == fmt(loss):
            return p_text, "=", loss_text
    return fmt(p), r"\approx", fmt(loss)


def tex_num(value: float) -> str:
    """``fmt`` for MathTex, negative numbers in parentheses (for products and sums)."""
    text = fmt(value)
    return f"({text})" if text.startswith("-") else text


def display_step(t: int) -> int:
    """The time shown on screen for array index ``t`` (h0 is h(0), so x(1) is index 0)."""
    return int(t) + 1


def _number(value: float, font_size: float, fill: ManimColor | None = None) -> Text:
    """A value as Text; on a cell filled with ``fill``, in the colour that reads on it.

    Without a fill the number sits on the background, with a dark outline behind it.
    A slide repeats few distinct numbers many times: each is drawn once
    (``_number_template``) and copied.
    """
    rgba = None if fill is None else tuple(float(v) for v in ManimColor(fill).to_rgba())
    return _number_template(fmt(value), float(font_size), rgba).copy()


@functools.lru_cache(maxsize=4096)
def _number_template(text: str, font_size: float, rgba: tuple[float, ...] | None) -> Text:
    if rgba is None:
        number = Text(text, font_size=font_size, color=MEANING.text.color)
        number.set_stroke(MEANING.background.color, width=NUMBER_STROKE, background=True)
        return number
    fill = ManimColor.from_rgba(np.array(rgba))  # exactly the fill passed in
    number = Text(text, font_size=font_size, color=text_color_on(fill))
    number.set_stroke(fill, width=NUMBER_STROKE, background=True)
    return number


# ======================================================================================
# value shapes: cells and neurons
# ======================================================================================


class _ValueShapes(VGroup):
    """Shapes whose fill shows a value, with optional numbers on them."""

    def _init_values(
        self,
        shapes: Sequence[VMobject],
        values: np.ndarray | None,
        vmax: float,
        show_numbers: bool,
        font_size: float,
        fit: float,
    ) -> None:
        self.shapes = VGroup(*shapes)
        self.vmax = float(vmax)
        self.font_size = font_size
        self.show_numbers = show_numbers
        self._fit = fit  # the largest width a number may take on a shape
        self.values: np.ndarray | None = None
        self.loss_scale = False  # True: fills on the loss's own scale (values >= 0, not +-1)
        self.number_texts: list[str] = [""] * len(shapes)  # what each number shows
        self.numbers = VGroup(*(self._number_for(i, None) for i in range(len(shapes))))
        self.add(self.shapes, self.numbers)
        if values is not None:
            self.apply_values(values)

    def __len__(self) -> int:
        return len(self.shapes)

    def _number_for(self, i: int, value: float | None) -> Text:
        self.number_texts[i] = fmt(value) if value is not None and self.show_numbers else ""
        fill = self.fill_for(0.0 if value is None else value)
        num = _number(0.0 if value is None else value, self.font_size, fill)
        if num.width > self._fit:
            num.scale_to_fit_width(self._fit)
        num.move_to(self.shapes[i])
        if value is None or not self.show_numbers:
            num.set_opacity(0.0)
        return num

    def fill_for(self, value: float) -> ManimColor:
        """The fill of a shape showing ``value`` (value scale, or the loss's scale)."""
        if self.loss_scale:
            return loss_color(value, self.vmax)
        return value_color(value, self.vmax)

    def use_loss_scale(self) -> _ValueShapes:
        """Fill with the loss's own colour scale from now on (losses are >= 0, unbounded)."""
        self.loss_scale = True
        if self.values is not None:
            self.apply_values(self.values)
        return self

    def _check(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=float).reshape(-1)
        if values.shape != (len(self.shapes),):
            raise ValueError(f"values: expected {len(self.shapes)} numbers, found {values.shape}")
        return values

    def apply_values(self, values: np.ndarray) -> _ValueShapes:
        """Show ``values`` at once (no animation)."""
        values = self._check(values)
        for i, (shape, v) in enumerate(zip(self.shapes, values, strict=True)):
            shape.set_fill(self.fill_for(v), opacity=1.0)
            self.numbers[i].become(self._number_for(i, v))
        self.values = values
        return self

    def set_values(self, values: np.ndarray, **kwargs: object) -> AnimationGroup:
        """An animation that fills the same shapes with ``values``."""
        values = self._check(values)
        anims = []
        for i, (shape, v) in enumerate(zip(self.shapes, values, strict=True)):
            anims.append(shape.animate.set_fill(self.fill_for(v), opacity=1.0))
            anims.append(Transform(self.numbers[i], self._number_for(i, v)))
        self.values = values
        return AnimationGroup(*anims, **kwargs)

    def clear_values(self) -> _ValueShapes:
        """Empty shapes, no numbers (at once)."""
        for i, shape in enumerate(self.shapes):
            shape.set_fill(MEANING.value_zero.color, opacity=1.0)
            self.numbers[i].become(self._number_for(i, None))
        self.values = None
        return self

    def shown_numbers(self) -> list[str]:
        """The strings the numbers show ("" where hidden), for tests."""
        return list(self.number_texts)


class VectorStrip(_ValueShapes):
    """A vector as a strip of coloured cells with numbers.

    Parameters
    ----------
    values
        ``(n,)`` numbers, or ``None`` for empty cells (then give ``n``).
    n
        The length when ``values`` is None.
    vertical
        Cells stacked top to bottom (element 0 on top), else left to right.
    cell_width, cell_height
        Size of one cell; numbers are hidden when the cell is too small for them.
    vmax
        The magnitude that gets the full colour.
    outline
        Colour of the cell borders (a role: ``MEANING.input.color``, ``MEANING.hidden.color``...).
    show_numbers
        Write the values in the cells.
    """

    def __init__(
        self,
        values: np.ndarray | None = None,
        n: int | None = None,
        *,
        vertical: bool = True,
        cell_width: float = CELL_WIDTH,
        cell_height: float = CELL_HEIGHT,
        vmax: float = 1.0,
        outline: ManimColor = MEANING.neutral.color,
        show_numbers: bool = True,
        font_size: float = FONT_SMALL,
    ) -> None:
        super().__init__()
        if values is not None:
            values = np.asarray(values, dtype=float).reshape(-1)
            n = len(values)
        if n is None or n < 1:
            raise ValueError("VectorStrip: give values or a length n >= 1")
        step = DOWN * cell_height if vertical else RIGHT * cell_width
        cells = [
            Rectangle(
                width=cell_width,
                height=cell_height,
                stroke_color=outline,
                stroke_width=OUTLINE_WIDTH,
                fill_color=MEANING.value_zero.color,
                fill_opacity=1.0,
            ).shift(i * step)
            for i in range(n)
        ]
        show = show_numbers and min(cell_height, cell_width) >= MIN_NUMBER_CELL
        self.outline = outline
        self.cells = cells
        self._init_values(cells, values, vmax, show, font_size, fit=cell_width - 0.06)
        self.center()

    def cell(self, i: int) -> Rectangle:
        return self.shapes[i]

    def frame(self, color: ManimColor, buff: float = 0.06, stroke_width: float = 4) -> Rectangle:
        """A rectangle around the whole strip (for coloured frames)."""
        return SurroundingRectangle(self.shapes, color=color, buff=buff, stroke_width=stroke_width)


class NeuronLayer(_ValueShapes):
    """A layer of neurons: circles whose fill shows the value.

    Parameters
    ----------
    values
        ``(n,)`` activations, or ``None`` for empty neurons (then give ``n``).
    label
        TeX shown beside the layer (e.g. ``"h^{(t)}"``), or None.
    color
        Outline colour (MEANING.input.color, MEANING.hidden.color or MEANING.output.color).
    names
        One short name per unit (e.g. ``("a", "b", "c")``), shown on ``name_side``.
    vertical
        Stack the neurons top to bottom instead of left to right.
    max_length
        The layer never gets longer than this: spacing and radius shrink, and the
        numbers disappear when the circles are too small for them.
    """

    def __init__(
        self,
        values: np.ndarray | None = None,
        n: int | None = None,
        *,
        label: str | None = None,
        color: ManimColor = MEANING.hidden.color,
        names: Sequence[str] = (),
        name_side: np.ndarray = DOWN,
        vertical: bool = False,
        radius: float = NEURON_RADIUS,
        spacing: float = NEURON_SPACING,
        max_length: float = 11.0,
        vmax: float = 1.0,
        show_numbers: bool = True,
        font_size: float = FONT_SMALL,
        label_font_size: float = FONT_LABEL,
    ) -> None:
        super().__init__()
        if values is not None:
            values = np.asarray(values, dtype=float).reshape(-1)
            n = len(values)
        if n is None or n < 1:
            raise ValueError("NeuronLayer: give values or a length n >= 1")
        if n * spacing > max_length:
            spacing = max_length / n
            radius = min(radius, 0.42 * spacing)
        self.radius = radius
        self.color = color
        step = DOWN * spacing if vertical else RIGHT * spacing
        circles = [
            Circle(
                radius=radius,
                stroke_color=color,
                stroke_width=OUTLINE_WIDTH + 1,
                fill_color=MEANING.value_zero.color,
                fill_opacity=1.0,
            ).shift(i * step)
            for i in range(n)
        ]
        self.circles = circles
        show = show_numbers and radius >= MIN_NUMBER_RADIUS
        self._init_values(circles, values, vmax, show, font_size, fit=2 * radius - 0.04)
        self.names = VGroup()
        for i, name in enumerate(names):
            text = Text(name, font_size=font_size, color=color)
            text.next_to(circles[i], name_side, buff=NAME_BUFF)
            self.names.add(text)
        self.add(self.names)
        self.label: MathTex | None = None
        if label is not None:
            self.label = MathTex(label, font_size=label_font_size, color=color)
            self.label.next_to(self.shapes, LEFT, buff=0.35)
            self.add(self.label)
        self.center()

    def circle(self, i: int) -> Circle:
        return self.shapes[i]

    def boundary(self, i: int, direction: np.ndarray) -> np.ndarray:
        """The point of neuron ``i``'s circle in ``direction`` (need not be unit)."""
        d = np.asarray(direction, dtype=float)
        d = d / (np.linalg.norm(d) or 1.0)
        return self.shapes[i].get_center() + self.radius * d


# ======================================================================================
# connections
# ======================================================================================


class Connections(VGroup):
    """All-to-all lines from ``layer_a`` to ``layer_b``, coloured by weight.

    Parameters
    ----------
    layer_a, layer_b
        The layers (``NeuronLayer``); lines run from a's neurons to b's.
    weights
        ``(n_b, n_a)``: ``weights[j, i]`` is the line from a_i to b_j (as U, V, W
        are stored: rows are the receiving units).
    vmax
        Magnitude of full colour / width (default: the largest ``|weight|``).
    color
        One colour for all lines instead of the value scale (width still shows
        the magnitude).
    """

    def __init__(
        self,
        layer_a: NeuronLayer,
        layer_b: NeuronLayer,
        weights: np.ndarray,
        *,
        vmax: float | None = None,
        color: ManimColor | None = None,
    ) -> None:
        super().__init__()
        weights = np.asarray(weights, dtype=float)
        if weights.shape != (len(layer_b), len(layer_a)):
            raise ValueError(
                f"weights: expected shape ({len(layer_b)}, {len(layer_a)}), found {weights.shape}"
            )
        self.weights = weights  # (n_b, n_a)
        self.vmax = float(vmax if vmax is not None else max(np.abs(weights).max(), 1e-9))
        self.lines: list[list[Line]] = []  # lines[j][i]: a_i -> b_j
        for j in range(len(layer_b)):
            row = []
            end_c = layer_b.shapes[j].get_center()
            for i in range(len(layer_a)):
                start_c = layer_a.shapes[i].get_center()
                d = end_c - start_c
                line = Line(
                    layer_a.boundary(i, d),
                    layer_b.boundary(j, -d),
                    stroke_width=value_width(weights[j, i], self.vmax, *WEIGHT_WIDTH),
                    color=color if color is not None else value_color(weights[j, i], self.vmax),
                )
                row.append(line)
                self.add(line)
            self.lines.append(row)

    def incoming(self, j: int) -> VGroup:
        """The lines into unit ``j`` of ``layer_b``."""
        return VGroup(*self.lines[j])

    def outgoing(self, i: int) -> VGroup:
        """The lines out of unit ``i`` of ``layer_a``."""
        return VGroup(*(row[i] for row in self.lines))

    def highlight(self, j: int) -> AnimationGroup:
        """Dim every line except those into unit ``j``."""
        keep = set(map(id, self.lines[j]))
        return AnimationGroup(
            *(
                line.animate.set_stroke(opacity=1.0 if id(line) in keep else DIM_OPACITY)
                for line in self
            )
        )

    def reset(self) -> AnimationGroup:
        """Undo ``highlight``."""
        return AnimationGroup(*(line.animate.set_stroke(opacity=1.0) for line in self))


class RecurrentConnections(VGroup):
    """The hidden layer's connections to itself: yellow arcs, width showing |W|.

    ``arcs[j][k]`` carries h_k(t-1) into a_j(t) (weight ``W[j, k]``); arcs from a
    neuron to one on its right bulge to ``side``, arcs to the left bulge the other
    way, and ``arcs[j][j]`` is a small self-loop on ``side``.

    Parameters
    ----------
    layer
        The hidden ``NeuronLayer`` (horizontal).
    W
        ``(H, H)`` recurrent weights.
    side
        ``UP`` or ``DOWN``: where the left-to-right arcs and the self-loops go.
    """

    def __init__(
        self,
        layer: NeuronLayer,
        W: np.ndarray,
        *,
        side: np.ndarray = UP,
        vmax: float | None = None,
        color: ManimColor = MEANING.recurrent.color,
    ) -> None:
        super().__init__()
        W = np.asarray(W, dtype=float)
        n = len(layer)
        if W.shape != (n, n):
            raise ValueError(f"W: expected shape ({n}, {n}), found {W.shape}")
        self.weights = W
        self.vmax = float(vmax if vmax is not None else max(np.abs(W).max(), 1e-9))
        side = np.asarray(side, dtype=float)
        self.arcs: list[list[VGroup]] = [[VGroup() for _ in range(n)] for _ in range(n)]
        r = layer.radius
        for k in range(n):
            for j in range(n):
                width = value_width(W[j, k], self.vmax, *WEIGHT_WIDTH)
                if j == k:
                    arc = self._self_loop(layer.shapes[k].get_center(), r, side)
                else:
                    arc = self._arc(layer, k, j, side)
                arc.set_stroke(color, width=width)
                arc.add_tip(tip_length=TIP, tip_width=TIP)
                tip = arc.pop_tips()[0]
                tip.set_fill(color, opacity=1.0).set_stroke(width=0)
                group = VGroup(arc, tip)  # body and tip, so dimming never fills the arc
                self.arcs[j][k] = group
                self.add(group)

    @staticmethod
    def _arc(layer: NeuronLayer, k: int, j: int, side: np.ndarray) -> ArcBetweenPoints:
        c_k, c_j = layer.shapes[k].get_center(), layer.shapes[j].get_center()
        chord = c_j - c_k
        d = chord / np.linalg.norm(chord)
        rightward = np.dot(d, RIGHT) + np.dot(d, DOWN) > 0
        n = side if rightward else -side
        out = np.cos(ARC_EXIT) * d + np.sin(ARC_EXIT) * n
        into = -np.cos(ARC_EXIT) * d + np.sin(ARC_EXIT) * n
        start = c_k + layer.radius * out
        end = c_j + layer.radius * into
        # positive angles turn counter-clockwise; pick the sign that bulges towards n
        sign = -1.0 if np.cross(d, n)[2] > 0 else 1.0
        return ArcBetweenPoints(start, end, angle=sign * ARC_ANGLE)

    @staticmethod
    def _self_loop(center: np.ndarray, r: float, side: np.ndarray) -> ArcBetweenPoints:
        theta = 0.55  # half the angle between the loop's feet, seen from the centre
        up = side / np.linalg.norm(side)
        perp = np.array([-up[1], up[0], 0.0])
        start = center + r * (np.cos(theta) * up + np.sin(theta) * perp)
        end = center + r * (np.cos(theta) * up - np.sin(theta) * perp)
        return ArcBetweenPoints(start, end, angle=-4.2 if up[1] >= 0 else 4.2)

    def outgoing(self, k: int) -> VGroup:
        """The arcs out of neuron ``k``: where h_k(t-1) goes."""
        return VGroup(*(row[k] for row in self.arcs))

    def incoming(self, j: int) -> VGroup:
        """The arcs into neuron ``j``: the terms W_jk h_k(t-1) of a_j(t)."""
        return VGroup(*self.arcs[j])

    @staticmethod
    def _fade(arc: VGroup, opacity: float) -> list:
        body, tip = arc
        return [body.animate.set_stroke(opacity=opacity), tip.animate.set_fill(opacity=opacity)]

    def _only(self, keep: VGroup) -> AnimationGroup:
        ids = set(map(id, keep))
        return AnimationGroup(
            *(
                anim
                for row in self.arcs
                for arc in row
                for anim in self._fade(arc, 1.0 if id(arc) in ids else DIM_OPACITY)
            )
        )

    def highlight_from(self, k: int) -> AnimationGroup:
        """Dim every arc except those out of neuron ``k``."""
        return self._only(self.outgoing(k))

    def highlight(self, j: int) -> AnimationGroup:
        """Dim every arc except those into neuron ``j``."""
        return self._only(self.incoming(j))

    def reset(self) -> AnimationGroup:
        return AnimationGroup(
            *(a for row in self.arcs for arc in row for a in self._fade(arc, 1.0))
        )


# ======================================================================================
# the network at one time step
# ======================================================================================


class RNNNeuronsView(VGroup):
    """The simple RNN as connected neurons at one time step.

    Input layer x(t) at the bottom, hidden layer h(t) in the middle with its
    yellow recurrent arcs, output layer y_hat(t) (or o(t)) on top; U and V lines
    coloured by weight.

    Parameters
    ----------
    params, trace
        The weights and the forward pass (values shown from ``trace``).
    t
        The array index of the step shown.
    input_names, output_names
        Unit names (e.g. the lesson's labels).
    output
        ``"y_hat"`` or ``"o"``: which output values the top layer shows.
    height
        Vertical distance from the input to the output layer's centre line.
    """

    def __init__(
        self,
        params: RNNParams,
        trace: Trace,
        t: int = 0,
        *,
        input_names: Sequence[str] = (),
        output_names: Sequence[str] = (),
        output: str = "y_hat",
        height: float = 4.6,
        max_width: float = 9.0,
        show_numbers: bool = True,
        recurrent_side: np.ndarray = UP,
    ) -> None:
        super().__init__()
        if output not in ("y_hat", "o"):
            raise ValueError(f"output: expected 'y_hat' or 'o', found {output!r}")
        self.params, self.trace, self.output = params, trace, output
        self.t = t
        out_tex = r"\hat{y}^{(t)}" if output == "y_hat" else "o^{(t)}"
        kw = {"max_length": max_width, "show_numbers": show_numbers}
        self.inputs = NeuronLayer(
            trace.xs[t],
            label="x^{(t)}",
            color=MEANING.input.color,
            names=input_names,
            name_side=DOWN,
            **kw,
        )
        self.hidden = NeuronLayer(trace.h[t], label="h^{(t)}", color=MEANING.hidden.color, **kw)
        self.outputs = NeuronLayer(
            self._out_values(t),
            label=out_tex,
            color=MEANING.output.color,
            names=output_names,
            name_side=UP,
            **kw,
        )
        for layer, y in (
            (self.inputs, -height / 2),
            (self.hidden, 0.0),
            (self.outputs, height / 2),
        ):
            layer.shift(y * UP - layer.shapes.get_center())  # centre the circles
        self.u = Connections(self.inputs, self.hidden, params.U)
        self.v = Connections(self.hidden, self.outputs, params.V)
        self.w = RecurrentConnections(self.hidden, params.W, side=recurrent_side)
        self.matrix_labels = VGroup(
            self._matrix_label("U", self.u, MEANING.input.color),
            self._matrix_label("V", self.v, MEANING.output.color),
            MathTex("W", font_size=FONT_LABEL + 4, color=MEANING.recurrent.color).next_to(
                self.w, RIGHT, buff=0.25
            ),
        )
        self.add(self.u, self.v, self.w, self.inputs, self.hidden, self.outputs)
        self.add(self.matrix_labels)

    def _out_values(self, t: int) -> np.ndarray:
        return self.trace.y_hat[t] if self.output == "y_hat" else self.trace.o[t]

    @staticmethod
    def _matrix_label(tex: str, conn: Connections, color: ManimColor) -> MathTex:
        label = MathTex(tex, font_size=FONT_LABEL + 4, color=MEANING.text.color)
        return label.next_to(conn, RIGHT, buff=0.3)

    @property
    def layers(self) -> VGroup:
        return VGroup(self.inputs, self.hidden, self.outputs)

    def set_step(self, t: int) -> AnimationGroup:
        """Animate every layer to the values of step ``t``."""
        self.t = t
        return AnimationGroup(
            self.inputs.set_values(self.trace.xs[t]),
            self.hidden.set_values(self.trace.h[t]),
            self.outputs.set_values(self._out_values(t)),
        )


# ======================================================================================
# the unrolled network
# ======================================================================================

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
TARGET_FRAME = 4.0  # stroke width of the frame around the target class of y_hat(t)
NONE_MARK = "–"  # what a step without a loss shows in its L cell


def _window(T: int, max_steps: int) -> tuple[int, ...]:
    """The steps an unrolled view shows: all, or a head and the last two."""
    if max_steps >= T:
        return tuple(range(T))
    head = max_steps - 2
    return (*range(head), T - 2, T - 1)


class UnrolledRNN(VGroup):
    """The RNN unrolled over time: one column per step, time left to right.

    Per step (bottom to top) x(t), h(t), o(t), y_hat(t), L(t) as ``VectorStrip``s,
    U arrows x(t) -> h(t), V arrows h(t) -> o(t), yellow W arrows h(t-1) -> h(t),
    and h(0) on the left. Every per-step part is a dict keyed by the array index
    ``t`` of the steps shown (``self.steps``): ``x[t] h[t] o[t] y_hat[t] loss[t]``,
    ``u_arrow[t] v_arrow[t] w_arrow[t]`` (``w_arrow[t]`` points into h[t]) and their
    labels ``u_label[t]`` ... . Steps left out of a window are replaced by an
    ellipsis column (``self.ellipses``; ``self.gap_arrows`` are the W arrows into
    and out of it).

    Parameters
    ----------
    trace
        The forward pass: values of x, h, o, y_hat.
    params
        The parameters (checked against the trace's sizes).
    losses
        ``(T,)`` per-step losses L(t) (``Backprop.losses``), or None (empty cells).
    loss_mask
        ``(T,)`` bool: steps without a loss get a grey L cell marked "–", and
        their outputs are drawn dim (nothing is compared with them).
    input_mask
        ``(T,)`` bool: steps without an input (one-to-many after step 1) get no
        x(t) strip and no U arrow.
    targets
        The lesson's targets: for mse a ``(T, O)`` row y(t) above L(t); for
        cross-entropy ``(T,)`` class indices, each framed in y_hat(t)
        (``target_frames[t]``).
    rows
        Which rows to draw, from ``("x", "h", "o", "y_hat", "loss", "y")``.
    steps
        The array indices to show (sorted); default: all, or a window when
        ``T > max_steps``.
    filled
        Start with values shown; otherwise empty cells that ``fill(row, t)`` fills.
    step_names
        A name per step shown under the time (e.g. the input symbols).
    width, height
        The box the view fits in; it is centred on ``STAGE_CENTER``.
    """

    def __init__(
        self,
        trace: Trace,
        params: RNNParams,
        losses: np.ndarray | None = None,
        *,
        loss_mask: np.ndarray | None = None,
        input_mask: np.ndarray | None = None,
        targets: np.ndarray | None = None,
        rows: Sequence[str] | None = None,
        steps: Sequence[int] | None = None,
        max_steps: int = MAX_STEPS,
        filled: bool = True,
        step_names: Sequence[str] = (),
        width: float = STAGE_WIDTH,
        height: float = STAGE_TOP - STAGE_BOTTOM,
        show_h0: bool = True,
    ) -> None:
        super().__init__()
        T, H = trace.h.shape
        if params.n_hidden != H or params.n_in != trace.xs.shape[1]:
            raise ValueError("UnrolledRNN: params and trace have different sizes")
        mse_targets = targets is not None and np.ndim(targets) == 2
        if rows is None:
            rows = [r for r in ROWS if r != "y_hat" or trace.output == "softmax"]
            rows = [r for r in rows if r != "y" or mse_targets]
            if losses is None:
                rows = [r for r in rows if r != "loss"]
        unknown = set(rows) - set(ROWS)
        if unknown:
            raise ValueError(f"rows: unknown {sorted(unknown)}, expected some of {ROWS}")
        self.rows = tuple(r for r in ROWS if r in rows)
        self.T = T
        self.steps = tuple(steps) if steps is not None else _window(T, max_steps)
        if not self.steps or any(not 0 <= t < T for t in self.steps):
            raise ValueError(f"steps: expected indices in 0..{T - 1}, found {self.steps}")
        self.loss_mask = np.ones(T, bool) if loss_mask is None else np.asarray(loss_mask, bool)
        self.input_mask = np.ones(T, bool) if input_mask is None else np.asarray(input_mask, bool)
        self.data: dict[str, np.ndarray] = {
            "x": trace.xs,  # (T, I)
            "h": trace.h,  # (T, H)
            "o": trace.o,  # (T, O)
            "y_hat": trace.y_hat,  # (T, O)
        }
        if mse_targets:
            self.data["y"] = np.asarray(targets, dtype=float)  # (T, O)
        if losses is not None:
            self.data["loss"] = np.asarray(losses, dtype=float).reshape(T, 1)  # (T, 1)
        sizes = {
            "x": trace.xs.shape[1],
            "h": H,
            "o": trace.o.shape[1],
            "y_hat": trace.o.shape[1],
            "y": trace.o.shape[1],
            "loss": 1,
        }
        self.trace, self.params = trace, params

        # --- vertical layout: rows of cells, arrows between, step labels below
        n_cells = sum(sizes[r] for r in self.rows)
        gaps = ROW_GAP * (len(self.rows) - 1)
        cell_h = min(CELL_HEIGHT, (height - gaps - STEP_LABEL_HEIGHT) / n_cells)
        self.cell_height = cell_h
        y = -height / 2 + STEP_LABEL_HEIGHT
        row_y: dict[str, float] = {}
        for r in self.rows:
            row_y[r] = y + sizes[r] * cell_h / 2
            y += sizes[r] * cell_h + ROW_GAP

        # --- horizontal layout: row labels, h0, steps (and ellipsis columns)
        gap_after = {a for a, b in pairwise(self.steps) if b != a + 1}
        lead_gap = self.steps[0] > 0
        n_ellipses = len(gap_after) + int(lead_gap)
        n_cols = int(show_h0) + len(self.steps) + ELLIPSIS_FRACTION * n_ellipses
        pitch = (width - ROW_LABEL_WIDTH) / n_cols
        cell_w = min(CELL_WIDTH, 0.6 * pitch)
        self.pitch = pitch
        x = -width / 2 + ROW_LABEL_WIDTH
        col_x: dict[int, float] = {}
        ellipsis_x: list[float] = []
        h0_x = None
        if show_h0:
            h0_x = x + pitch / 2
            x += pitch
        if lead_gap:
            ellipsis_x.append(x + ELLIPSIS_FRACTION * pitch / 2)
            x += ELLIPSIS_FRACTION * pitch
        for t in self.steps:
            col_x[t] = x + pitch / 2
            x += pitch
            if t in gap_after:
                ellipsis_x.append(x + ELLIPSIS_FRACTION * pitch / 2)
                x += ELLIPSIS_FRACTION * pitch

        loss_vmax = float(np.max(self.data["loss"])) if "loss" in self.data else 1.0
        loss_vmax = loss_vmax if loss_vmax > 0 else 1.0

        def strip(r: str, values: np.ndarray | None) -> VectorStrip:
            s = VectorStrip(
                values,
                n=sizes[r],
                cell_width=cell_w,
                cell_height=cell_h,
                outline=ROW_COLOR[r],
            )
            if r == "loss":  # a loss is >= 0 and unbounded: its own scale, not +-1
                s.vmax = loss_vmax
                s.use_loss_scale()
            return s

        # --- per-step strips
        self.x: dict[int, VectorStrip] = {}
        self.h: dict[int, VectorStrip] = {}
        self.o: dict[int, VectorStrip] = {}
        self.y_hat: dict[int, VectorStrip] = {}
        self.y: dict[int, VectorStrip] = {}
        self.loss: dict[int, VectorStrip] = {}
        self.strips = VGroup()
        self.none_marks = VGroup()  # "–" in the L cells of steps without a loss
        for r in self.rows:
            store = getattr(self, r)
            for t in self.steps:
                if r == "x" and not self.input_mask[t]:
                    continue  # one-to-many: nothing comes in after the first step
                values = self.data[r][t] if filled and r in self.data else None
                s = strip(r, values).move_to([col_x[t], row_y[r], 0])
                if not self.loss_mask[t] and r in ("o", "y_hat", "y", "loss"):
                    s.shapes.set_stroke(MEANING.neutral.color, opacity=0.5)
                    if r == "loss":
                        s.clear_values()
                        mark = Text(NONE_MARK, font_size=FONT_SMALL, color=MEANING.neutral.color)
                        self.none_marks.add(mark.move_to(s))
                store[t] = s
                self.strips.add(s)

        # --- cross-entropy: the target class of each step with a loss, framed
        self.target_frames: dict[int, Rectangle] = {}
        if targets is not None and not mse_targets and "y_hat" in self.rows:
            for t in self.steps:
                if self.loss_mask[t]:
                    cell = self.y_hat[t].cell(int(targets[t]))
                    frame = SurroundingRectangle(cell, color=MEANING.text.color, buff=0.03)
                    self.target_frames[t] = frame.set_stroke(width=TARGET_FRAME)

        # --- h0
        self.h0: VectorStrip | None = None
        self.h0_label: MathTex | None = None
        parts = VGroup()
        if show_h0 and "h" in self.rows:
            self.h0 = strip("h", trace.h0).move_to([h0_x, row_y["h"], 0])
            self.h0_label = MathTex("h^{(0)}", font_size=FONT_LABEL, color=MEANING.hidden.color)
            self.h0_label.next_to(self.h0, UP, buff=0.12)
            parts.add(self.h0, self.h0_label)

        # --- arrows and their labels
        self.u_arrow: dict[int, Arrow] = {}
        self.v_arrow: dict[int, Arrow] = {}
        self.w_arrow: dict[int, Arrow] = {}
        self.u_label: dict[int, MathTex] = {}
        self.v_label: dict[int, MathTex] = {}
        self.w_label: dict[int, MathTex] = {}
        self.flow_arrows: dict[tuple[str, int], Arrow] = {}  # o->y_hat, y_hat->L
        self.arrows = VGroup()
        self.labels = VGroup()
        for t in self.steps:
            if "x" in self.rows and "h" in self.rows and t in self.x:
                self.u_arrow[t], self.u_label[t] = self._vertical(self.x[t], self.h[t], "U")
            if "h" in self.rows and "o" in self.rows:
                self.v_arrow[t], self.v_label[t] = self._vertical(self.h[t], self.o[t], "V")
            upper = [r for r in ("o", "y_hat", "loss") if r in self.rows]
            for a, b in pairwise(upper):
                arrow = self._arrow(getattr(self, a)[t].get_top(), getattr(self, b)[t].get_bottom())
                self.flow_arrows[(b, t)] = arrow
                self.arrows.add(arrow)
            if "y" in self.rows and "loss" in self.rows:  # mse: L(t) compares o(t) with y(t)
                arrow = self._arrow(self.y[t].get_bottom(), self.loss[t].get_top())
                self.flow_arrows[("y", t)] = arrow
                self.arrows.add(arrow)
        for arrow_t in (*self.u_arrow.values(), *self.v_arrow.values()):
            self.arrows.add(arrow_t)
        self.labels.add(*self.u_label.values(), *self.v_label.values())

        # W arrows: from the previous column's h (or h0, or an ellipsis) into h[t]
        self.ellipses = VGroup()
        self.gap_arrows = VGroup()
        if "h" in self.rows:
            for ex in ellipsis_x:
                dots = MathTex(r"\cdots", font_size=FONT_LABEL + 8, color=MEANING.text.color)
                self.ellipses.add(dots.move_to([ex, row_y["h"], 0]))
            prev: VMobject | None = self.h0
            if lead_gap and self.h0 is not None:
                self.gap_arrows.add(*self._horizontal(self.h0, self.ellipses[0]))
            for t in self.steps:
                if prev is None or (t - 1 not in self.steps and t > 0):
                    # coming out of an ellipsis (the one just left of this column)
                    left = [d for d in self.ellipses if d.get_x() < col_x[t]]
                    prev = left[-1] if left else prev
                if prev is not None:
                    arrow, label = self._horizontal(prev, self.h[t])
                    self.w_arrow[t], self.w_label[t] = arrow, label
                    self.arrows.add(arrow)
                    self.labels.add(label)
                nxt = [d for d in self.ellipses if d.get_x() > col_x[t]]
                if t in gap_after and nxt:
                    arrow, label = self._horizontal(self.h[t], nxt[0])
                    self.gap_arrows.add(arrow, label)
                prev = self.h[t]

        # --- row labels and step labels
        self.row_labels: dict[str, MathTex] = {}
        left_x = -width / 2
        for r in self.rows:
            lab = MathTex(ROW_TEX[r], font_size=FONT_LABEL, color=ROW_COLOR[r])
            lab.move_to([left_x + lab.width / 2, row_y[r], 0])
            self.row_labels[r] = lab
        self.step_labels: dict[int, Text] = {}
        for t in self.steps:
            name = step_names[t] if len(step_names) == T else ""
            text = f"t={display_step(t)}" + (f": {name}" if name else "")
            lab = Text(text, font_size=FONT_SMALL, color=MEANING.text.color)
            if lab.width > pitch * 0.95:
                lab = Text(f"t={display_step(t)}", font_size=FONT_SMALL, color=MEANING.text.color)
            lab.move_to([col_x[t], -height / 2 + STEP_LABEL_HEIGHT / 2 - 0.05, 0])
            self.step_labels[t] = lab

        self.add(self.strips, self.none_marks, VGroup(*self.target_frames.values()))
        self.add(parts, self.arrows, self.gap_arrows, self.labels, self.ellipses)
        self.add(VGroup(*self.row_labels.values()), VGroup(*self.step_labels.values()))
        self.shift(STAGE_CENTER)

    # --- drawing helpers
    @staticmethod
    def _arrow(start: np.ndarray, end: np.ndarray, color: ManimColor = MEANING.text.color) -> Arrow:
        return Arrow(
            start,
            end,
            buff=0.04,
            stroke_width=3,
            color=color,
            max_tip_length_to_length_ratio=0.45,
            tip_length=TIP,
        )

    def _vertical(self, lower: VMobject, upper: VMobject, tex: str) -> tuple[Arrow, MathTex]:
        arrow = self._arrow(lower.get_top(), upper.get_bottom())
        label = MathTex(tex, font_size=FONT_SMALL + 2, color=MEANING.text.color)
        label.next_to(arrow, RIGHT, buff=0.08)
        return arrow, label

    def _horizontal(self, left: VMobject, right: VMobject) -> tuple[Arrow, MathTex]:
        y = right.get_center()[1]
        start = np.array([left.get_right()[0], y, 0])
        end = np.array([right.get_left()[0], y, 0])
        arrow = self._arrow(start, end, MEANING.recurrent.color)
        label = MathTex("W", font_size=FONT_SMALL + 2, color=MEANING.recurrent.color)
        label.next_to(arrow, UP, buff=0.06)
        return arrow, label

    # --- access
    def strip(self, row: str, t: int) -> VectorStrip:
        """The strip of ``row`` (``"x"``, ``"h"``, ...) at step ``t``."""
        return getattr(self, row)[t]

    def column(self, t: int) -> VGroup:
        """Everything drawn at step ``t`` (strips, arrows into them, labels)."""
        parts = [getattr(self, r)[t] for r in self.rows if t in getattr(self, r)]
        for d in (self.u_arrow, self.v_arrow, self.w_arrow, self.u_label, self.v_label):
            if t in d:
                parts.append(d[t])
        parts += [a for (_, s), a in self.flow_arrows.items() if s == t]
        return VGroup(*parts)

    def parameter(self, name: str) -> VGroup:
        """Every arrow and label of parameter ``"U"``, ``"V"`` or ``"W"`` (shared)."""
        arrows, labels = {
            "U": (self.u_arrow, self.u_label),
            "V": (self.v_arrow, self.v_label),
            "W": (self.w_arrow, self.w_label),
        }[name]
        return VGroup(*arrows.values(), *labels.values())

    def frame(self, t: int, color: ManimColor, rows: Sequence[str] | None = None) -> Rectangle:
        """A rectangle around the strips of step ``t`` (all rows, or ``rows``)."""
        rows = self.rows if rows is None else rows
        group = VGroup(*(getattr(self, r)[t] for r in rows if t in getattr(self, r)))
        return SurroundingRectangle(group, color=color, buff=0.1, stroke_width=4)

    # --- values
    def fill(self, row: str, t: int) -> AnimationGroup:
        """Animate the values of ``row`` at step ``t`` into its (empty) strip."""
        if (row == "loss" and not self.loss_mask[t]) or t not in getattr(self, row):
            return AnimationGroup()  # nothing to fill: no loss, or no input, at this step
        return getattr(self, row)[t].set_values(self.data[row][t])

    def fill_step(self, t: int) -> list[AnimationGroup]:
        """One animation per row, bottom to top, filling step ``t``."""
        return [self.fill(r, t) for r in self.rows if r in self.data]

    def clear(self) -> UnrolledRNN:
        """Empty every strip except h(0)."""
        for r in self.rows:
            for s in getattr(self, r).values():
                s.clear_values()
        return self


# ======================================================================================
# equations with numbers
# ======================================================================================


def _tex_line(parts: Sequence[tuple[str, ManimColor]], font_size: float) -> MathTex:
    tex = MathTex(*(p for p, _ in parts), font_size=font_size)
    for sub, (_, color) in zip(tex, parts, strict=True):
        sub.set_color(color)
    return tex


RELATIONS = ("=", "+", "-", r"\approx")


def _product_terms(a: np.ndarray, b: np.ndarray) -> list[str]:
    """Products ``a_i b_i`` as TeX, each with its sign in front (``- 0.75\\cdot 0.31``)."""
    out = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        text = fmt(x)
        negative = text.startswith("-")
        body = rf"{text.lstrip('-')}\cdot{tex_num(y)}"
        sign = ("-" if negative else "") if i == 0 else ("- " if negative else "+ ")
        out.append(sign + body)
    return out


def _chunks(items: list[str], size: int) -> list[str]:
    return [" ".join(items[i : i + size]) for i in range(0, len(items), size)]


def _sum_lines(
    lead: list[tuple[str, ManimColor]],
    terms: list[str],
    color: ManimColor,
    per_line: int,
) -> list[list[tuple[str, ManimColor]]]:
    """``lead`` then ``(t1 + t2 ...)`` broken after every ``per_line`` terms."""
    chunks = _chunks(terms, per_line)
    lines = []
    for i, chunk in enumerate(chunks):
        text = (r"\big(" if i == 0 else "") + chunk + (r"\big)" if i == len(chunks) - 1 else "")
        if i == 0:
            lines.append([*lead, (text, color)])
        else:
            sign, rest = chunk.split(" ", 1)
            lines.append(
                [(sign, color), (rest + (r"\big)" if i == len(chunks) - 1 else ""), color)]
            )
    return lines


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


# ======================================================================================
# legends
# ======================================================================================


class Legend(VGroup):
    """Colour swatches with labels, one entry per row (or per column).

    Parameters
    ----------
    entries
        ``(colour, label)`` pairs; a label starting with ``$`` is TeX (``$L^{(1)}$``).
    kind
        ``"box"`` (filled square), ``"line"`` (a stroke, for arrows/connections),
        ``"frame"`` (an outlined square, for frames around cells).
    vertical
        Stack the entries; otherwise lay them out in one row.
    """

    def __init__(
        self,
        entries: Sequence[tuple[ManimColor, str]],
        *,
        kind: str = "box",
        vertical: bool = True,
        font_size: float = FONT_SMALL,
        swatch: float = 0.26,
    ) -> None:
        super().__init__()
        self.entries = VGroup()
        for color, label in entries:
            if kind == "line":
                mark = Line(ORIGIN, RIGHT * swatch * 1.8, color=color, stroke_width=5)
            elif kind == "frame":
                mark = Square(side_length=swatch, fill_opacity=0.0)
                mark.set_stroke(color, width=TARGET_FRAME)
            else:
                mark = Square(side_length=swatch, fill_color=color, fill_opacity=1.0)
                mark.set_stroke(color, width=1)
            if label.startswith("$") and label.endswith("$") and len(label) > 1:
                text = MathTex(label[1:-1], font_size=font_size + 4, color=MEANING.text.color)
            else:
                text = Text(label, font_size=font_size, color=MEANING.text.color)
            self.entries.add(VGroup(mark, text.next_to(mark, RIGHT, buff=0.14)))
        if vertical:
            self.entries.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        else:  # side by side (aligned_edge=LEFT would stack every entry's left edge)
            self.entries.arrange(RIGHT, buff=0.4)
        self.add(self.entries)


class ColorBar(VGroup):
    """The diverging value scale with tick values (blue negative, orange positive).

    Parameters
    ----------
    vmax
        The magnitude at the ends of the bar (larger values saturate).
    label
        A caption above the bar (Text, or TeX when wrapped in ``$``).
    length, thickness
        Size of the bar.
    vertical
        A vertical bar (``+vmax`` on top, ticks on the right) instead of a
        horizontal one (``-vmax`` on the left, ticks below).
    """

    def __init__(
        self,
        vmax: float = 1.0,
        *,
        label: str | None = None,
        length: float = 2.6,
        thickness: float = 0.2,
        n_cells: int = 24,
        font_size: float = FONT_SMALL,
        vertical: bool = False,
    ) -> None:
        super().__init__()
        self.vmax = float(vmax)
        w = length / n_cells
        along = UP if vertical else RIGHT
        across = RIGHT if vertical else DOWN
        values = np.linspace(-vmax, vmax, n_cells)
        self.cells = VGroup(
            *(
                Rectangle(
                    width=thickness if vertical else w,
                    height=w if vertical else thickness,
                    stroke_width=0,
                )
                .set_fill(value_color(v, vmax), opacity=1.0)
                .shift(along * (i + 0.5) * w)
                for i, v in enumerate(values)
            )
        ).center()
        self.ticks = VGroup()
        for v, end in ((-vmax, -1.0), (0.0, 0.0), (vmax, 1.0)):
            at = self.cells.get_center() + end * length / 2 * along
            # a vertical bar's ticks stand on the side away from the numbers: a tick
            # right before a number reads as a minus sign ("- 1.00")
            side = -across if vertical else across
            tick = Line(
                at + side * thickness / 2,
                at + side * (thickness / 2 + 0.08),
                color=MEANING.text.color,
            )
            num = Text(fmt(v), font_size=font_size, color=MEANING.text.color)
            num.next_to(tick if not vertical else at + across * thickness / 2, across, buff=0.1)
            self.ticks.add(VGroup(tick, num))
        self.add(self.cells, self.ticks)
        self.label: VMobject | None = None
        if label:
            if label.startswith("$") and label.endswith("$"):
                self.label = MathTex(label[1:-1], font_size=font_size + 4, color=MEANING.text.color)
            else:
                self.label = Text(label, font_size=font_size, color=MEANING.text.color)
            self.label.next_to(self.cells if not vertical else self, UP, buff=0.15)
            self.add(self.label)


# ======================================================================================
# matrices and the abstract (blackboxed) views
# ======================================================================================


class MatrixGrid(_ValueShapes):
    """A matrix as a grid of coloured cells with numbers (weights, gradients).

    Parameters
    ----------
    values
        ``(rows, cols)`` numbers.
    label
        TeX written beside the grid (e.g. ``"W ="``) on ``label_side``, or None.
    max_width, max_height
        The grid shrinks its cells to fit; numbers disappear when cells get too
        small for them (the colours remain).
    """

    def __init__(
        self,
        values: np.ndarray,
        *,
        label: str | None = None,
        label_color: ManimColor = MEANING.text.color,
        label_side: np.ndarray = LEFT,
        cell_width: float = CELL_WIDTH,
        cell_height: float = CELL_HEIGHT,
        max_width: float = STAGE_WIDTH,
        max_height: float = STAGE_TOP - STAGE_BOTTOM,
        vmax: float = 1.0,
        outline: ManimColor = MEANING.neutral.color,
        show_numbers: bool = True,
        font_size: float = FONT_SMALL,
    ) -> None:
        super().__init__()
        values = np.asarray(values, dtype=float)
        if values.ndim != 2:
            raise ValueError(f"MatrixGrid: expected a 2-d array, found shape {values.shape}")
        n_rows, n_cols = values.shape
        self.shape = (n_rows, n_cols)
        cell_width = min(cell_width, max_width / n_cols)
        cell_height = min(cell_height, max_height / n_rows)
        cells = [
            Rectangle(
                width=cell_width,
                height=cell_height,
                stroke_color=outline,
                stroke_width=OUTLINE_WIDTH - 0.5,
                fill_color=MEANING.value_zero.color,
                fill_opacity=1.0,
            ).shift(c * cell_width * RIGHT + r * cell_height * DOWN)
            for r in range(n_rows)
            for c in range(n_cols)
        ]
        show = show_numbers and cell_height >= MIN_NUMBER_CELL and cell_width >= MIN_NUMBER_WIDTH
        self._init_values(cells, values.reshape(-1), vmax, show, font_size, cell_width - 0.06)
        self.matrix_values = values
        self.label: MathTex | None = None
        if label is not None:
            self.label = MathTex(label, font_size=FONT_LABEL, color=label_color)
            self.label.next_to(self.shapes, label_side, buff=0.15)
            self.add(self.label)
        self.center()

    def cell(self, r: int, c: int) -> Rectangle:
        return self.shapes[r * self.shape[1] + c]

    def set_matrix(self, values: np.ndarray, **kwargs: object) -> AnimationGroup:
        """Animate new matrix values into the same cells."""
        values = np.asarray(values, dtype=float)
        self.matrix_values = values
        return self.set_values(values.reshape(-1), **kwargs)

    def shown_matrix(self) -> list[list[str]]:
        """The strings shown, row by row ("" where hidden), for tests."""
        texts = self.shown_numbers()
        n_cols = self.shape[1]
        return [texts[r * n_cols : (r + 1) * n_cols] for r in range(self.shape[0])]


def _node(tex: str, color: ManimColor, radius: float, font_size: float) -> VGroup:
    circle = Circle(radius=radius, stroke_color=color, stroke_width=3)
    circle.set_fill(MEANING.value_zero.color, opacity=1.0)
    return VGroup(circle, MathTex(tex, font_size=font_size, color=color).move_to(circle))


def _link(a: VMobject, b: VMobject, color: ManimColor = MEANING.text.color) -> Arrow:
    return Arrow(
        a.get_center(),
        b.get_center(),
        buff=a.width / 2 + 0.04,
        stroke_width=3,
        color=color,
        tip_length=TIP + 0.04,
        max_tip_length_to_length_ratio=0.4,
    )


class FoldedRNN(VGroup):
    """The folded (blackboxed) RNN: x -> h -> o, and a yellow loop W on h.

    Attributes ``x, h, o`` (nodes: circle + TeX), ``u_arrow, v_arrow`` (with
    ``u_label, v_label``), ``w_loop`` and ``w_label``; with ``loss=True`` also
    ``loss_node`` above o.
    """

    def __init__(
        self,
        *,
        gap: float = 1.5,
        radius: float = 0.42,
        font_size: float = FONT_LABEL + 6,
        loss: bool = False,
    ) -> None:
        super().__init__()
        self.x = _node("x", MEANING.input.color, radius, font_size)
        self.h = _node("h", MEANING.hidden.color, radius, font_size).shift(UP * gap)
        self.o = _node("o", MEANING.output.color, radius, font_size).shift(UP * 2 * gap)
        self.u_arrow = _link(self.x, self.h)
        self.v_arrow = _link(self.h, self.o)
        self.u_label = MathTex("U", font_size=font_size, color=MEANING.text.color).next_to(
            self.u_arrow, RIGHT
        )
        self.v_label = MathTex("V", font_size=font_size, color=MEANING.text.color).next_to(
            self.v_arrow, RIGHT
        )
        c = self.h.get_center()
        start = c + radius * np.array([np.cos(0.6), np.sin(0.6), 0])
        end = c + radius * np.array([np.cos(-0.6), np.sin(-0.6), 0])
        self.w_loop = ArcBetweenPoints(
            start, end, angle=-4.4, color=MEANING.recurrent.color, stroke_width=4
        )
        self.w_loop.add_tip(tip_length=TIP + 0.04, tip_width=TIP + 0.04)
        self.w_label = MathTex("W", font_size=font_size, color=MEANING.recurrent.color)
        self.w_label.next_to(self.w_loop, RIGHT, buff=0.12)
        self.add(self.u_arrow, self.v_arrow, self.w_loop, self.x, self.h, self.o)
        self.add(self.u_label, self.v_label, self.w_label)
        self.loss_node: VGroup | None = None
        if loss:
            self.loss_node = _node("L", MEANING.loss.color, radius, font_size).shift(UP * 3 * gap)
            self.add(_link(self.o, self.loss_node), self.loss_node)
        self.center()


class BlackboxChain(VGroup):
    """The unrolled RNN in the abstract form: nodes x(t), h(t), o(t) per step.

    Like ``UnrolledRNN`` without numbers: dicts ``x, h, o`` of nodes and
    ``u_arrow, v_arrow, w_arrow`` keyed by array index ``t`` (display time t+1),
    ``h0`` on the left, all U/V/W labelled at every step.
    """

    def __init__(
        self,
        T: int,
        *,
        steps: Sequence[int] | None = None,
        max_steps: int = MAX_STEPS,
        width: float = STAGE_WIDTH,
        gap: float = 1.35,
        radius: float = 0.36,
        font_size: float = FONT_LABEL,
    ) -> None:
        super().__init__()
        self.steps = tuple(steps) if steps is not None else _window(T, max_steps)
        n_cols = (
            len(self.steps)
            + 1
            + ELLIPSIS_FRACTION * sum(1 for a, b in pairwise(self.steps) if b != a + 1)
        )
        pitch = width / n_cols
        self.h0 = _node("h^{(0)}", MEANING.hidden.color, radius, font_size - 4).move_to(UP * gap)
        self.x: dict[int, VGroup] = {}
        self.h: dict[int, VGroup] = {}
        self.o: dict[int, VGroup] = {}
        self.u_arrow: dict[int, Arrow] = {}
        self.v_arrow: dict[int, Arrow] = {}
        self.w_arrow: dict[int, Arrow] = {}
        self.labels = VGroup()
        self.ellipses = VGroup()
        x_pos = pitch
        prev: VMobject = self.h0
        for i, t in enumerate(self.steps):
            if i > 0 and t != self.steps[i - 1] + 1:
                dots = MathTex(r"\cdots", font_size=font_size + 8, color=MEANING.text.color)
                dots.move_to(RIGHT * (x_pos - pitch + ELLIPSIS_FRACTION * pitch / 2) + UP * gap)
                self.ellipses.add(dots)
                self.add(_link(prev, dots, MEANING.recurrent.color))
                prev = dots
                x_pos += ELLIPSIS_FRACTION * pitch
            n = display_step(t)
            self.x[t] = _node(f"x^{{({n})}}", MEANING.input.color, radius, font_size - 4).move_to(
                RIGHT * x_pos
            )
            self.h[t] = _node(f"h^{{({n})}}", MEANING.hidden.color, radius, font_size - 4)
            self.h[t].move_to(RIGHT * x_pos + UP * gap)
            self.o[t] = _node(f"o^{{({n})}}", MEANING.output.color, radius, font_size - 4)
            self.o[t].move_to(RIGHT * x_pos + UP * 2 * gap)
            self.u_arrow[t] = _link(self.x[t], self.h[t])
            self.v_arrow[t] = _link(self.h[t], self.o[t])
            self.w_arrow[t] = _link(prev, self.h[t], MEANING.recurrent.color)
            for arrow, tex, color, side in (
                (self.u_arrow[t], "U", MEANING.text.color, RIGHT),
                (self.v_arrow[t], "V", MEANING.text.color, RIGHT),
                (self.w_arrow[t], "W", MEANING.recurrent.color, UP),
            ):
                self.labels.add(
                    MathTex(tex, font_size=font_size - 2, color=color).next_to(arrow, side, 0.08)
                )
            prev = self.h[t]
            x_pos += pitch
        self.add(*self.u_arrow.values(), *self.v_arrow.values(), *self.w_arrow.values())
        self.add(self.h0, *self.x.values(), *self.h.values(), *self.o.values())
        self.add(self.labels, self.ellipses)
        self.center()

    def parameter(self, name: str) -> VGroup:
        """Every arrow of ``"U"``, ``"V"`` or ``"W"`` with its labels."""
        arrows = {"U": self.u_arrow, "V": self.v_arrow, "W": self.w_arrow}[name]
        labels = [lab for lab in self.labels if lab.tex_string == name]
        return VGroup(*arrows.values(), *labels)
