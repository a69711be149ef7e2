"""rnncore.intro: the chain-rule count and the semantic-vector demo, recomputed independently."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnncore import RNNParams, forward
from rnncore.intro import BIAS, chain_terms, cosine, semantic_demo


@pytest.mark.parametrize("T", [1, 2, 5, 12])
def test_chain_terms_count_the_products_of_bptt(T: int) -> None:
    terms = chain_terms(T)
    pairs = [(s, t) for s in range(T) for t in range(s + 1)]
    assert terms.products == len(pairs) == T * (T + 1) // 2
    assert terms.jacobians == sum(s - t for s, t in pairs)
    for s in range(T):
        for t in range(T):
            assert terms.factors[s, t] == (s - t if t <= s else -1)


def test_chain_terms_match_the_jacobian_chain_of_a_real_rnn() -> None:
    """dh(s)/dh(t) is a product of s - t one-step Jacobians (checked by finite differences)."""
    rng = np.random.default_rng(0)
    p = RNNParams.random(3, 4, 2, seed=1)
    xs = rng.normal(size=(4, 3))
    trace = forward(p, xs)
    terms = chain_terms(4)
    s, t = 3, 1
    product = np.eye(4)
    for k in range(t + 1, s + 1):
        product = np.diag(1 - trace.h[k] ** 2) @ p.W @ product
    assert terms.factors[s, t] == s - t
    eps = 1e-6
    numeric = np.zeros((4, 4))
    for j in range(4):
        for sign in (1, -1):
            hk = trace.h[t] + sign * eps * np.eye(4)[j]
            for k in range(t + 1, s + 1):
                hk = np.tanh(p.b + p.W @ hk + p.U @ xs[k])
            numeric[:, j] += sign * hk / (2 * eps)
    np.testing.assert_allclose(product, numeric, atol=1e-7)


def test_cosine() -> None:
    assert cosine(np.array([1.0, 0.0]), np.array([2.0, 0.0])) == pytest.approx(1.0)
    assert cosine(np.array([1.0, 0.0]), np.array([0.0, 3.0])) == pytest.approx(0.0)
    assert cosine(np.zeros(2), np.ones(2)) == 0.0


def test_semantic_vectors_are_close_in_meaning_not_in_pixels() -> None:
    d = semantic_demo()
    assert d.names == ("+", "+", "o")
    # independent recomputation: slide every filter over every picture by hand
    for k, picture in enumerate(d.pictures):
        for f, filt in enumerate(d.filters):
            best = 0.0
            for i in range(picture.shape[0] - 2):
                for j in range(picture.shape[1] - 2):
                    r = float((picture[i : i + 3, j : j + 3] * filt).sum()) - BIAS
                    best = max(best, r)
            assert d.semantic[k, f] == pytest.approx(best)
    for a in range(3):
        for b in range(3):
            pa, pb = d.pictures[a].ravel(), d.pictures[b].ravel()
            expected = pa @ pb / math.sqrt((pa @ pa) * (pb @ pb))
            assert d.pixel_cos[a, b] == pytest.approx(expected)
            sa, sb = d.semantic[a], d.semantic[b]
            expected = sa @ sb / math.sqrt((sa @ sa) * (sb @ sb))
            assert d.semantic_cos[a, b] == pytest.approx(expected)
    # the point of the slide: the same shape moved shares no pixel but the meaning;
    # a different shape in the same place shares pixels but not the meaning
    assert d.pixel_cos[0, 1] < d.pixel_cos[0, 2]
    assert d.semantic_cos[0, 1] > d.semantic_cos[0, 2]
    # each filter answers 1 to its own shape, and has zero mean
    for f, shape_index in enumerate((0, 2)):
        assert float((d.filters[f] * d.pictures[shape_index][:3, :3]).sum()) == pytest.approx(1.0)
        assert d.filters[f].sum() == pytest.approx(0.0)
