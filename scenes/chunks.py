"""Mobjects of truncated BPTT by chunks (the article's "renew parameters from a part").

Everything here draws numbers it is given (``rnncore.chunked_bptt``,
``rnncore.bptt_views.clip_report``); nothing computes model math.

- ``ChunkTimeline``: the sequence cut into chunks of k steps, time left to right. Per
  chunk: the state it starts from (h(0), or the carried h of the previous chunk, a
  value strip in a dashed ``cut`` outline), its hidden states h(t) and losses L(t)
  as computed in that chunk, the recurrent W arrows forward, a gradient arrow back
  inside the chunk and the ``cut`` mark where the backward path stops; under each
  chunk its loss L_j and gradient norm ||g_j||.
- ``ChunkUpdate``: one chunk's update of W with its numbers: L_j as the sum of its
  L(t), ||g_j|| and clipping, W before, the gradient, W after, one entry worked out.
- ``timeline_key``: the legend and value colour bar of a timeline slide.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    Arrow,
    DashedLine,
    DashedVMobject,
    MathTex,
    SurroundingRectangle,
    Text,
    VGroup,
)

from rnncore.bptt_views import ClipReport
from rnncore.chunked import ChunkedBPTT, ChunkStep
from scenes.errorflow.gradients import MatrixFrame
from scenes.grammar import FONT_LABEL, FONT_SMALL, MEANING
from scenes.layout import STAGE_WIDTH
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step, fmt, relation, shown, tex_num
from scenes.mobjects.value_shapes import CELL_HEIGHT, CELL_WIDTH, VectorStrip

__all__ = ["ChunkTimeline", "ChunkUpdate", "matrix_cell", "timeline_key"]

START_FRACTION = 0.8  # width of a chunk's start-state column relative to a step column
ROW_LABEL = 0.9  # left column for the row names
LABEL_ROW = 0.4  # height of the "chunk j" / step-label / sum rows
GRAD_ROW = 0.34  # height of the row of gradient arrows under h
NUMBER_MIN = (0.7, 0.3)  # (width, height) a cell needs to show its number
TIP = 0.13


def matrix_cell(n: int) -> tuple[tuple[float, float], str]:
    """Cell size and mode of an n x n matrix panel: numbers up to 5 rows, colours above."""
    if n <= 5:
        return (0.8, 0.36), "numbers"  # "-0.75" and its neighbour apart at 480p
    side = 1.8 / n
    return (side, side), "cells"


def _arrow(start: np.ndarray, end: np.ndarray, color, width: float = 3.0) -> Arrow:
    return Arrow(
        start,
        end,
        buff=0.04,
        stroke_width=width,
        color=color,
        tip_length=TIP,
        max_tip_length_to_length_ratio=0.5,
    )


class ChunkTimeline(VGroup):
    """The sequence cut into chunks: carried states, h(t), L(t), W forward, gradient back.

    Parameters
    ----------
    run
        ``rnncore.chunked_bptt``'s result (each chunk's trace, losses, norms).
    loss_mask
        ``(T,)`` bool: steps without a loss show "–" in their L(t) cell.
    step_names
        A name per step (the lesson's step labels), or empty.
    width, height
        The box the timeline fits in (its left edge at ``-width / 2``).
    sums
        Write each chunk's L_j and ||g_j|| under it.

    Attributes
    ----------
    frames, starts, h, loss_cells, back, cuts
        Per chunk j: its frame, its start strip, its h strips (list), its L(t) strips
        (list), its gradient arrow and its cut mark.
    loss_texts, norm_texts
        Per chunk the Text of L_j and of ||g_j|| (``sums``).
    """

    def __init__(
        self,
        run: ChunkedBPTT,
        loss_mask: np.ndarray,
        step_names: Sequence[str] = (),
        *,
        width: float = STAGE_WIDTH,
        height: float = 4.4,
        sums: bool = True,
    ) -> None:
        super().__init__()
        chunks = run.chunks
        T = chunks[-1].steps.stop
        H = chunks[0].h0.shape[0]
        n_cols = T + START_FRACTION * len(chunks)
        pitch = (width - ROW_LABEL) / n_cols
        cell_w = min(CELL_WIDTH, 0.62 * pitch)
        n_label_rows = 3 + (2 if sums else 0)  # chunk names, L(t), step names (+ sums)
        cell_h = min(CELL_HEIGHT, (height - n_label_rows * LABEL_ROW - GRAD_ROW) / (H + 0.5))
        numbers = cell_w >= NUMBER_MIN[0] and cell_h >= NUMBER_MIN[1]
        self.shows_numbers = numbers
        top = height / 2
        y_name = top - LABEL_ROW / 2 + 0.12
        y_loss = top - 1.5 * LABEL_ROW
        y_h = top - 2 * LABEL_ROW - 0.5 * cell_h - H * cell_h / 2  # centre of the h strips
        y_grad = y_h - H * cell_h / 2 - GRAD_ROW / 2
        y_step = y_grad - GRAD_ROW / 2 - LABEL_ROW / 2
        y_sum = (y_step - LABEL_ROW, y_step - 2 * LABEL_ROW)
        left = -width / 2

        def strip(values: np.ndarray, outline) -> VectorStrip:
            return VectorStrip(
                values,
                cell_width=cell_w,
                cell_height=cell_h,
                outline=outline,
                show_numbers=numbers,
            )

        loss_max = max((float(np.max(c.backprop.losses)) for c in chunks), default=0.0)
        loss_max = loss_max if loss_max > 0 else 1.0
        self.frames, self.starts, self.h, self.loss_cells = VGroup(), VGroup(), [], []
        self.back, self.cuts, self.forward = VGroup(), VGroup(), VGroup()
        self.names, self.step_labels, self.none_marks = VGroup(), VGroup(), VGroup()
        self.loss_texts: list[Text] = []
        self.norm_texts: list[Text] = []
        x = left + ROW_LABEL
        prev = None
        for j, chunk in enumerate(chunks):
            sx = x + START_FRACTION * pitch / 2
            start = strip(chunk.h0, MEANING.cut.color).move_to([sx, y_h, 0])
            start.shapes.set_stroke(opacity=0.0)
            outline = DashedVMobject(
                SurroundingRectangle(start.shapes, buff=0.04, color=MEANING.cut.color),
                num_dashes=16,
            ).set_stroke(MEANING.text.color if j == 0 else MEANING.neutral.color, width=2)
            start.add(outline)
            name = MathTex(
                f"h^{{({chunk.steps.start})}}", font_size=FONT_LABEL, color=MEANING.hidden.color
            )
            start.add(name.move_to([sx, y_loss, 0]))
            if prev is not None:  # forward: the previous chunk's last h is copied
                self.forward.add(_arrow(prev.get_right(), start.get_left(), MEANING.neutral.color))
            self.starts.add(start)
            x += START_FRACTION * pitch
            hs, ls = [], []
            last = start
            for i, t in enumerate(chunk.steps):
                cx = x + pitch / 2
                h = strip(chunk.backprop.trace.h[i], MEANING.hidden.color).move_to([cx, y_h, 0])
                self.forward.add(_arrow(last.get_right(), h.get_left(), MEANING.recurrent.color))
                cell = strip(np.array([chunk.backprop.losses[i]]), MEANING.loss.color)
                cell.vmax = loss_max
                cell.use_loss_scale()
                cell.move_to([cx, y_loss, 0])
                if not loss_mask[t]:
                    cell.clear_values()
                    mark = Text("–", font_size=FONT_SMALL, color=MEANING.neutral.color)
                    self.none_marks.add(mark.move_to(cell))
                name = step_names[t] if len(step_names) == T else ""
                label = Text(
                    f"t={display_step(t)}" + (f": {name}" if name else ""),
                    font_size=FONT_SMALL,
                    color=MEANING.text.color,
                )
                if label.width > 0.95 * pitch:
                    label = Text(str(display_step(t)), font_size=FONT_SMALL, color=label.color)
                self.step_labels.add(label.move_to([cx, y_step, 0]))
                hs.append(h)
                ls.append(cell)
                last = h
                x += pitch
            self.h.append(hs)
            self.loss_cells.append(ls)
            body = VGroup(*hs, *ls)
            frame = SurroundingRectangle(body, buff=0.08, color=MEANING.neutral.color)
            f_top, f_bottom = y_loss + cell_h / 2 + 0.08, y_grad - 0.14
            frame.stretch_to_fit_height(f_top - f_bottom).set_y((f_top + f_bottom) / 2)
            self.frames.add(frame.set_stroke(width=2))
            self.names.add(
                Text(f"chunk {j + 1}", font_size=FONT_SMALL, color=MEANING.text.color).move_to(
                    [frame.get_x(), y_name, 0]
                )
            )
            # backward: inside the chunk only; zero when no step of it has a loss
            has_loss = bool(np.any(loss_mask[chunk.steps.start : chunk.steps.stop]))
            a = np.array([hs[-1].get_right()[0], y_grad, 0])
            b = np.array([hs[0].get_left()[0], y_grad, 0])
            color = MEANING.gradient.color if has_loss else MEANING.cut.color
            back = _arrow(a, b, color, width=4.0)
            self.back.add(back if has_loss else DashedVMobject(back, num_dashes=6))
            cut_x = (start.get_right()[0] + hs[0].get_left()[0]) / 2
            self.cuts.add(
                DashedLine(
                    [cut_x, y_h + H * cell_h / 2 + 0.05, 0],
                    [cut_x, y_grad - GRAD_ROW / 2, 0],
                    color=MEANING.cut.color,
                    stroke_width=MEANING.cut.width + 1,
                    dash_length=0.07,
                )
            )
            if sums:
                for store, value, y in (
                    (self.loss_texts, chunk.loss, y_sum[0]),
                    (self.norm_texts, chunk.grad_norm, y_sum[1]),
                ):
                    text = Text(fmt(value), font_size=FONT_SMALL, color=MEANING.text.color)
                    store.append(text.move_to([frame.get_x(), y, 0]))
            prev = hs[-1]
        rows = [("h", MEANING.hidden.color, y_h), ("L^{(t)}", MEANING.loss.color, y_loss)]
        if sums:
            rows += [
                ("L_j", MEANING.text.color, y_sum[0]),
                (r"\|g_j\|", MEANING.text.color, y_sum[1]),
            ]
        self.row_labels = VGroup(
            *(
                MathTex(tex, font_size=FONT_LABEL + 4, color=c).move_to(
                    [left + ROW_LABEL / 2, y, 0]
                )
                for tex, c, y in rows
            )
        )
        for lab in self.row_labels:
            if lab.width > ROW_LABEL - 0.1:
                lab.scale_to_fit_width(ROW_LABEL - 0.1)
        self.add(self.frames, self.starts, *(VGroup(*hs) for hs in self.h))
        self.add(*(VGroup(*ls) for ls in self.loss_cells), self.none_marks)
        self.add(self.forward, self.back, self.cuts, self.names, self.step_labels)
        self.add(*self.loss_texts, *self.norm_texts, self.row_labels)

    def chunk(self, j: int) -> VGroup:
        """Everything drawn for chunk ``j`` (to highlight or dim it)."""
        parts = [self.frames[j], self.starts[j], *self.h[j], *self.loss_cells[j]]
        parts += [self.back[j], self.cuts[j], self.names[j]]
        return VGroup(*parts)


def timeline_key(bar_label: str | None = "h values") -> VGroup:
    """The legend of a timeline (W forward, copy, gradient back, the cut, L(t)), a colour bar.

    ``bar_label`` None: no colour bar (the slide has one already).
    """
    entries = [
        (MEANING.recurrent.color, "W: forward"),
        (MEANING.neutral.color, "copy of h"),
        (MEANING.gradient.color, "gradient, inside a chunk"),
        (MEANING.cut.color, "cut: no gradient"),
    ]
    row = VGroup(
        Legend(entries, kind="line", vertical=False),
        Legend([(MEANING.loss.color, "L(t)")], kind="box"),
    ).arrange(RIGHT, buff=0.5)
    if bar_label is None:
        return row
    return VGroup(row, ColorBar(1.0, label=bar_label, length=2.4)).arrange(DOWN, buff=0.2)


class ChunkUpdate(VGroup):
    """Chunk j's update of W, with its numbers.

    Parameters
    ----------
    j
        The chunk's index (0-based).
    chunk
        Its ``ChunkStep`` (loss, gradients, parameters before and after).
    report
        ``clip_report(chunk.params_before, chunk.grads, lr, clip)``.
    lr
        The learning rate.
    loss_mask
        ``(T,)`` bool: which of the chunk's steps carry a loss.

    Attributes
    ----------
    loss_line, norm_line, entry_line
        The MathTex lines (tests read their TeX).
    before, grad, after
        The three ``MatrixFrame``s: W before, dL_j/dW, W after.
    entry
        ``(r, c)``, the entry of W worked out (the largest gradient entry).
    """

    def __init__(
        self, j: int, chunk: ChunkStep, report: ClipReport, lr: float, loss_mask: np.ndarray
    ) -> None:
        super().__init__()
        n = j + 1
        text = MEANING.text.color
        losses = chunk.backprop.losses  # (k,)
        scored = [(t, losses[i]) for i, t in enumerate(chunk.steps) if loss_mask[t]]
        if not scored:
            loss_tex = (
                rf"L_{{{n}}} = {fmt(chunk.loss)}\ \ \text{{(no step of this chunk has a loss)}}"
            )
        elif len(scored) == 1:
            ((t, v),) = scored
            loss_tex = rf"L_{{{n}}} = L^{{({display_step(t)})}} = {fmt(v)}"
        else:
            terms = " + ".join(f"L^{{({display_step(t)})}}" for t, _ in scored[:3])
            values = " + ".join(fmt(v) for _, v in scored[:3])
            if len(scored) > 3:
                first, last = display_step(scored[0][0]), display_step(scored[-1][0])
                terms, values = rf"\sum_{{t={first}}}^{{{last}}} L^{{(t)}}", ""
            rel = relation(sum(shown(v) for _, v in scored), fmt(chunk.loss))
            values = f" = {values} {rel}" if values else " ="
            loss_tex = rf"L_{{{n}}} = {terms}{values} {fmt(chunk.loss)}"
        norm, clip = chunk.grad_norm, report.threshold
        if norm == 0:
            norm_tex = rf"\|g_{{{n}}}\| = {fmt(norm)}:\ \ W\ \text{{does not change}}"
        elif report.scale < 1:
            rel = relation(shown(clip) / shown(norm), fmt(report.scale))
            norm_tex = (
                rf"\|g_{{{n}}}\| = {fmt(norm)} > {fmt(clip)} = \text{{clip}}:\ \ "
                rf"\text{{step along }} \tfrac{{{fmt(clip)}}}{{{fmt(norm)}}} {rel} "
                rf"{fmt(report.scale)}\ \text{{of }} g_{{{n}}}"
            )
        else:
            norm_tex = (
                rf"\|g_{{{n}}}\| = {fmt(norm)} \le {fmt(clip)} = \text{{clip}}:"
                r"\ \ \text{no clipping}"
            )
        self.loss_line = MathTex(loss_tex, font_size=FONT_LABEL, color=text)
        self.norm_line = MathTex(norm_tex, font_size=FONT_LABEL, color=text)

        W0, G, W1 = chunk.params_before.W, chunk.grads.W, chunk.params_after.W
        cell, mode = matrix_cell(W0.shape[0])
        kw = {"mode": mode, "cell": cell, "vmax": 1.0, "label_size": FONT_LABEL}
        self.before = MatrixFrame(
            W0, frame_color=MEANING.neutral.color, label=r"W\ \text{before}", **kw
        )
        self.grad = MatrixFrame(
            G,
            frame_color=MEANING.gradient.color,
            label=rf"g_{{{n}}} = \partial L_{{{n}}}/\partial W",
            **kw,
        )
        self.after = MatrixFrame(
            W1, frame_color=MEANING.neutral.color, label=rf"W\ \text{{after chunk {n}}}", **kw
        )
        lr_s, sc = f"{lr:g}", fmt(report.scale)
        step = shown(W0) - float(lr_s) * shown(report.scale) * shown(G)  # on the shown digits
        rel = (
            relation(step.reshape(-1), [fmt(v) for v in W1.reshape(-1)])
            if mode == "numbers"
            else "="
        )
        factor = rf"-\ {lr_s}\cdot {sc}\ \cdot" if report.scale < 1 else rf"-\ {lr_s}\ \cdot"
        ops = [MathTex(s, font_size=FONT_LABEL + 4, color=text) for s in (factor, rel)]
        self.row = VGroup(self.before, ops[0], self.grad, ops[1], self.after).arrange(
            RIGHT, buff=0.25
        )
        r, c = np.unravel_index(int(np.argmax(np.abs(G))), G.shape)
        self.entry = (int(r), int(c))
        one = shown(W0[r, c]) - float(lr_s) * shown(report.scale) * shown(G[r, c])
        middle = (
            rf"{lr_s}\cdot {sc}\cdot {tex_num(G[r, c])}"
            if report.scale < 1
            else rf"{lr_s}\cdot {tex_num(G[r, c])}"
        )
        eq = relation(one, fmt(W1[r, c]))
        self.entry_line = MathTex(
            rf"W_{{{r + 1},{c + 1}}}\ \text{{after}} = {fmt(W0[r, c])} - {middle} "
            rf"{eq} {fmt(W1[r, c])}",
            font_size=FONT_LABEL,
            color=text,
        )
        self.add(self.loss_line, self.norm_line, self.row, self.entry_line)
        self.arrange(DOWN, buff=0.22)
        for part in (self.loss_line, self.norm_line, self.row, self.entry_line):
            if part.width > STAGE_WIDTH:
                part.scale_to_fit_width(STAGE_WIDTH)

    def shown_after(self) -> list[str]:
        """The digits of W after the update ("" in colour mode), row-major."""
        return list(self.after.entries)
