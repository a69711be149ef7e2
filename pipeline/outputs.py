"""The caption files of a render: what ``render.py`` calls, with manim-slides' files.

After ``manim`` has rendered a scene in the scratch folder, ``slides/<Scene>.json``
(manim-slides' ``PresentationConfig``) lists each slide's own video and its notes.
The scene's MP4 is those slide videos back to back (checked to a frame), so slide
i spans [sum of the earlier slides' lengths, + its own length] in it.

- ``caption_video``: ``videos/<Scene>.mp4`` with a ``mov_text`` caption stream, and
  ``<Scene>.vtt`` + ``<Scene>.srt`` beside it.
- ``write_slide_captions``: beside each slide video, ``<video>.captions.json``,
  ``[[start s, end s, text], ...]`` on the slide's own clock. The HTML template
  (``TEMPLATE``) puts it on the slide's ``<section data-captions=...>`` and its
  script adds the cues to the slide's background video as a text track.
- ``write_deck_captions``: beside each slide video of an HTML deck's assets,
  ``<video>.vtt`` + ``.srt``. A deck is not one video: the browser plays each
  slide's video from 0 and holds its last frame, so captions are per slide video.
"""

from __future__ import annotations

import hashlib
import json
import re
from fractions import Fraction
from pathlib import Path

from manim_slides.config import PresentationConfig

from pipeline.captions import Cue, slide_cues, timeline, to_srt, to_vtt
from pipeline.media import add_subtitles, frame_seconds, read_subtitles, video_digest, video_seconds

__all__ = [
    "SIDECAR",
    "TEMPLATE",
    "CaptionError",
    "caption_video",
    "code_digest",
    "deck_cues",
    "scene_cues",
    "write_deck_captions",
    "write_slide_captions",
]

TEMPLATE = Path(__file__).resolve().parent / "templates" / "revealjs.html"
SIDECAR = ".captions.json"  # suffix of a slide video's cue file, read by TEMPLATE


class CaptionError(Exception):
    """The slides and the video disagree, or the captioned file did not come out right."""


def code_digest() -> str:
    """SHA-256 of everything that shapes the captions besides the notes and the slide
    videos (these modules and the template): for a cache of decks to key on."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in (here / "captions.py", here / "media.py", here / "outputs.py", TEMPLATE):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def load_slides(slides: Path, scene: str) -> PresentationConfig:
    return PresentationConfig.from_file(slides / f"{scene}.json")


def _ms(seconds: Fraction) -> int:
    return round(seconds * 1000)


def scene_cues(config: PresentationConfig) -> tuple[list[Cue], Fraction]:
    """The cues of a scene's video (each slide's notes over its span) and the sum of
    the slides' lengths in seconds."""
    lengths = [video_seconds(s.file) for s in config.slides]
    spans = timeline(lengths)
    slides = zip(config.slides, spans, strict=True)
    cues = [c for s, (a, b) in slides for c in slide_cues(s.notes, a, b)]
    return cues, sum(lengths, Fraction(0))


def caption_video(slides: Path, scene: str, video: Path, dst: Path) -> list[Path]:
    """Write ``dst`` (``video`` plus captions) and ``dst``'s ``.vtt`` and ``.srt``.

    Checks first that the slides add up to the video (to a frame), and after that
    ``dst`` decodes to the same video packets and exactly these cues.
    """
    cues, total = scene_cues(load_slides(slides, scene))
    length, frame = video_seconds(video), frame_seconds(video)
    if abs(length - total) > frame:
        raise CaptionError(
            f"{scene}: its slides add up to {float(total):.3f} s, its video is "
            f"{float(length):.3f} s (more than a frame apart); captions would drift"
        )
    add_subtitles(video, dst, cues)
    if read_subtitles(dst) != cues:
        raise CaptionError(f"{scene}: the MP4's caption stream does not read back as written")
    if video_digest(dst) != video_digest(video):
        raise CaptionError(f"{scene}: adding captions changed the video stream")
    vtt, srt = dst.with_suffix(".vtt"), dst.with_suffix(".srt")
    vtt.write_text(to_vtt(cues), encoding="utf-8")
    srt.write_text(to_srt(cues), encoding="utf-8")
    return [dst, vtt, srt]


def deck_cues(config: PresentationConfig) -> list[list[Cue]]:
    """Each slide's cues on its own video's clock (0 to its length)."""
    return [slide_cues(s.notes, 0, _ms(video_seconds(s.file))) for s in config.slides]


def _as_json(cues: list[Cue]) -> str:
    return json.dumps([[c.start / 1000, c.end / 1000, c.text] for c in cues], ensure_ascii=False)


def write_slide_captions(slides: Path, scenes: list[str]) -> None:
    """``<video>.captions.json`` beside each slide video of ``scenes`` (for TEMPLATE)."""
    for scene in scenes:
        config = load_slides(slides, scene)
        names = [s.file.name for s in config.slides]
        if len(set(names)) != len(names):  # one file, two slides: their cues would clash
            raise CaptionError(f"{scene}: two slides share a video file")
        for s, cues in zip(config.slides, deck_cues(config), strict=True):
            s.file.with_name(s.file.stem + SIDECAR).write_text(_as_json(cues), encoding="utf-8")


_BACKGROUND = re.compile(r'\sdata-background-(video|image)="([^"]*)"')


def write_deck_captions(html: Path, slides: Path, scenes: list[str]) -> list[Path]:
    """``.vtt`` + ``.srt`` beside each slide video that the deck ``html`` plays.

    The deck's sections are the slides of ``scenes`` in order (as manim-slides
    writes them); each section's background names the copy of that slide's video.
    """
    sources = _BACKGROUND.findall(html.read_text(encoding="utf-8"))
    per_slide = [cues for scene in scenes for cues in deck_cues(load_slides(slides, scene))]
    if len(sources) != len(per_slide):
        raise CaptionError(
            f"{html.name}: {len(sources)} slide backgrounds for {len(per_slide)} slides"
        )
    written = []
    for (kind, src), cues in zip(sources, per_slide, strict=True):
        if kind != "video":
            continue
        video = html.parent / src
        for suffix, text in ((".vtt", to_vtt(cues)), (".srt", to_srt(cues))):
            path = video.with_suffix(suffix)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
