"""TheLesson: what the lesson is, before the RNN scenes use it (issue 9).

Everything comes from the lesson file: its name and description, the network's
sizes, the task and the loss in words, where the weights come from and whether they
are trained, then the input sequence with the target and the loss of every step.
A lecturer's own lesson introduces itself the same way.
"""

from __future__ import annotations

import textwrap

import numpy as np
from manim import DOWN, LEFT, FadeIn, Text, VGroup

from rnncore import Lesson
from scenes.base import LectureScene
from scenes.curves import text_table
from scenes.grammar import FONT_LABEL, MEANING
from scenes.intro_notes import lecture_notes
from scenes.layout import STAGE_WIDTH
from scenes.mobjects.numbers import class_name, display_step, fmt

__all__ = ["TheLesson", "task_words", "weights_words"]

WRAP_CHARS = 64  # the description's lines, at FONT_LABEL about 12 units wide
NO_LOSS = "–"
ONE_HOT_FROM = 4  # inputs wider than this show a one-hot x(t) by the index of its 1
TABLE_ZOOM = 1.4  # the sequence table is drawn up to this much larger than FONT_SMALL
COLUMNS_UP_TO = 6  # longer sequences are tabled with a row per step
READ_STEPS = 4  # steps read out in the notes (captions stay short)


def task_words(lesson: Lesson) -> tuple[str, str]:
    """The task (where the inputs and targets are) and the loss, in words."""
    where = {
        "many_to_many": "an input and a target at every step",
        "many_to_one": "an input at every step, one target at the last step",
        "one_to_many": "one input, at the first step; a target at every step",
    }[lesson.task]
    if lesson.loss == "cross_entropy":
        how = "targets are classes: ŷ(t) = softmax(o(t)), L(t) = −log ŷ(t)[y(t)]"
    else:
        how = "targets are numbers: ŷ(t) = o(t), L(t) = ½‖o(t) − y(t)‖²"
    return f"task: {where}", how


def weights_words(lesson: Lesson) -> str:
    """Where the weights come from and whether they are trained."""
    given = lesson.given_weights
    if len(given) == 5:
        origin = "given in the lesson file"
    elif not given:
        origin = f"random, uniform in ±{lesson.scale:g} (seed {lesson.seed})"
    else:
        origin = f"{', '.join(given)} from the file, the rest random (seed {lesson.seed})"
    rec = lesson.trained
    if rec is None:
        return f"weights: {origin}; not trained"
    done = f"trained for {rec.epochs} epochs (lr {rec.lr:g}), final loss {fmt(rec.final_loss)}"
    if rec.final_accuracy is not None:
        done += f", accuracy {100 * rec.final_accuracy:.0f}%"
    return f"weights: {done}"


class TheLesson(LectureScene):
    """The lesson's task and network, then its sequence with targets and losses."""

    def construct(self) -> None:
        self.introduce_the_task()
        self.show_the_sequence()

    def introduce_the_task(self) -> None:
        lesson, p = self.lesson, self.lesson.params
        facts = [
            f"network: {p.n_in} inputs, {p.n_hidden} hidden units, {p.n_out} outputs",
            *task_words(lesson),
            weights_words(lesson),
        ]
        about = lesson.description or f"The lesson '{lesson.name}'."
        self.beat(
            lecture_notes(
                f"Before the RNN: the lesson every following slide computes with. {about}",
                "the task line, then where the weights come from.",
                f"{p.n_in} inputs, {p.n_hidden} hidden units, {p.n_out} outputs; {facts[3]}.",
                "What must the network remember from earlier steps to do this?",
                "the sequence itself.",
            )
        )
        self.show_title(f"The lesson: {lesson.name}")
        self.description = Text(
            textwrap.fill(about, WRAP_CHARS), font_size=FONT_LABEL, color=MEANING.text.color
        )
        self.facts = VGroup(
            *(Text(f, font_size=FONT_LABEL, color=MEANING.neutral.color) for f in facts)
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        block = VGroup(self.description, self.facts).arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        self.fit_stage(block)
        self.play(FadeIn(self.description))
        self.play(FadeIn(self.facts))

    def show_the_sequence(self) -> None:
        lesson = self.lesson
        T, mask = lesson.T, lesson.loss_mask
        heads = [f"t = {display_step(t)}" for t in range(T)]
        inputs = [self.input_text(t) for t in range(T)] if lesson.step_labels else []
        vectors = [self.vector_text(t) for t in range(T)]
        targets = [self.target_text(t) if mask[t] else NO_LOSS for t in range(T)]
        losses = [f"L({display_step(t)})" if mask[t] else NO_LOSS for t in range(T)]
        rows = [
            *([("input", inputs, MEANING.input)] if lesson.step_labels else []),
            ("x(t): where its 1 is" if self.one_hot() else "x(t)", vectors, MEANING.input),
            ("target y(t)", targets, MEANING.output),
            ("loss", losses, MEANING.loss),
        ]
        spoken = [
            inputs[t] if lesson.step_labels else f"({', '.join(vectors[t].split())})"
            for t in range(T)
        ]
        scored = [t for t in range(T) if mask[t]]
        said = "; ".join(
            f"step {display_step(t)}: {spoken[t]}, target {' '.join(targets[t].split())}"
            for t in scored[:READ_STEPS]
        ) + ("; ..." if len(scored) > READ_STEPS else "")
        self.beat(
            lecture_notes(
                f"The input sequence has {T} step{'s' if T > 1 else ''}. A dash means no "
                "target and no loss at that step; the loss of the sequence is the sum of "
                "the step losses.",
                "each column (or row): input, target, loss.",
                f"{said}.",
                "Which targets could a network get right without remembering anything?",
                "the network that reads it, as connected neurons.",
            )
        )
        self.clear_stage()
        if T > COLUMNS_UP_TO:  # a long sequence: one row per step, so the text stays large
            cols = [label for label, _, _ in rows]
            rows = [
                (head, [cells[t] for _, cells, _ in rows], MEANING.neutral)
                for t, head in enumerate(heads)
            ]
            heads = cols
        self.table = text_table(heads, rows)
        self.table.scale(min(TABLE_ZOOM, 0.85 * STAGE_WIDTH / self.table.width))
        self.fit_stage(self.table)
        self.play(FadeIn(self.table))

    # --- words and layout --------------------------------------------------------
    def input_text(self, t: int) -> str:
        """The step's label (one-to-many: a dash after the one input)."""
        lesson = self.lesson
        return lesson.step_labels[t] if lesson.input_mask[t] else NO_LOSS

    def vector_text(self, t: int) -> str:
        """x(t) as a column of numbers (one-to-many: a dash after the one input)."""
        lesson = self.lesson
        if not lesson.input_mask[t]:
            return NO_LOSS
        x = lesson.xs[t]
        if self.one_hot():  # a tall column of 0s would be unreadable: where the 1 is
            return str(int(np.argmax(x)) + 1)
        return "\n".join(fmt(v) for v in x)

    def one_hot(self) -> bool:
        """Wide inputs that are all one-hot (shown by the position of their 1)."""
        xs = self.lesson.xs[self.lesson.input_mask]  # (steps with input, I)
        return self.lesson.params.n_in > ONE_HOT_FROM and bool(
            np.all((xs == 0) | (xs == 1)) and np.all(xs.sum(axis=1) == 1)
        )

    def target_text(self, t: int) -> str:
        lesson = self.lesson
        if lesson.loss == "cross_entropy":
            return class_name(lesson.output_labels, lesson.targets[t])
        return "\n".join(fmt(v) for v in lesson.targets[t])
