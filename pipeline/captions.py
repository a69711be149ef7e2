"""Captions from speaker notes: plain text, readable cues timed to a slide, WebVTT and SRT.

Pure text and arithmetic (no video, no files): ``pipeline.media`` measures the
slides and writes the subtitle streams, ``pipeline.outputs`` writes the files.

Times are whole milliseconds (the precision of WebVTT and SRT), so the cues of a
slide cover its span exactly: the first starts where the slide starts, each next
one where the previous ended, the last ends where the slide ends.

A cue holds at most ``MAX_LINES`` lines of at most ``LINE_WIDTH`` characters (the
usual caption rule; only a single word longer than a line overflows). A note is cut
at sentences; a sentence too long for one cue at its clauses (``, ; : –``), and a
clause too long at words. Short whole sentences share a cue when they fit. The
slide's time is shared among its cues in proportion to their length.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "LINE_WIDTH",
    "MAX_LINES",
    "Cue",
    "parse_srt",
    "parse_vtt",
    "plain_text",
    "slide_cues",
    "split_text",
    "timeline",
    "to_srt",
    "to_vtt",
    "wrap",
]

LINE_WIDTH = 42
# Characters a second that viewers read captions at (about 160-180 words a minute, the
# usual subtitle guideline for adults): each slide lasts at least its notes' reading time.
READING_RATE = 17.0
MAX_LINES = 2


@dataclass(frozen=True)
class Cue:
    """``text`` (lines joined by ``\\n``) shown from ``start`` to ``end`` (milliseconds)."""

    start: int
    end: int
    text: str

    @property
    def plain(self) -> str:
        """The text on one line (as it reads in the notes)."""
        return self.text.replace("\n", " ")


# --- plain text -----------------------------------------------------------------------

# TeX commands that have a plain-text character; any other \command keeps its name.
TEX = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "phi": "φ", "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "nabla": "∇",
    "partial": "∂", "sum": "Σ", "prod": "Π", "cdot": "·", "times": "×", "odot": "⊙",
    "approx": "≈", "neq": "≠", "ne": "≠", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "infty": "∞", "ldots": "…",
    "dots": "…", "cdots": "…", "pm": "±", "in": "∈", "top": "ᵀ",
}  # fmt: skip
_INFIX = {"cdot", "times", "odot", "approx", "neq", "ne", "le", "leq", "ge", "geq", "to"}
_INFIX |= {"rightarrow", "leftarrow", "pm", "in"}
_MD_RULES: tuple[tuple[str, str], ...] = (
    (r"!?\[([^\]]*)\]\([^)]*\)", r"\1"),  # [text](url), ![alt](src)
    (r"`+([^`]*)`+", r"\1"),  # `code`
    (r"(?m)^\s{0,3}#{1,6}\s+", ""),  # # heading
    (r"(?m)^\s{0,3}>\s?", ""),  # > quote
    (r"(?m)^\s*(?:[-*+]|\d+[.)])\s+", ""),  # - item, 1. item
    (r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2"),  # **strong**, __strong__
    (r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1"),  # *emphasis*
    (r"(?<!\w)_(?=\S)([^_]+?)(?<=\S)_(?!\w)", r"\1"),  # _emphasis_
)


# $...$, $$...$$, \(...\), \[...\] (an escaped \$ is a dollar sign): a group is the math.
_MATH = re.compile(r"(?<!\\)\$\$?(.+?)(?<!\\)\$\$?|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)


def _tex_command(match: re.Match[str]) -> str:
    name = match.group(1) or match.group(2)
    if name.isalpha():
        symbol = TEX.get(name, name)
        return f" {symbol} " if name in _INFIX else symbol
    return " " if name in ",;: \\" else name  # \, \; spaces, \\ a line break; \$ \% \&


def _group(match: re.Match[str]) -> str:
    mark, inner = match.group(1), match.group(2)
    return mark + (inner if inner.startswith("(") and inner.endswith(")") else f"({inner})")


def _tex(text: str) -> str:
    text = re.sub(r"\\hat\s*\{?\s*([A-Za-z])\s*\}?", "\\1\u0302", text)  # \hat{y} -> ŷ
    text = re.sub(r"\^\{?\\top\}?", "ᵀ", text)  # W^\top -> Wᵀ
    text = re.sub(r"([_^])\{([^{}]{2,})\}", _group, text)  # h_{t-1} -> h_(t-1)
    text = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"\1/\2", text)
    text = re.sub(r"\\(?:left|right|mathrm|mathbf|mathit|text|operatorname)\b\s*", "", text)
    text = re.sub(r"\\([A-Za-z]+)|\\(.)", _tex_command, text)
    return text.replace("{", "").replace("}", "")


def plain_text(notes: str) -> str:
    """``notes`` as captions carry them: one line of plain text.

    Markdown marks are dropped (links keep their text, code and emphasis their
    content), TeX is read off as text (``$\\hat{y}_t$`` -> ``ŷ_t``, ``\\partial`` ->
    ``∂``; ``$``, braces and backslashes go), white space becomes single spaces.
    """
    pieces, at = [], 0  # prose, math, prose, math, ..., prose: Markdown only in prose
    for m in _MATH.finditer(notes):
        pieces += [notes[at : m.start()], next(g for g in m.groups() if g is not None)]
        at = m.end()
    pieces.append(notes[at:])
    for i in range(0, len(pieces), 2):
        for pattern, repl in _MD_RULES:
            pieces[i] = re.sub(pattern, repl, pieces[i])
    text = _tex("".join(pieces)).replace("\\", " ")
    return unicodedata.normalize("NFC", " ".join(text.split()))


# --- cutting into cues ------------------------------------------------------------------


def reading_seconds(notes: str) -> float:
    """Seconds to read ``notes`` as captions (their plain text at ``READING_RATE``)."""
    return len(plain_text(notes)) / READING_RATE


def wrap(text: str, width: int = LINE_WIDTH) -> list[str]:
    """Words into lines of at most ``width`` characters, few lines, balanced.

    Greedy for the number of lines; a two-line text breaks where its longer line is
    shortest (a word longer than ``width`` gets a line of its own).
    """
    words = text.split()
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) == 2:
        splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
        fits = [s for s in splits if max(map(len, s)) <= width] or [tuple(lines)]
        lines = list(min(fits, key=lambda s: (max(map(len, s)), len(s[1]))))
    return lines


def _fits(text: str) -> bool:
    return len(wrap(text)) <= MAX_LINES


def _sentences(text: str) -> list[str]:
    """Cut after . ! ? … (and closing quotes or brackets) when a capital, digit or
    symbol follows: "e.g. the" stays whole."""
    parts = re.split(r"(?<=[.!?…])([\"'”’)\]]*)\s+(?=[^a-z\s])", text)
    out = [parts[0] + (parts[1] if len(parts) > 1 else "")]
    for i in range(2, len(parts), 2):
        out.append(parts[i] + (parts[i + 1] if i + 1 < len(parts) else ""))
    return [s for s in out if s]


def _pack(pieces: Iterable[str]) -> list[str]:
    """Join consecutive ``pieces`` into as few cues as fit (each piece fits alone)."""
    cues: list[str] = []
    for piece in pieces:
        if cues and _fits(cues[-1] + " " + piece):
            cues[-1] += " " + piece
        else:
            cues.append(piece)
    return cues


def _by_words(text: str) -> list[str]:
    """``text`` cut at words into as few cues as greedy filling needs, of about equal
    length (no orphan word in a last cue); greedy filling if that does not fit."""
    lines = wrap(text)
    greedy = [" ".join(lines[i : i + MAX_LINES]) for i in range(0, len(lines), MAX_LINES)]
    words, cues = text.split(), []
    for left in range(len(greedy), 0, -1):
        target = len(" ".join(words)) / left
        take = 1
        while take < len(words) and len(" ".join(words[: take + 1])) <= target:
            take += 1
        if left == 1:
            take = len(words)
        elif take < len(words) and target - len(" ".join(words[:take])) > len(words[take]) / 2:
            take += 1  # the nearer end to the target
        cues.append(" ".join(words[:take]))
        words = words[take:]
    return cues if not words and all(map(_fits, cues)) else greedy


def _long_sentence(sentence: str) -> list[str]:
    clauses = re.split(r"(?<=[,;:])\s+|\s+(?=[–—]\s)", sentence)
    pieces = [p for c in clauses for p in ([c] if _fits(c) else _by_words(c))]
    return _pack(pieces)


def split_text(text: str) -> list[str]:
    """Plain ``text`` cut into cue texts (each on one line; ``wrap`` lays it out).

    Joined with single spaces they give ``text`` back.
    """
    cues: list[str] = []
    whole: list[bool] = []  # whether cues[i] is made of whole sentences
    for sentence in _sentences(" ".join(text.split())):
        if _fits(sentence):
            if cues and whole[-1] and _fits(cues[-1] + " " + sentence):
                cues[-1] += " " + sentence
            else:
                cues.append(sentence)
                whole.append(True)
        else:
            parts = _long_sentence(sentence)
            cues += parts
            whole += [False] * len(parts)
    return cues


# --- timing -----------------------------------------------------------------------------


def slide_cues(notes: str, start: int, end: int) -> list[Cue]:
    """The cues of one slide spanning ``[start, end]`` ms, from its speaker notes.

    Each cue's share of the span is proportional to its length; the boundaries are
    rounded to whole ms and shared, so the cues tile the span without gap or overlap.
    A cue that would get no time joins the next one (only on spans shorter than a
    millisecond per cue).
    """
    if end < start:
        raise ValueError(f"a slide cannot end ({end} ms) before it starts ({start} ms)")
    texts = split_text(plain_text(notes))
    if not texts or end == start:
        return []
    total = sum(len(t) for t in texts)
    bounds, done = [start], 0
    for t in texts:
        done += len(t)
        bounds.append(start + (2 * (end - start) * done + total) // (2 * total))  # rounded
    cues: list[Cue] = []
    carried = ""
    for t, (a, b) in zip(texts, itertools.pairwise(bounds), strict=True):
        text = f"{carried} {t}".strip()
        if b == a:
            carried = text
            continue
        carried = ""
        cues.append(Cue(a, b, "\n".join(wrap(text))))
    if carried:  # zero-length cues at the end: add them to the last real one
        last = cues[-1]
        cues[-1] = Cue(last.start, last.end, "\n".join(wrap(f"{last.plain} {carried}")))
    return cues


def timeline(seconds: Sequence[Fraction | float]) -> list[tuple[int, int]]:
    """Back-to-back spans ``(start, end)`` in ms for slides lasting ``seconds``.

    The running sums are rounded, not each length, so rounding never accumulates.
    """
    bounds, t = [0], Fraction(0)
    for s in seconds:
        t += Fraction(s)
        bounds.append(round(t * 1000))
    return list(itertools.pairwise(bounds))


# --- WebVTT and SRT ----------------------------------------------------------------------


def _stamp(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: Sequence[Cue]) -> str:
    """A WebVTT file: ``&``, ``<``, ``>`` escaped (so no cue text holds ``-->``)."""
    blocks = ["WEBVTT\n"]
    for i, c in enumerate(cues, start=1):
        when = f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}"
        blocks.append(f"{i}\n{when}\n{_vtt_escape(c.text)}\n")
    return "\n".join(blocks)


def to_srt(cues: Sequence[Cue]) -> str:
    """A SubRip file (its text is plain: SRT has no escapes)."""
    return "".join(
        f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n\n"
        for i, c in enumerate(cues, start=1)
    )


_TIME = r"(\d+):(\d\d):(\d\d)[.,](\d\d\d)"
_TIMING = re.compile(rf"^{_TIME} --> {_TIME}")


def _ms(groups: Sequence[str]) -> int:
    h, m, s, ms = map(int, groups)
    return ((h * 60 + m) * 60 + s) * 1000 + ms


def _parse(text: str, unescape: bool) -> list[Cue]:
    cues = []
    for block in re.split(r"\n{2,}", text.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        at = next((i for i, line in enumerate(lines) if _TIMING.match(line)), None)
        if at is None:
            continue  # the WEBVTT header, a NOTE or STYLE block
        g = _TIMING.match(lines[at]).groups()  # type: ignore[union-attr]
        body = "\n".join(lines[at + 1 :])
        if unescape:
            body = body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        cues.append(Cue(_ms(g[:4]), _ms(g[4:]), body))
    return cues


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file (as ``to_vtt`` writes them)."""
    if not text.startswith("WEBVTT"):
        raise ValueError("not a WebVTT file: it must start with 'WEBVTT'")
    return _parse(text, unescape=True)


def parse_srt(text: str) -> list[Cue]:
    """The cues of a SubRip file."""
    return _parse(text, unescape=False)
