"""Running the subprocesses of one command: signals, process groups, steps in parallel.

``Runner`` starts each subprocess (``manim``, ``manim-slides convert``) as the leader
of its own process group, logs its output and, when the run fails or is stopped, ends
every group it started: SIGTERM, then SIGKILL after ``Runner.GRACE`` seconds. A failed
subprocess becomes one ``CliError`` line naming the last meaningful line of its log.

``SIGNALS`` turns Ctrl-C (SIGINT), ``kill`` (SIGTERM) and a closed terminal (SIGHUP)
into one ``Interrupted`` in the main thread, exit status 128 + the signal's number.
``SIGNALS.deferred()`` holds a signal back until a block that must not be cut short
(moving files into place, cleaning up) has ended; a signal ignored when the run
started (``nohup``) stays ignored.

``run_steps`` runs labelled steps ``jobs`` at a time in threads, printing a progress
line as each starts (and ends); the first failure stops the others.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path

__all__ = [
    "LOG_DIR",
    "SIGNALS",
    "CliError",
    "Interrupted",
    "Runner",
    "StopSignals",
    "last_line",
    "live_groups",
    "run_steps",
    "say",
    "signal_group",
]

LOG_DIR = Path(tempfile.gettempdir()) / "rnn-lecture-logs"


class CliError(Exception):
    """An expected failure: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type, tuple[str, int]]:
        return type(self), (str(self), self.code)  # (pickled whole, e.g. from a Dask worker)


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP: raised where Ctrl-C's KeyboardInterrupt would be."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.code = 128 + signum
        self.name = signal.Signals(signum).name


class StopSignals:
    """Turns the stopping signals into one ``Interrupted`` in the main thread.

    Only the first signal raises; later ones are ignored, so they cannot cut the
    clean-up short. Inside ``deferred()`` (main thread) a signal waits for the block
    to end; after ``disarm()`` (the output is in place) signals change nothing.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget any earlier run: armed, nothing raised, nothing pending."""
        self.raised = False
        self.armed = True
        self.depth = 0
        self.pending: int | None = None

    def handler(self, signum: int, frame: object) -> None:
        """The signal handler: raise ``Interrupted`` once (or later, when deferred)."""
        if self.raised or not self.armed:
            return
        if self.depth:
            self.pending = signum
            return
        self.raised = True
        raise Interrupted(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """Handle the signals for the duration (main thread only; SIG_IGN stays ignored)."""
        self.reset()
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.getsignal(sig) for sig in self.SIGNALS}
        for sig, old in previous.items():
            if old is not signal.SIG_IGN:
                signal.signal(sig, self.handler)
        try:
            yield
        finally:
            for sig, old in previous.items():
                signal.signal(sig, old)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """A signal arriving in the block is raised when it ends (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield  # handlers run in the main thread; Runner's lock covers workers
            return
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            if not self.depth and self.pending is not None:
                signum, self.pending = self.pending, None
                self.handler(signum, None)

    def disarm(self) -> None:
        """The run has succeeded: signals from now on change nothing."""
        self.armed = False


SIGNALS = StopSignals()


class Runner:
    """Runs the subprocesses of one command; can stop all of them on a failure.

    Each subprocess leads its own process group, so stopping it also ends whatever
    it started (LaTeX, ffmpeg, ...); none of them sees the terminal's Ctrl-C directly.

    Parameters
    ----------
    env : dict of str to str
        The subprocesses' environment.
    cwd : Path
        Their working folder (the run's scratch folder).
    echo : bool
        Copy their output to stderr as it comes (one step at a time).

    ``on_stop`` holds what else ``stop()`` must end (work submitted elsewhere).
    """

    GRACE = 5.0  # seconds between SIGTERM and SIGKILL when stopping

    def __init__(self, env: dict[str, str], cwd: Path, echo: bool) -> None:
        self.env, self.cwd, self.echo = env, cwd, echo
        self.procs: set[subprocess.Popen[bytes]] = set()
        self.lock = threading.Lock()
        self.stopped = False
        self.on_stop: list[Callable[[], None]] = []  # e.g. cancelling remote renders

    def run(self, cmd: list[str], what: str, log_name: str) -> None:
        """Run ``cmd``; on failure raise CliError naming ``what`` and its last log line."""
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log_path = LOG_DIR / f"{log_name}.log"
        with SIGNALS.deferred(), self.lock:  # started and tracked, or not started
            if self.stopped:
                raise CliError("stopped", code=1)
            proc = subprocess.Popen(
                cmd, cwd=self.cwd, env=self.env, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, process_group=0,
            )  # fmt: skip
            self.procs.add(proc)
        assert proc.stdout is not None
        with log_path.open("wb") as log:
            while chunk := proc.stdout.read1(4096):
                log.write(chunk)
                if self.echo:
                    sys.stderr.buffer.write(chunk)
                    sys.stderr.flush()
        code = proc.wait()
        with self.lock:
            self.procs.discard(proc)
        if code != 0:
            if self.stopped:
                raise CliError("stopped", code=1)
            raise CliError(f"{what} failed: {last_line(log_path)} (log: {log_path})", code=1)

    def stop(self) -> None:
        """End every running subprocess and its group: SIGTERM, then SIGKILL; reap them."""
        with SIGNALS.deferred():  # a signal now must not cut the stopping short
            with self.lock:
                self.stopped = True
                procs = list(self.procs)
                cancels, self.on_stop = self.on_stop, []
            for cancel in cancels:
                cancel()
            for proc in procs:
                signal_group(proc, signal.SIGTERM)
            deadline = time.monotonic() + self.GRACE
            for proc in procs:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                signal_group(proc, signal.SIGKILL)  # only if it outlived the grace period
                proc.wait()
            # The leaders are reaped; their children got the same SIGTERM and may still be
            # exiting. Wait for them too (a live member keeps the group id reserved).
            groups = {proc.pid for proc in procs}
            while (live := groups & live_groups()) and time.monotonic() < deadline:
                time.sleep(0.02)
            for pgid in live:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pgid, signal.SIGKILL)
            end = time.monotonic() + 1.0  # SIGKILL is delivered, not awaited: see it done
            while groups & live_groups() and time.monotonic() < end:
                time.sleep(0.02)


def live_groups() -> set[int]:
    """The process groups that have a member that is not a zombie (from /proc)."""
    groups = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            fields = text[text.rindex(")") + 2 :].split()  # state, ppid, pgrp, ...
            if fields[0] not in "ZX":
                groups.add(int(fields[2]))
    return groups


def signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Send ``sig`` to the process group ``proc`` leads, while ``proc`` is not yet reaped.

    (Once reaped, its pid, which is the group's id, may belong to someone else.)
    """
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)


ERROR_LINE = re.compile(r"^[\w.]*(Error|Exception|Interrupt|Exit)\b.*:")  # "ValueError: ..."


def last_line(log: Path) -> str:
    """The last exception line of a log (``SceneError: ...``), else its last meaningful
    line, without terminal noise. (A child's stdout is flushed at exit, after its error:
    the exception need not be the last line.)"""
    text = log.read_bytes().decode("utf-8", "replace").replace("\r", "\n")
    lines = [ln.strip(" │|") for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(("╰", "╭", "─")) and "%|" not in ln]
    errors = [ln for ln in lines if ERROR_LINE.match(ln)]
    return (errors or lines or ["no output"])[-1][:300]


_SAY = threading.Lock()


def say(line: str) -> None:
    """Print one progress line whole, even with several threads printing."""
    with _SAY:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def run_steps(
    runner: Runner, steps: list[tuple[str, Callable[[], None]]], jobs: int, echo: bool
) -> None:
    """Run labelled steps, ``jobs`` at a time, printing a line as each starts (and ends).

    The first failure stops the others (``runner.stop()``) and is raised.
    """

    def one(label: str, step: Callable[[], None]) -> None:
        start = time.monotonic()
        say(f"{label} ...")
        step()
        if not echo:
            say(f"{label} done ({time.monotonic() - start:.0f} s)")

    if jobs == 1:
        for label, step in steps:
            one(label, step)
        return
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = [pool.submit(one, label, step) for label, step in steps]
        wait(futures, return_when=FIRST_EXCEPTION)
        if any(f.done() and f.exception() is not None for f in futures):
            runner.stop()
            for f in futures:
                f.cancel()
            wait(futures)
            errors = [f.exception() for f in futures if not f.cancelled() and f.exception()]
            real = [e for e in errors if str(e) != "stopped"]
            raise (real or errors)[0]  # type: ignore[misc]
    except BaseException:
        runner.stop()  # a signal: end the subprocesses first, or the workers never return
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
