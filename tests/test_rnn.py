"""Forward pass, full BPTT and its decompositions, against an independent reference.

Every gradient is checked by central finite differences of a loss written out in
``_reference`` (no rnncore code), in float64, to a relative error below 1e-7.
"""

from __future__ import annotations

import numpy as np
import pytest
from _reference import NAMES, fd_gradients, hidden_states, relative_error, rnn_loss

import rnncore.rnn
from rnncore import PARAM_NAMES, RNNParams, backward, forward, grad_check, softmax

TOL = 1e-7


def make_case(I, H, O, T, loss="cross_entropy", seed=0):
    """Random params, inputs, targets and a non-zero h0 (so dL/dh0 is exercised)."""
    rng = np.random.default_rng(seed)
    params = RNNParams(
        U=rng.normal(0, 0.8, (H, I)),
        W=rng.normal(0, 0.8, (H, H)),
        V=rng.normal(0, 0.8, (O, H)),
        b=rng.normal(0, 0.3, H),
        c=rng.normal(0, 0.3, O),
    )
    xs = rng.normal(0, 1.0, (T, I))
    h0 = rng.uniform(-0.5, 0.5, H)
    targets = rng.integers(0, O, T) if loss == "cross_entropy" else rng.normal(0, 1.0, (T, O))
    return params, xs, targets, h0


def arrays_of(params, h0):
    return {**dict(params.items()), "h0": np.array(h0, dtype=float)}


def run(params, xs, targets, h0, loss, mask=None, truncate=None):
    output = "softmax" if loss == "cross_entropy" else "identity"
    trace = forward(params, xs, h0, output=output)
    return trace, backward(params, trace, targets, loss, mask, truncate)


def analytic(bp):
    return {**dict(bp.grads.items()), "h0": bp.d_h0}


def masks(T):
    rng = np.random.default_rng(T)
    last = np.zeros(T, dtype=bool)
    last[-1] = True
    arbitrary = rng.random(T) < 0.5
    arbitrary[0] = True  # at least one loss, and not only the last
    return {
        "all": np.ones(T, dtype=bool),
        "last": last,
        "arbitrary": arbitrary,
        "none": np.zeros(T, dtype=bool),
    }


# ---------------------------------------------------------------- forward


def test_forward_matches_the_equations():
    params, xs, _, h0 = make_case(3, 4, 2, 6)
    trace = forward(params, xs, h0)
    hs = hidden_states(arrays_of(params, h0), xs)
    np.testing.assert_allclose(trace.h, np.array(hs), rtol=0, atol=1e-14)
    h_prev = np.vstack([h0, trace.h[:-1]])
    np.testing.assert_allclose(trace.h_prev, h_prev, atol=0)
    a = params.b + h_prev @ params.W.T + xs @ params.U.T
    np.testing.assert_allclose(trace.a, a, atol=1e-14)
    np.testing.assert_allclose(trace.h, np.tanh(a), atol=1e-15)
    o = params.c + trace.h @ params.V.T
    np.testing.assert_allclose(trace.o, o, atol=1e-14)
    e = np.exp(o)
    np.testing.assert_allclose(trace.y_hat, e / e.sum(axis=1, keepdims=True), atol=1e-14)
    np.testing.assert_allclose(trace.y_hat.sum(axis=1), 1.0, atol=1e-14)
    assert trace.T == 6 and trace.xs.shape == (6, 3) and trace.h0.shape == (4,)


def test_forward_default_h0_is_zero_and_identity_output():
    params, xs, _, _ = make_case(2, 3, 2, 4)
    trace = forward(params, xs, output="identity")
    np.testing.assert_array_equal(trace.h0, np.zeros(3))
    np.testing.assert_array_equal(trace.y_hat, trace.o)
    assert trace.output == "identity"


def test_softmax_is_stable_for_large_logits():
    p = softmax(np.array([[1000.0, 1000.0, -1000.0], [0.0, np.log(3.0), -np.inf]]))
    np.testing.assert_allclose(p, [[0.5, 0.5, 0.0], [0.25, 0.75, 0.0]], atol=1e-15)


# ---------------------------------------------------------------- losses


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_loss_and_output_errors_match_reference(loss):
    params, xs, targets, h0 = make_case(3, 4, 3, 5, loss, seed=1)
    for name, mask in masks(5).items():
        _, bp = run(params, xs, targets, h0, loss, mask)
        ref = rnn_loss(arrays_of(params, h0), xs, targets, loss, mask)
        assert bp.loss == pytest.approx(ref, rel=1e-13, abs=1e-15), name
        assert bp.loss == pytest.approx(bp.losses.sum(), rel=1e-15)
        assert np.all(bp.losses[~mask] == 0.0)
        assert np.all(bp.losses[mask] > 0.0)
        np.testing.assert_array_equal(bp.d_o[~mask], 0.0)
        np.testing.assert_allclose(bp.d_o[mask], (bp.trace.y_hat - bp.y)[mask], atol=0)
        np.testing.assert_array_equal(bp.loss_mask, mask)


def test_cross_entropy_targets_become_one_hot():
    params, xs, targets, h0 = make_case(2, 3, 4, 5)
    _, bp = run(params, xs, targets, h0, "cross_entropy")
    np.testing.assert_array_equal(bp.y, np.eye(4)[targets])
    # integral floats are accepted as class indices
    _, bp2 = run(params, xs, targets.astype(float), h0, "cross_entropy")
    assert bp2.loss == bp.loss


# ---------------------------------------------------------------- gradients by FD

SIZES = [
    pytest.param(3, 4, 2, 5, id="I3-H4-O2-T5"),
    pytest.param(2, 3, 3, 1, id="T1"),
    pytest.param(2, 1, 2, 4, id="H1"),
    pytest.param(1, 1, 1, 1, id="all-ones"),
]


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize(("I", "H", "O", "T"), SIZES)
@pytest.mark.parametrize("mask_name", ["all", "last", "arbitrary"])
def test_gradients_match_finite_differences(loss, I, H, O, T, mask_name):
    if loss == "cross_entropy" and O == 1:
        O = 2  # a softmax over one class has a constant loss
    params, xs, targets, h0 = make_case(I, H, O, T, loss, seed=I + 10 * H + 100 * T)
    mask = masks(T)[mask_name]
    _, bp = run(params, xs, targets, h0, loss, mask)
    numeric = fd_gradients(
        lambda arrs: rnn_loss(arrs, xs, targets, loss, mask), arrays_of(params, h0)
    )
    got = analytic(bp)
    for name in NAMES:
        assert got[name].shape == numeric[name].shape, name
        err = relative_error(got[name], numeric[name])
        assert err < TOL, f"{name}: relative error {err:.2e}"


def test_no_loss_means_zero_gradients():
    params, xs, targets, h0 = make_case(3, 4, 2, 5)
    _, bp = run(params, xs, targets, h0, "cross_entropy", np.zeros(5, dtype=bool))
    assert bp.loss == 0.0
    assert bp.grads.global_norm() == 0.0
    np.testing.assert_array_equal(bp.d_h0, 0.0)


def test_many_to_one_gradient_only_from_the_last_loss():
    params, xs, targets, h0 = make_case(3, 4, 2, 5)
    mask = masks(5)["last"]
    _, bp = run(params, xs, targets, h0, "cross_entropy", mask)
    # d_o is zero before the last step, so c's gradient is the last d_o alone
    np.testing.assert_array_equal(bp.grads.c, bp.d_o[-1])
    # ...but the error still reaches every earlier step through W
    assert np.all(np.linalg.norm(bp.d_a, axis=1) > 0)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_grad_check_is_small_for_backward(loss):
    params, xs, targets, h0 = make_case(3, 4, 2, 4, loss)
    assert grad_check(params, xs, targets, loss, h0=h0) < TOL
    mask = masks(4)["arbitrary"]
    assert grad_check(params, xs, targets, loss, loss_mask=mask, h0=h0) < TOL


def test_grad_check_detects_a_wrong_gradient(monkeypatch):
    params, xs, targets, h0 = make_case(3, 4, 2, 4)
    real = rnncore.rnn.backward

    def wrong(*args, **kwargs):
        bp = real(*args, **kwargs)
        bad = bp.grads.replace(W=bp.grads.W * 1.01)
        return type(bp)(**{**bp.__dict__, "grads": bad})

    monkeypatch.setattr(rnncore.rnn, "backward", wrong)
    err = grad_check(params, xs, targets, h0=h0)
    assert err == pytest.approx(0.01 / 1.01, rel=1e-3)


# ---------------------------------------------------------------- decompositions


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_per_step_terms_are_the_textbook_products_and_sum_to_grads(loss):
    params, xs, targets, h0 = make_case(3, 4, 2, 6, loss, seed=3)
    trace, bp = run(params, xs, targets, h0, loss, masks(6)["arbitrary"])
    ps = bp.per_step
    h_prev = np.vstack([h0, trace.h[:-1]])
    for t in range(6):
        np.testing.assert_allclose(ps.W[t], np.outer(bp.d_a[t], h_prev[t]), atol=1e-15)
        np.testing.assert_allclose(ps.U[t], np.outer(bp.d_a[t], xs[t]), atol=1e-15)
        np.testing.assert_allclose(ps.V[t], np.outer(bp.d_o[t], trace.h[t]), atol=1e-15)
        np.testing.assert_array_equal(ps.b[t], bp.d_a[t])
        np.testing.assert_array_equal(ps.c[t], bp.d_o[t])
    for name in PARAM_NAMES:
        per = getattr(ps, name)
        assert per.shape == (6, *getattr(params, name).shape)
        np.testing.assert_allclose(per.sum(axis=0), getattr(bp.grads, name), atol=1e-14)
        np.testing.assert_allclose(getattr(ps.total(), name), getattr(bp.grads, name))


def test_errors_follow_the_recursion():
    params, xs, targets, h0 = make_case(3, 4, 2, 5, seed=4)
    trace, bp = run(params, xs, targets, h0, "cross_entropy")
    T = 5
    for t in range(T):
        later = params.W.T @ bp.d_a[t + 1] if t + 1 < T else 0.0
        np.testing.assert_allclose(bp.d_h[t], params.V.T @ bp.d_o[t] + later, atol=1e-15)
        np.testing.assert_allclose(bp.d_a[t], (1 - trace.h[t] ** 2) * bp.d_h[t], atol=1e-15)
    np.testing.assert_allclose(bp.d_h0, params.W.T @ bp.d_a[0], atol=1e-15)


def explicit_by_source(params, trace, d_o, truncate=None):
    """(T, T, H) d_h and d_a of each source, by explicit products of step Jacobians.

    dL(s)/dh(t) = (dh(s)/dh(t))^T V^T d_o(s), with dh(s)/dh(t) the product of
    diag(1 - h(j)^2) W for j = t+1..s, built as a matrix (no recursion over errors).
    """
    T, H = trace.h.shape
    dh = np.zeros((T, T, H))
    da = np.zeros((T, T, H))
    for s in range(T):
        for t in range(s + 1):
            if truncate is not None and s - t >= truncate:
                continue
            J = np.eye(H)
            for j in range(t + 1, s + 1):
                J = np.diag(1 - trace.h[j] ** 2) @ params.W @ J
            dh[s, t] = J.T @ params.V.T @ d_o[s]
            da[s, t] = np.diag(1 - trace.h[t] ** 2) @ dh[s, t]
    return dh, da


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("mask_name", ["all", "last", "arbitrary"])
def test_by_source_matches_jacobian_products_and_sums_to_errors(loss, mask_name):
    T, H = 6, 4
    params, xs, targets, h0 = make_case(3, H, 2, T, loss, seed=5)
    mask = masks(T)[mask_name]
    trace, bp = run(params, xs, targets, h0, loss, mask)
    dh, da = explicit_by_source(params, trace, bp.d_o)
    assert bp.by_source.shape == (T, T, H) and bp.by_source_h.shape == (T, T, H)
    np.testing.assert_allclose(bp.by_source, da, atol=1e-14)
    np.testing.assert_allclose(bp.by_source_h, dh, atol=1e-14)
    np.testing.assert_allclose(bp.by_source.sum(axis=0), bp.d_a, atol=1e-14)
    np.testing.assert_allclose(bp.by_source_h.sum(axis=0), bp.d_h, atol=1e-14)
    for s in range(T):
        np.testing.assert_array_equal(bp.by_source[s, s + 1 :], 0.0)  # t > s: nothing
        np.testing.assert_array_equal(bp.by_source_h[s, s + 1 :], 0.0)
        if not mask[s]:
            np.testing.assert_array_equal(bp.by_source[s], 0.0)  # no loss, no error
            np.testing.assert_array_equal(bp.by_source_h[s], 0.0)
        else:
            assert np.linalg.norm(bp.by_source[s, s]) > 0
    np.testing.assert_allclose(bp.norms_by_source, np.linalg.norm(da, axis=2), atol=1e-14)


def test_by_source_is_the_gradient_of_each_single_loss():
    """Backprop of L(s) alone (mask with only s) gives exactly row s of by_source."""
    T = 5
    params, xs, targets, h0 = make_case(3, 4, 2, T, seed=6)
    _, bp = run(params, xs, targets, h0, "cross_entropy")
    for s in range(T):
        only = np.zeros(T, dtype=bool)
        only[s] = True
        _, bp_s = run(params, xs, targets, h0, "cross_entropy", only)
        np.testing.assert_allclose(bp.by_source[s], bp_s.d_a, atol=1e-15)
        np.testing.assert_allclose(bp.by_source_h[s], bp_s.d_h, atol=1e-15)


# ---------------------------------------------------------------- validation


@pytest.fixture
def small():
    return make_case(3, 4, 2, 5)


@pytest.mark.parametrize(
    ("xs", "field"),
    [
        (np.zeros(3), "xs"),  # 1-d
        (np.zeros((5, 2)), "xs"),  # wrong n_in
        (np.zeros((0, 3)), "xs"),  # no time steps
        (np.zeros((2, 5, 3)), "xs"),  # 3-d
        (np.array([[0.0, np.nan, 1.0]]), "xs"),
        (np.array([[0.0, np.inf, 1.0]]), "xs"),
        ([["a", "b", "c"]], "xs"),
    ],
)
def test_forward_rejects_bad_xs(small, xs, field):
    params = small[0]
    with pytest.raises(ValueError, match=rf"^{field}:"):
        forward(params, xs)


@pytest.mark.parametrize("h0", [np.zeros(3), np.zeros((1, 4)), np.zeros(5), [0, 0, np.nan, 0]])
def test_forward_rejects_bad_h0(small, h0):
    params, xs, _, _ = small
    with pytest.raises(ValueError, match=r"^h0:"):
        forward(params, xs, h0)


def test_forward_rejects_unknown_output(small):
    params, xs, _, _ = small
    with pytest.raises(ValueError, match=r"^output:"):
        forward(params, xs, output="sigmoid")


@pytest.mark.parametrize(
    "targets",
    [
        np.array([0, 1, 2, 0, 1]),  # 2 is out of range for 2 classes
        np.array([0, -1, 1, 0, 1]),
        np.array([0, 1, 0, 1]),  # too short
        np.array([[0], [1], [0], [1], [0]]),  # wrong shape
        np.array([0, 1.5, 0, 1, 0]),  # not integral
        np.array([0, np.nan, 0, 1, 0]),
        np.array([0, np.inf, 0, 1, 0]),
        np.array(["a", "b", "a", "b", "a"]),
        np.array([True, False, True, False, True]),
    ],
)
def test_backward_rejects_bad_class_targets(small, targets):
    params, xs, _, h0 = small
    trace = forward(params, xs, h0)
    with pytest.raises(ValueError, match=r"^targets:"):
        backward(params, trace, targets)


@pytest.mark.parametrize(
    "targets", [np.zeros(5), np.zeros((5, 3)), np.zeros((4, 2)), np.full((5, 2), np.nan)]
)
def test_backward_rejects_bad_mse_targets(small, targets):
    params, xs, _, h0 = small
    trace = forward(params, xs, h0, output="identity")
    with pytest.raises(ValueError, match=r"^targets:"):
        backward(params, trace, targets, "mse")


def test_backward_rejects_bad_options(small):
    params, xs, targets, h0 = small
    trace = forward(params, xs, h0)
    with pytest.raises(ValueError, match=r"^loss:"):
        backward(params, trace, targets, "hinge")
    with pytest.raises(ValueError, match=r"^loss_mask:"):
        backward(params, trace, targets, loss_mask=np.ones(4, dtype=bool))
    with pytest.raises(ValueError, match=r"^loss_mask:"):
        backward(params, trace, targets, loss_mask=np.ones(5))  # not booleans
    id_trace = forward(params, xs, h0, output="identity")
    with pytest.raises(ValueError, match="needs a forward pass"):
        backward(params, id_trace, targets, "cross_entropy")


# ---------------------------------------------------------------- mse: the loss decides


@pytest.mark.parametrize("truncate", [None, 2])
@pytest.mark.parametrize("mask_name", ["all", "last", "arbitrary"])
def test_mse_from_the_default_softmax_trace_is_mse_from_the_identity_trace(truncate, mask_name):
    """DESIGN's contract: forward(params, xs, h0); the loss decides the output."""
    params, xs, targets, h0 = make_case(3, 4, 3, 6, "mse", seed=5)
    mask = masks(6)[mask_name]
    default = forward(params, xs, h0)  # softmax: forward's default
    assert default.output == "softmax"
    bp = backward(params, default, targets, "mse", mask, truncate)
    ref = backward(
        params, forward(params, xs, h0, output="identity"), targets, "mse", mask, truncate
    )
    assert bp.loss == ref.loss
    for name in ("losses", "y", "d_o", "d_h", "d_a", "d_h0", "by_source"):
        np.testing.assert_array_equal(getattr(bp, name), getattr(ref, name), err_msg=name)
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(getattr(bp.grads, name), getattr(ref.grads, name))
    # the Backprop reports the output the loss used: y_hat(t) = o(t), not the softmax
    assert bp.trace.output == "identity"
    np.testing.assert_array_equal(bp.trace.y_hat, default.o)
    np.testing.assert_array_equal(bp.d_o[mask], (default.o - targets)[mask])
    assert not np.allclose(bp.d_o[mask], (default.y_hat - targets)[mask])  # not softmax - y
    assert default.y_hat is not bp.trace.y_hat and np.allclose(default.y_hat.sum(axis=1), 1.0)


@pytest.mark.parametrize(("I", "H", "O", "T"), SIZES)
def test_mse_from_the_default_trace_matches_finite_differences(I, H, O, T):
    params, xs, targets, h0 = make_case(I, H, O, T, "mse", seed=7 + I + 10 * H + 100 * T)
    bp = backward(params, forward(params, xs, h0), targets, "mse")
    assert bp.loss == pytest.approx(rnn_loss(arrays_of(params, h0), xs, targets, "mse"), rel=1e-13)
    numeric = fd_gradients(lambda arrs: rnn_loss(arrs, xs, targets, "mse"), arrays_of(params, h0))
    got = analytic(bp)
    for name in NAMES:
        err = relative_error(got[name], numeric[name])
        assert err < TOL, f"{name}: relative error {err:.2e}"


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"U": np.zeros(3)}, "U"),
        ({"W": np.zeros((4, 3))}, "W"),
        ({"V": np.zeros((2, 5))}, "V"),
        ({"b": np.zeros(3)}, "b"),
        ({"c": np.zeros(3)}, "c"),
        ({"W": np.full((4, 4), np.nan)}, "W"),
        ({"b": np.array([0.0, np.inf, 0.0, 0.0])}, "b"),
        ({"c": ["x", "y"]}, "c"),
    ],
)
def test_params_reject_bad_arrays(small, fields, name):
    with pytest.raises(ValueError, match=rf"^{name}:"):
        small[0].replace(**fields)


def test_params_are_immutable_and_sized(small):
    params = small[0]
    assert (params.n_in, params.n_hidden, params.n_out) == (3, 4, 2)
    with pytest.raises(ValueError):
        params.W[0, 0] = 1.0  # read-only arrays
    assert params.W.dtype == np.float64
    with pytest.raises(ValueError):
        RNNParams(U=np.zeros((0, 3)), W=np.zeros((0, 0)), V=np.zeros((2, 0)), b=[], c=[0, 0])
    r1, r2 = RNNParams.random(3, 4, 2, seed=7), RNNParams.random(3, 4, 2, seed=7)
    for (_, a), (_, b) in zip(r1.items(), r2.items(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert np.all(np.abs(RNNParams.random(3, 4, 2, scale=0.1).W) <= 0.1)
    assert RNNParams.zeros_like(params).global_norm() == 0.0
    norm = np.sqrt(sum(np.sum(v**2) for _, v in params.items()))
    assert params.global_norm() == pytest.approx(norm, rel=1e-15)


def test_by_source_is_computed_lazily_and_once():
    params, xs, targets, h0 = make_case(3, 4, 2, 5)
    _, bp = run(params, xs, targets, h0, "cross_entropy")
    _ = bp.grads, bp.d_a, bp.per_step
    assert "by_source" not in bp.__dict__ and "by_source_h" not in bp.__dict__
    first = bp.by_source
    assert bp.by_source is first  # cached


def test_backward_rejects_a_trace_of_another_network(small):
    params, xs, targets, _ = small
    other = RNNParams.random(3, 5, 2)
    trace = forward(other, xs)
    with pytest.raises(ValueError, match=r"^trace:"):
        backward(params, trace, targets)
