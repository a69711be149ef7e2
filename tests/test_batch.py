"""``render.py batch``: one lecture per lesson, in a process pool or on a Dask cluster.

Cheap by design: two lessons, one tiny scene (the title slide, which names the lesson)
at -ql and the HTML deck only. The Dask test starts a local cluster in this process
(``distributed.LocalCluster``, workers as threads, TCP so the command can reach it)
and checks on the scheduler that the scene renders ran there.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest
from _cli_support import (
    ROOT,
    cmdline,
    descendants,
    html_links,
    html_sections,
    processes_in,
    run_cli,
    snapshot,
    start_cli,
    still_running,
    wait_for,
)

import cli
from pipeline import cluster

DEFAULT_TOML = ROOT / "rnncore" / "lessons" / "default.toml"
SCENE = "LectureTitle"


def lessons(folder: Path) -> list[Path]:
    """Two lessons that differ in their name (the title slide shows it)."""
    text = DEFAULT_TOML.read_text(encoding="utf-8")
    assert re.search(r'^name = ".*"$', text, flags=re.M)
    paths = []
    for stem in ("alpha", "beta"):
        path = folder / f"{stem}.toml"
        path.write_text(
            re.sub(r'^name = ".*"$', f'name = "Lesson {stem}"', text, count=1, flags=re.M),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def check_lectures(out: Path, stdout: str) -> None:
    """Each lesson's lecture in out/<stem>/, naming its lesson; no scratch anywhere."""
    assert sorted(p.name for p in out.iterdir()) == ["alpha", "beta"]
    for stem in ("alpha", "beta"):
        folder = out / stem
        assert sorted(p.name for p in folder.iterdir()) == [
            "lecture.html",
            "lecture_assets",
            "videos",
        ]
        videos = sorted(p.name for p in (folder / "videos").iterdir())
        assert videos == [f"{SCENE}.mp4", f"{SCENE}.srt", f"{SCENE}.vtt"]
        assert (folder / "videos" / f"{SCENE}.mp4").stat().st_size > 1000
        html = folder / "lecture.html"
        assert html_sections(html) == 1
        for link in html_links(html):
            assert (folder / link).is_file(), link
    videos = [(out / stem / "videos" / f"{SCENE}.mp4").read_bytes() for stem in ("alpha", "beta")]
    assert videos[0] != videos[1]  # each drew its own lesson (the title slide names it)
    assert not [p for p in out.rglob(".*")], "scratch left behind"
    assert re.search(r"^\[1/2\] alpha", stdout, flags=re.M), stdout
    assert "done in" in stdout and "2 lectures" in stdout


def test_batch_in_a_process_pool(tmp_path: Path) -> None:
    a, b = lessons(tmp_path)
    out = tmp_path / "course"
    cp = run_cli("batch", a, b, "--scene", SCENE, "--to", "html", "--jobs", "2", "--out", out)
    assert cp.returncode == 0, cp.stderr[-2000:]
    check_lectures(out, cp.stdout)


def test_batch_on_a_local_dask_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")  # in the lock: make test installs it
    a, b = lessons(tmp_path)
    out = tmp_path / "course"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
        dashboard_address=None,
    ) as local:  # fmt: skip
        address = local.scheduler_address
        cp = run_cli("batch", a, b, "--scene", SCENE, "--to", "html", "--scheduler", address,
                     "--out", out)  # fmt: skip
        assert cp.returncode == 0, cp.stderr[-2000:]
        counts = local.scheduler.task_prefixes["render_remote"].state_counts  # ever entered
        assert (counts["memory"], counts["erred"]) == (2, 0)  # a title slide per lesson, there
    check_lectures(out, cp.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scene", "Nope"], "unknown scene 'Nope'"),
        (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler tcp://127.0.0.1:9: cannot reach"),
        (["--to", "docx"], "expected html, pptx, pdf"),
        (["SAME"], "would both go to --out/alpha"),
    ],
    ids=["scene", "scheduler", "format", "same-stem"],
)
def test_bad_batch_input_is_one_line_and_writes_nothing(
    args: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cluster, "TIMEOUT", 0.5)
    a, b = lessons(tmp_path)
    if args == ["SAME"]:
        (tmp_path / "other").mkdir()
        args = [str((tmp_path / "other" / "alpha.toml").resolve())]
        (tmp_path / "other" / "alpha.toml").write_bytes(a.read_bytes())
    before = snapshot(tmp_path)
    code = cli.main(["batch", str(a), str(b), *args, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.splitlines()) == 1 and err.startswith("render.py: error: "), err
    assert message in err, err
    assert snapshot(tmp_path) == before


def test_a_signal_mid_batch_ends_every_process_and_leaves_out_as_it_was(tmp_path: Path) -> None:
    """The pool's lectures and their manim processes all end; --out is as it was."""
    run_dir = tmp_path / "run"
    (run_dir / "course").mkdir(parents=True)
    (run_dir / "course" / "keep.txt").write_text("mine", encoding="utf-8")
    a, b = lessons(run_dir)
    before = snapshot(run_dir)
    args = ["batch", a, b, "--scene", SCENE, "--to", "html", "--jobs", "2"]
    proc = start_cli(*args, "--out", run_dir / "course", logs=tmp_path / "logs")
    try:
        wait_for(
            lambda: sum("manim" in cmdline(pid) for pid, _ in descendants(proc.pid)) >= 2,
            90,
            "a manim process per lecture",
        )
        seen = descendants(proc.pid)
        time.sleep(0.5)  # let manim get going (imports, its own children)
        seen |= descendants(proc.pid)
        os.kill(proc.pid, signal.SIGTERM)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = (tmp_path / "logs" / "stderr").read_text(encoding="utf-8", errors="replace")
    assert code == 143, stderr[-2000:]
    assert stderr.splitlines()[-1] == "render.py: interrupted by SIGTERM; nothing was written"
    assert snapshot(run_dir) == before
    assert still_running(seen) == []
    assert processes_in(run_dir) == []


def test_a_signal_mid_dask_batch_ends_the_renders_on_the_workers(tmp_path: Path) -> None:
    """The command's SIGTERM reaches the cluster: the workers' manim processes end too."""
    distributed = pytest.importorskip("distributed")
    a, b = lessons(tmp_path)
    out = tmp_path / "course"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
        dashboard_address=None,
    ) as local:  # fmt: skip
        # A long scene (about 30 s to render): its manim ends only if it is stopped.
        args = ["batch", a, b, "--scene", "ForwardPropagation", "--to", "html", "--out", out]
        proc = start_cli(*args, "--scheduler", local.scheduler_address, logs=tmp_path / "logs")
        try:  # the workers are threads of this process: their manim processes are ours
            renders = wait_for(
                lambda: {p for p in descendants(os.getpid()) if "manim render" in cmdline(p[0])},
                90,
                "a manim process on the worker",
            )
            os.kill(proc.pid, signal.SIGTERM)
            code = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        stderr = (tmp_path / "logs" / "stderr").read_text(encoding="utf-8", errors="replace")
        assert code == 143, stderr[-2000:]
        wait_for(lambda: not still_running(renders), 5, "the worker's renders to end")
    assert not out.exists()
