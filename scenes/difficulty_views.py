"""Pictures of article 000's first two sections (scene ``WhyHard``).

- ``StructureGallery``: the many shapes an RNN chart takes, one small task diagram each.
- ``ChainTable``: BPTT's chain-rule products for T steps as a triangle, one row per
  loss L(s) (in its source colour), one column per step h(t), each cell the number
  of Jacobian factors dh(k)/dh(k-1) in that product (``rnncore.intro.chain_terms``).

Both draw what they are given; nothing computes model math.
"""

from __future__ import annotations

from manim import DOWN, LEFT, MathTex, Square, Text, VGroup

from rnncore.intro import ChainTerms
from scenes.grammar import FONT_LABEL, FONT_NUMBER, FONT_SMALL, MEANING, source_color, text_color_on
from scenes.mobjects.numbers import display_step
from scenes.task_diagram import TaskDiagram

__all__ = ["GALLERY", "ChainTable", "StructureGallery"]

# (name, inputs, outputs, options) of the charts in the gallery, 4 steps each
GALLERY: tuple[tuple[str, str, str, dict], ...] = (
    ("many-to-one", "1111", "0001", {}),
    ("one-to-many", "1000", "1111", {}),
    ("many-to-many", "1111", "1111", {}),
    ("encoder-decoder", "1100", "0011", {}),
    ("bidirectional", "1111", "1111", {"bidirectional": True}),
    ("generator (output fed back)", "1000", "1111", {"feedback": True}),
)
CHAIN_CELL = 0.5


class StructureGallery(VGroup):
    """Six small RNN charts in two rows of three, each named under it."""

    def __init__(self) -> None:
        super().__init__()
        self.charts = VGroup()
        for name, ins, outs, options in GALLERY:
            chart = TaskDiagram(
                [c == "1" for c in ins], [c == "1" for c in outs], pitch=0.85, **options
            )
            label = Text(name, font_size=FONT_SMALL, color=MEANING.text.color)
            self.charts.add(VGroup(chart, label.next_to(chart, DOWN, buff=0.25)))
        self.charts.arrange_in_grid(rows=2, cols=3, buff=(0.9, 0.6))
        self.add(self.charts)


class ChainTable(VGroup):
    """Rows L(s), columns h(t): the Jacobian count of each product, nothing above the diagonal."""

    def __init__(self, terms: ChainTerms, cell: float = CHAIN_CELL) -> None:
        super().__init__()
        T = terms.T
        self.cells: dict[tuple[int, int], VGroup] = {}
        grid = VGroup()
        for s in range(T):
            fill = source_color(s)
            for t in range(s + 1):
                square = Square(
                    side_length=cell, stroke_width=1, stroke_color=MEANING.background.color
                )
                square.set_fill(fill, opacity=1.0)
                number = Text(
                    str(int(terms.factors[s, t])),
                    font_size=FONT_NUMBER,
                    color=text_color_on(fill),
                )
                group = VGroup(square, number.move_to(square))
                group.move_to([t * cell, -s * cell, 0])
                self.cells[(s, t)] = group
                grid.add(group)
        rows = VGroup(
            *(
                MathTex(
                    f"L^{{({display_step(s)})}}", font_size=FONT_LABEL, color=source_color(s)
                ).next_to(self.cells[(s, 0)], LEFT, buff=0.2)
                for s in range(T)
            )
        )
        cols = VGroup(
            *(
                MathTex(
                    f"h^{{({display_step(t)})}}", font_size=FONT_LABEL, color=MEANING.hidden.color
                ).next_to(self.cells[(T - 1, t)], DOWN, buff=0.2)
                for t in range(T)
            )
        )
        self.grid, self.row_labels, self.col_labels = grid, rows, cols
        self.add(grid, rows, cols)
