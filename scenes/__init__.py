"""Manim scenes of the lecture, and their order.

``LECTURE`` lists every scene in lecture order (article 000, 001, then 002). Each entry
names the module that holds the class; ``scene_class`` imports it on demand, so
listing scenes does not import manim.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = ["LECTURE", "SceneInfo", "scene_class", "scene_names"]


@dataclass(frozen=True)
class SceneInfo:
    name: str  # the Slide subclass, e.g. "ForwardPropagation"
    module: str  # where it lives, e.g. "scenes.forward"
    section: str  # where the article teaches it, e.g. "001 §2"
    title: str  # one line for `render.py list` and the section slides


LECTURE: tuple[SceneInfo, ...] = (
    SceneInfo("WhyHard", "scenes.difficulty", "000 §1", "Why RNNs are hard; a simple RNN first"),
    SceneInfo("Mapping", "scenes.mapping", "000 §3", "Neural networks as mappings"),
    SceneInfo("WhyRNN", "scenes.why_rnn", "000 §4", "Why DCLs and CNNs do not fit sequences"),
    SceneInfo("SequenceData", "scenes.sequence_data", "000 §5", "Sequence data and time steps"),
    SceneInfo("TaskTypes", "scenes.task_types", "000 §6", "Types of RNN tasks"),
    SceneInfo(
        "DenseBackprop", "scenes.dense_backprop", "001 §1", "A brief review: backprop in a DCL"
    ),
    SceneInfo("TheLesson", "scenes.lesson_intro", "001 §2", "The lesson: task, sequence, targets"),
    SceneInfo(
        "SimpleRNNNeurons", "scenes.neurons", "001 §2", "The simple RNN as connected neurons"
    ),
    SceneInfo("Unfolding", "scenes.unfolding", "001 §2", "Unfolding an RNN through time"),
    SceneInfo(
        "ForwardPropagation", "scenes.forward", "001 §2", "Forward propagation, step by step"
    ),
    SceneInfo("BackpropThroughTime", "scenes.bptt", "001 §3", "Backpropagation through time"),
    SceneInfo("Training", "scenes.training", "001 §3", "Training: BPTT and updates, repeated"),
    SceneInfo("TruncatedBPTT", "scenes.truncated", "001 §3", "Truncated BPTT"),
    SceneInfo("VanishingExploding", "scenes.vanishing", "001 end", "Vanishing/exploding gradients"),
    SceneInfo("LongRange", "scenes.long_range", "001 end", "Remember the first symbol: d steps"),
    SceneInfo("LSTMCell", "scenes.lstm_cell", "002 §1", "The LSTM cell: a circuit with valves"),
    SceneInfo("LSTMForward", "scenes.lstm_forward", "002 §1", "LSTM forward propagation"),
    SceneInfo(
        "LSTMBackprop", "scenes.lstm_backprop", "002 §2", "LSTM backprop: following the flows"
    ),
    SceneInfo("WhyLSTM", "scenes.why_lstm", "002 §2", "Why LSTM: the error along the cell line"),
)


def scene_names() -> list[str]:
    return [s.name for s in LECTURE]


def scene_class(name: str) -> type:
    """The scene class called ``name`` (``KeyError`` if it is not in the lecture)."""
    info = {s.name: s for s in LECTURE}[name]
    return getattr(importlib.import_module(info.module), info.name)
