"""WhyLSTM: the error that reaches early steps through c(t), against the simple RNN's h(t).

On the lesson's sequence: the norms of the last step's Jacobians on earlier steps,
||dh(T)/dh(T-d)|| of the simple RNN and ||dc(T)/dc(T-d)||, ||dh(T)/dh(T-d)|| of the
LSTM and the cell line's product of forget gates alone, against the distance d on a
log axis (``rnncore.lstm_routes.reach``). Then "remember the first symbol" rerun
with an LSTM beside the simple RNN, set up fairly: the same data, seeds and epochs,
a learning rate tuned per cell on validation data, the forget bias at 1, test accuracy
with its spread over the seeds (``rnncore.lstm_compare.fair_comparison``, seeded, the
same for every lesson, computed once per process).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, Line, MathTex, Text, VGroup

from rnncore.lstm_compare import CellRuns, FairComparison, fair_comparison
from rnncore.lstm_routes import Reach, reach
from scenes.base import LectureScene
from scenes.curves import CurvePlot, text_table
from scenes.grammar import FONT_SMALL, MEANING, Encoding, curve_color
from scenes.layout import STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import Legend
from scenes.results import kept

__all__ = ["WhyLSTM", "comparison", "span", "spread_bar"]

EQ_SIZE = 32
PLOT_SIZE = (6.4, 3.0)
PAIR_SIZE = (5.0, 2.2)  # the accuracy and error plots side by side, over the table
RNN = Encoding(curve_color(0), 4.0)
LSTM_C = Encoding(curve_color(1), 4.0)
LSTM_H = Encoding(curve_color(2), 4.0)
LINE = Encoding(curve_color(3), 4.0, dashed=True)
SPREAD_SHIFT = 0.25  # the two cells' spread bars, either side of d
SPREAD_WIDTH = 2.5
CHANCE = Encoding(MEANING.neutral.color, MEANING.neutral.width, dashed=True)


@cache
def comparison() -> FairComparison:
    """The long-range runs of both cells (lesson-independent, seeded; kept on disk by
    ``scenes.results``)."""
    return kept(fair_comparison)


def sig(value: float) -> str:
    """Two significant digits: 0.52, 0.0031, 1.2e-05."""
    return f"{float(value):.2g}"


def percent(fraction: float) -> str:
    return f"{100 * float(fraction):.0f}%"


def positive(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points of a series a log axis can draw (y > 0)."""
    keep = y > 0
    return x[keep].astype(float), y[keep]


class WhyLSTM(LectureScene):
    """Jacobian norms through c(t) and h(t); the long-range task rerun with an LSTM."""

    def construct(self) -> None:
        self.compute()
        self.compare_the_paths()
        self.rerun_long_range()

    # --- numbers -----------------------------------------------------------------
    def compute(self) -> None:
        lesson = self.lesson
        self.reach: Reach = reach(
            lesson.params, lesson.trace(), lesson.lstm_params, lesson.lstm_trace()
        )
        self.runs = comparison()

    # --- beats -------------------------------------------------------------------
    def compare_the_paths(self) -> None:
        r, T = self.reach, self.lesson.T
        far = T - 1
        self.beat(
            "Why the LSTM: backwards, the simple RNN's error is multiplied at every step by "
            "diag(1 - h^2) W, and shrinks (or grows) geometrically. Along the LSTM's cell "
            "line it is multiplied only by the forget gate f(t): no weight matrix, no tanh'. "
            "Point at: the two equations, then the four curves of the plot: how much of a "
            "change at step T - d still reaches step T, on this lesson's sequence, on a log "
            "axis. Read out: "
            + (
                f"at d = {far}, {sig(r.rnn_h[far])} for the simple RNN's h, "
                f"{sig(r.lstm_c[far])} through the LSTM's c and {sig(r.lstm_h[far])} through "
                f"its h; the cell line alone keeps {sig(r.cell_line[far])}, the product of "
                "the forget gates. "
                if T > 1
                else "this lesson has one step, so nothing travels back (d = 0 only). "
            )
            + "Ask: what would the forget gates have to be for the error to survive 100 "
            "steps? Next: does more error reaching the start make the LSTM learn long "
            "dependencies better? The experiment of the last part, rerun."
        )
        self.show_title("Why LSTM: the error along the cell line")
        eqs = VGroup(
            MathTex(
                r"\text{simple RNN: }\frac{\partial h^{(t)}}{\partial h^{(t-1)}}"
                r"=\operatorname{diag}\!\left(1-h^{(t)\,2}\right)W",
                font_size=EQ_SIZE,
                color=MEANING.text.color,
            ),
            MathTex(
                r"\text{LSTM cell line: }\frac{\partial c^{(t)}}{\partial c^{(t-1)}}"
                r"=\operatorname{diag}\!\left(f^{(t)}\right)",
                font_size=EQ_SIZE,
                color=MEANING.text.color,
            ),
        ).arrange(RIGHT, buff=0.8)
        d = r.distances
        self.series = {
            "rnn_h": positive(d, r.rnn_h),
            "lstm_c": positive(d, r.lstm_c),
            "lstm_h": positive(d, r.lstm_h),
            "cell_line": positive(d, r.cell_line),
        }
        encodings = {"rnn_h": RNN, "lstm_c": LSTM_C, "lstm_h": LSTM_H, "cell_line": LINE}
        self.norm_plot = CurvePlot(
            [(*self.series[k], encodings[k]) for k in self.series],
            log_y=True,
            x_label="d",
            y_label=r"\text{norm}",
            x_length=PLOT_SIZE[0],
            y_length=PLOT_SIZE[1],
        )
        key = Legend(
            [
                (RNN.color, r"$\text{simple RNN }\|\partial h^{(T)}/\partial h^{(T-d)}\|$"),
                (LSTM_C.color, r"$\text{LSTM }\|\partial c^{(T)}/\partial c^{(T-d)}\|$"),
                (LSTM_H.color, r"$\text{LSTM }\|\partial h^{(T)}/\partial h^{(T-d)}\|$"),
                (LINE.color, r"$\text{cell line alone }\max\prod f$", "dashed"),
            ],
            kind="line",
            font_size=FONT_SMALL + 4,
        )
        rows = [
            ("simple RNN, h", r.rnn_h, RNN),
            ("LSTM, c", r.lstm_c, LSTM_C),
            ("LSTM, h", r.lstm_h, LSTM_H),
            ("cell line", r.cell_line, LINE),
        ]
        self.norm_table = text_table(
            [str(int(x)) for x in d], [(n, [sig(v) for v in vals], e) for n, vals, e in rows], "d"
        )
        if T == 1:  # the plot has only d = 0: say why, not an empty plot
            note = Text(
                "this lesson has one time step:\nno error travels back (d = 0 only)",
                font_size=FONT_SMALL + 4,
                color=MEANING.text.color,
                line_spacing=0.8,
            )
            key = VGroup(key, note).arrange(DOWN, buff=0.5, aligned_edge=LEFT)
        middle = VGroup(self.norm_plot, key).arrange(RIGHT, buff=0.6)
        block = VGroup(eqs, middle, self.norm_table).arrange(DOWN, buff=0.4)
        self.fit_stage(block)
        self.play(FadeIn(eqs))
        self.play(Create(self.norm_plot.axes), FadeIn(self.norm_plot.axis_labels), FadeIn(key))
        self.play(Create(self.norm_plot.lines), FadeIn(self.norm_table))

    def rerun_long_range(self) -> None:
        rnn, lstm, st = self.runs.rnn, self.runs.lstm, self.runs.settings
        d = rnn.distances.astype(float)
        self.accuracy = {"rnn": rnn.mean, "lstm": lstm.mean}
        self.spread = {"rnn": (rnn.low, rnn.high), "lstm": (lstm.low, lstm.high)}
        self.surviving = {"rnn": rnn.surviving_error, "lstm": lstm.surviving_error}
        self.chosen_lr = {"rnn": rnn.chosen_lr, "lstm": lstm.chosen_lr}
        grid = ", ".join(f"{x:g}" for x in rnn.lrs)
        n_seeds = len(rnn.seeds)
        self.setup_text = (
            f"both cells: {n_seeds} seeds, {st['epochs']} epochs, H = {st['n_hidden']}, "
            f"clip {st['clip']:g}, lr from {{{grid}}} chosen per cell and d\n"
            f"on {st['n_val']} validation sequences; accuracy on {st['n_test']} test "
            f"sequences (bars: lowest to highest seed); LSTM forget bias {st['forget_bias']:g}"
        )
        ahead = [
            int(x) for x, a, b in zip(d, self.accuracy["lstm"], self.accuracy["rnn"], strict=True)
            if a > b
        ]  # fmt: skip
        behind = [
            int(x) for x, a, b in zip(d, self.accuracy["lstm"], self.accuracy["rnn"], strict=True)
            if a < b
        ]  # fmt: skip
        far = len(d) - 1
        read = "; ".join(
            f"d = {int(x)}: {percent(self.accuracy['lstm'][k])} / "
            f"{percent(self.accuracy['rnn'][k])}"
            for k, x in enumerate(d)
        )
        verdict = (
            f"The LSTM is ahead at d = {', '.join(map(str, ahead))}"
            + (f" and behind at d = {', '.join(map(str, behind))}" if behind else "")
            if ahead
            else (
                f"The LSTM is not ahead at any d here (behind at d = {', '.join(map(str, behind))})"
                if behind
                else "The two are level at every d"
            )
        ) + (
            ": more error reaching the cue is necessary, not sufficient; the LSTM has four "
            f"times the weights to fit from the same {st['n_train']} sequences."
        )
        self.beat(
            "The last part's experiment rerun fairly with an LSTM. Both cells: "
            f"{n_seeds} seeds, H = {st['n_hidden']}, {st['epochs']} epochs of SGD, clip "
            f"{st['clip']:g}, each its own learning rate from {{{grid}}} chosen on "
            f"{st['n_val']} validation sequences; the LSTM's forget bias starts at "
            f"{st['forget_bias']:g}; accuracy on {st['n_test']} test sequences. "
            "Point at: the accuracy curves (bars: lowest and highest seed), then the error "
            f"reaching the cue. Read out: test accuracy LSTM / simple RNN, {read}. Error "
            f"reaching the cue at d = {int(d[far])}: {sig(self.surviving['lstm'][far])} "
            f"against {sig(self.surviving['rnn'][far])}. {verdict} "
            f"Ask: what would you change to help the LSTM at d = {int(d[far])}, fairly? "
            "Next: the end of the lecture: sum up and take questions."
        )
        self.clear_stage()
        self.accuracy_plot = CurvePlot(
            [(d, self.accuracy["rnn"], RNN), (d, self.accuracy["lstm"], LSTM_C)],
            x_label="d",
            y_label=r"\text{test accuracy}",
            x_length=PAIR_SIZE[0],
            y_length=PAIR_SIZE[1],
            reference=(self.runs.chance, CHANCE),
        )
        self.spread_bars = VGroup(
            *(
                spread_bar(self.accuracy_plot, x + shift, lo, hi, enc)
                for key, enc, shift in (("rnn", RNN, -SPREAD_SHIFT), ("lstm", LSTM_C, SPREAD_SHIFT))
                for x, lo, hi in zip(d, *self.spread[key], strict=True)
            )
        )
        self.accuracy_plot.add(self.spread_bars)
        self.error_plot = CurvePlot(
            [(d, self.surviving["rnn"], RNN), (d, self.surviving["lstm"], LSTM_C)],
            log_y=True,
            x_label="d",
            y_label=r"\|\partial L/\partial a^{(1)}\|\,/\,\|\partial L/\partial a^{(d)}\|",
            x_length=PAIR_SIZE[0],
            y_length=PAIR_SIZE[1],
        )
        key = Legend(
            [
                (RNN.color, "simple RNN"),
                (LSTM_C.color, "LSTM"),
                (CHANCE.color, "guessing", "dashed"),
            ],
            kind="line",
            vertical=False,
        )
        setup = Text(self.setup_text, font_size=FONT_SMALL, color=MEANING.neutral.color)
        plots = VGroup(self.accuracy_plot, self.error_plot).arrange(
            RIGHT, buff=1.2, aligned_edge=UP
        )
        self.long_table = text_table(
            [str(int(x)) for x in d],
            [
                ("test accuracy, simple RNN", [span(rnn, k) for k in range(len(d))], RNN),
                ("test accuracy, LSTM", [span(lstm, k) for k in range(len(d))], LSTM_C),
                (
                    "learning rate, RNN / LSTM",
                    [f"{a:g} / {b:g}" for a, b in zip(rnn.chosen_lr, lstm.chosen_lr, strict=True)],
                    CHANCE,
                ),
                ("error reaching step 1, simple RNN", [sig(v) for v in rnn.surviving_error], RNN),
                ("error reaching step 1, LSTM", [sig(v) for v in lstm.surviving_error], LSTM_C),
            ],
            corner="d",
            row_gap=0.2,
        )
        block = VGroup(plots, key, self.long_table, setup).arrange(DOWN, buff=0.25)
        fit_within(block, STAGE_WIDTH, 10.0)
        self.fit_stage(block, top=STAGE_TOP)
        both = (self.accuracy_plot, self.error_plot)
        self.play(*(Create(p.axes) for p in both), *(FadeIn(p.axis_labels) for p in both))
        self.play(
            *(Create(p.lines) for p in both),
            Create(self.accuracy_plot.reference_line),
            FadeIn(self.spread_bars),
            FadeIn(key),
            FadeIn(self.long_table),
            FadeIn(setup),
        )


def span(runs: CellRuns, k: int) -> str:
    """The mean test accuracy at distance index k and its spread over the seeds."""
    lo, hi = (f"{100 * float(v):.0f}" for v in (runs.low[k], runs.high[k]))
    return f"{percent(runs.mean[k])} ({lo}\u2013{hi})"


def spread_bar(plot: CurvePlot, x: float, lo: float, hi: float, enc: Encoding) -> Line:
    """A vertical bar from the lowest to the highest seed's value at x."""
    return Line(
        plot.axes.c2p(x, lo), plot.axes.c2p(x, hi), color=enc.color, stroke_width=SPREAD_WIDTH
    )
