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
from scenes.errorflow.stage import loss_bar
from scenes.grammar import (
    FONT_SMALL,
    MEANING,
)
from scenes.layout import (
    STAGE_BOTTOM,
    STAGE_CENTER,
    STAGE_TOP,
    STAGE_WIDTH,
    fit_within,
    keep_inside,
)
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.forward_equations import general_equations, loss_scale_top, task_legend
from scenes.mobjects.keys import ColorBar
from scenes.mobjects.numbers import display_step, fmt
from scenes.mobjects.unrolled import UnrolledRNN
from scenes.notes import speaker_notes

__all__ = ["ForwardPropagation"]

DETAIL_WIDTH = 6.1  # the two-step unrolled view on the left of the detail part
RIGHT_X = -0.2  # left edge of the equations column
RIGHT_WIDTH = STAGE_WIDTH / 2 - RIGHT_X  # width of the equations column
EQ_FONT = 26  # the general equations
EQ_ALONE = 0.6  # the share of the stage's width or height they fill on their own slide
PANEL_FONT = 30  # the substituted equations (shrink to fit, never below FONT_SMALL)
PANEL_BUFF = 0.35  # between the general equations and the substituted ones
TOTAL_BAND = 0.75  # room under the full unrolled view for L = sum_t L(t)
COLORBAR_WIDTH = 1.25  # room on the right of the full view for the colour bar
KEY_GAP = 0.25  # between the full view and the colour bar + legend on its right
FILL_RUN_TIME = 0.35  # seconds per row when the sequence fills in


class ForwardPropagation(LectureScene):
    """One step in detail with substituted numbers, then the whole sequence, then L."""

    shows_weights = True  # the weights tag in the title line

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
            speaker_notes(
                "each line and its colour: a(t), h(t), o(t)"
                + (", y-hat(t)" if self.lesson.trace().output == "softmax" else "")
                + ", L(t).",
                f"{self.lesson.T} time steps, each running these lines once.",
                "which term makes this an RNN and not a DCL?",
                "the same lines with the lesson's numbers.",
                say="One step of forward propagation (Goodfellow 10.8-10.11): a matrix times "
                "a vector is a connection between two layers; the hat marks an estimate.",
            )
        )
        self.show_title("Forward propagation, step by step")
        lesson = self.lesson
        self.equations = general_equations(lesson.trace().output, lesson.loss, EQ_FONT, RIGHT_WIDTH)
        # alone on this slide, the equations fill the stage; the next slide shrinks them
        # back into the equations column beside the network
        eqs, stage_height = self.equations, STAGE_TOP - STAGE_BOTTOM
        self.eq_zoom = max(
            1.0, min(EQ_ALONE * STAGE_WIDTH / eqs.width, EQ_ALONE * stage_height / eqs.height)
        )
        eqs.scale(self.eq_zoom).move_to(STAGE_CENTER)
        self.play(Write(self.equations), run_time=2.5)
        self.eq_frame: SurroundingRectangle | None = None
        self.panel: EquationPanel | None = None
        self.panels: dict[str, EquationPanel] = {}

    def show_two_steps(self, t: int) -> None:
        tr = self.lesson.trace()
        self.beat(
            speaker_notes(
                f"the left column: step {display_step(t - 1)}, already computed"
                if t > 0
                else "the column of step 1 and h(0) on its left",
                f"h({display_step(t - 1)}) = ({', '.join(fmt(v) for v in tr.h_prev[t])}), "
                "what W passes on.",
                "which numbers does step " + f"{display_step(t)} need from the past?",
                f"computing step {display_step(t)}.",
            )
        )
        steps = (t - 1, t) if t > 0 else (t,)
        view = self.make_view(steps=steps, width=DETAIL_WIDTH)
        view.shift((-STAGE_WIDTH / 2 + DETAIL_WIDTH / 2) * RIGHT)
        self.detail = view
        eqs, zoom = self.equations, self.eq_zoom
        width, height = eqs.width / zoom, eqs.height / zoom  # in the equations column
        target = [RIGHT_X + width / 2, STAGE_TOP - height / 2, 0]
        self.panel_height = STAGE_TOP - height - PANEL_BUFF - STAGE_BOTTOM
        self.play(eqs.animate.scale(1 / zoom).move_to(target), FadeIn(view))
        if t > 0:
            self.play(*view.fill_step(t - 1))
        # the colour bar stands in the free corner above h(0)
        self.colorbar = VGroup(ColorBar(label="value", length=1.0, vertical=True))
        if "loss" in view.rows:  # the L(t) cells' own scale under it
            self.colorbar.add(loss_bar(view.loss_vmax, length=0.8))
        self.colorbar.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        free_bottom = (view.h0_label if view.h0_label is not None else view).get_top()[1]
        fit_within(self.colorbar, STAGE_WIDTH, STAGE_TOP - free_bottom - 0.15)
        self.colorbar.move_to([view.h0.get_x() + 0.1, (free_bottom + STAGE_TOP) / 2, 0])
        self.play(FadeIn(self.colorbar))

    def arrive_input(self, t: int) -> None:
        view = self.detail
        if not self.lesson.input_mask[t]:
            self.beat(
                speaker_notes(
                    "the empty x cell and the yellow W arrow, the only thing arriving.",
                    f"a({display_step(t)}) = b + W h({display_step(t - 1)}).",
                    "where does this step's information come from?",
                    "the middle layer's sum.",
                    say="One-to-many: one input at the first step, nothing after it.",
                )
            )
            self.mark_equation(0)
            self.flow([view.w_arrow[t], view.w_label[t]], MEANING.recurrent.color)
            return
        self.beat(
            speaker_notes(
                "x(t) coming in through U"
                + (" and the yellow W arrow bringing h(t-1)." if t > 0 else " and h(0) through W."),
                f"x({display_step(t)}) = ({', '.join(fmt(v) for v in self.lesson.xs[t])}).",
                "which two things arrive at the middle layer?",
                "one neuron's sum.",
            )
        )
        self.mark_equation(0)
        self.play(view.fill("x", t))
        self.flow([view.u_arrow[t], view.u_label[t]], MEANING.input.color)
        if t in view.w_arrow:
            self.flow([view.w_arrow[t], view.w_label[t]], MEANING.recurrent.color)

    def compute_hidden(self, t: int) -> None:
        j = 0
        tr = self.lesson.trace()
        self.beat(
            speaker_notes(
                f"the products in the panel: row {j + 1} of W with h(t-1), row {j + 1} of U "
                "with x(t), and the bias.",
                f"a_{j + 1}({display_step(t)}) = {fmt(tr.a[t, j])}, "
                f"h_{j + 1} = tanh of it = {fmt(tr.h[t, j])}.",
                "why is h always between -1 and 1?",
                "the output of this step.",
            )
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
            speaker_notes(
                f"h(t) going up through V; output {k + 1}'s sum in the panel.",
                f"o_{k + 1}({display_step(t)}) = {fmt(trace.o[t, k])}"
                + (
                    f", y-hat_{k + 1} = {fmt(trace.y_hat[t, k])}."
                    if trace.output == "softmax"
                    else "."
                ),
                "where else does h(t) go?",
                "the loss of this step.",
                say=last,
            )
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
        bp = lesson.backprop()
        ce = lesson.loss == "cross_entropy"
        self.beat(
            speaker_notes(
                (
                    "the framed target class y(t) and the loss panel."
                    if ce
                    else "the target y(t) above the loss and the loss panel."
                ),
                (
                    f"L({display_step(t)}) = {fmt(bp.losses[t])}."
                    if lesson.loss_mask[t]
                    else f"step {display_step(t)} has no target: no loss (many-to-one)."
                ),
                (
                    "what loss would a probability of 1 for the target give?"
                    if ce
                    else "what loss would o(t) = y(t) give?"
                ),
                "every step of the sequence.",
                say=(
                    "L(t) = -log of the probability given to the target class y(t)."
                    if ce
                    else "L(t) = half the squared distance between o(t) and the target y(t)."
                ),
            )
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
            speaker_notes(
                "the columns filling in from h(0), left to right.",
                f"{self.lesson.T} steps, one U, W, V, b and c.",
                "could step 3 be computed before step 2?",
                "the loss of the whole sequence.",
                say="The same equations and parameters at every time step.",
            )
        )
        self.clear_stage()
        legend = task_legend(self.lesson)
        colorbar = ColorBar(label="value", vertical=True, length=2.2)
        loss_key = [loss_bar(loss_scale_top(self.lesson), length=1.2)]
        key = VGroup(colorbar, *loss_key, *([legend] if legend is not None else []))
        key.arrange(DOWN, buff=0.4, aligned_edge=LEFT)
        side = max(COLORBAR_WIDTH, key.width + KEY_GAP)  # the right column, the key's width
        view = self.make_view(
            width=STAGE_WIDTH - side, height=STAGE_TOP - STAGE_BOTTOM - TOTAL_BAND
        )
        view.shift(LEFT * side / 2 + UP * TOTAL_BAND / 2)
        self.unrolled = view
        key.move_to([STAGE_WIDTH / 2 - key.width / 2, view.get_center()[1], 0])
        keep_inside(key)  # a tall key (many-to-one's legend too) stays under the title line
        self.play(FadeIn(view), FadeIn(key))
        for t in view.steps:
            for anim in view.fill_step(t):
                self.play(anim, run_time=FILL_RUN_TIME)

    def sum_losses(self) -> None:
        bp = self.lesson.backprop()
        self.beat(
            speaker_notes(
                "the framed L(t) cells and the sum under them.",
                f"L = {fmt(bp.loss)} (the sum of the unrounded L(t)).",
                "which parameters does every L(t) depend on?",
                "backpropagation through time, which lowers L.",
                say="The loss of the sequence is the sum of the steps' losses.",
            )
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
