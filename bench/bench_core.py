"""Benchmark of rnncore against PyTorch autograd on the CPU (float64).

    python bench/bench_core.py [--repeats N] [--threads N] [--quick]

Times, at a few network sizes, the median of repeated runs (in ms) of:

* ``fwd+bwd full``   forward + full BPTT (loss and every gradient);
* ``fwd+bwd k``      forward + truncated BPTT(k) (each L(s) back through k steps);
* ``by_source``      d_a split by source loss, (T, T, H);
* ``jacobian_norms`` ||dh(t)/dh(k)||_2 for every k <= t, (T, T).

The reference is PyTorch autograd, run on the same numbers: ``nn.RNN`` + ``nn.Linear``
(full BPTT); per-source windows restarted from a detached state (BPTT(k)); one
``autograd.grad`` per source loss w.r.t. every a(t) (by_source); ``torch.func.jacrev``
of h(t) w.r.t. h(k) and ``torch.linalg.matrix_norm(ord=2)`` (jacobian_norms). Before timing,
each pair of results is compared (column ``max|diff|``). ``ratio`` = torch time / rnncore
time, so > 1 means rnncore is faster. Without torch only rnncore's times are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnncore import RNNParams, backward, forward, jacobian_norms

try:
    import torch
except ImportError:  # torch is optional
    torch = None

# (label, n_in, n_hidden, n_out, T, k): the default lesson, the largest drawable lesson,
# and two larger networks to see how each implementation scales.
SIZES = [
    ("default lesson", 3, 4, 2, 5, 2),
    ("largest drawable", 8, 10, 6, 10, 3),
    ("medium", 16, 32, 8, 50, 10),
    ("large", 32, 64, 16, 60, 12),
]
MIN_TIME_S = 0.2  # keep repeating until this much time has passed (after the minimum)
SLOW_S = 1.0  # a call slower than this is timed only 3 times


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn()`` in ms, over at least ``repeats`` runs after a warm-up.

    Calls slower than ``SLOW_S`` are repeated only ``min(repeats, 3)`` times.
    """
    t0 = time.perf_counter()
    fn()  # warm-up (caches, torch's first-call overheads)
    if time.perf_counter() - t0 > SLOW_S:
        repeats = min(repeats, 3)
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < repeats or (time.perf_counter() - start < MIN_TIME_S and len(times) < 200):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def make_problem(I: int, H: int, O: int, T: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    params = RNNParams.random(I, H, O, seed=seed, scale=1.0 / np.sqrt(H))
    xs = rng.normal(size=(T, I))  # (T, I)
    targets = rng.integers(0, O, T)  # (T,)
    return params, xs, targets


# ------------------------------------------------------------------ rnncore


def core_full(params, xs, targets):
    return backward(params, forward(params, xs), targets)


def core_truncated(params, xs, targets, k):
    return backward(params, forward(params, xs), targets, truncate=k)


def core_by_source(params, xs, targets):
    return core_full(params, xs, targets).by_source  # computed afresh: a new Backprop


def core_jacobian_norms(params, xs):
    return jacobian_norms(params, forward(params, xs))


def core_ops(params, xs, targets, k) -> dict[str, tuple[Callable[[], np.ndarray], str]]:
    """operation name -> (rnncore call returning an array, name of the torch method)."""
    return {
        "fwd+bwd full": (lambda: core_full(params, xs, targets).grads.W, "full"),
        f"fwd+bwd k={k}": (lambda: core_truncated(params, xs, targets, k).grads.W, "truncated"),
        "by_source": (lambda: core_by_source(params, xs, targets), "by_source"),
        "jacobian_norms": (lambda: core_jacobian_norms(params, xs), "jacobian_norms"),
    }


# ------------------------------------------------------------------ torch reference


class TorchRNN:
    """The same network in PyTorch (float64): nn.RNN(tanh) + nn.Linear, or a manual cell."""

    def __init__(self, params: RNNParams, xs: np.ndarray, targets: np.ndarray):
        I, H, O = params.n_in, params.n_hidden, params.n_out
        self.rnn = torch.nn.RNN(I, H, nonlinearity="tanh", batch_first=True).double()
        self.out = torch.nn.Linear(H, O).double()
        with torch.no_grad():
            self.rnn.weight_ih_l0.copy_(self._t(params.U))
            self.rnn.weight_hh_l0.copy_(self._t(params.W))
            self.rnn.bias_ih_l0.copy_(self._t(params.b))
            self.rnn.bias_hh_l0.zero_()
            self.out.weight.copy_(self._t(params.V))
            self.out.bias.copy_(self._t(params.c))
        self.U, self.W, self.b = self._t(params.U), self._t(params.W), self._t(params.b)
        self.V, self.c = self._t(params.V), self._t(params.c)
        self.x = self._t(xs)  # (T, I)
        self.y = torch.tensor(np.asarray(targets), dtype=torch.long)  # (T,)
        self.H = H

    @staticmethod
    def _t(a: np.ndarray):
        return torch.tensor(np.array(a, dtype=np.float64))

    def _zero_grad(self) -> None:
        for p in (*self.rnn.parameters(), *self.out.parameters()):
            p.grad = None

    def full(self):
        self._zero_grad()
        h0 = torch.zeros(1, 1, self.H, dtype=torch.float64, requires_grad=True)
        hs, _ = self.rnn(self.x[None], h0)
        loss = torch.nn.functional.cross_entropy(self.out(hs[0]), self.y, reduction="sum")
        loss.backward()
        return self.rnn.weight_hh_l0.grad

    def truncated(self, k: int):
        self._zero_grad()
        T = self.x.shape[0]
        with torch.no_grad():
            hs, _ = self.rnn(self.x[None])
        total = torch.zeros((), dtype=torch.float64)
        for s in range(T):
            start = max(s - k + 1, 0)
            h_start = torch.zeros(self.H, dtype=torch.float64) if start == 0 else hs[0, start - 1]
            window, _ = self.rnn(self.x[None, start : s + 1], h_start.detach()[None, None])
            o = self.out(window[0, -1:])
            total = total + torch.nn.functional.cross_entropy(o, self.y[s : s + 1], reduction="sum")
        total.backward()
        return self.rnn.weight_hh_l0.grad

    def _unrolled(self, h0=None):
        """Manual cell: the pre-activations a(t) (leaves of the graph) and losses L(t)."""
        T = self.x.shape[0]
        h = torch.zeros(self.H, dtype=torch.float64) if h0 is None else h0
        pre, losses = [], []
        for t in range(T):
            a = self.b + self.W @ h + self.U @ self.x[t]
            pre.append(a)
            h = torch.tanh(a)
            o = self.c + self.V @ h
            losses.append(torch.logsumexp(o, 0) - o[self.y[t]])
        return pre, losses

    def by_source(self):
        W = self.W.requires_grad_(True)
        pre, losses = self._unrolled()
        T = len(pre)
        out = torch.zeros(T, T, self.H, dtype=torch.float64)
        for s in range(T):
            grads = torch.autograd.grad(losses[s], pre[: s + 1], retain_graph=True)
            out[s, : s + 1] = torch.stack(grads)
        W.requires_grad_(False)
        return out

    def jacobian_norms(self):
        T = self.x.shape[0]
        with torch.no_grad():
            hs, _ = self.rnn(self.x[None])
        hs = hs[0]
        norms = torch.zeros(T, T, dtype=torch.float64)
        for k in range(T):
            norms[k, k] = 1.0
            if k == T - 1:
                continue

            def later_states(h_k, k=k):
                h, out = h_k, []
                for t in range(k + 1, T):
                    h = torch.tanh(self.b + self.W @ h + self.U @ self.x[t])
                    out.append(h)
                return torch.stack(out)  # (T-k-1, H)

            J = torch.func.jacrev(later_states)(hs[k])  # (T-k-1, H, H)
            norms[k + 1 :, k] = torch.linalg.matrix_norm(J, ord=2)
        return norms


# ------------------------------------------------------------------ main


def run(repeats: int, sizes) -> list[tuple]:
    rows = []
    for label, I, H, O, T, k in sizes:
        params, xs, targets = make_problem(I, H, O, T)
        size = f"{label} I{I} H{H} O{O} T{T}"
        ops = core_ops(params, xs, targets, k)
        ref = TorchRNN(params, xs, targets) if torch is not None else None
        for op, (core_fn, ref_name) in ops.items():
            core_ms = median_ms(core_fn, repeats)
            if ref is None:
                rows.append((size, op, core_ms, None, None, None))
                continue
            method = getattr(ref, ref_name)
            ref_fn = (lambda k=k, m=method: m(k)) if ref_name == "truncated" else method
            diff = float(np.max(np.abs(np.asarray(core_fn()) - ref_fn().detach().numpy())))
            ref_ms = median_ms(ref_fn, repeats)
            rows.append((size, op, core_ms, ref_ms, ref_ms / core_ms, diff))
    return rows


def print_table(rows) -> None:
    head = (
        f"{'size':34s} {'operation':16s} {'rnncore ms':>11s} {'torch ms':>10s} "
        f"{'ratio':>7s} {'max|diff|':>10s}"
    )
    print(head)
    print("-" * len(head))
    for size, op, core_ms, ref_ms, ratio, diff in rows:
        if ref_ms is None:
            print(f"{size:34s} {op:16s} {core_ms:11.3f} {'-':>10s} {'-':>7s} {'-':>10s}")
        else:
            print(f"{size:34s} {op:16s} {core_ms:11.3f} {ref_ms:10.3f} {ratio:7.2f} {diff:10.1e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="minimum runs per timing")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    parser.add_argument("--quick", action="store_true", help="only the two small sizes")
    args = parser.parse_args(argv)
    sizes = SIZES[:2] if args.quick else SIZES
    if torch is not None:
        torch.set_num_threads(args.threads)
        print(
            f"numpy {np.__version__}, torch {torch.__version__} "
            f"({args.threads} thread(s)), float64, CPU"
        )
    else:
        print(f"numpy {np.__version__}; torch not installed: rnncore times only")
    print(
        f"median of >= {args.repeats} runs; ratio = torch ms / rnncore ms (> 1: rnncore faster)\n"
    )
    print_table(run(args.repeats, sizes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
