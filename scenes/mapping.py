"""Mapping (article 000, section 3): neural networks are just mappings.

A DCL maps a vector to a vector (a classifier or regressor); a CNN's feature
extraction part maps a (3, height, width) image tensor to a "semantic vector" that a
DCL then classifies (Chollet's dog/cat example); an RNN maps a sequence to a
sequence. The numbers are the core's: a small ``DenseParams.random`` network on
one vector (``rnncore.dense_mapping_demo``) and the lesson's RNN on its input
sequence (``Lesson.trace``).
"""

from __future__ import annotations

from itertools import pairwise

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    GrowArrow,
    MathTex,
    Polygon,
    Text,
    TransformMatchingTex,
    VGroup,
)

from rnncore import dense_mapping_demo
from scenes.base import LectureScene
from scenes.diagrams import MappingBox, Sheet, SheetStack, arrow_between
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    IMAGE_CHANNELS,
    MEANING,
)
from scenes.layout import STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step
from scenes.mobjects.value_shapes import VectorStrip

__all__ = ["Mapping"]

DENSE_SIZES = (4, 5, 3)  # the small DCL of the vector -> vector example
CHOLLET_SHAPE = (3, 150, 150)  # Chollet's dog/cat input tensor
ANALOGY_ROWS, ANALOGY_COLS = 6, 5  # cells of the Excel sheets
ANALOGY_CELL = 0.32
IMAGE_CELLS = 6  # a tiny grid stands for each 150 x 150 channel
SEMANTIC_LEN = 6  # cells drawn for the semantic vector
ARROW_LEN = 0.8
PIPE_BUFF = 0.25  # gap between a pipeline stage and its arrow
CAPTION_Y = STAGE_BOTTOM + 0.35
COLORBAR_LEN = 2.0


def _caption(text: str) -> Text:
    return Text(text, font_size=FONT_SMALL, color=MEANING.neutral.color).move_to([0, CAPTION_Y, 0])


def _arrange_pipeline(stages: list[VGroup]) -> VGroup:
    """Lay ``stages`` out left to right with room for an arrow between each two."""
    return VGroup(*stages).arrange(RIGHT, buff=ARROW_LEN + 2 * PIPE_BUFF)


def _pipeline_arrows(stages: list[VGroup]) -> VGroup:
    """An arrow from each stage to the next (stages already laid out left to right)."""
    return VGroup(
        *(
            arrow_between(a.get_right() + PIPE_BUFF * RIGHT, b.get_left() + PIPE_BUFF * LEFT)
            for a, b in pairwise(stages)
        )
    )


class Mapping(LectureScene):
    """Networks as mappings: DCL vector -> vector, CNN image -> vector, RNN sequence -> sequence."""

    def construct(self) -> None:
        self.show_mapping_idea()
        self.show_excel_analogy()
        self.show_dense_mapping()
        self.show_cnn_mapping()
        self.show_rnn_mapping()

    # --- beats ---------------------------------------------------------------------

    def show_mapping_idea(self) -> None:
        self.beat(
            "Forget magical spider webs or models of brain tissue: a neural network is "
            "just a mapping. You know y = f(x) from school: give it an x, get the y that "
            "belongs to it. In deep learning x is a vector or a tensor, so we write it "
            "in bold."
        )
        self.show_title("Neural networks are mappings")
        plain = MathTex("y", "=", "f", "(", "x", ")", font_size=72, color=MEANING.text.color)
        bold = MathTex(
            r"\mathbf{y}", "=", "f", "(", r"\mathbf{x}", ")", font_size=72, color=MEANING.text.color
        )
        for tex in (plain, bold):
            tex.move_to(STAGE_CENTER + 1.0 * UP)
        box = MappingBox("f", width=1.4, height=1.0)
        x = Text("x: a vector or a tensor", font_size=FONT_LABEL, color=MEANING.input.color)
        y = Text("y: what it maps to", font_size=FONT_LABEL, color=MEANING.output.color)
        row = _arrange_pipeline([x, box, y]).move_to(STAGE_CENTER + 1.4 * DOWN)
        arrows = _pipeline_arrows([x, box, y])
        self.play(FadeIn(plain))
        self.play(TransformMatchingTex(plain, bold))
        self.play(FadeIn(row), *(GrowArrow(a) for a in arrows))

    def show_excel_analogy(self) -> None:
        self.beat(
            "If linear algebra is new to you, think of Excel: a vector is one column of "
            "data, a matrix is one sheet with rows and columns, and a tensor is several "
            "sheets (each not necessarily a single column)."
        )
        self.clear_stage()
        self.show_title("Vector, matrix, tensor: Excel columns and sheets")
        cell = ANALOGY_CELL
        shapes = [
            Sheet(ANALOGY_ROWS, 1, color=MEANING.input.color, cell=cell),
            Sheet(ANALOGY_ROWS, ANALOGY_COLS, color=MEANING.hidden.color, cell=cell),
            SheetStack([MEANING.output.color] * 3, ANALOGY_ROWS, ANALOGY_COLS, cell=cell),
        ]
        names = [("vector", "one column"), ("matrix", "one sheet"), ("tensor", "several sheets")]
        items = VGroup()
        for shape, (name, hint) in zip(shapes, names, strict=True):
            label = VGroup(
                Text(name, font_size=FONT_LABEL, color=MEANING.text.color),
                Text(hint, font_size=FONT_SMALL, color=MEANING.neutral.color),
            ).arrange(DOWN, buff=0.1)
            items.add(VGroup(shape, label.next_to(shape, DOWN, buff=0.35)))
        items.arrange(RIGHT, buff=1.6, aligned_edge=DOWN).move_to(STAGE_CENTER)
        self.play(FadeIn(items, shift=0.2 * UP))

    def show_dense_mapping(self) -> None:
        params, x, y_hat = dense_mapping_demo(DENSE_SIZES, seed=self.lesson.seed)
        self.beat(
            "A densely connected network is a classifier or a regressor: it maps one "
            f"vector to another. This small DCL with {' - '.join(map(str, params.sizes))} "
            "neurons and random weights maps the 4 numbers on the left to the 3 class "
            "probabilities on the right; these are its real outputs."
        )
        self.clear_stage()
        self.show_title("A DCL maps a vector to a vector")
        self.dense_input = VectorStrip(x, outline=MEANING.input.color)
        self.dense_output = VectorStrip(y_hat, outline=MEANING.output.color)
        sizes = " → ".join(map(str, params.sizes))
        box = MappingBox("DCL", width=2.6, height=1.3, sublabel=sizes)
        stages = [
            VGroup(
                MathTex(r"\mathbf{x}", color=MEANING.input.color, font_size=FONT_LABEL + 6),
                self.dense_input,
            ).arrange(DOWN, buff=0.2),
            box,
            VGroup(
                MathTex(r"\hat{\mathbf{y}}", color=MEANING.output.color, font_size=FONT_LABEL + 6),
                self.dense_output,
            ).arrange(DOWN, buff=0.2),
        ]
        _arrange_pipeline(stages).move_to(STAGE_CENTER + 0.3 * UP)
        arrows = _pipeline_arrows(stages)
        bar = ColorBar(1.0, label="value", length=COLORBAR_LEN).to_corner(DOWN + RIGHT, buff=0.5)
        caption = _caption("classifier or regressor: one vector in, one vector out")
        self.play(FadeIn(stages[0]), FadeIn(box), FadeIn(bar))
        self.play(GrowArrow(arrows[0]), GrowArrow(arrows[1]), FadeIn(stages[2]))
        self.play(FadeIn(caption))

    def show_cnn_mapping(self) -> None:
        self.beat(
            "Images are (3, height, width) tensors: one height x width matrix per colour "
            "channel. A CNN's convolutional, feature-extraction part maps this tensor to "
            "a vector, which I call a semantic vector because it carries the meaning of "
            "the image; a DCL at the end classifies it. Chollet's dog/cat classifier maps "
            "(3, 150, 150) tensors to (1, 0) for dog or (0, 1) for cat."
        )
        self.clear_stage()
        self.show_title("A CNN maps an image tensor to a semantic vector")
        image = SheetStack(IMAGE_CHANNELS, IMAGE_CELLS, IMAGE_CELLS, cell=0.22)
        image_label = Text(str(CHOLLET_SHAPE), font_size=FONT_SMALL, color=MEANING.text.color)
        extractor = Polygon(
            [-1.1, 0.9, 0],
            [1.1, 0.45, 0],
            [1.1, -0.45, 0],
            [-1.1, -0.9, 0],
            stroke_color=MEANING.hidden.color,
        ).set_fill(MEANING.background.color, opacity=1.0)
        extractor_text = (
            VGroup(
                Text("feature", font_size=FONT_SMALL, color=MEANING.text.color),
                Text("extraction", font_size=FONT_SMALL, color=MEANING.text.color),
            )
            .arrange(DOWN, buff=0.06)
            .move_to(extractor)
        )
        semantic = VectorStrip(
            n=SEMANTIC_LEN,
            cell_width=0.32,
            cell_height=0.26,
            outline=MEANING.hidden.color,
            show_numbers=False,
        )
        dcl = MappingBox("DCL", width=1.3, height=0.9)
        answers = VGroup(
            Text("(1, 0)  dog", font_size=FONT_LABEL, color=MEANING.output.color),
            Text("(0, 1)  cat", font_size=FONT_LABEL, color=MEANING.output.color),
        ).arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        stages = [image, VGroup(extractor, extractor_text), semantic, dcl, answers]
        row = fit_within(_arrange_pipeline(stages), STAGE_WIDTH, 4.0)
        row.move_to(STAGE_CENTER + 0.4 * UP)
        arrows = _pipeline_arrows(stages)
        labels = VGroup(
            image_label.next_to(image, DOWN, buff=0.3),
            Text("semantic vector", font_size=FONT_SMALL, color=MEANING.text.color).next_to(
                semantic, DOWN, buff=0.3
            ),
            Text("classifier", font_size=FONT_SMALL, color=MEANING.neutral.color).next_to(
                dcl, DOWN, buff=0.3
            ),
        )
        legend = Legend(
            [(c, name) for c, name in zip(IMAGE_CHANNELS, ("red", "green", "blue"), strict=True)],
            vertical=False,
        )
        legend.entries.arrange(RIGHT, buff=0.35)  # Legend's row layout overlaps its entries
        legend.next_to(image, UP, buff=0.35).align_to(image, LEFT)
        caption = _caption("Chollet's dog/cat classifier: (3, 150, 150) tensor → 2-d vector")
        self.play(FadeIn(image), FadeIn(labels[0]), FadeIn(legend))
        self.play(GrowArrow(arrows[0]), FadeIn(stages[1]))
        self.play(GrowArrow(arrows[1]), FadeIn(semantic), FadeIn(labels[1]))
        self.play(GrowArrow(arrows[2]), FadeIn(dcl), FadeIn(labels[2]))
        self.play(GrowArrow(arrows[3]), FadeIn(answers), FadeIn(caption))

    def show_rnn_mapping(self) -> None:
        lesson = self.lesson
        trace = lesson.trace()
        self.beat(
            "Keep in mind: a DCL is a classifier or regressor, a CNN's feature extractor "
            "maps images to vectors closer to their meaning. And I would like you to see "
            "an RNN the same way: it is also just a mapping, from a sequence of vectors "
            f"to a sequence of vectors. Here our RNN maps its {lesson.T} input vectors "
            f"x(1)..x({lesson.T}) to {lesson.T} output vectors y_hat(1)..y_hat({lesson.T}); "
            "these are its real outputs."
        )
        self.clear_stage()
        self.show_title("An RNN maps a sequence to a sequence")
        self.rnn_inputs = [VectorStrip(x, outline=MEANING.input.color) for x in trace.xs]
        self.rnn_outputs = [VectorStrip(y, outline=MEANING.output.color) for y in trace.y_hat]
        pitch = 0.3
        inputs = VGroup(*self.rnn_inputs).arrange(RIGHT, buff=pitch, aligned_edge=UP)
        outputs = VGroup(*self.rnn_outputs).arrange(RIGHT, buff=pitch, aligned_edge=DOWN)
        box = MappingBox("RNN", width=inputs.width + 0.4, height=0.8)
        x_labels = VGroup(
            *(
                MathTex(
                    f"x^{{({display_step(t)})}}", color=MEANING.input.color, font_size=FONT_LABEL
                ).next_to(s, DOWN, buff=0.15)
                for t, s in enumerate(self.rnn_inputs)
            )
        )
        y_labels = VGroup(
            *(
                MathTex(
                    rf"\hat{{y}}^{{({display_step(t)})}}",
                    color=MEANING.output.color,
                    font_size=FONT_LABEL,
                ).next_to(s, UP, buff=0.15)
                for t, s in enumerate(self.rnn_outputs)
            )
        )
        bottom = VGroup(inputs, x_labels)
        top = VGroup(outputs, y_labels)
        diagram = VGroup(top, box, bottom).arrange(DOWN, buff=0.7)
        bar = ColorBar(1.0, label="value", length=COLORBAR_LEN)
        room = STAGE_WIDTH - bar.width - 0.4
        fit_within(diagram, room, STAGE_TOP - STAGE_BOTTOM - 0.2)
        diagram.move_to(STAGE_CENTER)
        if diagram.get_right()[0] > STAGE_WIDTH / 2 - bar.width - 0.4:
            diagram.shift((STAGE_WIDTH / 2 - bar.width - 0.4 - diagram.get_right()[0]) * RIGHT)
        bar.to_corner(DOWN + RIGHT, buff=0.5)
        ups = VGroup(
            *(
                arrow_between(s.get_top() + 0.1 * UP, [s.get_x(), box.get_bottom()[1] - 0.1, 0])
                for s in self.rnn_inputs
            )
        )
        downs = VGroup(
            *(
                arrow_between([s.get_x(), box.get_top()[1] + 0.1, 0], s.get_bottom() + 0.1 * DOWN)
                for s in self.rnn_outputs
            )
        )
        self.play(FadeIn(bottom), FadeIn(bar))
        self.play(*(GrowArrow(a) for a in ups), FadeIn(box))
        self.play(*(GrowArrow(a) for a in downs), FadeIn(top))
