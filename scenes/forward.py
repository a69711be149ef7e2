"""ForwardPropagation: a(t), h(t), o(t), y_hat(t), L(t) step by step (article 001, section 2).

First one time step in detail, next to the step before it: x(t) arrives through
U, h(t-1) arrives through W, one neuron's sum a_j(t) is written out with the
lesson's numbers, h(t) = tanh(a(t)), then o(t), y_hat(t) and the loss L(t).
Then the same equations repeated over the whole unrolled sequence, the values
filling in step by step, and the total loss L = sum_t L(t). Equations follow
Goodfellow et al. 10.8-10.11; every number is the core's (``Lesson.trace()``,
``Lesson.backprop()``, ``rnncore.explain``).
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    ManimColor,
    SurroundingRectangle,
    Text,
    Transform,
    VGroup,
    Write,
)

from scenes.base import LectureScene
from scenes.grammar import (
    FONT_SMALL,
    MEANING,
)
from scenes.layout import STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.forward_equations import general_equations
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step
from scenes.mobjects.unrolled import UnrolledRNN

__all__ = ["ForwardPropagation"]

DETAIL_WIDTH = 6.1  # the two-step unrolled view on the left of the detail part
RIGHT_X = -0.2  # left edge of the equations column
RIGHT_WIDTH = STAGE_WIDTH / 2 - RIGHT_X  # width of the equations column
EQ_FONT = 26  # the general equations
PANEL_FONT = 30  # the substituted equations (shrink to fit, never below FONT_SMALL)
PANEL_BUFF = 0.35  # between the general equations and the substituted ones
TOTAL_BAND = 0.75  # room under the full unrolled view for L = sum_t L(t)
COLORBAR_WIDTH = 1.25  # room on the right of the full view for the colour bar
KEY_GAP = 0.25  # between the full view and the colour bar + legend on its right
FILL_RUN_TIME = 0.35  # seconds per row when the sequence fills in


class ForwardPropagation(LectureScene):
    """One step in detail with substituted numbers, then the whole sequence, then L."""

    def construct(self) -> None:
        self.show_equations()
        t = self.detail_step()
        self.show_two_steps(t)
        self.arrive_input(t)
        self.compute_hidden(t)
        self.compute_output(t)
        self.compute_loss(t)
        self.repeat_through_time()
        self.sum_losses()

    # --- helpers ----------------------------------------------------------------------
    def detail_step(self) -> int:
        """The step shown in detail: one with a previous h and, many-to-one, the loss."""
        T = self.lesson.T
        return T - 1 if self.lesson.task == "many_to_one" else min(1, T - 1)

    def make_view(self, **layout: object) -> UnrolledRNN:
        """The lesson's network unrolled, empty, with its masks and targets."""
        lesson = self.lesson
        return UnrolledRNN(
            lesson.trace(),
            lesson.params,
            lesson.backprop().losses,
            loss_mask=lesson.loss_mask,
            input_mask=lesson.input_mask,
            targets=lesson.targets,
            filled=False,
            step_names=lesson.step_labels,
            **layout,  # type: ignore[arg-type]
        )

    def task_legend(self) -> Legend | None:
        """What the target frames and the "–" cells mean, when the view has them."""
        lesson = self.lesson
        entries = []
        if lesson.loss == "cross_entropy":
            entries.append((MEANING.text.color, "target class"))
        if not lesson.loss_mask.all():
            entries.append((MEANING.neutral.color, "– no loss"))
        return Legend(entries, kind="frame") if entries else None

    def mark_equation(self, index: int) -> None:
        """Frame line ``index`` of the general equations (moving the frame)."""
        frame = SurroundingRectangle(
            self.equations.lines[index], color=MEANING.text.color, buff=0.08
        )
        if self.eq_frame is None:
            self.eq_frame = frame
            self.play(Create(frame), run_time=0.5)
        else:
            self.play(Transform(self.eq_frame, frame), run_time=0.5)

    def show_panel(self, panel: EquationPanel, name: str) -> None:
        """Replace the substituted-equation panel under the general equations."""
        panel.next_to(self.equations, DOWN, buff=PANEL_BUFF)
        panel.align_to(self.equations, LEFT)
        if panel.get_bottom()[1] < STAGE_BOTTOM:
            panel.shift((STAGE_BOTTOM - panel.get_bottom()[1]) * UP)
        self.panels[name] = panel
        if self.panel is not None:
            self.play(FadeOut(self.panel), run_time=0.4)
        self.panel = panel
        self.play(Write(panel), run_time=1.5)

    def flow(self, arrows: Sequence, color: ManimColor) -> None:
        self.play(*(Indicate(a, color=color, scale_factor=1.15) for a in arrows), run_time=0.8)

    # --- beats ------------------------------------------------------------------------
    def show_equations(self) -> None:
        self.beat(
            "These are the equations of one step of forward propagation, in the notation "
            "of the MIT textbook (Goodfellow, Bengio and Courville, 10.8 to 10.11). a(t) is "
            "a linear summation: every element of W h(t-1) is a weighted sum of all the "
            "elements of h(t-1), with the weights in W, so a product of a matrix and a "
            "vector is a connection between two layers. h(t) activates a(t) with tanh; "
            "o(t) sums h(t) through V; y-hat(t), the hat meaning an estimated value, is its "
            "softmax; and L(t) compares the estimate with the target y(t)."
        )
        self.show_title("Forward propagation, step by step")
        lesson = self.lesson
        self.equations = general_equations(lesson.trace().output, lesson.loss, EQ_FONT, RIGHT_WIDTH)
        self.equations.move_to(STAGE_CENTER)
        self.play(Write(self.equations), run_time=2.5)
        self.eq_frame: SurroundingRectangle | None = None
        self.panel: EquationPanel | None = None
        self.panels: dict[str, EquationPanel] = {}

    def show_two_steps(self, t: int) -> None:
        self.beat(
            "Now with the lesson's numbers. On the left, two time steps of the unfolded "
            "network. The earlier step is already computed: its h is what the middle layer "
            "passes on through the recurrent connections W. We now compute time step "
            f"{display_step(t)}."
        )
        steps = (t - 1, t) if t > 0 else (t,)
        view = self.make_view(steps=steps, width=DETAIL_WIDTH)
        view.shift((-STAGE_WIDTH / 2 + DETAIL_WIDTH / 2) * RIGHT)
        self.detail = view
        eqs = self.equations
        target = [RIGHT_X + eqs.width / 2, STAGE_TOP - eqs.height / 2, 0]
        self.panel_height = STAGE_TOP - eqs.height - PANEL_BUFF - STAGE_BOTTOM
        self.play(eqs.animate.move_to(target), FadeIn(view))
        if t > 0:
            self.play(*view.fill_step(t - 1))
        # the colour bar stands in the free corner above h(0)
        self.colorbar = ColorBar(label="value", length=1.6, vertical=True)
        free_bottom = (view.h0_label if view.h0_label is not None else view).get_top()[1]
        self.colorbar.move_to([view.h0.get_x() + 0.1, (free_bottom + STAGE_TOP) / 2, 0])
        self.play(FadeIn(self.colorbar))

    def arrive_input(self, t: int) -> None:
        view = self.detail
        if not self.lesson.input_mask[t]:
            self.beat(
                "This is a one-to-many task: the network gets one input, at the first step, "
                "and nothing after it. So at this step nothing arrives from below; the "
                "middle layer gets only its own previous values, through the yellow "
                "recurrent connections W, and a(t) is b + W h(t-1)."
            )
            self.mark_equation(0)
            self.flow([view.w_arrow[t], view.w_label[t]], MEANING.recurrent.color)
            return
        self.beat(
            "The input x(t) of this step arrives at the bottom and propagates forward "
            "through U, as in a normal DCL. At the same time the middle layer's values of "
            "the previous step arrive through the yellow recurrent connections W."
            if t > 0
            else "The input x(t) of this step arrives at the bottom and propagates forward "
            "through U, as in a normal DCL; the previous middle values are h(0), which "
            "arrive through the yellow recurrent connections W."
        )
        self.mark_equation(0)
        self.play(view.fill("x", t))
        self.flow([view.u_arrow[t], view.u_label[t]], MEANING.input.color)
        if t in view.w_arrow:
            self.flow([view.w_arrow[t], view.w_label[t]], MEANING.recurrent.color)

    def compute_hidden(self, t: int) -> None:
        j = 0
        self.beat(
            f"One neuron in detail: a_{j + 1}(t) is the bias plus a linear summation of the "
            "previous middle values with the weights in row "
            f"{j + 1} of W, plus a linear summation of the input with row {j + 1} of U. "
            "Every product is written out with the lesson's numbers. Then h(t) = tanh(a(t)) "
            "squashes the sum into (-1, 1); the other neurons do the same with their rows."
        )
        lesson, view = self.lesson, self.detail
        panel = EquationPanel.hidden_unit(
            lesson.params,
            lesson.trace(),
            t,
            j,
            font_size=PANEL_FONT,
            max_width=RIGHT_WIDTH,
            max_height=self.panel_height,
            with_input=bool(lesson.input_mask[t]),
        )
        self.show_panel(panel, "hidden")
        self.mark_equation(1)
        self.play(view.fill("h", t))
        cell = SurroundingRectangle(
            view.h[t].cell(j), color=MEANING.hidden.color, buff=0.04, stroke_width=5
        )
        self.play(Create(cell))
        self.hidden_cell = cell

    def compute_output(self, t: int) -> None:
        lesson, view = self.lesson, self.detail
        trace = lesson.trace()
        k = int(lesson.targets[t]) if lesson.loss == "cross_entropy" else 0
        last = (
            "The softmax turns o(t) into the estimated probabilities y-hat(t)."
            if trace.output == "softmax"
            else "With the squared-error loss o(t) is the network's estimate itself, "
            "with no softmax."
        )
        self.beat(
            "The values of h(t) propagate forward in two ways: to the next step through W, "
            "and up through V to the output o(t), again a linear summation, plus the bias "
            f"c. {last} Here output {k + 1} in detail."
        )
        self.play(FadeOut(self.hidden_cell), run_time=0.3)
        panel = EquationPanel.output_unit(
            lesson.params,
            trace,
            t,
            k,
            font_size=PANEL_FONT,
            max_width=RIGHT_WIDTH,
            max_height=self.panel_height,
        )
        self.show_panel(panel, "output")
        self.mark_equation(2)
        self.flow([view.v_arrow[t], view.v_label[t]], MEANING.text.color)
        self.play(view.fill("o", t))
        if "y_hat" in view.rows:
            self.mark_equation(3)
            self.play(view.fill("y_hat", t))

    def compute_loss(self, t: int) -> None:
        lesson, view = self.lesson, self.detail
        self.beat(
            "Finally the loss of this step compares the estimate with the target y(t), "
            "the framed class: minus the log of the probability the network gave to the "
            "correct class. A small probability for the right answer means a large loss."
            if lesson.loss == "cross_entropy"
            else "Finally the loss of this step compares the estimate o(t) with the "
            "target y(t), drawn above the loss: half the squared distance between the two "
            "vectors. The further the estimate from the target, the larger the loss."
        )
        self.mark_equation(len(self.equations.lines) - 1)
        if not lesson.loss_mask[t]:
            note = Text(
                "no loss at this step (many-to-one)", font_size=FONT_SMALL, color=MEANING.text.color
            )
            note.next_to(self.equations, DOWN, buff=PANEL_BUFF).align_to(self.equations, LEFT)
            self.play(FadeOut(self.panel), FadeIn(note))
            self.panel = None
            self.loss_note = note
            return
        panel = EquationPanel.step_loss(
            lesson.trace(),
            lesson.backprop().losses,
            lesson.targets,
            t,
            loss=lesson.loss,
            class_names=lesson.output_labels,
            font_size=PANEL_FONT,
            max_width=RIGHT_WIDTH,
        )
        self.show_panel(panel, "loss")
        self.play(
            view.fill("y", t)
            if "y" in view.rows
            else Indicate(view.target_frames[t], color=MEANING.highlight.color)
        )
        self.play(view.fill("loss", t))

    def repeat_through_time(self) -> None:
        self.beat(
            "The same equations, with the same parameters U, W, V, b and c, are repeated at "
            "every time step: the input arrives, the middle layer combines it with its own "
            "previous values, and the network gives an output and a loss at every step. "
            "Here the whole sequence fills in, step by step, from h(0)."
        )
        self.clear_stage()
        legend = self.task_legend()
        colorbar = ColorBar(label="value", vertical=True, length=2.2)
        key = VGroup(colorbar, *([legend] if legend is not None else []))
        key.arrange(DOWN, buff=0.4, aligned_edge=LEFT)
        side = max(COLORBAR_WIDTH, key.width + KEY_GAP)  # the right column, the key's width
        view = self.make_view(
            width=STAGE_WIDTH - side, height=STAGE_TOP - STAGE_BOTTOM - TOTAL_BAND
        )
        view.shift(LEFT * side / 2 + UP * TOTAL_BAND / 2)
        self.unrolled = view
        key.move_to([STAGE_WIDTH / 2 - key.width / 2, view.get_center()[1], 0])
        self.play(FadeIn(view), FadeIn(key))
        for t in view.steps:
            for anim in view.fill_step(t):
                self.play(anim, run_time=FILL_RUN_TIME)

    def sum_losses(self) -> None:
        self.beat(
            "The loss of the whole sequence is the sum of the losses of all time steps, "
            "L = sum over t of L(t), the number that backpropagation through time will "
            "reduce. Every step's loss depends on the same parameters."
        )
        lesson, view = self.lesson, self.unrolled
        bp = lesson.backprop()
        panel = EquationPanel.total_loss(
            bp.losses,
            bp.loss,
            loss_mask=lesson.loss_mask,
            font_size=PANEL_FONT,
            max_width=STAGE_WIDTH,
        )
        panel.move_to([0, STAGE_BOTTOM + TOTAL_BAND / 2, 0])
        self.panels["total"] = panel
        frames = VGroup(
            *(
                SurroundingRectangle(view.loss[t], color=MEANING.loss.color, buff=0.05)
                for t in view.steps
                if "loss" in view.rows and lesson.loss_mask[t]
            )
        )
        self.play(Create(frames))
        self.play(Write(panel), run_time=1.5)
        self.total_panel = panel
