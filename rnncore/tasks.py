"""The numbers behind article 000: mappings, order, sequence data and task types.

Everything here is a small pure function over the core (``forward``, ``backward``,
``dense_forward``), so the scenes of article 000 show real numbers:

- ``dense_mapping_demo``: a small DCL mapping one vector to another.
- ``shuffle_demo``, ``order_demo`` (re-exported from ``rnncore.order``): a DCL is
  blind to order, an RNN is not; "who bites?", a task whose answer changes with
  the order, with a bag-of-words DCL and a trained simple RNN.
- ``load_weather`` / ``steps_for``: the shipped weather sequence (a 4-d vector
  every ten minutes) and how many vectors a time window holds.
- ``task_run``: many-to-many, many-to-one and one-to-many on one network, by
  masking inputs and losses.
- ``bidirectional``: two forward passes, one over the reversed sequence.
- ``seq2seq``: an encoder's last hidden state starts a decoder that feeds each
  output back as its next input.
- ``ctc_merge_repeats`` / ``ctc_collapse``: CTC's collapsing function.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from rnncore.dense import DenseParams, dense_forward
from rnncore.order import OrderDemo, ShuffleDemo, order_changing_perm, order_demo, shuffle_demo
from rnncore.params import RNNParams, as_float_array
from rnncore.rnn import Backprop, Trace, backward, forward

__all__ = [
    "CTC_BLANK",
    "TASK_KINDS",
    "BiTrace",
    "OrderDemo",
    "Seq2Seq",
    "ShuffleDemo",
    "TaskRun",
    "Weather",
    "bidirectional",
    "ctc_collapse",
    "ctc_merge_repeats",
    "dense_mapping_demo",
    "load_weather",
    "order_changing_perm",
    "order_demo",
    "seq2seq",
    "shuffle_demo",
    "steps_for",
    "task_run",
]

CTC_BLANK = "-"
TASK_KINDS = ("many_to_many", "many_to_one", "one_to_many")
WEATHER_FILE = "weather.toml"


# --- networks as mappings ---------------------------------------------------------


def dense_mapping_demo(
    sizes: tuple[int, ...] = (4, 5, 3), seed: int = 0
) -> tuple[DenseParams, np.ndarray, np.ndarray]:
    """A small DCL and one input vector: ``(params, x (n_0,), y_hat (n_L,))``.

    The input is uniform in [-1, 1], rounded to 2 decimals (what the screen shows is
    exactly what goes in); the output is the network's softmax.
    """
    params = DenseParams.random(sizes, seed=seed)
    rng = np.random.default_rng(seed + 1)
    x = np.round(rng.uniform(-1.0, 1.0, sizes[0]), 2)  # (n_0,)
    return params, x, dense_forward(params, x).y_hat


# --- sequence data -----------------------------------------------------------------


@dataclass(frozen=True)
class Weather:
    """A weather sequence: one vector of ``features`` every ``interval_minutes``."""

    name: str
    values: np.ndarray  # (T, 4) temperature, pressure, wind speed, humidity
    features: tuple[str, ...]
    units: tuple[str, ...]
    interval_minutes: int
    start: str  # "HH:MM" of the first vector

    @property
    def T(self) -> int:
        return self.values.shape[0]

    def clock(self, t: int) -> str:
        """The time of day of step ``t`` as ``"HH:MM"``."""
        hh, mm = (int(v) for v in self.start.split(":"))
        minutes = (hh * 60 + mm + t * self.interval_minutes) % (24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


def load_weather() -> Weather:
    """The shipped illustrative weather sequence (synthetic but plausible values)."""
    text = (resources.files("rnncore") / "lessons" / WEATHER_FILE).read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    values = as_float_array(raw["values"], "values")
    features, units = tuple(raw["features"]), tuple(raw["units"])
    if values.ndim != 2 or values.shape[1] != len(features) or len(units) != len(features):
        raise ValueError(
            f"{WEATHER_FILE}: values: expected shape (T, {len(features)}), found {values.shape}"
        )
    return Weather(
        name=raw["name"],
        values=values,
        features=features,
        units=units,
        interval_minutes=int(raw["interval_minutes"]),
        start=raw["start"],
    )


def steps_for(hours: float, interval_minutes: int = 10) -> int:
    """How many vectors a window of ``hours`` holds when one is recorded every ``interval_minutes``.

    ``steps_for(96, 10)`` is 96 * 6 = 576 (the article prints 574, a typo).
    """
    steps = hours * 60 / interval_minutes
    if steps != int(steps) or steps < 1:
        raise ValueError(
            f"hours: expected a whole number of {interval_minutes}-minute steps, found {hours}"
        )
    return int(steps)


# --- task types on one network -------------------------------------------------------


@dataclass(frozen=True)
class TaskRun:
    """One task type run on a network: which steps get an input, which carry a loss."""

    kind: str  # many_to_many | many_to_one | one_to_many
    xs: np.ndarray  # (T, I) the inputs actually fed (zero rows where there is no input)
    input_mask: np.ndarray  # (T,) bool: steps that receive an input
    loss_mask: np.ndarray  # (T,) bool: steps whose output is used (carry a loss)
    trace: Trace
    backprop: Backprop


def task_run(
    params: RNNParams,
    xs: np.ndarray,
    targets: np.ndarray,
    kind: str,
    h0: np.ndarray | None = None,
    loss: str = "cross_entropy",
) -> TaskRun:
    """Run ``params`` as a many-to-many, many-to-one or one-to-many task.

    many-to-one keeps every input and only the last step's loss; one-to-many keeps
    only the first input (the rest are zero vectors) and every step's loss.
    """
    if kind not in TASK_KINDS:
        raise ValueError(f"kind: expected one of {', '.join(TASK_KINDS)}, found {kind!r}")
    xs = as_float_array(xs, "xs")
    T = xs.shape[0]
    input_mask = np.ones(T, dtype=bool)
    loss_mask = np.ones(T, dtype=bool)
    if kind == "many_to_one":
        loss_mask[:-1] = False
    elif kind == "one_to_many":
        input_mask[1:] = False
    fed = xs * input_mask[:, None]  # (T, I)
    output = "softmax" if loss == "cross_entropy" else "identity"
    trace = forward(params, fed, h0, output=output)
    bp = backward(params, trace, targets, loss, loss_mask)
    return TaskRun(kind, fed, input_mask, loss_mask, trace, bp)


@dataclass(frozen=True)
class BiTrace:
    """A bidirectional pass: one RNN reads left to right, another right to left.

    ``h_backward[t]`` is the backward RNN's state after it has read steps T-1..t, so
    both ``h_forward[t]`` and ``h_backward[t]`` sit at time t; together they see the
    whole sequence.
    """

    forward: Trace  # over xs
    backward: Trace  # over xs[::-1], in its own (reversed) time
    h_forward: np.ndarray  # (T, H)
    h_backward: np.ndarray  # (T, H) aligned with time t

    @property
    def h(self) -> np.ndarray:
        """(T, 2H): both states at each time step, forward first."""
        return np.concatenate([self.h_forward, self.h_backward], axis=1)


def bidirectional(
    params: RNNParams,
    xs: np.ndarray,
    params_backward: RNNParams | None = None,
    h0: np.ndarray | None = None,
    output: str = "softmax",
) -> BiTrace:
    """Two forward passes: ``params`` over xs, ``params_backward`` (default: the same) reversed."""
    xs = as_float_array(xs, "xs")
    back_params = params if params_backward is None else params_backward
    fwd = forward(params, xs, h0, output=output)
    bwd = forward(back_params, xs[::-1], h0, output=output)
    return BiTrace(forward=fwd, backward=bwd, h_forward=fwd.h, h_backward=bwd.h[::-1])


@dataclass(frozen=True)
class Seq2Seq:
    """An encoder reads the input; its last hidden state starts the decoder.

    The decoder's first input is ``start`` (zeros); from then on each input is the
    one-hot of the decoder's previous most likely output (greedy decoding).
    """

    encoder: Trace
    decoder_params: RNNParams
    decoder: Trace  # decoder.xs[k] is what the decoder was fed at its step k
    tokens: np.ndarray  # (n_steps,) int: argmax of each decoder output

    @property
    def context(self) -> np.ndarray:
        """(H,) the encoder's last hidden state = the decoder's h0."""
        return self.encoder.h[-1]


def seq2seq(
    params: RNNParams,
    xs: np.ndarray,
    n_steps: int,
    decoder_params: RNNParams | None = None,
    h0: np.ndarray | None = None,
    seed: int = 1,
) -> Seq2Seq:
    """Encode ``xs`` (T, I) with ``params``, then decode ``n_steps`` outputs.

    ``decoder_params`` default to ``RNNParams.random(O, H, O, seed)``: the decoder reads
    vectors of the output size, so each output can be fed back as the next input.
    """
    if n_steps < 1:
        raise ValueError(f"n_steps: expected >= 1, found {n_steps}")
    H, O = params.n_hidden, params.n_out
    dec = RNNParams.random(O, H, O, seed=seed) if decoder_params is None else decoder_params
    if dec.n_hidden != H or dec.n_in != dec.n_out:
        raise ValueError(
            f"decoder_params: expected {H} hidden units and n_in == n_out, found "
            f"({dec.n_in}, {dec.n_hidden}, {dec.n_out})"
        )
    encoder = forward(params, xs, h0)
    x = np.zeros(dec.n_in)  # (O,) the start token
    h = encoder.h[-1]  # (H,)
    steps: list[Trace] = []
    for _ in range(n_steps):
        step = forward(dec, x[None, :], h)  # one step of the core
        steps.append(step)
        h = step.h[0]
        x = np.eye(dec.n_in)[int(np.argmax(step.y_hat[0]))]  # feed the output back
    decoder = Trace(
        xs=np.concatenate([s.xs for s in steps]),
        a=np.concatenate([s.a for s in steps]),
        h=np.concatenate([s.h for s in steps]),
        h0=encoder.h[-1],
        o=np.concatenate([s.o for s in steps]),
        y_hat=np.concatenate([s.y_hat for s in steps]),
    )
    tokens = np.argmax(decoder.y_hat, axis=1)
    return Seq2Seq(encoder=encoder, decoder_params=dec, decoder=decoder, tokens=tokens)


# --- CTC collapsing ----------------------------------------------------------------------


def ctc_merge_repeats(labels: str | Sequence[str]) -> str | list[str]:
    """CTC's first step: merge runs of the same label ("hheel-lloo" -> "hel-lo")."""
    merged = [s for i, s in enumerate(labels) if i == 0 or s != labels[i - 1]]
    return "".join(merged) if isinstance(labels, str) else merged


def ctc_collapse(labels: str | Sequence[str], blank: str = CTC_BLANK) -> str | list[str]:
    """CTC's collapsing function: merge repeats, then drop blanks ("hheel-lloo" -> "hello").

    The blank is what lets a real double letter survive: "l-l" stays two l's.
    """
    kept = [s for s in ctc_merge_repeats(labels) if s != blank]
    return "".join(kept) if isinstance(labels, str) else kept
