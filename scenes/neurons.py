"""SimpleRNNNeurons: the simple RNN as connected neurons (article 001, section 2).

Three layers, inputs at the bottom and outputs on top: at one time step the
input flows forward as in a densely connected layer (DCL) and the network gives
an output. The yellow recurrent connections carry the middle layer's values to
the middle layer itself at the next step, and the same weights U, W, V serve
every step. Every value and weight on screen is the lesson's.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    UP,
    AnimationGroup,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    ShowPassingFlash,
    SurroundingRectangle,
    Text,
    Transform,
    VGroup,
    Write,
)

from scenes.base import LectureScene
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    MEANING,
)
from scenes.layout import STAGE_CENTER, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.network import RNNNeuronsView
from scenes.mobjects.numbers import display_step, fmt
from scenes.mobjects.value_shapes import MatrixGrid
from scenes.notes import speaker_notes

__all__ = ["SimpleRNNNeurons"]

VIEW_CENTER_X = -2.6  # the network sits left of centre; the side panel on the right
VIEW_MAX_WIDTH = 7.0  # widest layer
PANEL_X = 4.55  # centre of the side panel
PANEL_WIDTH = 4.0
GRID_TOP = STAGE_TOP - 0.7  # the W matrix, under the step label
GRID_MAX_HEIGHT = 2.0
FLASH_WIDTH = 6  # stroke width of the flashes that show values flowing
REPEAT_RUN_TIME = 1.2  # seconds per extra step in the repetition


class SimpleRNNNeurons(LectureScene):
    """The RNN as three connected layers with yellow recurrent connections."""

    shows_weights = True  # the weights tag in the title line

    def construct(self) -> None:
        self.show_layers()
        self.forward_like_dcl(0)
        self.show_recurrent_connections()
        self.follow_one_neuron()
        if self.lesson.T > 1:  # a one-step lesson has no next step to show
            self.next_step(1)
        self.repeat_through_time()

    # --- helpers ----------------------------------------------------------------------
    def step_text(self, t: int) -> Text:
        """'time step t = 2, input b' (the input name when the lesson has labels)."""
        text = f"time step t = {display_step(t)}"
        labels = self.lesson.step_labels
        if not self.lesson.input_mask[t]:
            text += ",  no input"  # one-to-many: x(t) = 0 after the first step
        elif labels:
            text += f",  input {labels[t]}"
        label = Text(text, font_size=FONT_LABEL, color=MEANING.text.color)
        label.move_to([PANEL_X, STAGE_TOP - 0.35, 0])  # clear of the weights tag above
        overflow = label.get_right()[0] - STAGE_WIDTH / 2
        if overflow > 0:
            label.shift(overflow * LEFT)
        return label

    @staticmethod
    def flash(group: VGroup, color=MEANING.text.color, run_time: float = 1.0) -> AnimationGroup:
        """Values flowing along lines: a bright pulse over a copy of each line."""
        return AnimationGroup(
            *(
                ShowPassingFlash(
                    m.copy().set_stroke(color, width=FLASH_WIDTH, opacity=1.0),
                    time_width=0.5,
                    run_time=run_time,
                )
                for m in group.family_members_with_points()
                if m.get_stroke_width() > 0
            )
        )

    def recurrent_bodies(self, group: VGroup) -> VGroup:
        """The arc bodies (without tips) of recurrent connections, to flash."""
        return VGroup(*(arc[0] for arc in group))

    # --- beats ------------------------------------------------------------------------
    def show_layers(self) -> None:
        p = self.lesson.params
        self.beat(
            speaker_notes(
                "x(t) at the bottom, h(t) in the middle, y-hat(t) on top; U below, V above.",
                f"{p.n_in} inputs, {p.n_hidden} middle neurons, {p.n_out} outputs: "
                f"U has {p.U.size} weights, V {p.V.size}; orange positive, blue negative, "
                "thick = large.",
                "so far, what is different from a DCL?",
                "the first time step.",
                say="A simple RNN: three layers of neurons, like a small DCL.",
            )
        )
        self.show_title("A simple RNN is connected neurons")
        lesson = self.lesson
        trace = lesson.trace()
        view = RNNNeuronsView(
            lesson.params,
            trace,
            0,
            input_names=lesson.input_labels,
            output_names=lesson.output_labels,
            max_width=VIEW_MAX_WIDTH,
        )
        view.move_to([VIEW_CENTER_X, STAGE_CENTER[1], 0])
        for layer in view.layers:
            layer.clear_values()
        self.view = view
        self.shown_steps: list[int] = []
        self.colorbar = ColorBar(label="value and weight", length=2.6)
        self.colorbar.move_to([PANEL_X, STAGE_CENTER[1] - 2.6, 0])
        self.play(FadeIn(view.inputs), FadeIn(view.hidden), FadeIn(view.outputs))
        self.play(Create(view.u), Create(view.v), run_time=1.5)
        self.play(Write(view.matrix_labels[0]), Write(view.matrix_labels[1]), FadeIn(self.colorbar))

    def forward_like_dcl(self, t: int) -> None:
        output = (
            "the estimated probabilities y-hat (a softmax)"
            if self.lesson.output == "softmax"
            else "its estimate y-hat, here o(t) itself (squared-error loss, no softmax)"
        )
        tr = self.lesson.trace()
        self.beat(
            speaker_notes(
                "x(1) lighting up, then h(1) through U, then the outputs through V.",
                f"x(1) = ({', '.join(fmt(v) for v in tr.xs[t])}); "
                f"h(1) = ({', '.join(fmt(v) for v in tr.h[t])}).",
                "what could the middle layer keep for the next step?",
                "the connections that make it recurrent.",
                say=f"One time step is forward propagation as in a DCL; the output is {output}.",
            )
        )
        view, trace = self.view, self.lesson.trace()
        self.step_label = self.step_text(t)
        self.play(FadeIn(self.step_label), view.inputs.set_values(trace.xs[t]))
        self.play(self.flash(view.u))
        self.play(view.hidden.set_values(trace.h[t]))
        self.play(self.flash(view.v))
        self.play(view.outputs.set_values(trace.y_hat[t]))
        view.t = t
        self.shown_steps.append(t)

    def show_recurrent_connections(self) -> None:
        W = self.lesson.params.W
        self.beat(
            speaker_notes(
                "the yellow arrows from the middle layer back into itself; width = |weight|.",
                f"W has {W.size} weights; the largest in size is {fmt(W.flat[abs(W).argmax()])}.",
                "why must an RNN keep information from earlier steps?",
                "one neuron's recurrent connections.",
                say="Sequence data: order matters. The middle layer feeds itself through W.",
            )
        )
        view = self.view
        self.legend = Legend([(MEANING.recurrent.color, "recurrent connection (W)")], kind="line")
        self.legend.next_to(self.colorbar, UP, buff=0.45)
        self.play(Create(view.w), run_time=2.0)
        self.play(Write(view.matrix_labels[2]), FadeIn(self.legend))

    def follow_one_neuron(self) -> None:
        W = self.lesson.params.W
        self.beat(
            speaker_notes(
                "neuron 1's yellow arrows to every middle neuron, itself included; column 1 "
                "of the W grid.",
                f"column 1 of W: {', '.join(fmt(v) for v in W[:, 0])}.",
                "how many recurrent weights would 100 middle neurons need?",
                "the next time step, with W at work.",
                say="Each middle neuron sends its value to all of them, each arrow its own "
                "weight (one kind of recurrence; Elman nets are simpler, LSTMs richer).",
            )
        )
        view, W = self.view, self.lesson.params.W
        grid = MatrixGrid(
            W,
            label="W",
            label_color=MEANING.recurrent.color,
            label_side=UP,
            max_width=PANEL_WIDTH,
            max_height=GRID_MAX_HEIGHT,
        )
        grid.move_to([PANEL_X, GRID_TOP - grid.height / 2, 0])
        caption = Text("column k: from neuron k", font_size=FONT_SMALL, color=MEANING.text.color)
        caption.next_to(grid, DOWN, buff=0.2)
        self.w_grid = grid
        self.play(FadeIn(grid), FadeIn(caption))
        column_frame = None
        for k in range(len(view.hidden)):
            frame = SurroundingRectangle(
                VGroup(*(grid.cell(j, k) for j in range(W.shape[0]))),
                color=MEANING.recurrent.color,
                buff=0.04,
                stroke_width=4,
            )
            neuron = SurroundingRectangle(
                view.hidden.circle(k), color=MEANING.recurrent.color, buff=0.08
            )
            moves = [view.w.highlight_from(k)]
            if column_frame is None:
                column_frame, neuron_frame = frame, neuron
                moves += [Create(frame), Create(neuron)]
            else:
                moves += [Transform(column_frame, frame), Transform(neuron_frame, neuron)]
            self.play(*moves, run_time=0.8)
            self.play(
                self.flash(self.recurrent_bodies(view.w.outgoing(k)), MEANING.recurrent.color)
            )
        self.play(view.w.reset(), FadeOut(column_frame), FadeOut(neuron_frame))
        self.play(FadeOut(caption))
        self.wait(0.2)  # the slide's last frame without traces of the fade

    def next_step(self, t: int) -> None:
        tr = self.lesson.trace()
        self.beat(
            speaker_notes(
                f"x({display_step(t)}) through U and the yellow W arrows together into h.",
                f"h({display_step(t)}) = ({', '.join(fmt(v) for v in tr.h[t])}).",
                "what would h be without the W arrows?",
                "the rest of the sequence.",
                say="Now each middle neuron sums the new input (U) and the previous step's "
                "middle layer (W), then activates.",
            )
        )
        view, trace = self.view, self.lesson.trace()
        self.play(
            Transform(self.step_label, self.step_text(t)), view.inputs.set_values(trace.xs[t])
        )
        self.play(
            self.flash(view.u), self.flash(self.recurrent_bodies(view.w), MEANING.recurrent.color)
        )
        self.play(view.hidden.set_values(trace.h[t]))
        self.play(self.flash(view.v))
        self.play(view.outputs.set_values(trace.y_hat[t]))
        view.t = t
        self.shown_steps.append(t)

    def repeat_through_time(self) -> None:
        tr, T = self.lesson.trace(), self.lesson.T
        self.beat(
            speaker_notes(
                "the lines, which never change, and the neurons, which do.",
                f"{T} steps; the last output y-hat({T}) = "
                f"({', '.join(fmt(v) for v in tr.y_hat[T - 1])}).",
                "what is shared between the time steps, and what is not?",
                "unfolding this network through time.",
                say="An RNN repeats this at every step, with the same U, W and V.",
            )
        )
        view, trace = self.view, self.lesson.trace()
        for t in range(view.t + 1, self.lesson.T):
            self.play(
                Transform(self.step_label, self.step_text(t)),
                view.inputs.set_values(trace.xs[t]),
                run_time=REPEAT_RUN_TIME / 3,
            )
            self.play(
                self.flash(view.u, run_time=REPEAT_RUN_TIME / 3),
                self.flash(
                    self.recurrent_bodies(view.w), MEANING.recurrent.color, REPEAT_RUN_TIME / 3
                ),
            )
            self.play(
                view.hidden.set_values(trace.h[t]),
                view.outputs.set_values(trace.y_hat[t]),
                run_time=REPEAT_RUN_TIME / 3,
            )
            view.t = t
            self.shown_steps.append(t)
        shared = Text(
            "the same U, W, V\nat every time step",
            font_size=FONT_LABEL,
            color=MEANING.text.color,
            line_spacing=0.8,
        )
        shared.next_to(self.w_grid, DOWN, buff=0.3).set_x(PANEL_X)
        labels = view.matrix_labels
        self.play(
            FadeIn(shared),
            Indicate(labels[0], color=MEANING.input.color),
            Indicate(labels[1], color=MEANING.output.color),
            Indicate(labels[2], color=MEANING.recurrent.color),
            Indicate(self.w_grid.label, color=MEANING.recurrent.color),
        )
        self.shared_text = shared
