"""records.scan: the one walk every reader shares finds the notebooks pathlib would, in its order, with the stamps
the caches compare."""
from __future__ import annotations

import os
from pathlib import Path

from ldkit.records.scan import notebook_files, notebook_stamps, workbook_stamp


def _tree(root: Path) -> Path:
    week = root / "workbooks" / "2026-W10"
    for name in ("alice/a.ipynb", "alice/a.ldkit.jsonl", "alice/b.ipynb", "alice/b.bak-20260301T100000.ipynb",
                 "alice/.ipynb_checkpoints/a-checkpoint.ipynb", "alice/notes.txt", "a-b/x.ipynb", "a/x.ipynb",
                 "bob/deeper/c.ipynb", ".hidden/d.ipynb", "bob/.e.ipynb"):
        path = week / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    (week / "folder.ipynb").mkdir()  # a folder named like a notebook is walked, not read
    (week / "folder.ipynb" / "inner.ipynb").write_text("{}")
    return week


def test_the_walk_finds_what_pathlib_finds_in_its_order_with_the_stamps(tmp_path):
    week = _tree(tmp_path)
    expected = sorted(p for p in week.rglob("*.ipynb") if p.is_file()
                      and not any(part.startswith(".") for part in p.relative_to(week).parts)
                      and ".bak-" not in p.name)
    found = notebook_stamps(week, tmp_path)
    assert [Path(name) for name, _ in found] == expected == notebook_files(week, tmp_path)
    assert [stamp for _, stamp in found] == [workbook_stamp(p) for p in expected]
    assert dict(found)[str(week / "alice" / "b.ipynb")].endswith("|-")  # no journal yet


def test_a_changed_journal_or_notebook_changes_the_stamp(tmp_path):
    week = _tree(tmp_path)
    before = dict(notebook_stamps(week, tmp_path))
    journal = week / "alice" / "a.ldkit.jsonl"
    journal.write_text('{"x": 1}\n')
    os.utime(journal, ns=(1, 1))
    after = dict(notebook_stamps(week, tmp_path))
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [str(week / "alice" / "a.ipynb")]


def test_only_the_named_authors_are_walked(tmp_path):
    week = _tree(tmp_path)
    assert [Path(p).relative_to(week).parts[0] for p, _ in notebook_stamps(week, tmp_path, authors={"bob", "a"})] \
        == ["a", "bob"]


def test_a_link_out_of_the_workspace_is_named_and_not_read(tmp_path):
    week = _tree(tmp_path / "ws")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.ipynb").write_text("{}")
    os.symlink(tmp_path / "elsewhere", week / "carol")
    os.symlink(tmp_path / "elsewhere" / "secret.ipynb", week / "alice" / "linked.ipynb")
    outside: list = []
    found = [name for name, _ in notebook_stamps(week, tmp_path / "ws", outside)]
    assert not any("secret" in name or "carol" in name or "linked" in name for name in found)
    assert sorted(p.path.name for p in outside) == ["carol", "linked.ipynb"]
