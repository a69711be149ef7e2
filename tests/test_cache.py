"""The render cache: nothing changed, nothing rendered; a change re-renders exactly
the scenes that read what changed (``pipeline.cache``, ``scenes.record``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import av
import numpy as np
import pytest

from pipeline.cache import Cache, code_digest, module_closure, value_digest
from rnncore import default_lesson, write_lesson
from tests._cli_support import run_cli, snapshot

SCENES = ("SequenceData", "TheLesson")  # short; the first never reads the weights


def test_a_scene_module_brings_every_module_of_ours_it_imports() -> None:
    closure = module_closure("scenes.forward")
    for name in ("scenes.forward", "scenes.base", "scenes.grammar", "scenes.record"):
        assert name in closure
    assert "rnncore.rnn" in closure  # through rnncore/__init__.py
    assert not any(n.split(".")[0] in ("manim", "numpy") for n in closure)


def test_code_digest_follows_every_imported_module_and_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "lectpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", "utf-8")
    (pkg / "scene.py").write_text("from lectpkg.helper import draw\nimport numpy\n", "utf-8")
    (pkg / "helper.py").write_text("from . import deep\ndef draw(): ...\n", "utf-8")
    (pkg / "deep.py").write_text("X = 1\n", "utf-8")
    (pkg / "other.py").write_text("Y = 1\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))

    def digest() -> str:
        return code_digest("lectpkg.scene", packages=("lectpkg",))

    assert set(module_closure("lectpkg.scene", ("lectpkg",))) == {
        "lectpkg", "lectpkg.scene", "lectpkg.helper", "lectpkg.helper.draw", "lectpkg.deep"
    }  # fmt: skip
    before = digest()
    (pkg / "other.py").write_text("Y = 2\n", "utf-8")
    assert digest() == before  # not imported: not part of the key
    (pkg / "deep.py").write_text("X = 2\n", "utf-8")
    assert digest() != before  # imported through helper's relative import


def test_value_digest_sees_one_changed_bit() -> None:
    lesson = default_lesson()
    W = lesson.params.W.copy()
    same = value_digest(lesson.params)
    assert value_digest(lesson.params) == same
    W.view(np.uint64)[0, 0] ^= 1  # the last bit of one weight
    changed = type(lesson.params)(**{**vars(lesson.params), "W": W})
    assert value_digest(changed) != same
    assert value_digest((1, 2)) != value_digest([1, 2])
    assert value_digest(np.zeros(3)) != value_digest(np.zeros((3, 1)))


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


@pytest.mark.render
def test_unchanged_is_reused_and_a_weight_re_renders_only_its_scenes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["slides", *SCENES, "--to", "html", "--jobs", "1", "--out", out]
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    assert "from the cache" not in first.stdout
    rendered = snapshot(out)

    again = run_cli(*args)
    assert again.returncode == 0, again.stderr
    reused = [ln.strip() for ln in again.stdout.splitlines() if "from the cache" in ln]
    assert reused == [
        "SequenceData: unchanged, from the cache",
        "TheLesson: unchanged, from the cache",
        "SequenceData.html: unchanged, from the cache",
        "TheLesson.html: unchanged, from the cache",
    ]
    assert snapshot(out) == rendered  # byte for byte

    # one weight of the default lesson, changed, written as a lesson file
    base = default_lesson()
    W = base.params.W.copy()
    W[0, 0] += 0.25
    lesson = tmp_path / "changed.toml"
    write_lesson(lesson, dataclasses.replace(base, params=dataclasses.replace(base.params, W=W)))
    changed = run_cli(*args, "--config", lesson)
    assert changed.returncode == 0, changed.stderr
    reused = {ln.strip().split(":")[0] for ln in changed.stdout.splitlines() if "cache" in ln}
    assert reused == {"SequenceData", "SequenceData.html"}  # TheLesson draws W: rendered

    # and reusing was right: SequenceData rendered afresh for that lesson is the same film
    fresh = run_cli("video", "SequenceData", "--force", "--config", lesson, "--out", tmp_path / "f")
    assert fresh.returncode == 0, fresh.stderr
    assert "from the cache" not in fresh.stdout
    kept = tmp_path / "kept"
    again = run_cli("video", "SequenceData", "--config", lesson, "--out", kept)
    assert "SequenceData: unchanged, from the cache" in again.stdout
    a = _frames(tmp_path / "f" / "videos" / "SequenceData.mp4")
    b = _frames(kept / "videos" / "SequenceData.mp4")
    assert len(a) == len(b) > 0
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_a_lesson_without_a_field_a_record_names_is_a_miss(tmp_path: Path) -> None:
    cache = Cache("low", default_lesson(), root=tmp_path)
    src = tmp_path / "video.mp4"
    src.write_bytes(b"not a film")
    cache.store_scene("SequenceData", "scenes.sequence_data", ["xs"], {"video.mp4": src})
    assert cache.find_scene("SequenceData", "scenes.sequence_data") is not None
    cache._store("scene-SequenceData", "0" * 64, {"fields": ["no_such_field"]}, {})
    assert cache.find_scene("SequenceData", "scenes.sequence_data") is not None  # the valid one
    other = Cache("medium", default_lesson(), root=tmp_path)
    assert other.find_scene("SequenceData", "scenes.sequence_data") is None  # quality is key


def test_tex_is_compiled_once_for_every_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second render (its own tex_dir) reads the first render's SVG from the shared
    TeX cache instead of running latex again, and draws the same points."""
    from manim import MathTex, tempconfig
    from manim.utils import tex_file_writing

    import scenes.manim_fixes  # noqa: F401  (the shared cache)

    shared = tmp_path / "tex"
    monkeypatch.setenv("RNN_LECTURE_TEX_CACHE", str(shared))
    tex = r"\frac{\partial L}{\partial W} = \sum_t \delta^{(t)} h^{(t-1)\top}"
    with tempconfig({"media_dir": str(tmp_path / "render-1")}):
        first = MathTex(tex)
    svgs = list(shared.glob("*.svg"))
    assert len(svgs) == 1  # written whole

    def compile_tex(*args: object, **kwargs: object) -> Path:
        raise AssertionError("latex ran again for a string in the cache")

    monkeypatch.setattr(tex_file_writing, "compile_tex", compile_tex)
    with tempconfig({"media_dir": str(tmp_path / "render-2")}):
        second = MathTex(tex)
    # parsed from the render's own copy: manim writes and deletes a modified SVG beside
    # the file it parses, which must not happen where other renders read at the same time
    assert len(list((tmp_path / "render-2").rglob("*.svg"))) == 1
    assert [p.name for p in shared.glob("*.svg")] == [svgs[0].name]
    np.testing.assert_array_equal(first.get_all_points(), second.get_all_points())
    with tempconfig({"media_dir": str(tmp_path / "render-3")}), pytest.raises(AssertionError):
        MathTex(tex + "+ 1")  # a new string is compiled


def test_svgs_are_parsed_once_for_every_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later render (a new process: nothing in memory) unpickles the outlines a render
    parsed, and gets every point and colour that parsing gives; a damaged file is parsed
    again. Texts differing only in colour or font size are distinct files."""
    from manim import MathTex, Text, tempconfig
    from manim.mobject.svg.svg_mobject import SVGMobject

    from scenes import manim_fixes

    def build() -> list:
        return [
            Text("Chunk 1 of 3: 0.57", font_size=28, t2c={"Chunk": "#FF7179"}),
            Text("Chunk 1 of 3: 0.57", font_size=30, t2c={"Chunk": "#FF7179"}),
            Text("Chunk 1 of 3: 0.57", font_size=28, color="#71DB00"),
            MathTex(r"h^{(t)} = \tanh(W h^{(t-1)} + U x^{(t)})"),
            MathTex("0.57", r"\cdot", "h^{(t)}"),  # parts: found by the SVG's group ids
        ]

    def drawn(mobjects: list) -> list:
        shapes = [len(m.submobjects) for mobject in mobjects for m in mobject.get_family()]
        return shapes + [
            (m.points.tobytes(), m.fill_rgbas.tobytes(), m.background_stroke_rgbas.tobytes())
            for mobject in mobjects
            for m in mobject.family_members_with_points()
        ]

    monkeypatch.delenv("RNN_LECTURE_TEX_CACHE", raising=False)
    monkeypatch.setattr(manim_fixes, "_PICKLED", {})
    with tempconfig({"media_dir": str(tmp_path / "manim")}):
        parsed = drawn(build())  # manim's own parsing, no shared files
    shared = tmp_path / "tex"
    monkeypatch.setenv("RNN_LECTURE_TEX_CACHE", str(shared))
    with tempconfig({"media_dir": str(tmp_path / "render-1")}):
        assert drawn(build()) == parsed
    outlines = sorted(shared.glob("*.outline"))
    assert len(outlines) == 5

    def parse(self: SVGMobject) -> SVGMobject:
        raise AssertionError("parsed again")

    monkeypatch.setattr(SVGMobject, "generate_mobject", parse)
    for i in (2, 3):
        monkeypatch.setattr(manim_fixes, "_PICKLED", {})  # a new render
        with tempconfig({"media_dir": str(tmp_path / f"render-{i}")}):
            assert drawn(build()) == parsed  # unpickled from the file
            assert drawn(build()) == parsed  # and from memory
    monkeypatch.undo()
    monkeypatch.setenv("RNN_LECTURE_TEX_CACHE", str(shared))
    monkeypatch.setattr(manim_fixes, "_PICKLED", {})
    outlines[0].write_bytes(b"half a file")
    with tempconfig({"media_dir": str(tmp_path / "render-4")}):
        assert drawn(build()) == parsed
    assert outlines[0].read_bytes() != b"half a file"  # parsed and written again


def test_prune_tex_keeps_the_most_recently_used(tmp_path: Path) -> None:
    import os

    from pipeline.cache import prune_tex

    for i in range(5):
        kept = tmp_path / (f"{i}.svg" if i % 2 else f"{i}.outline")
        kept.write_text("<svg/>", "utf-8")
        os.utime(kept, (1000 + i, 1000 + i))
    (tmp_path / ".5.svg.123.part").write_text("<sv", "utf-8")  # being written
    assert prune_tex(tmp_path, keep=2) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [".5.svg.123.part", "3.svg", "4.outline"]
    assert prune_tex(tmp_path / "missing", keep=2) == 0


def test_scene_renders_share_a_tex_cache_under_the_cache_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.plan import TEX_CACHE_ENV, child_env

    monkeypatch.delenv(TEX_CACHE_ENV, raising=False)
    monkeypatch.setenv("RNN_LECTURE_CACHE", str(tmp_path))
    assert child_env({})[TEX_CACHE_ENV] == str(tmp_path / "tex")


def _double(x: int) -> dict[str, np.ndarray]:
    _CALLS.append(x)
    return {"x": np.arange(3) * x}


_CALLS: list[int] = []


def test_an_experiment_is_computed_once_per_code_and_arguments(tmp_path: Path) -> None:
    """``scenes.results.kept``: the same call reads the disk; other arguments, or a file
    that cannot be read, compute again (the cache root is this test's own)."""
    from pipeline.cache import cache_root
    from scenes.results import kept

    _CALLS.clear()
    first = kept(_double, x=2)
    again = kept(_double, x=2)
    np.testing.assert_array_equal(first["x"], again["x"])
    assert _CALLS == [2]
    kept(_double, x=3)
    assert _CALLS == [2, 3]
    files = sorted((cache_root() / "results").iterdir())
    assert len(files) == 2 and all(f.suffix == ".pkl" for f in files)  # written whole
    for f in files:
        f.write_bytes(b"not a pickle")
    np.testing.assert_array_equal(kept(_double, x=2)["x"], first["x"])
    assert _CALLS == [2, 3, 2]
