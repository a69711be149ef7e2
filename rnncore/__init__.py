"""rnncore: every number of a small simple RNN, in NumPy (float64).

Goodfellow, Bengio & Courville, *Deep Learning*, 10.2::

    a(t) = b + W h(t-1) + U x(t)      h(t) = tanh(a(t))
    o(t) = c + V h(t)                 y_hat(t) = softmax(o(t))   (identity for mse)
    L = sum_t L(t)                    d_o(t) = y_hat(t) - y(t)

Pure functions over frozen dataclasses; no manim, no printing, no global state.
"""

from rnncore.analysis import (
    jacobian_norms,
    largest_singular_value,
    pascanu_bound,
    scale_recurrence,
    spectral_radius,
)
from rnncore.bptt_views import (
    ClipReport,
    DhParts,
    RadiusCase,
    clip_report,
    d_h_parts,
    grads_difference,
    horizon_mask,
    largest_entries,
    norms_by_distance,
    radius_cases,
    tanh_derivative,
    truncation_chunks,
)
from rnncore.dense import (
    DenseBackprop,
    DenseParams,
    DenseTrace,
    dense_backward,
    dense_forward,
    dense_sgd_step,
)
from rnncore.lesson import LIMITS, TASKS, Lesson, LessonError, default_lesson, load_lesson
from rnncore.optim import clip_grads, sgd_step
from rnncore.params import PARAM_NAMES, PerStep, RNNParams
from rnncore.review import (
    DenseReview,
    ErrorTerms,
    count_parameters,
    dense_review,
    error_terms,
    review_network,
)
from rnncore.rnn import LOSSES, Backprop, Trace, backward, forward, grad_check, softmax
from rnncore.tasks import (
    CTC_BLANK,
    TASK_KINDS,
    BiTrace,
    Seq2Seq,
    ShuffleDemo,
    TaskRun,
    Weather,
    bidirectional,
    ctc_collapse,
    ctc_merge_repeats,
    dense_mapping_demo,
    load_weather,
    order_changing_perm,
    seq2seq,
    shuffle_demo,
    steps_for,
    task_run,
)

__all__ = [
    "CTC_BLANK",
    "LIMITS",
    "LOSSES",
    "PARAM_NAMES",
    "TASKS",
    "TASK_KINDS",
    "Backprop",
    "BiTrace",
    "ClipReport",
    "DenseBackprop",
    "DenseParams",
    "DenseReview",
    "DenseTrace",
    "DhParts",
    "ErrorTerms",
    "Lesson",
    "LessonError",
    "PerStep",
    "RNNParams",
    "RadiusCase",
    "Seq2Seq",
    "ShuffleDemo",
    "TaskRun",
    "Trace",
    "Weather",
    "backward",
    "bidirectional",
    "clip_grads",
    "clip_report",
    "count_parameters",
    "ctc_collapse",
    "ctc_merge_repeats",
    "d_h_parts",
    "default_lesson",
    "dense_backward",
    "dense_forward",
    "dense_mapping_demo",
    "dense_review",
    "dense_sgd_step",
    "error_terms",
    "forward",
    "grad_check",
    "grads_difference",
    "horizon_mask",
    "jacobian_norms",
    "largest_entries",
    "largest_singular_value",
    "load_lesson",
    "load_weather",
    "norms_by_distance",
    "order_changing_perm",
    "pascanu_bound",
    "radius_cases",
    "review_network",
    "scale_recurrence",
    "seq2seq",
    "sgd_step",
    "shuffle_demo",
    "softmax",
    "spectral_radius",
    "steps_for",
    "tanh_derivative",
    "task_run",
    "truncation_chunks",
]
