"""notebooks/lesson.ipynb runs: a copy is executed by nbclient in a fresh kernel (the
venv's python, ipykernel) in a temporary folder, and its outputs are checked: no error,
the lesson and the numbers it prints are rnncore's, and manim's ``%%manim`` magic drew
the scene's last frame as a PNG of the low quality's size.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from PIL import Image

from rnncore import load_lesson

pytestmark = pytest.mark.render

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "lesson.ipynb"
LESSON = ROOT / "rnncore" / "lessons" / "default.toml"
TIMEOUT = 600  # seconds per cell: the scene cell builds a scene on a busy machine


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[nbformat.NotebookNode, Path]:
    """The notebook, run once in a temporary folder (media/ lands there)."""
    folder = tmp_path_factory.mktemp("notebook")
    copy = folder / NOTEBOOK.name
    shutil.copyfile(NOTEBOOK, copy)
    nb = nbformat.read(copy, as_version=4)
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits this process' environment
    try:
        NotebookClient(
            nb, timeout=TIMEOUT, kernel_name="python3", resources={"metadata": {"path": folder}}
        ).execute()  # raises CellExecutionError on the first cell that fails
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    nbformat.write(nb, copy)  # with its outputs, for a person
    return nb, folder


def tagged(nb: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    (cell,) = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    return cell


def stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def matrix_after(text: str, heading: str) -> np.ndarray:
    """The NumPy array printed on the lines after ``heading``."""
    rest = text.split(heading, 1)[1].split("\n", 1)[1]
    block = re.match(r"\s*\[\[.*?\]\]", rest, re.S)
    assert block, rest[:200]
    rows = re.findall(r"\[([^\[\]]*)\]", block.group(0))
    return np.array([[float(v) for v in row.split()] for row in rows])


def test_every_cell_ran_without_an_error(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", out
            assert not (out.output_type == "stream" and "Traceback" in out.text), out.text


def test_the_lesson_and_its_numbers_are_rnncores(
    executed: tuple[nbformat.NotebookNode, Path],
) -> None:
    nb, _ = executed
    lesson = load_lesson(LESSON)
    assert stdout(tagged(nb, "lesson")).strip() == lesson.describe()
    text = stdout(tagged(nb, "numbers"))
    trace, bp = lesson.trace(), lesson.backprop()
    assert f"loss L = {bp.loss:.4f}" in text
    for heading, want in [("h(t)", trace.h), ("y_hat(t)", trace.y_hat), ("dL/dW", bp.grads.W)]:
        got = matrix_after(text, heading)
        assert got.shape == want.shape, heading
        np.testing.assert_allclose(got, want, atol=5e-5, err_msg=heading)  # printed to 4 places


def test_the_manim_magic_draws_the_scenes_last_frame(
    executed: tuple[nbformat.NotebookNode, Path],
) -> None:
    nb, folder = executed
    (png,) = [
        o.data["image/png"]
        for o in tagged(nb, "scene").outputs
        if o.output_type == "display_data" and "image/png" in o.data
    ]
    image = Image.open(io.BytesIO(base64.b64decode(png))).convert("L")
    assert image.size == (854, 480)  # -ql
    pixels = np.asarray(image)
    assert pixels.std() > 10 and (pixels > 128).mean() > 0.005  # drawn, not an empty frame
    assert list((folder / "media" / "images").rglob("ForwardPropagation*.png"))
