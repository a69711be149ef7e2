"""The stage of the DCL review (``scenes.dense_backprop``): the scene's shared helpers.

``DenseStage`` is the base of the review's step classes: it keeps every slide's notes
(``self.notes``), picks the featured hidden neuron (``focus_unit``), builds a layer of
neurons at the review's layout (``make_layer``) and replaces the right-hand panel of
equations (``set_panel``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UL,
    FadeIn,
    FadeOut,
    ManimColor,
    Mobject,
    VGroup,
)

from rnncore import DenseReview
from scenes.base import LectureScene
from scenes.dense_mobjects import (
    LAYER_SPAN,
    MAX_SPACING,
    NET_X,
    NEURON_RADIUS,
    PANEL_HEIGHT,
    PANEL_LEFT,
    PANEL_TOP,
    PANEL_WIDTH,
    RADIUS_FRACTION,
    RUN,
    VMAX,
)
from scenes.grammar import FONT_LABEL, MEANING
from scenes.mobjects.value_shapes import NeuronLayer

__all__ = ["DenseStage"]


class DenseStage(LectureScene):
    """Helpers shared by the steps of the DCL review."""

    review: DenseReview

    def beat(self, notes: str) -> None:
        """Let the previous slide settle on its final frame, then start the next one."""
        if self.renderer.num_plays:
            self.wait(0.1)
        self.notes.append(notes)
        super().beat(notes)

    @property
    def focus_unit(self) -> int:
        """The hidden neuron whose equations are shown: the one with the largest error."""
        return int(np.argmax(np.abs(self.review.backprop.deltas[0])))

    def make_layer(
        self,
        n: int,
        y: float,
        label: str,
        color: ManimColor,
        names: Sequence[str],
        name_side: np.ndarray,
    ) -> NeuronLayer:
        spacing = min(MAX_SPACING, LAYER_SPAN / max(n - 1, 1))
        radius = min(NEURON_RADIUS, RADIUS_FRACTION * spacing)  # large layers: smaller
        layer = NeuronLayer(
            n=n,
            label=label,
            color=color,
            names=names,
            name_side=name_side,
            radius=radius,
            spacing=spacing,
            max_length=n * spacing + 1,
            vmax=VMAX,
            label_font_size=FONT_LABEL + 6,
        )
        layer.shift(np.array([NET_X, y, 0]) - layer.shapes.get_center())
        return layer

    def bring_layers_to_front(self) -> None:
        """Neurons above the connections that end on them."""
        self.bring_to_front(*self.layers)

    @staticmethod
    def sum_lines(
        lead: list[tuple[str, ManimColor]], terms: list[str], per_line: int = 2
    ) -> list[list[tuple[str, ManimColor]]]:
        """``lead`` followed by ``+ t1 + t2 ...``, ``per_line`` terms to a line.

        ``lead`` is the first line's parts up to its relation (``[("=", MEANING.text.color)]`` or
        ``[(lhs, color), ("=", MEANING.text.color)]``); the first term goes on that line.
        """
        lines = [[*lead, (terms[0], MEANING.text.color)]]
        rest = terms[1:]
        for i in range(0, len(rest), per_line):
            lines.append(
                [
                    ("+", MEANING.text.color),
                    (" + ".join(rest[i : i + per_line]), MEANING.text.color),
                ]
            )
        return lines

    def set_panel(
        self, *lines: Mobject, buff: float = 0.3, max_height: float = PANEL_HEIGHT
    ) -> None:
        """Replace the right-hand panel by ``lines``, top-left aligned, at most
        ``PANEL_WIDTH`` wide and ``max_height`` high."""
        new = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=buff)
        if new.width > PANEL_WIDTH:
            new.scale_to_fit_width(PANEL_WIDTH)
        if new.height > max_height:
            new.scale_to_fit_height(max_height)
        new.move_to([PANEL_LEFT, PANEL_TOP, 0], aligned_edge=UL)
        if self.panel is not None:
            self.play(FadeOut(self.panel), run_time=RUN / 2)
        self.play(FadeIn(new, shift=0.1 * DOWN), run_time=RUN)
        self.panel = new
