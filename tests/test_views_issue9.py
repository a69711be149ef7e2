"""Issue 9: the BPTT update, the source bars and the displayed arithmetic, in numbers.

- ``update_report``: one SGD step and a forward pass with the new parameters; the
  default lesson's step lowers the loss, and for any lesson the slide's sentence says
  "overshoots" exactly when the step raises it.
- ``source_shares``: each source's signed share of ||dL/da(t)|| adds up to the norm
  (to 1e-12), unlike the per-source norms.
"""

from __future__ import annotations

import math
import re
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


# --- displayed arithmetic ----------------------------------------------------------------
# A checker for the TeX a scene draws: every "expression = number" whose expression is
# plain arithmetic on numbers (+, -, \cdot, parentheses, -\log, \tanh, ^2) must round
# (half up, to the result's decimals) to the number; "\approx" marks a rounded result.
_NUM = r"-?\d+(?:\.\d+)?"
_NOISE = (r"\left", r"\right", r"\big", r"\Big", r"\,", r"\;", r"\!", r"\ ", r"\textstyle")


def _clean(tex: str) -> str:
    tex = re.sub(r"\\q?quad\s*\([\d.]+\)", " ", tex)  # an equation number, (10.18)
    for noise in _NOISE:
        tex = tex.replace(noise, " ")
    tex = tex.replace(r"\cdot", "*").replace(r"\log", " _log ").replace(r"\tanh", " _tanh ")
    tex = re.sub(r"\^\{?2\}?", "**2", tex)
    tex = re.sub(r"\\q?quad", " ", tex)
    return re.sub(r"\s+", " ", tex).strip()


def _evaluate(expr: str) -> float | None:
    """The value of a plain arithmetic expression, or None if it is not one."""
    expr = re.sub(rf"_log\s*({_NUM.lstrip('-?')})", r"_log(\1)", expr)
    if not expr or not re.fullmatch(r"[\d.+\-*() _logtanh]+", expr):
        return None
    if not re.search(r"\d", expr) or re.search(
        r"[a-z]", expr.replace("_log", "").replace("_tanh", "")
    ):
        return None
    try:
        return float(eval(expr, {"__builtins__": {}}, {"_log": math.log, "_tanh": math.tanh}))
    except (SyntaxError, TypeError, ValueError, ZeroDivisionError):
        return None


def arithmetic_errors(tex: str) -> tuple[list[str], int]:
    """``(failures, checked)``: each '=' between plain arithmetic and a number that
    does not hold on the shown digits, and how many relations were checked at all.

    Equations are separated by " ; " (``panel_tex``), relations chain within one."""

    failures, checked = [], 0
    for equation in tex.split(" ; "):  # panel lines that start a new left-hand side
        bad, n = _chain_errors(equation)
        failures += bad
        checked += n
    return failures, checked


def _chain_errors(tex: str) -> tuple[list[str], int]:
    from scenes.mobjects import holds

    parts = re.split(r"(=|\\approx)", tex)
    failures, checked = [], 0
    for i in range(0, len(parts) - 2, 2):
        lhs, rel, rhs = _clean(parts[i]), parts[i + 1], _clean(parts[i + 2])
        if not re.fullmatch(_NUM, rhs):
            continue
        value = _evaluate(lhs)
        if value is None or lhs == rhs:
            continue
        checked += 1
        if rel == "=" and not holds(value, rhs):
            failures.append(f"{parts[i].strip()} = {rhs}  (the shown digits give {value:.6g})")
    return failures, checked


def panel_tex(mob) -> str:
    """The TeX of an EquationPanel (its lines joined) or of a MathTex."""
    lines = getattr(mob, "lines", None)
    if lines is None:
        return mob.tex_string
    out = lines[0].tex_string
    for line in lines[1:]:  # a line that starts with a relation continues the equation
        tex = line.tex_string.lstrip()
        go_on = tex.startswith(("=", "+", "-", r"\approx"))
        out += (" " if go_on else " ; ") + tex
    return out


def drawn_tex(mobjects) -> list[str]:
    """Every equation among ``mobjects`` (panels whole, other MathTex on their own)."""
    from manim import MathTex

    from scenes.mobjects import EquationPanel

    out: list[str] = []

    def walk(mob) -> None:
        if isinstance(mob, (EquationPanel, MathTex)):
            out.append(panel_tex(mob))
            return
        for sub in mob.submobjects:
            walk(sub)

    for mob in mobjects:
        walk(mob)
    return out


def test_the_checker_catches_the_issues_examples() -> None:
    bad, n = arithmetic_errors(
        r"L = \textstyle\sum_t L^{(t)} = 1.07 + 0.88 + 0.66 + 0.95 + 0.87 = 4.44"
    )
    assert n == 1 and len(bad) == 1
    assert arithmetic_errors(r"L = 1.07 + 0.88 + 0.66 + 0.95 + 0.87 \approx 4.44") == ([], 1)
    bad, n = arithmetic_errors(r"L^{(2)} = -\log \hat{y} = -\log 0.42 = 0.88")
    assert n == 1 and len(bad) == 1
    assert arithmetic_errors(r"-\log 0.417 = 0.875")[0] == []
    assert arithmetic_errors(r"=0.50\cdot(-0.31)=-0.16")[0] == []  # -0.155 rounds half up
    assert len(arithmetic_errors(r"=0.58-0.00=0.57")[0]) == 1
    assert arithmetic_errors(r"\tanh(0.50) = 0.46")[0] == []
    assert arithmetic_errors(r"(1 - 0.25^2)\cdot 0.72 = 0.68")[0] == []  # 0.675, not 0.67499
    assert len(arithmetic_errors(r"=0.42-1.00=-0.57\qquad(10.18)")[0]) == 1


def _lessons(tmp_path) -> list:
    from test_scenes_bptt import CUSTOM_LESSON

    custom = tmp_path / "custom.toml"
    custom.write_text(CUSTOM_LESSON, encoding="utf-8")
    mse = tmp_path / "mse.toml"
    mse.write_text(
        CUSTOM_LESSON.replace('loss = "cross_entropy"', 'loss = "mse"').replace(
            "targets = [1, 1, 0, 0, 1, 0]",
            "targets = [[0.3, -0.71], [1, 0], [0.25, 0.5], [0, 1], [-0.4, 0.6], [0.99, 0.01]]",
        ),
        encoding="utf-8",
    )
    return [default_lesson(), load_lesson(custom), load_lesson(mse)]


def test_loss_panels_hold_on_their_digits(tmp_path) -> None:
    """EquationPanel.total_loss and .step_loss: every shown sum and -log holds, or says ≈."""
    from scenes.mobjects import EquationPanel, fmt, holds, shown

    for lesson in _lessons(tmp_path):
        bp, trace = lesson.backprop(), lesson.trace()
        total = EquationPanel.total_loss(bp.losses, bp.loss, loss_mask=lesson.loss_mask)
        tex = panel_tex(total)
        assert arithmetic_errors(tex) == ([], 1), tex
        by_hand = sum(shown(v) for v in bp.losses[lesson.loss_mask])
        marked = r"\approx" in tex
        assert marked == (f"{by_hand:.2f}" != fmt(bp.loss))
        for t in range(lesson.T):
            panel = EquationPanel.step_loss(trace, bp.losses, lesson.targets, t, loss=lesson.loss)
            tex = panel_tex(panel)
            bad, n = arithmetic_errors(tex)
            assert bad == [], tex
            if lesson.loss == "cross_entropy":
                assert n == 1, tex  # -log p = L(t) is checked, never skipped
            else:  # 1/2 ||o - y||^2 from the shown o, y: "=" only if it rounds to L(t)
                o, y = trace.o[t], lesson.targets[t]
                value = 0.5 * sum((shown(a) - shown(b)) ** 2 for a, b in zip(o, y, strict=True))
                assert (r"\approx" in tex) == (not holds(value, fmt(bp.losses[t]))), tex


def test_default_lessons_loss_is_marked_rounded() -> None:
    """The issue's examples: 1.07 + 0.88 + 0.66 + 0.95 + 0.87 is 4.43, -log 0.42 is 0.87."""
    from scenes.mobjects import EquationPanel

    lesson = default_lesson()
    bp = lesson.backprop()
    tex = panel_tex(EquationPanel.total_loss(bp.losses, bp.loss)).replace(" ", "")
    assert tex.endswith(r"0.87\approx4.44"), tex
    step2 = EquationPanel.step_loss(lesson.trace(), bp.losses, lesson.targets, 1)
    tex = panel_tex(step2).replace(" ", "")
    assert r"-\log0.42=0.88" not in tex and r"-\log0.417=0.875" in tex, tex


def test_unit_panels_hold_on_their_digits(tmp_path) -> None:
    """a_j(t) = b + sum W h + sum U x, tanh, o_k(t) = c + sum V h: hold on the digits, or ≈."""
    from scenes.mobjects import EquationPanel

    for i, lesson in enumerate(_lessons(tmp_path)[:2]):
        trace = lesson.trace()
        checked = 0
        # every unit of every step of the default lesson; the first and last step of the
        # other (each panel compiles its TeX layouts: every step of both takes minutes)
        steps = range(lesson.T) if i == 0 else sorted({0, lesson.T - 1})
        for t in steps:
            for j in range(lesson.params.n_hidden):
                panel = EquationPanel.hidden_unit(lesson.params, trace, t, j, max_width=6.9)
                bad, n = arithmetic_errors(panel_tex(panel))
                assert bad == [], (t, j, bad)
                checked += n
            for k in range(lesson.params.n_out):
                panel = EquationPanel.output_unit(lesson.params, trace, t, k, max_width=6.9)
                bad, n = arithmetic_errors(panel_tex(panel))
                assert bad == [], (t, k, bad)
                checked += n
        assert checked >= len(steps) * lesson.params.n_hidden  # at least the tanh of each
