"""The DCL review: its network derived from the lesson, and the DenseBackprop scene."""

from __future__ import annotations

import re

import numpy as np
import pytest
from _scenes import build_scene, media_dir

from rnncore import (
    count_parameters,
    default_lesson,
    dense_backward,
    dense_forward,
    dense_review,
    dense_sgd_step,
    forward,
    review_network,
)


def test_review_network_shares_the_rnn_parameters() -> None:
    lesson = default_lesson()
    params, x, target = review_network(lesson)
    p = lesson.params
    assert params.sizes == (p.n_in, p.n_hidden, p.n_out)
    np.testing.assert_array_equal(params.weights[0], p.U)
    np.testing.assert_array_equal(params.weights[1], p.V)
    np.testing.assert_array_equal(params.biases[0], p.b)
    np.testing.assert_array_equal(params.biases[1], p.c)
    np.testing.assert_array_equal(x, lesson.xs[0])
    assert target == lesson.targets[0]


def test_review_forward_is_the_rnn_first_step_without_recurrence() -> None:
    lesson = default_lesson()
    params, x, _ = review_network(lesson)
    trace = dense_forward(params, x)
    rnn = forward(lesson.params, lesson.xs, h0=np.zeros(lesson.params.n_hidden))
    np.testing.assert_allclose(trace.h[1], rnn.h[0])
    np.testing.assert_allclose(trace.y_hat, rnn.y_hat[0])


def test_count_parameters() -> None:
    params, _, _ = review_network(default_lesson())
    n_in, n_hidden, n_out = params.sizes
    assert count_parameters(params) == (n_in * n_hidden + n_hidden * n_out, n_hidden + n_out)


def test_dense_review_is_one_sgd_step_that_lowers_the_loss() -> None:
    lesson = default_lesson()
    review = dense_review(lesson)
    expected = dense_sgd_step(review.params, review.backprop.grads, lesson.learning_rate)
    for w, e in zip(review.updated.weights, expected.weights, strict=True):
        np.testing.assert_array_equal(w, e)
    after = dense_backward(review.updated, dense_forward(review.updated, review.x), review.target)
    assert review.loss_after == pytest.approx(after.loss)
    assert review.loss_after < review.loss


# --- the scene ---------------------------------------------------------------------

CUSTOM_LESSON = """
name = "Custom: 6 steps, 5 hidden"
loss = "cross_entropy"
learning_rate = 0.3

[network]
n_in = 3
n_hidden = 5
n_out = 2
seed = 7
scale = 0.8

[data]
xs = [[0, 1, 0], [1, 0, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]
targets = [0, 1, 0, 0, 1, 1]
"""


def _bounds(scene) -> list[tuple[str, float, float, float, float]]:
    """(type, left, right, bottom, top) of every visible mobject on stage but the title.

    The title line has its own place above the margin (``scenes.base.TITLE_BUFF``).
    """
    return [
        (type(m).__name__, m.get_left()[0], m.get_right()[0], m.get_bottom()[1], m.get_top()[1])
        for m in scene.mobjects
        if (m.width > 0 or m.height > 0) and m is not scene.title
    ]


def _recording_class():
    from scenes.dense_backprop import DenseBackprop

    class Recording(DenseBackprop):
        """DenseBackprop that notes where everything is at the end of every slide."""

        def beat(self, notes: str) -> None:
            self.slide_bounds = [*getattr(self, "slide_bounds", []), _bounds(self)]
            super().beat(notes)

    return Recording


@pytest.fixture(scope="module", params=["default", "custom"])
def scene(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """DenseBackprop constructed for the lesson (nothing encoded), once per lesson."""
    _Recording = _recording_class()
    tmp = tmp_path_factory.mktemp(f"dense-{request.param}")
    lesson = None
    if request.param != "default":
        lesson = tmp / "custom.toml"
        lesson.write_text(CUSTOM_LESSON, encoding="utf-8")
    scene = build_scene(_Recording, lesson, tmp, media_dir(tmp_path_factory))
    scene.lesson_kind = request.param
    return scene


def strings(values: np.ndarray) -> list[str]:
    from scenes.mobjects import fmt

    return [fmt(v) for v in np.asarray(values).reshape(-1)]


def test_scene_shows_the_core_numbers(scene) -> None:
    lesson = scene.lesson
    assert lesson.params.n_hidden == (4 if scene.lesson_kind == "default" else 5)
    review = dense_review(lesson)
    params, x, target = review_network(lesson)
    trace = dense_forward(params, x, output=lesson.output)
    bp = dense_backward(params, trace, target)
    d_h, d_o = bp.deltas
    g_U, g_V = bp.grads.weights

    # the errors beside the neurons
    assert scene.error_tags["o"].texts == strings(d_o)
    assert scene.error_tags["h"].texts == strings(d_h)
    # the gradient matrices, their factors and their cells
    for name, grad, delta, v in (("U", g_U, d_h, x), ("V", g_V, d_o, trace.h[1])):
        block = scene.gradients[name]
        assert block.shown_numbers() == [strings(row) for row in grad]
        assert block.column.shown_numbers() == strings(delta)
        assert block.row.shown_numbers() == strings(v)
    # the equation of the hidden neuron the red arrows converge on
    j = scene.focus_unit
    assert j == int(np.argmax(np.abs(d_h)))
    panel = scene.panels["hidden_error"]
    assert panel.numbers["delta"] == pytest.approx(d_h[j])
    np.testing.assert_allclose(panel.numbers["terms"].weights, params.weights[1][:, j])
    np.testing.assert_allclose(panel.numbers["terms"].next_deltas, d_o)
    assert len(scene.arrows) == params.sizes[-1]
    # the loss before and after the update; the network ends with the new weights
    assert scene.panels["loss"].numbers["loss"] == pytest.approx(bp.loss)
    after = scene.panels["after"].numbers
    assert after["loss"] == pytest.approx(bp.loss)
    assert after["loss_after"] == pytest.approx(review.loss_after)
    new = dense_sgd_step(params, bp.grads, lesson.learning_rate)
    for link, w in zip(scene.links, new.weights, strict=True):
        np.testing.assert_allclose(link.weights, w)
    assert scene.layers[2].shown_numbers() == strings(dense_forward(new, x).y_hat)
    assert scene.layers[0].shown_numbers() == strings(x)


def test_scene_has_one_slide_per_beat_with_notes(scene) -> None:
    assert len(scene.notes) == 14  # opening 4, forward 2, loss, errors 3, gradients, update 3
    assert all(len(n) > 40 for n in scene.notes)
    assert [s.notes for s in scene._slides] == scene.notes[:-1]  # the last one is added on save


def test_every_slide_stays_inside_the_frame(scene) -> None:
    from scenes.base import FRAME_MARGIN

    half_w, half_h = 7.1 - FRAME_MARGIN + 0.02, 4.0 - FRAME_MARGIN + 0.02
    slides = [*scene.slide_bounds[1:], _bounds(scene)]  # the end of every slide
    assert len(slides) == len(scene.notes)
    for i, bounds in enumerate(slides):
        for name, left, right, bottom, top in bounds:
            assert -half_w <= left and right <= half_w, (i, name, left, right)
            assert -half_h <= bottom and top <= half_h, (i, name, bottom, top)


def test_every_shown_equation_holds_on_its_digits(scene) -> None:
    """The review's panels (sums, -log, tanh, the update): hold on the digits, or say ≈."""
    from test_views_issue9 import arithmetic_errors, panel_tex

    failures, checked = [], 0
    for name, panel in scene.panels.items():
        bad, n = arithmetic_errors(panel_tex(panel))
        failures += [(name, b) for b in bad]
        checked += n
    assert failures == []
    assert checked >= 5  # a_j, tanh, -log p = L, the hidden error's sum and factor, V update


# --- the update: weights, biases, forward again (issue 9) -----------------------------

_NUM = r"\(?(-?\d+\.\d+)\)?"


def _drawn_updates(scene, name: str) -> list[tuple[str, str, str, str, str]]:
    """``(old, lr, grad, relation, new)`` as drawn on the line ``name'_i = old - lr grad = new``."""
    from test_views_issue9 import panel_tex

    tex = panel_tex(scene.panels["bias_update"])
    pattern = rf"{name}'_\{{(\d+)\}} = {_NUM} - ([\d.]+)\\cdot{_NUM} (=|\\approx) (-?\d+\.\d+)"
    found = re.findall(pattern, tex)
    assert [int(f[0]) for f in found] == list(range(1, len(found) + 1)), tex
    return [f[1:] for f in found]


def _drawn_vector(tex: str) -> list[str]:
    return re.findall(r"-?\d+\.\d+", tex)


def test_update_shows_the_bias_gradients_and_updates(scene) -> None:
    """dL/db = delta-h, dL/dc = delta-o, b' and c' as drawn are rnncore's, and hold."""
    from scenes.mobjects import holds

    lesson = scene.lesson
    params, x, target = review_network(lesson)
    bp = dense_backward(params, dense_forward(params, x, output=lesson.output), target)
    new = dense_sgd_step(params, bp.grads, lesson.learning_rate)
    np.testing.assert_array_equal(bp.grads.biases[0], bp.deltas[0])  # dL/db = delta-h
    np.testing.assert_array_equal(bp.grads.biases[1], bp.deltas[1])  # dL/dc = delta-o
    for name, old, grad, after in zip(
        "bc", params.biases, bp.grads.biases, new.biases, strict=True
    ):
        drawn = _drawn_updates(scene, name)
        assert [d[0] for d in drawn] == strings(old)
        assert {d[1] for d in drawn} == {f"{lesson.learning_rate:g}"}
        assert [d[2] for d in drawn] == strings(grad)
        assert [d[4] for d in drawn] == strings(after)
        for p, lr, g, rel, q in drawn:  # "=" exactly when the shown digits give the result
            assert (rel == "=") == holds(float(p) - float(lr) * float(g), q), (p, g, q)
    # the new weights, drawn as grids with numbers
    for name, w in zip("UV", new.weights, strict=True):
        assert scene.new_weights[name].grid.shown_matrix() == [strings(row) for row in w]


def test_hidden_values_after_the_update_follow_from_the_drawn_numbers(scene) -> None:
    """a' = U'x + b' and h' = tanh(a') from the drawn (rounded) numbers give the drawn
    values, or the slide says ≈; the drawn h' are rnncore's and the loss falls."""
    from test_views_issue9 import panel_tex

    from scenes.mobjects import holds

    lesson = scene.lesson
    review = dense_review(lesson)
    U_new = np.array(
        [[float(v) for v in row] for row in scene.new_weights["U"].grid.shown_matrix()]
    )
    b_new = np.array([float(d[4]) for d in _drawn_updates(scene, "b")])
    x = np.array([float(v) for v in scene.layers[0].shown_numbers()])
    h_drawn = scene.layers[1].shown_numbers()
    assert h_drawn == strings(review.trace_after.h[1])

    lines = [line.tex_string for line in scene.panels["forward_after"].lines]
    a_rel, a_drawn = lines[1].split()[0], _drawn_vector(lines[1])
    h_rel, h_panel = lines[3].split()[0], _drawn_vector(lines[3])
    assert a_drawn == strings(review.trace_after.a[0])
    assert h_panel == h_drawn
    a_hand = U_new @ x + b_new
    a_holds = all(holds(v, s) for v, s in zip(a_hand, a_drawn, strict=True))
    assert (a_rel == "=") == a_holds, (a_hand, a_drawn)
    assert a_rel in ("=", r"\approx")
    h_hand = np.tanh([float(v) for v in a_drawn])
    h_holds = all(holds(v, s) for v, s in zip(h_hand, h_drawn, strict=True))
    assert (h_rel == "=") == h_holds, (h_hand, h_drawn)
    # close even when rounded: one unit of the last digit per rounded term
    assert np.all(np.abs(np.tanh(a_hand) - np.array(h_drawn, dtype=float)) <= 0.01 * (len(x) + 2))

    # the loss after the update (lesson's learning rate) is lower, as drawn and in the core
    loss_line = scene.panels["after"].lines[1].tex_string
    before, after = (float(v) for v in _drawn_vector(loss_line))
    assert [before, after] == [float(fmt) for fmt in strings([review.loss, review.loss_after])]
    assert after < before and review.loss_after < review.loss
    assert "forward_after" in scene.panels and r"\approx" not in panel_tex(scene.panels["after"])


# --- 001 §1's opening beats, U's numbers, o' after the update, the notes (issue 9) ------


def _model_strings(review) -> set[str]:
    """Every number of the review formatted as the scene formats it."""
    from rnncore.dense_views import line_example

    ex = line_example(review)
    arrays = [
        *review.params.weights,
        *review.params.biases,
        *review.updated.weights,
        *review.updated.biases,
        *review.trace.a,
        *review.trace.h,
        review.trace.y_hat,
        *review.trace_after.a,
        *review.trace_after.h,
        review.trace_after.y_hat,
        *review.backprop.deltas,
        *review.backprop.grads.weights,
        review.backprop.y,
        review.params.weights[1].T @ review.backprop.deltas[1],  # the red arrows' sums
        [review.loss, review.loss_after, ex.a, ex.b, ex.x, ex.y, ex.a_new, ex.b_new],
    ]
    found = {s for a in arrays for s in strings(np.asarray(a))}
    return found | {f"{review.learning_rate:g}"}


def test_notes_point_read_ask_and_lead_on(scene) -> None:
    """Each slide's notes: what to point at, numbers to read (the model's), one question,
    the transition; every decimal number in them is one of the review's numbers."""
    known = _model_strings(dense_review(scene.lesson))
    for notes in scene.notes:
        for part in ("Point at:", "Read out:", "Ask:", "Next:"):
            assert notes.count(part) == 1, (part, notes)
        ask = notes.split("Ask:")[1].split("Next:")[0]
        assert ask.strip().endswith("?") and ask.count("?") == 1, notes
        assert set(re.findall(r"-?\d+\.\d+", notes)) <= known, notes


def test_parameters_and_variables_line_is_the_networks(scene) -> None:
    """y = a x + b with a = U_ji, b = b_j of the review network, before and after."""
    from rnncore.dense_views import line_example
    from scenes.mobjects import holds

    review = dense_review(scene.lesson)
    ex = line_example(review)
    U, b = review.params.weights[0], review.params.biases[0]
    assert (ex.a, ex.b) == (U[ex.j, ex.i], b[ex.j])
    assert ex.y == pytest.approx(ex.a * ex.x + ex.b)
    assert ex.a_new == review.updated.weights[0][ex.j, ex.i]
    numbers = scene.panels["line"].numbers
    assert numbers["a"] == ex.a and numbers["b_new"] == ex.b_new
    tex = scene.panels["line"].lines[2].tex_string
    drawn = _drawn_vector(tex)
    assert drawn == strings([ex.a, ex.x, ex.b, ex.y])
    rel = "=" if holds(float(drawn[0]) * float(drawn[1]) + float(drawn[2]), drawn[3]) else "approx"
    assert (rel == "=") == (" = " + drawn[3] in tex)
    # the plotted point is (x, y) on the line
    plot = scene.line_plot
    np.testing.assert_allclose(plot.point.get_center(), plot.axes.c2p(ex.x, ex.y), atol=1e-6)


def test_u_and_every_parameter_shown_as_numbers(scene) -> None:
    review = dense_review(scene.lesson)
    (U, V), (b, c) = review.params.weights, review.params.biases
    for name, values in (("U", U), ("V", V), ("b", b[:, None]), ("c", c[:, None])):
        assert scene.parameter_grids[name].grid.shown_matrix() == [strings(r) for r in values]


def test_errors_layer_by_layer_and_every_arrow(scene) -> None:
    review = dense_review(scene.lesson)
    d_h, d_o = review.backprop.deltas
    assert scene.chain.texts == [strings(d_o), strings(d_h)]
    n_hidden, n_out = len(d_h), len(d_o)
    assert sum(len(group) for group in scene.all_arrows) == n_hidden * n_out


def test_no_error_arrow_crosses_an_error_number(scene) -> None:
    """The red arrows run clear of the red numbers (the output errors sit above the middle
    of their neurons, where no arrow leaves them)."""
    from manim import DL, UR

    tags = [t for g in scene.error_tags.values() for t, s in zip(g, g.texts, strict=True) if s]
    assert tags
    for arrow in (a for group in scene.all_arrows for a in group):
        path = np.array([arrow.point_from_proportion(p) for p in np.linspace(0, 1, 80)])
        for tag in tags:
            lo, hi = tag.get_corner(DL)[:2], tag.get_corner(UR)[:2]
            inside = np.all((path[:, :2] >= lo) & (path[:, :2] <= hi), axis=1)
            assert not inside.any(), f"an error arrow crosses the error {tag.text!r}"


def test_outputs_after_the_update_follow_from_the_drawn_numbers(scene) -> None:
    """o' = V'h' + c' from the drawn V', h', c' gives the drawn o' (or the slide says ≈)."""
    from scenes.mobjects import holds

    review = dense_review(scene.lesson)
    lines = [line.tex_string for line in scene.panels["forward_after"].lines]
    o_rel, o_drawn = lines[5].split()[0], _drawn_vector(lines[5])
    assert o_drawn == strings(review.trace_after.a[1])
    V_new = np.array(
        [[float(v) for v in row] for row in scene.new_weights["V"].grid.shown_matrix()]
    )
    h_new = np.array([float(v) for v in _drawn_vector(lines[3])])
    c_new = np.array([float(d[4]) for d in _drawn_updates(scene, "c")])
    o_hand = V_new @ h_new + c_new
    assert (o_rel == "=") == all(holds(v, s) for v, s in zip(o_hand, o_drawn, strict=True))
    # the loss after is computed against the target, on the slide
    assert (
        "L'" in scene.panels["after"].lines[-1].tex_string or len(scene.panels["after"].lines) > 3
    )
