"""BackpropThroughTime: errors colour-coded by source loss, per-step gradients, one update.

Article 001 §3 with the lesson's numbers: the per-step losses and their sum; the
output errors; every loss L(s) sending its error back through V, tanh and the
recurrent connections in its own colour (so step t needs every error from later
steps); the size of each source's share per step (a stacked bar, the idea of
RNNbow); Goodfellow 10.18-10.28 with one neuron's values; the per-step gradients
in coloured frames, their sum over time, and the one update of the parameters.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    MathTex,
    Text,
    Transform,
    VGroup,
    VMobject,
    Write,
)

from rnncore.bptt_views import (
    UpdateReport,
    d_h_parts,
    source_shares,
    tanh_derivative,
    target_prediction,
    update_report,
)
from scenes.base import LectureScene
from scenes.errorflow.flow import ErrorFlow
from scenes.errorflow.gradients import GradientTable, MatrixFrame
from scenes.errorflow.sources import ContributionSum, SourceBars
from scenes.errorflow.stage import (
    LEGEND_WIDTH,
    NET_HEIGHT,
    SharedScaleNeuronsView,
    error_stage,
    place_panel,
    source_legend,
)
from scenes.grammar import (
    FONT_NUMBER,
    FONT_SMALL,
    MEANING,
    source_color,
)
from scenes.layout import FRAME_MARGIN, STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step, fmt, relation, shown, tex_num
from scenes.mobjects.value_shapes import VectorStrip

__all__ = ["BackpropThroughTime"]

EQ_SIZE = 30
DIM = 0.25  # opacity of the network while the errors flow
BARS_HEIGHT = 4.0
MATRIX_CELL = (0.8, 0.4)
KEY_BAR_LENGTH = 1.2  # the value colour bar beside the unrolled network


def tex_vec(values: np.ndarray) -> str:
    """A vector as TeX, ``(0.58,\\ -0.58)``."""
    return r"\left(" + r",\ ".join(fmt(x) for x in values) + r"\right)"


UPDATE_TABLE_NOTE = (
    "The table shows, for every step, the prediction the loss reads and the loss "
    "L(t), before the update and after it (a new forward pass with the new "
    "parameters on the same sequence). Single steps can get worse while the sum falls."
)


def update_verdict(rep: UpdateReport) -> str:
    """One sentence on what the step did to the total loss (says so when it overshoots)."""
    before, after, lr = fmt(rep.loss_before), fmt(rep.loss_after), f"{rep.lr:g}"
    if rep.lowers:
        return f"One step with learning rate {lr} lowers the loss L from {before} to {after}."
    return (
        f"This step overshoots: with learning rate {lr} the loss L rises from {before} "
        f"to {after}. A smaller learning rate would lower it."
    )


class UpdateTable(VGroup):
    """Per-step prediction and loss before and after one update, and the total L.

    Cross-entropy shows y_hat(t) of the target class (what -log reads); mse shows o(t).
    ``before_rows`` / ``after_rows`` hold the rows; ``numbers`` the values drawn:
    ``{"pred_before": (T,) or (T, O), "pred_after", "losses_before": (T,),
    "losses_after", "loss_before": float, "loss_after"}`` (masked steps are blank).
    """

    def __init__(self, rep: UpdateReport, lesson, font_size: float = FONT_NUMBER + 2) -> None:
        super().__init__()
        T = lesson.T
        mask = lesson.loss_mask
        ce = lesson.loss == "cross_entropy"
        if ce:
            pred_b = target_prediction(rep.trace_before, lesson.targets)
            pred_a = target_prediction(rep.trace_after, lesson.targets)
            pred_label = r"\hat y^{(t)}_{y^{(t)}}"
        else:
            pred_b, pred_a = rep.trace_before.o, rep.trace_after.o
            pred_label = r"o^{(t)}"
        self.numbers = {
            "pred_before": pred_b.copy(),
            "pred_after": pred_a.copy(),
            "losses_before": rep.losses_before.copy(),
            "losses_after": rep.losses_after.copy(),
            "loss_before": rep.loss_before,
            "loss_after": rep.loss_after,
        }

        def cell(text: str) -> VMobject:
            return (
                MathTex(text, font_size=font_size, color=MEANING.text.color) if text else VMobject()
            )

        def pred(v) -> str:
            return fmt(v) if ce else tex_vec(v)

        header = [cell("t")] + [cell(str(display_step(t))) for t in range(T)] + [cell("L")]
        rows = {
            "pred_before": [cell(pred_label + r"\ \text{before}")]
            + [cell(pred(pred_b[t]) if mask[t] else "") for t in range(T)]
            + [cell("")],
            "pred_after": [cell(pred_label + r"\ \text{after}")]
            + [cell(pred(pred_a[t]) if mask[t] else "") for t in range(T)]
            + [cell("")],
            "loss_before": [cell(r"L^{(t)}\ \text{before}")]
            + [cell(fmt(rep.losses_before[t]) if mask[t] else "") for t in range(T)]
            + [cell(fmt(rep.loss_before))],
            "loss_after": [cell(r"L^{(t)}\ \text{after}")]
            + [cell(fmt(rep.losses_after[t]) if mask[t] else "") for t in range(T)]
            + [cell(fmt(rep.loss_after))],
        }
        order = ["pred_before", "pred_after", "loss_before", "loss_after"]
        grid = [header] + [rows[k] for k in order]
        widths = [max(r[c].width for r in grid) for c in range(T + 2)]
        gap = 0.45
        xs = np.cumsum([0.0] + [w + gap for w in widths[:-1]])
        xs = [x + w / 2 for x, w in zip(xs, widths, strict=True)]
        xs[0] = widths[0] / 2  # labels: right-aligned on the first column's edge
        row_h = 0.62
        for i, row in enumerate(grid):
            y = -i * row_h
            for c, mob in enumerate(row):
                if c == 0:
                    mob.move_to([widths[0] - mob.width / 2, y, 0])
                else:
                    mob.move_to([xs[c], y, 0])
        self.cells = {k: VGroup(*rows[k]) for k in order}
        self.header = VGroup(*header)
        self.before_rows = VGroup(self.header, self.cells["pred_before"], self.cells["loss_before"])
        self.after_rows = VGroup(self.cells["pred_after"], self.cells["loss_after"])
        self.add(self.header, *self.cells.values())


class BackpropThroughTime(LectureScene):
    """BPTT with real numbers: coloured errors, per-step gradients, their sum, the update."""

    def construct(self) -> None:
        self.compute()
        self.show_losses()
        self.show_output_errors()
        self.flow_errors()
        self.focus_step()
        self.show_source_bars()
        self.show_equations()
        self.show_step_gradients()
        self.sum_and_update()
        self.show_updated_network()
        self.show_loss_after_update()

    # --- numbers -----------------------------------------------------------------
    def compute(self) -> None:
        lesson = self.lesson
        self.trace = lesson.trace()
        self.bp = lesson.backprop()
        self.parts = d_h_parts(self.bp)
        self.dtanh = tanh_derivative(self.trace)  # (T, H)
        self.update = update_report(
            lesson.params,
            lesson.xs,
            lesson.targets,
            lesson.learning_rate,
            h0=lesson.h0,
            loss=lesson.loss,
            loss_mask=lesson.loss_mask,
        )
        self.new_params = self.update.params_after
        T = lesson.T
        self.t_focus = 1 if T > 1 else 0  # the step whose gradient is framed (h(t-1) != h0)
        self.j_focus = 0  # the neuron whose equations carry numbers

    # --- beats -------------------------------------------------------------------
    def show_losses(self) -> None:
        self.beat(
            "Where forward propagation ended: every step has its own loss L(t), and the "
            "loss of the whole sequence is their sum. Backpropagation through time starts "
            "from these losses."
        )
        self.show_title("Backpropagation through time")
        lesson, bp = self.lesson, self.bp
        self.net, self.legend = error_stage(
            lesson, bp.losses, height=NET_HEIGHT, legend_width=LEGEND_WIDTH
        )
        self.panel = EquationPanel.total_loss(
            bp.losses, bp.loss, loss_mask=lesson.loss_mask, font_size=EQ_SIZE
        )
        place_panel(self.panel)
        self.value_bar = self.place_key()
        self.play(FadeIn(self.net), FadeIn(self.value_bar))
        self.play(Write(self.panel))

    def place_key(self) -> ColorBar:
        """The value colour bar (cells show values, then errors) above the source legend.

        Both stand in the right-hand column, the bar at the top of the stage.
        """
        bar = ColorBar(1.0, label="value", vertical=True, length=KEY_BAR_LENGTH)
        key = VGroup(bar, self.legend).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        if key.height > STAGE_TOP - STAGE_BOTTOM:
            key.scale_to_fit_height(STAGE_TOP - STAGE_BOTTOM)
        key.to_edge(RIGHT, buff=FRAME_MARGIN)
        key.shift((STAGE_TOP - key.get_top()[1]) * UP)
        return bar

    def show_output_errors(self) -> None:
        self.beat(
            "The first errors are those of the outputs: dL/do(t) = y_hat(t) - y(t), the "
            "same form for every step. Each one belongs to one loss L(t), so from now on "
            "it gets that loss's colour (legend on the right)."
            + (
                ""
                if self.lesson.loss_mask.all()
                else " Steps without a loss have no output error: their dL/do(t) is zero."
            )
        )
        net, bp = self.net, self.bp
        self.d_o_strips: dict[int, VectorStrip] = {}
        # the error takes the place of y_hat(t) (of o(t) itself for mse, where y_hat = o)
        row = "y_hat" if "y_hat" in net.rows else "o"
        for t in net.steps:
            home = getattr(net, row)[t]
            strip = VectorStrip(
                bp.d_o[t],
                cell_width=home.shapes[0].width,
                cell_height=home.shapes[0].height,
                outline=source_color(t),
                vmax=1.0,
            )
            self.d_o_strips[t] = strip.move_to(home)
        label = MathTex(
            r"\frac{\partial L}{\partial o^{(t)}}",
            font_size=FONT_SMALL + 4,
            color=MEANING.text.color,
        ).move_to(net.row_labels[row])
        label.align_to(net.row_labels[row], LEFT)
        anims = [Transform(net.row_labels[row], label)]
        anims += [FadeOut(getattr(net, row)[t]) for t in net.steps]
        # a step that has a loss (many-to-one: the last); the others have no output error
        t = self.t_focus if self.lesson.loss_mask[self.t_focus] else self.lesson.T - 1
        y = bp.y[t]
        tp = display_step(t)
        panel = MathTex(
            rf"\frac{{\partial L}}{{\partial o^{{({tp})}}}}",
            rf"=\hat y^{{({tp})}}-y^{{({tp})}}",
            "=" + tex_vec(self.trace.y_hat[t]) + "-" + tex_vec(y),
            relation(
                [shown(a) - shown(b) for a, b in zip(self.trace.y_hat[t], y, strict=True)],
                [fmt(v) for v in bp.d_o[t]],
            )
            + tex_vec(bp.d_o[t]),
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        panel[0].set_color(source_color(t))
        panel[3].set_color(source_color(t))
        self.d_o_panel_values = bp.d_o[t].copy()
        self.d_o_step = t
        self.swap_panel(panel)
        self.play(*anims, *(FadeIn(s) for s in self.d_o_strips.values()), FadeIn(self.legend))

    def flow_errors(self) -> None:
        T = self.lesson.T
        self.beat(
            "Errors flow backward through the unrolled network: from o(s) through V into "
            "h(s), through tanh into a(s), and back along the recurrent connections into "
            "every earlier step. Each loss L(s) has its own colour; an arrow's width is the "
            "size of the error that loss leaves at that step. The error at step t is the "
            "sum of contributions from L(t), L(t+1), ... up to the last loss."
        )
        self.flow = ErrorFlow.on(self.net, self.bp.norms_by_source)
        self.play(
            self.net.arrows.animate.set_opacity(DIM),
            self.net.labels.animate.set_opacity(DIM),
        )
        self.show_hidden_errors()
        chain = MathTex(
            r"\frac{\partial L}{\partial o^{(s)}}",
            r"\xrightarrow{\;V^\top\;}",
            r"\frac{\partial L}{\partial h^{(s)}}",
            r"\xrightarrow{\;1-h^2\;}",
            r"\frac{\partial L}{\partial a^{(s)}}",
            r"\xrightarrow{\;W^\top\;}",
            r"\frac{\partial L}{\partial h^{(s-1)}}",
            r"\xrightarrow{\;1-h^2\;}\cdots",
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        for i in (1, 5):
            chain[i].set_color(MEANING.output.color if i == 1 else MEANING.recurrent.color)
        self.swap_panel(chain)
        for s in range(T - 1, -1, -1):
            if s in self.flow.down or any(k[0] == s for k in self.flow.back):
                self.play(self.flow.grow(s, run_time=0.4 + 0.25 * (s + 1)))

    def show_hidden_errors(self) -> None:
        """The h cells now hold the errors dL/da(t), not the forward values h(t)."""
        net, bp = self.net, self.bp
        self.d_a_strips: dict[int, VectorStrip] = {}
        for t in net.steps:
            home = net.h[t]
            strip = VectorStrip(
                bp.d_a[t],
                cell_width=home.shapes[0].width,
                cell_height=home.shapes[0].height,
                outline=MEANING.hidden.color,
                vmax=1.0,
            )
            self.d_a_strips[t] = strip.move_to(home)
        label = MathTex(
            r"\frac{\partial L}{\partial a^{(t)}}",
            font_size=FONT_SMALL + 4,
            color=MEANING.text.color,
        ).move_to(net.row_labels["h"])
        label.align_to(net.row_labels["h"], LEFT)
        self.play(
            Transform(net.row_labels["h"], label),
            *(FadeOut(net.h[t]) for t in net.steps),
            *(FadeIn(s) for s in self.d_a_strips.values()),
        )

    def focus_step(self) -> None:
        t, j, bp = self.t_focus, self.j_focus, self.bp
        tp = display_step(t)
        self.beat(
            f"Look at step {tp}: to know its error you need the errors of every later step, "
            f"all the arrows that arrive at h({tp}). For unit {j + 1}, dL/da is the sum of one "
            "contribution per source loss, each in its colour; these are the real numbers "
            "of this network."
        )
        into = self.flow.into_step(t)
        others = [a for a in self.flow if a not in into]
        frame = self.net.frame(t, MEANING.text.color, rows=("h",))
        terms = [(s, bp.by_source[s, t, j]) for s in range(t, self.lesson.T) if bp.loss_mask[s]]
        self.contribution = ContributionSum(
            rf"\frac{{\partial L}}{{\partial a_{{{j + 1}}}^{{({tp})}}}}",
            terms,
            bp.d_a[t, j],
            font_size=EQ_SIZE,
        )
        self.play(*(a.animate.set_opacity(0.2) for a in others), Create(frame))
        self.swap_panel(self.contribution)
        self.focus_frame = frame

    def show_source_bars(self) -> None:
        shares, norms = source_shares(self.bp)
        self.shares, self.share_norms = shares, norms
        t0 = 0
        parts = " + ".join(
            f"{fmt(shares[s, t0])} from L({display_step(s)})"
            for s in range(self.lesson.T)
            if shares[s, t0] != 0
        )
        self.beat(
            "The same split for every step and all units at once: one bar per step, one "
            "segment per source loss (the idea of RNNbow). A segment is that loss's share "
            "of the size of the error ||dL/da(t)||: its error projected onto dL/da(t). "
            "The shares of a bar add up exactly to ||dL/da(t)||, the white mark with its "
            f"value; at step 1: {parts} = {fmt(norms[t0])} (rounded). A share below zero "
            "points against the total and cancels part of the others. Fresh errors are "
            "tall; they fade as they travel back through time."
        )
        self.clear_stage()
        self.bars = SourceBars(shares, norms, max_height=BARS_HEIGHT, spacing=1.4, bar_width=0.6)
        caption = VGroup(
            MathTex(
                r"\text{share of } L^{(s)} \text{ in }"
                r"\left\|\frac{\partial L}{\partial a^{(t)}}\right\|"
                r"=\frac{\partial L^{(s)}}{\partial a^{(t)}}\cdot"
                r"\frac{\partial L/\partial a^{(t)}}{\|\partial L/\partial a^{(t)}\|}",
                font_size=EQ_SIZE,
                color=MEANING.text.color,
            ),
            Text(
                "the shares of a bar add up to ||dL/da(t)||; below 0: against the total",
                font_size=FONT_SMALL,
                color=MEANING.text.color,
            ),
        ).arrange(DOWN, buff=0.2)
        legend = source_legend(np.flatnonzero(self.bp.loss_mask), vertical=True)
        mark_key = Legend(
            [(MEANING.text.color, r"$\left\|\partial L/\partial a^{(t)}\right\|$")], kind="line"
        )
        keys = VGroup(legend, mark_key).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        block = VGroup(self.bars, keys).arrange(RIGHT, buff=0.8, aligned_edge=DOWN)
        if block.width > STAGE_WIDTH:
            block.scale_to_fit_width(STAGE_WIDTH)
        room = STAGE_TOP - STAGE_BOTTOM - caption.height - 0.3
        if block.height > room:
            block.scale_to_fit_height(room)
        VGroup(caption, block).arrange(DOWN, buff=0.3).move_to((STAGE_TOP + STAGE_BOTTOM) / 2 * UP)
        self.play(
            FadeIn(caption),
            FadeIn(keys),
            FadeIn(self.bars.axis, self.bars.baseline, self.bars.labels),
        )
        self.play(*(FadeIn(bar, shift=0.3 * UP) for bar in self.bars.bars))
        self.play(FadeIn(self.bars.marks), FadeIn(self.bars.values))

    def show_equations(self) -> None:
        t, j, bp, tr = self.t_focus, self.j_focus, self.bp, self.trace
        tp, n = display_step(t), j + 1
        k = int(np.argmax(np.abs(bp.d_o[t])))
        self.beat(
            "The same computation as equations (Goodfellow 10.18 to 10.28), with the "
            f"numbers of unit {n} at step {tp}: the output error, the error of h from two "
            "places (the next step through W, its own output through V), through tanh into "
            "a, and the per-step gradient it makes."
        )
        self.clear_stage()
        p, d = self.parts, self.dtanh
        h_prev = tr.h_prev[t]
        m = int(np.argmax(np.abs(bp.per_step.W[t, j])))
        self.eq_numbers = {
            "d_o": bp.d_o[t, k],
            "y_hat": tr.y_hat[t, k],
            "y": bp.y[t, k],
            "from_future": p.from_future[t, j],
            "from_output": p.from_output[t, j],
            "d_h": bp.d_h[t, j],
            "dtanh": d[t, j],
            "d_a": bp.d_a[t, j],
            "h_prev": h_prev[m],
            "dW": bp.per_step.W[t, j, m],
        }
        e = self.eq_numbers
        c = source_color(t)
        output_error = (
            rf"\frac{{\partial L}}{{\partial o_{{{k + 1}}}^{{({tp})}}}}"
            rf"=\hat y_{{{k + 1}}}^{{({tp})}}-y_{{{k + 1}}}^{{({tp})}}"
            rf"={fmt(e['y_hat'])}-{fmt(e['y'])}"
            + relation(shown(e["y_hat"]) - shown(e["y"]), fmt(e["d_o"]))
            + fmt(e["d_o"])
            if self.lesson.loss_mask[t]
            else rf"\frac{{\partial L}}{{\partial o^{{({tp})}}}}=0"
            rf"\quad\text{{(no loss at step {tp})}}"
        )
        lines = VGroup(
            MathTex(output_error, r"\qquad(10.18)"),
            MathTex(
                r"\frac{\partial L}{\partial h^{(t)}}",
                "=",
                r"W^\top\!\left[\left(1-h^{(t+1)\,2}\right)"
                r"\odot\frac{\partial L}{\partial h^{(t+1)}}\right]",
                "+",
                r"V^\top\frac{\partial L}{\partial o^{(t)}}",
                r"\qquad(10.21)",
            ),
            MathTex(
                rf"\frac{{\partial L}}{{\partial h_{{{n}}}^{{({tp})}}}}",
                "=",
                tex_num(e["from_future"]),
                "+",
                tex_num(e["from_output"]),
                relation(shown(e["from_future"]) + shown(e["from_output"]), fmt(e["d_h"]))
                + fmt(e["d_h"]),
            ),
            MathTex(
                rf"\frac{{\partial L}}{{\partial a_{{{n}}}^{{({tp})}}}}"
                rf"=\left(1-h_{{{n}}}^{{({tp})\,2}}\right)"
                rf"\frac{{\partial L}}{{\partial h_{{{n}}}^{{({tp})}}}}"
                rf"={fmt(e['dtanh'])}\cdot{tex_num(e['d_h'])}"
                + relation(shown(e["dtanh"]) * shown(e["d_h"]), fmt(e["d_a"]))
                + fmt(e["d_a"]),
            ),
            MathTex(
                r"\frac{\partial L}{\partial W}=\sum_t\frac{\partial L}{\partial a^{(t)}}"
                r"h^{(t-1)\top},\ \ "
                r"\frac{\partial L}{\partial U}=\sum_t\frac{\partial L}{\partial a^{(t)}}"
                r"x^{(t)\top},\ \ "
                r"\frac{\partial L}{\partial b}=\sum_t\frac{\partial L}{\partial a^{(t)}}",
            ),
            MathTex(
                r"\frac{\partial L}{\partial V}=\sum_t\frac{\partial L}{\partial o^{(t)}}"
                r"h^{(t)\top},\ \ "
                r"\frac{\partial L}{\partial c}=\sum_t\frac{\partial L}{\partial o^{(t)}}",
                r"\quad(10.22\text{--}10.28)",
            ),
            MathTex(
                rf"\frac{{\partial L}}{{\partial W_{{{n}{m + 1}}}^{{({tp})}}}}"
                rf"=\frac{{\partial L}}{{\partial a_{{{n}}}^{{({tp})}}}}"
                rf"\,h_{{{m + 1}}}^{{({tp - 1})}}"
                rf"={tex_num(e['d_a'])}\cdot{tex_num(e['h_prev'])}"
                + relation(shown(e["d_a"]) * shown(e["h_prev"]), fmt(e["dW"]))
                + fmt(e["dW"]),
            ),
        )
        for line in lines:
            line.set(font_size=EQ_SIZE).set_color(MEANING.text.color)
        lines.arrange(DOWN, buff=0.28, aligned_edge=LEFT)
        lines[0][0].set_color(c)
        for i in (1, 2):  # the two paths of 10.21: through W (yellow), through V
            lines[i][2].set_color(MEANING.recurrent.color)
            lines[i][4].set_color(MEANING.output.color)
        if lines.width > STAGE_WIDTH:
            lines.scale_to_fit_width(STAGE_WIDTH)
        if lines.height > STAGE_TOP - STAGE_BOTTOM:
            lines.scale_to_fit_height(STAGE_TOP - STAGE_BOTTOM)
        lines.move_to((STAGE_TOP + STAGE_BOTTOM) / 2 * UP)
        self.equations = lines
        for line in lines:
            self.play(FadeIn(line, shift=0.1 * DOWN), run_time=0.6)

    def show_step_gradients(self) -> None:
        T = self.lesson.T
        self.beat(
            "Parameters do not depend on time, errors do. Every step t gives its own "
            "gradient contribution, dL/dW(t) = dL/da(t) h(t-1)^T and the same for U, V, b, "
            "c (each in a frame, values as colours). Their sums over time are the "
            "gradients of the shared parameters."
        )
        self.clear_stage()
        self.table = GradientTable(self.bp.per_step, self.bp.grads)
        bar = ColorBar(self.table.vmax, label="gradient value")
        key = Legend(
            [
                (MEANING.gradient.color, "one step's contribution"),
                (MEANING.text.color, "sum over all steps"),
            ],
            kind="line",
        )
        bottom = VGroup(bar, key).arrange(RIGHT, buff=1.0)
        group = VGroup(self.table, bottom).arrange(DOWN, buff=0.4)
        self.fit_stage(group)  # T = 10 steps and the sums: as wide as the stage, not wider
        cols = [VGroup(*(self.table.cells[(n, t)] for n in "UWVbc")) for t in range(T)]
        self.play(FadeIn(self.table.row_labels), FadeIn(self.table.column_labels), FadeIn(bottom))
        for col in cols:
            self.play(FadeIn(col), run_time=0.35)
        sums = VGroup(*(self.table.cells[(n, "sum")] for n in "UWVbc"))
        self.play(FadeIn(self.table.equals), FadeIn(sums))

    def sum_and_update(self) -> None:
        lr = self.lesson.learning_rate
        self.beat(
            "After the errors of every step are known, the parameters are renewed once: "
            f"W <- W - eta dL/dW with the learning rate eta = {lr:g}, and the same for U, V, "
            "b and c. One update needs the whole sequence; this is why it is called "
            "backpropagation through time. " + update_verdict(self.update)
        )
        self.clear_stage()
        params = self.lesson.params
        vmax = float(max(np.abs(params.W).max(), np.abs(self.new_params.W).max()))
        self.w_before = MatrixFrame(
            params.W, frame_color=MEANING.recurrent.color, vmax=vmax, label="W", cell=MATRIX_CELL
        )
        self.w_grad = MatrixFrame(
            self.bp.grads.W,
            frame_color=MEANING.gradient.color,
            label=r"\frac{\partial L}{\partial W}",
            cell=MATRIX_CELL,
        )
        self.w_after = MatrixFrame(
            self.new_params.W,
            frame_color=MEANING.recurrent.color,
            vmax=vmax,
            label=r"W_{\text{new}}",
            cell=MATRIX_CELL,
        )
        minus = MathTex(rf"-\,{lr:g}\,\cdot", font_size=EQ_SIZE + 4, color=MEANING.text.color)
        by_hand = shown(params.W) - lr * shown(self.bp.grads.W)  # from the shown digits
        self.update_relation = relation(
            by_hand.ravel(), [fmt(v) for v in self.new_params.W.ravel()]
        )
        equals = MathTex(self.update_relation, font_size=EQ_SIZE + 4, color=MEANING.text.color)
        row = VGroup(self.w_before, minus, self.w_grad, equals, self.w_after)
        row.arrange(RIGHT, buff=0.25)
        if row.width > STAGE_WIDTH:
            row.scale_to_fit_width(STAGE_WIDTH)
        rule = MathTex(
            r"\theta\leftarrow\theta-\eta\,\frac{\partial L}{\partial\theta},\quad"
            r"\theta\in\{U,W,V,b,c\},\quad\eta=" + f"{lr:g}",
            font_size=EQ_SIZE,
            color=MEANING.text.color,
        )
        bar = ColorBar(vmax, label="value")
        VGroup(row, rule, bar).arrange(DOWN, buff=0.45).move_to((STAGE_TOP + STAGE_BOTTOM) / 2 * UP)
        self.play(FadeIn(self.w_before), FadeIn(self.w_grad), FadeIn(minus), FadeIn(bar))
        self.play(FadeIn(equals), FadeIn(self.w_after), Write(rule))

    def show_updated_network(self) -> None:
        t = self.t_focus
        self.beat(
            "The network after this one update: the same neurons, the connections changed "
            "(colour and width show the weights, on one scale before and after), and the "
            "neurons' colours are the activations of a new forward pass with the new "
            f"weights, at step {display_step(t)}. The recurrent W connections are yellow; "
            "their width is the size of each weight."
        )
        self.clear_stage()
        lesson = self.lesson
        params, new = lesson.params, self.new_params
        vmax = {
            name: float(max(np.abs(getattr(params, name)).max(), np.abs(getattr(new, name)).max()))
            for name in ("U", "W", "V")
        }
        kw = {
            "t": t,
            "input_names": lesson.input_labels,
            "output_names": lesson.output_labels,
            "height": 4.4,
            "max_width": 5.2,
            "show_numbers": False,
            "vmax": vmax,
        }
        self.before = SharedScaleNeuronsView(params, self.trace, **kw)
        self.after_target = after_target = SharedScaleNeuronsView(
            new, self.update.trace_after, **kw
        )
        self.after = SharedScaleNeuronsView(params, self.trace, **kw)
        views = VGroup(self.before, self.after).arrange(RIGHT, buff=1.2)
        after_target.move_to(self.after)
        captions = VGroup(
            Text("before", font_size=FONT_SMALL + 4, color=MEANING.text.color).next_to(
                self.before, DOWN, 0.3
            ),
            Text("after one update", font_size=FONT_SMALL + 4, color=MEANING.text.color).next_to(
                self.after, DOWN, 0.3
            ),
        )
        bar = ColorBar(max(vmax["U"], vmax["V"]), label="weight (U, V)")
        act_bar = ColorBar(1.0, label="activation (neurons)")
        key = Legend([(MEANING.recurrent.color, "W (width = |weight|)")], kind="line")
        side = VGroup(bar, act_bar, key).arrange(RIGHT, buff=0.8)
        whole = VGroup(views, captions)
        room = STAGE_TOP - STAGE_BOTTOM - side.height - 0.4
        whole.scale_to_fit_height(min(whole.height, room))
        if whole.width > STAGE_WIDTH:
            whole.scale_to_fit_width(STAGE_WIDTH)
        VGroup(whole, side).arrange(DOWN, buff=0.3).move_to((STAGE_TOP + STAGE_BOTTOM) / 2 * UP)
        after_target.replace(self.after)
        self.play(FadeIn(self.before), FadeIn(self.after), FadeIn(captions), FadeIn(side))
        self.play(Transform(self.after, after_target), run_time=2.0)

    def show_loss_after_update(self) -> None:
        rep = self.update
        self.beat(update_verdict(rep) + " " + UPDATE_TABLE_NOTE)
        self.clear_stage()
        lesson = self.lesson
        self.update_table = UpdateTable(rep, lesson)
        self.verdict_text = update_verdict(rep)  # what the slide says (Text drops spaces)
        verdict = Text(
            self.verdict_text.replace(". ", ".\n"),
            font_size=FONT_SMALL + 4,
            color=MEANING.text.color,
        )
        note = Text(
            "numbers rounded to 2 decimals; L is the sum of the unrounded L(t)",
            font_size=FONT_SMALL,
            color=MEANING.text.color,
        )
        block = VGroup(self.update_table, verdict, note).arrange(DOWN, buff=0.4)
        if block.width > STAGE_WIDTH:
            block.scale_to_fit_width(STAGE_WIDTH)
        if block.height > STAGE_TOP - STAGE_BOTTOM:
            block.scale_to_fit_height(STAGE_TOP - STAGE_BOTTOM)
        block.move_to((STAGE_TOP + STAGE_BOTTOM) / 2 * UP)
        self.update_verdict = verdict
        self.play(FadeIn(self.update_table.before_rows))
        self.play(FadeIn(self.update_table.after_rows), FadeIn(verdict), FadeIn(note))

    # --- helpers -----------------------------------------------------------------------
    def swap_panel(self, panel) -> None:
        """Replace the panel under the network by ``panel``."""
        place_panel(panel)
        self.play(FadeOut(self.panel), FadeIn(panel))
        self.panel = panel
