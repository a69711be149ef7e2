"""The DCL review's opening steps (001 §1): parameters and variables, the parameters of
the network counted, and feature engineering replaced by network design.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    FadeIn,
    Indicate,
    LaggedStart,
    MathTex,
    Text,
    VGroup,
)

from rnncore import count_parameters
from rnncore.dense_views import line_example
from scenes.dcl.stage import DenseStage
from scenes.dense_intro_mobjects import LinePlot, PipelineColumn
from scenes.dense_mobjects import EQ_FONT, PANEL_HEIGHT, RUN, UPDATE_HEIGHT, matrix_with_label
from scenes.grammar import FONT_LABEL, FONT_SMALL, MEANING
from scenes.layout import STAGE_BOTTOM, STAGE_TOP, fit_within
from scenes.mobjects.equations import EquationPanel
from scenes.mobjects.keys import Legend
from scenes.mobjects.numbers import fmt, relation, shown, tex_num

__all__ = ["IntroSteps"]

PLOT_LEFT = -6.3  # the plot of y = a x + b, left half of the stage
TEXT_LEFT = 0.6  # its explanation, right half
MAX_GRID_COLUMNS = 5  # wider weight grids show colours only (numbers would be too small)


class IntroSteps(DenseStage):
    """Parameters versus variables, the network's parameters, feature engineering."""

    def parameters_and_variables(self) -> None:
        """``y = a x + b`` with ``a = U_ji`` and ``b = b_j`` of the review network."""
        ex = line_example(self.review)
        self.line = ex
        n, m = ex.j + 1, ex.i + 1
        self.beat(
            "Point at: the line y = a x + b and the point on it. Read out: "
            f"a = {fmt(ex.a)} and b = {fmt(ex.b)}, weight U{n}{m} and bias b{n} of our "
            f"network; at x = {fmt(ex.x)}, y = {fmt(ex.y)}. Learning adjusts the parameters "
            f"a and b: after one step they are {fmt(ex.a_new)} and {fmt(ex.b_new)}, the dashed "
            "line; x and y are variables, the data. Ask: if the input x changes, does the "
            "line move? Next: the network a and b come from."
        )
        self.show_title("A brief review: back propagation in a DCL")
        plot = LinePlot(
            ex.a, ex.b, ex.x, ex.y, ex.a_new, ex.b_new, ex.x_range, ex.y_range, size=(5.8, 5.0)
        )
        fit_within(plot, -PLOT_LEFT + TEXT_LEFT - 0.5, STAGE_TOP - STAGE_BOTTOM - 0.8)
        plot.move_to([PLOT_LEFT, STAGE_TOP - 0.2, 0], aligned_edge=UL)
        y_hand = shown(ex.a) * shown(ex.x) + shown(ex.b)
        panel = EquationPanel(
            [
                [
                    ("y", MEANING.hidden.color),
                    ("=", MEANING.text.color),
                    ("a\\,x + b", MEANING.text.color),
                ],
                [
                    ("a", MEANING.text.color),
                    ("=", MEANING.text.color),
                    (
                        rf"U_{{{n}{m}}} = {fmt(ex.a)},\quad b = b_{{{n}}} = {fmt(ex.b)}",
                        MEANING.text.color,
                    ),
                ],
                [
                    ("y", MEANING.hidden.color),
                    ("=", MEANING.text.color),
                    (
                        rf"{tex_num(ex.a)}\cdot{tex_num(ex.x)} + {tex_num(ex.b)} "
                        rf"{relation(y_hand, fmt(ex.y))} {fmt(ex.y)}",
                        MEANING.text.color,
                    ),
                ],
                [
                    ("a'", MEANING.text.color),
                    ("=", MEANING.text.color),
                    (rf"{fmt(ex.a_new)},\quad b' = {fmt(ex.b_new)}", MEANING.text.color),
                ],
            ],
            {"a": ex.a, "b": ex.b, "x": ex.x, "y": ex.y, "a_new": ex.a_new, "b_new": ex.b_new},
            font_size=EQ_FONT,
        )
        words = VGroup(
            Text("parameters: a, b", font_size=FONT_LABEL, color=MEANING.text.color),
            Text("what learning adjusts", font_size=FONT_SMALL, color=MEANING.neutral.color),
            Text("variables: x, y", font_size=FONT_LABEL, color=MEANING.text.color),
            Text("the data, flowing through", font_size=FONT_SMALL, color=MEANING.neutral.color),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        for sub in (words[1], words[3]):
            sub.shift(0.3 * RIGHT)
        words[2].shift(0.15 * DOWN)
        words[3].shift(0.15 * DOWN)
        legend = Legend(
            [
                (MEANING.hidden.color, "y = a x + b, the network's a and b", "line"),
                (MEANING.hidden.color, "after one learning step (a', b')", "dashed"),
            ],
        )
        right = VGroup(words, panel, legend).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        fit_within(right, 7.1 - 0.45 - TEXT_LEFT, STAGE_TOP - STAGE_BOTTOM - 0.3)
        right.move_to([TEXT_LEFT, STAGE_TOP - 0.2, 0], aligned_edge=UL)
        self.panels["line"] = panel
        self.line_plot = plot
        self.play(FadeIn(plot.axes), FadeIn(plot.ticks), FadeIn(plot.axis_labels), run_time=RUN)
        self.play(FadeIn(plot.line), FadeIn(words), FadeIn(panel), run_time=RUN)
        self.play(FadeIn(plot.guides), FadeIn(plot.point), FadeIn(plot.point_label), run_time=RUN)
        self.play(FadeIn(plot.after), FadeIn(legend), run_time=RUN)
        self.intro = VGroup(plot, right)

    def count_parameters(self) -> None:
        """Every parameter of the network as a number: the grids U, b, V and c."""
        p = self.review.params
        (U, V), (b, c) = p.weights, p.biases
        n_conn, n_bias = count_parameters(p)
        wide = max(U.shape[1], V.shape[1]) > MAX_GRID_COLUMNS  # grids without numbers
        first = "" if wide else f"U11 = {fmt(U[0, 0])}, b1 = {fmt(b[0])}; "
        self.beat(
            "Point at: the grids U, b, V and c, one cell per connection or bias. Read out: "
            f"{first}{U.size} + {b.size} + {V.size} + "
            f"{c.size} = {n_conn + n_bias} parameters. Adjusting them is what machine "
            "learning is all about. Ask: how many parameters would one more hidden neuron "
            "add? Next: classical machine learning had far fewer."
        )
        cell = (0.82, 0.4)  # numbers legible up to MAX_GRID_COLUMNS columns
        if wide:  # colours only, as cell strips
            rows_needed = U.shape[0] + V.shape[0] + 2
            cell = (0.4, min(0.4, (PANEL_HEIGHT - 1.4) / rows_needed))
        grids = {
            name: matrix_with_label(values, f"{name} =", cell)
            for name, values in (("U", U), ("b", b[:, None]), ("V", V), ("c", c[:, None]))
        }
        self.parameter_grids = grids
        rows = VGroup(
            VGroup(grids["U"], grids["b"]).arrange(RIGHT, buff=0.4, aligned_edge=DOWN),
            VGroup(grids["V"], grids["c"]).arrange(RIGHT, buff=0.4, aligned_edge=DOWN),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        total = MathTex(
            rf"{U.size} + {b.size} + {V.size} + {c.size} = {n_conn + n_bias}"
            r"\ \text{parameters}",
            font_size=EQ_FONT,
            color=MEANING.text.color,
        )
        self.set_panel(
            Text(
                "parameters: what learning adjusts", font_size=FONT_LABEL, color=MEANING.text.color
            ),
            rows,
            total,
            buff=0.25,
        )
        lines = [line for link in self.links for line in link]
        self.play(
            LaggedStart(
                *(
                    Indicate(line, color=MEANING.highlight.color, scale_factor=1.0)
                    for line in lines
                ),
                lag_ratio=0.05,
            ),
            run_time=1.5,
        )

    def feature_engineering(self) -> None:
        """Classical machine learning next to a DCL: where the handwork went."""
        n_conn, n_bias = count_parameters(self.review.params)
        n = n_conn + n_bias
        self.beat(
            "Point at: the two columns, bottom to top, and the pink boxes, made by hand. Read "
            f"out: classical y = a x + b has 2 parameters, this DCL {n}. Classical machine "
            "learning needs features found by hand, by trial and error: feature engineering. "
            "A DCL reads the raw data, but its network is designed by hand. Ask: so what did "
            "neural networks really automate? Next: forward propagation."
        )
        classical = PipelineColumn(
            "classical ML",
            [
                ("raw data", False),
                ("features", True),
                ("y = a x + b\n2 parameters", True),
                ("$\\hat y$", False),
            ],
        )
        dcl = PipelineColumn(
            "a DCL",
            [
                ("raw data x", False),
                (f"the network\n{n} parameters", True),
                ("$\\hat y$", False),
            ],
        )
        columns = VGroup(classical, dcl).arrange(RIGHT, buff=0.35, aligned_edge=DOWN)
        legend = Legend(
            [(MEANING.highlight.color, "made by hand")],
            kind="frame",
        )
        remark = Text(
            "the hard part moved: from designing\nfeatures to designing networks",
            font_size=FONT_SMALL,
            color=MEANING.text.color,
            line_spacing=0.8,
        )
        self.pipelines = VGroup(classical, dcl)
        self.set_panel(
            columns,
            VGroup(legend, remark).arrange(DOWN, aligned_edge=LEFT),
            buff=0.3,
            max_height=UPDATE_HEIGHT,
        )
        self.play(
            *(
                Indicate(box, color=MEANING.highlight.color)
                for column in self.pipelines
                for box in column.by_hand
            ),
            run_time=RUN,
        )
