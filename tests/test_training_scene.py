"""The Training scene draws rnncore's training history, read off the drawn mobjects.

Two lessons: the default (its own sequence, no clipping) and the default with a
``[train]`` table (a parity training set, momentum and a clipping threshold that acts).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_scenes_bptt import _build

from rnncore import default_lesson, load_lesson
from rnncore.bptt_views import target_prediction
from rnncore.lesson_fit import train_lesson
from scenes.mobjects import fmt
from scenes.training import snapshot_epochs

TRAIN_TABLE = """
[train]
epochs = 30
lr = 0.2
momentum = 0.5
clip = 0.5
generator = "parity"
n = 12
T = [3, 6]
"""


@pytest.fixture(scope="module", params=["default", "with_train"])
def training(request, tmp_path_factory):
    if request.param == "default":
        return _build("scenes.training.Training", "default", tmp_path_factory)
    text = Path(default_lesson().source).read_text(encoding="utf-8") + TRAIN_TABLE
    return _build("scenes.training.Training", "with_train", tmp_path_factory, text)


def _expected(scene):
    """The run, trained independently of the scene (same lesson, same settings)."""
    lesson = load_lesson(scene.lesson.source)
    E = lesson.train.epochs if lesson.train else 100
    return lesson, train_lesson(lesson, snapshot_epochs=snapshot_epochs(E))


def _corners(plot, i: int = 0) -> np.ndarray:
    """The corners of curve ``i`` on screen, (n, 3)."""
    line = plot.paths[i]
    return np.vstack([line.points[::4], line.points[-1:]])  # a cubic per segment


def assert_curve(plot, x: np.ndarray, y: np.ndarray, i: int = 0) -> None:
    """Curve ``i`` of ``plot`` passes exactly through the points (x, y) of the axes.

    (Compared on screen through ``axes.c2p``: manim's ``p2c`` does not invert a log axis.)
    """
    expected = np.array([plot.axes.c2p(a, b) for a, b in zip(x, y, strict=True)])
    np.testing.assert_allclose(_corners(plot, i), expected, atol=1e-9)


def test_fits_the_frame(training) -> None:
    assert training.overflow == [], training.overflow


def test_loss_curve_is_the_history(training) -> None:
    _, run = _expected(training)
    expected = run.result.loss
    assert_curve(training.loss_plot, run.result.epochs, expected)
    log = training.loss_plot.axes.y_axis.scaling.__class__.__name__ == "LogBase"
    assert log == (np.log10(expected.max() / expected.min()) > 1)
    assert training.loss_caption.text.replace(" ", "").startswith(
        f"L:{fmt(expected[0])}→{fmt(expected[-1])}"
    )


def test_accuracy_and_norms_are_the_history(training) -> None:
    _, run = _expected(training)
    res = run.result
    assert_curve(training.accuracy_plot, res.epochs, res.accuracy)
    assert_curve(training.norm_plot, res.epochs[1:], res.grad_norm_mean)
    clip = res.settings.clip
    if clip is None:
        assert len(training.norm_plot.reference_line) == 0
        assert "noclipping" in training.clip_caption.text  # Text.text drops spaces
    else:  # the threshold line sits at the clip value; the clipped curve is drawn when it acts
        (line,) = training.norm_plot.reference_line
        axes = training.norm_plot.axes
        np.testing.assert_allclose(line.get_start(), axes.c2p(0, clip), atol=1e-6)
        assert (res.grad_norm_max > clip).any() and len(training.norm_plot.lines) == 2
        assert_curve(training.norm_plot, res.epochs[1:], res.clipped_norm_mean, 1)
        assert np.all(res.clipped_norm_max <= clip + 1e-12)


def test_predictions_before_and_after_are_forward_passes(training) -> None:
    lesson, run = _expected(training)
    texts = [m.text for m in training.table if m.text]
    before, after = lesson.backprop(), run.lesson.backprop()
    for p in (
        target_prediction(lesson.trace(), lesson.targets),
        target_prediction(run.lesson.trace(), lesson.targets),
    ):
        row = " ".join(fmt(v) for v in p)
        assert row in " ".join(texts)
    for bp in (before, after):
        assert " ".join([*(fmt(v) for v in bp.losses), fmt(bp.loss)]) in " ".join(texts)
    assert after.loss < before.loss  # training lowered the lesson's loss


def test_weights_are_the_snapshots(training) -> None:
    _, run = _expected(training)
    res = run.result
    assert len(training.weights) == len(res.snapshot_epochs) >= 2
    for group, e in zip(training.weights, res.snapshot_epochs, strict=True):
        grid, label = group
        W = res.params_at(e).W
        np.testing.assert_array_equal(grid.matrix_values, W)
        assert grid.shown_matrix() == [[fmt(v) for v in row] for row in W]
        assert label.text.replace(" ", "") == f"epoch{e}"


def test_training_notes_point_read_ask_and_lead_on(training) -> None:
    from _notes import check_notes

    check_notes(training.notes_log)


DIVERGING = """
name = "diverging"
task = "many_to_many"
loss = "mse"
learning_rate = 0.5  # too large for this lesson: 100 epochs take L from 1.07 to ~1e143

[network]
n_in = 2
n_hidden = 3
n_out = 2
seed = 3

[data]
xs = [[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]]
targets = [[0.5, 0.2], [0.2, -0.1], [-0.1, 0.5], [0.5, 0.2], [0.2, -0.1]]
"""


@pytest.fixture(scope="module")
def diverging(tmp_path_factory):
    return _build("scenes.training.Training", "diverging", tmp_path_factory, DIVERGING)


def test_a_run_that_diverges_says_so_and_stays_readable(diverging) -> None:
    """A lecturer's learning rate that is too large: the slides say the loss rose, the
    log axes label a few decades, and no number on screen is a 140-digit string."""
    _, run = _expected(diverging)
    loss = run.result.loss
    assert loss[-1] > 1e6 * loss[0]  # the run does diverge
    assert not diverging.overflow, diverging.overflow
    caption = diverging.loss_caption.text.replace(" ", "")  # Text keeps no spaces
    assert f"L:{fmt(loss[0])}→{fmt(loss[-1])}" in caption and "rose" in caption
    for plot in (diverging.loss_plot, diverging.norm_plot):
        axis = plot.axes.y_axis  # a log axis keeps its powers of ten in .labels
        labels = axis.labels if hasattr(axis, "labels") else axis.numbers
        assert 2 <= len(labels) <= 7, len(labels)
    numbers = [
        m.text
        for top in diverging.mobjects
        for m in top.get_family()
        if isinstance(getattr(m, "text", None), str)
        and m.text
        and set(m.text) <= set("0123456789.-+e")
    ]
    assert numbers, "the last slide shows the weights"
    assert all(len(t) <= 9 for t in numbers), [t for t in numbers if len(t) > 9]


OVERFLOWING = DIVERGING.replace('name = "diverging"', 'name = "overflowing"').replace(
    "learning_rate = 0.5 ", "learning_rate = 5.0 "
)


def test_training_that_overflows_raises_one_line_naming_the_epoch(tmp_path: Path) -> None:
    """No 'U: expected finite numbers' from deep inside backward: the run says when it
    left float64's range and with which learning rate."""
    import warnings

    from rnncore.train import TrainingOverflow

    path = tmp_path / "overflowing.toml"
    path.write_text(OVERFLOWING, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's overflow warnings
        with pytest.raises(TrainingOverflow) as caught:
            train_lesson(load_lesson(path))
        assert np.isfinite(train_lesson(load_lesson(path), lr=0.5).result.loss).all()
    e = caught.value
    assert 1 <= e.epoch <= 100 and e.lr == 5.0
    assert str(e).splitlines() == [str(e)] and f"epoch {e.epoch}" in str(e)


def test_a_run_that_overflows_is_one_slide_that_says_so(tmp_path_factory) -> None:
    scene = _build("scenes.training.Training", "overflowing", tmp_path_factory, OVERFLOWING)
    e = scene.overflowed
    said = " ".join(t.text for t in scene.overflow_text).replace(" ", "")
    assert f"learningrate{e.lr:g},trainingoverflowedinepoch{e.epoch}of100" in said
    assert len(scene.notes_log) == 1 and f"epoch {e.epoch}" in scene.notes_log[0]
    assert not scene.overflow, scene.overflow
