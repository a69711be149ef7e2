"""Unit tests of the CLI's pipeline modules: plan, run, install (no rendering, seconds).

``tests/test_cli.py`` runs the command end to end; this module checks the pieces it is
made of in process: which scenes and decks a plan holds, how a subprocess failure
becomes one line, how steps in parallel stop at the first failure, and that the
scratch folder of a failed run leaves ``--out`` (and its parents) as they were.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.install import check_out_file, replace_folders, scratch, write_whole
from pipeline.plan import (
    DECK_FORMATS,
    LESSON_ENV,
    SEED_ENV,
    check_lesson,
    check_scenes,
    known_scenes,
    lecture_plan,
    lecture_scenes,
    slides_plan,
    video_plan,
)
from pipeline.run import SIGNALS, CliError, Interrupted, Runner, last_line, run_steps
from scenes.outline import DECK_SCENES

DEFAULT_TOML = Path(__file__).resolve().parents[1] / "rnncore" / "lessons" / "default.toml"


# --- plan ---------------------------------------------------------------------------


def test_video_and_slides_plans_keep_the_order_given() -> None:
    names = lecture_scenes()[3:0:-1]
    video = video_plan(names)
    assert video.scenes == video.videos == tuple(names) and video.decks == ()
    slides = slides_plan(names, ["pdf", "html"])
    assert slides.videos == ()
    assert [d.name for d in slides.decks] == [f"slides/{n}" for n in names]
    assert all(d.formats == ("pdf", "html") and len(d.scenes) == 1 for d in slides.decks)


def test_a_partial_lecture_keeps_lecture_order_with_its_section_slides() -> None:
    full = lecture_plan()
    assert full.videos == tuple(lecture_scenes())
    assert set(full.scenes) == set(lecture_scenes()) | set(DECK_SCENES)
    picked = [lecture_scenes()[-1], lecture_scenes()[0]]
    part = lecture_plan(picked)
    assert part.videos == (lecture_scenes()[0], lecture_scenes()[-1])
    assert [s for s in full.scenes if s in part.scenes] == list(part.scenes)
    assert part.scenes[0] == "LectureTitle"
    (deck,) = part.decks
    assert deck.formats == DECK_FORMATS and deck.scenes == part.scenes


def test_check_scenes_dedupes_and_names_the_first_unknown() -> None:
    a, b = lecture_scenes()[:2]
    assert check_scenes([b, a, b], known_scenes()) == [b, a]
    assert check_scenes([], lecture_scenes()) == lecture_scenes()
    with pytest.raises(CliError, match="unknown scene 'Nope'") as info:
        check_scenes([a, "Nope", "Nix"], known_scenes())
    assert info.value.code == 2


def test_check_lesson_passes_the_lesson_and_seed_on() -> None:
    assert check_lesson(None, None) == {}
    env = check_lesson(DEFAULT_TOML, 3)
    assert env == {LESSON_ENV: str(DEFAULT_TOML.resolve()), SEED_ENV: "3"}
    with pytest.raises(CliError):
        check_lesson(DEFAULT_TOML.with_name("no-such-lesson.toml"), None)


# --- run ----------------------------------------------------------------------------


def test_last_line_skips_progress_bars_and_box_drawing(tmp_path: Path) -> None:
    log = tmp_path / "log"
    log.write_bytes("start\nValueError: the real one\n\r 50%|###  |\n╰──────╯\n │ \n".encode())
    assert last_line(log) == "ValueError: the real one"
    log.write_bytes(b"")
    assert last_line(log) == "no output"


def test_a_failing_subprocess_is_one_line_naming_its_log(tmp_path: Path) -> None:
    runner = Runner(dict(os.environ), tmp_path, echo=False)
    cmd = [sys.executable, "-c", "import sys; print('noise'); sys.exit('SceneError: no luck')"]
    with pytest.raises(CliError) as info:
        runner.run(cmd, "rendering X", "test-cli-pipeline-fail")
    message = str(info.value)
    assert message.startswith("rendering X failed: SceneError: no luck (log: ")
    assert "\n" not in message and info.value.code == 1


def test_the_first_failed_step_stops_the_others(tmp_path: Path) -> None:
    runner = Runner(dict(os.environ), tmp_path, echo=False)
    started = threading.Event()

    def slow() -> None:
        started.set()
        runner.run(["sleep", "300"], "sleeping", "test-cli-pipeline-slow")

    def failing() -> None:
        started.wait(10)
        time.sleep(0.2)  # the sleep has started
        raise CliError("the real failure", code=1)

    begin = time.monotonic()
    with pytest.raises(CliError, match="the real failure"):  # not the other's "stopped"
        run_steps(runner, [("slow", slow), ("failing", failing)], jobs=2, echo=False)
    assert time.monotonic() - begin < Runner.GRACE
    assert runner.stopped and not runner.procs


# --- install ------------------------------------------------------------------------


def test_scratch_undoes_everything_on_failure_and_only_itself_on_success(
    tmp_path: Path,
) -> None:
    out = tmp_path / "new" / "out"
    stopped = []
    with pytest.raises(RuntimeError), scratch(out, ".t-", lambda: stopped.append(1)) as work:
        (work / "half.mp4").write_bytes(b"half")
        raise RuntimeError("boom")
    assert stopped == [1]
    assert list(tmp_path.iterdir()) == []  # the folders it created are gone too
    out.mkdir(parents=True)
    (out / "keep").write_text("mine", encoding="utf-8")
    with scratch(out, ".t-") as work:
        assert work.parent == out and work.name.startswith(".t-")
    assert [p.name for p in out.iterdir()] == ["keep"]


def test_a_signal_in_scratch_cleans_up_and_goes_on(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with SIGNALS.installed(), pytest.raises(Interrupted), scratch(out, ".t-"):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
    assert not out.exists()


def test_replace_folders_swaps_whole_folders(tmp_path: Path) -> None:
    staged, dest, trash = tmp_path / "staged", tmp_path / "dest", tmp_path / "trash"
    (staged / "A").mkdir(parents=True)
    (staged / "A" / "new.png").write_bytes(b"new")
    (dest / "A").mkdir(parents=True)
    (dest / "A" / "stale.png").write_bytes(b"stale")
    (dest / "B").mkdir()
    trash.mkdir()
    replace_folders(staged, dest, ["A"], trash)
    assert [p.name for p in (dest / "A").iterdir()] == ["new.png"]
    assert (dest / "B").is_dir() and not (staged / "A").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("lesson.txt", "expected a .toml, .json or .npz"), ("nowhere/l.toml", "no folder")],
)
def test_check_out_file_refuses_in_one_line(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(CliError, match=message) as info:
        check_out_file(tmp_path / name)
    assert info.value.code == 2
    (tmp_path / "dir.toml").mkdir()
    with pytest.raises(CliError, match="is a folder"):
        check_out_file(tmp_path / "dir.toml")


def test_write_whole_turns_a_failed_write_into_one_line(tmp_path: Path) -> None:
    def fails(path: Path) -> None:
        raise PermissionError(13, "Permission denied")

    with SIGNALS.installed():
        with pytest.raises(CliError, match="Permission denied") as info:
            write_whole(tmp_path / "l.toml", fails)
        assert info.value.code == 1 and SIGNALS.armed
        write_whole(tmp_path / "l.toml", lambda p: p.write_text("x", encoding="utf-8"))
        assert not SIGNALS.armed  # written: a signal now changes nothing


# --- the click group ----------------------------------------------------------------

VERBS = ("list", "video", "slides", "lecture", "batch", "preview", "check", "train", "import")


def test_help_names_every_verb_and_each_verb_its_options(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import cli

    assert cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Usage: render.py [OPTIONS] COMMAND")
    commands = text.split("Commands:")[1].split("\n\n")[0].splitlines()
    listed = [line.split()[0] for line in commands if line.startswith("  ") and line[2] != " "]
    assert sorted(listed) == sorted(VERBS)
    for verb in VERBS:
        assert cli.main([verb, "-h"], prog="rnn-lecture") == 0
        out = capsys.readouterr().out
        assert out.startswith(f"Usage: rnn-lecture {verb} "), out
    assert cli.main(["video", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--quality", "--config", "--seed", "--out", "--force", "--jobs"):
        assert option in out
