"""Numbers for article 000's first sections (pure NumPy, no drawing).

- ``chain_terms``: how many chain-rule products BPTT adds up for a sequence of T
  steps, and how many Jacobian factors each has ("a monster of chain rules").
- ``semantic_demo``: three tiny pictures, their pixels and their "semantic
  vectors" from a toy feature extractor (hand-made filters, convolution, a bias,
  ReLU, max over positions), and the cosine similarities of both: two pictures of the
  same shape at different places are far apart pixel by pixel and identical in
  meaning; a different shape at the same place is the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "BIAS",
    "PICTURE_SIZE",
    "ChainTerms",
    "SemanticDemo",
    "chain_terms",
    "cosine",
    "semantic_demo",
]

PICTURE_SIZE = 7  # side of each tiny picture, in pixels

_PLUS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=float)
_RING = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
# (name, shape, top-left corner) of the three pictures
_PICTURES = (("+", _PLUS, (0, 0)), ("+", _PLUS, (4, 4)), ("o", _RING, (0, 0)))
BIAS = 0.5  # a filter fires when its response is above half of a perfect match


@dataclass(frozen=True)
class ChainTerms:
    """The chain-rule products of BPTT for T steps.

    ``factors[s, t]`` (s, t 0-based, t <= s) is the number of Jacobians
    dh(k)/dh(k-1) in the product that carries the loss L(s+1) back to step t+1,
    that is s - t; -1 above the diagonal (no such product).
    """

    T: int
    factors: np.ndarray  # (T, T) int

    @property
    def products(self) -> int:
        """How many products are added up: one per (loss, earlier or same step)."""
        return int((self.factors >= 0).sum())

    @property
    def jacobians(self) -> int:
        """How many Jacobian factors all the products hold together."""
        return int(self.factors[self.factors >= 0].sum())


def chain_terms(T: int) -> ChainTerms:
    """The products dL(s)/dh(s) dh(s)/dh(s-1) ... dh(t+1)/dh(t) of BPTT over T steps."""
    if T < 1:
        raise ValueError(f"T: expected at least 1, found {T}")
    s, t = np.indices((T, T))
    return ChainTerms(T, np.where(t <= s, s - t, -1))


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """The cosine similarity of two vectors (0 when either is zero)."""
    a, b = np.ravel(a).astype(float), np.ravel(b).astype(float)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return 0.0 if na == 0 or nb == 0 else float(a @ b / (na * nb))


@dataclass(frozen=True)
class SemanticDemo:
    """Three pictures, their semantic vectors and both similarity matrices."""

    names: tuple[str, ...]  # the shape each picture shows
    pictures: np.ndarray  # (3, S, S) 0/1 pixels
    filters: np.ndarray  # (F, 3, 3) zero-mean filters, response 1 to their own shape
    filter_names: tuple[str, ...]
    semantic: np.ndarray  # (3, F) max over positions of ReLU(filter * patch - BIAS)
    pixel_cos: np.ndarray  # (3, 3) cosine of the flattened pixels
    semantic_cos: np.ndarray  # (3, 3) cosine of the semantic vectors


def _features(picture: np.ndarray, filters: np.ndarray) -> np.ndarray:
    """Max over every 3 x 3 position of ReLU(sum(filter * patch) - BIAS), per filter."""
    S = picture.shape[0]
    patches = np.array(
        [picture[i : i + 3, j : j + 3] for i in range(S - 2) for j in range(S - 2)]
    )  # (positions, 3, 3)
    responses = np.einsum("pij,fij->fp", patches, filters)
    return np.maximum(responses - BIAS, 0.0).max(axis=1)


def semantic_demo() -> SemanticDemo:
    """The pictures '+' at the top left, '+' at the bottom right, 'o' at the top left."""
    pictures = np.zeros((len(_PICTURES), PICTURE_SIZE, PICTURE_SIZE))
    for k, (_, shape, (i, j)) in enumerate(_PICTURES):
        pictures[k, i : i + 3, j : j + 3] = shape
    centred = [f - f.mean() for f in (_PLUS, _RING)]
    filters = np.array(
        [c / float((c * f).sum()) for c, f in zip(centred, (_PLUS, _RING), strict=True)]
    )
    semantic = np.array([_features(p, filters) for p in pictures])
    n = len(pictures)
    pixel = np.array([[cosine(pictures[a], pictures[b]) for b in range(n)] for a in range(n)])
    sem = np.array([[cosine(semantic[a], semantic[b]) for b in range(n)] for a in range(n)])
    return SemanticDemo(
        names=tuple(name for name, _, _ in _PICTURES),
        pictures=pictures,
        filters=filters,
        filter_names=("+ detector", "o detector"),
        semantic=semantic,
        pixel_cos=pixel,
        semantic_cos=sem,
    )
