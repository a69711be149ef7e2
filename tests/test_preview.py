"""``render.py preview``: each slide's final frame as a PNG, from a dry run.

A lecturer looks at a lesson before rendering it: one PNG per slide (as many as the
deck has slides), at the chosen quality, replacing the scene's previous preview
whole; bad input and signals leave ``--out`` as it was.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from PIL import Image

from tests._cli_support import measure, run_cli, snapshot, start_cli, wait_for

SCENES = ("TheLesson", "SequenceData")


@pytest.fixture(scope="module")
def previewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("preview") / "out"
    cp = run_cli("preview", *SCENES, "--out", out)
    assert cp.returncode == 0, cp.stderr
    return out


def test_one_frame_per_slide_of_the_deck(previewed: Path) -> None:
    slides = measure(*SCENES)
    for name in SCENES:
        frames = sorted((previewed / "preview" / name).glob("*.png"))
        assert [p.name for p in frames] == [
            f"slide-{i:02d}.png" for i in range(1, slides[name]["slides"] + 1)
        ]
        for frame in frames:
            image = Image.open(frame)
            assert image.size == (854, 480)  # -q low
            lo, hi = image.convert("L").getextrema()
            assert hi - lo > 100, f"{frame}: a blank frame"


def test_a_new_preview_replaces_the_scene_folder_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = out / "preview" / "TheLesson" / "slide-99.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an old slide")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    cp = run_cli("preview", "TheLesson", "--out", out)
    assert cp.returncode == 0, cp.stderr
    assert not stale.exists()
    assert (out / "preview" / "TheLesson" / "slide-01.png").is_file()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "preview"]  # no scratch


@pytest.mark.parametrize(
    "args",
    [
        ["preview", "NoSuchScene"],
        ["preview", "LectureTitle"],  # a deck slide, not a lecture scene
        ["preview", "--jobs", "2"],  # one process draws: no --jobs
        ["preview", "-q", "ultra"],
    ],
    ids=["unknown-scene", "deck-scene", "jobs", "quality"],
)
def test_bad_input_is_one_line_and_writes_nothing(args: list[str], tmp_path: Path) -> None:
    cp = run_cli(*args, "--out", tmp_path / "out")
    assert cp.returncode == 2, cp.stderr
    assert len(cp.stderr.splitlines()) == 1 and "Traceback" not in cp.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_signal_mid_preview_leaves_out_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "run" / "out"
    old = out / "preview" / "TheLesson" / "slide-01.png"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"the old slide")
    before = snapshot(tmp_path / "run")
    proc = start_cli("preview", "TheLesson", "Unfolding", "--out", out, logs=tmp_path / "logs")
    try:
        wait_for(lambda: list(out.glob(".preview-*/preview/TheLesson/*.png")), 120, "a frame")
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = (tmp_path / "logs" / "stderr").read_text(encoding="utf-8", errors="replace")
    assert code == 128 + signal.SIGTERM, stderr[-2000:]
    assert stderr.splitlines()[-1] == "render.py: interrupted by SIGTERM; nothing was written"
    assert snapshot(tmp_path / "run") == before


def test_a_preview_reuses_what_renders_compiled_and_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preview (in this process) compiles TeX and parses SVGs through the cache that
    renders share, so a scene drawn before is neither compiled nor parsed again; the
    environment is as it was afterwards."""
    from manim.mobject.svg.svg_mobject import SVGMobject
    from manim.utils import tex_file_writing

    from pipeline.build import preview
    from scenes import manim_fixes

    monkeypatch.setenv("RNN_LECTURE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(manim_fixes.TEX_CACHE_ENV, raising=False)
    monkeypatch.setattr(manim_fixes, "_PICKLED", {})
    preview(["TheLesson"], tmp_path / "first", None, "low", None)
    assert manim_fixes.TEX_CACHE_ENV not in os.environ
    shared = tmp_path / "cache" / "tex"
    assert list(shared.glob("*.outline"))  # (TheLesson has no TeX)

    def again(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled or parsed again")

    monkeypatch.setattr(manim_fixes, "_PICKLED", {})  # nothing in memory
    monkeypatch.setattr(tex_file_writing, "compile_tex", again)
    monkeypatch.setattr(SVGMobject, "generate_mobject", again)
    preview(["TheLesson"], tmp_path / "second", None, "low", None)
    first = sorted((tmp_path / "first" / "preview" / "TheLesson").glob("*.png"))
    second = sorted((tmp_path / "second" / "preview" / "TheLesson").glob("*.png"))
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
