"""Mobjects of the order demo (WhyRNN): words as one-hot columns, a class output with its answer.

- ``OneHotWords``: a sentence as one vertical ``VectorStrip`` per word (numbers on
  the cells), the word under its column and the vocabulary beside the first one.
- ``order_keys``: one row of keys for these slides (role lines, the correct-answer
  frame, the value colour bar).
- ``FlatDCLView``: a DCL reading the words side by side as one input (one block of
  cells per word, every block wired to every hidden neuron), the correct answer
  under the words.
- ``ClassOutput``: a network's class probabilities as a horizontal ``VectorStrip``,
  each class named above its cell, the correct class framed like every target
  class of the lecture (``MEANING.text`` frame, ``TARGET_FRAME`` wide), and beside
  it the correct answer, what the network says and whether that is right.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, ManimColor, SurroundingRectangle, Text, VGroup

from scenes.grammar import FONT_SMALL, MEANING
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.value_shapes import TARGET_FRAME, NeuronLayer, VectorStrip

__all__ = ["DENSE_HIDDEN", "ClassOutput", "FlatDCLView", "OneHotWords", "order_keys", "verdict"]

COLUMN_GAP = 0.22  # between two word columns
WORD_BUFF = 0.12  # between a column and its word
VOCAB_BUFF = 0.15  # between the vocabulary and the first column
COLORBAR_LEN = 2.0
DENSE_HIDDEN = 4  # hidden neurons of the flattened-input DCL
BLOCK_GAP = 0.45  # between the input blocks of the flattened-input DCL
LAYER_GAP = 0.75  # vertical distance between its layers
KEY_GAP = 0.6  # between the groups of keys in the row


def order_keys(lines: Sequence[tuple[ManimColor, str]], frame: bool = True) -> VGroup:
    """One row of keys: the ``lines`` (colour, role), the correct-answer frame, the value bar."""
    keys = VGroup(Legend(lines, kind="line", vertical=False))
    if frame:
        keys.add(Legend([(MEANING.text.color, "correct answer")], kind="frame"))
    keys.add(ColorBar(1.0, label="value", length=COLORBAR_LEN))
    return keys.arrange(RIGHT, buff=KEY_GAP, aligned_edge=DOWN)


def verdict(values: np.ndarray, correct: int, classes: Sequence[str]) -> str:
    """``"says dog: right"``: the most likely class and whether it is the correct one."""
    said = int(np.argmax(values))
    return f"says {classes[said]}: {'right' if said == correct else 'wrong'}"


class OneHotWords(VGroup):
    """A sentence as one-hot columns: ``strips[t]`` shows ``xs[t]``, ``words[t]`` its word.

    Parameters
    ----------
    words
        The sentence, one word per step.
    xs
        ``(T, I)`` the vectors the network reads (the core's), one column per word.
    vocabulary
        The meaning of each row (written left of the first column); empty for none.
    """

    def __init__(
        self, words: Sequence[str], xs: np.ndarray, vocabulary: Sequence[str] = ()
    ) -> None:
        super().__init__()
        xs = np.asarray(xs, dtype=float)
        if xs.ndim != 2 or xs.shape[0] != len(words):
            raise ValueError(f"xs: expected shape ({len(words)}, I), found {xs.shape}")
        self.strips = VGroup(*(VectorStrip(x, outline=MEANING.input.color) for x in xs))
        self.strips.arrange(RIGHT, buff=COLUMN_GAP)
        self.words = VGroup(
            *(
                Text(w, font_size=FONT_SMALL, color=MEANING.input.color).next_to(
                    s, DOWN, buff=WORD_BUFF
                )
                for w, s in zip(words, self.strips, strict=True)
            )
        )
        self.vocabulary = VGroup()
        if vocabulary:
            first = self.strips[0]
            for i, name in enumerate(vocabulary):
                label = Text(name, font_size=FONT_SMALL, color=MEANING.neutral.color)
                self.vocabulary.add(label.next_to(first.cell(i), LEFT, buff=VOCAB_BUFF))
        self.add(self.vocabulary, self.strips, self.words)


class ClassOutput(VGroup):
    """Class probabilities with the class names, the correct class framed, and a verdict.

    Parameters
    ----------
    values
        ``(O,)`` the network's output (the core's).
    classes
        The name of each class, written above its cell.
    correct
        The index of the correct class (framed).
    side
        Where the two lines "correct: ..." and "says ...: right" go (DOWN or RIGHT).
    """

    def __init__(
        self,
        values: np.ndarray,
        classes: Sequence[str],
        correct: int,
        side: np.ndarray = DOWN,
    ) -> None:
        super().__init__()
        values = np.asarray(values, dtype=float)
        if values.shape != (len(classes),) or not 0 <= correct < len(classes):
            raise ValueError(
                f"values/correct: expected {len(classes)} values and a class index, "
                f"found {values.shape} and {correct}"
            )
        self.strip = VectorStrip(values, vertical=False, outline=MEANING.output.color)
        self.names = VGroup(
            *(
                Text(c, font_size=FONT_SMALL, color=MEANING.output.color).next_to(
                    self.strip.cell(k), UP, buff=0.1
                )
                for k, c in enumerate(classes)
            )
        )
        self.frame = SurroundingRectangle(
            self.strip.cell(correct), color=MEANING.text.color, buff=0.03
        ).set_stroke(width=TARGET_FRAME)
        self.answer_text = f"correct: {classes[correct]}"
        self.verdict_text = verdict(values, correct, classes)
        self.verdict = VGroup(
            *(
                Text(t, font_size=FONT_SMALL, color=MEANING.text.color)
                for t in (self.answer_text, self.verdict_text)
            )
        ).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        self.verdict.next_to(self.strip, side, buff=0.2)
        self.add(self.strip, self.names, self.frame, self.verdict)


class FlatDCLView(VGroup):
    """A DCL reading a sentence's vectors side by side as one input, in ``order``.

    Parameters
    ----------
    words, xs
        The sentence and its ``(T, I)`` vectors (the core's).
    order
        Which word sits in each input block (indices into ``words``).
    out
        The output strip (placed above the hidden layer and wired to it).
    answer
        The correct answer for this order, written under the words.
    """

    def __init__(
        self,
        words: Sequence[str],
        xs: np.ndarray,
        order: Sequence[int],
        out: VectorStrip,
        answer: str,
        hidden: int = DENSE_HIDDEN,
    ) -> None:
        super().__init__()
        self.blocks = VGroup(*(VectorStrip(xs[t], outline=MEANING.input.color) for t in order))
        self.blocks.arrange(RIGHT, buff=BLOCK_GAP, aligned_edge=UP)
        self.labels = VGroup(
            *(
                Text(words[t], font_size=FONT_SMALL, color=MEANING.input.color).next_to(
                    b, DOWN, buff=WORD_BUFF
                )
                for t, b in zip(order, self.blocks, strict=True)
            )
        )
        self.answer = Text(f"correct: {answer}", font_size=FONT_SMALL, color=MEANING.text.color)
        self.answer.next_to(self.labels, DOWN, buff=0.2)
        self.hidden = NeuronLayer(
            n=hidden, color=MEANING.hidden.color, show_numbers=False, spacing=1.0
        )
        self.hidden.next_to(self.blocks, UP, buff=LAYER_GAP)
        out.next_to(self.hidden, UP, buff=LAYER_GAP * 0.8)
        wire = {"color": MEANING.neutral.color, "stroke_width": 1.5}
        lines = VGroup(
            *(
                Line(b.get_top(), c.get_bottom(), **wire)
                for b in self.blocks
                for c in self.hidden.shapes
            )
        )
        out_lines = VGroup(
            *(Line(c.get_top(), out.get_bottom(), **wire) for c in self.hidden.shapes)
        )
        self.add(lines, out_lines, self.blocks, self.labels, self.answer, self.hidden, out)
