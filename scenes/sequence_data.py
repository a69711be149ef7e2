"""SequenceData (article 000, section 5): lists of vectors whose order matters.

Meteorological data measured at one spot every ten minutes (temperature, air
pressure, wind speed, humidity) is a 4-dimensional vector per time step, read
from the shipped illustrative data (``rnncore.load_weather``). A "time step" need
not be time: the parts of a sentence are time steps too. RNNs map sequence data
to sequence data.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    FadeIn,
    FadeOut,
    MathTex,
    Rectangle,
    Text,
    VGroup,
)

from rnncore import load_weather
from scenes.base import LectureScene
from scenes.diagrams import DataCells, SentenceVectors
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    MEANING,
)
from scenes.intro_notes import lecture_notes
from scenes.layout import STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import Legend
from scenes.task_diagram import TaskDiagram

__all__ = ["SequenceData"]

WINDOW_START_HOUR = 12  # the vectors shown in the table start at noon
WINDOW_LEN = 7  # how many vectors the table shows
DATA_FORMATS = ("{:.1f}", "{:.1f}", "{:.1f}", "{:.0f}")  # the data's own precision
DATA_CELL = (1.2, 0.42)
COLUMN_GAP = 0.14
PLOT_SIZE = (8.0, 1.7)  # width, height of the temperature plot
NER_SENTENCE = ("He", "said,", "Teddy", "bears", "on", "sale!")
CAPTION_Y = STAGE_BOTTOM + 0.3
DIAGRAM_SCALE = 1.3  # the sequence-to-sequence diagram, a little larger than the default


def _caption(text: str) -> Text:
    return Text(text, font_size=FONT_SMALL, color=MEANING.neutral.color).move_to([0, CAPTION_Y, 0])


class SequenceData(LectureScene):
    """Weather vectors every ten minutes; time steps; sequence to sequence."""

    def construct(self) -> None:
        self.weather = load_weather()
        self.show_weather()
        self.show_time_steps()
        self.show_words_as_steps()
        self.show_sequence_mapping()

    # --- beats ---------------------------------------------------------------------

    def show_weather(self) -> None:
        w = self.weather
        start = WINDOW_START_HOUR * 60 // w.interval_minutes
        self.window = range(start, start + WINDOW_LEN)
        first = w.values[start]
        self.beat(
            lecture_notes(
                "Sequence data are lists of vectors whose order matters, and DCLs and CNNs "
                "are not useful for them. Weather measured at one spot every ten minutes "
                "(temperature, air pressure, wind speed, humidity) is one 4-dimensional "
                "vector per step; these values are illustrative.",
                "the temperature curve, then the framed window and its table.",
                f"at {w.clock(start)}: {', '.join(f'{v:g}' for v in first)}.",
                "Would shuffling these columns keep the weather's story?",
                "each vector is one time step.",
            )
        )
        self.show_title("Sequence data: one weather vector every 10 minutes")
        self.plot = self.temperature_plot()
        self.table = self.weather_table()
        stage = VGroup(self.plot, self.table).arrange(DOWN, buff=0.55)
        fit_within(stage, STAGE_WIDTH, STAGE_TOP - STAGE_BOTTOM - 0.6)
        stage.move_to(STAGE_CENTER + 0.25 * UP)
        self.play(Create(self.plot))
        self.play(FadeIn(self.window_box()), FadeIn(self.table))
        self.caption = _caption("illustrative values (synthetic, plausible)")
        self.play(FadeIn(self.caption))

    def temperature_plot(self) -> VGroup:
        w = self.weather
        hours = 24 * 60 // w.interval_minutes
        axes = Axes(
            x_range=[0, hours, hours // 4],
            y_range=[float(int(w.values[:, 0].min())) - 1, float(int(w.values[:, 0].max())) + 2, 5],
            x_length=PLOT_SIZE[0],
            y_length=PLOT_SIZE[1],
            axis_config={"color": MEANING.neutral.color, "include_tip": False, "stroke_width": 2},
        )
        t = list(range(w.T))
        curve = axes.plot_line_graph(
            t,
            list(w.values[:, 0]),
            line_color=MEANING.input.color,
            add_vertex_dots=False,
            stroke_width=3,
        )
        x_ticks = VGroup(
            *(
                Text(w.clock(k), font_size=FONT_SMALL, color=MEANING.neutral.color).next_to(
                    axes.c2p(k, axes.y_range[0]), DOWN, buff=0.12
                )
                for k in range(0, hours + 1, hours // 4)
            )
        )
        y_lo, y_hi, y_step = axes.y_range
        y_ticks = VGroup(
            *(
                Text(f"{v:g}", font_size=FONT_SMALL, color=MEANING.neutral.color).next_to(
                    axes.c2p(0, v), LEFT, buff=0.3
                )
                for v in np.arange(y_step * np.ceil(y_lo / y_step), y_hi + 1e-9, y_step)
            )
        )
        y_label = Text("temperature (°C)", font_size=FONT_SMALL, color=MEANING.input.color)
        y_label.next_to(y_ticks, LEFT, buff=0.25)
        self.axes = axes
        return VGroup(axes, curve, x_ticks, y_ticks, y_label)

    def window_box(self) -> Rectangle:
        """The table's time window, marked on the plot."""
        a = self.axes.c2p(self.window.start, self.axes.y_range[0])
        b = self.axes.c2p(self.window.stop - 1, self.axes.y_range[1])
        box = Rectangle(
            width=max(b[0] - a[0], 0.08), height=b[1] - a[1], stroke_color=MEANING.text.color
        )
        return box.move_to((a + b) / 2).set_stroke(width=2)

    def weather_table(self) -> VGroup:
        w = self.weather
        self.columns = [
            DataCells(w.values[t], color=MEANING.input.color, fmt=DATA_FORMATS, cell=DATA_CELL)
            for t in self.window
        ]
        cols = VGroup(*self.columns).arrange(RIGHT, buff=COLUMN_GAP)
        self.times = VGroup(
            *(
                Text(w.clock(t), font_size=FONT_SMALL, color=MEANING.neutral.color).next_to(
                    c, UP, buff=0.12
                )
                for t, c in zip(self.window, self.columns, strict=True)
            )
        )
        names = VGroup(
            *(
                Text(f"{name} ({unit})", font_size=FONT_SMALL, color=MEANING.text.color)
                .next_to(cols, LEFT, buff=0.3)
                .set_y(cell.get_y())
                for name, unit, cell in zip(w.features, w.units, self.columns[0].cells, strict=True)
            )
        )
        names.align_to(names[0], RIGHT)
        dots = MathTex(r"\cdots", color=MEANING.neutral.color).next_to(cols, RIGHT, buff=0.2)
        return VGroup(names, cols, self.times, dots)

    def show_time_steps(self) -> None:
        w = self.weather
        self.beat(
            lecture_notes(
                "The number of vectors in sequence data is called time steps; every ten "
                "minutes adds one step.",
                "the labels x(t) under the columns, then the total.",
                f"one day is {w.T} time steps, x(1) to x({w.T}).",
                "How many steps would one week of this data be?",
                "a time step need not be time.",
            )
        )
        self.show_title("Each vector is one time step")
        steps = VGroup(
            *(
                MathTex(
                    f"x^{{({t + 1})}}", font_size=FONT_LABEL, color=MEANING.input.color
                ).next_to(c, DOWN, buff=0.15)
                for t, c in zip(self.window, self.columns, strict=True)
            )
        )
        total = MathTex(
            f"T = {w.T}" + r"\ \text{steps in one day}",
            font_size=FONT_LABEL,
            color=MEANING.text.color,
        ).move_to([0, CAPTION_Y, 0])
        self.step_labels = steps
        self.play(FadeIn(steps), FadeOut(self.caption))
        self.play(FadeIn(total))

    def show_words_as_steps(self) -> None:
        self.beat(
            lecture_notes(
                "A time step does not necessarily mean time. In natural language "
                "processing, machine translation included, the numbering of the vectors "
                "for the parts of a sentence are the time steps.",
                "the word above each vector and its t below.",
                f"{len(NER_SENTENCE)} parts, t = 1 to {len(NER_SENTENCE)}.",
                "What would a time step be for a piece of music?",
                "an RNN maps one sequence to another.",
            )
        )
        self.clear_stage()
        self.show_title("A time step need not be time")
        sentence = SentenceVectors(
            NER_SENTENCE, color=MEANING.input.color, n_cells=4, font_size=FONT_LABEL
        )
        steps = VGroup(
            *(
                MathTex(f"t = {k + 1}", font_size=FONT_LABEL, color=MEANING.neutral.color).next_to(
                    v, DOWN, buff=0.25
                )
                for k, v in enumerate(sentence.vectors)
            )
        )
        group = VGroup(sentence, steps)
        fit_within(group, STAGE_WIDTH, 3.0).move_to(STAGE_CENTER + 0.4 * UP)
        caption = _caption("here t counts the parts of a sentence, not minutes")
        self.play(FadeIn(sentence))
        self.play(FadeIn(steps), FadeIn(caption))

    def show_sequence_mapping(self) -> None:
        T = self.lesson.T
        self.beat(
            lecture_notes(
                "RNNs are mappings from sequence data to sequence data: a vector in and a "
                "vector out at each step, each step passing its hidden state to the next.",
                "the yellow arrows between the cells.",
                f"our lesson: T = {T} steps in, {T} out.",
                "What does the first cell receive from its left?",
                "the kinds of RNN tasks.",
            )
        )
        self.clear_stage()
        self.show_title("An RNN maps sequence data to sequence data")
        chain = TaskDiagram([True] * T, [True] * T)
        xs = chain.label_inputs(
            [
                MathTex(f"x^{{({t + 1})}}", font_size=FONT_LABEL, color=MEANING.input.color)
                for t in range(T)
            ]
        )
        ys = chain.label_outputs(
            [
                MathTex(f"y^{{({t + 1})}}", font_size=FONT_LABEL, color=MEANING.output.color)
                for t in range(T)
            ]
        )
        diagram = VGroup(chain, xs, ys)
        diagram.scale(DIAGRAM_SCALE)
        fit_within(diagram, STAGE_WIDTH, 4.5).move_to(STAGE_CENTER + 0.2 * UP)
        legend = Legend(
            [
                (MEANING.input.color, "input"),
                (MEANING.recurrent.color, "recurrent"),
                (MEANING.output.color, "output"),
            ],
            kind="line",
            vertical=False,
        )
        cell_key = Legend([(MEANING.hidden.color, "RNN cell")], kind="frame", vertical=False)
        legend.entries.arrange(RIGHT, buff=0.5)
        keys = VGroup(cell_key, legend).arrange(RIGHT, buff=0.7)  # one key row, in the frame
        keys.move_to([0, CAPTION_Y, 0])
        self.play(FadeIn(xs), FadeIn(chain), FadeIn(legend), FadeIn(cell_key))
        self.play(FadeIn(ys))
