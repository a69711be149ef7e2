"""What every slide's speaker notes must hold (the RNN core scenes).

A lecturer presents from the notes: what to point at, the numbers to read out,
ONE question for the class and the transition, each once. They are also the
video's captions, read at 17 characters a second, so they stay short.
"""

from __future__ import annotations

import re

__all__ = ["MAX_NOTES", "check_notes"]

PARTS = ("Point at:", "Read out:", "Ask:", "Next:")
MAX_NOTES = 520  # characters: about 30 s of captions per slide


def check_notes(notes_log: list[str]) -> None:
    """Assert every slide's notes have the four parts once, in order, a number to read,
    exactly one question, and at most ``MAX_NOTES`` characters."""
    assert notes_log, "no slide notes recorded"
    for notes in notes_log:
        at = [notes.find(part) for part in PARTS]
        for part in PARTS:
            assert notes.count(part) == 1, (part, notes)
        assert at == sorted(at), ("parts out of order", notes)
        read = notes.split("Read out:")[1].split("Ask:")[0]
        assert re.search(r"\d", read), ("nothing to read out", notes)
        ask = notes.split("Ask:")[1].split("Next:")[0]
        assert ask.strip().endswith("?") and ask.count("?") == 1, ("one question", notes)
        assert notes.split("Next:")[1].strip(), ("no transition", notes)
        assert len(notes) <= MAX_NOTES, (len(notes), notes)
