"""Captions from the speaker notes (pipeline/): cue text and timing, WebVTT and SRT,
the MP4's mov_text stream, the HTML deck's template and script, and one real lecture.

The unit tests build tiny videos with PyAV (milliseconds); the real lecture renders
the short test scene once (``_cli_support.real_scene``) with its title and section.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pptx
import pytest
from _cli_support import real_scene, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from manim_slides.config import PresentationConfig
from manim_slides.convert import RevealJS

from pipeline.captions import (
    LINE_WIDTH,
    MAX_LINES,
    Cue,
    parse_srt,
    parse_vtt,
    plain_text,
    slide_cues,
    split_text,
    timeline,
    to_srt,
    to_vtt,
    wrap,
)
from pipeline.media import add_subtitles, read_subtitles, video_digest, video_seconds
from pipeline.outputs import (
    SIDECAR,
    TEMPLATE,
    code_digest,
    deck_cues,
    write_deck_captions,
    write_slide_captions,
)

UPSTREAM_TEMPLATE = Path(__import__("manim_slides").__file__).parent / "templates" / "revealjs.html"
FORK_BLOCK = re.compile(
    r"^[ \t]*\{# rnn-lecture: begin #\}\n.*?^[ \t]*\{# rnn-lecture: end #\}\n", re.M | re.S
)
NOTES = (
    "DCLs and CNNs are not useful for sequence data: lists of vectors whose order "
    "matters. A simple example is weather measured at one spot every ten minutes: "
    "temperature, air pressure, wind speed and humidity. Ok. Yes."
)


def check_tiling(cues: list[Cue], start: int, end: int, notes: str) -> None:
    """The cues cover [start, end] exactly, in order, without overlap, and read as
    the notes in plain text; each fits the caption rule (unless a cue would get no
    time, on very short spans: it joins the next)."""
    assert cues, notes
    assert cues[0].start == start and cues[-1].end == end
    for a, b in itertools.pairwise(cues):
        assert a.end == b.start
    assert all(c.start < c.end for c in cues)
    assert " ".join(c.plain for c in cues) == plain_text(notes)
    if len(cues) < len(split_text(plain_text(notes))):
        assert end - start < len(plain_text(notes))  # a short span: under 1 ms a character
        return
    for c in cues:
        lines = c.text.split("\n")
        assert len(lines) <= MAX_LINES or any(len(w) > LINE_WIDTH for w in c.plain.split()), c
        assert all(len(ln) <= LINE_WIDTH or " " not in ln for ln in lines), c


# --- text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notes", "plain"),
    [
        ("  two\nlines   and\ttabs ", "two lines and tabs"),
        ("**bold**, *em*, _it_, `code` and [a link](http://x.y)", "bold, em, it, code and a link"),
        ("# Heading\n- item one\n- item two", "Heading item one item two"),
        ("2*3*4 and snake_case stay", "2*3*4 and snake_case stay"),
        (r"$\frac{\partial L}{\partial W}$", "∂ L/∂ W"),
        (r"$\hat{y}_t$ and $h_{t-1}$, $W^\top$", "ŷ_t and h_(t-1), Wᵀ"),
        (r"a $\cdot$ b costs \$5 \\ next", "a · b costs $5 next"),
    ],
)
def test_plain_text(notes: str, plain: str) -> None:
    assert plain_text(notes) == plain


def test_long_notes_split_at_sentences_then_clauses_and_fit_two_lines() -> None:
    parts = split_text(plain_text(NOTES))
    assert " ".join(parts) == plain_text(NOTES)
    assert parts[-1] == "Ok. Yes."  # short whole sentences share a cue
    assert parts[0].endswith("sequence data:")  # a long sentence is cut at a clause
    for p in parts:
        lines = wrap(p)
        assert 1 <= len(lines) <= MAX_LINES and all(len(ln) <= LINE_WIDTH for ln in lines)


def test_two_lines_are_balanced() -> None:
    lines = wrap("A simple example is weather measured at one spot every ten")
    assert len(lines) == 2 and abs(len(lines[0]) - len(lines[1])) <= 8


def test_a_word_longer_than_a_line_gets_its_own() -> None:
    long = "x" * 60
    assert wrap(f"a {long} b") == ["a", long, "b"]
    cues = slide_cues(f"See {long} here.", 0, 1000)
    check_tiling(cues, 0, 1000, f"See {long} here.")


# --- timing -------------------------------------------------------------------------------


def test_slide_cues_share_the_span_by_length() -> None:
    cues = slide_cues(NOTES, 1000, 5000)
    check_tiling(cues, 1000, 5000, NOTES)
    per_char = [(c.end - c.start) / len(c.plain) for c in cues]
    assert max(per_char) - min(per_char) < 0.2  # ms per character: equal up to rounding


def test_empty_notes_and_empty_spans_have_no_cues() -> None:
    assert slide_cues("", 0, 1000) == []
    assert slide_cues("  \n ", 0, 1000) == []
    assert slide_cues("Some notes.", 500, 500) == []
    with pytest.raises(ValueError, match="before it starts"):
        slide_cues("x", 10, 5)


def test_a_span_shorter_than_a_millisecond_per_cue_still_tiles() -> None:
    cues = slide_cues(NOTES, 0, 3)
    check_tiling(cues, 0, 3, NOTES)


def test_timeline_rounds_running_sums_not_lengths() -> None:
    third = Fraction(1, 3)
    assert timeline([third] * 3) == [(0, 333), (333, 667), (667, 1000)]
    assert timeline([Fraction(1, 3000)] * 3000)[-1][1] == 1000  # no drift


words = st.text(alphabet="abcxyzABC0123456789&<>*_$`#-é", min_size=1, max_size=50)
seps = st.sampled_from([" ", ". ", ", ", "; ", "! ", "\n", ": ", " – "])


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.tuples(words, seps), max_size=40),
    start=st.integers(0, 10**7),
    length=st.integers(1, 10**6),
)
def test_cues_tile_the_slide_and_read_as_its_notes(
    parts: list[tuple[str, str]], start: int, length: int
) -> None:
    notes = "".join(w + s for w, s in parts)
    cues = slide_cues(notes, start, start + length)
    if not plain_text(notes):
        assert cues == []
        return
    check_tiling(cues, start, start + length, notes)
    assert parse_vtt(to_vtt(cues)) == cues
    assert parse_srt(to_srt(cues)) == cues


# --- files --------------------------------------------------------------------------------


def test_vtt_escapes_and_srt_stays_plain() -> None:
    cues = [Cue(0, 1500, "a < b & c\n--> d"), Cue(1500, 3_723_004, "end")]
    vtt = to_vtt(cues)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\n")
    assert "a &lt; b &amp; c\n--&gt; d" in vtt
    assert vtt.count("-->") == 2  # the timing lines only
    assert "01:02:03.004" in vtt
    srt = to_srt(cues)
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,500\na < b & c\n--> d\n\n2\n")
    assert parse_vtt(vtt) == cues and parse_srt(srt) == cues


# --- MP4 ------------------------------------------------------------------------------------


def make_video(path: Path, frames: int, fps: int = 15, shade: int = 0) -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        for i in range(frames):
            img = np.full((48, 64, 3), (shade + 7 * i) % 256, np.uint8)
            c.mux(s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        c.mux(s.encode())
    return path


def test_mov_text_stream_carries_the_cues_and_the_video_is_untouched(tmp_path: Path) -> None:
    src = make_video(tmp_path / "in.mp4", 45)
    cues = slide_cues(NOTES + " a < b & c.", 0, 2000) + slide_cues("Later: ŷ.", 2500, 3000)
    add_subtitles(src, tmp_path / "out.mp4", cues)
    assert read_subtitles(tmp_path / "out.mp4") == cues
    assert video_digest(tmp_path / "out.mp4") == video_digest(src)
    with av.open(str(tmp_path / "out.mp4")) as c:
        (sub,) = c.streams.subtitles
        assert sub.codec_context.name == "mov_text"
        assert sub.metadata["language"] == "eng"
    with pytest.raises(ValueError, match="plain"):
        add_subtitles(src, tmp_path / "bad.mp4", [Cue(0, 10, r"a \N b")])


# --- HTML deck ----------------------------------------------------------------------------


def test_the_template_is_upstreams_plus_marked_blocks() -> None:
    fork = TEMPLATE.read_text(encoding="utf-8")
    upstream = UPSTREAM_TEMPLATE.read_text(encoding="utf-8")
    recorded = re.search(r"upstream sha256 ([0-9a-f]{64})", fork)
    assert recorded, "the fork records the hash of the template it forked"
    assert hashlib.sha256(upstream.encode()).hexdigest() == recorded.group(1), (
        "manim-slides' revealjs.html changed: merge the change into pipeline/templates/"
        "revealjs.html and record the new hash"
    )
    assert FORK_BLOCK.sub("", fork) == upstream
    # header, the section attribute, the script, and an {% if false %} pair around each of
    # upstream's three commented-out links to files no deck has
    assert len(FORK_BLOCK.findall(fork)) == 9


def test_code_digest_covers_the_template(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    before = code_digest()
    assert re.fullmatch(r"[0-9a-f]{64}", before) and code_digest() == before
    changed = tmp_path / "revealjs.html"
    changed.write_text(TEMPLATE.read_text(encoding="utf-8") + " ", encoding="utf-8")
    monkeypatch.setattr("pipeline.outputs.TEMPLATE", changed)
    assert code_digest() != before


def deck_fixture(tmp_path: Path, notes: list[str]) -> tuple[Path, Path]:
    """A scene's slides as manim-slides leaves them: slides/<Scene>.json + files."""
    files = tmp_path / "slides" / "files" / "Demo"
    files.mkdir(parents=True)
    slides = []
    for i, n in enumerate(notes):
        video = make_video(files / f"clip{i}.mp4", 15 * (i + 1), shade=40 * i)
        rel = str(video.relative_to(tmp_path))
        slides.append({"notes": n, "file": rel, "rev_file": rel})
    (tmp_path / "slides" / "Demo.json").write_text(json.dumps({"slides": slides}))
    return tmp_path / "slides", files


def section_captions(page: str) -> list[list[list] | None]:
    found = []
    for tag in re.findall(r"<section\b([^>]*)>", page):
        m = re.search(r'data-captions="([^"]*)"', tag)
        found.append(json.loads(html.unescape(m.group(1))) if m else None)
    return found


def test_deck_sections_carry_each_slides_cues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = ['Say "hi" & <wave>. ' + NOTES, "", "One more $x^2$."]
    slides, _ = deck_fixture(tmp_path, notes)
    write_slide_captions(slides, ["Demo"])
    monkeypatch.chdir(tmp_path)  # manim-slides' paths are relative to the working folder
    config = PresentationConfig.from_file(Path("slides") / "Demo.json")
    dest = tmp_path / "deck" / "demo.html"
    RevealJS(presentation_configs=[config], template=TEMPLATE).convert_to(dest)
    page = dest.read_text(encoding="utf-8")
    expected = deck_cues(config)
    assert [[c.end for c in cues][-1:] for cues in expected] == [[1000], [], [3000]]
    got = section_captions(page)
    assert got == [[[c.start / 1000, c.end / 1000, c.text] for c in cues] for cues in expected]
    assert "addTextTrack('captions'" in page and "key: 'C'" in page
    written = write_deck_captions(dest, slides, ["Demo"])
    assert len(written) == 6
    for i, cues in enumerate(expected):
        clip = dest.parent / "demo_assets" / f"clip{i}"
        assert parse_vtt(clip.with_suffix(".vtt").read_text(encoding="utf-8")) == cues
        assert parse_srt(clip.with_suffix(".srt").read_text(encoding="utf-8")) == cues
    assert (slides / "files" / "Demo" / f"clip0{SIDECAR}").is_file()


# --- a real lecture -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    scene = real_scene()
    out = tmp_path_factory.mktemp("captions") / "out"
    cp = run_cli("lecture", scene["name"], "-q", "low", "--jobs", "1", "--out", out)
    assert cp.returncode == 0, cp.stderr[-2000:]
    return out, scene


def slide_facts(out: Path) -> tuple[list[str], list[Path]]:
    """Every slide's notes (from the PowerPoint deck) and video (from the HTML deck)."""
    notes = [
        s.notes_slide.notes_text_frame.text
        for s in pptx.Presentation(str(out / "lecture.pptx")).slides
    ]
    page = (out / "lecture.html").read_text(encoding="utf-8")
    clips = [out / src for src in re.findall(r'data-background-video="([^"]+)"', page)]
    assert len(clips) == len(notes)
    return notes, clips


def test_real_video_carries_its_slides_notes_timed_to_its_slides(
    lecture: tuple[Path, dict],
) -> None:
    out, scene = lecture
    notes, clips = slide_facts(out)
    notes, clips = notes[2:], clips[2:]  # after the title and the section slide
    assert len(clips) == scene["slides"]
    spans = timeline([video_seconds(c) for c in clips])
    video = out / "videos" / f"{scene['name']}.mp4"
    assert abs(video_seconds(video) - Fraction(spans[-1][1], 1000)) <= Fraction(1, 15)
    cues = read_subtitles(video)
    for text, (start, end) in zip(notes, spans, strict=True):
        mine = [c for c in cues if start <= c.start < end]
        check_tiling(mine, start, end, text)
    assert cues == [c for n, (a, b) in zip(notes, spans, strict=True) for c in slide_cues(n, a, b)]
    assert parse_vtt(video.with_suffix(".vtt").read_text(encoding="utf-8")) == cues
    assert parse_srt(video.with_suffix(".srt").read_text(encoding="utf-8")) == cues


def test_real_deck_has_each_slides_cues_in_the_page_and_beside_its_video(
    lecture: tuple[Path, dict],
) -> None:
    out, _ = lecture
    notes, clips = slide_facts(out)
    got = section_captions((out / "lecture.html").read_text(encoding="utf-8"))
    for text, clip, page_cues in zip(notes, clips, got, strict=True):
        length = round(video_seconds(clip) * 1000)
        cues = slide_cues(text, 0, length)
        check_tiling(cues, 0, length, text)
        assert page_cues == [[c.start / 1000, c.end / 1000, c.text] for c in cues]
        assert parse_vtt(clip.with_suffix(".vtt").read_text(encoding="utf-8")) == cues
        assert parse_srt(clip.with_suffix(".srt").read_text(encoding="utf-8")) == cues
