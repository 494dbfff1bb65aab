"""render.cache: conversions kept across renders (formulas, highlighted cells), one slot per kind and process."""
from __future__ import annotations

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
