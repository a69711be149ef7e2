"""rnncore: every number of a small simple RNN, in NumPy (float64).

Goodfellow, Bengio & Courville, *Deep Learning*, 10.2::

    a(t) = b + W h(t-1) + U x(t)      h(t) = tanh(a(t))
    o(t) = c + V h(t)                 y_hat(t) = softmax(o(t))   (identity for mse)
    L = sum_t L(t)                    d_o(t) = y_hat(t) - y(t)

and the LSTM cell (PyTorch's layout, gates i, f, g, o; ``rnncore.lstm``)::

    [i, f, g, o](t) = [sigma, sigma, tanh, sigma](W_ih x(t) + b_ih + W_hh h(t-1) + b_hh)
    c(t) = f(t) * c(t-1) + i(t) * g(t)     h(t) = o(t) * tanh(c(t))    o(t) = c + V h(t)

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
from rnncore.chunked import ChunkedBPTT, ChunkStep, chunked_bptt
from rnncore.datasets import (
    Dataset,
    Evaluation,
    evaluate,
    first_symbol_dataset,
    lesson_dataset,
    parity_dataset,
    sentiment_dataset,
)
from rnncore.dense import (
    DenseBackprop,
    DenseParams,
    DenseTrace,
    dense_backward,
    dense_forward,
    dense_sgd_step,
)
from rnncore.importers import WeightsError, import_lesson, imported_lesson, read_params
from rnncore.lesson import LIMITS, TASKS, Lesson, LessonError, default_lesson, load_lesson
from rnncore.lesson_fit import LessonTraining, train_lesson
from rnncore.lesson_io import write_lesson
from rnncore.lesson_train import TrainedRecord, TrainSpec
from rnncore.lstm import LSTMBackprop, LSTMTrace, lstm_backward, lstm_forward, sigmoid
from rnncore.lstm_analysis import (
    LSTMJacobians,
    lstm_grad_check,
    lstm_jacobian_norms,
    lstm_step_jacobians,
)
from rnncore.lstm_params import (
    GATES,
    LSTM_PARAM_NAMES,
    GateWeights,
    LSTMParams,
    LSTMPerStep,
    lstm_sgd_step,
)
from rnncore.optim import clip_grads, sgd_step
from rnncore.order import (
    ORDER_ANSWERS,
    ORDER_WORDS,
    OrderDemo,
    bag_of_words,
    bites_dataset,
    order_demo,
    train_bag_dcl,
    who_bites,
)
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
from rnncore.train import (
    LongRangeResult,
    TrainResult,
    TrainSettings,
    long_range_experiment,
    train,
)

__all__ = [
    "CTC_BLANK",
    "GATES",
    "LIMITS",
    "LOSSES",
    "LSTM_PARAM_NAMES",
    "ORDER_ANSWERS",
    "ORDER_WORDS",
    "PARAM_NAMES",
    "TASKS",
    "TASK_KINDS",
    "Backprop",
    "BiTrace",
    "ChunkStep",
    "ChunkedBPTT",
    "ClipReport",
    "Dataset",
    "DenseBackprop",
    "DenseParams",
    "DenseReview",
    "DenseTrace",
    "DhParts",
    "ErrorTerms",
    "Evaluation",
    "GateWeights",
    "LSTMBackprop",
    "LSTMJacobians",
    "LSTMParams",
    "LSTMPerStep",
    "LSTMTrace",
    "Lesson",
    "LessonError",
    "LessonTraining",
    "LongRangeResult",
    "OrderDemo",
    "PerStep",
    "RNNParams",
    "RadiusCase",
    "Seq2Seq",
    "ShuffleDemo",
    "TaskRun",
    "Trace",
    "TrainResult",
    "TrainSettings",
    "TrainSpec",
    "TrainedRecord",
    "Weather",
    "WeightsError",
    "backward",
    "bag_of_words",
    "bidirectional",
    "bites_dataset",
    "chunked_bptt",
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
    "evaluate",
    "first_symbol_dataset",
    "forward",
    "grad_check",
    "grads_difference",
    "horizon_mask",
    "import_lesson",
    "imported_lesson",
    "jacobian_norms",
    "largest_entries",
    "largest_singular_value",
    "lesson_dataset",
    "load_lesson",
    "load_weather",
    "long_range_experiment",
    "lstm_backward",
    "lstm_forward",
    "lstm_grad_check",
    "lstm_jacobian_norms",
    "lstm_sgd_step",
    "lstm_step_jacobians",
    "norms_by_distance",
    "order_changing_perm",
    "order_demo",
    "parity_dataset",
    "pascanu_bound",
    "radius_cases",
    "read_params",
    "review_network",
    "scale_recurrence",
    "sentiment_dataset",
    "seq2seq",
    "sgd_step",
    "shuffle_demo",
    "sigmoid",
    "softmax",
    "spectral_radius",
    "steps_for",
    "tanh_derivative",
    "task_run",
    "train",
    "train_bag_dcl",
    "train_lesson",
    "truncation_chunks",
    "who_bites",
    "write_lesson",
]
