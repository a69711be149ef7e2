"""The lecture deck: title slide, a section slide before each article, the scenes in order.

The order is checked on the assembly logic for the whole lecture (no rendering);
one real conversion of the three small deck slides checks that html, pptx and pdf
come out with those slides, in that order, with their speaker notes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pptx
import pytest
from manim import tempconfig

import render
from scenes import LECTURE
from scenes.base import LESSON_ENV, SEED_ENV
from scenes.deck import TITLE_NOTES, Section000, Section001
from scenes.outline import ARTICLES, DECK_SCENES, article_of, deck_order


def test_deck_starts_with_the_title_then_sections_before_their_articles() -> None:
    order = deck_order(LECTURE)
    articles = list(dict.fromkeys(article_of(s) for s in LECTURE))
    assert order[0] == "LectureTitle"
    assert len(order) == 1 + len(articles) + len(LECTURE)
    assert [n for n in order if n not in DECK_SCENES] == [s.name for s in LECTURE]
    article = {s.name: article_of(s) for s in LECTURE}
    for key in articles:
        i = order.index(f"Section{key}")
        following = order[i + 1 : i + 1 + sum(1 for s in LECTURE if article_of(s) == key)]
        assert [article[n] for n in following] == [key] * len(following)


def test_every_article_of_the_lecture_has_a_section_slide() -> None:
    for key in {article_of(s) for s in LECTURE}:
        assert key in ARTICLES
        assert f"Section{key}" in DECK_SCENES


def test_the_lecture_plan_keeps_lecture_order_for_a_subset() -> None:
    full = render.lecture_plan()
    assert full.scenes == tuple(deck_order(LECTURE))
    assert full.videos == tuple(s.name for s in LECTURE)
    assert [(d.name, d.formats) for d in full.decks] == [("lecture", ("html", "pptx", "pdf"))]
    picked = [s.name for s in LECTURE][::-1][:2]
    part = render.lecture_plan(picked)
    assert part.videos == tuple(s.name for s in LECTURE if s.name in picked)
    assert part.scenes[0] == "LectureTitle"
    assert [n for n in part.scenes if n not in DECK_SCENES] == list(part.videos)


def test_section_slides_list_their_articles_scenes() -> None:
    with tempconfig({"dry_run": True, "quality": "low_quality", "disable_caching": True}):
        for cls in (Section000, Section001):
            items = cls().contents(cls.article_key)
            titles = [s.title for s in LECTURE if article_of(s) == cls.article_key]
            assert [t.original_text for t in items] == [
                f"{i}.  {title}" for i, title in enumerate(titles, start=1)
            ]


def test_render_passes_the_lesson_under_the_names_the_scenes_read() -> None:
    assert (render.LESSON_ENV, render.SEED_ENV) == (LESSON_ENV, SEED_ENV)


def test_reveal_version_matches_manim_slides() -> None:
    from manim_slides.convert import RevealJS

    assert RevealJS.model_fields["reveal_version"].default == render.REVEAL_VERSION
    makefile = (Path(render.__file__).parent / "Makefile").read_text(encoding="utf-8")
    assert f"REVEAL_VERSION := {render.REVEAL_VERSION}" in makefile


@pytest.fixture(scope="module")
def deck_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three deck slides rendered (two at a time) and converted like the lecture."""
    out = tmp_path_factory.mktemp("deck") / "out"
    args = render.build_parser().parse_args(["lecture", "--out", str(out), "--jobs", "2"])
    args.out = render.check_out(args.out)
    plan = render.Plan(
        scenes=DECK_SCENES, decks=(render.Deck("lecture", DECK_SCENES, render.DECK_FORMATS),)
    )
    render.execute(plan, args, {})
    return out


def test_real_deck_has_the_slides_in_order_in_every_format(deck_out: Path) -> None:
    names = sorted(p.name for p in deck_out.iterdir())
    assert names == ["lecture.html", "lecture.pdf", "lecture.pptx", "lecture_assets"]
    pdf = (deck_out / "lecture.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(DECK_SCENES)
    html = (deck_out / "lecture.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<section\b", html)) == len(DECK_SCENES)
    notes = [
        s.notes_slide.notes_text_frame.text
        for s in pptx.Presentation(str(deck_out / "lecture.pptx")).slides
    ]
    assert notes == [TITLE_NOTES, ARTICLES["000"].notes, ARTICLES["001"].notes]


def test_real_html_deck_works_offline(deck_out: Path) -> None:
    html = (deck_out / "lecture.html").read_text(encoding="utf-8")
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    links = re.findall(r'(?:src|href|data-background-video)="([^"]+)"', html)
    assert len([ln for ln in links if ln.endswith(".mp4")]) == len(DECK_SCENES)
    assert "http" not in "".join(links)
    for link in links:
        assert (deck_out / link).is_file(), link
    assert (deck_out / "lecture_assets" / "reveal.js" / "dist" / "reveal.js").is_file()
