"""Unfolding: the folded RNN unrolled through time (article 001, section 2).

The compact RNN (x -> h -> o with a yellow loop W on h) repeats one process at
every step: take an input, give an output, feed the middle layer back to itself.
Keeping every step's values means drawing a copy per step: the unfolded network,
with the lesson's values. Every copy uses the same U, W, V (shown once, as the
lesson's matrices, and lit up at every step at once). Finally the abstract,
blackboxed form most texts use.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    MathTex,
    ReplacementTransform,
    SurroundingRectangle,
    Text,
    VGroup,
    Write,
)

from scenes.base import LectureScene
from scenes.grammar import (
    FONT_LABEL,
    MEANING,
)
from scenes.layout import STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH, keep_inside
from scenes.mobjects.blackbox import BlackboxChain, FoldedRNN
from scenes.mobjects.keys import ColorBar
from scenes.mobjects.numbers import fmt
from scenes.mobjects.unrolled import UnrolledRNN
from scenes.mobjects.value_shapes import MatrixGrid
from scenes.notes import speaker_notes

__all__ = ["Unfolding"]

MATRIX_BAND = 1.75  # height of the band on top that holds U, W, V
MATRIX_CELL = (0.74, 0.32)  # cell width, height of the matrices
MATRIX_LABEL = 0.75  # width of "W =" in front of a matrix
MATRIX_GAP = 0.6  # between the matrices
COLORBAR_WIDTH = 1.25  # room on the right for the vertical colour bar
BLACKBOX_FOLDED_X = -5.4  # where the folded RNN sits next to the abstract chain
PARAM_COLORS = {"U": MEANING.input.color, "W": MEANING.recurrent.color, "V": MEANING.output.color}


class Unfolding(LectureScene):
    """Folded RNN -> unrolled network over T steps -> shared parameters -> blackbox."""

    shows_weights = True  # the weights tag in the title line

    def construct(self) -> None:
        self.show_folded()
        self.unfold()
        self.show_shared_parameters()
        self.show_blackboxed()

    # --- beats ------------------------------------------------------------------------
    def show_folded(self) -> None:
        self.beat(
            speaker_notes(
                "x feeding h through U, h giving o through V, the yellow loop W on h.",
                f"{self.lesson.T} time steps in this lesson's sequence.",
                "what does the loop W carry from one step to the next?",
                "the same network unfolded through time.",
                say="An RNN repeats one process; drawn compactly, it is one cell with a loop.",
            )
        )
        self.show_title("Unfolding an RNN through time")
        self.folded = FoldedRNN().move_to(STAGE_CENTER)
        self.play(FadeIn(self.folded))
        self.play(Indicate(self.folded.w_loop, color=MEANING.recurrent.color, scale_factor=1.3))

    def unfold(self) -> None:
        tr = self.lesson.trace()
        self.beat(
            speaker_notes(
                "one column per time step, time left to right; the yellow W arrows from h(0) on.",
                f"h(0) = ({', '.join(fmt(v) for v in tr.h0)}); h(1) = "
                f"({', '.join(fmt(v) for v in tr.h[0])}).",
                "why must we keep every step's values?",
                "the parameters every column shares.",
                say="Keep every step's values: the same RNN, duplicated once per time step, "
                "is the unfolded RNN (also called an RNN).",
            )
        )
        lesson = self.lesson
        band = MATRIX_BAND if lesson.params.n_hidden <= 6 else MATRIX_BAND + 0.5
        height = STAGE_TOP - STAGE_BOTTOM - band
        unrolled = UnrolledRNN(
            lesson.trace(),
            lesson.params,
            rows=("x", "h", "o"),
            input_mask=lesson.input_mask,
            step_names=lesson.step_labels,
            width=STAGE_WIDTH - COLORBAR_WIDTH,
            height=height,
        )
        unrolled.shift(LEFT * COLORBAR_WIDTH / 2 + DOWN * band / 2)
        self.unrolled = unrolled
        folded = self.folded
        moves, targets = [], []
        for t in unrolled.steps:
            pairs = [
                (folded.h, unrolled.h[t]),
                (folded.o, unrolled.o[t]),
                (folded.v_arrow, unrolled.v_arrow[t]),
                (folded.v_label, unrolled.v_label[t]),
            ]
            if t in unrolled.x:  # one-to-many: an input at the first step only
                pairs += [
                    (folded.x, unrolled.x[t]),
                    (folded.u_arrow, unrolled.u_arrow[t]),
                    (folded.u_label, unrolled.u_label[t]),
                ]
            if t in unrolled.w_arrow:
                pairs += [
                    (folded.w_loop, unrolled.w_arrow[t]),
                    (folded.w_label, unrolled.w_label[t]),
                ]
            for source, target in pairs:
                moves.append(ReplacementTransform(source.copy(), target))
                targets.append(target)
        self.play(AnimationGroup(*moves, lag_ratio=0.01), FadeOut(folded), run_time=2.5)
        self.remove(*targets)
        self.add(unrolled)
        others = VGroup(
            *unrolled.row_labels.values(),
            *unrolled.step_labels.values(),
            unrolled.ellipses,
            unrolled.gap_arrows,
        )
        if unrolled.h0 is not None:
            others.add(unrolled.h0, unrolled.h0_label)
        self.remove(*others)
        self.colorbar = ColorBar(label="value", vertical=True, length=2.2)
        self.colorbar.move_to(
            [STAGE_WIDTH / 2 - COLORBAR_WIDTH / 2 + 0.1, unrolled.get_center()[1], 0]
        )
        keep_inside(self.colorbar)  # a one-step lesson's network sits low
        self.play(FadeIn(others), FadeIn(self.colorbar))

    def show_shared_parameters(self) -> None:
        p = self.lesson.params
        self.beat(
            speaker_notes(
                "the one U, W and V matrices, then every arrow of the same letter.",
                f"U[1,1] = {fmt(p.U[0, 0])}, W[1,1] = {fmt(p.W[0, 0])}, V[1,1] = "
                f"{fmt(p.V[0, 0])} at every step; b and c (not drawn) are shared too.",
                "how many numbers would per-step U, W and V need?",
                "the abstract drawing used from now on.",
                say="Parameters do not depend on the time step; only the neurons' values do.",
            )
        )
        params = self.lesson.params
        top = STAGE_TOP - 0.05
        names = ("U", "W", "V")
        columns = sum(getattr(params, name).shape[1] for name in names)
        room = STAGE_WIDTH - len(names) * MATRIX_LABEL - (len(names) - 1) * MATRIX_GAP
        grids = VGroup(
            *(
                MatrixGrid(
                    getattr(params, name),
                    label=f"{name} =",
                    label_color=PARAM_COLORS[name],
                    cell_width=MATRIX_CELL[0],
                    cell_height=MATRIX_CELL[1],
                    max_height=MATRIX_BAND - 0.2 if params.n_hidden <= 6 else MATRIX_BAND + 0.3,
                    max_width=room * getattr(params, name).shape[1] / columns,
                )
                for name in names
            )
        ).arrange(RIGHT, buff=MATRIX_GAP, aligned_edge=UP)
        grids.move_to([0, top - grids.height / 2, 0])
        if grids.width > STAGE_WIDTH:
            grids.scale_to_fit_width(STAGE_WIDTH)
        self.grids = dict(zip(names, grids, strict=True))
        self.play(FadeIn(grids))
        for name in ("W", "U", "V"):
            frame = SurroundingRectangle(
                self.grids[name], color=PARAM_COLORS[name], buff=0.08, stroke_width=4
            )
            shared = self.unrolled.parameter(name)
            self.play(
                Create(frame),
                *(Indicate(m, color=PARAM_COLORS[name], scale_factor=1.25) for m in shared),
                run_time=1.5,
            )
            self.play(FadeOut(frame), run_time=0.4)
        self.wait(0.2)  # the slide's last frame without traces of the fade

    def show_blackboxed(self) -> None:
        self.beat(
            speaker_notes(
                "the folded cell with its loop, equal to the unfolded chain of x, h and o.",
                f"the chain has {self.lesson.T} steps, all with the same U, W and V.",
                "which drawing hides the sharing of the parameters better?",
                "forward propagation with numbers.",
                say="Many texts draw the RNN without neurons or numbers; get used to it.",
            )
        )
        self.clear_stage()
        folded = FoldedRNN(gap=1.5).move_to([BLACKBOX_FOLDED_X, STAGE_CENTER[1], 0])
        equals = MathTex("=", font_size=FONT_LABEL + 16, color=MEANING.text.color)
        equals.next_to(folded, RIGHT, buff=0.45)
        left_edge = equals.get_right()[0] + 0.4
        chain_width = STAGE_WIDTH / 2 - left_edge
        chain = BlackboxChain(self.lesson.T, width=chain_width, gap=1.5)
        if chain.width > chain_width:
            chain.scale_to_fit_width(chain_width)
        chain.move_to([left_edge + chain.width / 2, STAGE_CENTER[1], 0])
        caption = Text("folded  =  unfolded", font_size=FONT_LABEL, color=MEANING.text.color)
        caption.next_to(VGroup(folded, chain), DOWN, buff=0.35)
        if caption.get_bottom()[1] < STAGE_BOTTOM:
            caption.shift((STAGE_BOTTOM - caption.get_bottom()[1]) * UP)
        self.blackbox = chain
        self.folded = folded
        self.play(FadeIn(folded))
        self.play(Write(equals), FadeIn(chain, shift=0.3 * RIGHT), FadeIn(caption))
        self.play(
            *(
                Indicate(m, color=MEANING.recurrent.color, scale_factor=1.25)
                for m in chain.parameter("W")
            ),
            Indicate(folded.w_loop, color=MEANING.recurrent.color, scale_factor=1.25),
        )
