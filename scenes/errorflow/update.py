"""The update of BPTT: per-step predictions and losses before and after one step.

``UpdateTable`` draws what ``rnncore.bptt_views.update_report`` computed (a new
forward pass with the updated parameters); ``update_verdict`` says in one sentence
what the step did to the total loss, and says so when it overshoots.
"""

from __future__ import annotations

import numpy as np
from manim import MathTex, VGroup, VMobject

from rnncore.bptt_views import UpdateReport, target_prediction
from scenes.grammar import FONT_LABEL, MEANING
from scenes.mobjects.numbers import display_step, fmt

__all__ = ["UPDATE_TABLE_NOTE", "UpdateTable", "tex_vec", "update_verdict"]


def tex_vec(values: np.ndarray) -> str:
    """A vector as TeX, ``(0.58,\\ -0.58)``."""
    return r"\left(" + r",\ ".join(fmt(x) for x in values) + r"\right)"


UPDATE_TABLE_NOTE = (
    "Per step: the target, the prediction the loss reads and L(t), before and after "
    "the update (a new forward pass with the new parameters)."
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
    "losses_after", "loss_before": float, "loss_after", "targets"}`` (masked steps are
    blank). The first row is the target y(t): the class (1-based), or the vector.
    """

    def __init__(self, rep: UpdateReport, lesson, font_size: float = FONT_LABEL + 4) -> None:
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
        if ce:  # the target class, 1-based (names can hold any character: not TeX)
            target = [str(int(y) + 1) for y in lesson.targets]
            target_label = r"y^{(t)}\ \text{(class)}"
        else:
            target = [tex_vec(y) for y in lesson.targets]
            target_label = r"y^{(t)}"
        self.numbers["targets"] = np.asarray(lesson.targets).copy()
        rows = {
            "target": [cell(target_label)]
            + [cell(target[t] if mask[t] else "") for t in range(T)]
            + [cell("")],
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
        order = ["target", "pred_before", "pred_after", "loss_before", "loss_after"]
        grid = [header] + [rows[k] for k in order]
        widths = [max(r[c].width for r in grid) for c in range(T + 2)]
        gap = 0.45 * font_size / 24  # the spacing grows with the text
        xs = np.cumsum([0.0] + [w + gap for w in widths[:-1]])
        xs = [x + w / 2 for x, w in zip(xs, widths, strict=True)]
        xs[0] = widths[0] / 2  # labels: right-aligned on the first column's edge
        row_h = 0.62 * font_size / 24
        for i, row in enumerate(grid):
            y = -i * row_h
            for c, mob in enumerate(row):
                if c == 0:
                    mob.move_to([widths[0] - mob.width / 2, y, 0])
                else:
                    mob.move_to([xs[c], y, 0])
        self.cells = {k: VGroup(*rows[k]) for k in order}
        self.header = VGroup(*header)
        self.before_rows = VGroup(
            self.header, self.cells["target"], self.cells["pred_before"], self.cells["loss_before"]
        )
        self.after_rows = VGroup(self.cells["pred_after"], self.cells["loss_after"])
        self.add(self.header, *self.cells.values())
