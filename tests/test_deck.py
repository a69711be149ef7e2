"""The lecture deck: title slide, a section slide before each article, the scenes in order.

The order is checked on the assembly logic for the whole lecture (no rendering);
one real lecture of a short scene checks that html, pptx and pdf come out with
the title, the section and the scene's slides, in that order, with speaker notes.
"""

from __future__ import annotations

from pathlib import Path

import pptx
import pytest
from _cli_support import (
    html_links,
    html_sections,
    pdf_pages,
    real_scene,
    run_cli,
    video_seconds,
)
from manim import tempconfig

import render
from pipeline import install, plan
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
    full = plan.lecture_plan()
    assert full.scenes == tuple(deck_order(LECTURE))
    assert full.videos == tuple(s.name for s in LECTURE)
    assert [(d.name, d.formats) for d in full.decks] == [("lecture", ("html", "pptx", "pdf"))]
    picked = [s.name for s in LECTURE][::-1][:2]
    part = plan.lecture_plan(picked)
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
    assert (plan.LESSON_ENV, plan.SEED_ENV) == (LESSON_ENV, SEED_ENV)


def test_reveal_version_matches_manim_slides() -> None:
    from manim_slides.convert import RevealJS

    assert RevealJS.model_fields["reveal_version"].default == install.REVEAL_VERSION
    makefile = (Path(render.__file__).parent / "Makefile").read_text(encoding="utf-8")
    assert f"REVEAL_VERSION := {install.REVEAL_VERSION}" in makefile


@pytest.fixture(scope="module")
def lecture_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A real lecture of one short scene: its video and the three decks."""
    scene = real_scene()
    out = tmp_path_factory.mktemp("lecture") / "out"
    cp = run_cli("lecture", scene["name"], "--jobs", "2", "--out", out)
    assert cp.returncode == 0, cp.stderr[-2000:]
    return out, scene


def test_real_lecture_has_title_section_and_scene_slides_in_order(
    lecture_out: tuple[Path, dict],
) -> None:
    out, scene = lecture_out
    expected = 2 + scene["slides"]  # title slide, section slide, the scene's slides
    assert sorted(p.name for p in out.iterdir()) == [
        "lecture.html",
        "lecture.pdf",
        "lecture.pptx",
        "lecture_assets",
        "videos",
    ]
    assert sorted(p.name for p in (out / "videos").iterdir()) == [
        f"{scene['name']}.{ext}"
        for ext in ("mp4", "srt", "vtt")  # the video and its captions
    ]
    assert pdf_pages(out / "lecture.pdf") == expected
    assert html_sections(out / "lecture.html") == expected
    notes = [
        s.notes_slide.notes_text_frame.text
        for s in pptx.Presentation(str(out / "lecture.pptx")).slides
    ]
    assert len(notes) == expected
    info = next(s for s in LECTURE if s.name == scene["name"])
    assert notes[:2] == [TITLE_NOTES, ARTICLES[article_of(info)].notes]
    assert all(notes[2:]), "every slide of the scene has speaker notes"


def test_real_lecture_html_works_offline_and_adds_up(lecture_out: tuple[Path, dict]) -> None:
    out, scene = lecture_out
    links = html_links(out / "lecture.html")
    for link in links:
        assert not link.startswith(("http:", "https:", "//")), link
        assert (out / link).is_file(), link
    assert (out / "lecture_assets" / "reveal.js" / "dist" / "reveal.js").is_file()
    clips = [out / link for link in links if link.endswith(".mp4")]
    assert len(clips) == 2 + scene["slides"]
    video = video_seconds(out / "videos" / f"{scene['name']}.mp4")
    scene_clips = sum(video_seconds(c) for c in clips[2:])
    assert scene_clips == pytest.approx(video, abs=0.15 * scene["slides"] + 0.2)


def test_last_frame_without_a_movie_saves_a_png(tmp_path: Path) -> None:
    """`manim -s` on a lecture scene: the PNG is written and no slide files are needed."""
    from scenes.deck import LectureTitle

    settings = {
        "media_dir": str(tmp_path / "media"),
        "save_last_frame": True,
        "write_to_movie": False,
        "quality": "low_quality",
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "ERROR",
    }
    with tempconfig(settings):
        LectureTitle(output_folder=tmp_path / "slides").render()
    pngs = list((tmp_path / "media").rglob("LectureTitle*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 0
    assert not (tmp_path / "slides").exists()  # no slide config half-written
