"""LSTMBackprop and WhyLSTM: they build and draw exactly what rnncore computed.

Each scene is built dry (nothing encoded) for the default lesson, the shipped LSTM
lesson and the largest lesson; the tests read the drawn TeX and cells back and
compare them with ``rnncore`` results computed here. At every slide's end nothing
may cross the frame margin.
"""

from __future__ import annotations

import json
import re
from importlib import resources

import numpy as np
import pytest
from _lessons import EDGE_LESSONS, write_lesson
from _scenes import build_scene, media_dir

from rnncore import jacobian_norms, lstm_jacobian_norms
from rnncore.lstm_params import GATES
from rnncore.lstm_routes import cell_routes, gate_factors, hidden_routes
from rnncore.lstm_train import lstm_update_report

FRAME_HALF = (7.1, 4.0)
MARGIN = 0.4
SLACK = 0.05
LESSONS = ("default", "lstm", "largest")


def _lesson_path(kind: str, tmp):
    if kind == "default":
        return None
    if kind == "lstm":
        with resources.as_file(resources.files("rnncore") / "lessons" / "lstm.toml") as p:
            return p
    return write_lesson(json.loads(json.dumps(EDGE_LESSONS[kind])), tmp, kind)


def _build(module: str, name: str, kind: str, tmp_path_factory):
    import importlib

    base = getattr(importlib.import_module(module), name)

    class Checked(base):
        """Records what lies outside the margin at the end of every slide."""

        def setup(self) -> None:
            super().setup()
            self.overflow: list[tuple[int, str]] = []
            self.slides = 0

        def check_frame(self) -> None:
            xmax, ymax = FRAME_HALF[0] - MARGIN + SLACK, FRAME_HALF[1] - MARGIN + SLACK
            for mob in self.mobjects:
                if mob.width + mob.height == 0:
                    continue
                if (
                    mob.get_left()[0] < -xmax
                    or mob.get_right()[0] > xmax
                    or mob.get_bottom()[1] < -ymax
                    or mob.get_top()[1] > ymax
                ):
                    self.overflow.append(
                        (self.slides, type(mob).__name__, getattr(mob, "text", "")[:40])
                    )

        def beat(self, notes: str) -> None:
            self.check_frame()
            self.slides += 1
            super().beat(notes)

        def tear_down(self) -> None:
            self.check_frame()
            super().tear_down()

    tmp = tmp_path_factory.mktemp(f"{name}-{kind}")
    return build_scene(Checked, _lesson_path(kind, tmp), tmp, media_dir(tmp_path_factory))


@pytest.fixture(scope="module", params=LESSONS)
def backprop(request, tmp_path_factory):
    return _build("scenes.lstm_backprop", "LSTMBackprop", request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=LESSONS)
def why(request, tmp_path_factory):
    return _build("scenes.why_lstm", "WhyLSTM", request.param, tmp_path_factory)


def _number(tex: str) -> float:
    """A drawn number: its TeX without braces, parentheses and spacing."""
    return float(re.sub(r"[{}()\s]|\\,", "", tex))


# --- LSTMBackprop --------------------------------------------------------------------
def test_backprop_fits_the_frame(backprop) -> None:
    assert backprop.slides == 5
    assert backprop.overflow == [], backprop.overflow


def test_the_routes_of_c_are_the_cores_and_sum_to_its_error(backprop) -> None:
    from scenes.mobjects import fmt, holds

    lesson, t, j = backprop.lesson, backprop.t_focus, backprop.j_focus
    bp = lesson.lstm_backprop()
    cr = cell_routes(bp)
    expected = [cr.via_h[t, j]] + ([cr.via_c[t, j]] if t + 1 < lesson.T else [])
    drawn = backprop.cell_sum
    assert drawn.terms == expected and drawn.total == bp.d_c[t, j]
    assert sum(drawn.terms) == pytest.approx(bp.d_c[t, j], abs=1e-12)
    # the glyphs on screen: each coloured term's digits, then the total's
    shown = [_number(p.tex_string) for p in drawn.term_parts]
    assert [abs(v) for v in shown] == [abs(float(fmt(v))) for v in expected]
    assert drawn.tex[-1].tex_string == fmt(bp.d_c[t, j])
    by_hand = sum(float(fmt(v)) for v in expected)
    assert (drawn.relation == "=") == holds(by_hand, fmt(bp.d_c[t, j]))


def test_the_routes_of_h_are_the_cores_and_sum_to_its_error(backprop) -> None:
    from scenes.mobjects import fmt

    lesson, t, j = backprop.lesson, backprop.t_focus, backprop.j_focus
    bp = lesson.lstm_backprop()
    hr = hidden_routes(bp)
    expected = [hr.via_output[t, j]] if lesson.loss_mask[t] else []
    if t + 1 < lesson.T:
        expected += [hr.via_gate[g][t, j] for g in GATES]
    drawn = backprop.hidden_sum
    assert drawn.terms == expected and drawn.total == bp.d_h[t, j]
    assert sum(drawn.terms) == pytest.approx(bp.d_h[t, j], abs=1e-12)
    shown = [_number(p.tex_string) for p in drawn.term_parts]
    assert [abs(v) for v in shown] == [abs(float(fmt(v))) for v in expected]


def test_gate_errors_are_the_cores(backprop) -> None:
    from scenes.mobjects import fmt

    bp = backprop.lesson.lstm_backprop()
    t, j = backprop.t_focus, backprop.j_focus
    gf = gate_factors(bp)
    for g, line in zip(GATES, backprop.gate_lines, strict=True):
        up, slope, d_a = backprop.gate_values[g]
        assert d_a == bp.d_gate(g)[t, j] and up * slope == pytest.approx(d_a, abs=1e-15)
        assert (up, slope) == (gf.up[g][t, j], gf.slope[g][t, j])
        assert line[-1].tex_string == fmt(d_a)


def test_per_step_gradients_and_their_sum_are_the_cores(backprop) -> None:
    from scenes.lstm_flow_mobjects import GATE_NAMES, gate_blocks

    bp = backprop.lesson.lstm_backprop()
    table = backprop.table
    for (name, t), frame in table.cells.items():
        arr = getattr(bp.grads, name) if t == "sum" else getattr(bp.per_step, name)[t]
        arr = gate_blocks(arr) if name in GATE_NAMES else np.atleast_2d(arr.T).T
        np.testing.assert_array_equal(frame.values, arr)
    for name, per in bp.per_step.items():
        np.testing.assert_allclose(per.sum(axis=0), getattr(bp.grads, name), atol=1e-12)


def test_the_update_is_lstm_sgd_step_and_the_loss_after_is_the_cores(backprop) -> None:
    lesson = backprop.lesson
    rep = lstm_update_report(
        lesson.lstm_params, lesson.xs, lesson.targets, lesson.learning_rate,
        h0=lesson.h0, c0=lesson.c0, loss=lesson.loss, loss_mask=lesson.loss_mask,
    )  # fmt: skip
    numbers = backprop.update_table.numbers
    assert numbers["loss_before"] == rep.loss_before == lesson.lstm_backprop().loss
    assert numbers["loss_after"] == rep.loss_after
    np.testing.assert_array_equal(numbers["losses_after"], rep.losses_after)
    assert ("rises" in backprop.verdict_text) == (rep.loss_after >= rep.loss_before)


# --- WhyLSTM -------------------------------------------------------------------------
def test_why_fits_the_frame(why) -> None:
    assert why.slides == 2
    assert why.overflow == [], why.overflow


def test_the_plotted_norms_are_the_cores(why) -> None:
    lesson = why.lesson
    T = lesson.T
    J = jacobian_norms(lesson.params, lesson.trace())
    L = lstm_jacobian_norms(lesson.lstm_params, lesson.lstm_trace())
    back = T - 1 - np.arange(T)
    expected = {
        "rnn_h": J[T - 1, back],
        "lstm_c": L.c[T - 1, back],
        "lstm_h": L.h[T - 1, back],
        "cell_line": L.cell_line[T - 1, back],
    }
    plot = why.norm_plot
    for (key, (x, y)), path in zip(why.series.items(), plot.paths, strict=True):
        keep = expected[key] > 0
        np.testing.assert_array_equal(y, expected[key][keep])
        np.testing.assert_array_equal(x, np.arange(T)[keep])
        points = np.array([plot.axes.c2p(a, b) for a, b in zip(x, y, strict=True)])
        starts, ends = path.get_start_anchors(), path.get_end_anchors()
        np.testing.assert_allclose(starts[0], points[0], atol=1e-9)
        np.testing.assert_allclose(ends, points[1:] if len(points) > 1 else points, atol=1e-9)


def test_the_long_range_rerun_is_the_experiments(why) -> None:
    from scenes.why_lstm import comparison

    runs = comparison()  # the experiment, cached once per process
    for key in ("rnn", "lstm"):
        cell = getattr(runs, key)
        acc = cell.test_accuracy[np.arange(len(cell.chosen)), cell.chosen]  # (D, S)
        np.testing.assert_array_equal(why.accuracy[key], acc.mean(axis=1))
        np.testing.assert_array_equal(why.spread[key][0], acc.min(axis=1))
        np.testing.assert_array_equal(why.surviving[key], cell.surviving_error)
    texts = [m.original_text for m in why.long_table if hasattr(m, "original_text")]
    for k, v in enumerate(runs.lstm.surviving_error):
        assert f"{v:.2g}" in texts
        assert f"{100 * runs.lstm.mean[k]:.0f}%" in " ".join(texts)
    lrs = [f"{a:g} / {b:g}" for a, b in zip(runs.rnn.chosen_lr, runs.lstm.chosen_lr, strict=True)]
    assert all(x in texts for x in lrs)
    for word in (f"{runs.settings['epochs']} epochs", "validation", "test", "forget bias"):
        assert word in why.setup_text
    bars = why.spread_bars
    assert len(bars) == 2 * len(runs.rnn.distances)


def test_backprop_notes_point_read_ask_and_lead_on(backprop) -> None:
    from test_lstm_scenes import check_lstm_notes

    check_lstm_notes(backprop.notes_log)
    assert backprop.verdict_text in backprop.notes_log[-1]
    assert f"{backprop.update.lr:g}" in backprop.notes_log[-1]


def test_why_notes_point_read_ask_and_lead_on(why) -> None:
    from test_lstm_scenes import check_lstm_notes

    check_lstm_notes(why.notes_log)
    runs = why.runs
    last = why.notes_log[-1]
    for cell in (runs.rnn, runs.lstm):
        for k in range(len(cell.distances)):
            assert f"{100 * cell.mean[k]:.0f}%" in last
    assert "validation" in last and "test sequences" in last and "forget bias" in last
