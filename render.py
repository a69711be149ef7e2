"""rnn-lecture's command line: list, render and check the lecture's scenes.

::

    python render.py list [--durations] [--json]
    python render.py video   [SCENE...] [-q low|medium|high|4k] [--config FILE] [--seed N]
                             [--out DIR] [--jobs N]
    python render.py slides  [SCENE...] --to html|pptx|pdf [same options]
    python render.py lecture [SCENE...] [same options]
    python render.py preview [SCENE...] [-q Q] [--config FILE] [--seed N] [--out DIR]
    python render.py check FILE
    python render.py train LESSON --out FILE [--epochs N] [--lr X] [--seed N]
    python render.py import FILE --out LESSON [--data LESSON] [--format torch|keras] [--seed N]

The module is thin: it parses and validates everything first (bad input: exit 2,
one line on stderr, nothing written), then hands each scene to ``manim`` and each
deck to ``manim-slides convert``, both as subprocesses that run in a scratch
folder inside ``--out``. Finished files are moved into place only when every step
has succeeded, so a failed run leaves ``--out`` as it was.

Ctrl-C (SIGINT), ``kill`` (SIGTERM) and a closed terminal (SIGHUP) all stop a run
the same way: every subprocess is ended with its whole process group, the scratch
folder and the folders the run created are removed, ``--out`` is left as it was,
one line goes to stderr and the exit status is 128 + the signal's number (130, 143,
129). A signal that arrives while finished files are being moved into place waits
for that to complete (the run has then succeeded). A signal ignored when the run
started (``nohup``) stays ignored.

Output layout under ``--out`` (default ``out/``)::

    videos/<Scene>.mp4                      video and lecture
    videos/<Scene>.vtt, <Scene>.srt         its captions (the MP4 carries them too)
    slides/<Scene>.html + <Scene>_assets/   slides --to html (one deck per scene)
    slides/<Scene>.pptx, slides/<Scene>.pdf slides --to pptx / pdf
    lecture.html + lecture_assets/          lecture: every slide, in order
    lecture.pptx, lecture.pdf
    preview/<Scene>/slide-NN.png            preview: each slide's final frame (no video)

HTML decks are self-contained: their ``*_assets`` folder holds the slide videos and
a copy of reveal.js (from ``build/reveal.js-<version>``, which ``make`` fetches with
npm), so they work offline.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from pipeline.cache import Cache, restore
from rnncore import (
    Lesson,
    LessonError,
    TrainSpec,
    default_lesson,
    load_lesson,
    train_lesson,
    write_lesson,
)
from rnncore.importers import import_lesson
from rnncore.lesson_io import WRITE_FORMATS
from scenes import LECTURE, scene_class
from scenes.outline import DECK_MODULE, DECK_SCENES, DECK_TITLES, deck_order

__all__ = [
    "DECK_FORMATS",
    "QUALITIES",
    "REVEAL_VERSION",
    "CliError",
    "Deck",
    "Interrupted",
    "Plan",
    "build_parser",
    "lecture_plan",
    "main",
    "measure",
    "slides_plan",
    "video_plan",
]

PROG = "render.py"
ROOT = Path(__file__).resolve().parent
QUALITIES = {"low": "l", "medium": "m", "high": "h", "4k": "k"}  # manim's -q letters
DECK_FORMATS = ("html", "pptx", "pdf")
DEFAULT_OUT = Path("out")
LECTURE_DECK = "lecture"  # out/lecture.html, .pptx, .pdf
DECK_TITLE = "Recurrent neural networks"
# The reveal.js that manim-slides 5.7.0's HTML template expects, and the files it loads.
REVEAL_VERSION = "6.0.1"
REVEAL_ENV = "RNN_LECTURE_REVEAL"  # a folder holding reveal.js' dist/, overrides the default
REVEAL_FILES = (
    "dist/reveal.css",
    "dist/reveal.js",
    "dist/theme/black.css",
    "dist/plugin/highlight/zenburn.css",
    "dist/plugin/notes.js",
    "dist/plugin/markdown.js",
)
LOG_DIR = Path(tempfile.gettempdir()) / "rnn-lecture-logs"
# How the lesson reaches the scenes (scenes.base reads them; not imported: it loads manim).
LESSON_ENV = "RNN_LECTURE_LESSON"
SEED_ENV = "RNN_LECTURE_SEED"
RECORD_ENV = "RNN_LECTURE_RECORD"  # scenes.record: where a scene notes the lesson fields it read


class CliError(Exception):
    """An expected failure: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


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
        self.raised = False
        self.armed = True
        self.depth = 0
        self.pending: int | None = None

    def handler(self, signum: int, frame: object) -> None:
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
        self.armed = False


SIGNALS = StopSignals()


# --- what to render -------------------------------------------------------------------


@dataclass(frozen=True)
class Deck:
    """One slide deck: its path under --out without suffix, its scenes in order."""

    name: str  # "slides/ForwardPropagation" or "lecture"
    scenes: tuple[str, ...]
    formats: tuple[str, ...]
    title: str = DECK_TITLE


@dataclass(frozen=True)
class Plan:
    """Everything one command renders: scenes (in order), which videos it keeps, its decks."""

    scenes: tuple[str, ...]
    videos: tuple[str, ...] = ()
    decks: tuple[Deck, ...] = ()


def video_plan(scenes: Sequence[str]) -> Plan:
    return Plan(scenes=tuple(scenes), videos=tuple(scenes))


def slides_plan(scenes: Sequence[str], formats: Sequence[str]) -> Plan:
    decks = tuple(Deck(f"slides/{s}", (s,), tuple(formats), f"{DECK_TITLE}: {s}") for s in scenes)
    return Plan(scenes=tuple(scenes), decks=decks)


def lecture_plan(scenes: Sequence[str] | None = None) -> Plan:
    """Title slide, a section slide before each article, the scenes; one deck per format.

    ``scenes`` restricts the lecture to those scenes (kept in lecture order).
    """
    chosen = [info for info in LECTURE if scenes is None or info.name in scenes]
    order = tuple(deck_order(chosen))
    names = tuple(info.name for info in chosen)
    return Plan(scenes=order, videos=names, decks=(Deck(LECTURE_DECK, order, DECK_FORMATS),))


# --- argument parsing -----------------------------------------------------------------


EPILOG = """outputs under --out (default out/):
  videos/<Scene>.mp4                       video, lecture
  slides/<Scene>.html|.pptx|.pdf           slides (an HTML deck comes with <Scene>_assets/)
  lecture.html|.pptx|.pdf, lecture_assets/ lecture

examples:
  python render.py video ForwardPropagation --config my.toml
  python render.py slides Unfolding --to html,pdf -q high
  python render.py lecture --jobs 2"""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliError(message)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, found {value}")
    return value


def seed_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a seed >= 0, found {value}")
    return value


def learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, found {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, found {text!r}")
    return value


def formats(text: str) -> list[str]:
    found = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in found if f not in DECK_FORMATS]
    if bad or not found:
        raise argparse.ArgumentTypeError(
            f"expected {', '.join(DECK_FORMATS)} (or several, comma-separated), found {text!r}"
        )
    return found


def build_parser() -> Parser:
    """The CLI: one sub-command per verb; rendering options shared through a parent."""
    render_opts = Parser(add_help=False)
    render_opts.add_argument(
        "scenes", nargs="*", metavar="SCENE", help="scenes to render (default: all)"
    )
    render_opts.add_argument(
        "-q", "--quality", choices=tuple(QUALITIES), default="low",
        help="low 480p15, medium 720p30, high 1080p60, 4k 2160p60 (default: low)",
    )  # fmt: skip
    render_opts.add_argument(
        "--config", type=Path, metavar="FILE", help="lesson file (.toml, .json, .npz)"
    )
    render_opts.add_argument(
        "--seed", type=seed_int, metavar="N", help="seed for weights the lesson does not give"
    )
    render_opts.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: out)"
    )
    preview_opts = render_opts  # the same options, without --jobs (one process draws)
    render_opts = Parser(add_help=False, parents=[preview_opts])
    render_opts.add_argument(
        "--force", action="store_true",
        help="render every scene and deck again, even those the cache holds",
    )  # fmt: skip
    render_opts.add_argument(
        "--jobs", "-j", type=positive_int, default=os.cpu_count() or 1, metavar="N",
        help="render N scenes in parallel (default: the number of CPU cores)",
    )  # fmt: skip

    parser = Parser(
        prog=PROG,
        description="Render the RNN lecture: videos, slides, decks.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=Parser
    )

    p = sub.add_parser("list", help="list the lecture's scenes in order")
    p.add_argument("scenes", nargs="*", metavar="SCENE", help="only these scenes")
    p.add_argument(
        "--durations", action="store_true",
        help="also count slides and seconds of each scene (a dry run, no video)",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--config", type=Path, metavar="FILE", help="lesson file for --durations")
    p.add_argument("--seed", type=seed_int, metavar="N", help="seed for --durations")

    sub.add_parser("video", parents=[render_opts], help="render scenes as MP4 videos")
    p = sub.add_parser("slides", parents=[render_opts], help="render scenes as slide decks")
    p.add_argument(
        "--to", type=formats, action="extend", required=True, metavar="FORMAT",
        help="html, pptx or pdf (repeat or comma-separate for several)",
    )  # fmt: skip
    sub.add_parser(
        "lecture", parents=[render_opts],
        help="every scene: videos plus one html, pptx and pdf deck with title and section slides",
    )  # fmt: skip
    p = sub.add_parser(
        "preview", parents=[preview_opts],
        help="each slide's final frame as PNG, from a dry run (seconds; no video)",
    )  # fmt: skip
    p = sub.add_parser("check", help="validate a lesson file and summarise it")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--seed", type=seed_int, metavar="N")
    p = sub.add_parser(
        "train", help="train the lesson's network; write a lesson file with the trained weights"
    )
    p.add_argument("lesson", type=Path, metavar="LESSON", help="lesson file (.toml, .json, .npz)")
    p.add_argument(
        "--out", type=Path, required=True, metavar="FILE",
        help="the lesson file to write (.toml, .json or .npz); may be LESSON itself",
    )  # fmt: skip
    p.add_argument("--epochs", type=positive_int, metavar="N", help="default: [train] epochs")
    p.add_argument("--lr", type=learning_rate, metavar="X", help="default: [train] lr")
    p.add_argument(
        "--seed", type=seed_int, metavar="N",
        help="seed of the order of the sequences in each epoch (default: [train] seed)",
    )  # fmt: skip
    p = sub.add_parser(
        "import", help="a lesson file with the weights of a PyTorch or Keras simple RNN"
    )
    p.add_argument(
        "file", type=Path, metavar="FILE",
        help="nn.RNN + nn.Linear state dict (.safetensors) or SimpleRNN + Dense weights (.h5)",
    )  # fmt: skip
    p.add_argument(
        "--out", type=Path, required=True, metavar="LESSON",
        help="the lesson file to write (.toml, .json or .npz)",
    )  # fmt: skip
    p.add_argument(
        "--data", type=Path, metavar="LESSON",
        help="take the sequence, targets, task and loss from this lesson (default: placeholders)",
    )  # fmt: skip
    p.add_argument(
        "--format", choices=("torch", "keras"),
        help="default: from FILE's suffix (.safetensors torch, .h5 keras)",
    )  # fmt: skip
    p.add_argument(
        "--seed", type=seed_int, default=0, metavar="N",
        help="seed of the placeholder sequence without --data (default: 0)",
    )  # fmt: skip
    return parser


# --- validation -----------------------------------------------------------------------


def known_scenes() -> list[str]:
    return [info.name for info in LECTURE] + list(DECK_SCENES)


def check_scenes(names: Sequence[str], allowed: Sequence[str]) -> list[str]:
    """``names`` without duplicates, in the order given; all of them when empty."""
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise CliError(
            f"unknown scene {unknown[0]!r} (run `{PROG} list`; known: {', '.join(allowed)})"
        )
    return list(dict.fromkeys(names)) or list(allowed)


def check_lesson(config: Path | None, seed: int | None) -> dict[str, str]:
    """Validate the lesson now; return the environment that passes it to the scenes."""
    env: dict[str, str] = {}
    if config is not None:
        try:
            load_lesson(config, seed=seed)
        except LessonError as e:
            raise CliError(str(e)) from None
        env[LESSON_ENV] = str(config.resolve())
    if seed is not None:
        env[SEED_ENV] = str(seed)
        if config is None:  # the default lesson with another seed must load too
            from rnncore import default_lesson

            try:
                load_lesson(default_lesson().source, seed=seed)
            except LessonError as e:
                raise CliError(str(e)) from None
    return env


def chosen_lesson(config: Path | None, seed: int | None) -> Lesson:
    """The lesson the scenes will draw (``check_lesson`` has validated it)."""
    if config is not None:
        return load_lesson(config, seed=seed)
    lesson = default_lesson()
    return lesson if seed is None else load_lesson(lesson.source, seed=seed)


def check_out(out: Path) -> Path:
    """``out`` as an absolute path, if it is (or can become) a writable folder."""
    out = out.expanduser().absolute()
    existing = out
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        where = "is a file" if existing == out else f"is under the file {existing}"
        raise CliError(f"--out {out}: {where}, expected a folder")
    try:  # a real write probe: os.access says yes to root even on read-only mounts
        fd, probe = tempfile.mkstemp(prefix=".rnn-lecture-probe-", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise CliError(f"--out {out}: cannot write in {existing} ({e.strerror or e})") from None
    return out


def check_out_file(out: Path) -> Path:
    """``out`` as an absolute path, if a lesson file can be written there."""
    out = out.expanduser().absolute()
    if out.suffix.lower() not in WRITE_FORMATS:
        found = out.suffix or out.name
        raise CliError(f"--out {out}: expected a .toml, .json or .npz file name, found '{found}'")
    if out.is_dir():
        raise CliError(f"--out {out}: is a folder, expected a file name")
    if not out.parent.is_dir():
        raise CliError(f"--out {out}: no folder {out.parent}")
    try:  # a real write probe: os.access says yes to root even on read-only mounts
        fd, probe = tempfile.mkstemp(prefix=".rnn-lecture-probe-", dir=out.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise CliError(f"--out {out}: cannot write in {out.parent} ({e.strerror or e})") from None
    return out


def reveal_dir() -> Path | None:
    """The local reveal.js (a folder with dist/), or None when it is not there."""
    override = os.environ.get(REVEAL_ENV)
    folder = Path(override) if override else ROOT / "build" / f"reveal.js-{REVEAL_VERSION}"
    if all((folder / f).is_file() for f in REVEAL_FILES):
        return folder
    if override:
        raise CliError(f"{REVEAL_ENV}={override}: expected reveal.js' dist/ files there")
    return None


# --- running --------------------------------------------------------------------------


def scene_module(name: str) -> str:
    """The module that holds scene ``name`` (a lecture scene or a deck slide)."""
    return DECK_MODULE if name in DECK_SCENES else {s.name: s.module for s in LECTURE}[name]


def scene_file(name: str) -> Path:
    """The source file of a scene's module, found without importing it."""
    module = scene_module(name)
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise CliError(f"scene {name}: module {module} not found", code=1)
    return Path(spec.origin)


def child_env(lesson_env: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (LESSON_ENV, SEED_ENV)}
    env.update(lesson_env)
    package_root = str(Path(importlib.util.find_spec("scenes").origin).parent.parent)  # type: ignore[union-attr, arg-type]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    env["MANIM_SLIDES_VERBOSITY"] = "warning"
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Runner:
    """Runs the subprocesses of one command; can stop all of them on a failure.

    Each subprocess leads its own process group, so stopping it also ends whatever
    it started (LaTeX, ffmpeg, ...); none of them sees the terminal's Ctrl-C directly.
    """

    GRACE = 5.0  # seconds between SIGTERM and SIGKILL when stopping

    def __init__(self, env: dict[str, str], cwd: Path, echo: bool) -> None:
        self.env, self.cwd, self.echo = env, cwd, echo
        self.procs: set[subprocess.Popen[bytes]] = set()
        self.lock = threading.Lock()
        self.stopped = False

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


def last_line(log: Path) -> str:
    """The last meaningful line of a log (usually the exception), without terminal noise."""
    text = log.read_bytes().decode("utf-8", "replace").replace("\r", "\n")
    lines = [ln.strip(" │|") for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(("╰", "╭", "─")) and "%|" not in ln]
    return lines[-1][:300] if lines else "no output"


def render_scene(runner: Runner, name: str, quality: str, work: Path, progress: bool) -> Path:
    """Render one scene into ``work``; return its MP4 (slides JSON lands in work/slides)."""
    media = work / "media" / name
    cmd = [
        sys.executable, "-m", "manim", "render", f"-q{QUALITIES[quality]}",
        "--media_dir", str(media), "--disable_caching", "-v", "WARNING", "--silent",
        "--progress_bar", "display" if progress else "none",
        str(scene_file(name)), name,
    ]  # fmt: skip
    runner.run(cmd, f"rendering {name}", name)
    found = [p for p in media.glob(f"videos/**/{name}.mp4") if "partial" not in str(p)]
    if len(found) != 1:
        raise CliError(f"rendering {name}: expected one {name}.mp4, found {len(found)}", code=1)
    return found[0]


def convert(runner: Runner, deck: Deck, fmt: str, dest: Path, reveal: Path | None) -> None:
    """Convert the rendered slides of ``deck`` into ``dest`` (html, pptx or pdf).

    The pdf is the handout and the pptx' posters are final frames: see ``handout``.
    """
    if fmt == "pdf":
        handout(runner, deck, fmt, dest)
        return
    cmd = [sys.executable, "-m", "manim_slides", "-S", "convert", "--folder", "slides"]
    cmd += ["--to", fmt]
    if fmt == "html":
        from pipeline import outputs as captions

        assets = f"{dest.stem}_assets"
        cmd += ["-c", f"title={deck.title}", "-c", f"assets_dir={assets}"]
        cmd += ["--use-template", str(captions.TEMPLATE)]  # manim-slides' own, plus captions
        if reveal is not None:
            cmd += ["-c", f"cdn_url={assets}/reveal.js"]
    cmd += [*deck.scenes, str(dest)]
    runner.run(cmd, f"converting {dest.name}", f"convert-{dest.stem}-{fmt}")
    if fmt == "pptx":
        handout(runner, deck, fmt, dest)
    if fmt == "html":  # a .vtt and .srt beside each slide video of the deck
        try:
            captions.write_deck_captions(dest, runner.cwd / "slides", list(deck.scenes))
        except captions.CaptionError as e:
            raise CliError(f"captions: {e}", code=1) from None
    if fmt == "html" and reveal is not None:
        for rel in REVEAL_FILES:
            target = dest.parent / f"{dest.stem}_assets" / "reveal.js" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(reveal / rel, target)


def handout(runner: Runner, deck: Deck, fmt: str, dest: Path) -> None:
    """``pipeline.handout``: the PDF (each slide's final frame, drawn at 1080p by a dry
    run in a subprocess, with its notes), or the final-frame posters of the pptx."""
    from pipeline import handout as pages

    slides = runner.cwd / "slides"
    try:
        if fmt == "pptx":
            pages.set_posters(dest, pages.deck_videos(slides, deck.scenes))
            return
        frames = runner.cwd / "handout" / deck.name.replace("/", "-")
        cmd = pages.frames_command(deck.scenes, frames)
        runner.run(cmd, f"drawing the pages of {dest.name}", f"handout-{dest.stem}")
        pages.write_pdf(pages.deck_pages(slides, deck.scenes, frames), dest, title=deck.title)
    except pages.HandoutError as e:
        raise CliError(f"{dest.name}: {e}", code=1) from None


def install(staged: Path, out: Path, trash: Path) -> list[Path]:
    """Move what ``staged`` holds into the same places under ``out``; return them.

    Files replace files with ``os.replace`` (atomic); a deck's ``*_assets`` folder
    replaces the old one as a whole (the old one goes to ``trash``), and is moved
    before the deck's HTML so the HTML never points at missing assets.
    """
    installed: list[Path] = []
    out.mkdir(parents=True, exist_ok=True)
    entries = sorted(staged.iterdir(), key=lambda p: (not p.is_dir(), p.name))
    for src in entries:
        dst = out / src.name
        if src.is_dir() and not src.name.endswith("_assets"):
            installed += install(src, dst, trash)
            continue
        if dst.is_dir():
            os.replace(dst, trash / f"{len(list(trash.iterdir()))}-{dst.name}")
        os.replace(src, dst)
        installed.append(dst)
    return installed


def execute(plan: Plan, args: argparse.Namespace, lesson_env: dict[str, str]) -> list[Path]:
    """Render ``plan`` into ``args.out``, ``args.jobs`` steps at a time; all or nothing."""
    wants_html = any("html" in d.formats for d in plan.decks)
    reveal = reveal_dir() if wants_html else None
    if wants_html and reveal is None:
        print(
            f"note: no local reveal.js in build/reveal.js-{REVEAL_VERSION} (run `make reveal`);"
            " the HTML will load it from the internet",
            file=sys.stderr,
        )
    out: Path = args.out
    created = [p for p in (out, *out.parents) if not p.exists()]
    work: Path | None = None
    runner = Runner(child_env(lesson_env), out, echo=args.jobs == 1)
    try:
        with SIGNALS.deferred():  # the scratch folder exists only once clean-up knows it
            out.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=".render-", dir=out))
            runner.cwd = work
        installed = render_plan(plan, args, runner, work, reveal, lesson_env)
    except BaseException:
        with SIGNALS.deferred():  # a signal during the clean-up is raised after it
            runner.stop()
            undo(work, created)
        raise
    shutil.rmtree(work, ignore_errors=True)
    return installed


def undo(work: Path | None, created: list[Path]) -> None:
    """After a failure: remove the scratch folder and the folders this run created."""
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)
    for folder in created:  # leave no empty folders this run made
        with contextlib.suppress(OSError):
            folder.rmdir()


def render_plan(
    plan: Plan,
    args: argparse.Namespace,
    runner: Runner,
    work: Path,
    reveal: Path | None,
    lesson_env: dict[str, str],
) -> list[Path]:
    """Render every step of ``plan`` in ``work``, then move the results into ``args.out``."""
    out: Path = args.out
    echo = runner.echo  # one step at a time: show manim's own output live
    staged = work / "staged"
    bar = echo and sys.stderr.isatty()
    videos: dict[str, Path] = {}
    keys: dict[str, str] = {}  # scene -> its cache key
    config, seed = lesson_env.get(LESSON_ENV), lesson_env.get(SEED_ENV)
    lesson = chosen_lesson(config and Path(config), None if seed is None else int(seed))
    cache = Cache(args.quality, lesson)
    record = work / "record"  # scenes.record writes <Scene>.json here
    record.mkdir()
    runner.env = {**runner.env, RECORD_ENV: str(record)}

    def render_step(name: str) -> None:
        module = scene_module(name)
        hit = None if getattr(args, "force", False) else cache.find_scene(name, module)
        if hit is not None:  # nothing it reads changed: its video and slides as they were
            keys[name], folder = hit
            videos[name] = work / "cached" / f"{name}.mp4"
            restore(folder, scene_outputs(name, work, videos[name]))
            say(f"  {name}: unchanged, from the cache")
            return
        videos[name] = render_scene(runner, name, args.quality, work, bar)
        fields = json.loads((record / f"{name}.json").read_text(encoding="utf-8"))["fields"]
        keys[name] = cache.store_scene(
            name, module, fields, scene_outputs(name, work, videos[name])
        )

    def convert_step(deck: Deck, fmt: str) -> Callable[[], None]:
        dest = staged / f"{deck.name}.{fmt}"

        def step() -> None:
            key = cache.deck_key(deck.name, fmt, [keys[s] for s in deck.scenes], deck_code(deck))
            files = deck_outputs(dest)
            folder = None if getattr(args, "force", False) else cache.find_deck(deck.name, key)
            if folder is not None:
                restore(folder, files)
                say(f"  {dest.name}: unchanged, from the cache")
                return
            convert(runner, deck, fmt, dest, reveal)
            cache.store_deck(deck.name, key, files)

        return step

    n = len(plan.scenes)
    steps = [
        (f"[{i}/{n}] {name}", lambda name=name: render_step(name))
        for i, name in enumerate(plan.scenes, start=1)
    ]
    run_steps(runner, steps, args.jobs, echo)
    staged.mkdir()
    from pipeline import outputs as captions  # (pydantic, PyAV: loaded only to render)

    try:  # captions from the slides' notes: in each MP4, beside it, in the HTML decks
        for name in plan.videos:
            (staged / "videos").mkdir(exist_ok=True)
            mp4 = staged / "videos" / f"{name}.mp4"
            captions.caption_video(work / "slides", name, videos[name], mp4)
        if any("html" in deck.formats for deck in plan.decks):
            captions.write_slide_captions(work / "slides", list(plan.scenes))
    except captions.CaptionError as e:
        raise CliError(f"captions: {e}", code=1) from None
    for deck in plan.decks:
        (staged / deck.name).parent.mkdir(parents=True, exist_ok=True)
    steps = [
        (f"writing {deck.name}.{fmt}", convert_step(deck, fmt))
        for deck in plan.decks
        for fmt in deck.formats
    ]
    run_steps(runner, steps, args.jobs, echo)
    trash = work / "trash"
    trash.mkdir()
    with SIGNALS.deferred():  # all of it or, if it fails, what it got to; never cut short
        installed = install(staged, out, trash)
        SIGNALS.disarm()  # done: a signal from now on changes nothing
    return installed


def scene_outputs(name: str, work: Path, video: Path) -> dict[str, Path]:
    """A rendered scene's files: cache name -> where they are in ``work``."""
    return {
        "video.mp4": video,
        "slides.json": work / "slides" / f"{name}.json",
        "files": work / "slides" / "files" / name,
    }


def deck_outputs(dest: Path) -> dict[str, Path]:
    """A converted deck's files: cache name -> where they are staged."""
    files = {"deck": dest}
    if dest.suffix == ".html":
        files["assets"] = dest.parent / f"{dest.stem}_assets"
    return files


def deck_code(deck: Deck) -> str:
    """What shapes a deck besides its scenes: its title, this converter, reveal.js, the
    captions and the deck template."""
    from pipeline import handout
    from pipeline.outputs import code_digest

    source = Path(__file__).read_text(encoding="utf-8")
    return json.dumps([deck.title, REVEAL_VERSION, source, code_digest(), handout.code_digest()])


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

    The first failure stops the others and is raised.
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


# --- measuring (dry run) --------------------------------------------------------------


def measure(name: str) -> tuple[int, float]:
    """Slides and seconds of a scene, from a dry run (nothing is encoded or written).

    Reads manim-slides' list of slides the way ``Slide`` does before saving them.
    """
    from manim import Scene, config, tempconfig

    cls = scene_class(name) if name in {s.name for s in LECTURE} else deck_class(name)
    with (
        tempfile.TemporaryDirectory() as tmp,
        tempconfig(
            {
                "dry_run": True,
                "quality": "low_quality",
                "disable_caching": True,
                "media_dir": tmp,
                "verbosity": "WARNING",
                "progress_bar": "none",
            }
        ),
    ):
        scene = cls(skip_animations=True)  # each animation jumps to its end; time still counts
        config.write_to_movie = False  # Slide.__init__ turns it on, which a dry run cannot do
        Scene.render(scene)  # the plain render: no slides folder is written
        scene._add_last_slide()
        slides = sum(1 for s in scene._slides if not s.skip_animations)
        return slides, float(scene.renderer.time)


def deck_class(name: str) -> type:
    return getattr(importlib.import_module(DECK_MODULE), name)


# --- commands -------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    names = check_scenes(args.scenes, known_scenes())
    rows = []
    info = {s.name: s for s in LECTURE}
    for name in names:
        s = info.get(name)
        row = {
            "name": name,
            "module": s.module if s else DECK_MODULE,
            "section": s.section if s else "deck",
            "title": s.title if s else DECK_TITLES[name],
        }
        rows.append(row)
    if args.durations:
        env = check_lesson(args.config, args.seed)
        os.environ.update(env)
        for i, row in enumerate(rows, start=1):
            if not args.json:
                print(f"[{i}/{len(rows)}] measuring {row['name']} ...", file=sys.stderr, flush=True)
            try:
                row["slides"], row["seconds"] = measure(row["name"])
            except Exception as e:  # a broken scene: say so, keep listing the others
                row["slides"], row["seconds"] = None, None
                row["error"] = f"{type(e).__name__}: {e}".splitlines()[0][:200]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(r["name"]) for r in rows)
    for i, r in enumerate(rows, start=1):
        extra = ""
        if args.durations:
            extra = (
                f"{r['slides']:>3} slides {r['seconds']:6.1f} s  "
                if r["seconds"] is not None
                else f"  ! {r['error']}  "
            )
        print(f"{i:>3}  {r['name']:<{width}}  {r['section']:<7} {extra}{r['title']}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    if args.command == "lecture":
        allowed = [info.name for info in LECTURE]
        chosen = check_scenes(args.scenes, allowed) if args.scenes else None
    else:
        names = check_scenes(args.scenes, known_scenes())
        if not args.scenes:
            names = [info.name for info in LECTURE]  # "all" means the lecture's scenes
    lesson_env = check_lesson(args.config, args.seed)
    args.out = check_out(args.out)
    if args.command == "video":
        plan = video_plan(names)
    elif args.command == "slides":
        plan = slides_plan(names, list(dict.fromkeys(args.to)))
    else:
        plan = lecture_plan(chosen)
    start = time.monotonic()
    installed = execute(plan, args, lesson_env)
    print(f"done in {time.monotonic() - start:.0f} s:")
    for path in installed:
        print(f"  {path}")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    """Final frames of each scene into ``--out``/preview/<Scene>/ (a scene's folder is
    replaced whole, and only once every scene has been drawn)."""
    from scenes.preview import final_frames

    names = check_scenes(args.scenes, [info.name for info in LECTURE])
    check_lesson(args.config, args.seed)
    out = check_out(args.out)
    created = [p for p in (out, *out.parents) if not p.exists()]
    start = time.monotonic()
    work: Path | None = None
    try:
        with SIGNALS.deferred():  # the scratch folder exists only once clean-up knows it
            out.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=".preview-", dir=out))
        staged = work / "preview"
        for i, name in enumerate(names, start=1):
            say(f"[{i}/{len(names)}] {name} ...")
            with contextlib.redirect_stdout(sys.stderr):  # manim's warnings are not results
                frames = final_frames(name, staged / name, args.config, args.quality, args.seed)
            say(f"[{i}/{len(names)}] {name}: {len(frames)} slides")
        with SIGNALS.deferred():  # every scene's folder, or none
            (out / "preview").mkdir(exist_ok=True)
            for name in names:
                old = out / "preview" / name
                if old.exists():
                    os.replace(old, work / f"old-{name}")
                os.replace(staged / name, old)
            SIGNALS.disarm()
    except BaseException:
        with SIGNALS.deferred():  # a signal during the clean-up is raised after it
            undo(work, created)
        raise
    shutil.rmtree(work, ignore_errors=True)
    print(f"done in {time.monotonic() - start:.0f} s: {out / 'preview'}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    try:
        lesson = load_lesson(args.file, seed=args.seed)
        print(lesson.describe())
    except LessonError as e:
        raise CliError(str(e)) from None
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    out = check_out_file(args.out)
    try:
        lesson = load_lesson(args.lesson)
        data = lesson.training_set()
    except LessonError as e:
        raise CliError(str(e)) from None
    spec = lesson.train
    epochs = args.epochs or (spec.epochs if spec else None)
    label = f"training {lesson.name!r} on {len(data)} sequence{'s' if len(data) > 1 else ''}"
    if sys.stderr.isatty():
        print(f"{label} ({epochs or 'default'} epochs) ...", file=sys.stderr, flush=True)
    total = args.epochs or (spec or TrainSpec()).epochs
    start = time.monotonic()

    def progress(epoch: int, loss: float, accuracy: float | None) -> None:
        """On a terminal: one line, redrawn after every epoch."""
        line = f"\rtraining: epoch {epoch}/{total}, loss {loss:.4f}"
        line += "" if accuracy is None else f", accuracy {100 * accuracy:.1f}%"
        sys.stderr.write(f"{line} ({time.monotonic() - start:.0f} s)")
        sys.stderr.flush()

    terminal = sys.stderr.isatty()
    try:
        run = train_lesson(
            lesson, epochs=args.epochs, lr=args.lr, seed=args.seed,
            on_epoch=progress if terminal else None,
        )  # fmt: skip
    except ValueError as e:  # an override out of range: "epochs: expected ..."
        raise CliError(f"--{e}") from None
    finally:
        if terminal:
            sys.stderr.write("\n")
    with SIGNALS.deferred():  # written whole, or (signal before this block) not at all
        try:
            write_lesson(out, run.lesson)
        except (OSError, ValueError) as e:
            raise CliError(f"--out {out}: {getattr(e, 'strerror', None) or e}", code=1) from None
        SIGNALS.disarm()
    rec, res = run.lesson.trained, run.result
    assert rec is not None
    line = (
        f"{label}: {rec.epochs} epochs, lr {rec.lr:g}: loss {res.loss[0]:.4f} -> {res.loss[-1]:.4f}"
    )
    if res.accuracy is not None:
        line += f", accuracy {100 * res.accuracy[0]:.1f}% -> {100 * res.accuracy[-1]:.1f}%"
    print(line)
    print(f"wrote {out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    out = check_out_file(args.out)
    try:
        lesson = import_lesson(args.file, args.format, args.data, args.seed)
    except LessonError as e:  # WeightsError included
        raise CliError(str(e)) from None
    with SIGNALS.deferred():  # written whole, or (signal before this block) not at all
        try:
            write_lesson(out, lesson)
        except (OSError, ValueError) as e:
            raise CliError(f"--out {out}: {getattr(e, 'strerror', None) or e}", code=1) from None
        SIGNALS.disarm()
    p = lesson.params
    data = (
        f"the sequence of {args.data}"
        if args.data
        else f"a placeholder sequence (seed {args.seed})"
    )
    print(f"imported {args.file}: {p.n_in} inputs, {p.n_hidden} hidden, {p.n_out} outputs; {data}")
    print(f"wrote {out}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "list": cmd_list,
    "video": cmd_render,
    "slides": cmd_render,
    "lecture": cmd_render,
    "preview": cmd_preview,
    "check": cmd_check,
    "train": cmd_train,
    "import": cmd_import,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return its exit status.

    0 ok, 1 a failed render, 2 bad input, 128 + N when stopped by signal N (130
    SIGINT, 143 SIGTERM, 129 SIGHUP).
    """
    try:
        with SIGNALS.installed():
            args = build_parser().parse_args(argv)
            return COMMANDS[args.command](args)
    except CliError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return e.code
    except Interrupted as e:
        print(f"{PROG}: interrupted by {e.name}; nothing was written", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted by SIGINT; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
