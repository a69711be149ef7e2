"""The outline of the lecture deck, without manim: articles, title and section slides, order.

``render.py`` reads this to assemble the deck (title slide, then before the scenes of
each article its section slide); ``scenes.deck`` draws those slides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scenes import LECTURE, SceneInfo

__all__ = [
    "ARTICLES",
    "DECK_MODULE",
    "DECK_SCENES",
    "DECK_TITLES",
    "TITLE_SCENE",
    "Article",
    "article_of",
    "deck_order",
    "section_scene_name",
]

DECK_MODULE = "scenes.deck"  # where the title and section slides live
TITLE_SCENE = "LectureTitle"


@dataclass(frozen=True)
class Article:
    """One article of the series: the source of one section of the lecture."""

    key: str  # "000", the first word of SceneInfo.section
    part: int  # 1-based position in the series
    title: str
    notes: str  # speaker notes of its section slide


ARTICLES: dict[str, Article] = {
    a.key: a
    for a in (
        Article(
            "000",
            1,
            "Prerequisites for understanding RNN at a more mathematical level",
            "Part one. Before any equation: why RNNs are hard to learn and why we start "
            "with a simple RNN, neural networks as mappings, why a DCL or a CNN cannot see "
            "the order of its inputs, sequence data and its time steps, and the kinds of "
            "RNN tasks.",
        ),
        Article(
            "001",
            2,
            "Simple RNN: the first foothold for understanding LSTM",
            "Part two. A short review of backpropagation in a densely connected layer, "
            "then the simple RNN as connected neurons, unfolded through time, its forward "
            "propagation with real numbers, and backpropagation through time with the "
            "errors colour-coded by the loss they come from.",
        ),
        Article(
            "002",
            3,
            "LSTM: forward propagation and backpropagation",
            "Part three: the mountain the simple RNN was the foothold for. The LSTM cell drawn "
            "two ways, as a circuit whose valves are the gates and as the compact diagram of "
            "the papers; its forward propagation with the lesson's numbers; then "
            "backpropagation, following every route a variable takes to the loss, and why "
            "the cell state lets the gradient reach early steps.",
        ),
    )
}


def section_scene_name(key: str) -> str:
    """The section slide of an article: ``Section000`` for article ``000``."""
    return f"Section{key}"


DECK_SCENES: tuple[str, ...] = (TITLE_SCENE, *(section_scene_name(k) for k in ARTICLES))
DECK_TITLES: dict[str, str] = {
    TITLE_SCENE: "Title slide of the lecture deck",
    **{
        section_scene_name(a.key): f"Section slide: part {a.part} (article {a.key})"
        for a in ARTICLES.values()
    },
}


def article_of(info: SceneInfo) -> str:
    """The article a lecture scene belongs to: the first word of its section ("001 §2")."""
    return info.section.split()[0]


def deck_order(scenes: Sequence[SceneInfo] = LECTURE) -> list[str]:
    """Scene names of the whole deck in order: the title slide, then for each article its
    section slide followed by its scenes (in the order given, the lecture order)."""
    order = [TITLE_SCENE]
    current = None
    for info in scenes:
        key = article_of(info)
        if key != current:
            current = key
            if key in ARTICLES:
                order.append(section_scene_name(key))
        order.append(info.name)
    return order
