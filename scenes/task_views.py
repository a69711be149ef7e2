"""Pictures of TaskTypes' denser slides (article 000, section 6).

Each view draws what it is given (the core's vectors, tokens, words); nothing
computes model math. The scene places them and fades their parts in.

- ``Seq2SeqView``: encoder row, its last hidden state, decoder row with feedback.
- ``CTCView``: an air-pressure wave, a long letter output and its two collapsing stages.
- ``BidirectionalView``: forward and backward rows and both states at one step.
- ``CaptioningView``: image tensor -> CNN -> semantic vector -> one-to-many RNN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FunctionGraph, MathTex, Text, VGroup

from scenes.diagrams import SheetStack, arrow_between
from scenes.grammar import FONT_LABEL, FONT_SMALL, IMAGE_CHANNELS, MEANING
from scenes.mobjects.keys import Legend
from scenes.mobjects.numbers import fmt
from scenes.mobjects.value_shapes import VectorStrip
from scenes.task_diagram import TaskDiagram

__all__ = [
    "BidirectionalView",
    "CTCView",
    "CaptioningView",
    "Seq2SeqView",
    "example_lines",
    "vec",
]

PITCH_SMALL = 0.95  # time-step pitch of the denser diagrams


def example_lines(*lines: str) -> VGroup:
    """Short example lines, left-aligned."""
    group = VGroup(*(Text(line, font_size=FONT_SMALL, color=MEANING.text.color) for line in lines))
    return group.arrange(DOWN, buff=0.22, aligned_edge=LEFT)


def vec(values: Sequence[float]) -> str:
    """``(0.12, -0.34)``: a vector for the speaker notes."""
    return "(" + ", ".join(fmt(v) for v in values) + ")"


def _wave(x: float) -> float:
    """An illustrative sound wave (drawing only: no model value)."""
    return math.sin(7.0 * x) * math.cos(1.3 * x) + 0.4 * math.sin(17.0 * x)


class Seq2SeqView(VGroup):
    """The encoder reads ``inputs``; its last state ``context`` starts the decoder."""

    def __init__(self, inputs: list[str], context: np.ndarray, tokens: list[str]) -> None:
        super().__init__()
        T, n = len(inputs), len(tokens)
        encoder = TaskDiagram([True] * T, [False] * T, pitch=PITCH_SMALL)
        enc_x = encoder.label_inputs(inputs)
        decoder = TaskDiagram([True] + [False] * (n - 1), [True] * n, feedback=True, pitch=1.2)
        dec_x = decoder.label_inputs(["start"] + [None] * (n - 1))
        dec_y = decoder.label_outputs(tokens)
        self.context = VectorStrip(context, outline=MEANING.hidden.color)
        self.enc = VGroup(encoder, enc_x)
        self.dec = VGroup(decoder, dec_x, dec_y)
        row = VGroup(self.enc, self.context, self.dec).arrange(RIGHT, buff=0.7)
        self.context.set_y(encoder.cells.get_y())
        self.dec.shift((encoder.cells.get_y() - decoder.cells.get_y()) * UP)
        self.links = VGroup(
            arrow_between(
                encoder.cells[-1].get_right(),
                self.context.get_left() + 0.08 * LEFT,
                MEANING.recurrent.color,
            ),
            arrow_between(
                self.context.get_right() + 0.08 * RIGHT,
                decoder.cells[0].get_left(),
                MEANING.recurrent.color,
            ),
        )
        self.names = VGroup(
            Text("encoder", font_size=FONT_LABEL, color=MEANING.text.color).next_to(
                encoder, DOWN, buff=0.8
            ),
            Text("decoder", font_size=FONT_LABEL, color=MEANING.text.color).next_to(
                decoder, DOWN, buff=0.8
            ),
            Text("hidden state", font_size=FONT_SMALL, color=MEANING.hidden.color).next_to(
                self.context, UP, buff=0.15
            ),
        )
        self.add(row, self.links, self.names)


class CTCView(VGroup):
    """Air pressure in, the long output ``raw`` above, then ``merged`` and ``collapsed``."""

    def __init__(self, raw: str, merged: str, collapsed: str) -> None:
        super().__init__()
        n = len(raw)
        self.chain = TaskDiagram([True] * n, [True] * n, pitch=PITCH_SMALL)
        self.letters = self.chain.label_outputs(list(raw), font_size=FONT_LABEL)
        left, right = self.chain.input_anchor(0), self.chain.input_anchor(n - 1)
        self.wave = FunctionGraph(
            lambda x: 0.18 * _wave(x),
            x_range=[left[0] - 0.3, right[0] + 0.3],
            color=MEANING.input.color,
        ).move_to(VGroup(self.chain.cells).get_bottom() + 0.85 * DOWN)
        self.wave_label = Text("air pressure", font_size=FONT_SMALL, color=MEANING.input.color)
        self.wave_label.next_to(self.wave, LEFT, buff=0.3)
        self.stages = VGroup(
            _ctc_line("merge repeats", merged),
            _ctc_line("drop blanks", collapsed),
        ).arrange(UP, buff=0.35, aligned_edge=LEFT)
        diagram = VGroup(self.wave, self.wave_label, self.chain, self.letters)
        self.add(diagram, self.stages)
        self.arrange(UP, buff=0.45)


def _ctc_line(step: str, text: str) -> VGroup:
    name = Text(f"{step}:", font_size=FONT_SMALL, color=MEANING.neutral.color)
    value = Text(" ".join(text), font_size=FONT_LABEL, color=MEANING.output.color)
    return VGroup(name, value).arrange(RIGHT, buff=0.3)


class BidirectionalView(VGroup):
    """Both rows over ``inputs`` and the two states at step ``t`` (``t_name`` as shown)."""

    def __init__(
        self, inputs: list[str], t: int, t_name: str, forward: np.ndarray, backward: np.ndarray
    ) -> None:
        super().__init__()
        T = len(inputs)
        self.t = t
        self.chain = chain = TaskDiagram([True] * T, [True] * T, bidirectional=True)
        self.xs = chain.label_inputs(inputs)
        self.rows = VGroup(
            Text("forward", font_size=FONT_SMALL, color=MEANING.hidden.color).next_to(
                chain.cells, LEFT, buff=0.3
            ),
            Text("backward", font_size=FONT_SMALL, color=MEANING.hidden.color).next_to(
                chain.cells_back, LEFT, buff=0.3
            ),
        )
        self.fwd = VectorStrip(forward, outline=MEANING.hidden.color)
        self.bwd = VectorStrip(backward, outline=MEANING.hidden.color)
        self.strips = VGroup(
            VGroup(
                MathTex(
                    rf"\overrightarrow{{h}}^{{({t_name})}}",
                    font_size=FONT_LABEL,
                    color=MEANING.hidden.color,
                ),
                self.fwd,
            ).arrange(DOWN, buff=0.15),
            VGroup(
                MathTex(
                    rf"\overleftarrow{{h}}^{{({t_name})}}",
                    font_size=FONT_LABEL,
                    color=MEANING.hidden.color,
                ),
                self.bwd,
            ).arrange(DOWN, buff=0.15),
        ).arrange(RIGHT, buff=0.4)
        self.add(VGroup(chain, self.xs, self.rows), self.strips)
        self.arrange(RIGHT, buff=1.0)

    def markers(self) -> VGroup:
        """Frames on both rows' cells of step ``t`` (call after placing the view)."""
        chain = self.chain
        return VGroup(
            chain.cells[self.t].copy().set_stroke(MEANING.text.color, width=5),
            chain.cells_back[self.t].copy().set_stroke(MEANING.text.color, width=5),
        )


class CaptioningView(VGroup):
    """An image (RGB sheets) -> CNN -> semantic vector -> an RNN that writes ``words``."""

    def __init__(self, words: Sequence[str]) -> None:
        super().__init__()
        n = len(words)
        self.image = SheetStack(IMAGE_CHANNELS, 5, 5, cell=0.2)
        self.semantic = VectorStrip(
            n=6, cell_width=0.3, cell_height=0.24, outline=MEANING.hidden.color, show_numbers=False
        )
        self.cnn_label = Text("CNN", font_size=FONT_SMALL, color=MEANING.text.color)
        self.chain = TaskDiagram([True] + [False] * (n - 1), [True] * n, pitch=1.3)
        self.words = self.chain.label_outputs(list(words), font_size=FONT_LABEL)
        self.semantic.next_to(self.chain.input_anchor(0), LEFT, buff=0.9).shift(0.2 * DOWN)
        self.image.next_to(self.semantic, LEFT, buff=1.0)
        self.channels = Legend(
            [(c, name) for c, name in zip(IMAGE_CHANNELS, ("red", "green", "blue"), strict=True)],
            vertical=False,
        )
        self.channels.entries.arrange(RIGHT, buff=0.3)
        self.channels.next_to(self.image, UP, buff=0.3)
        self.to_semantic = arrow_between(
            self.image.get_right() + 0.15 * RIGHT, self.semantic.get_left() + 0.15 * LEFT
        )
        self.cnn_label.next_to(self.to_semantic, UP, buff=0.1)
        self.to_rnn = arrow_between(
            self.semantic.get_right() + 0.15 * RIGHT,
            self.chain.input_anchor(0),
            MEANING.input.color,
        )
        self.labels = VGroup(
            Text("image", font_size=FONT_SMALL, color=MEANING.text.color).next_to(
                self.image, DOWN, buff=0.2
            ),
            Text("semantic vector", font_size=FONT_SMALL, color=MEANING.text.color).next_to(
                self.semantic, DOWN, buff=0.2
            ),
        )
        self.add(
            self.image,
            self.semantic,
            self.chain,
            self.words,
            self.channels,
            self.to_semantic,
            self.cnn_label,
            self.to_rnn,
            self.labels,
        )
