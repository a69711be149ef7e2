"""WhyRNN (article 000, section 4): why DCLs and CNNs do not fit sequences.

Machine translation maps a sequence of vectors (one per part of a sentence) to
another; sentences that mean the same have different lengths and orders. A DCL
has a fixed input size, and it is symmetric: shuffle its inputs and the matching
weights the same way and it gives the same output, so it has no notion of order.
An RNN reads the steps in order: the shuffled sequence gives a different output.
Both claims are computed by the core (``rnncore.shuffle_demo``).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    DashedVMobject,
    FadeIn,
    Line,
    MathTex,
    Rectangle,
    Text,
    Transform,
    VGroup,
)

from rnncore import ShuffleDemo, shuffle_demo
from scenes.base import LectureScene
from scenes.diagrams import SentenceVectors, TaskDiagram, fit_within
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    MEANING,
)
from scenes.mobjects import (
    STAGE_BOTTOM,
    STAGE_CENTER,
    STAGE_TOP,
    STAGE_WIDTH,
    ColorBar,
    Legend,
    NeuronLayer,
    VectorStrip,
    fmt,
)

__all__ = ["SENTENCES", "WhyRNN"]

# Three sentences that mean the same, split into parts (one vector per part). The
# Japanese one is in Japanese script (romanised: Kinō watashi wa ringo o tabemashita);
# fontconfig falls back to a CJK font for it (Debian: fonts-noto-cjk).
SENTENCES: tuple[tuple[str, tuple[str, ...], tuple[int, ...]], ...] = (
    ("German", ("Gestern", "habe", "ich", "einen Apfel", "gegessen"), (1, 4)),
    ("English", ("Yesterday", "I", "ate", "an apple"), (2,)),
    ("Japanese", ("昨日", "私は", "りんごを", "食べました"), (3,)),
)  # (language, parts, indices of the verb parts)

DENSE_HIDDEN = 4  # hidden neurons of the DCL in the shuffle demo
SLOTS = 4  # input slots of the fixed-size DCL
SLOT_W, SLOT_H = 1.15, 0.42  # a dashed input slot around one vector
BLOCK_GAP = 0.45  # between the input blocks of the DCL
LAYER_GAP = 1.0  # vertical distance between the DCL's layers
COLORBAR_LEN = 2.0
CAPTION_Y = STAGE_BOTTOM + 0.3
ROW_PITCH = 1.5  # vertical distance between the sentences


def _caption(text: str) -> Text:
    return Text(text, font_size=FONT_SMALL, color=MEANING.neutral.color).move_to([0, CAPTION_Y, 0])


class WhyRNN(LectureScene):
    """Fixed input size and blindness to order: why a DCL does not fit sequences."""

    def construct(self) -> None:
        lesson = self.lesson
        self.demo: ShuffleDemo = shuffle_demo(
            lesson.params,
            lesson.xs,
            lesson.h0,
            dense_hidden=DENSE_HIDDEN,
            seed=lesson.seed,
            output=lesson.output,
        )
        self.show_sentences()
        self.show_fixed_size()
        self.show_dense_symmetry()
        self.show_rnn_order()

    # --- beats ---------------------------------------------------------------------

    def show_sentences(self) -> None:
        self.beat(
            "Machine translation shows why DCLs and CNNs are not proper for some tasks. "
            "Here are three sentences in German, English and Japanese with the same "
            "meaning. Each is divided into parts and each part becomes one vector; "
            "translation converts one set of vectors into another. Notice the lengths "
            "differ, and so do the orders: the verb is second and last in German, third "
            "in English, last in Japanese."
        )
        self.show_title("Translation: a sequence of vectors to another")
        rows = VGroup()
        self.sentences = []
        for language, parts, verbs in SENTENCES:
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
            rows.add(VGroup(name, VGroup(sentence, marks), length))
        name_col = max(row[0].width for row in rows) + 0.5
        for k, row in enumerate(rows):
            y = -k * ROW_PITCH
            row[0].move_to([0, y, 0], aligned_edge=LEFT)
            row[1].move_to([name_col, y - 0.15, 0], aligned_edge=LEFT)
            row[2].next_to(row[1], RIGHT, buff=0.5).set_y(y)
        fit_within(rows, STAGE_WIDTH, STAGE_TOP - STAGE_BOTTOM - 0.8)
        rows.move_to(STAGE_CENTER + 0.2 * UP)
        caption = _caption("different lengths, different orders of the same meaning")
        for row in rows:
            self.play(FadeIn(row), run_time=0.7)
        self.play(FadeIn(caption))

    def show_fixed_size(self) -> None:
        german = SENTENCES[0][1]
        self.beat(
            "First problem: the input size is fixed. The dog/cat classifier molds every "
            "image into a (3, 150, 150) tensor, and a DCL has a fixed number of input "
            f"neurons. But sentences vary in length: with room for {SLOTS} vectors the "
            f"German sentence's {len(german)} parts do not fit. An RNN uses the same cell "
            "at every step, so it reads sequences of any length."
        )
        self.clear_stage()
        self.show_title("Problem 1: a DCL's input size is fixed")
        sentence = SentenceVectors(german, color=MEANING.input.color, gap=0.45)
        vecs = sentence.vectors
        slots = VGroup(
            *(
                DashedVMobject(
                    Rectangle(width=SLOT_W, height=SLOT_H, stroke_color=MEANING.neutral.color),
                    num_dashes=24,
                ).move_to(vec)
                for vec in vecs[:SLOTS]
            )
        )
        dcl_label = Text(
            f"DCL: {SLOTS} input slots", font_size=FONT_LABEL, color=MEANING.hidden.color
        )
        overflow = Text("no slot left", font_size=FONT_SMALL, color=MEANING.neutral.color)
        left = VGroup(dcl_label, VGroup(sentence, slots))
        left.arrange(DOWN, buff=0.45)
        overflow.next_to(vecs[-1], DOWN, buff=0.35)
        rnn_label = Text(
            "RNN: one cell per step, any length", font_size=FONT_LABEL, color=MEANING.hidden.color
        )
        chains = VGroup()
        for _, parts, _ in SENTENCES[:2]:
            chain = TaskDiagram([True] * len(parts), [False] * len(parts), pitch=0.95)
            chain.add(
                MathTex(
                    f"T = {len(parts)}", font_size=FONT_LABEL, color=MEANING.neutral.color
                ).next_to(chain, RIGHT, buff=0.4)
            )
            chains.add(chain)
        chains.arrange(DOWN, buff=0.5, aligned_edge=LEFT)
        right = VGroup(rnn_label, chains).arrange(DOWN, buff=0.45)
        stage = VGroup(left, right, overflow)
        VGroup(left, right).arrange(DOWN, buff=0.8)
        overflow.next_to(vecs[-1], DOWN, buff=0.3)
        fit_within(stage, STAGE_WIDTH, STAGE_TOP - STAGE_BOTTOM - 0.2)
        stage.move_to(STAGE_CENTER)
        legend = Legend(
            [(MEANING.recurrent.color, "recurrent"), (MEANING.input.color, "input")], kind="line"
        )
        legend.to_corner(DOWN + RIGHT, buff=0.5)
        self.play(FadeIn(dcl_label), FadeIn(slots))
        self.play(FadeIn(sentence))
        self.play(FadeIn(overflow))
        self.play(FadeIn(right), FadeIn(legend))

    def dense_view(self, order: list[int], out: VectorStrip) -> VGroup:
        """The DCL reading the sequence as blocks in ``order`` (original step indices)."""
        xs = self.demo.xs
        blocks = VGroup(*(VectorStrip(xs[t], outline=MEANING.input.color) for t in order))
        blocks.arrange(RIGHT, buff=BLOCK_GAP, aligned_edge=UP)
        labels = VGroup(
            *(
                Text(self.step_name(t), font_size=FONT_SMALL, color=MEANING.input.color).next_to(
                    b, DOWN, buff=0.12
                )
                for t, b in zip(order, blocks, strict=True)
            )
        )
        hidden = NeuronLayer(
            n=DENSE_HIDDEN, color=MEANING.hidden.color, show_numbers=False, spacing=1.0
        )
        hidden.next_to(blocks, UP, buff=LAYER_GAP)
        out.next_to(hidden, UP, buff=LAYER_GAP * 0.8)
        lines = VGroup()
        for block in blocks:
            for circle in hidden.shapes:
                lines.add(
                    Line(
                        block.get_top(),
                        circle.get_bottom(),
                        color=MEANING.neutral.color,
                        stroke_width=1.5,
                    )
                )
        out_lines = VGroup(
            *(
                Line(c.get_top(), out.get_bottom(), color=MEANING.neutral.color, stroke_width=1.5)
                for c in hidden.shapes
            )
        )
        return VGroup(lines, out_lines, blocks, labels, hidden, out)

    def show_dense_symmetry(self) -> None:
        demo = self.demo
        order = list(range(self.lesson.T))
        shuffled = [int(p) for p in demo.perm]
        names = ", ".join(self.step_name(t) for t in shuffled)
        self.beat(
            "Second problem: for a DCL the order of the inputs does not matter. A DCL is "
            "symmetric: shuffle its inputs, and as long as you shuffle everything the "
            "same way (each input together with its weights), it gives the same outcome. "
            f"Here a DCL reads our whole sequence as one long input vector and answers "
            f"{_pair(demo.dense_out)}. Now shuffle the steps to {names}, moving each "
            f"step's weights with it: the answer is again {_pair(demo.dense_out_shuffled)}."
        )
        self.clear_stage()
        self.show_title("Problem 2: a DCL has no notion of order")
        self.dense_before = VectorStrip(
            demo.dense_out, vertical=False, outline=MEANING.output.color
        )
        self.dense_after = VectorStrip(
            demo.dense_out_shuffled, vertical=False, outline=MEANING.output.color
        )
        before = self.dense_view(order, self.dense_before)
        after = self.dense_view(shuffled, self.dense_after)
        for view in (before, after):
            fit_within(view, STAGE_WIDTH - 4.0, STAGE_TOP - STAGE_BOTTOM - 1.0)
            view.move_to(STAGE_CENTER + 0.3 * UP)
        bar = ColorBar(1.0, label="value", length=COLORBAR_LEN).to_corner(DOWN + RIGHT, buff=0.5)
        out_label = VGroup(
            Text("DCL output", font_size=FONT_SMALL, color=MEANING.output.color),
        ).next_to(self.dense_before, LEFT, buff=0.3)
        note = Text(
            "each step's weights move with it", font_size=FONT_SMALL, color=MEANING.neutral.color
        )
        note.move_to([0, CAPTION_Y, 0])
        same = Text(
            f"unchanged: {_pair(demo.dense_out)}", font_size=FONT_SMALL, color=MEANING.text.color
        )
        same.next_to(self.dense_before, RIGHT, buff=0.3)
        self.play(FadeIn(before), FadeIn(bar), FadeIn(out_label))
        self.play(Transform(before, after), FadeIn(note), run_time=2.0)
        self.play(FadeIn(same))
        self.dense_view_shown = before

    def show_rnn_order(self) -> None:
        demo = self.demo
        T = self.lesson.T
        self.beat(
            "An RNN is different: it reads the vectors one after another, and every "
            "step builds on the hidden state of the step before. Feed our RNN the same "
            "vectors in the shuffled order and its output after the last step changes, "
            f"from {_pair(demo.rnn_out)} to {_pair(demo.rnn_out_shuffled)}. And anyone "
            "who has learned a foreign language knows the order of words matters in "
            "translation."
        )
        self.clear_stage()
        self.show_title("An RNN reads in order")
        rows = VGroup()
        self.rnn_strips = []
        for order, name, out in (
            (list(range(T)), "original order", demo.rnn_out),
            ([int(p) for p in demo.perm], "shuffled", demo.rnn_out_shuffled),
        ):
            chain = TaskDiagram([True] * T, [t == T - 1 for t in range(T)])
            labels = chain.label_inputs([self.step_name(t) for t in order])
            strip = VectorStrip(out, vertical=False, outline=MEANING.output.color)
            strip.next_to(chain.output_anchor(T - 1), UP, buff=0.1)
            self.rnn_strips.append(strip)
            title = Text(name, font_size=FONT_LABEL, color=MEANING.text.color)
            body = VGroup(chain, labels, strip)
            title.next_to(body, LEFT, buff=0.6)
            rows.add(VGroup(title, body))
        rows.arrange(DOWN, buff=0.6, aligned_edge=RIGHT)
        fit_within(rows, STAGE_WIDTH - 0.4, STAGE_TOP - STAGE_BOTTOM - 1.0)
        rows.move_to(STAGE_CENTER + 0.2 * UP)
        bar = ColorBar(1.0, label="value", length=COLORBAR_LEN).to_corner(DOWN + RIGHT, buff=0.5)
        legend = Legend(
            [
                (MEANING.input.color, "input"),
                (MEANING.recurrent.color, "recurrent"),
                (MEANING.output.color, "output"),
            ],
            kind="line",
        ).to_corner(DOWN + LEFT, buff=0.5)
        self.play(FadeIn(rows[0]), FadeIn(bar), FadeIn(legend))
        self.play(FadeIn(rows[1]))
        arrows = VGroup()
        for strip in self.rnn_strips:
            arrows.add(
                MathTex(
                    r"\hat{y}^{(" + str(T) + ")}", font_size=FONT_LABEL, color=MEANING.output.color
                ).next_to(strip, RIGHT, buff=0.2)
            )
        self.play(FadeIn(arrows))


def _pair(values: np.ndarray) -> str:
    """``(0.35, 0.65)``: a short vector for the speaker notes."""
    return "(" + ", ".join(fmt(v) for v in values) + ")"
