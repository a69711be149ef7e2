"""TaskTypes (article 000, section 6): RNN tasks by the lengths of their sequences.

Many-to-one (temperature in 24 h from the last 96 h; sentiment), one-to-many
(music/text generation), many-to-many (named entity recognition), the
sequence-to-sequence encoder/decoder, CTC collapsing for voice recognition,
bidirectional RNNs and image captioning. Where a task runs on the lesson's network
its numbers are the core's: ``rnncore.task_run`` (loss masks), ``seq2seq``,
``bidirectional``, ``ctc_collapse`` and ``steps_for``.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
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
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    MEANING,
)
from scenes.intro_notes import lecture_notes
from scenes.layout import STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import class_name, display_step, fmt
from scenes.mobjects.value_shapes import VectorStrip
from scenes.task_diagram import TaskDiagram
from scenes.task_views import (
    BidirectionalView,
    CaptioningView,
    CTCView,
    Seq2SeqView,
    example_lines,
    vec,
)

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
        return class_name(self.lesson.output_labels, k)

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
            lecture_notes(
                "RNN tasks differ in the lengths of their input and output sequences. "
                "Many-to-one: the temperature in 24 hours from the last 96, or the "
                "sentiment of a post. The charts are simplified, not 100% correct.",
                "the one output at the last step, and its loss.",
                f"{HISTORY_HOURS} x 6 = {n_steps} vectors in (the article's 574 is a "
                f"typo); our network: L = {fmt(run.backprop.loss)}.",
                "Which other task reads a lot and answers once?",
                "one-to-many.",
            ),
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
            example_lines(
                f"Temperature in {FORECAST_HOURS} h from the last {HISTORY_HOURS} h, "
                f"one vector every {SAMPLE_MINUTES} min:",
                f"      {HISTORY_HOURS} × 6 = {n_steps} vectors in, 1 value out",
                "Sentiment: a post of any length in, (1, 0) positive or (0, 1) negative out",
            )
        )
        self.play(FadeIn(chain), FadeIn(xs))
        self.play(FadeIn(out), FadeIn(loss))
        self.show_keys()
        caveat = Text(
            "(these charts are simplified: not 100% correct)",
            font_size=FONT_SMALL,
            color=MEANING.neutral.color,
        ).next_to(text, DOWN, buff=0.35, aligned_edge=LEFT)
        self.caveat = caveat
        self.play(FadeIn(text), FadeIn(caveat))

    def show_one_to_many(self) -> None:
        run, T = self.runs["one_to_many"], self.lesson.T
        self.new_slide(
            "One-to-many",
            lecture_notes(
                "Music or text generation can be one-to-many: give the first note or word "
                "and the network generates a phrase. Our network gets one input at the "
                "first step, zero vectors afterwards, and answers at every step.",
                "the single input and the outputs above every cell.",
                f"the first output: {vec(run.trace.y_hat[0])}; the last: "
                f"{vec(run.trace.y_hat[-1])}.",
                "Where does the network keep the first word after step 1?",
                "many-to-many.",
            ),
        )
        chain = TaskDiagram([t == 0 for t in range(T)], [True] * T)
        xs = chain.label_inputs([self.step_name(0)] + [None] * (T - 1))
        outs = VGroup(*(VectorStrip(y, outline=MEANING.output.color) for y in run.trace.y_hat))
        for t, strip in enumerate(outs):
            strip.next_to(chain.output_anchor(t), UP, buff=0.1)
        self.shown["one_to_many"] = [s.values for s in outs]
        self.place_diagram(VGroup(chain, xs, outs))
        text = self.place_text(
            example_lines(
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
            lecture_notes(
                "Many-to-many: named entity recognition finds the proper nouns. Teddy is "
                "not one in 'Teddy bears on sale' and is one in 'Teddy Roosevelt was a "
                "great president': every word in, one answer per word out.",
                "the two Teddys and their answers.",
                f"our lesson's network, a loss at every step: L(t) = {losses}.",
                "Which word tells you which Teddy it is, and does it come before or after?",
                "sequence to sequence.",
            ),
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
            lecture_notes(
                "Machine translation uses a sequence-to-sequence model. The encoder gives "
                "out a hidden state vector; it starts the decoder, which uses each step's "
                "output as the next step's input. The decoder is untrained: only the data "
                "flow means anything.",
                "the hidden state between the two rows, then the fed-back outputs.",
                f"the encoder's last state, {len(s2s.context)} numbers from "
                f"{fmt(float(s2s.context[0]))}; the decoder writes {', '.join(tokens)}.",
                "Why can the output be longer than the input here?",
                "voice recognition.",
            ),
        )
        view = Seq2SeqView([self.step_name(t) for t in range(T)], s2s.context, tokens)
        self.place_diagram(view)
        self.shown["seq2seq"] = {"context": view.context.values, "tokens": tokens}
        text = self.place_text(
            example_lines("Machine translation, summarisation: a sequence in, another sequence out")
        )
        self.play(FadeIn(view.enc), FadeIn(view.names[0]))
        self.play(FadeIn(view.links[0]), FadeIn(view.context), FadeIn(view.names[2]))
        self.play(FadeIn(view.links[1]), FadeIn(view.dec), FadeIn(view.names[1]))
        self.show_keys()
        self.play(FadeIn(text))

    def show_ctc(self) -> None:
        merged = ctc_merge_repeats(CTC_OUTPUT)
        collapsed = ctc_collapse(CTC_OUTPUT)
        self.new_slide(
            "Voice recognition: collapsing a long output (CTC)",
            lecture_notes(
                "Voice recognition reads air pressure at many steps, so the RNN's output is "
                "much longer than the words. A collapsing function from Connectionist "
                "Temporal Classification merges repeats, then drops the blanks.",
                "the blank between the two l's.",
                f"'{CTC_OUTPUT}' to '{merged}' to '{collapsed}'; "
                f"{len(CTC_OUTPUT)} letters to {len(collapsed)}.",
                "What would 'hello' become without the blank?",
                "bidirectional RNNs.",
            ),
        )
        view = CTCView(CTC_OUTPUT, merged, collapsed)
        fit_within(view, STAGE_WIDTH, STAGE_TOP - KEY_Y - 0.6)
        view.move_to([0, (STAGE_TOP + KEY_Y + 0.4) / 2, 0])
        self.shown["ctc"] = {"raw": CTC_OUTPUT, "merged": merged, "collapsed": collapsed}
        self.play(FadeIn(view.wave), FadeIn(view.wave_label), FadeIn(view.chain))
        self.play(FadeIn(view.letters))
        self.play(FadeIn(view.stages[0]))
        self.play(FadeIn(view.stages[1]))
        self.show_keys(colorbar=False)

    def show_bidirectional(self) -> None:
        bi, T = self.bi, self.lesson.T
        t = T // 2
        self.new_slide(
            "Bidirectional RNNs",
            lecture_notes(
                "Some tasks need RNNs connected in both directions, machine translation "
                "again: one row reads left to right, another right to left, so each output "
                "sees the whole sequence. It is just two forward passes.",
                f"the framed cells of step {display_step(t)} and their two states.",
                f"forward {vec(bi.h_forward[t])}, backward {vec(bi.h_backward[t])}.",
                "Why could a bidirectional RNN not run on a live stream?",
                "image captioning.",
            ),
        )
        view = BidirectionalView(
            [self.step_name(k) for k in range(T)],
            t,
            display_step(t),
            bi.h_forward[t],
            bi.h_backward[t],
        )
        self.place_diagram(view)
        markers = view.markers()
        self.shown["bidirectional"] = {
            "t": t,
            "forward": view.fwd.values,
            "backward": view.bwd.values,
        }
        text = self.place_text(
            example_lines(
                "forward row: reads left to right    backward row: reads right to left",
                "the output at every step sees the whole sentence",
            )
        )
        self.play(FadeIn(view.chain), FadeIn(view.xs), FadeIn(view.rows))
        self.play(FadeIn(markers[0]), FadeIn(markers[1]), FadeIn(view.strips))
        self.show_keys()
        self.play(FadeIn(text))

    def show_captioning(self) -> None:
        self.new_slide(
            "Image captioning: one-to-many",
            lecture_notes(
                "Image captioning is one-to-many: the output is a sentence, the input one "
                "vector. It is the semantic vector at the end of a CNN's feature "
                "extraction part (after some transformations).",
                "the image, the semantic vector, the words.",
                f"{len(CAPTION_WORDS)} words out of one vector (an illustrative caption).",
                "Which earlier slide showed where this vector comes from?",
                "the next part: backprop in a DCL, then the simple RNN.",
            ),
        )
        view = CaptioningView(CAPTION_WORDS)
        text = example_lines("(an illustrative caption)")
        room = (0.9 * STAGE_WIDTH, DIAGRAM_TOP - KEY_Y - 1.4)  # the slide's one picture
        view.scale(min(room[0] / view.width, room[1] / view.height))
        view.move_to([0, (DIAGRAM_TOP + KEY_Y + 1.0) / 2, 0])
        text.next_to(view, DOWN, buff=0.4)
        self.play(FadeIn(view.image), FadeIn(view.labels[0]), FadeIn(view.channels))
        self.play(
            FadeIn(view.to_semantic),
            FadeIn(view.cnn_label),
            FadeIn(view.semantic),
            FadeIn(view.labels[1]),
        )
        self.play(FadeIn(view.to_rnn), FadeIn(view.chain), FadeIn(view.words))
        self.show_keys(colorbar=False)
        self.play(FadeIn(text))
