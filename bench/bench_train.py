"""Benchmark of training with rnncore: the default task, and the long-range experiment.

    python bench/bench_train.py [--max-epochs N] [--quick]

1. The default lesson's network (its weights, learning rate and clip) trained on
   ``parity_dataset(32, T=5, seed=0)`` with full BPTT: the first epoch with 100%
   training accuracy (found by a run of ``--max-epochs``), then the wall time of one
   ``train`` call of exactly that many epochs. Target: under 10 s.
2. ``long_range_experiment()`` (remember the first symbol, d = 2, 4, 6, 8, 10, three
   seeds each, rnncore's defaults): held-out accuracy against d, the first epoch with
   100% training accuracy, and the error that reaches the cue, ||dL/da(1)||, relative
   to the error where the loss enters, ||dL/da(d)|| (epoch 1 and the last epoch),
   averaged over the seeds. Target: under 60 s.
3. ``rnncore.lstm_compare.fair_comparison()`` (WhyLSTM's experiment): the simple RNN
   and the LSTM (forget bias 1) on the same task, for every learning rate of the
   grid and every seed; per cell and d the rate chosen on validation accuracy, test
   accuracy mean and spread. Target: under 60 s (measured: about 18 s on the 2-core
   machine with other work running; ``--quick``: d = 2, 6 and one seed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnncore import default_lesson, long_range_experiment, parity_dataset, train
from rnncore.lstm_compare import fair_comparison

DEFAULT_TARGET_S = 10.0
LONG_RANGE_TARGET_S = 60.0


def default_task(epochs: int) -> tuple[float, int | None, float]:
    """(seconds of one ``train`` call, first epoch at 100% training accuracy, final loss)."""
    lesson = default_lesson()
    data = parity_dataset(32, T=5, seed=0)
    t0 = time.perf_counter()
    run = train(lesson.params, data, epochs=epochs, lr=lesson.learning_rate, clip=lesson.clip)
    seconds = time.perf_counter() - t0
    hits = np.flatnonzero(run.accuracy == 1.0)
    return seconds, int(hits[0]) if hits.size else None, float(run.loss[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-epochs", type=int, default=100, help="default task: epoch cap")
    parser.add_argument("--quick", action="store_true", help="long range: d = 2, 6 and 1 seed")
    args = parser.parse_args(argv)
    print(f"numpy {np.__version__}, float64, one process\n")

    print("1. default task: the default lesson's network on parity_dataset(32, T=5, seed=0)")
    _, epoch, _ = default_task(args.max_epochs)  # finds the epoch
    if epoch is None:
        print(f"   no 100% training accuracy within {args.max_epochs} epochs\n")
    else:
        seconds, _, final_loss = default_task(epoch)  # the timed run: exactly that many epochs
        verdict = "ok" if seconds < DEFAULT_TARGET_S else "SLOW"
        print(
            f"   100% training accuracy after epoch {epoch}: train(epochs={epoch}) took "
            f"{seconds:.2f} s ({1000 * seconds / epoch:.1f} ms per epoch of 32 updates and an "
            f"evaluation; target < {DEFAULT_TARGET_S:.0f} s: {verdict}); "
            f"loss {final_loss:.4f} (mean L per sequence)\n"
        )

    distances, seeds = ((2, 6), (0,)) if args.quick else ((2, 4, 6, 8, 10), (0, 1, 2))
    t0 = time.perf_counter()
    res = long_range_experiment(distances, seeds)
    seconds = time.perf_counter() - t0
    s = res.settings
    print(
        f"2. long range: remember the first of {s['n_symbols']} symbols, "
        f"{'distractors' if s['distractors'] else 'blanks'} between, H = {s['n_hidden']}, "
        f"{s['n_train']} training sequences, {s['epochs']} epochs, lr {s['lr']}, "
        f"clip {s['clip']}, init scale {s['scale']}; seeds {[int(x) for x in res.seeds]}"
    )
    ratio = res.first_step_error / res.last_step_error  # (D, S, E)
    head = (
        f"   {'d':>3s} {'held-out acc':>13s} {'per seed':>18s} {'epoch 100%':>14s} "
        f"{'|dL/da(1)|/|dL/da(d)| ep 1':>27s} {'last ep':>8s}"
    )
    print(head)
    for i, d in enumerate(res.distances):
        per_seed = " ".join(f"{a:.2f}" for a in res.accuracy[i])
        solved = " ".join(str(e) if e >= 0 else "-" for e in res.epochs_to_solve[i])
        print(
            f"   {d:3d} {res.accuracy[i].mean():13.2f} {per_seed:>18s} {solved:>14s} "
            f"{ratio[i, :, 0].mean():27.2e} {ratio[i, :, -1].mean():8.2f}"
        )
    verdict = "ok" if seconds < LONG_RANGE_TARGET_S else "SLOW"
    print(
        f"   chance {res.chance:.2f}; {seconds:.1f} s "
        f"(target < {LONG_RANGE_TARGET_S:.0f} s: {verdict})\n"
    )
    fair_comparison_bench(distances if args.quick else None, seeds if args.quick else None)
    return 0


def fair_comparison_bench(distances: tuple[int, ...] | None, seeds: tuple[int, ...] | None) -> None:
    """Time WhyLSTM's experiment and print what it chose and measured."""
    kw = {} if distances is None else {"distances": distances, "seeds": seeds}
    t0 = time.perf_counter()
    res = fair_comparison(**kw)
    seconds = time.perf_counter() - t0
    s = res.settings
    print(
        f"3. fair comparison (WhyLSTM): H = {s['n_hidden']}, {s['epochs']} epochs, clip "
        f"{s['clip']}, lr grid {[float(x) for x in res.rnn.lrs]} chosen on {s['n_val']} "
        f"validation sequences, {s['n_test']} test sequences, seeds {res.rnn.seeds.tolist()}, "
        f"LSTM forget bias {s['forget_bias']}"
    )
    print(
        f"   {'d':>3s} {'cell':>5s} {'lr':>5s} {'test acc':>9s} {'min':>5s} {'max':>5s} "
        f"{'surviving':>10s}"
    )
    for i, d in enumerate(res.rnn.distances):
        for runs in (res.rnn, res.lstm):
            print(
                f"   {d:3d} {runs.cell:>5s} {runs.chosen_lr[i]:5g} {runs.mean[i]:9.2f} "
                f"{runs.low[i]:5.2f} {runs.high[i]:5.2f} {runs.surviving_error[i]:10.2e}"
            )
    verdict = "ok" if seconds < LONG_RANGE_TARGET_S else "SLOW"
    print(f"   {seconds:.1f} s (target < {LONG_RANGE_TARGET_S:.0f} s: {verdict})")


if __name__ == "__main__":
    raise SystemExit(main())
