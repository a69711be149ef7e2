"""Speaker notes a lecturer presents from, and the verdicts slides and notes share.

``speaker_notes`` writes the four parts every slide's notes have: what to point at,
the numbers to read out, one question for the class, and the transition.
"""

from __future__ import annotations

from manim import VGroup

from scenes.layout import STAGE_WIDTH
from scenes.mobjects.numbers import fmt

__all__ = ["chunk_verdict", "fit_width", "speaker_notes"]


def fit_width(mob: VGroup, width: float = STAGE_WIDTH) -> VGroup:
    """``mob``, shrunk to ``width`` if it is wider."""
    if mob.width > width:
        mob.scale_to_fit_width(width)
    return mob


def speaker_notes(point: str, numbers: str, question: str, transition: str, say: str = "") -> str:
    """Notes a lecturer presents from: what the slide teaches (``say``, optional), what
    to point at, the numbers to read out, one question, and the transition."""
    notes = f"Point at: {point} Read out: {numbers} Ask: {question} Next: {transition}"
    return f"{say} {notes}" if say else notes


def chunk_verdict(before: float, chunks: float, full: float, n: int) -> str:
    """What the numbers show: which way of updating lowered the sequence's loss more."""

    def went(x: float) -> str:
        return "lowered" if x < before else "raised"

    if n == 1:
        return (
            f"One chunk is the whole sequence: the chunk's update is full BPTT's update "
            f"(L {fmt(before)} -> {fmt(full)})."
        )
    both = (
        f"{n} chunk updates {went(chunks)} L from {fmt(before)} to {fmt(chunks)}; "
        f"1 full update {went(full)} it to {fmt(full)}: "
    )
    if fmt(chunks) == fmt(full):
        return both + "the same to 2 decimals."
    better = "the chunk updates" if chunks < full else "the one full update"
    return both + f"here {better} ended lower."
