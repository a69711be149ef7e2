"""render.py end to end: real renders at the lowest quality, and every bad input.

Rendering is the slow part: this module renders one short lecture scene once, as a
video (see ``_cli_support.real_scene``); the slides command runs on the small title
slide. test_deck renders the same scene once more, as a lecture.
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
import zipfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pptx
import pytest
from _cli_support import (
    ROOT,
    cmdline,
    descendants,
    html_links,
    html_sections,
    measure,
    pdf_pages,
    processes_in,
    real_scene,
    run_cli,
    snapshot,
    start_cli,
    still_running,
    video_seconds,
    wait_for,
)

from pipeline import build
from pipeline.install import check_out, install
from pipeline.plan import check_lesson, child_env, video_plan
from pipeline.run import CliError, Interrupted, Runner, StopSignals
from rnncore import load_lesson
from scenes import LECTURE
from scenes.deck import TITLE_NOTES
from scenes.outline import DECK_SCENES

DEFAULT_TOML = ROOT / "rnncore" / "lessons" / "default.toml"
LOW_FPS = 15  # manim's -ql frame rate
LOW_SIZE = (854, 480)


# --- rendering (module-scoped: each render happens once) ------------------------------


@pytest.fixture(scope="module")
def scene() -> dict:
    return real_scene()


@pytest.fixture(scope="module")
def video_out(tmp_path_factory: pytest.TempPathFactory, scene: dict) -> Path:
    out = tmp_path_factory.mktemp("video") / "out"
    cp = run_cli("video", scene["name"], "-q", "low", "--out", out)
    assert cp.returncode == 0, cp.stderr[-2000:]
    assert f"[1/1] {scene['name']}" in cp.stdout
    return out


@pytest.fixture(scope="module")
def title_slides_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("slides") / "out"
    cp = run_cli("slides", "LectureTitle", "--to", "html,pptx", "--to", "pdf", "--out", out)
    assert cp.returncode == 0, cp.stderr[-2000:]
    return out


def test_list_shows_the_lecture_in_order() -> None:
    cp = run_cli("list")
    assert cp.returncode == 0
    names = [line.split()[1] for line in cp.stdout.splitlines()]
    lecture = [s.name for s in LECTURE]
    assert names[: len(lecture)] == lecture
    assert set(names[len(lecture) :]) == set(DECK_SCENES)  # title + one section per article
    assert {"LectureTitle", "Section000", "Section001", "Section002"} <= set(DECK_SCENES)


def test_durations_of_the_title_slide() -> None:
    row = measure("LectureTitle")["LectureTitle"]
    assert row["slides"] == 1, row
    assert 0 < row["seconds"] < 30, row  # short, though held until its notes can be read
    assert row["module"] == "scenes.deck"


def test_durations_of_the_real_scene(scene: dict) -> None:
    assert scene["name"] in [s.name for s in LECTURE]
    assert scene["slides"] >= 1
    assert scene["seconds"] > 0


def test_video_decodes_at_the_frame_rate_and_length_of_the_scene(
    video_out: Path, scene: dict
) -> None:
    files = sorted(p.relative_to(video_out) for p in video_out.rglob("*"))
    name = scene["name"]
    videos = [Path("videos") / f"{name}.{ext}" for ext in ("mp4", "srt", "vtt")]  # + captions
    assert files == [Path("videos"), *videos]  # no scratch
    path = video_out / "videos" / f"{scene['name']}.mp4"
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.average_rate == Fraction(LOW_FPS)
        assert (stream.codec_context.width, stream.codec_context.height) == LOW_SIZE
        frames = sum(1 for _ in container.decode(stream))
    seconds = video_seconds(path)
    assert seconds > 0
    assert frames == pytest.approx(seconds * LOW_FPS, abs=2)
    # The dry run's clock and the encoded video agree (to a frame per animation or so).
    assert seconds == pytest.approx(scene["seconds"], rel=0.05, abs=0.5)


def test_slides_of_a_scene_in_every_format(title_slides_out: Path) -> None:
    folder = title_slides_out / "slides"
    assert sorted(p.name for p in title_slides_out.iterdir()) == ["slides"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "LectureTitle.html",
        "LectureTitle.pdf",
        "LectureTitle.pptx",
        "LectureTitle_assets",
    ]
    slides = measure("LectureTitle")["LectureTitle"]["slides"]
    assert pdf_pages(folder / "LectureTitle.pdf") == slides
    deck = pptx.Presentation(str(folder / "LectureTitle.pptx"))
    assert [s.notes_slide.notes_text_frame.text for s in deck.slides] == [TITLE_NOTES]
    html = folder / "LectureTitle.html"
    assert html_sections(html) == 1
    links = html_links(html)
    assert any(link.endswith(".mp4") for link in links)
    for link in links:
        assert not link.startswith(("http:", "https:", "//")), link
        assert (folder / link).is_file(), link


# --- check --------------------------------------------------------------------------


def test_check_prints_the_lesson_summary() -> None:
    cp = run_cli("check", DEFAULT_TOML)
    assert cp.returncode == 0, cp.stderr
    assert cp.stdout.strip() == load_lesson(DEFAULT_TOML).describe()
    assert cp.stderr == ""


def test_check_with_seed_uses_it(tmp_path: Path) -> None:
    lesson = tmp_path / "sizes.toml"
    lesson.write_text(SIZES_ONLY, encoding="utf-8")
    a, b = run_cli("check", lesson, "--seed", "1"), run_cli("check", lesson, "--seed", "2")
    assert a.returncode == b.returncode == 0
    assert a.stdout.strip() == load_lesson(lesson, seed=1).describe()
    assert a.stdout != b.stdout  # other random weights, another loss


# --- bad input: exit 2, one line, no traceback, nothing written -----------------------

SIZES_ONLY = """
name = "sizes only"
[network]
n_in = 3
n_hidden = 5
n_out = 2
[data]
xs = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
targets = [1, 0, 1, 0, 1, 0]
"""
MALFORMED = "name = 'unterminated\n[network\n"
WITH_NAN = SIZES_ONLY.replace("[data]", "[weights]\nc = [nan, 0.0]\n[data]")
WRONG_SHAPE = SIZES_ONLY.replace("[data]", "[weights]\nW = [[0.1, 0.2], [0.3, 0.4]]\n[data]")


def lesson_file(tmp_path: Path, text: str, name: str = "lesson.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "lesson.toml"
    os.mkfifo(path)
    return path


def absurd_npz(tmp_path: Path) -> Path:
    """An NPZ whose xs header claims 10^12 x 3 values (24 TB) over 0 bytes of data."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**12, 3)}
    )
    path = tmp_path / "lesson.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xs.npy", header.getvalue())
    return path


DEEP = 5000


def latin1(tmp_path: Path) -> Path:
    path = tmp_path / "lesson.toml"
    path.write_bytes('name = "café"\n'.encode("latin-1"))
    return path


BAD = {
    "unknown scene": lambda t: ["video", "NoSuchScene"],
    "unknown scene among good ones": lambda t: ["slides", LECTURE[0].name, "Nope", "--to", "pdf"],
    "lecture of a deck scene": lambda t: ["lecture", "LectureTitle"],
    "malformed config": lambda t: ["video", "--config", lesson_file(t, MALFORMED)],
    "NaN in config": lambda t: ["video", "--config", lesson_file(t, WITH_NAN)],
    "wrong shapes": lambda t: ["slides", "--to", "pdf", "--config", lesson_file(t, WRONG_SHAPE)],
    "missing config": lambda t: ["lecture", "--config", t / "nowhere.toml"],
    "deep JSON": lambda t: [
        "video",
        "--config",
        lesson_file(t, "[" * DEEP + "]" * DEEP, "lesson.json"),
    ],
    "deep TOML": lambda t: ["video", "--config", lesson_file(t, "a = " + "[" * DEEP + "]" * DEEP)],
    "huge config": lambda t: ["video", "--config", lesson_file(t, "#" * (2 << 20))],
    "non-UTF-8 config": lambda t: ["video", "--config", latin1(t)],
    "absurd NPZ shape": lambda t: ["slides", "--to", "pdf", "--config", absurd_npz(t)],
    "FIFO config": lambda t: ["video", "--config", fifo(t)],
    "/dev/zero config": lambda t: ["lecture", "--config", "/dev/zero"],
    "check a FIFO": lambda t: ["check", fifo(t)],
    "check deep JSON": lambda t: ["check", lesson_file(t, '{"a": ' * DEEP + "}" * DEEP, "l.json")],
    "bad quality": lambda t: ["video", "-q", "ultra"],
    "bad format": lambda t: ["slides", "--to", "docx"],
    "no format": lambda t: ["slides"],
    "zero jobs": lambda t: ["video", "--jobs", "0"],
    "negative seed": lambda t: ["video", "--seed", "-3"],
    "unknown option": lambda t: ["video", "--colour", "red"],
    "no command": lambda t: [],
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_line_and_writes_nothing(case: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = BAD[case](tmp_path)
    if args:
        args += ["--out", out] if args[0] != "check" else []
    before = sorted(p.name for p in tmp_path.iterdir())
    assert before in ([], ["lesson.toml"], ["lesson.json"], ["lesson.npz"], ["l.json"])
    cp = run_cli(*args, cwd=tmp_path)
    assert cp.returncode == 2, (cp.stdout, cp.stderr)
    assert len(cp.stderr.splitlines()) == 1, cp.stderr
    assert cp.stderr.startswith("render.py: error: ")
    assert len(cp.stderr) < 400, cp.stderr
    assert "Traceback" not in cp.stderr + cp.stdout
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(
    "text", [MALFORMED, WITH_NAN, WRONG_SHAPE], ids=["malformed", "nan", "wrong-shape"]
)
def test_check_rejects_bad_lessons_in_one_line(text: str, tmp_path: Path) -> None:
    cp = run_cli("check", lesson_file(tmp_path, text))
    assert cp.returncode == 2
    assert len(cp.stderr.splitlines()) == 1
    assert str(tmp_path / "lesson.toml") in cp.stderr
    assert "Traceback" not in cp.stderr


def test_out_under_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("keep me", encoding="utf-8")
    for out in (blocker, blocker / "out"):
        cp = run_cli("video", "--out", out)
        assert cp.returncode == 2
        assert len(cp.stderr.splitlines()) == 1 and "expected a folder" in cp.stderr
    assert blocker.read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_unwritable_out_is_refused() -> None:
    # /proc refuses new entries even to root, unlike a chmod-ed folder.
    cp = run_cli("video", "--out", "/proc/rnn-lecture-test/out")
    assert cp.returncode == 2
    assert len(cp.stderr.splitlines()) == 1 and "cannot write" in cp.stderr
    assert not Path("/proc/rnn-lecture-test").exists()


# --- the plumbing, in process -------------------------------------------------------


def test_options_reach_the_scenes_through_the_environment(tmp_path: Path) -> None:
    lesson = lesson_file(tmp_path, SIZES_ONLY)
    env = child_env(check_lesson(lesson, 7))
    assert env["RNN_LECTURE_LESSON"] == str(lesson.resolve())
    assert env["RNN_LECTURE_SEED"] == "7"
    assert str(ROOT) in env["PYTHONPATH"].split(":")
    assert "RNN_LECTURE_LESSON" not in child_env({})


def test_a_failed_render_leaves_out_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    (out / "videos").mkdir(parents=True)
    (out / "videos" / "Old.mp4").write_bytes(b"old")

    def half_then_fail(runner: Runner, name: str, quality: str, work: Path, progress: bool) -> Path:
        (work / "media" / name).mkdir(parents=True)
        (work / "media" / name / f"{name}.mp4").write_bytes(b"half")
        raise CliError(f"rendering {name} failed: boom", code=1)

    monkeypatch.setattr(build, "render_scene", half_then_fail)
    opts = build.RenderOptions(check_out(out))
    with pytest.raises(CliError, match="boom"):
        build.execute(video_plan(["LectureTitle"]), opts, {})
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == [
        Path("videos"),
        Path("videos/Old.mp4"),
    ]
    fresh = tmp_path / "fresh" / "out"
    opts = build.RenderOptions(check_out(fresh))
    with pytest.raises(CliError):
        build.execute(video_plan(["LectureTitle"]), opts, {})
    assert not (tmp_path / "fresh").exists()


def test_install_replaces_files_and_asset_folders_whole(tmp_path: Path) -> None:
    out, staged, trash = tmp_path / "out", tmp_path / "staged", tmp_path / "trash"
    (out / "lecture_assets").mkdir(parents=True)
    (out / "lecture_assets" / "stale.mp4").write_bytes(b"stale")
    (out / "lecture.html").write_text("old", encoding="utf-8")
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    (staged / "lecture_assets").mkdir(parents=True)
    (staged / "lecture_assets" / "new.mp4").write_bytes(b"new")
    (staged / "lecture.html").write_text("new", encoding="utf-8")
    (staged / "videos").mkdir()
    (staged / "videos" / "A.mp4").write_bytes(b"a")
    trash.mkdir()
    installed = install(staged, out, trash)
    assert {p.relative_to(out) for p in installed} == {
        Path("lecture_assets"),
        Path("lecture.html"),
        Path("videos/A.mp4"),
    }
    assert [p.name for p in (out / "lecture_assets").iterdir()] == ["new.mp4"]
    assert (out / "lecture.html").read_text(encoding="utf-8") == "new"
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"


# --- signals: Ctrl-C, kill and hang-up all end a run cleanly --------------------------

# name: (signal, sent to the process group as a terminal does (else to the pid, as kill
# does), --jobs, an --out that exists (with files to keep) or one the run must create)
STOPS = {
    "SIGINT": (signal.SIGINT, True, 1, True),  # Ctrl-C
    "SIGTERM": (signal.SIGTERM, False, 1, True),  # kill PID
    "SIGHUP": (signal.SIGHUP, True, 1, True),  # the terminal closes
    "SIGTERM-jobs2-new-out": (signal.SIGTERM, False, 2, False),
}


@pytest.mark.parametrize("case", list(STOPS))
def test_a_signal_mid_render_ends_every_process_and_leaves_out_as_it_was(
    case: str, tmp_path: Path
) -> None:
    sig, to_group, jobs, existing = STOPS[case]
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    out = run_dir / "out" if existing else run_dir / "new" / "out"
    if existing:
        (out / "videos").mkdir(parents=True)
        (out / "videos" / "LectureTitle.mp4").write_bytes(b"the old video")
        (out / "keep.txt").write_text("mine", encoding="utf-8")
    before = snapshot(run_dir)
    scenes = ["LectureTitle", "Section000"][:jobs]
    args = ["video", *scenes, "--jobs", str(jobs), "--out", out]
    proc = start_cli(*args, logs=tmp_path / "logs")
    try:
        wait_for(
            lambda: sum("manim" in cmdline(pid) for pid, _ in descendants(proc.pid)) == jobs,
            60,
            "the manim subprocesses",
        )
        assert [p.name for p in out.glob(".render-*")], "no scratch folder while rendering"
        seen = descendants(proc.pid)
        time.sleep(0.5)  # let manim get going (imports, its own children)
        seen |= descendants(proc.pid)
        if to_group:
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = (tmp_path / "logs" / "stderr").read_text(encoding="utf-8", errors="replace")
    assert code == 128 + sig, stderr[-2000:]
    name = signal.Signals(sig).name
    assert stderr.splitlines()[-1] == f"render.py: interrupted by {name}; nothing was written"
    assert "Traceback" not in stderr
    assert snapshot(run_dir) == before  # byte for byte; no scratch, no new folders
    assert still_running(seen) == []
    assert processes_in(run_dir) == []


def test_stop_ends_the_whole_process_group(tmp_path: Path) -> None:
    """A subprocess's own children (manim's LaTeX, ffmpeg, ...) are ended with it."""
    runner = Runner(dict(os.environ), tmp_path, echo=False)
    pid_file = tmp_path / "grandchild.pid"
    cmd = ["sh", "-c", f"sleep 300 & echo $! > {pid_file}; wait"]
    errors: list[BaseException] = []

    def run() -> None:
        try:
            runner.run(cmd, "sleeping", "test-stop-group")
        except BaseException as e:  # reported below
            errors.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    grandchild = int(
        wait_for(lambda: pid_file.read_text().strip() if pid_file.exists() else "", 10, "sleep")
    )
    (child,) = runner.procs
    family = {p for p in descendants(child.pid) if p[0] == grandchild}
    assert family, "the grandchild is not below the runner's subprocess"
    start = time.monotonic()
    runner.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert time.monotonic() - start < Runner.GRACE  # ended by SIGTERM, no waiting
    assert [str(e) for e in errors] == ["stopped"]
    assert still_running(family) == []
    with pytest.raises(CliError, match="stopped"):  # nothing starts after a stop
        runner.run(["true"], "true", "test-stop-after")


def test_signals_are_deferred_in_critical_blocks_and_raised_once() -> None:
    guard = StopSignals()
    before = signal.getsignal(signal.SIGTERM)
    with guard.installed():
        assert signal.getsignal(signal.SIGTERM) == guard.handler
        reached = False
        with pytest.raises(Interrupted) as info, guard.deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)  # the handler has run by now, and waited
            reached = True
        assert reached
        assert (info.value.code, info.value.name) == (143, "SIGTERM")
        os.kill(os.getpid(), signal.SIGHUP)  # a second signal: ignored during clean-up
        time.sleep(0.05)
    assert signal.getsignal(signal.SIGTERM) == before


def test_an_ignored_signal_stays_ignored() -> None:
    """Under nohup, SIGHUP is ignored when the run starts: it must stay so."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    guard = StopSignals()
    try:
        with guard.installed():
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) == guard.handler
    finally:
        signal.signal(signal.SIGHUP, previous)
