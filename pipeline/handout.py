"""Handouts: a print-quality PDF of every slide's final frame with its notes, and
PowerPoint posters that show each slide's final frame.

``manim-slides convert --to pdf`` prints each slide at the video's resolution
(854x480 at ``-ql``) without notes, and ``--to pptx`` gives each slide video the
video's first frame as its poster, which is blank on every slide that fades in.
This module makes both from each slide's final frame instead:

- ``frames_command`` is the command line (run by ``render.py``'s ``Runner``, so a
  signal ends it) of a dry run that saves every slide's final frame of some scenes
  at 1920x1080 (``scenes.preview.final_frames``: nothing is encoded, and its frames
  are those of the video); ``main`` is that subprocess.
- ``deck_pages`` pairs those frames with the slides of manim-slides' JSON (notes,
  order) and ``write_pdf`` lays out one page per slide: the frame, a line naming the
  scene and slide, the speaker notes wrapped below (``pipeline.handout_text``:
  DejaVu Sans, Noto Sans CJK for Japanese). The text is real text (searchable).
- ``set_posters`` replaces each slide video's poster in a ``.pptx`` with the
  video's last frame.

Files are written whole: to a ``.part`` file beside the target, then renamed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import importlib.util
import io
import os
import re
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "FRAME_QUALITY",
    "HandoutError",
    "Layout",
    "Page",
    "code_digest",
    "deck_pages",
    "deck_videos",
    "frames_command",
    "last_frame",
    "main",
    "set_posters",
    "write_pdf",
]

FRAME_QUALITY = "high"  # the dry run's quality: 1920x1080 pages whatever the video's
PAPER = (1.0, 1.0, 1.0)  # page background
INK = (0.1, 0.1, 0.1)  # notes
GREY = (0.38, 0.38, 0.38)  # the line naming the slide (contrast 6:1 on white)


class HandoutError(Exception):
    """The frames and the slides disagree, or a deck is not what was expected."""


@dataclass(frozen=True)
class Layout:
    """A handout page, in PDF points (1 pt = 1 frame pixel).

    The frame sits at ``margin`` from the top and sides; below it, after ``gap``, a
    line naming the slide (``label_size``) and the notes (``note_size``, lines
    ``leading`` times their size apart).
    """

    margin: float = 60.0
    gap: float = 30.0
    label_size: float = 22.0
    note_size: float = 28.0
    leading: float = 1.45

    @property
    def line_height(self) -> float:
        return self.note_size * self.leading


@dataclass(frozen=True)
class Page:
    """One slide: its final frame (PNG), its speaker notes, the line that names it."""

    frame: Path
    notes: str
    label: str


def code_digest() -> str:
    """SHA-256 of the code that makes the handouts besides the scenes themselves (this
    module, its text layout and ``scenes.preview``, which draws the frames): for a
    cache of decks to key on."""
    h = hashlib.sha256()
    for module in ("pipeline.handout", "pipeline.handout_text", "scenes.preview"):
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None
        h.update(module.encode() + b"\0" + Path(spec.origin).read_bytes() + b"\0")
    return h.hexdigest()


# --- frames (the subprocess) ------------------------------------------------------------


def frames_command(scenes: Sequence[str], out: Path, python: str = sys.executable) -> list[str]:
    """The command that saves each slide's final frame of ``scenes`` as
    ``out/<scene>/slide-NN.png`` at ``FRAME_QUALITY`` (lesson and seed: from the
    environment, as for ``manim``)."""
    return [python, "-m", "pipeline.handout", "frames", str(out), *scenes]


@contextlib.contextmanager
def _deck_scenes() -> Iterator[None]:
    """``scenes.scene_class`` (which ``final_frames`` reads) also knows the deck slides
    (title, sections); in the subprocess, for its scenes."""
    import scenes
    from scenes.outline import DECK_MODULE, DECK_SCENES

    saved = scenes.scene_class

    def scene_class(name: str) -> type:
        if name in DECK_SCENES:
            return getattr(importlib.import_module(DECK_MODULE), name)
        return saved(name)

    scenes.scene_class = scene_class
    try:
        yield
    finally:
        scenes.scene_class = saved


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pipeline.handout frames OUT SCENE...``: see ``frames_command``."""
    from scenes.base import LESSON_ENV, SEED_ENV
    from scenes.preview import final_frames
    from scenes.record import RECORD_ENV

    parser = argparse.ArgumentParser(prog="pipeline.handout")
    parser.add_argument("command", choices=["frames"])
    parser.add_argument("out", type=Path)
    parser.add_argument("scenes", nargs="+")
    args = parser.parse_args(argv)
    os.environ.pop(RECORD_ENV, None)  # the render's record of what it read is not ours
    lesson = os.environ.get(LESSON_ENV)
    seed = os.environ.get(SEED_ENV)
    with _deck_scenes():
        for name in args.scenes:
            frames = final_frames(
                name,
                args.out / name,
                lesson=None if lesson is None else Path(lesson),
                quality=FRAME_QUALITY,
                seed=None if seed is None else int(seed),
            )
            print(f"{name}: {len(frames)} frames", flush=True)
    return 0


# --- which page is which ----------------------------------------------------------------


def _title(scene: str) -> str:
    from scenes import LECTURE
    from scenes.outline import ARTICLES, TITLE_SCENE, section_scene_name

    if scene == TITLE_SCENE:
        return "Title"
    sections = {section_scene_name(a.key): f"Part {a.part}: {a.title}" for a in ARTICLES.values()}
    titles = {s.name: s.title for s in LECTURE}
    return sections.get(scene) or titles.get(scene, scene)


def deck_pages(slides: Path, scenes: Sequence[str], frames: Path) -> list[Page]:
    """The pages of a deck: each slide of ``scenes`` in order (manim-slides' JSON in
    ``slides``), with its final frame from ``frames/<scene>/slide-NN.png``.

    Raises
    ------
    HandoutError
        When a scene has not exactly one frame per slide.
    """
    from pipeline.captions import plain_text
    from pipeline.outputs import load_slides

    pages = []
    for scene in scenes:
        config = load_slides(slides, scene)
        found = sorted((frames / scene).glob("slide-*.png"))
        if len(found) != len(config.slides):
            raise HandoutError(
                f"{scene}: {len(found)} final frames for {len(config.slides)} slides"
            )
        n = len(config.slides)
        for i, (slide, frame) in enumerate(zip(config.slides, found, strict=True), start=1):
            notes = "\n\n".join(plain_text(p) for p in re.split(r"\n\s*\n", slide.notes))
            pages.append(Page(frame, notes.strip(), f"{_title(scene)}  ·  slide {i} of {n}"))
    return pages


def deck_videos(slides: Path, scenes: Sequence[str]) -> list[Path]:
    """Each slide's video, the slides of ``scenes`` in deck order."""
    from pipeline.outputs import load_slides

    return [s.file for scene in scenes for s in load_slides(slides, scene).slides]


# --- the PDF ------------------------------------------------------------------------------


def write_pdf(
    pages: Sequence[Page], dest: Path, title: str = "", layout: Layout = Layout()
) -> None:
    """Write the handout: one page per entry of ``pages``, all the same size.

    The frame is drawn at its pixel size in points (a 1920x1080 frame: a 2040 pt
    wide page), so the PDF holds the frame's every pixel; the notes' lines are
    wrapped to the frame's width, and the page is as tall as the longest notes need.

    Parameters
    ----------
    pages
        The slides in deck order.
    dest
        The PDF, written whole (a ``.part`` file beside it, renamed when complete).
    title
        The document's title (PDF metadata).
    layout
        Margins and font sizes.
    """
    import cairo
    from PIL import Image

    from pipeline.handout_text import Fonts, font_options, wrap

    if not pages:
        raise HandoutError("no slides")
    sizes = []
    for p in pages:  # (the header only: one frame in memory at a time)
        with Image.open(p.frame) as image:
            sizes.append(image.size)
    frame_w, frame_h = max(w for w, _ in sizes), max(h for _, h in sizes)
    probe = cairo.Context(cairo.ImageSurface(cairo.FORMAT_RGB24, 1, 1))
    font_options(probe)
    notes = [wrap(Fonts(probe, layout.note_size), p.notes, frame_w) for p in pages]
    m = layout.margin
    notes_top = m + frame_h + layout.gap + layout.label_size * layout.leading
    width = frame_w + 2 * m
    height = notes_top + max(len(n) for n in notes) * layout.line_height + m
    part = dest.with_name(dest.name + ".part")
    surface = cairo.PDFSurface(str(part), width, height)
    # PDF 1.4: no compressed object streams (cairo >= 1.17.6 writes them for 1.5, so
    # Debian 12 and 13 would write different files); every reader prints 1.4
    surface.restrict_to_version(cairo.PDFVersion.VERSION_1_4)
    try:
        if title:
            surface.set_metadata(cairo.PDF_METADATA_TITLE, title)
        ctx = cairo.Context(surface)
        font_options(ctx)
        label_fonts, note_fonts = Fonts(ctx, layout.label_size), Fonts(ctx, layout.note_size)
        for number, (page, (w, _), lines) in enumerate(zip(pages, sizes, notes, strict=True), 1):
            ctx.set_source_rgb(*PAPER)
            ctx.paint()
            image = cairo.ImageSurface.create_from_png(str(page.frame))
            ctx.set_source_surface(image, m + (frame_w - w) / 2, m)
            ctx.paint()
            ctx.set_source_rgb(*GREY)
            y = m + frame_h + layout.gap + layout.label_size
            label_fonts.show(page.label, m, y)
            folio = f"{number} / {len(pages)}"
            label_fonts.show(folio, m + frame_w - label_fonts.width(folio), y)
            ctx.set_source_rgb(*INK)
            for row, line in enumerate(lines):
                note_fonts.show(line, m, notes_top + layout.note_size + row * layout.line_height)
            ctx.show_page()
        surface.finish()
        os.replace(part, dest)
    finally:
        surface.finish()
        part.unlink(missing_ok=True)


# --- PowerPoint posters ---------------------------------------------------------------------


def last_frame(video: Path) -> Image.Image:
    """The last frame of ``video`` as an RGB ``PIL.Image``."""
    import av

    with av.open(str(video)) as container:
        frames = deque(container.decode(video=0), maxlen=1)
    if not frames:
        raise HandoutError(f"{video.name}: no frames")
    return frames[0].to_image().convert("RGB")


def set_posters(deck: Path, videos: Sequence[Path]) -> None:
    """Give each slide video of a ``.pptx`` its last frame as poster (the video keeps
    playing as before; the old, first-frame posters go).

    Parameters
    ----------
    deck
        The ``.pptx``, one slide video per slide, as ``manim-slides convert --to pptx``
        makes it; rewritten whole.
    videos
        The slides' videos, in deck order (``deck_videos``).

    Raises
    ------
    HandoutError
        When the deck's slides do not hold one video each, one per entry of ``videos``.
    """
    import pptx
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    from pptx.oxml.ns import qn

    prs = pptx.Presentation(str(deck))
    slides = list(prs.slides)
    if len(slides) != len(videos):
        raise HandoutError(f"{deck.name}: {len(slides)} slides for {len(videos)} slide videos")
    for number, (slide, video) in enumerate(zip(slides, videos, strict=True), start=1):
        movies = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
        if len(movies) != 1:
            raise HandoutError(f"{deck.name}: slide {number} holds {len(movies)} videos, not 1")
        blip = movies[0]._element.find(".//" + qn("a:blip"))
        if blip is None:
            raise HandoutError(f"{deck.name}: slide {number}'s video has no poster")
        png = io.BytesIO()
        last_frame(video).save(png, "PNG")
        png.seek(0)
        _, rid = slide.part.get_or_add_image_part(png)
        old = blip.get(qn("r:embed"))
        blip.set(qn("r:embed"), rid)
        if old != rid:
            slide.part.drop_rel(old)  # the first-frame poster, once nothing refers to it
    part = deck.with_name(deck.name + ".part")
    try:
        prs.save(str(part))
        os.replace(part, deck)
    finally:
        part.unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main())
