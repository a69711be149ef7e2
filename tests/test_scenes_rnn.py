"""The RNN mobjects and the scenes SimpleRNNNeurons, Unfolding, ForwardPropagation.

Scenes are constructed without encoding anything (manim's dry run), for the
default lesson and for a custom one (6 steps, 5 hidden units, no labels); the
tests compare what the scenes show with the core's numbers and check that every
slide's last frame keeps the 0.4 margin.
"""

from __future__ import annotations

import importlib
from itertools import pairwise

import numpy as np
import pytest
from _scenes import build_scene, media_dir
from manim import ManimColor, tempconfig

from rnncore import default_lesson, load_lesson
from rnncore.explain import hidden_terms, output_terms
from scenes.grammar import value_color
from scenes.mobjects import (
    ColorBar,
    Connections,
    EquationPanel,
    MatrixGrid,
    NeuronLayer,
    RNNNeuronsView,
    UnrolledRNN,
    VectorStrip,
    fmt,
)

CUSTOM_LESSON = """
name = "Six steps, five hidden"
task = "many_to_many"
loss = "cross_entropy"

[network]
n_in = 3
n_hidden = 5
n_out = 2
seed = 7

[data]
xs = [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]
targets = [1, 1, 0, 0, 1, 1]
"""

LONG_LESSON = """
name = "Ten steps"

[network]
n_in = 4
n_hidden = 6
n_out = 3
seed = 5

[data]
xs = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0],
      [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]]
targets = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
"""

FRAME_HALF = (7.1, 4.0)
MARGIN = 0.4
SLACK = 0.05  # stroke widths


def _inside(mob, slack: float = SLACK) -> bool:
    xmax, ymax = FRAME_HALF[0] - MARGIN + slack, FRAME_HALF[1] - MARGIN + slack
    return (
        mob.get_left()[0] >= -xmax
        and mob.get_right()[0] <= xmax
        and mob.get_bottom()[1] >= -ymax
        and mob.get_top()[1] <= ymax
    )


def _same_color(a, b) -> bool:
    return ManimColor(a).to_hex().lower() == ManimColor(b).to_hex().lower()


def _fmts(values) -> list[str]:
    return [fmt(v) for v in np.asarray(values).reshape(-1)]


@pytest.fixture(scope="module", autouse=True)
def _media_in_tmp(tmp_path_factory):
    """MathTex and Text write their caches under media_dir: keep it out of the repo."""
    media = media_dir(tmp_path_factory)
    with tempconfig({"media_dir": str(media), "verbosity": "ERROR"}):
        yield


@pytest.fixture(scope="module")
def custom_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("lessons") / "six_five.toml"
    path.write_text(CUSTOM_LESSON, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def long_lesson(tmp_path_factory):
    path = tmp_path_factory.mktemp("lessons") / "ten.toml"
    path.write_text(LONG_LESSON, encoding="utf-8")
    return load_lesson(path)


def _build(cls_path: str, lesson_path, tmp, media):
    """Construct the scene (dry run), recording what leaves the margin at every slide end."""
    module, name = cls_path.rsplit(".", 1)
    base = getattr(importlib.import_module(module), name)

    class Checked(base):
        def setup(self) -> None:
            super().setup()
            self.overflow: list[tuple[int, str]] = []
            self.slides = 0

        def check_frame(self) -> None:
            for mob in self.mobjects:
                if mob.get_family() and mob.width + mob.height > 0 and not _inside(mob):
                    self.overflow.append((self.slides, type(mob).__name__))

        def beat(self, notes: str) -> None:
            assert notes.strip(), "every beat has speaker notes"
            self.check_frame()
            self.slides += 1
            super().beat(notes)

        def tear_down(self) -> None:
            self.check_frame()
            super().tear_down()

    return build_scene(Checked, lesson_path, tmp, media)


SCENES = {
    "neurons": "scenes.neurons.SimpleRNNNeurons",
    "unfolding": "scenes.unfolding.Unfolding",
    "forward": "scenes.forward.ForwardPropagation",
}


def _scene_fixture(key):
    @pytest.fixture(scope="module", params=["default", "custom"])
    def fixture(request, tmp_path_factory, custom_path):
        path = None if request.param == "default" else custom_path
        return _build(SCENES[key], path, tmp_path_factory.mktemp(key), media_dir(tmp_path_factory))

    return fixture


neurons = _scene_fixture("neurons")
unfolding = _scene_fixture("unfolding")
forward = _scene_fixture("forward")


# --- the scenes -----------------------------------------------------------------------


@pytest.mark.parametrize("key", list(SCENES))
def test_scenes_are_in_the_lecture_in_article_order(key):
    from scenes import LECTURE, scene_class

    names = [s.name for s in LECTURE]
    assert names.index("SimpleRNNNeurons") < names.index("Unfolding")
    assert names.index("Unfolding") < names.index("ForwardPropagation")
    cls = scene_class(SCENES[key].rsplit(".", 1)[1])
    assert cls.__module__ == SCENES[key].rsplit(".", 1)[0]


def test_neurons_show_the_lessons_values_and_weights(neurons):
    lesson, view = neurons.lesson, neurons.view
    trace = lesson.trace()
    last = lesson.T - 1
    assert neurons.shown_steps == list(range(lesson.T))
    assert view.inputs.shown_numbers() == _fmts(trace.xs[last])
    assert view.hidden.shown_numbers() == _fmts(trace.h[last])
    assert view.outputs.shown_numbers() == _fmts(trace.y_hat[last])
    for j, row in enumerate(view.u.lines):
        for i, line in enumerate(row):
            assert _same_color(line.get_color(), value_color(lesson.params.U[j, i], view.u.vmax))
    assert np.array_equal(view.w.weights, lesson.params.W)
    assert neurons.w_grid.shown_matrix() == [_fmts(r) for r in lesson.params.W]
    assert neurons.overflow == []


def test_unfolding_shows_every_step_and_one_set_of_parameters(unfolding):
    lesson, view = unfolding.lesson, unfolding.unrolled
    trace = lesson.trace()
    assert view.steps == tuple(range(lesson.T))
    for t in view.steps:
        assert view.x[t].shown_numbers() == _fmts(trace.xs[t])
        assert view.h[t].shown_numbers() == _fmts(trace.h[t])
        assert view.o[t].shown_numbers() == _fmts(trace.o[t])
    # one W arrow into every step (from h0 for the first), all labelled W
    assert sorted(view.w_arrow) == list(view.steps)
    assert all(lab.tex_string == "W" for lab in view.w_label.values())
    for name in ("U", "W", "V"):
        grid = unfolding.grids[name]
        assert np.array_equal(grid.matrix_values, getattr(lesson.params, name))
        shown = grid.shown_matrix()
        if any(any(row) for row in shown):
            assert shown == [_fmts(r) for r in getattr(lesson.params, name)]
    assert unfolding.blackbox.steps == view.steps
    assert unfolding.overflow == []


def test_forward_equations_show_the_cores_numbers(forward):
    lesson = forward.lesson
    trace, bp = lesson.trace(), lesson.backprop()
    t = min(1, lesson.T - 1)
    hidden = forward.panels["hidden"].numbers
    terms = hidden_terms(lesson.params, trace, t, 0)
    assert hidden["a"] == trace.a[t, 0] and hidden["h"] == trace.h[t, 0]
    assert np.allclose(hidden["w_terms"], terms.w_terms)
    assert np.allclose(hidden["u_terms"], terms.u_terms)
    k = int(lesson.targets[t])
    output = forward.panels["output"].numbers
    assert output["o"] == trace.o[t, k] and output["y_hat"] == trace.y_hat[t, k]
    assert np.allclose(output["v_terms"], output_terms(lesson.params, trace, t, k).v_terms)
    assert forward.panels["loss"].numbers["loss"] == bp.losses[t]
    assert forward.panels["loss"].numbers["p"] == trace.y_hat[t, lesson.targets[t]]
    total = forward.panels["total"].numbers
    assert total["total"] == bp.loss
    assert np.array_equal(total["losses"], bp.losses[lesson.loss_mask])
    for panel in forward.panels.values():
        assert panel.effective_font_size >= 20 - 1e-6
    assert forward.overflow == []


def test_forward_fills_the_whole_sequence_with_the_trace(forward):
    lesson, view = forward.lesson, forward.unrolled
    trace, bp = lesson.trace(), lesson.backprop()
    for t in view.steps:
        assert view.x[t].shown_numbers() == _fmts(trace.xs[t])
        assert view.h[t].shown_numbers() == _fmts(trace.h[t])
        assert view.o[t].shown_numbers() == _fmts(trace.o[t])
        assert view.y_hat[t].shown_numbers() == _fmts(trace.y_hat[t])
        assert view.loss[t].shown_numbers() == [fmt(bp.losses[t])]
    assert view.h0.shown_numbers() == _fmts(trace.h0)


# --- the mobjects -----------------------------------------------------------------------


def test_fmt_has_two_decimals_and_no_negative_zero():
    assert fmt(0.5749) == "0.57"
    assert fmt(-0.004) == "0.00"
    assert fmt(-1.236) == "-1.24"


def test_strip_and_layer_colours_follow_the_value_scale():
    values = np.array([-1.5, -0.3, 0.0, 0.42, 2.0])
    strip = VectorStrip(values, vmax=1.0)
    layer = NeuronLayer(values, vmax=1.0)
    for shapes in (strip.shapes, layer.shapes):
        for shape, v in zip(shapes, values, strict=True):
            assert _same_color(shape.get_fill_color(), value_color(v, 1.0))
    assert strip.shown_numbers() == _fmts(values)
    # the extremes saturate, opposite signs have different hues
    assert _same_color(strip.cell(4).get_fill_color(), value_color(1.0))
    assert not _same_color(strip.cell(0).get_fill_color(), strip.cell(4).get_fill_color())
    strip.set_values(-values)
    assert strip.shown_numbers() == _fmts(-values)


def test_empty_and_tiny_cells_hide_their_numbers():
    assert VectorStrip(n=3).shown_numbers() == ["", "", ""]
    assert VectorStrip(np.ones(3), cell_height=0.1).shown_numbers() == ["", "", ""]
    layer = NeuronLayer(np.zeros(40), max_length=8.0)
    assert layer.width <= 8.0 + 1e-6
    assert layer.shown_numbers() == [""] * 40


def test_connections_colour_and_width_show_the_weights():
    a, b = NeuronLayer(np.zeros(3)), NeuronLayer(np.zeros(2)).shift(2)
    weights = np.array([[0.5, -1.0, 0.0], [0.25, 0.75, -0.1]])
    conn = Connections(a, b, weights)
    assert conn.vmax == 1.0
    assert _same_color(conn.lines[0][1].get_color(), value_color(-1.0))
    widths = [conn.lines[0][i].get_stroke_width() for i in range(3)]
    assert widths[1] > widths[0] > widths[2]
    with pytest.raises(ValueError, match="weights"):
        Connections(a, b, weights.T)


def test_matrix_grid_and_colorbar():
    grid = MatrixGrid(np.array([[0.1, -0.2], [0.3, 0.4]]), label="W =")
    assert grid.shown_matrix() == [["0.10", "-0.20"], ["0.30", "0.40"]]
    assert _same_color(grid.cell(0, 1).get_fill_color(), value_color(-0.2))
    bar = ColorBar(vmax=2.0, vertical=True)
    assert bar.cells.height > bar.cells.width
    assert _same_color(bar.cells[-1].get_fill_color(), value_color(2.0, 2.0))


def _fits(mob) -> bool:
    return _inside(mob, slack=1e-6)


def test_unrolled_fits_the_frame_for_five_and_six_steps(custom_path):
    for lesson in (default_lesson(), load_lesson(custom_path)):
        view = UnrolledRNN(lesson.trace(), lesson.params, lesson.backprop().losses)
        assert view.steps == tuple(range(lesson.T))
        assert _fits(view)
        assert view.cell_height >= 0.25  # numbers stay readable
        assert all(view.h[t].shown_numbers() == _fmts(lesson.trace().h[t]) for t in view.steps)


def test_unrolled_becomes_a_window_for_ten_steps(long_lesson):
    lesson = long_lesson
    view = UnrolledRNN(lesson.trace(), lesson.params, lesson.backprop().losses)
    assert lesson.T == 10
    assert view.steps == (0, 1, 2, 3, 4, 8, 9)
    assert len(view.ellipses) == 1
    assert _fits(view)
    # the step after the ellipsis gets its W arrow from the ellipsis
    assert view.w_arrow[8].get_start()[0] > view.ellipses[0].get_center()[0]
    # columns never overlap
    xs = [view.h[t].get_center()[0] for t in view.steps]
    widths = view.h[0].width
    assert all(b - a > widths for a, b in pairwise(xs))


def test_neurons_view_fits_for_the_largest_lesson(long_lesson):
    lesson = long_lesson
    view = RNNNeuronsView(lesson.params, lesson.trace(), 3, max_width=7.0)
    assert view.width < 2 * (FRAME_HALF[0] - MARGIN)
    assert view.hidden.shown_numbers() == _fmts(lesson.trace().h[3])


def test_equation_panels_read_the_core(custom_path):
    lesson = load_lesson(custom_path)
    trace, bp = lesson.trace(), lesson.backprop()
    for t in (0, lesson.T - 1):
        panel = EquationPanel.hidden_unit(lesson.params, trace, t, 2, max_width=6.9)
        assert panel.numbers["a"] == trace.a[t, 2]
        assert panel.numbers["h"] == trace.h[t, 2]
        assert np.isclose(
            panel.numbers["b"] + panel.numbers["w_sum"] + panel.numbers["u_sum"], trace.a[t, 2]
        )
        assert panel.width <= 6.9 + 1e-6
    total = EquationPanel.total_loss(bp.losses, bp.loss)
    assert total.numbers["total"] == bp.loss
    with pytest.raises(IndexError):
        hidden_terms(lesson.params, trace, lesson.T, 0)


def test_forward_loss_panels_hold_on_their_digits(forward):
    """Issue 9: L(t) = -log p and L = sum L(t) as drawn hold on the shown digits, or say ≈."""
    from test_views_issue9 import arithmetic_errors, panel_tex

    for name in ("loss", "total"):
        if name not in forward.panels:
            continue
        tex = panel_tex(forward.panels[name])
        bad, n = arithmetic_errors(tex)
        assert bad == [], tex
        if forward.lesson.loss == "cross_entropy":
            assert n >= 1, tex


def _check_notes_and_tag(scene) -> None:
    from _notes import check_notes

    check_notes(scene.notes_log)
    assert scene.weights_tag is not None and scene.weights_tag in scene.mobjects


def test_neurons_notes_point_read_ask_and_lead_on(neurons) -> None:
    _check_notes_and_tag(neurons)


def test_unfolding_notes_point_read_ask_and_lead_on(unfolding) -> None:
    _check_notes_and_tag(unfolding)


def test_forward_notes_point_read_ask_and_lead_on(forward) -> None:
    _check_notes_and_tag(forward)
