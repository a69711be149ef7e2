"""Each slide lasts at least as long as its captions take to read.

A video's captions are its slides' notes (``pipeline.captions``): a slide shorter
than its notes' reading time (``READING_RATE`` characters a second) would flash them
past, so ``LectureScene`` holds the slide's last frame until they can be read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.captions import READING_RATE, plain_text, reading_seconds
from scenes import scene_class
from tests._scenes import build_scene, media_dir


@pytest.mark.parametrize("name", ["SequenceData", "ForwardPropagation"])
def test_every_slide_lasts_its_reading_time(
    name: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    spans: list[tuple[str, float, float]] = []  # (notes, start, end) of each slide

    class Timed(scene_class(name)):  # type: ignore[misc]
        def next_slide(self, *args: object, **kwargs: object) -> None:
            if self.renderer.time > 0 or self.slide_notes:
                spans.append((self.slide_notes, self.slide_start, self.renderer.time))
            super().next_slide(*args, **kwargs)

        def tear_down(self) -> None:
            super().tear_down()
            spans.append((self.slide_notes, self.slide_start, self.renderer.time))

    scene = build_scene(Timed, None, tmp_path, media_dir(tmp_path_factory))
    assert len(spans) >= 2 and all(notes for notes, _, _ in spans)
    frame = 1 / scene.camera.frame_rate
    for notes, start, end in spans:
        shown = end - start
        assert shown >= reading_seconds(notes) - frame, (notes[:60], shown)
        assert len(plain_text(notes)) / shown <= READING_RATE + 1  # characters a second
