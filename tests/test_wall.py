"""The workspace is a wall: nothing outside it is read or written through a link (a journal, a notebook, a week's or
an author's folder that is a symlink to elsewhere), by any reader or writer; each such link is named once."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ldkit.records import journal
from tests.conftest import snapshot

WEEK = "2026-W49"
SECRET = "Outside secret title"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def make_secret(run, outside: Path, week: str = WEEK) -> Path:
    """A real workbook with a plan and outcome, moved out of the workspace (with its journal); returns its folder."""
    made = Path(json.loads(run("new", "paper", "--title", SECRET, "--week", week, "--json").stdout)["path"])
    run("log", "plan", made, "--goal", "outside goal never shown")
    run("log", "outcome", made, "--summary", "outside summary never shown")
    folder = outside / "alice"
    folder.mkdir(parents=True)
    for file in (made, journal.journal_path(made)):
        shutil.move(str(file), folder / file.name)
    return folder


def outputs_of(run, ws, week: str = WEEK) -> dict[str, str]:
    """What every reader says and publishes, as text."""
    said = {"status": run("status", "--week", week, "--json").stdout}
    result = run("digest", "--week", week, "--format", "md", "--format", "json")
    said["digest-stderr"] = result.stderr
    folder = ws.digests / week
    said["digest"] = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.is_file())
    result = run("site", "--out", ws.root / "site")
    said["site-stderr"] = result.stderr
    said["site"] = "".join(p.read_text(encoding="utf-8", errors="replace")
                           for p in sorted((ws.root / "site").rglob("*")) if p.is_file())
    said["search"] = run("search", "outside", "--json").stdout + run("search", "secret", "--json").stdout
    run("export", "--sqlite", ws.root / "team.db")
    said["export"] = (ws.root / "team.db").read_bytes().decode("utf-8", "replace")
    return said


def assert_nothing_of(secret_folder: Path, said: dict[str, str]) -> None:
    for name, text in said.items():
        for word in ("outside goal", "outside summary", SECRET):
            assert word not in text, f"{word!r} leaked into {name}"


def test_log_refuses_a_journal_that_links_outside(new_workbook, run, ws, outside):
    path = new_workbook("paper", "Mine", "--week", WEEK)
    target = outside / "elsewhere.jsonl"
    target.write_text("someone else's file\n", encoding="utf-8")
    os.symlink(target, journal.journal_path(path))
    before, mine = snapshot(outside), path.read_bytes()
    for args in (("plan", path, "--goal", "g"), ("outcome", path, "--summary", "s")):
        result = run("log", *args, code=2)
        assert "is a link to" in result.stderr and "outside the workspace" in result.stderr
        assert "nothing was written" in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert snapshot(outside) == before and path.read_bytes() == mine


def test_log_refuses_a_dangling_journal_link_outside(new_workbook, run, ws, outside):
    path = new_workbook("paper", "Mine", "--week", WEEK)
    os.symlink(outside / "not-yet.jsonl", journal.journal_path(path))
    result = run("log", "plan", path, "--goal", "g", code=2)
    assert "outside the workspace" in result.stderr
    assert list(outside.iterdir()) == []  # nothing created through the link


def test_a_form_refuses_a_journal_that_links_outside(new_workbook, ws, outside):
    from ldkit.core.errors import WriteError
    from ldkit.records.schema import make_record
    from ldkit.records.workbook import load_workbook, save_record

    path = new_workbook("paper", "Mine", "--week", WEEK)
    target = outside / "elsewhere.jsonl"
    target.write_text("", encoding="utf-8")
    os.symlink(target, journal.journal_path(path))
    wb = load_workbook(path)
    record = make_record("plan", wb.id, "alice", {"goal": "g", "category": "other", "resources": [],
                                                  "planned_hours": None, "visibility": "team"})
    with pytest.raises(WriteError, match="outside the workbook's folder"):
        save_record(path, record)
    assert target.read_text() == ""


def test_a_journal_linked_outside_is_not_read(new_workbook, run, ws, outside):
    from ldkit.records.schema import make_record
    from ldkit.records.workbook import load_workbook

    path = new_workbook("paper", "Mine", "--week", WEEK)
    record = make_record("plan", load_workbook(path).id, "alice", {
        "goal": "outside goal planted", "category": "other", "resources": [], "planned_hours": None,
        "visibility": "team"})
    target = outside / "planted.jsonl"
    target.write_text(json.dumps(record) + "\n", encoding="utf-8")
    os.symlink(target, journal.journal_path(path))
    before = snapshot(outside)
    said = json.loads(run("status", "--week", WEEK, "--json").stdout)
    assert said["totals"]["planned"] == 0
    assert sum("journal is a link to" in w and "outside the workspace" in w for w in said["warnings"]) == 1
    shown = run("show", path)
    assert "outside goal" not in shown.stdout and "outside the workbook's folder" not in shown.stderr
    assert_nothing_of(outside, outputs_of(run, ws))
    assert snapshot(outside) == before


@pytest.mark.parametrize("link", ["notebook", "author folder", "week folder"])
def test_links_out_of_the_workspace_are_not_read_nor_published(new_workbook, run, ws, outside, link):
    new_workbook("paper", "Inside and fine", "--week", WEEK)
    secret = make_secret(run, outside)
    week_folder = ws.workbooks / WEEK
    if link == "notebook":
        os.symlink(secret / "outside-secret-title.ipynb", week_folder / "alice" / "linked.ipynb")
        named, week = week_folder / "alice" / "linked.ipynb", WEEK
    elif link == "author folder":
        os.symlink(secret, week_folder / "bob")
        named, week = week_folder / "bob", WEEK
    else:
        os.symlink(outside, ws.workbooks / "2026-W50")
        named, week = ws.workbooks / "2026-W50", "2026-W50"
    before = snapshot(outside)
    status = json.loads(run("status", "--week", week, "--json").stdout)
    assert [p["path"] for p in status["problems"]] == [str(named)]
    error = status["problems"][0]["error"]
    assert "is a link to" in error and "outside the workspace" in error
    said = outputs_of(run, ws, week)
    assert said["site-stderr"].count(str(named)) == 1  # named once, not once per file behind it
    assert_nothing_of(outside, said)
    assert snapshot(outside) == before
    assert not any(p.name.startswith(".") for p in outside.rglob("*"))  # no temp or lock file made out there


def test_a_link_inside_the_workspace_is_still_read(new_workbook, run, ws):
    path = new_workbook("paper", "Shared notebook", "--week", WEEK)
    run("log", "plan", path, "--goal", "inside goal")
    other = ws.workbooks / WEEK / "bob"
    other.mkdir()
    os.symlink(path, other / "same.ipynb")
    status = json.loads(run("status", "--week", WEEK, "--json").stdout)
    assert status["problems"] == []
    assert len([w for a in status["authors"] for w in a["workbooks"]]) == 2


def test_one_rule_of_inside(tmp_path):
    from ldkit.core.layout import inside, outside_link

    root = tmp_path / "ws"
    (root / "a").mkdir(parents=True)
    (tmp_path / "out").mkdir()
    os.symlink(tmp_path / "out", root / "a" / "link")
    os.symlink(root / "a", root / "back")
    assert inside(root / "a", root) and inside(root, root) and inside(root / "back", root)
    assert not inside(root / "a" / "link" / "x.ipynb", root) and not inside(root / ".." / "out", root)
    assert outside_link(root / "a" / "link" / "x.ipynb", root) == root / "a" / "link"
    assert outside_link(root / "back" / "x", root) is None
