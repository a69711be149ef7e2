"""LongRange: the evidence that simple RNNs forget (article 001's closing claim).

The simple RNN is trained by ``rnncore.long_range_experiment`` on "remember the first
symbol": a cue at step 1, d - 1 distractors, the answer asked for at step d. For each
distance d and several seeds: the accuracy on held-out sequences after training, and
how much of the error that enters at step d reaches the cue at step 1 (the ratio of
the mean ||dL/da(1)|| to ||dL/da(d)|| in the first epoch). The bridge to LSTM.
"""

from __future__ import annotations

from functools import cache

from manim import DOWN, RIGHT, UP, Create, FadeIn, Rectangle, Text, VGroup

from rnncore import LongRangeResult, long_range_experiment
from scenes.base import LectureScene
from scenes.curves import CurvePlot, text_table
from scenes.grammar import FONT_LABEL, FONT_SMALL, MEANING, Encoding
from scenes.intro_notes import lecture_notes
from scenes.mobjects.keys import Legend
from scenes.results import kept

__all__ = ["LongRange", "experiment"]

PLOT_SIZE = (5.2, 3.3)
CHANCE = Encoding(MEANING.neutral.color, MEANING.neutral.width, dashed=True)
CELL = 1.2  # side of a step's box in the task picture
SHOWN_STEPS = 6  # the task picture's distance


@cache
def experiment() -> LongRangeResult:
    """The experiment (the same for every lesson: it trains its own networks; kept on
    disk by ``scenes.results``)."""
    return kept(long_range_experiment)


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.0f}%"


def _small_percent(fraction: float) -> str:
    """Two significant digits: 52%, 3.4%, 0.35%."""
    return f"{100 * fraction:.2g}%"


class LongRange(LectureScene):
    """Accuracy and the surviving error against the distance between cue and answer."""

    def construct(self) -> None:
        self.run_experiment()
        self.show_the_task()
        self.plot_against_distance()

    def run_experiment(self) -> None:
        self.result = experiment()
        self.accuracy = self.result.accuracy.mean(axis=1)  # (D,) mean over seeds
        self.surviving = self.result.surviving_error  # (D,)

    def show_the_task(self) -> None:
        r = self.result
        settings = r.settings
        n_symbols = round(1 / r.chance)
        self.beat(
            lecture_notes(
                "Does a simple RNN really fail on long sequences? Remember the first "
                "symbol: step 1 shows a symbol, d - 1 distractors follow, and at step d "
                "the network is asked which symbol it saw. A fresh simple RNN is trained "
                "for each distance.",
                "the cue at step 1 and the question at step d.",
                f"{n_symbols} symbols, {settings['n_hidden']} hidden units, d = "
                f"{', '.join(str(int(d)) for d in r.distances)}, {len(r.seeds)} seeds.",
                "Which distance do you expect to be hard?",
                "the results.",
            )
        )
        self.show_title("Remember the first symbol")
        boxes = VGroup()
        for t in range(SHOWN_STEPS):
            meaning = MEANING.input if t == 0 else MEANING.neutral
            label = "cue" if t == 0 else ("?" if t == SHOWN_STEPS - 1 else "·")
            box = Rectangle(width=CELL, height=CELL, color=meaning.color, stroke_width=3)
            text = Text(label, font_size=FONT_LABEL, color=MEANING.text.color).move_to(box)
            boxes.add(VGroup(box, text))
        boxes.arrange(RIGHT, buff=0.35)
        loss = Text("L", font_size=FONT_LABEL, color=MEANING.loss.color)
        loss.next_to(boxes[-1], UP, buff=0.3)
        steps = VGroup(
            Text("step 1", font_size=FONT_LABEL, color=MEANING.neutral.color).next_to(
                boxes[0], DOWN, buff=0.2
            ),
            Text("step d", font_size=FONT_LABEL, color=MEANING.neutral.color).next_to(
                boxes[-1], DOWN, buff=0.2
            ),
        )
        design = Text(
            f"{n_symbols} symbols (guessing: {_percent(r.chance)}), "
            f"{settings['n_hidden']} hidden units;\na fresh RNN for each d = "
            f"{', '.join(str(int(d)) for d in r.distances)} and each of {len(r.seeds)} seeds",
            font_size=FONT_LABEL,
            color=MEANING.text.color,
        )
        how = Text(
            f"{settings['n_train']} training sequences, {settings['epochs']} epochs, "
            f"lr {settings['lr']:g}, clip {settings['clip']:g}; "
            f"accuracy on {settings['n_test']} new sequences",
            font_size=FONT_SMALL,
            color=MEANING.neutral.color,
        )
        legend = Legend([(MEANING.input.color, "the cue: the symbol to remember")], kind="frame")
        facts = VGroup(design, how).arrange(DOWN, buff=0.25)
        self.task = VGroup(VGroup(boxes, loss, steps), facts, legend).arrange(DOWN, buff=0.6)
        self.fit_stage(self.task)
        self.play(FadeIn(self.task))

    def plot_against_distance(self) -> None:
        r, d = self.result, self.result.distances.astype(float)
        self.accuracy_plot = CurvePlot(
            [(d, self.accuracy, MEANING.output)],
            x_label="d",
            y_label=r"\text{accuracy}",
            x_length=PLOT_SIZE[0],
            y_length=PLOT_SIZE[1],
            reference=(r.chance, CHANCE),
        )
        self.error_plot = CurvePlot(
            [(d, self.surviving, MEANING.gradient)],
            log_y=True,
            x_label="d",
            y_label=r"\|\partial L/\partial a^{(1)}\| \,/\, \|\partial L/\partial a^{(d)}\|",
            x_length=PLOT_SIZE[0],
            y_length=PLOT_SIZE[1],
        )
        first, last = int(d[0]), int(d[-1])
        self.beat(
            lecture_notes(
                "Left: accuracy on new sequences (mean over seeds; dashed: guessing). "
                "Right, log axis: the part of the error at step d that reaches the cue at "
                "step 1 in epoch 1; each extra step shrinks it by about the same factor.",
                "both curves falling with d.",
                f"accuracy {_percent(self.accuracy[0])} at d = {first}, "
                f"{_percent(self.accuracy[-1])} at d = {last}; error reaching step 1 "
                f"{_percent(self.surviving[0])}, then {_small_percent(self.surviving[-1])}.",
                "Why does the accuracy fall more slowly than the error?",
                "LSTM, whose cell state gives the error a path that does not shrink.",
            )
        )
        self.clear_stage()
        captions = [
            Legend(
                [
                    (MEANING.output.color, "accuracy after training"),
                    (CHANCE.color, "guessing", "dashed"),
                ],
                kind="line",
                vertical=False,
            ),
            Legend(
                [(MEANING.gradient.color, "error reaching step 1 / error at step d")],
                kind="line",
            ),
        ]
        row = VGroup(
            *(
                VGroup(p, c).arrange(DOWN, buff=0.3)
                for p, c in zip((self.accuracy_plot, self.error_plot), captions, strict=True)
            )
        ).arrange(RIGHT, buff=1.0, aligned_edge=UP)
        self.table = text_table(
            [str(int(x)) for x in d],
            [
                ("accuracy", [_percent(a) for a in self.accuracy], MEANING.output),
                (
                    "error reaching step 1",
                    [f"{100 * v:.2g}%" for v in self.surviving],
                    MEANING.gradient,
                ),
            ],
            corner="d",
        )
        self.fit_stage(VGroup(row, self.table).arrange(DOWN, buff=0.45))
        plots = (self.accuracy_plot, self.error_plot)
        self.play(*(Create(p.axes) for p in plots), *(FadeIn(p.axis_labels) for p in plots))
        self.play(
            *(Create(p.lines) for p in plots),
            Create(self.accuracy_plot.reference_line),
            *(FadeIn(c) for c in captions),
            FadeIn(self.table),
        )
