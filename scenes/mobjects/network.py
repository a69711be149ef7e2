"""The RNN as connected neurons at one time step.

- ``Connections``: all-to-all lines between two layers, colour and width showing
  the weight matrix ``(n_b, n_a)``; ``highlight(j)`` isolates one neuron's inputs.
- ``RecurrentConnections``: the hidden layer's yellow (``RECURRENT``) arcs from
  every neuron into every neuron (self-loops included), width showing ``|W|``.
- ``RNNNeuronsView``: input layer (bottom), hidden layer with recurrent arcs
  (middle), output layer (top) at one time step, from ``RNNParams`` + ``Trace``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    AnimationGroup,
    ArcBetweenPoints,
    Line,
    ManimColor,
    MathTex,
    VGroup,
)

from rnncore.params import RNNParams
from rnncore.rnn import Trace
from scenes.grammar import FONT_LABEL, MEANING, value_color, value_width
from scenes.layout import ARROW_TIP
from scenes.mobjects.value_shapes import NeuronLayer

__all__ = ["WEIGHT_WIDTH", "Connections", "RNNNeuronsView", "RecurrentConnections"]

WEIGHT_WIDTH = (0.6, 5.0)  # stroke width range for |weight| in 0..vmax
DIM_OPACITY = 0.12  # what highlight() leaves of the other connections
ARC_ANGLE = 0.9  # radians of the recurrent arcs between two neurons
ARC_EXIT = 1.0  # radians from the chord at which an arc leaves a neuron


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
                arc.add_tip(tip_length=ARROW_TIP, tip_width=ARROW_TIP)
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
