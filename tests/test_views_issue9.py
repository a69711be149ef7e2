"""Issue 9: the BPTT update, the source bars and the displayed arithmetic, in numbers.

- ``update_report``: one SGD step and a forward pass with the new parameters; the
  default lesson's step lowers the loss, and for any lesson the slide's sentence says
  "overshoots" exactly when the step raises it.
- ``source_shares``: each source's signed share of ||dL/da(t)|| adds up to the norm
  (to 1e-12), unlike the per-source norms.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from _lessons import lesson_tables, write_lesson
from hypothesis import HealthCheck, given, settings

from rnncore import backward, forward, sgd_step
from rnncore.bptt_views import source_shares, target_prediction, update_report
from rnncore.lesson import default_lesson, load_lesson


def _report(lesson):
    return update_report(
        lesson.params,
        lesson.xs,
        lesson.targets,
        lesson.learning_rate,
        h0=lesson.h0,
        loss=lesson.loss,
        loss_mask=lesson.loss_mask,
    )


# --- the update ------------------------------------------------------------------------
def test_default_lesson_update_lowers_the_loss() -> None:
    lesson = default_lesson()
    rep = _report(lesson)
    assert rep.loss_before == lesson.backprop().loss
    assert rep.lowers and rep.loss_after < rep.loss_before
    # the "after" numbers are a new forward pass, not the old activations
    assert not np.allclose(rep.trace_after.h, rep.trace_before.h)


def test_update_verdict_of_the_default_lesson() -> None:
    from scenes.bptt import update_verdict
    from scenes.mobjects import fmt

    rep = _report(default_lesson())
    text = update_verdict(rep)
    assert "lowers" in text and "overshoot" not in text
    assert fmt(rep.loss_before) in text and fmt(rep.loss_after) in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lesson_tables())
def test_update_report_is_a_forward_pass_with_the_new_parameters(
    tmp_path_factory, raw: dict[str, Any]
) -> None:
    """For any lesson: the after-numbers are recomputed; the sentence says what happened."""
    from scenes.bptt import update_verdict

    lesson = load_lesson(write_lesson(raw, tmp_path_factory.mktemp("drawn")))
    rep = _report(lesson)
    bp = lesson.backprop()
    new = sgd_step(lesson.params, bp.grads, lesson.learning_rate)
    for (_, a), (_, b) in zip(rep.params_after.items(), new.items(), strict=True):
        np.testing.assert_array_equal(a, b)
    tr = forward(new, lesson.xs, lesson.h0, output=lesson.output)
    bp_after = backward(new, tr, lesson.targets, lesson.loss, lesson.loss_mask)
    np.testing.assert_array_equal(rep.trace_after.h, tr.h)
    np.testing.assert_array_equal(rep.losses_after, bp_after.losses)
    assert rep.loss_after == bp_after.loss and rep.loss_before == bp.loss
    assert rep.lowers == (bp_after.loss < bp.loss)
    text = update_verdict(rep)
    assert ("overshoots" in text) == (not rep.lowers)
    assert ("lowers the loss" in text) == rep.lowers


def test_overshooting_lesson_is_called_so() -> None:
    """The default network with the old learning rate 0.5 raises the loss: the slide says so."""
    from scenes.bptt import update_verdict

    lesson = default_lesson()
    rep = update_report(
        lesson.params, lesson.xs, lesson.targets, 0.5, h0=lesson.h0, loss_mask=lesson.loss_mask
    )
    assert not rep.lowers
    assert update_verdict(rep).startswith("This step overshoots")


def test_target_prediction_is_what_the_loss_reads() -> None:
    lesson = default_lesson()
    p = target_prediction(lesson.trace(), lesson.targets)
    np.testing.assert_allclose(-np.log(p), lesson.backprop().losses, rtol=1e-14)


# --- the source bars -----------------------------------------------------------------------
def test_source_shares_sum_to_the_norm_default() -> None:
    bp = default_lesson().backprop()
    shares, norms = source_shares(bp)
    np.testing.assert_allclose(norms, np.linalg.norm(bp.d_a, axis=1), rtol=0, atol=1e-15)
    np.testing.assert_allclose(shares.sum(axis=0), norms, rtol=0, atol=1e-12)
    assert np.all(shares[np.triu_indices(len(norms), 1)] == 0)  # L(s) sends nothing to t > s
    # the old bars: per-source norms add up to more than the norm (t = 2: about twice)
    stacked = bp.norms_by_source.sum(axis=0)
    assert stacked[1] / norms[1] == pytest.approx(2.0, abs=0.01)
    assert stacked[0] / norms[0] == pytest.approx(1.31, abs=0.01)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lesson_tables())
def test_source_shares_sum_to_the_norm_any_lesson(tmp_path_factory, raw: dict[str, Any]) -> None:
    lesson = load_lesson(write_lesson(raw, tmp_path_factory.mktemp("drawn")))
    bp = lesson.backprop()
    shares, norms = source_shares(bp)
    assert shares.shape == (lesson.T, lesson.T) and shares.dtype == np.float64
    np.testing.assert_allclose(shares.sum(axis=0), norms, rtol=0, atol=1e-12 * max(1, norms.max()))
    # a share is a projection: never larger than that source's own norm
    assert np.all(np.abs(shares) <= bp.norms_by_source + 1e-12)
