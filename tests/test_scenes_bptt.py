"""The BPTT scenes: they build for two lessons and show exactly what the core computed.

BackpropThroughTime, TruncatedBPTT and VanishingExploding are constructed without
encoding (manim dry run), for the default lesson and for a lesson with 6 steps and
5 hidden units; the tests read the numbers back from the mobjects the scenes kept
and compare them with ``rnncore`` results computed here. A layout check records,
at the end of every slide, anything that crosses the frame margin.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _scenes import build_scene, media_dir

from rnncore import (
    backward,
    forward,
    jacobian_norms,
    pascanu_bound,
    scale_recurrence,
    sgd_step,
    spectral_radius,
)
from rnncore.bptt_views import (
    clip_report,
    d_h_parts,
    grads_difference,
    horizon_mask,
    source_shares,
    truncation_chunks,
)

CUSTOM_LESSON = """
name = "Custom: 6 steps, 5 hidden"
loss = "cross_entropy"
learning_rate = 0.3
truncate = 3
clip = 0.5

[network]
n_in = 3
n_hidden = 5
n_out = 2
seed = 3
scale = 0.8

[data]
xs = [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0]]
targets = [1, 1, 0, 0, 1, 0]
"""

FRAME_HALF = (7.1, 4.0)
MARGIN = 0.4
SLACK = 0.05  # stroke widths and rounding


def _build(
    cls_path: str, kind: str, tmp_path_factory: pytest.TempPathFactory, text: str | None = None
):
    """Construct the scene for the lesson ``kind`` (nothing encoded), recording overflow.

    ``kind`` "default" is the default lesson; any other is ``text`` (a lesson file's
    TOML; default ``CUSTOM_LESSON``)."""
    import importlib

    module, name = cls_path.rsplit(".", 1)
    tmp = tmp_path_factory.mktemp(f"{name}-{kind}")
    base = getattr(importlib.import_module(module), name)

    class Checked(base):
        """Records, at the end of every slide, the mobjects outside the margin."""

        def setup(self) -> None:
            super().setup()
            self.overflow: list[tuple[int, str, tuple[float, float, float, float]]] = []
            self.tex_drawn: list[tuple[int, str]] = []  # (slide, TeX) at every slide's end
            self.slide_count = 0

        def check_frame(self) -> None:
            from test_views_issue9 import drawn_tex

            self.tex_drawn.extend((self.slide_count, tex) for tex in drawn_tex(self.mobjects))
            xmax, ymax = FRAME_HALF[0] - MARGIN + SLACK, FRAME_HALF[1] - MARGIN + SLACK
            for mob in self.mobjects:
                if mob.get_family() and mob.width + mob.height > 0:
                    left, right = mob.get_left()[0], mob.get_right()[0]
                    bottom, top = mob.get_bottom()[1], mob.get_top()[1]
                    if left < -xmax or right > xmax or bottom < -ymax or top > ymax:
                        box = (float(left), float(right), float(bottom), float(top))
                        self.overflow.append((self.slide_count, type(mob).__name__, box))

        def beat(self, notes: str) -> None:
            self.check_frame()
            self.slide_count += 1
            super().beat(notes)

        def tear_down(self) -> None:
            self.check_frame()
            super().tear_down()

    lesson = None
    if kind != "default":
        lesson = tmp / "custom.toml"
        lesson.write_text(text or CUSTOM_LESSON, encoding="utf-8")
    scene = build_scene(Checked, lesson, tmp, media_dir(tmp_path_factory))
    scene.lesson_kind = kind
    return scene


@pytest.fixture(scope="module", params=["default", "custom"])
def bptt(request, tmp_path_factory):
    return _build("scenes.bptt.BackpropThroughTime", request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=["default", "custom"])
def truncated(request, tmp_path_factory):
    return _build("scenes.truncated.TruncatedBPTT", request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=["default", "custom"])
def vanishing(request, tmp_path_factory):
    return _build("scenes.vanishing.VanishingExploding", request.param, tmp_path_factory)


def strings(values: np.ndarray) -> list[str]:
    from scenes.mobjects import fmt

    return [fmt(v) for v in np.asarray(values).reshape(-1)]


def _sizes_match(scene) -> None:
    lesson = scene.lesson
    expected = (5, 4) if scene.lesson_kind == "default" else (6, 5)
    assert (lesson.T, lesson.params.n_hidden) == expected


# --- BackpropThroughTime ---------------------------------------------------------------
def test_bptt_fits_the_frame(bptt) -> None:
    _sizes_match(bptt)
    assert bptt.overflow == [], bptt.overflow


def test_bptt_output_errors_are_the_cores(bptt) -> None:
    bp = bptt.lesson.backprop()
    for t, strip in bptt.d_o_strips.items():
        assert strip.shown_numbers() == strings(bp.d_o[t])
        np.testing.assert_array_equal(strip.values, bp.d_o[t])
    np.testing.assert_array_equal(bptt.d_o_panel_values, bp.d_o[bptt.t_focus])


def test_bptt_error_flow_width_is_the_norm_by_source(bptt) -> None:
    from scenes.errorflow import ARROW_WIDTH

    bp = bptt.lesson.backprop()
    norms = bp.norms_by_source  # (T_source, T)
    flow = bptt.flow
    lo, hi = ARROW_WIDTH
    T = bptt.lesson.T
    expected_back = {(s, t) for s in range(T) for t in range(1, s + 1) if norms[s, t] > 0}
    assert set(flow.back) == expected_back
    assert set(flow.down) == {s for s in range(T) if norms[s, s] > 0}
    for (s, t), arrow in flow.back.items():
        width = flow.widths[(s, t)]
        assert arrow.get_stroke_width() == pytest.approx(width)
        assert (width - lo) / (hi - lo) * flow.vmax == pytest.approx(norms[s, t])
    # the arrow into h(t-1) starts at h(t) and ends at h(t-1): it runs right to left
    for (_, t), arrow in flow.back.items():
        assert arrow.get_start()[0] > arrow.get_end()[0]
        assert arrow.get_end()[0] > bptt.net.h[t - 1].get_center()[0]


def test_bptt_focus_step_sums_its_sources(bptt) -> None:
    bp = bptt.lesson.backprop()
    t, j = bptt.t_focus, bptt.j_focus
    terms = bptt.contribution.terms
    assert [s for s, _ in terms] == [s for s in range(t, bptt.lesson.T) if bp.loss_mask[s]]
    for s, value in terms:
        assert value == bp.by_source[s, t, j]
    assert bptt.contribution.total == bp.d_a[t, j]
    assert sum(v for _, v in terms) == pytest.approx(bp.d_a[t, j])
    # the arrows that reach h(t) are exactly the later sources' arrows into it
    into = {id(a) for a in bptt.flow.into_step(t)}
    expected = {id(bptt.flow.back[(s, t + 1)]) for s in range(t + 1, bptt.lesson.T)}
    expected |= {id(bptt.flow.down[t])}
    assert into == expected


def test_bptt_bars_add_up_to_the_norm_they_are_labelled(bptt) -> None:
    """Each stacked bar's signed segments sum to ||dL/da(t)|| (to 1e-12), mark and value too."""
    from scenes.mobjects import fmt

    bp = bptt.lesson.backprop()
    bars = bptt.bars
    norms = np.linalg.norm(bp.d_a, axis=1)  # what every bar is labelled
    shares, _ = source_shares(bp)
    heights = bars.heights()  # signed: negative below the axis
    drawn = shares != 0
    np.testing.assert_allclose(heights[drawn] / bars.unit, shares[drawn], rtol=1e-12, atol=0)
    assert np.all(heights[~drawn] == 0)
    np.testing.assert_allclose(heights.sum(axis=0) / bars.unit, norms, rtol=0, atol=1e-12)
    base = bars.baseline.get_y()
    for t in range(bptt.lesson.T):
        mark_value = (bars.marks[t].get_y() - base) / bars.unit
        assert mark_value == pytest.approx(norms[t], abs=1e-12)
        assert bars.values[t].tex_string == fmt(norms[t])
        # stacked: positive segments upward from 0, negative ones downward, each touching
        for sign in (1, -1):
            segs = [
                bars.segments[(s, t)] for s in range(t, bptt.lesson.T) if sign * shares[s, t] > 0
            ]
            edge = base
            for seg in segs:
                near = seg.get_bottom()[1] if sign > 0 else seg.get_top()[1]
                assert near == pytest.approx(edge, abs=1e-9)
                edge = seg.get_top()[1] if sign > 0 else seg.get_bottom()[1]
    # an axis with values: the tick labels are the tick values, at their heights
    assert len(bars.tick_values) >= 2
    for v, label in zip(bars.tick_values, bars.tick_numbers, strict=True):
        assert label.tex_string == fmt(v)
        assert label.get_y() == pytest.approx(base + v * bars.unit, abs=1e-6)


def test_bptt_displayed_arithmetic_holds_or_says_rounded(bptt) -> None:
    """Every sum, product and difference the slides draw holds on its digits, or is ≈."""
    from test_views_issue9 import arithmetic_errors

    failures, checked = [], 0
    for slide, tex in bptt.tex_drawn:
        bad, n = arithmetic_errors(tex)
        failures += [(slide, b) for b in bad]
        checked += n
    assert failures == []
    # the loss sum, dL/do, the contributions, 10.21, tanh', dW: all of them were read
    assert checked >= 6
    assert bptt.update_relation in ("=", r"\approx")


def test_bptt_equations_carry_the_core_numbers(bptt) -> None:
    lesson = bptt.lesson
    bp, trace = lesson.backprop(), lesson.trace()
    t, j = bptt.t_focus, bptt.j_focus
    e = bptt.eq_numbers
    parts = d_h_parts(bp)
    assert e["from_future"] == parts.from_future[t, j]
    assert e["from_output"] == parts.from_output[t, j]
    assert e["from_future"] + e["from_output"] == pytest.approx(bp.d_h[t, j])
    assert e["dtanh"] * e["d_h"] == pytest.approx(e["d_a"])
    assert e["d_a"] == bp.d_a[t, j]
    assert e["d_a"] * e["h_prev"] == pytest.approx(e["dW"])
    assert e["dW"] in bp.per_step.W[t, j]
    k = int(np.argmax(np.abs(bp.d_o[t])))
    assert e["y_hat"] - e["y"] == pytest.approx(e["d_o"])
    assert e["y_hat"] == trace.y_hat[t, k]
    # 10.21 by hand: W^T d_a(t+1) + V^T d_o(t) for unit j
    W, V = lesson.params.W, lesson.params.V
    future = W[:, j] @ bp.d_a[t + 1] if t + 1 < lesson.T else 0.0
    assert e["from_future"] == pytest.approx(future)
    assert e["from_output"] == pytest.approx(V[:, j] @ bp.d_o[t])


def test_bptt_gradient_frames_hold_per_step_and_sum(bptt) -> None:
    bp = bptt.lesson.backprop()
    table = bptt.table
    for name in ("U", "W", "V", "b", "c"):
        per = getattr(bp.per_step, name)
        for t in range(bptt.lesson.T):
            np.testing.assert_array_equal(
                table.cells[(name, t)].values.reshape(per[t].shape), per[t]
            )
        total = getattr(bp.grads, name)
        np.testing.assert_array_equal(table.cells[(name, "sum")].values.reshape(total.shape), total)
        np.testing.assert_allclose(per.sum(axis=0), total)


def test_bptt_update_is_one_sgd_step(bptt) -> None:
    lesson = bptt.lesson
    bp = lesson.backprop()
    new = sgd_step(lesson.params, bp.grads, lesson.learning_rate)
    assert bptt.w_before.entries == strings(lesson.params.W)
    assert bptt.w_grad.entries == strings(bp.grads.W)
    assert bptt.w_after.entries == strings(new.W)
    np.testing.assert_array_equal(bptt.w_after.values, new.W)
    assert not np.array_equal(new.W, lesson.params.W)
    # the network drawn after the update carries the new weights
    np.testing.assert_array_equal(bptt.after_target.w.weights, new.W)
    np.testing.assert_array_equal(bptt.before.w.weights, lesson.params.W)
    assert bptt.after_target.w.vmax == bptt.before.w.vmax
    # ... and the activations of a forward pass with the new weights (not the old ones)
    t = bptt.t_focus
    new_trace = forward(new, lesson.xs, lesson.h0, output=lesson.output)
    np.testing.assert_array_equal(bptt.after_target.hidden.values, new_trace.h[t])
    np.testing.assert_array_equal(bptt.before.hidden.values, lesson.trace().h[t])


def test_bptt_update_slide_shows_the_loss_after_a_new_forward_pass(bptt) -> None:
    """Predictions and losses before/after come from rnncore; an overshoot is called one."""
    from scenes.mobjects import fmt

    lesson = bptt.lesson
    bp = lesson.backprop()
    new = sgd_step(lesson.params, bp.grads, lesson.learning_rate)
    tr = forward(new, lesson.xs, lesson.h0, output=lesson.output)
    after = backward(new, tr, lesson.targets, lesson.loss, lesson.loss_mask)
    n = bptt.update_table.numbers
    rows = np.arange(lesson.T)
    np.testing.assert_array_equal(n["pred_before"], lesson.trace().y_hat[rows, lesson.targets])
    np.testing.assert_array_equal(n["pred_after"], tr.y_hat[rows, lesson.targets])
    np.testing.assert_array_equal(n["losses_before"], bp.losses)
    np.testing.assert_array_equal(n["losses_after"], after.losses)
    assert n["loss_before"] == bp.loss and n["loss_after"] == after.loss
    text = bptt.verdict_text
    assert bptt.update_verdict.text == text.replace(" ", "").replace("\n", "")
    assert fmt(bp.loss) in text and fmt(after.loss) in text
    if bptt.lesson_kind == "default":  # the lesson's step is one that lowers the loss
        assert after.loss < bp.loss and "lowers the loss" in text and "overshoot" not in text
    else:  # the custom lesson's lr 0.3 raises it: the slide must say so
        assert after.loss > bp.loss and "overshoots" in text


# --- TruncatedBPTT -----------------------------------------------------------------------
def test_truncated_fits_the_frame(truncated) -> None:
    _sizes_match(truncated)
    assert truncated.overflow == [], truncated.overflow


def test_truncated_greys_exactly_the_paths_beyond_the_horizon(truncated) -> None:
    from scenes.grammar import MEANING

    lesson = truncated.lesson
    k = lesson.truncate
    full, trunc = lesson.backprop(), lesson.backprop(truncate=k)
    keep = horizon_mask(lesson.T, k)
    cut = {id(a) for a in truncated.cut}
    for (s, t), arrow in truncated.flow.back.items():
        beyond = s - (t - 1) >= k  # the error would reach step t-1, k or more steps back
        assert (id(arrow) in cut) == beyond
        if beyond:
            assert arrow.get_color() == MEANING.cut.color
    assert len(cut) > 0
    # the kept paths carry the same error in both, the cut ones carry nothing in BPTT(k)
    np.testing.assert_allclose(trunc.norms_by_source[keep], full.norms_by_source[keep])
    assert np.all(trunc.norms_by_source[~keep] == 0)
    assert len(truncated.marks) == sum(
        1 for s in range(lesson.T) if s - k >= 0 and full.norms_by_source[s, s - k + 1] > 0
    )


def test_truncated_gradient_and_difference_are_the_cores(truncated) -> None:
    lesson = truncated.lesson
    full, trunc = lesson.backprop(), lesson.backprop(truncate=lesson.truncate)
    diff = grads_difference(full, trunc)
    assert truncated.full_w.entries == strings(full.grads.W)
    assert truncated.trunc_w.entries == strings(trunc.grads.W)
    assert truncated.diff_w.entries == strings(diff.W)
    np.testing.assert_allclose(truncated.diff_w.values, full.grads.W - trunc.grads.W)
    assert truncated.summary_numbers["V"] == 0.0
    assert truncated.summary_numbers["c"] == 0.0
    assert truncated.summary_numbers["W"] > 0.0


def test_truncated_cost_counts(truncated) -> None:
    from scenes.truncated import TEXT_WORDS

    k = truncated.lesson.truncate
    cost = truncated.cost
    assert cost["updates"] == math.ceil(len(TEXT_WORDS) / k)
    assert [len(c) for c in truncation_chunks(len(TEXT_WORDS), k)][:-1] == [k] * (
        cost["updates"] - 1
    )


# --- VanishingExploding ------------------------------------------------------------------
def test_vanishing_fits_the_frame(vanishing) -> None:
    _sizes_match(vanishing)
    assert vanishing.overflow == [], vanishing.overflow


def test_vanishing_plot_is_the_jacobian_norms(vanishing) -> None:
    from scenes.vanishing import RADII

    lesson = vanishing.lesson
    axes = vanishing.plot.axes
    T = lesson.T
    distances = np.arange(T)
    for i, r in enumerate(RADII):
        p = scale_recurrence(lesson.params, r)
        assert spectral_radius(p.W) == pytest.approx(r)
        tr = forward(p, lesson.xs, lesson.h0, output=lesson.output)
        J = jacobian_norms(p, tr)
        measured = J[T - 1, T - 1 - distances]
        dots = vanishing.plot.dots[2 * i]
        assert len(dots) == T
        for d, dot in zip(distances, dots, strict=True):
            np.testing.assert_allclose(dot.get_center(), axes.c2p(d, measured[d]), atol=1e-9)
        bound = pascanu_bound(p.W, distances)
        np.testing.assert_allclose(vanishing.cases[i].bound, bound)
        assert np.all(measured <= bound * (1 + 1e-9))


def test_vanishing_trails_show_the_last_losss_error(vanishing) -> None:
    T = vanishing.lesson.T
    for case, numbers in zip(vanishing.cases, vanishing.trail_numbers, strict=True):
        norms = case.backprop.norms_by_source[T - 1]
        assert [n.text for n in numbers] == strings(norms)


def test_vanishing_clipping_brings_the_norm_to_the_threshold(vanishing) -> None:
    lesson = vanishing.lesson
    case = vanishing.cases[-1]
    rep = clip_report(case.params, case.backprop.grads, lesson.learning_rate, lesson.clip)
    shown = vanishing.clip
    assert shown.norm_before == pytest.approx(case.backprop.grads.global_norm())
    assert shown.norm_before > lesson.clip  # the exploding case needs clipping here
    assert shown.norm_after == pytest.approx(lesson.clip)
    assert rep.norm_after == pytest.approx(shown.norm_after)
    expected = sgd_step(case.params, case.backprop.grads, lesson.learning_rate, clip=lesson.clip)
    np.testing.assert_allclose(shown.params_after.W, expected.W)
    from scenes.mobjects import fmt

    assert fmt(lesson.clip) in vanishing.clip_numbers["after"].get_tex_string()
    assert fmt(shown.norm_before) in vanishing.clip_numbers["before"].get_tex_string()


# --- rnncore.bptt_views (no scene) ---------------------------------------------------------
@pytest.mark.parametrize("k", [1, 2, 3, None])
def test_horizon_mask_is_where_truncated_errors_are_nonzero(k) -> None:
    from rnncore import default_lesson

    lesson = default_lesson()
    bp = lesson.backprop(truncate=k)
    keep = horizon_mask(lesson.T, k)
    assert np.all(bp.norms_by_source[~keep] == 0)
    assert np.all(bp.norms_by_source[keep] > 0)


def test_d_h_parts_rejects_truncated_results() -> None:
    from rnncore import default_lesson

    lesson = default_lesson()
    parts = d_h_parts(lesson.backprop())
    np.testing.assert_allclose(parts.from_output + parts.from_future, lesson.backprop().d_h)
    assert np.all(parts.from_future[-1] == 0)
    with pytest.raises(ValueError, match="full BPTT"):
        d_h_parts(lesson.backprop(truncate=2))


def test_truncation_chunks_cover_the_text_once() -> None:
    chunks = truncation_chunks(11, 3)
    assert [list(c) for c in chunks] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10]]
    with pytest.raises(ValueError):
        truncation_chunks(5, 0)


def test_clip_report_leaves_small_gradients_alone() -> None:
    from rnncore import default_lesson

    lesson = default_lesson()
    g = lesson.backprop().grads
    rep = clip_report(lesson.params, g, lesson.learning_rate, threshold=10 * g.global_norm())
    assert rep.scale == 1.0
    assert rep.norm_after == pytest.approx(rep.norm_before)
    np.testing.assert_allclose(
        rep.params_after.W, sgd_step(lesson.params, g, lesson.learning_rate).W
    )


# --- issue 9: notes, the weights tag, targets, the loss key, the coloured frames -------


def test_bptt_notes_point_read_ask_and_lead_on(bptt) -> None:
    from _notes import check_notes

    check_notes(bptt.notes_log)


def test_weights_tag_names_the_state_beside_the_title(bptt) -> None:
    from scenes.base import weights_state

    tag, title = bptt.weights_tag, bptt.title
    squash = str.maketrans("", "", " \n")
    assert tag.text.translate(squash) == weights_state(bptt.lesson).translate(squash)
    assert tag.get_left()[0] > title.get_right()[0]  # beside the title, not over it
    assert tag in bptt.mobjects  # still on screen at the end


def test_weights_state_says_trained_random_or_from_the_file() -> None:
    import dataclasses

    from rnncore import default_lesson
    from rnncore.lesson_train import TrainedRecord
    from scenes.base import weights_state

    lesson = default_lesson()
    assert weights_state(lesson).startswith("weights: from the file")
    seeded = dataclasses.replace(lesson, given_weights=(), seed=7)
    assert weights_state(seeded) == "weights: untrained\nrandom, seed 7"
    record = TrainedRecord(epochs=40, lr=0.25, final_loss=0.1)
    trained = dataclasses.replace(lesson, trained=record)
    assert weights_state(trained) == "weights: trained\n40 epochs, lr 0.25"


def test_loss_cells_have_a_key_on_their_own_scale(bptt) -> None:
    from scenes.mobjects.keys import ColorBar

    bars = [m for m in bptt.legend.get_family() if isinstance(m, ColorBar) and m.loss]
    assert len(bars) == 1
    assert bars[0].vmax == pytest.approx(float(bptt.bp.losses.max()))
    assert bptt.net.loss_vmax == pytest.approx(bars[0].vmax)


def test_update_table_shows_the_target_of_every_step_with_a_loss(bptt) -> None:
    lesson, table = bptt.lesson, bptt.update_table
    cells = table.cells["target"]
    for t in range(lesson.T):
        drawn = getattr(cells[1 + t], "tex_string", "")
        if not lesson.loss_mask[t]:
            assert drawn == ""
        elif lesson.loss == "cross_entropy":
            assert drawn == str(int(lesson.targets[t]) + 1)
        else:
            assert all(fmt_ in drawn for fmt_ in strings(lesson.targets[t]))


def test_each_gradient_frame_holds_exactly_the_errors_it_needs(bptt) -> None:
    from scenes.grammar import source_color

    bp, frames = bptt.bp, bptt.frames
    assert bptt.frame_steps[-1] == bptt.lesson.T - 1
    for t in bptt.frame_steps:
        assert sorted(frames.needs[t]) == [k for k in frames.columns if k >= t]
        for k, strip in frames.needs[t].items():
            np.testing.assert_array_equal(strip.values, bp.d_a[k])
        np.testing.assert_array_equal(frames.frames[t].values, bp.per_step.W[t])
        color = source_color(t).to_hex().lower()
        assert frames.frames[t].frame.get_stroke_color().to_hex().lower() == color


def test_vanishing_notes_and_the_ai_winter(vanishing) -> None:
    """Article 001's end: the AI-winter remark on screen and in the notes (issue 9)."""
    from _notes import check_notes

    from scenes.vanishing import norm_text

    check_notes(vanishing.notes_log)
    assert "AI winter" in vanishing.notes_log[-1]
    drawn = " ".join(line.original_text for line in vanishing.teaser)
    assert "AI winter" in drawn
    small, large = vanishing.cases[0], vanishing.cases[-1]
    for case in (small, large):  # the error of L(T) at step 1, as the trails show it
        assert norm_text(case.backprop.norms_by_source[-1][0]) in drawn
    assert [len(row[2]) for row in vanishing.teaser_trails[1]] == [vanishing.lesson.T] * 2


@pytest.mark.parametrize("T", [2, 5, 10])
def test_error_trail_numbers_never_overlap(T: int) -> None:
    """At T = 10 one line of numbers is too tight: every other one moves a line lower, and
    no two numbers of a row share any space."""
    import itertools

    from rnncore import RNNParams
    from rnncore.bptt_views import radius_cases
    from scenes.mobjects import fmt
    from scenes.vanishing_views import RADII, error_trail

    rng = np.random.default_rng(T)
    params = RNNParams.random(8, 10, 6, seed=T)
    xs, targets = rng.uniform(-1, 1, (T, 8)), rng.integers(0, 6, T)
    case = radius_cases(params, xs, targets, RADII)[-1]
    numbers = error_trail(case, T, vmax=1.0, y=0.0)[2]
    assert [n.original_text for n in numbers] == [fmt(v) for v in case.backprop.norms_by_source[-1]]
    for a, b in itertools.combinations(numbers, 2):
        apart_x = a.get_right()[0] < b.get_left()[0] or b.get_right()[0] < a.get_left()[0]
        apart_y = a.get_top()[1] < b.get_bottom()[1] or b.get_top()[1] < a.get_bottom()[1]
        assert apart_x or apart_y, (a.original_text, b.original_text)
