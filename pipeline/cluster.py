"""Scene renders on a Dask distributed cluster (``render.py batch --scheduler ADDRESS``).

``DaskScenes`` has ``pipeline.build.render_scene``'s signature, so ``execute`` runs a
plan exactly as on one machine, except that each scene's ``manim`` render is a task
on the cluster (``render_remote``): the worker renders into a temporary folder and
sends back the scene's MP4, its manim-slides slides and the lesson fields it read.
Captions, decks, the cache and the all-or-nothing install stay on this machine.

Every worker needs this project importable (the same code, ``pip install .``), manim's
system libraries and LaTeX, as the machine that submits. Dask is optional:
``pip install 'rnn-lecture[dask]'``. Stopping a run cancels the scenes not yet
started and ends the processes of those running on a worker (a Dask ``Event`` that
each render watches).
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

from pipeline.build import render_scene
from pipeline.plan import LESSON_ENV, RECORD_ENV, SEED_ENV, child_env
from pipeline.run import CliError, Runner

__all__ = ["DaskScenes", "connect", "render_remote", "watching"]

INSTALL_HINT = "pip install 'rnn-lecture[dask]' (or .[dask] in this folder)"
TIMEOUT = 10  # seconds to reach the scheduler


def connect(address: str) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address``; one-line CliError if not."""
    try:
        import distributed
    except ImportError:
        raise CliError(f"--scheduler needs Dask: {INSTALL_HINT}") from None
    try:
        return distributed.Client(address, timeout=TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        message = " ".join(str(e).split())[:200] or type(e).__name__
        raise CliError(f"--scheduler {address}: cannot reach it ({message})") from None


def render_remote(
    name: str,
    quality: str,
    lesson: tuple[str, bytes] | None,
    seed: str | None,
    stop: str | None = None,
) -> dict[str, bytes]:
    """On a worker: render scene ``name``; return its files, relative name -> bytes.

    ``lesson`` is the lesson file's name and contents (None: the default lesson).
    The names are ``video.mp4``, ``record.json`` (the lesson fields the scene read),
    ``slides.json`` and ``files/...`` (manim-slides' slide videos). When the Dask
    ``Event`` named ``stop`` is set, the render's processes are ended (``Runner.stop``).
    """
    with tempfile.TemporaryDirectory(prefix="rnn-lecture-dask-") as tmp:
        work = Path(tmp)
        lesson_env: dict[str, str] = {}
        if lesson is not None:
            (work / "lesson").mkdir()
            path = work / "lesson" / lesson[0]
            path.write_bytes(lesson[1])
            lesson_env[LESSON_ENV] = str(path)
        if seed is not None:
            lesson_env[SEED_ENV] = seed
        record = work / "record"
        record.mkdir()
        runner = Runner({**child_env(lesson_env), RECORD_ENV: str(record)}, work, echo=False)
        with watching(stop, runner):
            mp4 = render_scene(runner, name, quality, work, False)
        files = {
            "video.mp4": mp4.read_bytes(),
            "record.json": (record / f"{name}.json").read_bytes(),
            "slides.json": (work / "slides" / f"{name}.json").read_bytes(),
        }
        slide_files = work / "slides" / "files" / name
        for p in sorted(slide_files.rglob("*")):
            if p.is_file():
                files[f"files/{p.relative_to(slide_files).as_posix()}"] = p.read_bytes()
        return files


@contextlib.contextmanager
def watching(stop: str | None, runner: Runner) -> Iterator[None]:
    """For the block: a thread that stops ``runner`` once the Dask Event ``stop`` is set."""
    if stop is None:
        yield
        return
    from distributed import Event, get_client

    client, done = get_client(), threading.Event()  # (a thread of ours has no worker context)

    def watch() -> None:
        event = Event(stop, client=client)
        while not done.is_set():
            try:
                if event.wait(timeout=0.5):
                    runner.stop()
                    return
            except Exception:  # the scheduler is gone: nothing to listen to
                return

    thread = threading.Thread(target=watch, name=f"{stop}-watch", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


class DaskScenes:
    """Renders scenes on a Dask cluster, as ``render_scene`` does on this machine.

    Parameters
    ----------
    client : distributed.Client
        Connected to the cluster's scheduler (``connect``).
    lesson_env : dict of str to str
        The lesson as ``pipeline.plan.check_lesson`` passes it to the scenes; the
        lesson file itself is sent to the workers.
    """

    def __init__(self, client: Any, lesson_env: dict[str, str]) -> None:
        self.client = client
        config = lesson_env.get(LESSON_ENV)
        self.lesson = None if config is None else (Path(config).name, Path(config).read_bytes())
        self.seed = lesson_env.get(SEED_ENV)
        self.lock = threading.Lock()
        self.stop = f"rnn-lecture-stop-{uuid.uuid4().hex}"  # a Dask Event: set on stop()

    def cancel(self, future: Any) -> None:
        """Stop a render: not started, it never starts; started, its processes end."""
        future.cancel()
        with contextlib.suppress(Exception):  # the scheduler may be gone already
            from distributed import Event

            Event(self.stop, client=self.client).set()

    def __call__(self, runner: Runner, name: str, quality: str, work: Path, progress: bool) -> Path:
        """Render ``name`` on the cluster; unpack it into ``work``; return its MP4."""
        with self.lock, runner.lock:
            if runner.stopped:
                raise CliError("stopped", code=1)
            future = self.client.submit(
                render_remote, name, quality, self.lesson, self.seed, self.stop, pure=False
            )
            runner.on_stop.append(lambda: self.cancel(future))
        try:
            files = future.result()
        except CancelledError:
            raise CliError("stopped", code=1) from None
        except CliError as e:
            raise CliError(f"{e} (on the Dask cluster)", code=1) from None
        except Exception as e:  # the worker's own failure, or the connection's
            line = f"{type(e).__name__}: {e}".splitlines()[0][:300]
            raise CliError(f"rendering {name} on the Dask cluster failed: {line}", code=1) from None
        mp4 = work / "remote" / f"{name}.mp4"
        record = Path(runner.env[RECORD_ENV]) / f"{name}.json"
        targets = {"video.mp4": mp4, "record.json": record}
        targets["slides.json"] = work / "slides" / f"{name}.json"
        for rel, data in files.items():
            target = targets.get(rel) or work / "slides" / "files" / name / rel[len("files/") :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return mp4
