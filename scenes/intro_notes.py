"""Speaker notes of article 000's scenes: what the slide teaches, then the four parts.

The four parts (point at, read out, ask, next) are ``scenes.notes.speaker_notes``;
this adds the sentence or two of the article's teaching in front and checks the
parts, so a slide cannot lose its question or its transition.
"""

from __future__ import annotations

from scenes.notes import speaker_notes

__all__ = ["PARTS", "lecture_notes"]

PARTS = ("Point at:", "Read out:", "Ask:", "Next:")


def lecture_notes(say: str, point: str, read: str, ask: str, lead_on: str) -> str:
    """The notes of one slide.

    Parameters
    ----------
    say
        What the slide teaches, in the article's words (one or two sentences).
    point, read
        What to point at; the numbers to read out (already formatted from computed values).
    ask
        One question for the class (an answer may follow in brackets).
    lead_on
        The transition to the next slide.
    """
    for name, part in (("point", point), ("read", read), ("ask", ask), ("lead_on", lead_on)):
        if not part.strip() or any(p in part for p in PARTS):
            raise ValueError(f"{name}: expected a non-empty part without a label, found {part!r}")
    if ask.count("?") != 1 or not ask.strip().endswith("?"):
        raise ValueError(f"ask: expected one question, found {ask!r}")
    return f"{say} {speaker_notes(point, read, ask, lead_on)}"
