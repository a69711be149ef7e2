"""WhyRNN's pictures of word order (article 000, section 4).

- ``SentenceRows``: the article's three sentences (German, English, Japanese) split
  into parts, one vector under each part, the verb parts marked, each row's T.
- ``ClassifiedInTurn``: the dog/cat classifier fed "cat, cat, dog" and "dog, cat, cat":
  each picture is classified on its own, so the answers are the same, only reordered.
- ``GrammarRows``: the article's grammar remark with two orders of one sentence per
  language: English (phrase structure: the order decides who does what), Japanese
  (dependency grammar: particles mark the roles), German (the verb stays second,
  the cases mark the roles).

They draw what they are given; nothing computes model math.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    DashedVMobject,
    MathTex,
    Rectangle,
    SurroundingRectangle,
    Text,
    VGroup,
)

from scenes.diagrams import MappingBox, SentenceVectors, SheetStack, arrow_between
from scenes.grammar import FONT_LABEL, FONT_SMALL, IMAGE_CHANNELS, MEANING
from scenes.mobjects.value_shapes import VectorStrip
from scenes.task_diagram import TaskDiagram

__all__ = ["GRAMMAR", "ClassifiedInTurn", "FixedSizeView", "GrammarRows", "SentenceRows"]

ROW_PITCH = 1.5  # vertical distance between the sentences
SLOT_W, SLOT_H = 1.15, 0.42  # a dashed input slot around one vector
WORD_PAD = 0.12  # room around a word in its box

# (language, grammar, first order, second order, index of the verb, same meaning?)
GRAMMAR: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], int, bool], ...] = (
    (
        "English",
        "phrase structure",
        ("the dog", "bites", "the man"),
        ("the man", "bites", "the dog"),
        1,
        False,
    ),
    (
        "Japanese",
        "dependency grammar",
        ("犬が", "男を", "噛んだ"),
        ("男を", "犬が", "噛んだ"),
        2,
        True,
    ),
    (
        "German",
        "verb second",
        ("Der Hund", "beißt", "den Mann"),
        ("Den Mann", "beißt", "der Hund"),
        1,
        True,
    ),
)


class SentenceRows(VGroup):
    """One row per ``(language, parts, verb indices)``: name, sentence vectors, T."""

    def __init__(self, sentences: Sequence[tuple[str, tuple[str, ...], tuple[int, ...]]]) -> None:
        super().__init__()
        self.sentences: list[SentenceVectors] = []
        for language, parts, verbs in sentences:
            sentence = SentenceVectors(parts, color=MEANING.input.color)
            self.sentences.append(sentence)
            name = Text(language, font_size=FONT_LABEL, color=MEANING.text.color)
            length = MathTex(f"T = {len(parts)}", font_size=FONT_LABEL, color=MEANING.neutral.color)
            marks = VGroup(
                *(
                    Text("verb", font_size=FONT_SMALL, color=MEANING.neutral.color).next_to(
                        sentence.vectors[k], DOWN, buff=0.08
                    )
                    for k in verbs
                )
            )
            self.add(VGroup(name, VGroup(sentence, marks), length))
        name_col = max(row[0].width for row in self) + 0.5
        for k, row in enumerate(self):
            y = -k * ROW_PITCH
            row[0].move_to([0, y, 0], aligned_edge=LEFT)
            row[1].move_to([name_col, y - 0.15, 0], aligned_edge=LEFT)
            row[2].next_to(row[1], RIGHT, buff=0.5).set_y(y)


class FixedSizeView(VGroup):
    """A DCL's ``slots`` input slots under a longer sentence; RNN rows of the ``lengths``."""

    def __init__(self, parts: Sequence[str], slots: int, lengths: Sequence[int]) -> None:
        super().__init__()
        self.sentence = sentence = SentenceVectors(parts, color=MEANING.input.color, gap=0.45)
        vecs = sentence.vectors
        self.slots = VGroup(
            *(
                DashedVMobject(
                    Rectangle(width=SLOT_W, height=SLOT_H, stroke_color=MEANING.neutral.color),
                    num_dashes=24,
                ).move_to(vec)
                for vec in vecs[:slots]
            )
        )
        self.dcl_label = Text(
            f"DCL: {slots} input slots", font_size=FONT_LABEL, color=MEANING.hidden.color
        )
        self.overflow = Text("no slot left", font_size=FONT_SMALL, color=MEANING.neutral.color)
        left = VGroup(self.dcl_label, VGroup(sentence, self.slots)).arrange(DOWN, buff=0.45)
        rnn_label = Text(
            "RNN: one cell per step, any length", font_size=FONT_LABEL, color=MEANING.hidden.color
        )
        chains = VGroup()
        for T in lengths:
            chain = TaskDiagram([True] * T, [False] * T, pitch=0.95)
            chain.add(
                MathTex(f"T = {T}", font_size=FONT_LABEL, color=MEANING.neutral.color).next_to(
                    chain, RIGHT, buff=0.4
                )
            )
            chains.add(chain)
        chains.arrange(DOWN, buff=0.5, aligned_edge=LEFT)
        self.right = VGroup(rnn_label, chains).arrange(DOWN, buff=0.45)
        VGroup(left, self.right).arrange(DOWN, buff=0.8)
        self.overflow.next_to(vecs[-1], DOWN, buff=0.3)
        self.add(left, self.right, self.overflow)


class ClassifiedInTurn(VGroup):
    """Two orders of the same pictures, each picture through the classifier on its own.

    ``outputs[k]`` are the strips of order k, ``labels`` the class names ('dog', 'cat')
    in the order of the classifier's output vector.
    """

    def __init__(self, orders: Sequence[Sequence[str]], labels: Sequence[str]) -> None:
        super().__init__()
        self.outputs: list[list[VectorStrip]] = []
        rows = VGroup()
        for order in orders:
            columns, strips = VGroup(), []
            for name in order:
                picture = SheetStack(IMAGE_CHANNELS, 3, 3, cell=0.16)
                caption = Text(f"a {name}", font_size=FONT_SMALL, color=MEANING.text.color)
                strip = VectorStrip(
                    np.eye(len(labels))[list(labels).index(name)],
                    vertical=False,
                    outline=MEANING.output.color,
                )
                strips.append(strip)
                box = MappingBox("CNN", width=1.0, height=0.5)
                column = VGroup(caption, picture, box, strip).arrange(DOWN, buff=0.3)
                column.add(
                    arrow_between(picture.get_bottom(), box.get_top(), buff=0.05),
                    arrow_between(box.get_bottom(), strip.get_top(), buff=0.05),
                )
                columns.add(column)
            columns.arrange(RIGHT, buff=0.45)
            head = Text(", ".join(order), font_size=FONT_LABEL, color=MEANING.text.color)
            rows.add(VGroup(head, columns).arrange(DOWN, buff=0.3))
            self.outputs.append(strips)
        rows.arrange(RIGHT, buff=1.2, aligned_edge=DOWN)
        self.rows = rows
        self.add(rows)


def _word_box(word: str, verb: bool) -> VGroup:
    text = Text(word, font_size=FONT_SMALL, color=MEANING.text.color)
    color = MEANING.highlight.color if verb else MEANING.input.color
    box = SurroundingRectangle(text, buff=WORD_PAD, color=color, stroke_width=3 if verb else 2)
    return VGroup(box, text)


def _sentence(words: Sequence[str], verb: int) -> VGroup:
    return VGroup(*(_word_box(w, k == verb) for k, w in enumerate(words))).arrange(RIGHT, buff=0.15)


class GrammarRows(VGroup):
    """Per language: its name and grammar, two orders of one sentence, same meaning or not."""

    def __init__(self) -> None:
        super().__init__()
        self.verdicts: list[str] = []
        for language, grammar, first, second, verb, same in GRAMMAR:
            name = VGroup(
                Text(language, font_size=FONT_LABEL, color=MEANING.text.color),
                Text(grammar, font_size=FONT_SMALL, color=MEANING.neutral.color),
            ).arrange(DOWN, buff=0.08, aligned_edge=LEFT)
            verdict = "same meaning" if same else "other meaning"
            self.verdicts.append(verdict)
            sign = VGroup(
                MathTex(
                    "=" if same else r"\neq", font_size=FONT_LABEL + 6, color=MEANING.text.color
                ),
                Text(verdict, font_size=FONT_SMALL, color=MEANING.neutral.color),
            ).arrange(DOWN, buff=0.1)
            self.add(
                VGroup(
                    name, _sentence(first, verb), sign, _sentence(second, second.index(first[verb]))
                )
            )
        widths = [max(row[k].width for row in self) for k in range(4)]
        for i, row in enumerate(self):
            x = 0.0
            for k, part in enumerate(row):
                part.move_to(
                    [x + (widths[k] - part.width) / 2 * (k == 2), -1.4 * i, 0], aligned_edge=LEFT
                )
                x += widths[k] + 0.5

    @staticmethod
    def key() -> VGroup:
        """What the two box colours mean."""
        entries = VGroup()
        for color, label in (
            (MEANING.input.color, "a part"),
            (MEANING.highlight.color, "the verb"),
        ):
            box = Rectangle(width=0.5, height=0.3, stroke_color=color, stroke_width=3)
            entries.add(
                VGroup(box, Text(label, font_size=FONT_SMALL, color=MEANING.text.color)).arrange(
                    RIGHT, buff=0.15
                )
            )
        return entries.arrange(RIGHT, buff=0.6)
