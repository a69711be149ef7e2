"""The base of every lecture scene: a manim-slides ``Slide`` that knows its lesson.

One class renders as a video with plain ``manim`` and as slides with
``manim-slides``. The lesson comes from the file named by ``RNN_LECTURE_LESSON``
(the shipped default lesson when unset); ``RNN_LECTURE_SEED`` overrides its seed
for the weights the file does not give.
"""

from __future__ import annotations

import os
from typing import Any

from manim import (
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    LaggedStart,
    Mobject,
    Scene,
    Text,
    Transform,
    Write,
    config,
)
from manim_slides import Slide

import scenes.manim_fixes  # noqa: F401  (before any mobject is built)
from pipeline.captions import reading_seconds
from rnncore import PARAM_NAMES, Lesson, default_lesson, load_lesson
from scenes.fades import OpacityFade, in_place
from scenes.grammar import (
    FONT_SMALL,
    FONT_TITLE,
    MEANING,
)
from scenes.layout import FRAME_MARGIN, STAGE_BOTTOM, STAGE_TOP, STAGE_WIDTH, TITLE_BUFF, fit_within
from scenes.mobjects.numbers import display_step
from scenes.record import recording, write_record

__all__ = [
    "FRAME_MARGIN",
    "LESSON_ENV",
    "SEED_ENV",
    "TITLE_BUFF",
    "LectureScene",
    "current_lesson",
    "weights_state",
]

LESSON_ENV = "RNN_LECTURE_LESSON"
SEED_ENV = "RNN_LECTURE_SEED"


def current_lesson() -> Lesson:
    """The lesson named by the environment, or the default lesson."""
    path = os.environ.get(LESSON_ENV)
    seed = os.environ.get(SEED_ENV)
    seed_value = int(seed) if seed not in (None, "") else None
    if path:
        return load_lesson(path, seed=seed_value)
    lesson = default_lesson()
    if seed_value is not None:
        lesson = load_lesson(lesson.source, seed=seed_value)
    return lesson


def weights_state(lesson: Lesson) -> str:
    """Two lines on the lesson's weights: trained (how) or not, and where they come from.

    A lesson file that gives every weight without a ``[trained]`` record may hold
    weights trained elsewhere (an import): the tag says only what is known.
    """
    trained = lesson.trained
    if trained is not None:
        return f"weights: trained\n{trained.epochs} epochs, lr {trained.lr:g}"
    given = lesson.given_weights
    if not given:
        return f"weights: untrained\nrandom, seed {lesson.seed}"
    if set(given) >= set(PARAM_NAMES):
        return "weights: from the file\nno training recorded"
    return f"weights: untrained\n{', '.join(given)} given, rest seed {lesson.seed}"


TAG_GAP = 0.5  # between the title and the weights tag in the title line


class LectureScene(Slide):
    """Base scene: dark background, the lesson, one title line, one beat per slide.

    Subclasses write ``construct()`` as a table of contents of named steps and call
    ``self.beat(notes)`` at the start of each teaching beat: ``notes`` become the
    speaker notes of the slide that begins there.
    """

    shows_weights = False  # a scene of the simple RNN: the weights tag in the title line
    skip_reversing = True  # no reversed animations: halves the rendering work
    land_skipped = True  # skipped animations that end unchanged are not begun (dry runs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.writes_movie = bool(config.write_to_movie)  # Slide() forces it on: remember
        super().__init__(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> None:
        """Render as a Slide; without a movie (``manim -s``, dry runs) as a plain Scene.

        manim-slides would otherwise try to merge slide files that were never written.
        """
        if self.writes_movie:
            super().render(*args, **kwargs)
            return
        config.write_to_movie = False
        Scene.render(self, *args, **kwargs)

    def setup(self) -> None:
        super().setup()
        self.camera.background_color = MEANING.background.color
        self.lesson: Lesson = recording(current_lesson())  # notes what it reads, when asked
        self.title: Text | None = None
        self.weights_tag: Text | None = None  # top right, beside the title (shows_weights)
        self.slide_notes = ""  # the notes of the slide being built
        self.notes_log: list[str] = []  # every slide's notes, in order
        self.slide_start = 0.0  # when it began (seconds of video)

    def tear_down(self) -> None:
        self.hold_for_reading()  # the last slide, too
        super().tear_down()
        write_record(type(self).__name__)  # the lesson fields this scene read (render cache)

    def play(self, *animations: Any, **kwargs: Any) -> None:
        """``Slide.play`` without the empty groups a lesson can make (then nothing plays).

        A step without a loss, a lesson without a second step or a source without
        errors gives an ``AnimationGroup`` with nothing in it; manim refuses to play
        those. Such a step shows nothing new, so it is left out, not an error.
        Plain fades play in place (``scenes.fades``): the same frames, no copies.
        """
        kept = [in_place(a) for a in animations if not _is_empty(a)]
        if kept:
            super().play(*kept, **kwargs)

    def begin_animations(self) -> None:
        """Begin this ``play``'s animations; when skipping, land the ones that end
        where they started without animating them.

        A skipped animation still ``begin()``s, and that deep-copies its whole
        mobject (most of a dry run's time) only to interpolate back to the same
        points and colours. For those animations (``_lands_unchanged``) the scene
        does what manim does around them (adds what they introduce, removes what
        they remove, in the same order) and leaves the mobjects as they are.
        """
        self._landing = self.land_skipped and self.renderer.skip_animations and self._can_land()
        if not self._landing:
            super().begin_animations()
            return
        for animation in self.animations or ():
            animation._setup_scene(self)

    def play_internal(self, skip_rendering: bool = False) -> None:
        """Finish this ``play``; landed animations only clean up (see
        ``begin_animations``)."""
        if not getattr(self, "_landing", False):
            super().play_internal(skip_rendering)
            return
        for animation in self.animations or ():
            _clean_up(animation, self)
        self.renderer.static_image = None

    def _can_land(self) -> bool:
        """Every animation ends unchanged and no updater could run meanwhile."""
        animations = self.animations or []
        if not animations or not all(_lands_unchanged(a) for a in animations):
            return False
        if self.updaters:
            return False
        family = self.get_mobject_family_members()
        family += [m for a in animations for m in a.mobject.get_family()]
        return not any(m.updaters for m in family)

    def beat(self, notes: str) -> None:
        """Start a new slide whose speaker notes are ``notes``."""
        self.hold_for_reading()
        self.notes_log.append(notes)
        self.next_slide(notes=notes)
        self.slide_notes, self.slide_start = notes, self.renderer.time

    def hold_for_reading(self) -> None:
        """Hold the slide's last frame until its notes can be read as captions.

        The captions of a video are the slides' notes (``pipeline.captions``), shown
        while the slide plays: a slide shorter than its notes' reading time would
        flash them past. In a deck the presenter moves on when ready.
        """
        needed = reading_seconds(self.slide_notes) - (self.renderer.time - self.slide_start)
        if needed > 1 / config.frame_rate:
            self.wait(needed)

    def step_name(self, t: int) -> str:
        """The on-screen name of the lesson's step ``t`` (its label, or x(t))."""
        labels = self.lesson.step_labels
        return labels[t] if labels else f"x({display_step(t)})"

    def title_text(self, text: str) -> Text:
        """The title line ``text``, as wide as the frame allows (beside the weights tag)."""
        new = Text(text, font_size=FONT_TITLE, color=MEANING.text.color)
        room = config.frame_width - 2 * FRAME_MARGIN
        if self.shows_weights:  # centred, so the tag's width is kept free on both sides
            room -= 2 * (self.weights_text().width + TAG_GAP)
        if new.width > room:  # a long lesson name, a long title
            new.scale_to_fit_width(room)
        # a scaled title lands a float hair above the margin line: keep it on the line
        return new.to_edge(UP, buff=TITLE_BUFF + 1e-9)

    def weights_text(self) -> Text:
        """The weights tag (``weights_state``) at the top right of the title line."""
        tag = Text(
            weights_state(self.lesson),
            font_size=FONT_SMALL,
            color=MEANING.text.color,
            line_spacing=0.5,
        )
        # top-aligned with the title (TITLE_BUFF), so it ends above the stage (STAGE_TOP)
        tag.to_edge(RIGHT, buff=FRAME_MARGIN).to_edge(UP, buff=TITLE_BUFF)
        return tag

    def show_title(self, text: str) -> Text:
        """Put ``text`` as the one title line at the top (replacing any previous one)."""
        new = self.title_text(text)
        if self.title is None:
            shown = [FadeIn(new, shift=0.2 * UP)]
            if self.shows_weights:
                self.weights_tag = self.weights_text()
                shown.append(FadeIn(self.weights_tag))
            self.play(*shown)
            self.title = new
        else:
            self.play(Transform(self.title, new))
        return self.title

    def fit_stage(self, block: Mobject, top: float = STAGE_TOP) -> Mobject:
        """Shrink ``block`` (never enlarge it) to the stage between ``top`` (default:
        under the title) and the bottom margin, and centre it there."""
        fit_within(block, STAGE_WIDTH, top - STAGE_BOTTOM)
        return block.move_to([0.0, (top + STAGE_BOTTOM) / 2, 0.0])

    def clear_stage(self, keep: tuple[Mobject, ...] = ()) -> None:
        """Fade out everything except the title and ``keep``."""
        kept = (self.title, self.weights_tag, *keep)
        gone = [m for m in self.mobjects if not any(m is k for k in kept)]
        if gone:
            self.play(*(FadeOut(m) for m in gone))


# Animations whose final frame shows their mobject exactly as it was (fades, growth
# and drawing end on the mobject itself; Indicate goes there and back), by exact type:
# a subclass may end elsewhere.
_UNCHANGED_LEAVES = (FadeIn, FadeOut, OpacityFade, Create, Write, GrowArrow, Indicate)
_GROUPS = (AnimationGroup, LaggedStart)  # all begin together, all clean up together


def _lands_unchanged(animation: Animation) -> bool:
    """``animation`` leaves every mobject's points and colours as they were."""
    if type(animation) in _GROUPS:
        return all(_lands_unchanged(a) for a in animation.animations)
    return type(animation) in _UNCHANGED_LEAVES


def _clean_up(animation: Animation, scene: Scene) -> None:
    """What ``clean_up_from_scene`` does to the scene, without restoring a start state.

    (FadeOut's own clean-up interpolates back to its untouched start; these
    animations never left it.)
    """
    if isinstance(animation, AnimationGroup):
        animation._on_finish(scene)
        for child in animation.animations:
            if animation.remover:
                child.remover = animation.remover
            _clean_up(child, scene)
        return
    Animation.clean_up_from_scene(animation, scene)


def _is_empty(animation: Any) -> bool:
    """An animation group (AnimationGroup, Succession, LaggedStart) with nothing to play."""
    if isinstance(animation, AnimationGroup):
        return all(_is_empty(a) for a in animation.animations)
    return False
