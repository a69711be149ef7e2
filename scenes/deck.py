"""The slides around the lecture's scenes: a title slide and one section slide per article.

``render.py lecture`` puts ``LectureTitle`` first and ``Section000`` / ``Section001``
before the scenes of each article (see ``scenes.outline.deck_order``). They are ``LectureScene``
slides like every other scene, with speaker notes, so they render with plain
``manim`` too::

    manim -ql scenes/deck.py LectureTitle
"""

from __future__ import annotations

from manim import DOWN, LEFT, UP, Arc, Circle, FadeIn, LaggedStart, Text, VGroup, Write

from scenes import LECTURE
from scenes.base import LectureScene
from scenes.grammar import (
    FONT_LABEL,
    FONT_SMALL,
    FONT_TITLE,
    MEANING,
)
from scenes.layout import FRAME_MARGIN, FRAME_WIDTH
from scenes.outline import ARTICLES, Article, article_of

__all__ = [
    "TITLE_NOTES",
    "LectureTitle",
    "Section000",
    "Section001",
    "Section002",
    "SectionSlide",
]

SERIES = "A gentle introduction to the tiresome part of understanding RNN"
LECTURE_TITLE = "Recurrent neural networks"
LECTURE_SUBTITLE = "forward propagation and backpropagation through time, with real numbers"
TITLE_NOTES = (
    "Welcome. This lecture animates a small simple RNN with real numbers: every number on "
    "screen is computed by the NumPy core from the lesson named on this slide, under the "
    "title. It ends with the LSTM, the cell the simple RNN is the foothold for."
)

# Layout (units of manim's 14.2 x 8 frame).
TITLE_FONT = 56  # the lecture title on the title slide
SUBTITLE_FONT = FONT_LABEL
ICON_RADIUS = 0.55  # the folded-RNN icon: one hidden unit with its recurrent loop
ICON_LOOP_RADIUS = 0.35
BLOCK_BUFF = 0.45  # vertical space between the blocks of a slide
LIST_BUFF = 0.22  # between the lines of a section's table of contents
TEXT_WIDTH = FRAME_WIDTH - 2 * FRAME_MARGIN - 0.6  # widest a line of text may get


class LectureTitle(LectureScene):
    """The first slide: the lecture's title, the series it follows and the lesson used."""

    def construct(self) -> None:
        self.beat(TITLE_NOTES)
        self.show_title_block()

    def show_title_block(self) -> None:
        icon = folded_rnn_icon()
        title = fit(Text(LECTURE_TITLE, font_size=TITLE_FONT, color=MEANING.text.color))
        subtitle = fit(Text(LECTURE_SUBTITLE, font_size=SUBTITLE_FONT, color=MEANING.neutral.color))
        series = fit(
            Text(SERIES, font_size=FONT_SMALL, color=MEANING.neutral.color, slant="ITALIC")
        )
        lesson = fit(Text(self.lesson_line(), font_size=FONT_SMALL, color=MEANING.text.color))
        block = VGroup(icon, title, subtitle, series, lesson).arrange(DOWN, buff=BLOCK_BUFF)
        self.play(FadeIn(icon), Write(title))
        self.play(LaggedStart(*(FadeIn(m, shift=0.2 * UP) for m in (subtitle, series, lesson))))
        self.block = block

    def lesson_line(self) -> str:
        p, lesson = self.lesson.params, self.lesson
        return (
            f"Lesson: {lesson.name}  ·  {p.n_in} inputs, {p.n_hidden} hidden units, "
            f"{p.n_out} outputs, T = {lesson.T} steps"
        )


class SectionSlide(LectureScene):
    """A section slide: the article's part number, its title and the scenes it covers."""

    article_key = "000"

    def construct(self) -> None:
        article = ARTICLES[self.article_key]
        self.beat(article.notes)
        self.show_section(article)

    def show_section(self, article: Article) -> None:
        part = Text(f"Part {article.part}", font_size=FONT_LABEL, color=MEANING.neutral.color)
        title = fit(Text(article.title, font_size=FONT_TITLE, color=MEANING.text.color))
        items = self.contents(article.key)
        block = VGroup(part, title, items).arrange(DOWN, buff=BLOCK_BUFF)
        block.move_to(0)
        self.play(FadeIn(part, shift=0.2 * UP), Write(title))
        if items:
            self.play(LaggedStart(*(FadeIn(m, shift=0.2 * LEFT) for m in items)))
        self.block = block

    def contents(self, key: str) -> VGroup:
        """Numbered titles of the lecture scenes from this article."""
        infos = [info for info in LECTURE if article_of(info) == key]
        lines = [
            fit(Text(f"{i}.  {info.title}", font_size=FONT_LABEL, color=MEANING.text.color))
            for i, info in enumerate(infos, start=1)
        ]
        group = VGroup(*lines)
        if lines:
            group.arrange(DOWN, buff=LIST_BUFF, aligned_edge=LEFT)
        return group


class Section000(SectionSlide):
    article_key = "000"


class Section001(SectionSlide):
    article_key = "001"


class Section002(SectionSlide):
    article_key = "002"


def fit(text: Text) -> Text:
    """Shrink ``text`` to the usable frame width if it is wider."""
    if text.width > TEXT_WIDTH:
        text.scale_to_fit_width(TEXT_WIDTH)
    return text


def folded_rnn_icon() -> VGroup:
    """One hidden unit with its yellow recurrent loop: the folded RNN as a logo."""
    unit = Circle(radius=ICON_RADIUS, color=MEANING.hidden.color, stroke_width=4)
    loop = Arc(
        radius=ICON_LOOP_RADIUS,
        start_angle=-0.1,
        angle=3.4,
        color=MEANING.recurrent.color,
        stroke_width=4,
    ).add_tip(tip_length=0.15, tip_width=0.15)
    loop.next_to(unit, UP, buff=-0.12)
    return VGroup(unit, loop)
