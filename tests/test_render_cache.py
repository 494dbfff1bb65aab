"""render.cache: conversions kept across renders (formulas, highlighted cells), one slot per kind and process."""
from __future__ import annotations

import re

from ldkit.render import mathml


def test_a_kept_formula_is_read_back_and_not_converted_again(tmp_path, monkeypatch):
    store = tmp_path / "formulas.sqlite"
    calls: list[str] = []
    real = mathml._convert
    monkeypatch.setattr(mathml, "_convert", lambda tex, display: calls.append(tex) or real(tex, display))
    try:
        mathml.tex_to_mathml.cache_clear()
        mathml.use_store(store)
        first = mathml.tex_to_mathml(r"\frac{a}{b}", False)
        assert first and "<mfrac>" in first and calls == [r"\frac{a}{b}"]
        mathml.flush_store()
        mathml.tex_to_mathml.cache_clear()
        mathml.use_store(store)  # another worker, later
        assert mathml.tex_to_mathml(r"\frac{a}{b}", False) == first
        assert calls == [r"\frac{a}{b}"]  # read back, not converted
        assert mathml.tex_to_mathml(r"\frac{a}{b}", True) != first  # display mode is part of the key
        assert len(calls) == 2
    finally:
        mathml.use_store(None)
        mathml.tex_to_mathml.cache_clear()


def test_without_a_store_nothing_is_kept(tmp_path):
    mathml.use_store(None)
    assert mathml._slot.store is None
    assert mathml.tex_to_mathml("x^2", False)
    assert list(tmp_path.iterdir()) == []


def test_templates_compile_into_the_users_cache_where_it_can_be_written(tmp_path, monkeypatch):
    from jinja2 import FileSystemBytecodeCache

    from ldkit.render.cache import bytecode_cache

    monkeypatch.setenv("LDKIT_CACHE_DIR", str(tmp_path / "user"))
    kept = bytecode_cache(tmp_path / "ws-cache")
    assert isinstance(kept, FileSystemBytecodeCache)
    assert kept.directory == str(tmp_path / "user" / "templates")
    assert not (tmp_path / "ws-cache").exists()


def test_an_unwritable_users_cache_falls_back_to_the_workspace_then_to_none(tmp_path, monkeypatch, read_only):
    from ldkit.render.cache import bytecode_cache

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the user's cache would be")
    monkeypatch.setenv("LDKIT_CACHE_DIR", str(blocker))
    kept = bytecode_cache(tmp_path / "ws-cache")
    assert kept is not None and kept.directory == str(tmp_path / "ws-cache")
    assert blocker.read_text() == "a file where the user's cache would be"
    (tmp_path / "locked").mkdir()
    read_only(tmp_path / "locked")
    assert bytecode_cache(tmp_path / "locked" / "cache") is None  # Jinja then compiles in memory, each run
    assert list((tmp_path / "locked").iterdir()) == []


def test_a_second_workspace_reuses_the_compiled_templates_and_renders_the_same_page(tmp_path, ws, run,
                                                                                  new_workbook):
    """Compiled once per user: a new workspace's first digest loads them (no compile, no new file), and the page
    is byte for byte the one a compile from scratch gives."""
    import shutil

    from tests.conftest import ldkit_process

    new_workbook("blank", "Bytecode", "--week", "2026-W48")
    user = tmp_path / "paper-cache" / "templates"  # conftest's LDKIT_CACHE_DIR
    first = ldkit_process("digest", "--week", "2026-W48", "--quiet", cwd=ws.root)
    assert first.returncode == 0, first.stderr
    compiled = {p.name: p.stat().st_mtime_ns for p in user.iterdir()}
    assert compiled and not (ws.cache / "digest" / "templates").exists()
    page = (ws.root / "digests" / "2026-W48" / "index.html").read_bytes()

    shutil.rmtree(ws.cache)  # a cold workspace, as a fresh clone has
    again = ldkit_process("digest", "--week", "2026-W48", "--quiet", cwd=ws.root)
    assert again.returncode == 0, again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in user.iterdir()} == compiled  # loaded, not written again
    stamp = re.compile(rb"Made by ldkit at [0-9TZ:-]+")  # the footer's time is the only other difference
    assert stamp.sub(b"", (ws.root / "digests" / "2026-W48" / "index.html").read_bytes()) == stamp.sub(b"", page)
