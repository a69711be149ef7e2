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
    MEANING,
)
from scenes.layout import STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step, fmt
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
            f"{vec(s2s.context)}; it starts the decoder, which "
            "generates the output using the output of each step as the input of the "
            f"next: here {', '.join(tokens)} (an untrained decoder, so only the data "
            "flow means anything).",
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
            "Voice recognition needs a special RNN. The input is the air pressure at "
            "many time steps, so the RNN's output is much longer than the words: "
            f"'{CTC_OUTPUT}'. A collapsing function from Connectionist Temporal "
            f"Classification shortens it: merge repeated letters ('{merged}'), then drop "
            f"the blanks '-' ('{collapsed}'). The blank keeps the double l.",
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
            "Some tasks need RNNs connected in both directions; machine translation is "
            "again a good example. One RNN reads the sequence left to right, another "
            "right to left, so the output at each step sees the whole sequence. It is "
            "just two forward passes: at step "
            f"{display_step(t)} the forward state is {vec(bi.h_forward[t])} "
            f"and the backward state {vec(bi.h_backward[t])}.",
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
            "Interestingly, image captioning, where a computer describes a picture, is "
            "a one-to-many task. The output is a sentence, so it is many; the input is "
            "one vector. Where does it come from? It is the beautiful semantic vector at "
            "the end of a CNN's feature extraction part (after some transformations, "
            "depending on the model).",
        )
        view = CaptioningView(CAPTION_WORDS)
        self.place_diagram(view)
        text = self.place_text(example_lines("(an illustrative caption)"))
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
