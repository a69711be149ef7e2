"""WhyRNN (article 000, section 4): why DCLs and CNNs do not fit sequences.

Machine translation maps a sequence of vectors (one per part of a sentence) to
another; sentences that mean the same have different lengths and orders. A DCL
has a fixed input size, and it has no notion of order. The order demo is a task
whose answer changes with the order, "who bites?" ("dog bites man" / "man bites
dog", ``rnncore.order_demo``): a bag-of-words DCL sees the same input for both
orders and gives the same answer; a flattened-input DCL with each word's weights
moved with it is the same function (the article's symmetry); a simple RNN trained
on the task answers both right. The demo does not depend on the lesson.
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
    ManimColor,
    MathTex,
    Rectangle,
    Text,
    Transform,
    VGroup,
)

from rnncore import ORDER_ANSWERS, ORDER_WORDS, OrderDemo, order_demo
from scenes.base import LectureScene
from scenes.diagrams import MappingBox, SentenceVectors, arrow_between
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    MEANING,
)
from scenes.layout import STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import Legend
from scenes.mobjects.numbers import fmt
from scenes.mobjects.value_shapes import VectorStrip
from scenes.order_views import DENSE_HIDDEN, ClassOutput, FlatDCLView, OneHotWords, order_keys
from scenes.task_diagram import TaskDiagram

__all__ = ["SENTENCES", "WhyRNN"]

# Three sentences that mean the same, split into parts (one vector per part). The
# Japanese one is in Japanese script (romanised: Kinō watashi wa ringo o tabemashita);
# fontconfig falls back to a CJK font for it (Debian: fonts-noto-cjk).
SENTENCES: tuple[tuple[str, tuple[str, ...], tuple[int, ...]], ...] = (
    ("German", ("Gestern", "habe", "ich", "einen Apfel", "gegessen"), (1, 4)),
    ("English", ("Yesterday", "I", "ate", "an apple"), (2,)),
    ("Japanese", ("昨日", "私は", "りんごを", "食べました"), (3,)),
)  # (language, parts, indices of the verb parts)

SLOTS = 4  # input slots of the fixed-size DCL
SLOT_W, SLOT_H = 1.15, 0.42  # a dashed input slot around one vector
CAPTION_Y = STAGE_BOTTOM + 0.3
ROW_PITCH = 1.5  # vertical distance between the sentences


def _caption(text: str) -> Text:
    return Text(text, font_size=FONT_SMALL, color=MEANING.neutral.color).move_to([0, CAPTION_Y, 0])


class WhyRNN(LectureScene):
    """Fixed input size and blindness to order: why a DCL does not fit sequences."""

    def construct(self) -> None:
        self.demo: OrderDemo = order_demo(dense_hidden=DENSE_HIDDEN)
        self.show_sentences()
        self.show_fixed_size()
        self.show_order_task()
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

    # --- the order demo: who bites? ----------------------------------------------------

    def bag_row(self, k: int) -> VGroup:
        """Sentence ``k`` one-hot, its bag of words, the bag-of-words DCL and its answer."""
        demo = self.demo
        words = OneHotWords(demo.sentences[k], demo.xs[k], ORDER_WORDS)
        total = MathTex(r"\sum_t x^{(t)} =", font_size=FONT_LABEL, color=MEANING.input.color)
        bag = VectorStrip(demo.bags[k], outline=MEANING.input.color)
        box = MappingBox("DCL", width=2.0, height=0.9, sublabel="bag of words")
        out = ClassOutput(demo.bag_out[k], ORDER_ANSWERS, demo.answers[k], side=RIGHT)
        row = VGroup(words, total, bag, box, out).arrange(RIGHT, buff=0.55)
        total.match_y(bag)
        out.shift((bag.get_y() - out.strip.get_y()) * UP)
        box.match_y(bag)
        links = VGroup(
            arrow_between(bag.get_right(), box.get_left(), MEANING.input.color, buff=0.1),
            arrow_between(box.get_right(), out.strip.get_left(), MEANING.output.color, buff=0.1),
        )
        self.bag_outputs.append(out)
        self.bag_strips.append(bag)
        self.word_columns.append(words)
        return VGroup(row, links)

    def show_order_task(self) -> None:
        demo = self.demo
        first, second = (" ".join(w) for w in demo.sentences)
        bag = _pair(demo.bags[0])
        dog, man = (fmt(v) for v in demo.bag_out[0])
        said = ORDER_ANSWERS[int(np.argmax(demo.bag_out[0]))]
        wrong = first if int(np.argmax(demo.bag_out[0])) != demo.answers[0] else second
        self.beat(
            f"Second problem: the order of the inputs. Point at the words: '{first}' and "
            f"'{second}' hold the same three words, but the answer to 'who bites?' "
            f"changes: {ORDER_ANSWERS[demo.answers[0]]} in the first, "
            f"{ORDER_ANSWERS[demo.answers[1]]} in the second (the framed cells). Each word "
            "is a one-hot vector: read the columns. The simplest way to give a sentence to "
            "a DCL is the bag of words: add the vectors. Both sentences give "
            f"{bag}: the order is gone before the network sees anything. This DCL was "
            f"trained on the {len(demo.data)} sentences 'dog or man bites (dog or man)' "
            f"and says dog {dog}, man {man} for both, so it says {said} for both and is "
            f"wrong on '{wrong}'. Whatever its weights, the same input gives the same "
            "output. Ask the class: could any weights make this DCL right on both? "
            "(No, it sees the same numbers.) Next: a DCL that keeps each word in its "
            "own slot."
        )
        self.clear_stage()
        self.show_title("Problem 2: the order changes the answer")
        self.bag_outputs: list[ClassOutput] = []
        self.bag_strips: list[VectorStrip] = []
        self.word_columns: list[OneHotWords] = []
        rows = VGroup(self.bag_row(0), self.bag_row(1))
        rows.arrange(DOWN, buff=0.6, aligned_edge=LEFT)
        head = Text("who bites?", font_size=FONT_LABEL, color=MEANING.output.color)
        head.next_to(self.bag_outputs[0].names, UP, buff=0.2)
        keys, caption = self.keys(
            [
                (MEANING.input.color, "input"),
                (MEANING.hidden.color, "DCL"),
                (MEANING.output.color, "output"),
            ],
            "the same words, the same sum: one answer for both orders",
        )
        stage = VGroup(head, rows)
        fit_within(stage, STAGE_WIDTH, STAGE_TOP - caption.get_top()[1] - 0.3)
        stage.move_to([0, (STAGE_TOP + caption.get_top()[1]) / 2, 0])
        self.play(FadeIn(rows[0][0][0]), FadeIn(keys))
        self.play(FadeIn(rows[1][0][0]))
        self.play(*(FadeIn(r[0][1:]) for r in rows), *(FadeIn(r[1]) for r in rows))
        self.play(FadeIn(head), FadeIn(caption))

    def keys(self, lines: list[tuple[ManimColor, str]], caption: str, frame: bool = True) -> VGroup:
        """The slide's keys in one row at the bottom, and its caption just above them."""
        keys = order_keys(lines, frame=frame)
        fit_within(keys, STAGE_WIDTH, 1.0)
        keys.move_to([0, STAGE_BOTTOM, 0], aligned_edge=DOWN)
        text = _caption(caption).next_to(keys, UP, buff=0.3)
        fit_within(text, STAGE_WIDTH, 1.0)
        return VGroup(keys, text)

    def show_dense_symmetry(self) -> None:
        demo, shuffle = self.demo, self.demo.shuffle
        first, second = (" ".join(w) for w in demo.sentences)
        out = _pair(shuffle.dense_out)
        self.beat(
            "Now a DCL that does not add the words: the three one-hot vectors side by side "
            f"are one input of {shuffle.xs.size} numbers, each with its own weights "
            f"(random weights, {DENSE_HIDDEN} hidden neurons). Point at the output for "
            f"'{first}': {out}. Now swap the first and the last word to get '{second}' and "
            "move each word's weights with it (watch the lines): the output is again "
            f"{_pair(shuffle.dense_out_shuffled)}, although the correct answer changed from "
            f"{ORDER_ANSWERS[demo.answers[0]]} to {ORDER_ANSWERS[demo.answers[1]]}. This is "
            "the article's point that a DCL is symmetric. The obvious objection: moving "
            "each weight with its input just writes the same function in another order, "
            "so of course the output is the same, and a DCL whose weights stay in place "
            "could learn this task for three-word sentences. True. The point is that "
            "nothing in a DCL ties position i to position i+1: the weights of slot 1 and "
            "slot 2 are unrelated (no weight is shared over time), so what it learns about "
            "'dog' in slot 1 it must learn again for slot 3; and its input length is "
            f"fixed: 'dog bites' (2 words) does not fit its {shuffle.xs.size} inputs. Ask "
            "the class: how would you feed this DCL a five-word sentence? Next: an RNN "
            "uses the same weights at every step and carries a state from step to step."
        )
        self.clear_stage()
        self.show_title("Problem 2: a DCL has no notion of order")
        self.dense_before = VectorStrip(
            shuffle.dense_out, vertical=False, outline=MEANING.output.color
        )
        self.dense_after = VectorStrip(
            shuffle.dense_out_shuffled, vertical=False, outline=MEANING.output.color
        )
        words, xs = demo.sentences[0], shuffle.xs
        before = FlatDCLView(
            words, xs, [0, 1, 2], self.dense_before, ORDER_ANSWERS[demo.answers[0]]
        )
        after = FlatDCLView(
            words, xs, [int(p) for p in shuffle.perm], self.dense_after,
            ORDER_ANSWERS[demo.answers[1]],
        )  # fmt: skip
        keys, note = self.keys(
            [
                (MEANING.input.color, "input"),
                (MEANING.hidden.color, "hidden"),
                (MEANING.output.color, "output"),
            ],
            "each word's weights move with it: the same function",
            frame=False,
        )
        floor, ceiling = note.get_top()[1] + 0.3, STAGE_TOP - 0.45  # room for the names
        for view in (before, after):
            fit_within(view, STAGE_WIDTH - 4.0, ceiling - floor)
            view.move_to([0, floor, 0], aligned_edge=DOWN)
        names = VGroup(
            *(
                Text(c, font_size=FONT_SMALL, color=MEANING.output.color).next_to(
                    self.dense_before.cell(k), UP, buff=0.1
                )
                for k, c in enumerate(ORDER_ANSWERS)
            )
        )
        out_label = Text("DCL output", font_size=FONT_SMALL, color=MEANING.output.color)
        out_label.next_to(self.dense_before, LEFT, buff=0.3)
        same = Text(
            f"unchanged: {_pair(shuffle.dense_out)}", font_size=FONT_SMALL, color=MEANING.text.color
        ).next_to(self.dense_before, RIGHT, buff=0.3)
        self.play(FadeIn(before), FadeIn(keys), FadeIn(out_label), FadeIn(names))
        self.play(Transform(before, after), FadeIn(note), run_time=2.0)
        self.play(FadeIn(same))

    def show_rnn_order(self) -> None:
        demo = self.demo
        run, ev = demo.rnn_run, demo.rnn_eval
        s = run.settings
        outs = [f"dog {fmt(o[0])}, man {fmt(o[1])}" for o in demo.rnn_out]
        first, second = (" ".join(w) for w in demo.sentences)
        self.beat(
            "An RNN reads the words one after another with the same weights U, W, V at "
            "every step, and its hidden state carries what it has read (the yellow "
            f"arrows). We trained a simple RNN ({run.params.n_hidden} hidden units) on the "
            f"same {len(demo.data)} sentences with BPTT ({s.epochs} epochs, learning rate "
            f"{s.lr:g}, seed {s.seed}): the loss fell from {fmt(run.loss[0])} to "
            f"{fmt(run.loss[-1])}, and it gets {ev.correct} of {ev.scored} sentences right. "
            f"Point at the outputs above the last word: for '{first}' it says {outs[0]}; "
            f"for '{second}' it says {outs[1]}. Different outputs for the two orders, "
            "and both right (the framed cells are the correct answers). The same weights "
            "also read the two-word sentences. This demo has its own small task, not the "
            "lesson's sequence, so it is the same for every lesson. Ask the class: when "
            "the RNN reads the last word, where is 'dog came first' kept? (In the hidden "
            "state h.) Next: the order of the vectors is what makes data a sequence."
        )
        self.clear_stage()
        self.show_title("An RNN reads in order")
        rows = VGroup()
        self.rnn_outputs: list[ClassOutput] = []
        for k, words in enumerate(demo.sentences):
            T = len(words)
            chain = TaskDiagram([True] * T, [t == T - 1 for t in range(T)])
            labels = chain.label_inputs(list(words))
            out = ClassOutput(demo.rnn_out[k], ORDER_ANSWERS, demo.answers[k], side=RIGHT)
            anchor = chain.output_anchor(T - 1) + (0.1 + out.strip.height / 2) * UP
            out.shift(anchor - out.strip.get_center())
            self.rnn_outputs.append(out)
            rows.add(VGroup(chain, labels, out))
        rows.arrange(RIGHT, buff=1.2, aligned_edge=DOWN)
        self.rnn_trained = (
            f"trained by BPTT on {len(demo.data)} sentences: loss {fmt(run.loss[0])} → "
            f"{fmt(run.loss[-1])}, {ev.correct} of {ev.scored} right"
        )
        roles = [
            (MEANING.input.color, "input"),
            (MEANING.hidden.color, "hidden"),
            (MEANING.recurrent.color, "recurrent"),
            (MEANING.output.color, "output"),
        ]
        keys, caption = self.keys(roles, self.rnn_trained)
        fit_within(rows, STAGE_WIDTH, STAGE_TOP - caption.get_top()[1] - 0.3)
        rows.move_to([0, (STAGE_TOP + caption.get_top()[1]) / 2, 0])
        self.play(FadeIn(rows[0]), FadeIn(keys), FadeIn(caption))
        self.play(FadeIn(rows[1]))


def _pair(values: np.ndarray) -> str:
    """``(0.35, 0.65)``: a short vector for the speaker notes."""
    return "(" + ", ".join(fmt(v) for v in values) + ")"
