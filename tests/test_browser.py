"""The lecture's HTML deck in a real browser: Debian's chromium, headless, driven by
playwright (its Python package; its own browser download is not used: ``executable_path``).

One short lecture is rendered once (the scene ``_cli_support.real_scene`` names) and
``lecture.html`` is opened from ``file://`` with the network blocked: every request that
is not a file under the deck's folder is aborted and recorded, and each test asserts that
none was made, that no request failed (a missing file fails) and that the page raised no
error. Then, as a lecturer would: every slide reached with the keyboard, each slide's
background video loaded and played to its end (sped up 16 times), its captions showing,
Space and C, and the speaker-notes window. Screenshots of every slide's last frame with
its captions go to a folder under pytest's tmp_path and to ``SHOTS`` for a person.

``make test`` installs chromium (the Makefile's APT_PACKAGES), so a missing browser is a
failure, not a skip; ``RNN_LECTURE_CHROMIUM`` names another chromium binary.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from _cli_support import real_scene, run_cli
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

pytestmark = pytest.mark.render

CHROMIUM = Path(os.environ.get("RNN_LECTURE_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path("/tmp/rnn-lecture-browser")  # a copy of the screenshots, for a person
RATE = 16  # playbackRate: the most chromium allows; slides hold their last frame long
VIEWPORT = {"width": 1280, "height": 720}
HOLD = 86400  # the template keeps a slide's last cue up this much longer (its final frame)


# --- the deck and the browser -------------------------------------------------------------


@dataclass
class Deck:
    folder: Path
    page: Path
    videos: list[str]  # each section's data-background-video, in order
    captions: list[list[list]]  # each section's data-captions: [start, end, text]


def read_deck(page: Path) -> Deck:
    text = page.read_text(encoding="utf-8")
    videos, captions = [], []
    for attrs in re.findall(r"<section\b([^>]*)>", text):
        video = re.search(r'data-background-video="([^"]+)"', attrs)
        cues = re.search(r'data-captions="([^"]*)"', attrs)
        videos.append(video.group(1) if video else "")
        captions.append(json.loads(html.unescape(cues.group(1))) if cues else [])
    return Deck(page.parent, page, videos, captions)


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Deck:
    """A real lecture of the test scene, rendered once for this module."""
    scene = real_scene()
    out = tmp_path_factory.mktemp("browser") / "out"
    cp = run_cli("lecture", scene["name"], "-q", "low", "--jobs", "1", "--out", out)
    assert cp.returncode == 0, cp.stderr[-2000:]
    found = read_deck(out / "lecture.html")
    assert len(found.videos) == 2 + scene["slides"]  # title, section, the scene's slides
    return found


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"no chromium at {CHROMIUM}: `make test` installs Debian's chromium "
            "(or set RNN_LECTURE_CHROMIUM to a chromium binary)"
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
    yield browser
    browser.close()


@dataclass
class Guard:
    """What a browser context asked for beyond the deck's folder, and what went wrong."""

    folder: Path
    outside: list[str] = field(default_factory=list)  # aborted: not a file under folder
    failed: list[str] = field(default_factory=list)  # requests that failed (missing files)
    errors: list[str] = field(default_factory=list)  # uncaught page errors, console errors

    def route(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        path = Path(unquote(parts.path))
        if parts.scheme == "file" and path.is_relative_to(self.folder):
            route.continue_()  # a missing file still fails: recorded in `failed`
        else:
            self.outside.append(url)
            route.abort("blockedbyclient")

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
        page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )

    def check(self) -> None:
        assert self.outside == [], "requests outside the deck's folder"
        assert self.failed == [], "requests that failed"
        assert self.errors == [], "page errors"


@pytest.fixture
def context(browser: Browser, deck: Deck) -> Iterator[tuple[BrowserContext, Guard]]:
    ctx = browser.new_context(viewport=VIEWPORT)
    guard = Guard(deck.folder.resolve())
    ctx.route("**/*", guard.route)
    ctx.on(
        "requestfailed",
        lambda r: None if r.url in guard.outside else guard.failed.append(f"{r.url}: {r.failure}"),
    )
    ctx.on("page", guard.watch)
    yield ctx, guard
    ctx.close()


def open_deck(ctx: BrowserContext, deck: Deck) -> Page:
    page = ctx.new_page()
    page.goto(deck.page.resolve().as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    return page


# --- what the page says -------------------------------------------------------------------

VIDEO = "Reveal.getSlideBackground(Reveal.getCurrentSlide()).querySelector('video')"

STATE = f"""() => {{
  const v = {VIDEO};
  if (!v) return null;
  const track = [...v.textTracks].find(t => t.kind === 'captions');
  return {{
    current: v.currentSrc, duration: v.duration, paused: v.paused, ended: v.ended,
    error: v.error && v.error.code, width: v.videoWidth,
    mode: track ? track.mode : null,
    cues: track ? [...track.cues].map(c => [c.startTime, c.endTime, c.text]) : [],
    active: track && track.activeCues ? [...track.activeCues].map(c => c.text) : [],
  }};
}}"""


def state(page: Page) -> dict:
    return page.evaluate(STATE)


def cue_text(text: str) -> str:
    """A cue as the template adds it: WebVTT cue text, & < > escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def expected_cues(cues: list[list]) -> list[list]:
    out = [[start, end, cue_text(text)] for start, end, text in cues]
    if out:
        out[-1][1] += HOLD
    return out


def words(text: str) -> str:
    return " ".join(text.split())


def play_to_end(page: Page) -> dict:
    """The current slide's video: started by reveal.js, then played to its end fast."""
    page.wait_for_function(f"(() => {{ const v = {VIDEO}; return v && v.readyState >= 1; }})()")
    page.wait_for_function(
        f"(() => {{ const v = {VIDEO}; return !v.paused && v.currentTime > 0; }})()"
    )  # reveal.js started it: nobody called play()
    speed_up = f"(() => {{ const v = {VIDEO}; v.playbackRate = {RATE}; return v.duration; }})()"
    seconds = page.evaluate(speed_up)
    page.wait_for_function(
        f"(() => {{ const v = {VIDEO}; return v.ended; }})()",
        timeout=(seconds / RATE * 3 + 10) * 1000,
    )
    return state(page)


# --- the tests ----------------------------------------------------------------------------


def test_the_page_links_only_files_the_deck_has(deck: Deck) -> None:
    """Every link in the HTML, commented out or not, is a file in the deck's folder."""
    text = deck.page.read_text(encoding="utf-8")
    links = re.findall(r'(?:src|href|data-background-video|data-background-image)="([^"]+)"', text)
    assert links
    for link in links:
        assert not urlsplit(link).scheme and not link.startswith("/"), link
        assert (deck.folder / link).is_file(), link
    for dead in ("index.js", "index.css", "lib/css/zenburn.css"):
        assert dead not in text


def test_every_slide_by_keyboard_plays_its_video_to_the_end_with_captions(
    context: tuple[BrowserContext, Guard], deck: Deck, tmp_path: Path
) -> None:
    ctx, guard = context
    page = open_deck(ctx, deck)
    total = len(deck.videos)
    assert page.evaluate("Reveal.getTotalSlides()") == total
    shots = tmp_path / "screenshots"
    shots.mkdir()
    for i in range(total):
        if i:
            page.keyboard.press("ArrowRight")
        assert page.evaluate("Reveal.getIndices()")["h"] == i
        page.wait_for_function(f"(() => !!{VIDEO})()")  # reveal.js made the slide's <video>
        end = play_to_end(page)
        assert end["error"] is None and end["width"] > 0, end
        assert end["current"] == (deck.folder / deck.videos[i]).resolve().as_uri()
        assert end["mode"] == "showing", f"slide {i + 1}: captions not shown"
        want = expected_cues(deck.captions[i])
        assert [c[2] for c in end["cues"]] == [c[2] for c in want], f"slide {i + 1}"
        times = [t for c in end["cues"] for t in c[:2]]
        assert times == pytest.approx([t for c in want for t in c[:2]], abs=1e-6)
        assert end["active"] == [end["cues"][-1][2]]  # the last cue stays on the last frame
        page.screenshot(path=shots / f"slide-{i + 1:02d}.png")
    page.keyboard.press("ArrowRight")  # past the last slide: stays there
    assert page.evaluate("Reveal.getIndices()")["h"] == total - 1
    SHOTS.mkdir(exist_ok=True)
    for png in sorted(shots.iterdir()):
        shutil.copyfile(png, SHOTS / png.name)
    print(f"screenshots of every slide's last frame: {shots} (and {SHOTS})")
    guard.check()


def test_space_pauses_and_plays_and_c_toggles_captions(
    context: tuple[BrowserContext, Guard], deck: Deck
) -> None:
    ctx, guard = context
    page = open_deck(ctx, deck)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"(() => {{ const v = {VIDEO}; return v && !v.paused; }})()")
    page.keyboard.press("Space")  # the deck's binding: play / pause the slide's video
    assert state(page)["paused"]
    page.keyboard.press("Space")
    page.wait_for_function(f"(() => !{VIDEO}.paused)()")
    assert page.evaluate("Reveal.getIndices()")["h"] == 1  # Space did not leave the slide
    assert state(page)["mode"] == "showing"
    page.keyboard.press("c")
    assert state(page)["mode"] == "hidden"
    page.keyboard.press("ArrowRight")  # off stays off on the next slide
    page.wait_for_function(f"(() => !!{VIDEO})()")
    assert state(page)["mode"] == "hidden"
    page.keyboard.press("c")
    assert state(page)["mode"] == "showing"
    assert len(state(page)["cues"]) == len(deck.captions[2])  # one track, not a second
    guard.check()


def test_the_speaker_notes_window_shows_the_current_slides_notes(
    context: tuple[BrowserContext, Guard], deck: Deck
) -> None:
    ctx, guard = context
    page = open_deck(ctx, deck)
    page.keyboard.press("ArrowRight")
    with ctx.expect_page() as popup:
        page.keyboard.press("s")  # reveal.js' notes plugin opens the speaker view
    notes = popup.value
    shown = ".speaker-controls-notes .value"
    for i in (1, 2):
        if i == 2:
            page.keyboard.press("ArrowRight")  # the speaker view follows the deck
        mine = page.evaluate("Reveal.getCurrentSlide().querySelector('aside.notes').textContent")
        assert page.evaluate("Reveal.getIndices()")["h"] == i and words(mine)
        notes.wait_for_function(
            "([sel, want]) => { const n = document.querySelector(sel);"
            " return n && n.innerText.split(/\\s+/).join(' ').trim() === want; }",
            arg=[shown, words(mine)],
        )
    notes.set_viewport_size(VIEWPORT)
    SHOTS.mkdir(exist_ok=True)
    notes.screenshot(path=SHOTS / "speaker-view.png")
    guard.check()
