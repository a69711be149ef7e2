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
from rnncore.intro import semantic_demo
from scenes.base import LectureScene
from scenes.diagrams import MappingBox, Sheet, SheetStack, arrow_between
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    IMAGE_CHANNELS,
    MEANING,
)
from scenes.intro_notes import lecture_notes
from scenes.layout import STAGE_BOTTOM, STAGE_CENTER, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.numbers import display_step, fmt
from scenes.mobjects.value_shapes import VectorStrip
from scenes.semantic_view import PAIRS, SemanticView, pair_name

__all__ = ["Mapping"]

DENSE_SIZES = (4, 5, 3)  # the small DCL of the vector -> vector example
DENSE_SCALE = 1.5  # that example, enlarged: alone on its slide
CHOLLET_SHAPE = (3, 150, 150)  # Chollet's dog/cat input tensor
ANALOGY_ROWS, ANALOGY_COLS = 6, 5  # cells of the Excel sheets
ANALOGY_CELL = 0.5
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
        self.show_semantic_vectors()
        self.show_rnn_mapping()

    # --- beats ---------------------------------------------------------------------

    def show_mapping_idea(self) -> None:
        self.beat(
            lecture_notes(
                "Forget magical spider webs or models of brain tissue: a neural network is "
                "just a mapping. Give it an x, get the y that belongs to it; in deep "
                "learning x is a vector or a tensor, written in bold.",
                "y = f(x) turning bold, then the box f between x and y.",
                "1 input x, 1 output y: f is any mapping.",
                "What is the x of a network that reads a photo?",
                "what vectors, matrices and tensors are.",
            )
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
            lecture_notes(
                "If linear algebra is new to you, think of Excel: a vector is one column "
                "of data, a matrix is one sheet, a tensor several sheets.",
                "the column, the sheet and the stack of sheets, left to right.",
                f"the sheets drawn here have {ANALOGY_ROWS} rows and {ANALOGY_COLS} columns.",
                "How many sheets does a colour image need?",
                "a DCL, which maps a vector to a vector.",
            )
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
                Text(name, font_size=FONT_LABEL + 8, color=MEANING.text.color),
                Text(hint, font_size=FONT_LABEL, color=MEANING.neutral.color),
            ).arrange(DOWN, buff=0.15)
            items.add(VGroup(shape, label.next_to(shape, DOWN, buff=0.35)))
        items.arrange(RIGHT, buff=2.0, aligned_edge=DOWN).move_to(STAGE_CENTER)
        self.play(FadeIn(items, shift=0.2 * UP))

    def show_dense_mapping(self) -> None:
        params, x, y_hat = dense_mapping_demo(DENSE_SIZES, seed=self.lesson.seed)
        self.beat(
            lecture_notes(
                "A densely connected layer is a classifier or a regressor: it maps one "
                "vector to another. This small DCL has random weights; the numbers are "
                "its real input and output.",
                "the input x on the left, the box, the output y-hat on the right.",
                f"{' - '.join(map(str, params.sizes))} neurons; x = "
                f"({', '.join(fmt(v) for v in x)}), y-hat = "
                f"({', '.join(fmt(v) for v in y_hat)}).",
                "Why do the outputs add up to 1?",
                "a CNN, which maps an image to a vector.",
            )
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
        _arrange_pipeline(stages).scale(DENSE_SCALE).move_to(STAGE_CENTER + 0.3 * UP)
        arrows = _pipeline_arrows(stages)
        bar = ColorBar(1.0, label="value", length=COLORBAR_LEN).to_corner(DOWN + RIGHT, buff=0.5)
        caption = _caption("classifier or regressor: one vector in, one vector out")
        self.play(FadeIn(stages[0]), FadeIn(box), FadeIn(bar))
        self.play(GrowArrow(arrows[0]), GrowArrow(arrows[1]), FadeIn(stages[2]))
        self.play(FadeIn(caption))

    def show_cnn_mapping(self) -> None:
        self.beat(
            lecture_notes(
                "An image is a (3, height, width) tensor, one matrix per colour channel. "
                "A CNN's feature-extraction part maps it to a vector, the semantic vector, "
                "because it carries the image's meaning; a DCL at the end classifies it.",
                "the three channels, the feature extractor, the semantic vector, the DCL.",
                f"Chollet's dog/cat classifier maps {CHOLLET_SHAPE} tensors to (1, 0) for "
                "dog or (0, 1) for cat.",
                f"How many numbers does one {CHOLLET_SHAPE} input hold?",
                "why that vector deserves the name semantic.",
            )
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

    def show_semantic_vectors(self) -> None:
        demo = semantic_demo()
        cols = [pair_name(demo, a, b) for a, b in PAIRS]
        pix = [fmt(demo.pixel_cos[a, b]) for a, b in PAIRS]
        sem = [fmt(demo.semantic_cos[a, b]) for a, b in PAIRS]
        self.beat(
            lecture_notes(
                "Pictures with close semantic vectors are close in meaning even when they "
                "are not close pixel by pixel. A toy extractor shows it: two 3 x 3 filters "
                "('+' and 'o' detectors), a bias, ReLU, the maximum over all positions.",
                "the two '+' pictures: no pixel in common, the same semantic vector.",
                f"cosine similarity, {cols[0]}: pixels {pix[0]}, semantic {sem[0]}; "
                f"{cols[1]}: pixels {pix[1]}, semantic {sem[1]}.",
                "Which pair would a pixel-by-pixel comparison call the most alike?",
                "an RNN is a mapping too.",
            )
        )
        self.clear_stage()
        self.show_title("Close in meaning, not pixel by pixel")
        view = SemanticView(demo)
        bar = ColorBar(1.0, label="value", length=COLORBAR_LEN)
        bar.next_to(view.columns, RIGHT, buff=0.7)
        self.fit_stage(VGroup(view, bar))
        self.semantic_view = view
        pictures, labels = view.columns[:-1], view.row_labels
        self.play(*(FadeIn(c[:2]) for c in pictures), FadeIn(labels[0]))
        self.play(*(FadeIn(c[2:]) for c in pictures), FadeIn(labels[1]), FadeIn(bar))
        self.play(FadeIn(view.table))

    def show_rnn_mapping(self) -> None:
        lesson = self.lesson
        trace = lesson.trace()
        last = display_step(lesson.T - 1)
        self.beat(
            lecture_notes(
                "A DCL classifies or regresses, a CNN's feature extractor maps images to "
                "vectors close to their meaning. See an RNN the same way: it is also just "
                "a mapping, from a sequence of vectors to a sequence of vectors.",
                "the inputs at the bottom, the box, the outputs on top, one per step.",
                f"our lesson's {lesson.T} inputs x(1)..x({last}) map to {lesson.T} outputs; "
                f"y-hat({last}) = ({', '.join(fmt(v) for v in trace.y_hat[-1])}).",
                "What would change in this picture for a many-to-one task?",
                "why DCLs and CNNs do not fit sequences.",
            )
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
