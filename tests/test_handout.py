"""The handouts: a print-quality PDF of final frames with notes, and PowerPoint posters.

Most checks run on ``pipeline.handout`` itself with made-up frames, notes and small
videos (no manim): pages in order, the frames' every pixel, the notes as text (read
back from the PDF's fonts), wrapping, posters. One real ``render.py slides`` of the
title slide (stopped once while it draws the PDF's pages, then run to the end,
sharing one render cache) checks the wiring: the page is the video's final frame at
1920x1080, the poster is the video's last frame, and a stopped run leaves ``--out``
as it was and no process behind.
"""

from __future__ import annotations

import io
import os
import re
import signal
import zlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pptx
import pytest
from _cli_support import (
    cmdline,
    descendants,
    run_cli,
    snapshot,
    start_cli,
    still_running,
    wait_for,
)
from PIL import Image
from pptx.enum.shapes import MSO_SHAPE_TYPE

from pipeline.cache import CACHE_ENV
from pipeline.handout import HandoutError, Page, last_frame, set_posters, write_pdf
from pipeline.handout_text import FONTS, Fonts, wrap
from scenes.deck import TITLE_NOTES

JAPANESE = "再帰型ニューラルネットワークは系列データを扱います。順序が大切です。"
SIZE = (1920, 1080)

# --- reading a PDF back (the subset of PDF that cairo writes) ----------------------------


def pdf_objects(data: bytes) -> dict[int, bytes]:
    return {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}


def stream(obj: bytes) -> bytes:
    raw = re.search(rb"stream\r?\n(.*)endstream", obj, re.S)
    assert raw is not None
    return zlib.decompressobj().decompress(raw[1]) if b"/FlateDecode" in obj else raw[1]


def ref(obj: bytes, key: bytes) -> int:
    m = re.search(rb"/" + key + rb"\s+(\d+) 0 R", obj)
    assert m is not None, key
    return int(m[1])


def to_unicode(cmap: bytes) -> tuple[int, dict[int, str]]:
    """(bytes per code, code -> text) of a ToUnicode CMap."""
    width = len(re.search(rb"begincodespacerange\s*<([0-9a-fA-F]+)>", cmap)[1]) // 2  # type: ignore[index]
    table: dict[int, str] = {}
    hex_ = rb"<([0-9a-fA-F]+)>"
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(hex_ + rb"\s*" + hex_, block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(hex_ + rb"\s*" + hex_ + rb"\s*" + hex_, block):
            first = bytes.fromhex(dst.decode()).decode("utf-16-be")
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(ord(first) + k)
    return width, table


def literal(body: bytes) -> bytes:
    """The bytes of a PDF literal string's body (between the parentheses)."""
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(m: re.Match[bytes]) -> bytes:
        e = m[1]
        return bytes([int(e, 8)]) if e[:1].isdigit() else escapes.get(e, e)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, body, flags=re.S)


def read_pdf(path: Path) -> list[dict]:
    """Each page: its size (points), its images (arrays) and its text (as drawn)."""
    objs = pdf_objects(path.read_bytes())
    root = next(o for o in objs.values() if re.search(rb"/Type\s*/Pages\b", o))
    kids = re.search(rb"/Kids\s*\[(.*?)\]", root, re.S)[1]  # type: ignore[index]
    pages = []
    for kid in (int(k) for k in re.findall(rb"(\d+) 0 R", kids)):
        page = objs[kid]
        box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]*)\]", page)[1].split()]  # type: ignore[index]
        names = dict(re.findall(rb"/([\w.+-]+)\s+(\d+) 0 R", objs[ref(page, b"Resources")]))
        images, fonts = [], {}
        for name, num in names.items():
            obj = objs[int(num)]
            if b"/Subtype /Image" in obj:
                w, h = (int(re.search(k + rb"\s+(\d+)", obj)[1]) for k in (b"/Width", b"/Height"))  # type: ignore[index]
                depth = 1 if b"/DeviceGray" in obj else 3
                images.append(np.frombuffer(stream(obj), np.uint8).reshape(h, w, depth))
            elif b"/ToUnicode" in obj:
                fonts[name] = to_unicode(stream(objs[ref(obj, b"ToUnicode")]))
            elif b"/WinAnsiEncoding" in obj:
                fonts[name] = (1, {k: bytes([k]).decode("cp1252", "replace") for k in range(256)})
        content = stream(objs[ref(page, b"Contents")])
        text, font = [], None
        pattern = rb"/([\w.+-]+)\s+[\d.]+\s+Tf|<([0-9a-fA-F\s]*)>|\(((?:\\.|[^\\)])*)\)"
        for m in re.finditer(pattern, content, re.S):
            if m[1] is not None:
                font = fonts[m[1]]
                continue
            assert font is not None
            width, table = font
            codes = bytes.fromhex(squeeze(m[2].decode())) if m[2] is not None else literal(m[3])
            step = range(0, len(codes), width)
            text += [table.get(int.from_bytes(codes[i : i + width], "big"), "?") for i in step]
        size = (box[2] - box[0], box[3] - box[1])
        pages.append({"size": size, "images": images, "text": "".join(text)})
    return pages


def squeeze(text: str) -> str:
    return "".join(text.split())


# --- the PDF, from made-up frames -------------------------------------------------------


def frame(seed: int, size: tuple[int, int] = SIZE) -> np.ndarray:
    """A frame with blocks of colour (a different picture for each seed)."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 256, (9, 16, 3), dtype=np.uint8)
    return np.kron(blocks, np.ones((size[1] // 9 + 1, size[0] // 16 + 1, 1), np.uint8))[
        : size[1], : size[0]
    ]


@pytest.fixture(scope="module")
def made_up_pdf(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[Page], list[np.ndarray]]:
    folder = tmp_path_factory.mktemp("handout")
    notes = [
        "The first slide. " * 40,  # several lines
        f"{JAPANESE * 4} Mixed with ∂L/∂W and ŷ.",
        "",
        "A last, short note.\n\nIts second paragraph.",
    ]
    frames = [frame(i) for i in range(len(notes))]
    pages = []
    for i, (pixels, note) in enumerate(zip(frames, notes, strict=True)):
        path = folder / f"slide-{i + 1:02d}.png"
        Image.fromarray(pixels).save(path)
        pages.append(Page(path, note, f"Scene  ·  slide {i + 1} of {len(notes)}"))
    pdf = folder / "deck.pdf"
    write_pdf(pages, pdf, title="made up")
    return pdf, pages, frames


def test_pdf_has_one_page_per_slide_in_order_with_each_frame_pixel_for_pixel(made_up_pdf) -> None:
    pdf, pages, frames = made_up_pdf
    read = read_pdf(pdf)
    assert len(read) == len(pages)
    assert len({p["size"] for p in read}) == 1, "every page the same size"
    for page, pixels in zip(read, frames, strict=True):
        assert page["size"][0] >= SIZE[0] and page["size"][1] > SIZE[1]  # frame + notes
        (image,) = page["images"]
        assert image.shape == (*SIZE[::-1], 3)
        assert np.array_equal(image, pixels)
    assert not list(pdf.parent.glob("*.part")), "written whole, nothing left beside it"


def test_pdf_pages_carry_their_notes_as_text(made_up_pdf) -> None:
    pdf, pages, _ = made_up_pdf
    for page, read in zip(pages, read_pdf(pdf), strict=True):
        assert squeeze(page.label) in squeeze(read["text"])
        assert squeeze(page.notes) in squeeze(read["text"]), read["text"][:300]
    fonts = re.findall(rb"/BaseFont\s*/\w+\+([\w-]+)", pdf.read_bytes())
    assert any(b"DejaVu" in f for f in fonts) and any(b"CJK" in f for f in fonts), fonts


def test_a_failing_write_leaves_no_file(made_up_pdf, tmp_path: Path) -> None:
    _, pages, _ = made_up_pdf
    broken = tmp_path / "broken.png"  # its header reads, its pixels do not: fails mid-way
    broken.write_bytes(pages[0].frame.read_bytes()[:2000])
    dest = tmp_path / "deck.pdf"
    with pytest.raises(Exception):  # noqa: B017 (cairo's own error)
        write_pdf([*pages, Page(broken, "notes", "label")], dest)
    assert list(tmp_path.iterdir()) == [broken]  # no deck, no .part


def test_wrap_keeps_every_line_inside_the_width_and_every_character() -> None:
    import cairo

    ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_RGB24, 1, 1))
    fonts = Fonts(ctx, 28)
    text = f"Words of a note, {JAPANESE * 5} and a {'x' * 200} word."
    lines = wrap(fonts, text, 900)
    assert len(lines) > 5
    assert all(fonts.width(line) <= 900 for line in lines)
    assert squeeze("".join(lines)) == squeeze(text)
    assert not any(line.startswith(("。", "、")) for line in lines)
    assert {font for font, _ in fonts.runs(JAPANESE)} == {FONTS[1]}
    assert {font for font, _ in fonts.runs("a(t) = b + W h(t-1) ∂ ŷ")} == {FONTS[0]}
    assert wrap(fonts, "one\n\ntwo", 900) == ["one", "", "two"]


# --- posters, from made-up videos --------------------------------------------------------


def video(path: Path, colours: list[tuple[int, int, int]]) -> Path:
    """A short H.264 video: a black first frame, then ``colours`` in turn."""
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=Fraction(5))
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        for c in [(0, 0, 0), *colours]:
            pixels = np.zeros((48, 64, 3), np.uint8)
            pixels[:, :32] = c
            pixels[:, 32:] = c[::-1]
            out.mux(s.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        out.mux(s.encode())
    return path


def test_posters_become_each_videos_last_frame(tmp_path: Path) -> None:
    videos = [
        video(tmp_path / f"{i}.mp4", [(40, 90, 200), (200 - 60 * i, 50, 30)]) for i in range(3)
    ]
    black = tmp_path / "black.png"
    Image.new("RGB", (64, 48)).save(black)
    prs = pptx.Presentation()
    for v in videos:  # as manim-slides makes them: one movie per slide, first-frame poster
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        slide.shapes.add_movie(
            str(v), 0, 0, prs.slide_width, prs.slide_height, str(black), "video/mp4"
        )
    deck = tmp_path / "deck.pptx"
    prs.save(str(deck))
    before = deck.read_bytes()
    with pytest.raises(HandoutError, match="3 slides for 2 slide videos"):
        set_posters(deck, videos[:2])
    assert deck.read_bytes() == before and not list(tmp_path.glob("*.part"))
    set_posters(deck, videos)
    slides = list(pptx.Presentation(str(deck)).slides)
    assert len(slides) == 3
    for slide, v in zip(slides, videos, strict=True):
        (movie,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
        poster = np.asarray(Image.open(io.BytesIO(poster_blob(movie))).convert("RGB"))
        assert np.array_equal(poster, np.asarray(last_frame(v)))
        assert poster.std() > 20, "not a blank frame"
        kinds = [r.reltype.rsplit("/", 1)[-1] for r in slide.part.rels.values()]
        assert kinds.count("image") == 1, "the first-frame poster is gone"


def poster_blob(movie) -> bytes:
    from pptx.oxml.ns import qn

    rid = movie._element.find(".//" + qn("a:blip")).get(qn("r:embed"))
    return movie.part.related_part(rid).blob


# --- the real thing: render.py slides ---------------------------------------------------


@pytest.fixture(scope="module")
def title_handout(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``slides LectureTitle --to pdf,pptx -q low``: once stopped by SIGTERM while it
    draws the PDF's pages (``out`` holds an older file), then run to the end."""
    root = tmp_path_factory.mktemp("title")
    out = root / "out"
    (out / "slides").mkdir(parents=True)
    (out / "slides" / "LectureTitle.pdf").write_bytes(b"an older handout")
    saved = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(root / "cache")  # the second run reuses the first's video
    try:
        before = snapshot(out)
        args = ["slides", "LectureTitle", "--to", "pdf,pptx", "-q", "low", "--out", out]
        proc = start_cli(*args, logs=root / "logs")
        try:

            def drawing() -> list[tuple[int, int]]:
                found = descendants(proc.pid)
                return [p for p in found if "pipeline.handout" in cmdline(p[0])]

            seen = wait_for(drawing, 300, "the handout's frames subprocess")
            os.kill(proc.pid, signal.SIGTERM)
            code = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        stopped = {"code": code, "same": snapshot(out) == before, "left": still_running(seen)}
        cp = run_cli(*args)
    finally:
        if saved is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = saved
    assert cp.returncode == 0, cp.stderr[-2000:]
    return {"out": out / "slides", "stopped": stopped}


def test_a_stopped_handout_leaves_out_as_it_was(title_handout: dict) -> None:
    assert title_handout["stopped"] == {"code": 128 + signal.SIGTERM, "same": True, "left": []}


def deck_video_last_frame(deck: Path) -> np.ndarray:
    """The last frame of the (only) video a .pptx plays."""
    prs = pptx.Presentation(str(deck))
    (slide,) = prs.slides
    (movie,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
    media = next(p for p in prs.part.package.iter_parts() if p.partname.endswith(".mp4"))
    path = deck.with_suffix(".mp4")
    path.write_bytes(media.blob)
    try:
        return np.asarray(last_frame(path)), poster_blob(movie)
    finally:
        path.unlink()


def test_real_handout_page_is_the_final_frame_at_1080p_with_notes(title_handout: dict) -> None:
    folder = title_handout["out"]
    (page,) = read_pdf(folder / "LectureTitle.pdf")
    (image,) = page["images"]
    assert image.shape == (1080, 1920, 3) and page["size"][0] >= 1920
    assert squeeze(TITLE_NOTES) in squeeze(page["text"])
    last, _ = deck_video_last_frame(folder / "LectureTitle.pptx")
    small = np.asarray(Image.fromarray(image).resize(last.shape[1::-1], Image.LANCZOS), float)
    assert np.abs(small - last).mean() < 4, "the page is the slide's final frame"
    assert image.std() > 10


def test_real_pptx_poster_is_the_videos_last_frame(title_handout: dict) -> None:
    last, poster = deck_video_last_frame(title_handout["out"] / "LectureTitle.pptx")
    pixels = np.asarray(Image.open(io.BytesIO(poster)).convert("RGB"))
    assert np.array_equal(pixels, last)
    assert pixels.std() > 10, "not a blank frame"
