"""Training: what happens when BPTT and the update are repeated (beyond article 001).

The lesson's network is trained by ``rnncore.train_lesson`` on the lesson's training
set (its own sequence unless the lesson file names one) with the lesson's settings.
Every number comes from the returned history: the loss and the accuracy per epoch,
the gradient norm per epoch with the clipping threshold, the lesson's sequence
predicted before and after training, and W at a few epochs.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, Create, FadeIn, Text, VGroup

from rnncore import Lesson
from rnncore.bptt_views import target_prediction
from rnncore.lesson_fit import LessonTraining, train_lesson
from rnncore.lesson_train import TrainSpec
from rnncore.train import TrainingOverflow
from scenes.base import LectureScene
from scenes.curves import CurvePlot, spans_decades, text_table
from scenes.grammar import FONT_LABEL, FONT_SMALL, MEANING, Encoding
from scenes.layout import STAGE_WIDTH, fit_within
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import fmt
from scenes.mobjects.value_shapes import MatrixGrid
from scenes.notes import speaker_notes

__all__ = ["Training", "snapshot_epochs"]

PLOT_SIZE = (5.4, 3.6)  # (x_length, y_length) of each plot
CLIPPED = Encoding(MEANING.gradient.color, MEANING.gradient.width, dashed=True)
SNAPSHOTS = 4  # W is shown after this many epochs (0 and the last included)
NUMBERS_UP_TO = 4  # W's numbers are written when it has at most this many rows


def snapshot_epochs(epochs: int, n: int = SNAPSHOTS) -> tuple[int, ...]:
    """``n`` epochs spread over 0..epochs (fewer when there are fewer epochs)."""
    return tuple(sorted({round(float(e)) for e in np.linspace(0, epochs, n)}))


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.0f}%"


class Training(LectureScene):
    """The loss, the accuracy and the gradient norm over the epochs; before and after."""

    def construct(self) -> None:
        if not self.train_network():
            self.say_it_overflowed()
            return
        self.describe_the_run()
        self.plot_the_loss()
        self.plot_the_gradient_norm()
        self.compare_predictions()
        self.show_weights_growing()

    # --- numbers -----------------------------------------------------------------
    def train_network(self) -> bool:
        """Train; False (and ``self.overflowed``) when the run leaves float64's range."""
        lesson = self.lesson
        self.E = (lesson.train or TrainSpec()).epochs
        try:
            self.run: LessonTraining = train_lesson(lesson, snapshot_epochs=snapshot_epochs(self.E))
        except TrainingOverflow as e:
            self.overflowed = e
            return False
        self.trained: Lesson = self.run.lesson
        return True

    # --- beats -------------------------------------------------------------------
    def say_it_overflowed(self) -> None:
        """The one slide of a run that overflowed: when, with which rate, what to change."""
        e = self.overflowed
        self.beat(
            speaker_notes(
                "the three lines: this lesson's run does not train, it explodes.",
                f"with learning rate {e.lr:g} the numbers overflowed in epoch {e.epoch} of "
                f"{self.E}.",
                "what does each update do to the weights when the step is this large?",
                "truncated BPTT: an update after every chunk of the sequence.",
                say="Training repeats forward pass, BPTT and update; with this lesson's "
                "learning rate the updates overshoot, and the numbers grow until they leave "
                "the floating-point range.",
            )
        )
        self.show_title("Training: BPTT and an update, again and again")
        lines = VGroup(
            *(
                Text(line, font_size=FONT_LABEL, color=MEANING.text.color)
                for line in (
                    f"with learning rate {e.lr:g}, training overflowed in epoch {e.epoch} "
                    f"of {self.E}:",
                    "the updates overshot, and the numbers grew",
                    "until they left the floating-point range.",
                    "lower the learning rate ([train] lr) or clip ([train] clip)",
                )
            )
        ).arrange(DOWN, buff=0.3)
        lines[-1].set_color(MEANING.neutral.color).shift(0.3 * DOWN)
        self.overflow_text = self.fit_stage(lines)
        self.play(FadeIn(lines))

    def describe_the_run(self) -> None:
        run, settings = self.run, self.run.result.settings
        n, lengths = len(run.data), sorted({int(t) for t in run.data.lengths})
        steps = f"{lengths[0]}" if len(lengths) == 1 else f"{lengths[0]} to {lengths[-1]}"
        what = "sequence" if n == 1 else "sequences"
        how = (
            "full BPTT"
            if settings.truncate is None
            else f"truncated BPTT, chunks of {settings.truncate} steps"
        )
        clip = (
            "no clipping"
            if settings.clip is None
            else f"gradients clipped at norm {settings.clip:g}"
        )
        self.setting_said = (
            f"Training repeats forward pass, BPTT and update: {self.E} epochs, each every "
            f"sequence once, shuffled. {n} {what} of {steps} steps; {how}; lr {settings.lr:g}."
        )
        line = (
            f"{n} {what} of {steps} steps · {self.E} epochs · {how} · "
            f"lr {settings.lr:g} · momentum {settings.momentum:g} · {clip}"
        )
        self.setting = Text(line, font_size=FONT_SMALL, color=MEANING.neutral.color)

    def plot_the_loss(self) -> None:
        res = self.run.result
        loss = res.loss  # (E+1,) mean L over the training set after each epoch
        log = spans_decades(loss) and bool((loss > 0).all())
        self.loss_plot = CurvePlot(
            [(res.epochs, loss, MEANING.loss)],
            log_y=log,
            x_label=r"\text{epoch}",
            y_label=r"L",
            x_length=PLOT_SIZE[0],
            y_length=PLOT_SIZE[1],
        )
        parts = [self.loss_plot]
        rose = not loss[-1] < loss[0]  # a learning rate too large for the lesson: it diverges
        said = (
            f"The mean loss over the training set {'rose' if rose else 'fell'} from "
            f"{fmt(loss[0])} to {fmt(loss[-1])}"
        )
        caption = f"L: {fmt(loss[0])} → {fmt(loss[-1])}"
        if rose:
            said += ": this learning rate is too large for the lesson, and the run diverges"
            caption += " (it rose: the learning rate is too large)"
        if res.accuracy is not None:
            acc = res.accuracy
            self.accuracy_plot = CurvePlot(
                [(res.epochs, acc, MEANING.output)],
                x_label=r"\text{epoch}",
                y_label=r"\text{accuracy}",
                x_length=PLOT_SIZE[0],
                y_length=PLOT_SIZE[1],
            )
            parts.append(self.accuracy_plot)
            said += f", and the accuracy from {_percent(acc[0])} to {_percent(acc[-1])}"
            caption += f"     accuracy: {_percent(acc[0])} → {_percent(acc[-1])}"
        scale = " (log axis: it spans more than a decade)" if log else ""
        self.beat(
            speaker_notes(
                "the run's line under the title (momentum, clipping), then the loss curve"
                + (" and the accuracy curve." if res.accuracy is not None else "."),
                f"{said}{scale}.",
                "why does the curve not fall at a constant rate?",
                "the size of the gradients.",
                say=self.setting_said,
            )
        )
        self.show_title("Training: BPTT and an update, again and again")
        fit_within(self.setting, STAGE_WIDTH, 1.0).next_to(self.title, DOWN, buff=0.25)
        self.stage_top = self.setting.get_bottom()[1] - 0.3  # slides go under the run's line
        self.play(FadeIn(self.setting))
        entries = [(MEANING.loss.color, "loss L (mean per sequence)")]
        if len(parts) > 1:
            entries.append((MEANING.output.color, "accuracy (steps right)"))
        captions = [Legend([entry], kind="line") for entry in entries]
        row = VGroup(
            *(VGroup(p, c).arrange(DOWN, buff=0.3) for p, c in zip(parts, captions, strict=True))
        ).arrange(RIGHT, buff=1.2, aligned_edge=UP)
        legend = VGroup(*captions)
        self.loss_caption = Text(caption, font_size=FONT_LABEL, color=MEANING.text.color)
        block = VGroup(row, self.loss_caption).arrange(DOWN, buff=0.45)
        self.fit_stage(block, top=self.stage_top)
        self.play(*(Create(p.axes) for p in parts), *(FadeIn(p.axis_labels) for p in parts))
        self.play(*(Create(p.lines) for p in parts), FadeIn(legend), FadeIn(self.loss_caption))

    def plot_the_gradient_norm(self) -> None:
        res, clip = self.run.result, self.run.result.settings.clip
        epochs = res.epochs[1:]  # (E,) norms are gathered during epochs 1..E
        series = [(epochs, res.grad_norm_mean, MEANING.gradient)]
        entries = [(MEANING.gradient.color, "||g||, mean over the epoch's updates")]
        clipped = clip is not None and bool((res.grad_norm_max > clip).any())
        if clipped:
            series.append((epochs, res.clipped_norm_mean, CLIPPED))
            entries.append((MEANING.gradient.color, "the same after clipping (dashed)"))
        if clip is not None:
            entries.append((MEANING.clip.color, f"clipping threshold {clip:g}"))
        positive = all((y > 0).all() for _, y, _ in series)
        self.norm_plot = CurvePlot(
            series,
            log_y=positive and spans_decades(np.concatenate([y for _, y, _ in series])),
            x_label=r"\text{epoch}",
            y_label=r"\|g\|",
            x_length=2 * PLOT_SIZE[0],
            y_length=PLOT_SIZE[1],
            reference=None if clip is None else (clip, MEANING.clip),
        )
        first, last = res.grad_norm_mean[0], res.grad_norm_mean[-1]
        if clip is None:
            said = "There is no clipping in this run."
        elif clipped:
            said = f"Where ||g|| was above {clip:g}, the update used the clipped gradient."
        else:
            said = f"No gradient reached the threshold {clip:g}: clipping never acted."
        self.beat(
            speaker_notes(
                "the gradient-norm curve"
                + (" and the clipping threshold line." if clip is not None else "."),
                f"mean ||g|| {fmt(first)} in the first epoch, {fmt(last)} in the last. {said}",
                "what would a spike in this curve do to the loss curve?",
                "the predictions.",
                say="Small gradients late in training: the loss is flat there.",
            )
        )
        self.clear_stage(keep=(self.setting,))
        legend = Legend(entries, kind="line", vertical=False)
        self.clip_caption = Text(said, font_size=FONT_SMALL, color=MEANING.text.color)
        block = VGroup(self.norm_plot, legend, self.clip_caption).arrange(DOWN, buff=0.35)
        self.fit_stage(block, top=self.stage_top)
        self.play(Create(self.norm_plot.axes), FadeIn(self.norm_plot.axis_labels))
        self.play(
            Create(self.norm_plot.lines),
            Create(self.norm_plot.reference_line),
            FadeIn(legend),
            FadeIn(self.clip_caption),
        )

    def compare_predictions(self) -> None:
        before, after = self.lesson, self.trained
        mask = before.loss_mask  # (T,) which steps carry a loss
        bp0, bp1 = before.backprop(), after.backprop()
        rows: list[tuple[str, list[str], Encoding]] = []
        ce = before.loss == "cross_entropy"
        if ce:  # the target class; ŷ(t) of it, the probability -log reads
            # the label, else the class counted from 1 (the row says class), as elsewhere
            labels = before.output_labels
            ys = [int(y) for y in before.targets]
            targets = [labels[y] if len(labels) > y else str(y + 1) for y in ys]
        else:  # mse: the target vector y(t); o(t), what 1/2 ||o - y||^2 compares with it
            targets = [", ".join(fmt(v) for v in y) for y in before.targets]

        def masked(cells: list[str]) -> list[str]:  # steps without a loss: "–"
            return [c if m else "–" for c, m in zip(cells, mask, strict=True)]

        rows.append(("target class y(t)" if ce else "target y(t)", masked(targets), MEANING.text))
        for tag, lesson in (("before", before), ("after", after)):
            if ce:
                p = [fmt(v) for v in target_prediction(lesson.trace(), lesson.targets)]
                label = f"ŷ(t) of the target, {tag}"
            else:
                p = [", ".join(fmt(v) for v in o) for o in lesson.trace().o]
                label = f"o(t), {tag}"
            rows.append((label, masked(p), MEANING.output))
        for tag, bp in (("before", bp0), ("after", bp1)):
            cells = [fmt(v) if m else "–" for v, m in zip(bp.losses, mask, strict=True)]
            rows.append((f"L(t), {tag}", [*cells, fmt(bp.loss)], MEANING.loss))
        T = before.T
        heads = [self.step_name(t) for t in range(T)] + ["total"]
        ce = before.loss == "cross_entropy"
        self.beat(
            speaker_notes(
                "one column: the target y(t), "
                + ("the probability of the target class" if ce else "the output o(t)")
                + " before and after, and L(t).",
                f"the total loss goes from {fmt(bp0.loss)} to {fmt(bp1.loss)}.",
                "is one training sequence enough to trust this network on new sequences?",
                "what changed inside, the weights.",
                say="The lesson's own sequence, before and after training.",
            )
        )
        self.clear_stage(keep=(self.setting,))
        self.table = text_table(heads, rows)
        self.fit_stage(self.table, top=self.stage_top)
        self.play(FadeIn(self.table))

    def show_weights_growing(self) -> None:
        res = self.run.result
        Ws = [res.params_at(e).W for e in res.snapshot_epochs]  # each (H, H)
        vmax = max(float(np.abs(W).max()) for W in Ws) or 1.0
        H = self.lesson.params.n_hidden
        grids = VGroup(
            *(
                VGroup(
                    MatrixGrid(
                        W,
                        vmax=vmax,
                        show_numbers=H <= NUMBERS_UP_TO,
                        max_width=2.9 if H > NUMBERS_UP_TO else 5.0,
                    ),
                    Text(f"epoch {e}", font_size=FONT_SMALL, color=MEANING.text.color),
                ).arrange(DOWN, buff=0.2)
                for e, W in zip(res.snapshot_epochs, Ws, strict=True)
            )
        )
        if H <= NUMBERS_UP_TO and len(Ws) > 2:  # numbers need room: two rows of two
            grids.arrange_in_grid(cols=2, buff=(1.2, 0.45))
        else:
            grids.arrange(RIGHT, buff=0.4)
        biggest = np.unravel_index(np.argmax(np.abs(Ws[-1] - Ws[0])), Ws[0].shape)
        j, k = int(biggest[0]), int(biggest[1])
        self.beat(
            speaker_notes(
                "the cells that grew, epoch by epoch, on one colour scale.",
                f"epochs {', '.join(map(str, res.snapshot_epochs))}; W_{j + 1},{k + 1} changed "
                f"most: {fmt(Ws[0][j, k])} to {fmt(Ws[-1][j, k])}.",
                "which connections does the task need?",
                "long sequences, and truncated BPTT.",
                say="The recurrent weights W during training.",
            )
        )
        self.clear_stage(keep=(self.setting,))
        bar = ColorBar(vmax, label="W", length=3.0)
        block = VGroup(grids, bar).arrange(DOWN, buff=0.4)
        self.fit_stage(block, top=self.stage_top)
        self.weights = grids
        self.play(FadeIn(grids), FadeIn(bar))
