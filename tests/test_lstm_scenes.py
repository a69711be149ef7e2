"""LSTMCell and LSTMForward: what they draw is the core's numbers, inside the frame.

Each scene is built in manim's dry run for the default lesson (a seeded LSTM), the
shipped ``lstm.toml`` and the largest lesson; the tests read the drawn Text glyphs
and shapes (valve openings, strip numbers, line colours) and compare them with
``Lesson.lstm_trace()`` / ``rnncore.lstm_views``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from _drawn import SlideRecorder
from _lessons import EDGE_LESSONS, write_lesson
from _scenes import build_scene, media_dir

from rnncore.lstm_views import cell_update, gate_parts
from scenes.mobjects.numbers import fmt

LESSONS = ("default", "lstm", "largest")
FRAME_HALF, MARGIN, SLACK = (7.1, 4.0), 0.4, 0.05
_BUILT: dict[tuple[str, str], object] = {}


def _lesson_path(key: str, tmp: Path) -> Path | None:
    if key == "default":
        return None
    if key == "lstm":
        with resources.as_file(resources.files("rnncore") / "lessons" / "lstm.toml") as p:
            return Path(p)
    return write_lesson(EDGE_LESSONS[key], tmp, key)


def _scene(name: str, key: str, tmp_path_factory: pytest.TempPathFactory):
    if (name, key) not in _BUILT:
        from scenes import scene_class

        tmp = tmp_path_factory.mktemp(f"{name}-{key}")
        path = _lesson_path(key, tmp)
        base = scene_class(name)

        class Recorded(SlideRecorder, base):  # type: ignore[misc, valid-type]
            """Keeps, per slide end, the circuit's wires whose ends touch nothing."""

            def at_slide_end(self, slide: int) -> None:
                if not hasattr(self, "loose"):
                    self.loose = []
                if hasattr(self, "circuit"):
                    self.loose.append((slide, loose_wire_ends(self.circuit, self.mobjects)))

        _BUILT[(name, key)] = build_scene(Recorded, path, tmp, media_dir(tmp_path_factory))
    return _BUILT[(name, key)]


@pytest.fixture(params=LESSONS)
def cell(request, tmp_path_factory):
    return _scene("LSTMCell", request.param, tmp_path_factory)


@pytest.fixture(params=LESSONS)
def forward(request, tmp_path_factory):
    return _scene("LSTMForward", request.param, tmp_path_factory)


def _texts(mob) -> list[str]:
    from manim import Text

    return [m.original_text.strip() for m in mob.get_family() if isinstance(m, Text)]


def _inside(mob) -> bool:
    x, y = FRAME_HALF[0] - MARGIN + SLACK, FRAME_HALF[1] - MARGIN + SLACK
    return (
        mob.get_left()[0] >= -x
        and mob.get_right()[0] <= x
        and mob.get_bottom()[1] >= -y
        and mob.get_top()[1] <= y
    )


TOUCH = 0.05  # a wire's end may stop this far short of its component


def _touches(point: np.ndarray, mob) -> bool:
    """Whether ``point`` lies on (or within TOUCH of) ``mob``: a circle's rim or a box."""
    from manim import Circle

    if isinstance(mob, Circle):
        return float(np.linalg.norm(point[:2] - mob.get_center()[:2])) <= mob.width / 2 + TOUCH
    (x, y), lo, hi = (
        point[:2],
        mob.get_corner(np.array([-1, -1, 0])),
        mob.get_corner(np.array([1, 1, 0])),
    )
    return lo[0] - TOUCH <= x <= hi[0] + TOUCH and lo[1] - TOUCH <= y <= hi[1] + TOUCH


def loose_wire_ends(circuit, on_screen: list) -> list[str]:
    """The wires of ``circuit`` on screen with an end that touches no component on screen
    (nor, at a bend, the end of another wire of its group).

    Components: the value boxes and empty slots, valves, the + node, the tanh box, the
    junction, the next-step label, the gate neurons and the x(t), h(t-1) neurons.
    """
    from manim.utils.family import extract_mobject_family_members

    shown = {id(m) for m in extract_mobject_family_members(on_screen)}
    c = circuit
    parts = [box.box for box in c.boxes.values()] + [slot[0] for slot in c.slots.values()]
    parts += [v.body for v in c.valves.values()] + [c.plus[0], c.tanh_box, c.junction]
    parts += [c.next_step, *(g.shapes[0] for g in c.gates.values()), *c.x.shapes]
    parts += list(c.h_prev.shapes)
    parts = [m for m in parts if id(m) in shown]
    groups = (c.cell_line, c.branches, c.controls, c.inputs_x, c.inputs_h)
    loose = []
    for name, group in zip(("cell", "branch", "control", "x", "h"), groups, strict=True):
        ends = [(w, e) for w in group if id(w) in shown for e in (w.get_start(), w.get_end())]
        for k, wire in enumerate(group):
            if id(wire) not in shown:
                continue
            for end in (wire.get_start(), wire.get_end()):
                bend = any(w is not wire and np.allclose(e, end, atol=1e-6) for w, e in ends)
                if not bend and not any(_touches(end, m) for m in parts):
                    loose.append(f"{name}[{k}] end {np.round(end[:2], 2).tolist()}")
    return loose


def test_every_wire_starts_and_ends_at_a_component(cell) -> None:
    slides = dict(cell.loose)
    assert {1, 2, 3} <= set(slides), cell.loose
    for slide, loose in cell.loose:
        assert loose == [], (slide, loose)
    moved = cell.circuit.copy()  # the check can fail: a wire pulled off its ends
    assert loose_wire_ends(moved, [moved]) == []
    moved.cell_line[2].shift(np.array([0.0, 0.5, 0.0]))
    assert len(loose_wire_ends(moved, [moved])) == 2


def test_valves_open_exactly_as_far_as_the_gates(cell) -> None:
    trace = cell.lesson.lstm_trace()
    c = cell.circuit
    for gate, openness in c.valve_values().items():
        assert openness == pytest.approx(trace.gate(gate)[cell.t, cell.j], abs=1e-6)


def test_circuit_numbers_are_the_cores(cell) -> None:
    trace = cell.lesson.lstm_trace()
    u = cell_update(trace, cell.t).unit(cell.j)
    c = cell.circuit
    for key, box in c.boxes.items():
        assert _texts(box.number) == [fmt(u[key])], key
    for g, neuron in c.gates.items():
        assert neuron.shown_numbers() in ([fmt(u[g])], [""])
    np.testing.assert_array_equal(c.x.values, trace.xs[cell.t])
    np.testing.assert_array_equal(c.h_prev.values, trace.h_prev[cell.t])


def test_every_circuit_colour_has_a_key(cell) -> None:
    from scenes.grammar import MEANING

    legend = cell.key[0]
    keyed = {e[0].get_stroke_color().to_hex() for e in legend.entries}
    c = cell.circuit
    used = {
        c.cell_line[0].get_stroke_color(),
        c.inputs_h[0].get_stroke_color() if len(c.inputs_h) else MEANING.recurrent.color,
        c.controls[0].get_stroke_color(),
        c.x.shapes[0].get_stroke_color(),
        c.h_prev.shapes[0].get_stroke_color(),
        c.branches[0].get_stroke_color(),
    }
    assert {u.to_hex() for u in used} <= keyed


def test_the_compact_slide_shows_the_same_numbers(cell) -> None:
    u = cell_update(cell.lesson.lstm_trace(), cell.t).unit(cell.j)
    shown = " ".join(t.tex_string for t in cell.cell_panel.lines)
    assert fmt(u["c"]) in shown and fmt(u["h"]) in shown
    for g in ("i", "f", "o", "z"):
        assert cell.compact.gates[g].values[0] == u[g]


def test_forward_strips_show_the_cores_numbers(forward) -> None:
    lesson, t = forward.lesson, forward.t
    trace = lesson.lstm_trace()
    parts = gate_parts(lesson.lstm_params, trace, "f", t)
    row = forward.split_row
    hidden = all(s == "" for s in row.values("a_f"))
    if not hidden:
        assert row.values("a_f") == [fmt(v) for v in parts.a]
        assert row.values("W_f x^{(t)}") == [fmt(v) for v in parts.w_x]
        assert row.values("R_f h^{(t-1)}") == [fmt(v) for v in parts.r_h]
        assert row.values("f^{(t)}") == [fmt(v) for v in trace.gate_f[t]]
    for g in ("z", "i", "f", "o"):
        np.testing.assert_array_equal(
            forward.gates_row.strips[f"{g}^{{(t)}}"].values, trace.gate(g)[t]
        )
    u = cell_update(trace, t)
    np.testing.assert_array_equal(forward.cell_row.strips["c^{(t)}"].values, trace.c[t])
    np.testing.assert_array_equal(forward.h_row.strips["h^{(t)}"].values, trace.h[t])
    assert forward.cell_panel.numbers["c"] == u.c[forward.j]
    assert forward.gate_panel.numbers["a"] == trace.pre("f")[t, forward.j]


def test_forward_fills_every_step_and_sums_the_loss(forward) -> None:
    lesson = forward.lesson
    trace, bp = lesson.lstm_trace(), lesson.lstm_backprop()
    view = forward.unrolled
    for t in view.steps:
        np.testing.assert_array_equal(view.strips["c"][t].values, trace.c[t])
        np.testing.assert_array_equal(view.strips["h"][t].values, trace.h[t])
    assert forward.total_panel.numbers["total"] == bp.loss


@pytest.mark.parametrize("name", ["LSTMCell", "LSTMForward"])
@pytest.mark.parametrize("key", LESSONS)
def test_final_frames_keep_the_margin(name, key, tmp_path_factory) -> None:
    scene = _scene(name, key, tmp_path_factory)
    outside = [
        _texts(m) or type(m).__name__
        for m in scene.mobjects
        if m is not scene.title and not _inside(m)
    ]
    assert not outside


NOTE_PARTS = ("Point at:", "Read out:", "Ask:", "Next:")


def check_lstm_notes(notes_log: list[str]) -> None:
    """Every slide's notes: the four parts once and in order, a number to read out,
    exactly one question, and a transition (tests/_notes.py without its length cap:
    the LSTM slides read out more numbers)."""
    import re

    assert notes_log, "no slide notes recorded"
    for notes in notes_log:
        at = [notes.find(part) for part in NOTE_PARTS]
        for part in NOTE_PARTS:
            assert notes.count(part) == 1, (part, notes)
        assert at == sorted(at), ("parts out of order", notes)
        read = notes.split("Read out:")[1].split("Ask:")[0]
        assert re.search(r"\d", read), ("nothing to read out", notes)
        ask = notes.split("Ask:")[1].split("Next:")[0]
        assert ask.strip().endswith("?") and ask.count("?") == 1, ("one question", notes)
        assert notes.split("Next:")[1].strip(), ("no transition", notes)


def test_cell_notes_point_read_ask_and_lead_on(cell) -> None:
    check_lstm_notes(cell.notes_log)
    n = cell.numbers()
    assert f"c(t) = {n['c']}" in cell.notes_log[0] and n["forget_part"] in cell.notes_log[2]


def test_forward_notes_point_read_ask_and_lead_on(forward) -> None:
    check_lstm_notes(forward.notes_log)
    bp = forward.lesson.lstm_backprop()
    assert f"L = {fmt(bp.loss)}" in forward.notes_log[-1]
