"""TaskTypes (article 000, section 6): RNN tasks by the lengths of their sequences.

Many-to-one (temperature in 24 h from the last 96 h; sentiment), one-to-many
(music/text generation), many-to-many (named entity recognition), the
sequence-to-sequence encoder/decoder, CTC collapsing for voice recognition,
bidirectional RNNs and image captioning. Where a task runs on the lesson's network
its numbers are the core's: ``rnncore.task_run`` (loss masks), ``seq2seq``,
``bidirectional``, ``ctc_collapse`` and ``steps_for``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    FunctionGraph,
    MathTex,
    Text,
    VGroup,
)

from rnncore import (
    TASK_KINDS,
    BiTrace,
    Seq2Seq,
    TaskRun,
    bidirectional,
    ctc_collapse,
    ctc_merge_repeats,
    seq2seq,
    steps_for,
    task_run,
)
from scenes.base import LectureScene
from scenes.diagrams import SheetStack, TaskDiagram, arrow_between
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    IMAGE_CHANNELS,
    MEANING,
)
from scenes.layout import STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step, fmt
from scenes.mobjects.value_shapes import VectorStrip

__all__ = ["TaskTypes"]

FORECAST_HOURS, HISTORY_HOURS, SAMPLE_MINUTES = 24, 96, 10  # the article's forecast
DECODER_STEPS = 4
CTC_OUTPUT = "hheel-lloo"  # the article's long output of a speech RNN
CAPTION_WORDS = ("a", "dog", "on", "grass")  # an illustrative caption
NER_SENTENCES = (
    (("He", "said,", "Teddy", "bears", "on", "sale!"), ()),
    (("He", "said,", "Teddy", "Roosevelt", "was", "a", "great", "president!"), (2, 3)),
)  # (words, indices of the proper nouns)
DIAGRAM_TOP = STAGE_TOP - 0.1  # the diagram band: top of the stage ...
DIAGRAM_BOTTOM = -0.6  # ... down to here
TEXT_TOP = -0.9  # the examples band starts here
KEY_Y = STAGE_BOTTOM + 0.35  # legend and colour bar row
COLORBAR_LEN = 2.0
PITCH_SMALL = 0.95  # time-step pitch of the denser diagrams


def _lines(*lines: str) -> VGroup:
    """Short example lines, left-aligned."""
    group = VGroup(*(Text(line, font_size=FONT_SMALL, color=MEANING.text.color) for line in lines))
    return group.arrange(DOWN, buff=0.22, aligned_edge=LEFT)


class TaskTypes(LectureScene):
    """Many-to-one, one-to-many, many-to-many, seq2seq, CTC, bidirectional, captioning."""

    def construct(self) -> None:
        lesson = self.lesson
        self.runs: dict[str, TaskRun] = {
            kind: task_run(lesson.params, lesson.xs, lesson.targets, kind, lesson.h0, lesson.loss)
            for kind in TASK_KINDS
        }
        self.s2s: Seq2Seq = seq2seq(lesson.params, lesson.xs, DECODER_STEPS, h0=lesson.h0)
        self.bi: BiTrace = bidirectional(lesson.params, lesson.xs, h0=lesson.h0)
        self.shown: dict[str, object] = {}  # what each slide shows, for the tests
        self.show_many_to_one()
        self.show_one_to_many()
        self.show_many_to_many()
        self.show_seq2seq()
        self.show_ctc()
        self.show_bidirectional()
        self.show_captioning()

    # --- helpers -----------------------------------------------------------------

    def class_name(self, k: int) -> str:
        labels = self.lesson.output_labels
        return labels[k] if labels else f"class {k + 1}"

    def show_keys(self, colorbar: bool = True) -> VGroup:
        """The line legend (bottom left) and, where numbers are coloured, the colour bar."""
        legend = Legend(
            [
                (MEANING.input.color, "input"),
                (MEANING.recurrent.color, "recurrent"),
                (MEANING.output.color, "output"),
            ],
            kind="line",
            vertical=False,
        )
        legend.entries.arrange(RIGHT, buff=0.4)  # Legend's row layout overlaps its entries
        legend.to_corner(DOWN + LEFT, buff=0.5)
        keys = VGroup(legend)
        if colorbar:
            keys.add(
                ColorBar(1.0, label="value", length=COLORBAR_LEN).to_corner(DOWN + RIGHT, buff=0.5)
            )
        self.play(FadeIn(keys))
        return keys

    def place_diagram(self, diagram: VGroup) -> VGroup:
        """Fit ``diagram`` into the upper band of the stage."""
        fit_within(diagram, STAGE_WIDTH, DIAGRAM_TOP - DIAGRAM_BOTTOM)
        return diagram.move_to([0, (DIAGRAM_TOP + DIAGRAM_BOTTOM) / 2, 0])

    def place_text(self, text: VGroup) -> VGroup:
        """Put example lines in the band under the diagram."""
        return text.move_to([0, TEXT_TOP, 0], aligned_edge=UP)

    def new_slide(self, title: str, notes: str) -> None:
        self.beat(notes)
        self.clear_stage()
        self.show_title(title)

    # --- slides --------------------------------------------------------------------

    def show_many_to_one(self) -> None:
        run, T = self.runs["many_to_one"], self.lesson.T
        n_steps = steps_for(HISTORY_HOURS, SAMPLE_MINUTES)
        self.new_slide(
            "Many-to-one",
            "RNN tasks differ in the lengths of their input and output sequences. "
            f"Predicting the temperature in {FORECAST_HOURS} hours from the last "
            f"{HISTORY_HOURS} hours is many-to-one: sampled every ten minutes the input "
            f"is {HISTORY_HOURS} x 6 = {n_steps} vectors (the article prints 574, a "
            "typo) and the output is one temperature. Sentiment classification too: a "
            "post of any length in, (1, 0) or (0, 1) for positive or negative out. On "
            "our network only the last step's output is used and carries a loss: "
            f"L = {fmt(run.backprop.loss)}.",
        )
        chain = TaskDiagram([True] * T, list(run.loss_mask))
        xs = chain.label_inputs([self.step_name(t) for t in range(T)])
        out = VectorStrip(run.trace.y_hat[-1], vertical=False, outline=MEANING.output.color)
        out.next_to(chain.output_anchor(T - 1), UP, buff=0.1)
        loss = MathTex(
            rf"L = L^{{({T})}} = {fmt(run.backprop.loss)}",
            font_size=FONT_LABEL,
            color=MEANING.text.color,
        ).next_to(out, LEFT, buff=0.4)
        self.shown["many_to_one"] = {"y_hat": out.values, "loss": run.backprop.loss}
        self.place_diagram(VGroup(chain, xs, out, loss))
        text = self.place_text(
            _lines(
                f"Temperature in {FORECAST_HOURS} h from the last {HISTORY_HOURS} h, "
                f"one vector every {SAMPLE_MINUTES} min:",
                f"      {HISTORY_HOURS} × 6 = {n_steps} vectors in, 1 value out",
                "Sentiment: a post of any length in, (1, 0) positive or (0, 1) negative out",
            )
        )
        self.play(FadeIn(chain), FadeIn(xs))
        self.play(FadeIn(out), FadeIn(loss))
        self.show_keys()
        self.play(FadeIn(text))

    def show_one_to_many(self) -> None:
        run, T = self.runs["one_to_many"], self.lesson.T
        self.new_slide(
            "One-to-many",
            "Music or text generation can be one-to-many: give the first note or word "
            "and the network generates a phrase. Our network here gets one input, "
            f"{self.step_name(0)}, at the first step (zero vectors afterwards) and "
            "produces an output at every step; these are its real outputs.",
        )
        chain = TaskDiagram([t == 0 for t in range(T)], [True] * T)
        xs = chain.label_inputs([self.step_name(0)] + [None] * (T - 1))
        outs = VGroup(*(VectorStrip(y, outline=MEANING.output.color) for y in run.trace.y_hat))
        for t, strip in enumerate(outs):
            strip.next_to(chain.output_anchor(t), UP, buff=0.1)
        self.shown["one_to_many"] = [s.values for s in outs]
        self.place_diagram(VGroup(chain, xs, outs))
        text = self.place_text(
            _lines(
                "Music / text generation: the first note or word in, a phrase out",
                "(image captioning is one-to-many too: see the last slide)",
            )
        )
        self.play(FadeIn(chain), FadeIn(xs))
        self.play(FadeIn(outs))
        self.show_keys()
        self.play(FadeIn(text))

    def show_many_to_many(self) -> None:
        run = self.runs["many_to_many"]
        losses = ", ".join(fmt(v) for v in run.backprop.losses)
        self.new_slide(
            "Many-to-many: named entity recognition",
            "Many-to-many: machine translation and voice recognition are the famous "
            "examples, but named entity recognition is simpler: find the proper nouns "
            "of a sentence. Is Teddy a proper noun? In 'Teddy bears on sale' it is not; "
            "in 'Teddy Roosevelt was a great president' it is. Every word in, one answer "
            "per word out. Our lesson's network is many-to-many too: a loss at every "
            f"step, L(t) = {losses}.",
        )
        rows = VGroup()
        for words, names in NER_SENTENCES:
            n = len(words)
            chain = TaskDiagram([True] * n, [True] * n, pitch=1.25)
            xs = chain.label_inputs(list(words))
            tags = chain.label_outputs(["name" if k in names else "·" for k in range(n)])
            rows.add(VGroup(chain, xs, tags))
        rows.arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        fit_within(rows, STAGE_WIDTH, DIAGRAM_TOP - DIAGRAM_BOTTOM + 1.4)
        rows.move_to([0, (DIAGRAM_TOP + DIAGRAM_BOTTOM - 1.4) / 2, 0])
        lesson_line = MathTex(
            r"\text{our network: } L^{(t)} = " + losses.replace(", ", ",\\ "),
            font_size=FONT_LABEL,
            color=MEANING.text.color,
        ).next_to(rows, DOWN, buff=0.3)
        self.shown["many_to_many"] = {"losses": run.backprop.losses}
        self.play(FadeIn(rows[0]))
        self.play(FadeIn(rows[1]))
        self.show_keys(colorbar=False)
        self.play(FadeIn(lesson_line))

    def show_seq2seq(self) -> None:
        s2s, T = self.s2s, self.lesson.T
        tokens = [self.class_name(int(k)) for k in s2s.tokens]
        self.new_slide(
            "Sequence to sequence: encoder and decoder",
            "Machine translation uses a sequence-to-sequence model, important for text "
            "summarisation and other language tasks too. The encoder reads the input and "
            "gives out a hidden state vector, here our network's last hidden state "
            f"{_vec(s2s.context)}; it starts the decoder, which "
            "generates the output using the output of each step as the input of the "
            f"next: here {', '.join(tokens)} (an untrained decoder, so only the data "
            "flow means anything).",
        )
        encoder = TaskDiagram([True] * T, [False] * T, pitch=PITCH_SMALL)
        enc_x = encoder.label_inputs([self.step_name(t) for t in range(T)])
        decoder = TaskDiagram(
            [True] + [False] * (DECODER_STEPS - 1),
            [True] * DECODER_STEPS,
            feedback=True,
            pitch=1.2,
        )
        dec_x = decoder.label_inputs(["start"] + [None] * (DECODER_STEPS - 1))
        dec_y = decoder.label_outputs(tokens)
        context = VectorStrip(s2s.context, outline=MEANING.hidden.color)
        enc = VGroup(encoder, enc_x)
        dec = VGroup(decoder, dec_x, dec_y)
        row = VGroup(enc, context, dec).arrange(RIGHT, buff=0.7)
        context.set_y(encoder.cells.get_y())
        dec.shift((encoder.cells.get_y() - decoder.cells.get_y()) * UP)
        links = VGroup(
            arrow_between(
                encoder.cells[-1].get_right(),
                context.get_left() + 0.08 * LEFT,
                MEANING.recurrent.color,
            ),
            arrow_between(
                context.get_right() + 0.08 * RIGHT,
                decoder.cells[0].get_left(),
                MEANING.recurrent.color,
            ),
        )
        names = VGroup(
            Text("encoder", font_size=FONT_LABEL, color=MEANING.text.color).next_to(
                encoder, DOWN, buff=0.8
            ),
            Text("decoder", font_size=FONT_LABEL, color=MEANING.text.color).next_to(
                decoder, DOWN, buff=0.8
            ),
            Text("hidden state", font_size=FONT_SMALL, color=MEANING.hidden.color).next_to(
                context, UP, buff=0.15
            ),
        )
        diagram = VGroup(row, links, names)
        self.place_diagram(diagram)
        self.shown["seq2seq"] = {"context": context.values, "tokens": tokens}
        text = self.place_text(
            _lines("Machine translation, summarisation: a sequence in, another sequence out")
        )
        self.play(FadeIn(enc), FadeIn(names[0]))
        self.play(FadeIn(links[0]), FadeIn(context), FadeIn(names[2]))
        self.play(FadeIn(links[1]), FadeIn(dec), FadeIn(names[1]))
        self.show_keys()
        self.play(FadeIn(text))

    def show_ctc(self) -> None:
        merged = ctc_merge_repeats(CTC_OUTPUT)
        collapsed = ctc_collapse(CTC_OUTPUT)
        self.new_slide(
            "Voice recognition: collapsing a long output (CTC)",
            "Voice recognition needs a special RNN. The input is the air pressure at "
            "many time steps, so the RNN's output is much longer than the words: "
            f"'{CTC_OUTPUT}'. A collapsing function from Connectionist Temporal "
            f"Classification shortens it: merge repeated letters ('{merged}'), then drop "
            f"the blanks '-' ('{collapsed}'). The blank keeps the double l.",
        )
        n = len(CTC_OUTPUT)
        chain = TaskDiagram([True] * n, [True] * n, pitch=PITCH_SMALL)
        letters = chain.label_outputs(list(CTC_OUTPUT), font_size=FONT_LABEL)
        left, right = chain.input_anchor(0), chain.input_anchor(n - 1)
        wave = FunctionGraph(
            lambda x: 0.18 * _wave(x),
            x_range=[left[0] - 0.3, right[0] + 0.3],
            color=MEANING.input.color,
        ).move_to(VGroup(chain.cells).get_bottom() + 0.85 * DOWN)
        wave_label = Text("air pressure", font_size=FONT_SMALL, color=MEANING.input.color)
        wave_label.next_to(wave, LEFT, buff=0.3)
        stages = VGroup(
            self._ctc_line("merge repeats", merged),
            self._ctc_line("drop blanks", collapsed),
        ).arrange(UP, buff=0.35, aligned_edge=LEFT)
        diagram = VGroup(wave, wave_label, chain, letters)
        stack = VGroup(diagram, stages).arrange(UP, buff=0.45)
        fit_within(stack, STAGE_WIDTH, STAGE_TOP - KEY_Y - 0.6)
        stack.move_to([0, (STAGE_TOP + KEY_Y + 0.4) / 2, 0])
        self.shown["ctc"] = {"raw": CTC_OUTPUT, "merged": merged, "collapsed": collapsed}
        self.play(FadeIn(wave), FadeIn(wave_label), FadeIn(chain))
        self.play(FadeIn(letters))
        self.play(FadeIn(stages[0]))
        self.play(FadeIn(stages[1]))
        self.show_keys(colorbar=False)

    @staticmethod
    def _ctc_line(step: str, text: str) -> VGroup:
        name = Text(f"{step}:", font_size=FONT_SMALL, color=MEANING.neutral.color)
        value = Text(" ".join(text), font_size=FONT_LABEL, color=MEANING.output.color)
        return VGroup(name, value).arrange(RIGHT, buff=0.3)

    def show_bidirectional(self) -> None:
        bi, T = self.bi, self.lesson.T
        t = T // 2
        self.new_slide(
            "Bidirectional RNNs",
            "Some tasks need RNNs connected in both directions; machine translation is "
            "again a good example. One RNN reads the sequence left to right, another "
            "right to left, so the output at each step sees the whole sequence. It is "
            "just two forward passes: at step "
            f"{display_step(t)} the forward state is {_vec(bi.h_forward[t])} "
            f"and the backward state {_vec(bi.h_backward[t])}.",
        )
        chain = TaskDiagram([True] * T, [True] * T, bidirectional=True)
        xs = chain.label_inputs([self.step_name(k) for k in range(T)])
        rows = VGroup(
            Text("forward", font_size=FONT_SMALL, color=MEANING.hidden.color).next_to(
                chain.cells, LEFT, buff=0.3
            ),
            Text("backward", font_size=FONT_SMALL, color=MEANING.hidden.color).next_to(
                chain.cells_back, LEFT, buff=0.3
            ),
        )
        fwd = VectorStrip(bi.h_forward[t], outline=MEANING.hidden.color)
        bwd = VectorStrip(bi.h_backward[t], outline=MEANING.hidden.color)
        strips = VGroup(
            VGroup(
                MathTex(
                    rf"\overrightarrow{{h}}^{{({display_step(t)})}}",
                    font_size=FONT_LABEL,
                    color=MEANING.hidden.color,
                ),
                fwd,
            ).arrange(DOWN, buff=0.15),
            VGroup(
                MathTex(
                    rf"\overleftarrow{{h}}^{{({display_step(t)})}}",
                    font_size=FONT_LABEL,
                    color=MEANING.hidden.color,
                ),
                bwd,
            ).arrange(DOWN, buff=0.15),
        ).arrange(RIGHT, buff=0.4)
        body = VGroup(VGroup(chain, xs, rows), strips).arrange(RIGHT, buff=1.0)
        self.place_diagram(body)
        marker = chain.cells[t].copy().set_stroke(MEANING.text.color, width=5)
        marker_back = chain.cells_back[t].copy().set_stroke(MEANING.text.color, width=5)
        self.shown["bidirectional"] = {"t": t, "forward": fwd.values, "backward": bwd.values}
        text = self.place_text(
            _lines(
                "forward row: reads left to right    backward row: reads right to left",
                "the output at every step sees the whole sentence",
            )
        )
        self.play(FadeIn(chain), FadeIn(xs), FadeIn(rows))
        self.play(FadeIn(marker), FadeIn(marker_back), FadeIn(strips))
        self.show_keys()
        self.play(FadeIn(text))

    def show_captioning(self) -> None:
        n = len(CAPTION_WORDS)
        self.new_slide(
            "Image captioning: one-to-many",
            "Interestingly, image captioning, where a computer describes a picture, is "
            "a one-to-many task. The output is a sentence, so it is many; the input is "
            "one vector. Where does it come from? It is the beautiful semantic vector at "
            "the end of a CNN's feature extraction part (after some transformations, "
            "depending on the model).",
        )
        image = SheetStack(IMAGE_CHANNELS, 5, 5, cell=0.2)
        semantic = VectorStrip(
            n=6, cell_width=0.3, cell_height=0.24, outline=MEANING.hidden.color, show_numbers=False
        )
        cnn_label = Text("CNN", font_size=FONT_SMALL, color=MEANING.text.color)
        chain = TaskDiagram([True] + [False] * (n - 1), [True] * n, pitch=1.3)
        words = chain.label_outputs(list(CAPTION_WORDS), font_size=FONT_LABEL)
        semantic.next_to(chain.input_anchor(0), LEFT, buff=0.9).shift(0.2 * DOWN)
        image.next_to(semantic, LEFT, buff=1.0)
        channels = Legend(
            [(c, name) for c, name in zip(IMAGE_CHANNELS, ("red", "green", "blue"), strict=True)],
            vertical=False,
        )
        channels.entries.arrange(RIGHT, buff=0.3)
        channels.next_to(image, UP, buff=0.3)
        to_semantic = arrow_between(
            image.get_right() + 0.15 * RIGHT, semantic.get_left() + 0.15 * LEFT
        )
        cnn_label.next_to(to_semantic, UP, buff=0.1)
        to_rnn = arrow_between(
            semantic.get_right() + 0.15 * RIGHT, chain.input_anchor(0), MEANING.input.color
        )
        labels = VGroup(
            Text("image", font_size=FONT_SMALL, color=MEANING.text.color).next_to(
                image, DOWN, buff=0.2
            ),
            Text("semantic vector", font_size=FONT_SMALL, color=MEANING.text.color).next_to(
                semantic, DOWN, buff=0.2
            ),
        )
        diagram = VGroup(image, semantic, chain, words, channels, to_semantic, cnn_label, to_rnn)
        diagram.add(labels)
        self.place_diagram(diagram)
        text = self.place_text(_lines("(an illustrative caption)"))
        self.play(FadeIn(image), FadeIn(labels[0]), FadeIn(channels))
        self.play(FadeIn(to_semantic), FadeIn(cnn_label), FadeIn(semantic), FadeIn(labels[1]))
        self.play(FadeIn(to_rnn), FadeIn(chain), FadeIn(words))
        self.show_keys(colorbar=False)
        self.play(FadeIn(text))


def _wave(x: float) -> float:
    """An illustrative sound wave (drawing only: no model value)."""
    return math.sin(7.0 * x) * math.cos(1.3 * x) + 0.4 * math.sin(17.0 * x)


def _vec(values: Sequence[float]) -> str:
    """``(0.12, -0.34)``: a vector for the speaker notes."""
    return "(" + ", ".join(fmt(v) for v in values) + ")"
