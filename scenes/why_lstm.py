"""WhyLSTM: the error that reaches early steps through c(t), against the simple RNN's h(t).

On the lesson's sequence: the norms of the last step's Jacobians on earlier steps,
||dh(T)/dh(T-d)|| of the simple RNN and ||dc(T)/dc(T-d)||, ||dh(T)/dh(T-d)|| of the
LSTM and the cell line's product of forget gates alone, against the distance d on a
log axis (``rnncore.lstm_routes.reach``). Then "remember the first symbol" rerun
with an LSTM beside the simple RNN, same data and training
(``rnncore.lstm_train.long_range_comparison``, seeded, the same for every lesson).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from manim import DOWN, RIGHT, UP, Create, FadeIn, MathTex, VGroup

from rnncore.lstm_routes import Reach, reach
from rnncore.lstm_train import LongRangeComparison, long_range_comparison
from scenes.base import LectureScene
from scenes.curves import CurvePlot, text_table
from scenes.grammar import FONT_SMALL, MEANING, Encoding, curve_color
from scenes.layout import STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import Legend

__all__ = ["WhyLSTM", "comparison"]

EQ_SIZE = 32
PLOT_SIZE = (6.4, 3.0)
PAIR_SIZE = (5.0, 2.8)
RNN = Encoding(curve_color(0), 4.0)
LSTM_C = Encoding(curve_color(1), 4.0)
LSTM_H = Encoding(curve_color(2), 4.0)
LINE = Encoding(curve_color(3), 4.0, dashed=True)
CHANCE = Encoding(MEANING.neutral.color, MEANING.neutral.width, dashed=True)


@cache
def comparison() -> LongRangeComparison:
    """The long-range runs of both cells (lesson-independent, seeded; cached)."""
    return long_range_comparison()


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
            "The plot shows, on this lesson's sequence, how much of a change at step T - d "
            "still reaches step T, on a log axis: "
            + (
                f"at d = {far}, {sig(r.rnn_h[far])} for the simple RNN's h, "
                f"{sig(r.lstm_c[far])} through the LSTM's c and {sig(r.lstm_h[far])} through "
                f"its h; the cell line alone keeps {sig(r.cell_line[far])}, the product of "
                "the forget gates. Ask: what would the forget gates have to be for the error "
                "to survive 100 steps?"
                if T > 1
                else "this lesson has one step, so nothing travels back (d = 0 only)."
            )
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
                (LINE.color, r"$\text{cell line alone }\max\prod f$"),
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
        middle = VGroup(self.norm_plot, key).arrange(RIGHT, buff=0.6)
        block = VGroup(eqs, middle, self.norm_table).arrange(DOWN, buff=0.4)
        self.fit_stage(block)
        self.play(FadeIn(eqs))
        self.play(Create(self.norm_plot.axes), FadeIn(self.norm_plot.axis_labels), FadeIn(key))
        self.play(Create(self.norm_plot.lines), FadeIn(self.norm_table))

    def rerun_long_range(self) -> None:
        rnn, lstm = self.runs.rnn, self.runs.lstm
        d = rnn.distances.astype(float)
        self.accuracy = {"rnn": rnn.accuracy.mean(axis=1), "lstm": lstm.accuracy.mean(axis=1)}
        self.surviving = {"rnn": rnn.surviving_error, "lstm": lstm.surviving_error}
        s = lstm.settings
        far = len(d) - 1
        acc_r, acc_l = self.accuracy["rnn"][far], self.accuracy["lstm"][far]
        sur_r, sur_l = self.surviving["rnn"][far], self.surviving["lstm"][far]
        verdict = (
            "The LSTM is also more accurate there."
            if acc_l > acc_r
            else (
                f"But the accuracy does not follow yet: with the same {s['epochs']} epochs "
                "and learning rate the LSTM, with four times the weights, learns more slowly "
                "on these short distances; its advantage shows when d grows beyond what the "
                "simple RNN can bridge and with longer training."
                if acc_l < acc_r
                else "Both are equally accurate there."
            )
        )
        self.beat(
            "The experiment of the last part rerun with an LSTM next to the simple RNN: "
            "remember the first symbol over d steps, the same data, seed, hidden size "
            f"({s['n_hidden']}), {s['epochs']} epochs, learning rate {s['lr']:g} and "
            f"clipping; the LSTM's forget bias starts at {s['forget_bias']:g}. One seed, "
            f"distances {', '.join(str(int(x)) for x in d)}, to keep it to seconds. Right: "
            f"the part of the error entering at step d that reaches the cue: at d = "
            f"{int(d[far])}, {sig(sur_l)} for the LSTM against {sig(sur_r)} for the simple "
            "RNN (for the LSTM, a is the four gates' pre-activations). Left: accuracy on new "
            f"sequences, {percent(acc_l)} against "
            f"{percent(acc_r)}. {verdict}"
        )
        self.clear_stage()
        self.accuracy_plot = CurvePlot(
            [(d, self.accuracy["rnn"], RNN), (d, self.accuracy["lstm"], LSTM_C)],
            x_label="d",
            y_label=r"\text{accuracy}",
            x_length=PAIR_SIZE[0],
            y_length=PAIR_SIZE[1],
            reference=(rnn.chance, CHANCE),
        )
        self.error_plot = CurvePlot(
            [(d, self.surviving["rnn"], RNN), (d, self.surviving["lstm"], LSTM_C)],
            log_y=True,
            x_label="d",
            y_label=r"\|\partial L/\partial a^{(1)}\|\,/\,\|\partial L/\partial a^{(d)}\|",
            x_length=PAIR_SIZE[0],
            y_length=PAIR_SIZE[1],
        )
        key = Legend(
            [(RNN.color, "simple RNN"), (LSTM_C.color, "LSTM"), (CHANCE.color, "guessing")],
            kind="line",
            vertical=False,
        )
        plots = VGroup(self.accuracy_plot, self.error_plot).arrange(
            RIGHT, buff=1.2, aligned_edge=UP
        )
        self.long_table = text_table(
            [str(int(x)) for x in d],
            [
                ("accuracy, simple RNN", [percent(v) for v in self.accuracy["rnn"]], RNN),
                ("accuracy, LSTM", [percent(v) for v in self.accuracy["lstm"]], LSTM_C),
                ("error reaching step 1, simple RNN", [sig(v) for v in self.surviving["rnn"]], RNN),
                ("error reaching step 1, LSTM", [sig(v) for v in self.surviving["lstm"]], LSTM_C),
            ],
            corner="d",
        )
        block = VGroup(plots, key, self.long_table).arrange(DOWN, buff=0.4)
        fit_within(block, STAGE_WIDTH, 10.0)
        self.fit_stage(block, top=STAGE_TOP)
        both = (self.accuracy_plot, self.error_plot)
        self.play(*(Create(p.axes) for p in both), *(FadeIn(p.axis_labels) for p in both))
        self.play(
            *(Create(p.lines) for p in both),
            Create(self.accuracy_plot.reference_line),
            FadeIn(key),
            FadeIn(self.long_table),
        )
