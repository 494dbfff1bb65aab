import json
import shutil

import pytest

from ldkit.records import journal
from tests.conftest import snapshot


def test_plan_and_outcome_reach_show(new_workbook, run):
    path = new_workbook("paper", "MAML")
    run("log", "plan", path, "--goal", "Reproduce Table 1", "-r", "1703.03400", "-r", "a blog", "--hours", "5")
    run("log", "outcome", path, "--summary", "Got *close*.", "--status", "partial", "--hours", "4.5",
        "--link", "https://github.com/a/b", "--next", "Try 5-shot", "--expense", "book=45.90EUR")
    view = json.loads(run("show", path, "--json").stdout)
    assert set(view) == {"workbook", "plan", "outcome", "results", "tally", "history", "newer"}
    assert view["plan"]["goal"] == "Reproduce Table 1"
    assert view["plan"]["category"] == "paper-reimplementation"  # the template's default
    assert view["plan"]["resources"] == ["1703.03400", "a blog"] and "saved_at" in view["plan"]
    out = view["outcome"]
    assert (out["status"], out["hours"], out["next_steps"]) == ("partial", 4.5, "Try 5-shot")
    assert out["expenses"] == [{"item": "book", "amount": 45.9, "currency": "EUR"}]
    assert view["workbook"]["title"] == "MAML" and view["results"] == [] and view["history"] == []
    text = run("show", path).stdout
    assert "Reproduce Table 1" in text and "partial" in text and "book: 45.9 EUR" in text


def test_saving_again_keeps_history(new_workbook, run):
    path = new_workbook()
    run("log", "plan", path, "--goal", "first")
    run("log", "plan", path, "--goal", "second")
    view = json.loads(run("show", path, "--json").stdout)
    assert view["plan"]["goal"] == "second"
    assert [h["data"]["goal"] for h in view["history"]] == ["first"]
    assert view["history"][0]["kind"] == "plan" and view["history"][0]["schema"] == 2


def test_records_survive_in_the_journal_when_the_notebook_loses_them(new_workbook, run):
    path = new_workbook()
    clean = path.read_bytes()
    run("log", "plan", path, "--goal", "kept by the journal")
    path.write_bytes(clean)  # JupyterLab saving an older copy over the file
    assert json.loads(run("show", path, "--json").stdout)["plan"]["goal"] == "kept by the journal"


def test_log_writes_only_the_journal_never_the_notebook(new_workbook, run):
    """A rewritten .ipynb makes a git conflict when two clones log to one workbook; an appended journal does not."""
    path = new_workbook()
    before = path.read_bytes()
    run("log", "plan", path, "--goal", "in the journal")
    run("log", "outcome", path, "--summary", "also in the journal")
    assert path.read_bytes() == before
    assert len(journal.journal_path(path).read_text().splitlines()) == 2


def test_records_travel_with_a_copied_notebook_and_its_journal(new_workbook, run, ws):
    path = new_workbook()
    run("log", "plan", path, "--goal", "in the journal")
    (ws.root / "copies").mkdir()
    copy = ws.root / "copies" / "copy.ipynb"
    shutil.copy(path, copy)
    assert json.loads(run("show", copy, "--json").stdout)["plan"] is None  # the notebook alone: as the README says
    shutil.copy(journal.journal_path(path), journal.journal_path(copy))
    assert json.loads(run("show", copy, "--json").stdout)["plan"]["goal"] == "in the journal"


def test_logging_to_a_hand_copy_saves_and_says_it_counts_as_a_workbook_of_its_own(new_workbook, run):
    """A notebook copied beside its original carries its id: the record is saved as asked, and the person is told
    the copy is a workbook of its own (not the next step of the original) and how to go on from one instead."""
    path = new_workbook("blank", "Diffusion")
    copy = path.with_name("diffusion-part-2.ipynb")
    shutil.copy(path, copy)
    result = run("log", "plan", copy, "--goal", "Part two")
    assert f"Saved the plan of {copy}" in result.stdout
    assert f"ldkit: warning: {copy} has the workbook id of {path}: one is a copy of the other" in result.stderr
    assert f"`ldkit new TEMPLATE --continue {path}`" in result.stderr
    assert json.loads(run("show", copy, "--json").stdout)["plan"]["goal"] == "Part two"
    alone = new_workbook("blank", "Another")
    assert run("log", "outcome", alone, "--summary", "Fine").stderr == ""  # no copy, no warning


def test_records_an_older_ldkit_kept_in_the_metadata_are_still_read(new_workbook, run, ws):
    path = new_workbook()
    run("log", "plan", path, "--goal", "old style")
    record = json.loads(journal.journal_path(path).read_text())
    nb = json.loads(path.read_text())
    nb["metadata"]["ldkit"]["records"] = [record]
    copy = ws.root / "copy.ipynb"
    copy.write_text(json.dumps(nb), encoding="utf-8")  # no journal beside the copy
    assert json.loads(run("show", copy, "--json").stdout)["plan"]["goal"] == "old style"


def test_summary_from_a_file_and_stdin(new_workbook, run, tmp_path):
    path = new_workbook()
    (tmp_path / "s.md").write_text("# Learned\n\nA lot.", encoding="utf-8")
    run("log", "outcome", path, "--summary-file", tmp_path / "s.md")
    assert json.loads(run("show", path, "--json").stdout)["outcome"]["summary"] == "# Learned\n\nA lot."
    run("log", "outcome", path, "--summary-file", "-", input="from stdin")
    assert json.loads(run("show", path, "--json").stdout)["outcome"]["summary"] == "from stdin"


@pytest.mark.parametrize("args, message", [
    (["plan", "{nb}", "--goal", ""], "Goal is required"),
    (["plan", "{nb}", "--goal", "x", "--category", "cooking"], "unknown category 'cooking'"),
    (["plan", "{nb}", "--goal", "x", "--hours", "-1"], "outside 0 to 24"),
    (["plan", "{nb}", "--goal", "x", "--hours", "30"], "outside 0 to 24"),
    (["outcome", "{nb}", "--summary", "x", "--expense", "book=abc"], "Expenses: cannot read 'book=abc'"),
    (["outcome", "{nb}"], "an outcome needs a summary"),
    (["outcome", "{nb}", "--summary", "x", "--summary-file", "f"], "not both"),
    (["outcome", "{nb}", "--summary", "x", "--status", "great"], "'great' is not one of"),
    (["plan", "{nb}"], "Missing option '--goal'"),
])
def test_bad_fields_exit_2_and_change_nothing(new_workbook, run, ws, args, message):
    path = new_workbook()
    before = snapshot(ws.root)
    result = run("log", *[a.replace("{nb}", str(path)) for a in args], code=2)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot(ws.root) == before


@pytest.mark.parametrize("content, message", [
    (None, "no such notebook"),
    (b"{ this is not json", "invalid JSON at line 1"),
    (b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "is not an ldkit workbook"),
    (b'{"worksheets": [], "metadata": {}, "nbformat": 3, "nbformat_minor": 0}', "is nbformat 3"),
    (b"[1, 2]", "its JSON is a list"),
    (b"", "is empty"),
    (b"\xff\xfe\x00bad", "is not UTF-8"),
])
def test_bad_notebooks(ws, run, content, message):
    path = ws.root / "workbooks" / "odd.ipynb"
    if content is not None:
        path.write_bytes(content)
    before = snapshot(ws.root)
    for args in (["log", "plan", path, "--goal", "x"], ["show", path]):
        result = run(*args, code=2)
        assert message in result.stderr, result.stderr
    assert snapshot(ws.root) == before


def test_notebook_outside_every_workspace_is_refused(new_workbook, run, tmp_path):
    path = new_workbook()
    outside = tmp_path / "elsewhere" / "x.ipynb"
    outside.parent.mkdir()
    shutil.copy(path, outside)
    result = run("log", "plan", outside, "--goal", "x", code=2)
    assert "not inside an ldkit workspace" in result.stderr
    assert not journal.journal_path(outside).exists()


def test_read_only_workbook_folder_fails_with_exit_1(new_workbook, run, read_only):
    path = new_workbook()
    original = path.read_bytes()
    read_only(path.parent)
    result = run("log", "plan", path, "--goal", "x", code=1)
    assert "cannot save to" in result.stderr
    assert path.read_bytes() == original


def test_torn_journal_line_is_a_warning_not_a_failure(new_workbook, run):
    path = new_workbook()
    run("log", "plan", path, "--goal", "whole")
    with open(journal.journal_path(path), "ab") as handle:
        handle.write(b'{"schema": 1, "ki')
    result = run("show", path, "--json")
    assert json.loads(result.stdout)["plan"]["goal"] == "whole"
    assert "interrupted" in result.stderr


def test_log_takes_a_workbook_of_this_week_by_slug_or_title(ws, run, clock):
    from pathlib import Path

    from ldkit.records.workbook import load_workbook

    clock.at("2026-12-03T10:00:00Z", tz="Europe/Berlin")
    first = Path(json.loads(run("new", "paper", "--title", "MAML, first-order", "--json").stdout)["path"])
    second = Path(json.loads(run("new", "paper", "--title", "MAML, second-order", "--json").stdout)["path"])
    run("log", "outcome", "maml-first-order", "--summary", "Reproduced 1-shot.")
    assert load_workbook(first).records.outcome["data"]["summary"] == "Reproduced 1-shot."
    run("log", "plan", "MAML, second-order", "--goal", "Second order")
    assert load_workbook(second).records.plan["data"]["goal"] == "Second order"
    run("log", "plan", "maml-s", "--goal", "Again")  # a unique beginning of a slug
    assert load_workbook(second).records.plan["data"]["goal"] == "Again"
    before = snapshot(ws.root)
    ambiguous = run("log", "outcome", "maml", "--summary", "x", code=2)
    assert "'maml' names 2 of alice's workbooks of 2026-W49" in ambiguous.stderr
    assert "maml-first-order (MAML, first-order)" in ambiguous.stderr and "maml-second-order" in ambiguous.stderr
    missing = run("log", "outcome", "reptile", "--summary", "x", code=2)
    assert "no workbook of alice in 2026-W49 has the slug or title 'reptile'" in missing.stderr
    assert "maml-first-order (MAML, first-order)" in missing.stderr and "Traceback" not in missing.stderr
    assert len([line for line in missing.stderr.splitlines() if line.startswith("ldkit: error")]) == 1
    assert "no such notebook" in run("log", "outcome", "workbooks/nope.ipynb", "--summary", "x", code=2).stderr
    assert snapshot(ws.root) == before  # nothing written by a bad name
