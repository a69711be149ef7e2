"""Rendering a plan: each scene with ``manim``, each deck with ``manim-slides convert``.

``execute`` renders a ``Plan`` into ``--out``, all or nothing: the steps run in a
scratch folder inside ``--out`` (``pipeline.install.scratch``), ``jobs`` at a time
(``pipeline.run.run_steps``); a scene or deck that nothing it depends on has changed
comes from the cache (``pipeline.cache``); captions are added from the slides' notes;
the finished files are moved into place last (``pipeline.install.install``).
``preview`` draws each slide's final frame from a dry run, and ``measure`` counts a
scene's slides and seconds, also from a dry run; both in this process, with the TeX
and outlines that renders share (``shared_tex``).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.cache import Cache, prune_tex, restore, tex_cache_dir
from pipeline.install import (
    REVEAL_FILES,
    REVEAL_VERSION,
    install,
    replace_folders,
    reveal_dir,
    scratch,
)
from pipeline.plan import (
    LESSON_ENV,
    QUALITIES,
    RECORD_ENV,
    SEED_ENV,
    TEX_CACHE_ENV,
    Deck,
    Plan,
    child_env,
    chosen_lesson,
    scene_file,
    scene_module,
)
from pipeline.run import SIGNALS, CliError, Runner, run_steps, say
from scenes import LECTURE, scene_class
from scenes.outline import DECK_MODULE

__all__ = [
    "RenderOptions",
    "SceneRenderer",
    "convert",
    "deck_code",
    "deck_outputs",
    "execute",
    "measure",
    "preview",
    "render_scene",
    "scene_outputs",
]


SceneRenderer = Callable[[Runner, str, str, Path, bool], Path]


@dataclass(frozen=True)
class RenderOptions:
    """How to render a plan.

    Attributes
    ----------
    out : Path
        The checked, absolute --out.
    quality, jobs, force
        --quality, --jobs (steps at a time), --force (ignore the cache).
    renderer : callable, optional
        Renders one scene as ``render_scene`` does (default: ``render_scene``, here);
        ``pipeline.cluster.DaskScenes`` renders on a Dask cluster, every scene at once.
    last : bool
        The run's last install: after it, signals change nothing (``batch`` installs
        each lesson's lecture into its scratch folder first, so it passes False).
    """

    out: Path
    quality: str = "low"
    jobs: int = 1
    force: bool = False
    renderer: SceneRenderer | None = None
    last: bool = True


def execute(plan: Plan, opts: RenderOptions, lesson_env: dict[str, str]) -> list[Path]:
    """Render ``plan`` into ``opts.out``, ``opts.jobs`` steps at a time; all or nothing."""
    wants_html = any("html" in d.formats for d in plan.decks)
    reveal = reveal_dir() if wants_html else None
    if wants_html and reveal is None:
        print(
            f"note: no local reveal.js in build/reveal.js-{REVEAL_VERSION} (run `make reveal`);"
            " the HTML will load it from the internet",
            file=sys.stderr,
        )
    runner = Runner(child_env(lesson_env), opts.out, echo=opts.jobs == 1)
    with scratch(opts.out, ".render-", on_failure=runner.stop) as work:
        runner.cwd = work
        return render_plan(plan, opts, runner, work, reveal, lesson_env)


def render_plan(
    plan: Plan,
    opts: RenderOptions,
    runner: Runner,
    work: Path,
    reveal: Path | None,
    lesson_env: dict[str, str],
) -> list[Path]:
    """Render every step of ``plan`` in ``work``, then move the results into ``opts.out``."""
    echo = runner.echo  # one step at a time: show manim's own output live
    staged = work / "staged"
    bar = echo and sys.stderr.isatty()
    videos: dict[str, Path] = {}
    keys: dict[str, str] = {}  # scene -> its cache key
    config, seed = lesson_env.get(LESSON_ENV), lesson_env.get(SEED_ENV)
    lesson = chosen_lesson(config and Path(config), None if seed is None else int(seed))
    cache = Cache(opts.quality, lesson)
    record = work / "record"  # scenes.record writes <Scene>.json here
    record.mkdir()
    runner.env = {**runner.env, RECORD_ENV: str(record)}

    def render_step(name: str) -> None:
        module = scene_module(name)
        hit = None if opts.force else cache.find_scene(name, module)
        if hit is not None:  # nothing it reads changed: its video and slides as they were
            keys[name], folder = hit
            videos[name] = work / "cached" / f"{name}.mp4"
            restore(folder, scene_outputs(name, work, videos[name]))
            say(f"  {name}: unchanged, from the cache")
            return
        render = opts.renderer or render_scene
        videos[name] = render(runner, name, opts.quality, work, bar)
        fields = json.loads((record / f"{name}.json").read_text(encoding="utf-8"))["fields"]
        keys[name] = cache.store_scene(
            name, module, fields, scene_outputs(name, work, videos[name])
        )

    def deck_key(deck: Deck, fmt: str) -> str:
        return cache.deck_key(deck.name, fmt, [keys[s] for s in deck.scenes], deck_code(deck))

    def cached(deck: Deck, fmt: str) -> bool:
        """The deck is in the cache (an HTML deck then needs no slide captions written)."""
        return not opts.force and cache.find_deck(deck.name, fmt, deck_key(deck, fmt)) is not None

    def convert_step(deck: Deck, fmt: str) -> Callable[[], None]:
        dest = staged / f"{deck.name}.{fmt}"

        def step() -> None:
            key = deck_key(deck, fmt)
            files = deck_outputs(dest)
            folder = None if opts.force else cache.find_deck(deck.name, fmt, key)
            if folder is not None:
                restore(folder, files)
                say(f"  {dest.name}: unchanged, from the cache")
                return
            convert(runner, deck, fmt, dest, reveal)
            cache.store_deck(deck.name, fmt, key, files)

        return step

    n = len(plan.scenes)
    steps = [
        (f"[{i}/{n}] {name}", lambda name=name: render_step(name))
        for i, name in enumerate(plan.scenes, start=1)
    ]
    run_steps(runner, steps, len(steps) if opts.renderer else opts.jobs, echo)
    prune_tex(Path(runner.env[TEX_CACHE_ENV]))  # (child_env sets it)
    staged.mkdir()
    from pipeline import outputs as captions  # (pydantic, PyAV: loaded only to render)

    caption_code = captions.code_digest()
    try:  # captions from the slides' notes: in each MP4, beside it, in the HTML decks
        for name in plan.videos:
            (staged / "videos").mkdir(exist_ok=True)
            mp4 = staged / "videos" / f"{name}.mp4"
            files = {p.name: p for p in (mp4, mp4.with_suffix(".vtt"), mp4.with_suffix(".srt"))}
            key = cache.derived_key(keys[name], caption_code)
            folder = None if opts.force else cache.find(f"captioned-{name}", key)
            if folder is not None:  # the same render, the same captions: as they were
                restore(folder, files)
                continue
            captions.caption_video(work / "slides", name, videos[name], mp4)
            cache.store(f"captioned-{name}", key, files)
        html = [deck for deck in plan.decks if "html" in deck.formats]
        if any(not cached(deck, "html") for deck in html):  # a deck to write: its captions
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
    run_steps(runner, steps, opts.jobs, echo)
    trash = work / "trash"
    trash.mkdir()
    with SIGNALS.deferred():  # all of it or, if it fails, what it got to; never cut short
        installed = install(staged, opts.out, trash)
        if opts.last:
            SIGNALS.disarm()  # done: a signal from now on changes nothing
    return installed


# manim encodes each animation's partial movie in a thread; by default the scene waits
# for it at the end of every animation. With more in flight, the next animation draws
# while the last ones encode (TruncatedBPTT at 480p: 13 s of waiting gone, 3.5 s saved).
ENCODERS_IN_FLIGHT = 4


def render_scene(runner: Runner, name: str, quality: str, work: Path, progress: bool) -> Path:
    """Render one scene into ``work``; return its MP4 (slides JSON lands in work/slides)."""
    media = work / "media" / name
    cmd = [
        sys.executable, "-m", "manim", "render", f"-q{QUALITIES[quality]}",
        "--max-inflight-encoders", str(ENCODERS_IN_FLIGHT),
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
    """What shapes a deck besides its scenes: its title, this module (convert), reveal.js,
    the captions, the deck template and the handout's code (pdf pages, pptx posters)."""
    from pipeline import handout
    from pipeline.outputs import code_digest

    code = Path(__file__).read_text(encoding="utf-8")  # convert() and what calls it
    return json.dumps([deck.title, REVEAL_VERSION, code, code_digest(), handout.code_digest()])


def preview(
    names: Sequence[str], out: Path, config: Path | None, quality: str, seed: int | None
) -> Path:
    """Each scene's final frames into ``out``/preview/<Scene>/; return that folder.

    A scene's folder is replaced whole, and only once every scene has been drawn.
    """
    from scenes.preview import final_frames

    with scratch(out, ".preview-") as work, shared_tex():
        staged = work / "preview"
        for i, name in enumerate(names, start=1):
            say(f"[{i}/{len(names)}] {name} ...")
            with contextlib.redirect_stdout(sys.stderr):  # manim's warnings are not results
                frames = final_frames(name, staged / name, config, quality, seed)
            say(f"[{i}/{len(names)}] {name}: {len(frames)} slides")
        with SIGNALS.deferred():  # every scene's folder, or none
            replace_folders(staged, out / "preview", names, work)
            SIGNALS.disarm()
    return out / "preview"


def measure(name: str) -> tuple[int, float]:
    """Slides and seconds of a scene, from a dry run (nothing is encoded or written).

    Reads manim-slides' list of slides the way ``Slide`` does before saving them.
    """
    from manim import Scene, config, tempconfig

    cls = scene_class(name) if name in {s.name for s in LECTURE} else deck_class(name)
    with (
        shared_tex(),
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


@contextlib.contextmanager
def shared_tex() -> Iterator[None]:
    """Within the block, scenes built in this process compile TeX and parse SVGs through
    the cache that renders share (as ``child_env`` gives each render): a dry run of a
    scene rendered before compiles and parses nothing (TruncatedBPTT: 24 s to 7 s)."""
    saved = os.environ.get(TEX_CACHE_ENV)
    os.environ.setdefault(TEX_CACHE_ENV, str(tex_cache_dir()))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(TEX_CACHE_ENV, None)


def deck_class(name: str) -> type:
    """A deck slide's class (title, section), from the deck module."""
    return getattr(importlib.import_module(DECK_MODULE), name)
