"""The LongRange scene draws rnncore.long_range_experiment's numbers, read off the mobjects."""

from __future__ import annotations

import numpy as np
import pytest
from test_scenes_bptt import _build
from test_training_scene import assert_curve

from rnncore import long_range_experiment
from scenes import LECTURE


@pytest.fixture(scope="module")
def long_range(tmp_path_factory):
    return _build("scenes.long_range.LongRange", "default", tmp_path_factory)


@pytest.fixture(scope="module")
def result():
    return long_range_experiment()  # independently of the scene's cached run


def test_it_follows_vanishing_exploding() -> None:
    names = [s.name for s in LECTURE]
    assert names.index("LongRange") == names.index("VanishingExploding") + 1


def test_fits_the_frame(long_range) -> None:
    assert long_range.overflow == [], long_range.overflow


def test_plots_are_the_experiment(long_range, result) -> None:
    d = result.distances.astype(float)
    accuracy = result.accuracy.mean(axis=1)  # (D,) mean over seeds
    assert_curve(long_range.accuracy_plot, d, accuracy)
    ratio = (result.first_step_error[:, :, 0] / result.last_step_error[:, :, 0]).mean(axis=1)
    assert_curve(long_range.error_plot, d, ratio)
    (chance,) = long_range.accuracy_plot.reference_line
    np.testing.assert_allclose(
        chance.get_start(), long_range.accuracy_plot.axes.c2p(0, result.chance), atol=1e-6
    )
    assert np.all(np.diff(ratio) < 0)  # the surviving error shrinks with the distance


def test_table_is_the_experiment(long_range, result) -> None:
    texts = [m.text for m in long_range.table]
    accuracy = result.accuracy.mean(axis=1)
    ratio = (result.first_step_error[:, :, 0] / result.last_step_error[:, :, 0]).mean(axis=1)
    assert texts[1 : 1 + len(result.distances)] == [str(int(x)) for x in result.distances]
    joined = " ".join(texts)
    assert " ".join(f"{100 * a:.0f}%" for a in accuracy) in joined
    assert " ".join(f"{100 * v:.2g}%" for v in ratio) in joined


def test_notes_point_read_ask_and_lead_on(long_range, result) -> None:
    from _notes import check_notes

    check_notes(long_range.notes_log)
    accuracy = result.accuracy.mean(axis=1)
    assert f"{100 * accuracy[0]:.0f}%" in long_range.notes_log[1]
