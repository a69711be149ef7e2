"""WhyHard (article 000, sections 1-2): why RNNs are hard to learn, and a simple RNN first.

The article names two difficulties: the variety of RNN structures (a gallery of
charts) and backpropagation, "a monster of chain rules" (BPTT's products for the
lesson's T, counted by ``rnncore.intro.chain_terms``). To avoid the confusion the
series starts with a simple RNN, and draws it as what it is, connected neurons,
beside the usual simplified blackbox chart (the lesson's own network).
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, FadeIn, MathTex, Text, VGroup

from rnncore.intro import chain_terms
from scenes.base import LectureScene
from scenes.difficulty_views import GALLERY, ChainTable, StructureGallery
from scenes.grammar import FONT_LABEL, FONT_SMALL, MEANING
from scenes.intro_notes import lecture_notes
from scenes.layout import STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH, fit_within
from scenes.mobjects.blackbox import FoldedRNN
from scenes.mobjects.keys import ColorBar, Legend
from scenes.mobjects.network import RNNNeuronsView

__all__ = ["WhyHard"]

KEY_Y = STAGE_BOTTOM + 0.2  # the keys' row
ROLE_KEYS = (
    ("input", MEANING.input.color),
    ("recurrent", MEANING.recurrent.color),
    ("output", MEANING.output.color),
)
EXAMPLE_T = 100  # the question's long sequence


def _line_keys() -> Legend:
    keys = Legend([(c, name) for name, c in ROLE_KEYS], kind="line", vertical=False)
    return keys.move_to([0, KEY_Y, 0], aligned_edge=DOWN)


class WhyHard(LectureScene):
    """Many structures, a monster of chain rules, and a simple RNN drawn as neurons."""

    def construct(self) -> None:
        self.show_structures()
        self.show_chain_rules()
        self.show_simple_rnn()

    def show_structures(self) -> None:
        self.beat(
            lecture_notes(
                "Why are RNNs hard? First, the variety of their structures: search for "
                "pictures of RNNs and you find charts like these, because RNNs enable many "
                "kinds of tasks.",
                "each chart: time left to right, inputs below, outputs on top, the state "
                "carried along the yellow arrows.",
                f"{len(GALLERY)} structures, each over 4 time steps.",
                "Which of these have you seen before, and for which task?",
                "the second difficulty: backpropagation.",
            )
        )
        self.show_title("Why RNNs are hard (1): many structures")
        gallery = StructureGallery()
        keys = _line_keys()
        fit_within(gallery, STAGE_WIDTH, STAGE_TOP - keys.get_top()[1] - 0.7)
        gallery.move_to([0, (STAGE_TOP + keys.get_top()[1] + 0.3) / 2, 0])
        self.gallery = gallery
        self.play(FadeIn(gallery.charts[:3]), FadeIn(keys))
        self.play(FadeIn(gallery.charts[3:]))

    def show_chain_rules(self) -> None:
        lesson = self.lesson
        T, H = lesson.T, lesson.params.n_hidden
        terms = chain_terms(T)
        self.terms = terms
        self.beat(
            lecture_notes(
                "Second, backprop. In an RNN every loss L(s) goes back to every earlier "
                "step t through s - t Jacobians, and BPTT adds all these products; for an "
                "LSTM it is worse: a monster of chain rules.",
                "one row: the Jacobians from that loss back to each step.",
                f"for our lesson's T = {T}: {terms.products} products with "
                f"{terms.jacobians} Jacobians, each {H} x {H}; for {EXAMPLE_T} steps: "
                f"{chain_terms(EXAMPLE_T).products} products.",
                "How fast does the count grow with the length?",
                "the simplest RNN there is.",
            )
        )
        self.clear_stage()
        self.show_title("Why RNNs are hard (2): a monster of chain rules")
        table = ChainTable(terms, cell=0.6 if T <= 6 else 0.5)
        formula = MathTex(
            r"\frac{\partial L^{(s)}}{\partial h^{(t)}} = "
            r"\frac{\partial L^{(s)}}{\partial h^{(s)}}\,"
            r"\underbrace{\frac{\partial h^{(s)}}{\partial h^{(s-1)}} \cdots "
            r"\frac{\partial h^{(t+1)}}{\partial h^{(t)}}}_{s - t \text{ Jacobians}}",
            font_size=FONT_LABEL + 4,
            color=MEANING.text.color,
        )
        summary = VGroup(
            Text(f"T = {T}:", font_size=FONT_LABEL, color=MEANING.text.color),
            Text(
                f"{terms.products} product{'s' if terms.products != 1 else ''}",
                font_size=FONT_LABEL,
                color=MEANING.text.color,
            ),
            Text(
                f"{terms.jacobians} Jacobians of {H} × {H}",
                font_size=FONT_LABEL,
                color=MEANING.text.color,
            ),
            Text(
                "cell: Jacobians from L(s) to h(t)",
                font_size=FONT_SMALL,
                color=MEANING.neutral.color,
            ),
            Text("BPTT adds them all", font_size=FONT_SMALL, color=MEANING.neutral.color),
        ).arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        right = VGroup(formula, summary).arrange(DOWN, buff=0.6)
        body = VGroup(table, right).arrange(RIGHT, buff=0.9)
        self.fit_stage(body)
        self.chain_table, self.chain_summary = table, summary
        self.play(FadeIn(table.grid), FadeIn(table.row_labels), FadeIn(table.col_labels))
        self.play(FadeIn(formula))
        self.play(FadeIn(summary))

    def show_simple_rnn(self) -> None:
        lesson = self.lesson
        p = lesson.params
        count = sum(getattr(p, name).size for name in ("U", "W", "V", "b", "c"))
        self.parameter_count = count
        self.beat(
            lecture_notes(
                "So we start with a simple RNN. Most materials draw it as a black box with "
                "a loop (left), but it is connected neurons, like a DCL, and small enough "
                "to draw every one (right). Fancier RNNs are drawn abstractly.",
                "the loop W, then the yellow lines among the hidden neurons.",
                f"{p.n_in} inputs, {p.n_hidden} hidden, {p.n_out} outputs; {count} numbers "
                "in U, W, V, b and c.",
                "Which arrow on the left stands for the yellow lines?",
                "a network is a mapping.",
            )
        )
        self.clear_stage()
        self.show_title("A simple RNN first: neurons, not a black box")
        folded = FoldedRNN(gap=1.3, radius=0.38)
        view = RNNNeuronsView(p, lesson.trace(), 0, show_numbers=False, height=4.0, max_width=6.0)
        for layer in view.layers:
            layer.clear_values()  # the structure only: the lines are the lesson's weights
        names = (
            Text("the usual chart", font_size=FONT_SMALL, color=MEANING.neutral.color),
            Text("the same network as neurons", font_size=FONT_SMALL, color=MEANING.neutral.color),
        )
        left = VGroup(folded, names[0]).arrange(DOWN, buff=0.35)
        right = VGroup(view, names[1]).arrange(DOWN, buff=0.35)
        keys = _line_keys()
        bar = ColorBar(label="weight", length=2.0)
        body = VGroup(left, right).arrange(RIGHT, buff=1.6, aligned_edge=DOWN)
        fit_within(body, STAGE_WIDTH - bar.width - 0.6, STAGE_TOP - keys.get_top()[1] - 0.3)
        body.move_to([-(bar.width + 0.6) / 2, (STAGE_TOP + keys.get_top()[1]) / 2, 0])
        bar.next_to(body, RIGHT, buff=0.6)
        size = Text(
            f"{p.n_in} - {p.n_hidden} - {p.n_out} neurons, {count} parameters",
            font_size=FONT_SMALL,
            color=MEANING.text.color,
        )
        VGroup(keys, size).arrange(RIGHT, buff=0.8).move_to([0, KEY_Y, 0], aligned_edge=DOWN)
        self.neurons_view = view
        self.play(FadeIn(left), FadeIn(keys))
        self.play(FadeIn(right), FadeIn(bar), FadeIn(size))
