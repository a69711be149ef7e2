"""Truncated BPTT against independent computations, and what TruncatedBPTT draws of it.

Two references share no code with rnncore.backward:

* ``window_loss`` (in ``_reference``): every loss L(s) is recomputed from a forward pass
  that restarts k steps back from the constant (stop-gradient) state h(s-k); its finite
  differences are the BPTT(k) gradient of every parameter and of h0;
* ``explicit_by_source`` (from test_rnn): explicit products of step Jacobians, kept only
  for s - t < k.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _reference import NAMES, fd_gradients, relative_error, window_loss
from test_rnn import analytic, arrays_of, explicit_by_source, make_case, masks, run

from rnncore import PARAM_NAMES, backward, forward
from rnncore.bptt_views import truncation_chunks

TOL = 1e-7


def assert_same_backprop(a, b, atol=1e-14):
    for name in PARAM_NAMES:
        np.testing.assert_allclose(getattr(a.grads, name), getattr(b.grads, name), atol=atol)
    for field in ("d_o", "d_h", "d_a", "d_h0", "by_source", "by_source_h"):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), atol=atol)
    assert a.loss == b.loss


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("T", [1, 3, 6])
def test_horizon_at_least_T_is_full_bptt(loss, T):
    params, xs, targets, h0 = make_case(3, 4, 2, T, loss, seed=T)
    mask = masks(T)["arbitrary"]
    _, full = run(params, xs, targets, h0, loss, mask)
    for k in (T, T + 1, T + 10):
        _, cut = run(params, xs, targets, h0, loss, mask, truncate=k)
        assert_same_backprop(full, cut)
        assert cut.truncate == k
    assert full.truncate is None


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("mask_name", ["all", "last", "arbitrary"])
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_truncated_gradients_match_stop_gradient_finite_differences(loss, mask_name, k):
    T = 6
    params, xs, targets, h0 = make_case(3, 3, 2, T, loss, seed=10 + k)
    mask = masks(T)[mask_name]
    _, bp = run(params, xs, targets, h0, loss, mask, truncate=k)
    base = arrays_of(params, h0)
    numeric = fd_gradients(
        lambda arrs: window_loss(arrs, xs, targets, k, loss, mask, frozen=base), base
    )
    got = analytic(bp)
    for name in NAMES:
        err = relative_error(got[name], numeric[name])
        assert err < TOL, f"k={k} {name}: relative error {err:.2e}"


def test_window_loss_is_the_real_loss():
    """The reference's value does not depend on k (only its gradient does)."""
    params, xs, targets, h0 = make_case(3, 3, 2, 6, seed=3)
    base = arrays_of(params, h0)
    _trace, bp = run(params, xs, targets, h0, "cross_entropy")
    for k in (1, 2, 6):
        assert window_loss(base, xs, targets, k, frozen=base) == pytest.approx(bp.loss, 1e-13)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_truncated_by_source_matches_jacobian_products(k):
    T, H = 7, 4
    params, xs, targets, h0 = make_case(3, H, 2, T, seed=20 + k)
    trace, bp = run(params, xs, targets, h0, "cross_entropy", truncate=k)
    dh, da = explicit_by_source(params, trace, bp.d_o, truncate=k)
    np.testing.assert_allclose(bp.by_source, da, atol=1e-14)
    np.testing.assert_allclose(bp.by_source_h, dh, atol=1e-14)
    np.testing.assert_allclose(bp.by_source.sum(axis=0), bp.d_a, atol=1e-14)
    np.testing.assert_allclose(bp.by_source_h.sum(axis=0), bp.d_h, atol=1e-14)
    for s in range(T):
        for t in range(T):
            inside = s - k < t <= s
            norm = np.linalg.norm(bp.by_source[s, t])
            if inside:
                assert norm > 0, (s, t)
            else:
                assert norm == 0.0, (s, t)  # beyond the horizon, or in the future


def test_truncation_keeps_the_terms_inside_the_horizon_unchanged():
    T = 7
    params, xs, targets, h0 = make_case(3, 4, 2, T, seed=30)
    _, full = run(params, xs, targets, h0, "cross_entropy")
    for k in range(1, T + 1):
        _, cut = run(params, xs, targets, h0, "cross_entropy", truncate=k)
        s, t = np.meshgrid(np.arange(T), np.arange(T), indexing="ij")
        inside = (t <= s) & (s - t < k)
        np.testing.assert_allclose(cut.by_source[inside], full.by_source[inside], atol=1e-15)
        np.testing.assert_array_equal(cut.by_source[~inside], 0.0)


def test_each_extra_step_of_horizon_adds_one_diagonal_of_sources():
    """d_a(k) - d_a(k-1) = the full by_source terms at distance exactly s - t = k-1."""
    T = 7
    params, xs, targets, h0 = make_case(3, 4, 2, T, seed=31)
    _, full = run(params, xs, targets, h0, "cross_entropy")
    prev = None
    for k in range(1, T + 1):
        _, cut = run(params, xs, targets, h0, "cross_entropy", truncate=k)
        if prev is not None:
            added = np.zeros_like(full.d_a)
            for t in range(T - (k - 1)):
                added[t] = full.by_source[t + k - 1, t]
            np.testing.assert_allclose(cut.d_a - prev.d_a, added, atol=1e-14)
        prev = cut
    np.testing.assert_allclose(prev.d_a, full.d_a, atol=1e-14)


def test_horizon_one_is_the_instantaneous_error():
    params, xs, targets, h0 = make_case(3, 4, 2, 5, seed=32)
    trace, bp = run(params, xs, targets, h0, "cross_entropy", truncate=1)
    np.testing.assert_allclose(bp.d_h, bp.d_o @ params.V, atol=1e-15)
    np.testing.assert_allclose(bp.d_a, (1 - trace.h**2) * bp.d_h, atol=1e-15)
    # only L(0) reaches h0 (its one-step window starts at h0)
    np.testing.assert_allclose(bp.d_h0, params.W.T @ bp.by_source[0, 0], atol=1e-15)


def test_truncated_per_step_sums_to_grads():
    params, xs, targets, h0 = make_case(3, 4, 2, 6, "mse", seed=33)
    trace, bp = run(params, xs, targets, h0, "mse", masks(6)["arbitrary"], truncate=2)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(
            getattr(bp.per_step, name).sum(axis=0), getattr(bp.grads, name), atol=1e-14
        )
    h_prev = np.vstack([h0, trace.h[:-1]])
    for t in range(6):
        np.testing.assert_allclose(bp.per_step.W[t], np.outer(bp.d_a[t], h_prev[t]), atol=1e-15)


def test_truncation_does_not_change_loss_or_output_errors():
    params, xs, targets, h0 = make_case(3, 4, 2, 6, seed=34)
    _, full = run(params, xs, targets, h0, "cross_entropy")
    _, cut = run(params, xs, targets, h0, "cross_entropy", truncate=2)
    assert cut.loss == full.loss
    np.testing.assert_array_equal(cut.d_o, full.d_o)
    np.testing.assert_array_equal(cut.grads.V, full.grads.V)
    np.testing.assert_array_equal(cut.grads.c, full.grads.c)
    assert np.linalg.norm(cut.grads.W - full.grads.W) > 0


@pytest.mark.parametrize("k", [0, -1, 1.5, "2", np.nan, True])
def test_bad_horizon_is_rejected(k):
    params, xs, targets, h0 = make_case(3, 4, 2, 5)
    trace = forward(params, xs, h0)
    with pytest.raises(ValueError, match="truncate"):
        backward(params, trace, targets, truncate=k)


# --- the TruncatedBPTT scene: what it draws is chunked_bptt's --------------------------
SCENE_LESSONS = ("default", "smallest_one_step", "many_to_one", "one_to_many_mse", "largest")
FRAME_HALF, MARGIN, SLACK = (7.1, 4.0), 0.4, 0.05 + 1e-9  # + float noise of Transform


@pytest.fixture(scope="module", params=SCENE_LESSONS)
def scene(request, tmp_path_factory):
    """TruncatedBPTT built (dry run) for a lesson, recording what crosses the margin."""
    from _lessons import EDGE_LESSONS, write_lesson
    from _scenes import build_scene, media_dir
    from test_views_issue9 import drawn_tex

    from scenes.truncated import TruncatedBPTT

    class Checked(TruncatedBPTT):
        def setup(self) -> None:
            super().setup()
            self.overflow: list[tuple[int, str]] = []
            self.tex_drawn: list[str] = []

        def check_frame(self) -> None:
            self.tex_drawn.extend(drawn_tex(self.mobjects))
            xmax, ymax = FRAME_HALF[0] - MARGIN + SLACK, FRAME_HALF[1] - MARGIN + SLACK
            for mob in self.mobjects:
                if mob.width + mob.height > 0 and (
                    mob.get_left()[0] < -xmax
                    or mob.get_right()[0] > xmax
                    or mob.get_bottom()[1] < -ymax
                    or mob.get_top()[1] > ymax
                ):
                    self.overflow.append((len(self.notes_log), type(mob).__name__))

        def beat(self, notes: str) -> None:
            self.check_frame()
            super().beat(notes)

        def tear_down(self) -> None:
            self.check_frame()
            super().tear_down()

    tmp = tmp_path_factory.mktemp(f"truncated-{request.param}")
    path = None
    if request.param != "default":
        path = write_lesson(EDGE_LESSONS[request.param], tmp, request.param)
    return build_scene(Checked, path, tmp, media_dir(tmp_path_factory))


def _chunked(lesson):
    from rnncore import chunked_bptt

    return chunked_bptt(
        lesson.params,
        lesson.xs,
        lesson.targets,
        lesson.truncate,
        loss=lesson.loss,
        loss_mask=lesson.loss_mask,
        h0=lesson.h0,
        lr=lesson.learning_rate,
        clip=lesson.clip,
    )


def _independent_chunks(lesson):
    """Chunk by chunk with forward/backward/sgd_step alone: (steps, h0, loss, grads, after)."""
    from rnncore import sgd_step

    out, p, h = [], lesson.params, lesson.h0
    T, k = lesson.T, lesson.truncate
    for start in range(0, T, k):
        w = slice(start, min(start + k, T))
        trace = forward(p, lesson.xs[w], h, output=lesson.output)
        bp = backward(p, trace, lesson.targets[w], lesson.loss, lesson.loss_mask[w])
        after = sgd_step(p, bp.grads, lesson.learning_rate, clip=lesson.clip)
        out.append((range(w.start, w.stop), h, bp.loss, bp.grads, after))
        p, h = after, trace.h[-1]
    return out


def test_scene_fits_the_frame_and_its_sums_hold(scene) -> None:
    from test_views_issue9 import arithmetic_errors

    assert scene.overflow == [], scene.overflow
    failures, checked = [], 0
    for tex in scene.tex_drawn:
        bad, n = arithmetic_errors(tex)
        failures += bad
        checked += n
    assert failures == []
    assert checked >= len(scene.run.chunks)  # at least one worked entry per chunk


def test_one_chunk_drawn_per_k_steps(scene) -> None:
    lesson = scene.lesson
    n = math.ceil(lesson.T / lesson.truncate)
    assert len(scene.run.chunks) == n
    assert len(scene.timeline.frames) == n == len(scene.small.frames)
    assert len(scene.update_panels) == n
    drawn_steps = [len(hs) for hs in scene.timeline.h]
    assert drawn_steps == [len(r) for r in truncation_chunks(lesson.T, lesson.truncate)]
    # each chunk starts from a drawn state: h0, then the carried last h of the chunk before
    from scenes.mobjects import fmt

    for j, chunk in enumerate(scene.run.chunks):
        start = scene.timeline.starts[j]
        np.testing.assert_array_equal(start.values, chunk.h0)
        if j > 0:
            np.testing.assert_array_equal(start.values, scene.timeline.h[j - 1][-1].values)
        if scene.timeline.shows_numbers:
            assert start.shown_numbers() == [fmt(v) for v in chunk.h0]


def test_each_chunk_shows_its_own_loss_gradient_and_update(scene) -> None:
    from scenes.mobjects import fmt

    lesson = scene.lesson
    ref = _independent_chunks(lesson)
    run = _chunked(lesson)
    assert len(ref) == len(run.chunks)
    for j, (steps, h0, loss, grads, after) in enumerate(ref):
        chunk = run.chunks[j]
        assert chunk.steps == steps
        np.testing.assert_allclose(chunk.h0, h0, atol=1e-14)
        assert chunk.loss == pytest.approx(loss, abs=1e-12)
        np.testing.assert_allclose(chunk.grads.W, grads.W, atol=1e-12)
        np.testing.assert_allclose(chunk.params_after.W, after.W, atol=1e-12)
        # what the scene drew: the timeline's sums and the chunk's panel
        assert scene.timeline.loss_texts[j].text == fmt(loss)
        assert scene.timeline.norm_texts[j].text == fmt(grads.global_norm())
        panel = scene.update_panels[j]
        np.testing.assert_allclose(panel.grad.values, grads.W, atol=1e-12)
        np.testing.assert_allclose(panel.after.values, after.W, atol=1e-12)
        np.testing.assert_allclose(panel.before.values, chunk.params_before.W, atol=0)
        if panel.after.mode == "numbers":
            assert panel.after.entries == [fmt(v) for v in after.W.reshape(-1)]
            assert panel.grad.entries == [fmt(v) for v in grads.W.reshape(-1)]
        r, c = panel.entry
        assert panel.entry_line.tex_string.rstrip().endswith(fmt(after.W[r, c]))
        assert fmt(loss) in panel.loss_line.tex_string
        if grads.global_norm() == 0:
            assert not lesson.loss_mask[steps.start : steps.stop].any()
            assert "does not change" in panel.norm_line.tex_string
            np.testing.assert_array_equal(after.W, chunk.params_before.W)
        else:
            assert fmt(grads.global_norm()) in panel.norm_line.tex_string
        notes = scene.notes_log[2 + j]  # slide 0: the text, 1: the chunks, then one per chunk
        assert f"L_{j + 1} = {fmt(loss)}" in notes
        assert f"||g_{j + 1}|| = {fmt(grads.global_norm())}" in notes


def test_comparison_with_full_bptt_reads_the_numbers(scene) -> None:
    from scenes.mobjects import fmt

    lesson, run = scene.lesson, _chunked(scene.lesson)
    np.testing.assert_array_equal(scene.chunks_w.values, run.params_after.W)
    np.testing.assert_array_equal(scene.full_after_w.values, run.full_params_after.W)
    chunks_text, full_text = (t.tex_string for t in scene.loss_after_texts)
    assert chunks_text.endswith(fmt(run.loss_after_chunks))
    assert full_text.endswith(fmt(run.loss_after_full))
    assert fmt(run.full.loss) in chunks_text and fmt(run.full.loss) in full_text
    if len(run.chunks) == 1:  # k >= T: one chunk is full BPTT, and the slide says so
        assert lesson.truncate >= lesson.T
        np.testing.assert_allclose(run.params_after.W, run.full_params_after.W, atol=1e-14)
        assert "whole sequence" in scene.verdict
    else:
        lower = "chunk updates" if run.loss_after_chunks < run.loss_after_full else "full update"
        if fmt(run.loss_after_chunks) != fmt(run.loss_after_full):
            assert f"the {lower}" in scene.verdict or f"the one {lower}" in scene.verdict
        went = "lowered" if run.loss_after_chunks < run.full.loss else "raised"
        assert scene.verdict.startswith(f"{len(run.chunks)} chunk updates {went}")


def test_titles_never_call_full_bptt_truncated(scene) -> None:
    lesson = scene.lesson
    pictures = [p for _, _, p in scene.titles]
    one = math.ceil(lesson.T / lesson.truncate) == 1
    assert ("full" in pictures) == one  # k >= T: the chunk picture is full BPTT
    for _, title, picture in scene.titles:
        low = title.lower()
        if picture == "full":
            assert "truncat" not in low and "full bptt" in low
        if picture == "horizon":
            assert "horizon" in low and "bptt(k" in low
        if picture == "chunks":
            assert "chunks of k" in low
    assert len(scene.titles) == len(scene.notes_log)


def test_notes_point_read_ask_and_lead_on(scene) -> None:
    from _notes import check_notes

    check_notes(scene.notes_log)


def test_text_slide_counts_updates_from_the_chunks(scene) -> None:
    from scenes.truncated import TEXT_WORDS

    k = scene.lesson.truncate
    n = len(truncation_chunks(len(TEXT_WORDS), k))
    assert scene.cost["updates"] == n == math.ceil(len(TEXT_WORDS) / k)
    drawn = scene.cost["text"].replace(" ", "")
    assert f"{n}chunks" in drawn and f"({n}updates)" in drawn
