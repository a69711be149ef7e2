"""The error stage of the BPTT scenes: network, source legend, one panel under them.

- ``error_stage``: the unrolled network at the top of the stage and the source
  legend in a right-hand column (``LEGEND_WIDTH``); ``place_panel`` puts one panel
  on the line under the network (``PANEL_Y``).
- ``stage_key``: the source legend, the target frame and the loss bar (``loss_bar``);
  ``source_legend``: one colour per source loss L(s) (``grammar.source_color``),
  a ``scenes.mobjects.keys.Legend``.
- ``SharedScaleNeuronsView``: ``RNNNeuronsView`` with fixed colour/width scales,
  so a network before and after an update can be compared.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Mobject, Text, VGroup

from scenes.grammar import FONT_SMALL, MEANING, source_color
from scenes.layout import FRAME_MARGIN, STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH, keep_inside
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.network import Connections, RecurrentConnections, RNNNeuronsView
from scenes.mobjects.numbers import display_step
from scenes.mobjects.unrolled import UnrolledRNN

__all__ = [
    "LEGEND_WIDTH",
    "NET_HEIGHT",
    "PANEL_Y",
    "SharedScaleNeuronsView",
    "error_stage",
    "loss_bar",
    "place_panel",
    "source_legend",
    "stage_key",
]

# The error stage of the BPTT scenes: the unrolled network on top, one panel under it,
# the source legend in a right-hand column.
LEGEND_WIDTH = 1.7  # right-hand column kept free for the source legend
NET_HEIGHT = 5.5  # the unrolled network; the rest of the stage holds one panel
PANEL_Y = STAGE_BOTTOM + 0.45  # centre line of the panel under the network


def source_legend(sources: Sequence[int], vertical: bool = False) -> Legend:
    """A legend of the source colours: which loss L(s) each error colour comes from."""
    entries = [(source_color(s), f"$L^{{({display_step(s)})}}$") for s in sources]
    legend = Legend(entries, kind="line", vertical=vertical)
    caption = Text("error from", font_size=FONT_SMALL, color=MEANING.text.color)
    caption.next_to(legend, LEFT if not vertical else UP, buff=0.25)
    if vertical:
        caption.align_to(legend, LEFT)
    legend.add(caption)
    return legend


def place_panel(panel: Mobject) -> Mobject:
    """Put ``panel`` on the line under the network (shrunk to fit beside the legend)."""
    max_width = STAGE_WIDTH - LEGEND_WIDTH
    if panel.width > max_width:
        panel.scale_to_fit_width(max_width)
    return panel.move_to([-LEGEND_WIDTH / 2, PANEL_Y, 0])


def error_stage(
    lesson, losses: np.ndarray, height: float = NET_HEIGHT, legend_width: float = LEGEND_WIDTH
) -> tuple[UnrolledRNN, Legend]:
    """The lesson's unrolled network at the top of the stage and the source legend.

    Parameters
    ----------
    lesson
        A ``rnncore.Lesson`` (its trace, labels and loss mask are drawn).
    losses
        ``Backprop.losses``, shown in the L(t) row.
    height
        Height of the network; the stage below it is left for one panel.
    legend_width
        Width kept free on the right for the legend.
    """
    net = UnrolledRNN(
        lesson.trace(),
        lesson.params,
        losses,
        loss_mask=lesson.loss_mask,
        input_mask=lesson.input_mask,
        targets=lesson.targets,
        step_names=lesson.step_labels,
        width=STAGE_WIDTH - legend_width,
        height=height,
    )
    net.shift((STAGE_TOP - net.get_top()[1]) * UP)
    net.to_edge(LEFT, buff=FRAME_MARGIN)
    legend = stage_key(lesson, net)
    legend.to_edge(RIGHT, buff=FRAME_MARGIN).set_y(net.h[net.steps[0]].get_y())
    keep_inside(legend)  # ten sources, the target and the loss bar: a tall column
    return net, legend


def stage_key(lesson, net: UnrolledRNN) -> VGroup:
    """The key of the error stage: the source colours, the target frame (cross-entropy)
    and the loss scale of the L(t) cells, stacked."""
    parts: list[Mobject] = [source_legend(np.flatnonzero(lesson.loss_mask), vertical=True)]
    if net.target_frames:
        parts.append(Legend([(MEANING.text.color, "target y(t)")], kind="frame"))
    if "loss" in net.rows:
        parts.append(loss_bar(net.loss_vmax))
    return VGroup(*parts).arrange(DOWN, buff=0.3, aligned_edge=LEFT)


def loss_bar(vmax: float, length: float = 1.0) -> ColorBar:
    """The colour bar of the loss cells L(t): their own scale, 0 to the largest loss."""
    return ColorBar(vmax, label="loss L(t)", loss=True, vertical=True, length=length)


class SharedScaleNeuronsView(RNNNeuronsView):
    """``RNNNeuronsView`` whose U, V, W connections use given scales ``vmax``.

    ``vmax`` maps ``"U"``, ``"V"``, ``"W"`` to the magnitude of full colour/width,
    so two views (before and after an update) encode weights the same way.
    """

    def __init__(self, params, trace, *, vmax: dict[str, float], **kwargs) -> None:
        super().__init__(params, trace, **kwargs)
        u = Connections(self.inputs, self.hidden, params.U, vmax=vmax["U"])
        v = Connections(self.hidden, self.outputs, params.V, vmax=vmax["V"])
        side = kwargs.get("recurrent_side", UP)
        w = RecurrentConnections(self.hidden, params.W, side=side, vmax=vmax["W"])
        for old, new in ((self.u, u), (self.v, v), (self.w, w)):
            self.submobjects[self.submobjects.index(old)] = new
        self.u, self.v, self.w = u, v, w
