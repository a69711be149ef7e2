"""Video files with PyAV: slide durations, a ``mov_text`` caption stream in an MP4.

No ffmpeg binary: PyAV (FFmpeg's libraries) demuxes, remuxes and encodes the
subtitle stream. The video stream is copied packet by packet, never re-encoded,
so ``video_digest`` of the captioned file equals that of the original.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import av
from av.subtitles.subtitle import SubtitleSet

from pipeline.captions import Cue

__all__ = [
    "CAPTION_LANGUAGE",
    "add_subtitles",
    "frame_seconds",
    "read_subtitles",
    "video_digest",
    "video_seconds",
]

CAPTION_LANGUAGE = "eng"  # ISO 639-2, as MP4 stores it; the notes are English
SUBTITLE_TIME_BASE = Fraction(1, 1000)  # cues are in whole milliseconds
# The ASS header FFmpeg gives text subtitles by default; the mov_text encoder needs one.
ASS_HEADER = b"""[Script Info]
ScriptType: v4.00+
PlayResX: 384
PlayResY: 288
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, \
BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def video_seconds(path: Path) -> Fraction:
    """The exact length of the first video stream of ``path`` (its container's when
    the stream does not say)."""
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        if stream.duration is not None and stream.time_base is not None:
            return stream.duration * stream.time_base
        if c.duration is None:
            raise ValueError(f"{path}: no duration")
        return Fraction(c.duration, av.time_base)


def frame_seconds(path: Path) -> Fraction:
    """How long one frame of ``path`` lasts."""
    with av.open(str(path)) as c:
        rate = c.streams.video[0].average_rate
        if not rate:
            raise ValueError(f"{path}: no frame rate")
        return 1 / Fraction(rate)


def _ass(index: int, text: str) -> bytes:
    """An ASS dialogue line for the encoder: lines joined by ``\\N``."""
    if any(ch in text for ch in "\\{}"):
        raise ValueError(f"cue text must be plain (no backslash or braces): {text!r}")
    return f"{index},0,Default,,0,0,0,,{text.replace(chr(10), chr(92) + 'N')}".encode()


def add_subtitles(src: Path, dst: Path, cues: Sequence[Cue]) -> None:
    """Write ``dst``: ``src``'s video stream (packets copied) plus ``cues`` as a
    ``mov_text`` stream (language ``CAPTION_LANGUAGE``, on by default).

    Packets go out in time order, so the file is interleaved as a player reads it.
    """
    with av.open(str(src)) as inp, av.open(str(dst), "w", format="mp4") as out:
        vin = inp.streams.video[0]
        vout = out.add_stream_from_template(vin)
        sub = out.add_stream("mov_text")
        sub.time_base = SUBTITLE_TIME_BASE
        sub.codec_context.time_base = SUBTITLE_TIME_BASE
        sub.codec_context.subtitle_header = ASS_HEADER
        sub.metadata["language"] = CAPTION_LANGUAGE
        sub.metadata["handler_name"] = "Captions"
        packets = []
        for i, cue in enumerate(cues):
            subtitle = SubtitleSet.create(_ass(i, cue.text), 0, cue.end - cue.start, cue.start)
            packet = sub.codec_context.encode_subtitle(subtitle)
            packet.pts = packet.dts = cue.start
            packet.duration = cue.end - cue.start
            packets.append(packet)
        pending = iter(packets)
        nxt = next(pending, None)
        for packet in inp.demux(vin):
            if packet.dts is None:  # the demuxer's empty end-of-stream packet
                continue
            at = packet.dts * vin.time_base
            while nxt is not None and nxt.pts * SUBTITLE_TIME_BASE <= at:
                nxt.stream = sub
                out.mux(nxt)
                nxt = next(pending, None)
            packet.stream = vout
            out.mux(packet)
        while nxt is not None:
            nxt.stream = sub
            out.mux(nxt)
            nxt = next(pending, None)


def _dialogue_text(ass: bytes) -> str:
    """The text of a decoded ASS dialogue line (after its eight fields)."""
    text = ass.decode("utf-8").split(",", 8)[8]
    return text.replace("\\N", "\n")


def read_subtitles(path: Path) -> list[Cue]:
    """The cues of the first subtitle stream of ``path``, decoded by FFmpeg.

    The empty samples the MP4 muxer puts in gaps (and at the start) are left out.
    """
    cues = []
    with av.open(str(path)) as c:
        stream = c.streams.subtitles[0]
        tb = stream.time_base
        assert tb is not None
        for packet in c.demux(stream):
            if not packet.size or packet.pts is None:
                continue
            decoded = stream.codec_context.decode2(packet)
            if decoded is None or not len(decoded):
                continue
            text = "".join(_dialogue_text(rect.ass) for rect in decoded)  # type: ignore[attr-defined]
            if not text:
                continue
            start = round(packet.pts * tb * 1000)
            cues.append(Cue(start, start + round(packet.duration * tb * 1000), text))
    return cues


def _video_packets(path: Path) -> Iterator[bytes]:
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        cc = stream.codec_context
        yield f"{stream.codec_context.name} {cc.width}x{cc.height} {stream.time_base}".encode()
        yield bytes(cc.extradata or b"")
        for p in c.demux(stream):
            if p.dts is not None:
                yield f"{p.pts} {p.dts} {p.duration} {p.is_keyframe}".encode()
                yield bytes(p)


def video_digest(path: Path) -> str:
    """SHA-256 of the first video stream: codec, size, time base, extradata and every
    packet's timing, key-frame flag and bytes. Equal digests: the same video."""
    h = hashlib.sha256()
    for chunk in _video_packets(path):
        h.update(len(chunk).to_bytes(8, "big"))
        h.update(chunk)
    return h.hexdigest()
