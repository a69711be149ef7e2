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
    FadeIn,
    ManimColor,
    MathTex,
    Text,
    Transform,
    VGroup,
)

from rnncore import ORDER_ANSWERS, ORDER_WORDS, OrderDemo, order_demo
from scenes.base import LectureScene
from scenes.diagrams import MappingBox, arrow_between
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    MEANING,
)
from scenes.intro_notes import lecture_notes
from scenes.layout import STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import Legend
from scenes.mobjects.numbers import fmt
from scenes.mobjects.value_shapes import VectorStrip
from scenes.order_views import DENSE_HIDDEN, ClassOutput, FlatDCLView, OneHotWords, order_keys
from scenes.task_diagram import TaskDiagram
from scenes.word_order import (
    GRAMMAR,
    ClassifiedInTurn,
    FixedSizeView,
    GrammarRows,
    SentenceRows,
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

SLOTS = 4  # input slots of the fixed-size DCL
CAPTION_Y = STAGE_BOTTOM + 0.3
CHOLLET_CLASSES = ("dog", "cat")  # (1, 0) is dog, (0, 1) cat


def _caption(text: str) -> Text:
    return Text(text, font_size=FONT_SMALL, color=MEANING.neutral.color).move_to([0, CAPTION_Y, 0])


class WhyRNN(LectureScene):
    """Fixed input size and blindness to order: why a DCL does not fit sequences."""

    def construct(self) -> None:
        self.demo: OrderDemo = order_demo(dense_hidden=DENSE_HIDDEN)
        self.show_sentences()
        self.show_fixed_size()
        self.show_classified_in_turn()
        self.show_order_task()
        self.show_dense_symmetry()
        self.show_grammar()
        self.show_rnn_order()

    # --- beats ---------------------------------------------------------------------

    def show_sentences(self) -> None:
        lengths = ", ".join(f"{lang} {len(parts)}" for lang, parts, _ in SENTENCES)
        self.beat(
            lecture_notes(
                "Machine translation shows why DCLs and CNNs do not fit some tasks. Three "
                "sentences with the same meaning; each part becomes one vector, and "
                "translation converts one set of vectors into another.",
                "the verb marks: second and last in German, third in English, last in Japanese.",
                f"the lengths T: {lengths}.",
                "Which of these orders would you keep when translating word by word?",
                "the first problem, the fixed input size.",
            )
        )
        self.show_title("Translation: a sequence of vectors to another")
        rows = SentenceRows(SENTENCES)
        self.sentences = rows.sentences
        fit_within(rows, STAGE_WIDTH, STAGE_TOP - STAGE_BOTTOM - 0.8)
        rows.move_to(STAGE_CENTER + 0.2 * UP)
        caption = _caption("different lengths, different orders of the same meaning")
        for row in rows:
            self.play(FadeIn(row), run_time=0.7)
        self.play(FadeIn(caption))

    def show_fixed_size(self) -> None:
        german = SENTENCES[0][1]
        self.beat(
            lecture_notes(
                "First problem: the input size is fixed. The dog/cat classifier molds every "
                "image into a (3, 150, 150) tensor, and a DCL has a fixed number of inputs. "
                "An RNN uses the same cell at every step, so it reads any length.",
                "the dashed slots and the German part left without one.",
                f"{SLOTS} slots, {len(german)} German parts; the RNN rows: T = "
                f"{len(SENTENCES[0][1])} and T = {len(SENTENCES[1][1])}.",
                "What would you do with a sentence shorter than the slots?",
                "the second problem, the order.",
            )
        )
        self.clear_stage()
        self.show_title("Problem 1: a DCL's input size is fixed")
        view = FixedSizeView(german, SLOTS, [len(parts) for _, parts, _ in SENTENCES[:2]])
        fit_within(view, STAGE_WIDTH, STAGE_TOP - STAGE_BOTTOM - 0.2)
        view.move_to(STAGE_CENTER)
        legend = Legend(
            [(MEANING.recurrent.color, "recurrent"), (MEANING.input.color, "input")], kind="line"
        )
        legend.to_corner(DOWN + RIGHT, buff=0.5)
        self.play(FadeIn(view.dcl_label), FadeIn(view.slots))
        self.play(FadeIn(view.sentence))
        self.play(FadeIn(view.overflow))
        self.play(FadeIn(view.right), FadeIn(legend))

    def show_classified_in_turn(self) -> None:
        orders = (("cat", "cat", "dog"), ("dog", "cat", "cat"))
        self.beat(
            lecture_notes(
                "Second problem: the order does not matter to these networks. Give the "
                "dog/cat classifier 'cat, cat, dog' or 'dog, cat, cat': each picture is "
                "classified on its own, so there is no difference but the order of the "
                "answers. Nothing links one answer to the picture before it.",
                "the two rows: the same three answers, reordered.",
                "(1, 0) means dog, (0, 1) cat, as in Chollet's classifier.",
                "Could this classifier tell that a dog came first?",
                "a task where the order changes the answer.",
            )
        )
        self.clear_stage()
        self.show_title("Problem 2: the order does not matter to a classifier")
        view = ClassifiedInTurn(orders, CHOLLET_CLASSES)
        keys, caption = self.keys(
            [(MEANING.output.color, "classifier output")],
            "each picture classified on its own: the same answers, reordered",
            frame=False,
        )
        fit_within(view, STAGE_WIDTH, STAGE_TOP - caption.get_top()[1] - 0.3)
        view.move_to([0, (STAGE_TOP + caption.get_top()[1]) / 2, 0])
        self.classified = view
        self.play(FadeIn(view.rows[0]), FadeIn(keys))
        self.play(FadeIn(view.rows[1]), FadeIn(caption))

    def show_grammar(self) -> None:
        same = sum(1 for *_, kept in GRAMMAR if kept)
        self.beat(
            lecture_notes(
                "English has phrase structure grammar: the order decides who bites. "
                "Japanese has dependency grammar: with the right particles the order is "
                "free. German is between: keep the verb second and the cases right.",
                "the verb boxes, the particles が and を, then der and den.",
                f"{same} of {len(GRAMMAR)} languages keep the meaning when the order changes.",
                "Where would another language you know sit?",
                "an RNN, which reads in order.",
            )
        )
        self.clear_stage()
        self.show_title("Word order in three languages")
        grammar = GrammarRows()
        key = GrammarRows.key().move_to([0, STAGE_BOTTOM, 0], aligned_edge=DOWN)
        fit_within(grammar, STAGE_WIDTH, STAGE_TOP - key.get_top()[1] - 0.4)
        grammar.move_to([0, (STAGE_TOP + key.get_top()[1]) / 2, 0])
        self.grammar = grammar
        for row in grammar:
            self.play(FadeIn(row), run_time=0.7)
        self.play(FadeIn(key))

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
        wrong = first if int(np.argmax(demo.bag_out[0])) != demo.answers[0] else second
        self.beat(
            lecture_notes(
                f"'{first}' and '{second}': the same words, another answer to 'who "
                "bites?'. The bag of words adds the one-hot vectors, so the order is gone "
                "before the DCL sees anything.",
                "the framed correct answers, then the two equal sums.",
                f"correct: {ORDER_ANSWERS[demo.answers[0]]}, then "
                f"{ORDER_ANSWERS[demo.answers[1]]}; sums {bag}; the DCL ({len(demo.data)} "
                f"sentences) says dog {dog}, man {man} for both: wrong on '{wrong}'.",
                "Could any weights make this DCL right on both?",
                "a DCL that keeps each word in its own slot.",
            )
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
            lecture_notes(
                "Swap the first and last word and move each word's weights with it: the "
                "same function (the article's symmetry). Fixed weights could learn this "
                "task, but nothing in a DCL ties position i to position i+1, and its input "
                "length is fixed.",
                "the moving lines and the unchanged output.",
                f"{shuffle.xs.size} inputs; '{first}' {out}; '{second}' "
                f"{_pair(shuffle.dense_out_shuffled)}.",
                "How would you feed this DCL a five-word sentence?",
                "word order in languages.",
            )
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
            lecture_notes(
                "An RNN reads word after word with the same U, W, V, and its hidden state "
                "carries what it has read (yellow). This demo has its own task, not the "
                "lesson's, so it is the same for every lesson.",
                "the outputs above the last word.",
                f"BPTT, {s.epochs} epochs: loss {fmt(run.loss[0])} to {fmt(run.loss[-1])}, "
                f"{ev.correct} of {ev.scored} right; '{first}': {outs[0]}; '{second}': "
                f"{outs[1]}.",
                "Where is 'dog came first' kept when the last word is read?",
                "what makes data a sequence.",
            )
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
