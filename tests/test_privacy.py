"""Privacy, one rule: a private plan *or* outcome keeps the whole workbook out of every shared output.

Its title, notebook body, plan, outcome, result notes, links and next steps reach no byte of the digest (every
format and chat payload), the site (pages and feeds), `ldkit search` or `ldkit export`; it only counts.
"""
import json
import sqlite3
from pathlib import Path

import pytest

from ldkit.records.schema import make_record
from ldkit.records.workbook import save_record
from tests.conftest import snapshot

WEEK = "2026-W40"  # long held: nothing here depends on today's date
MARK = "Qzxv"  # in every private string; no template, name or word of ldkit holds it


def private_workbook(run, new_workbook, private: str, author: str = "bob") -> Path:
    """A paper workbook full of distinctive text, with its plan or its outcome (`private`) marked private."""
    path = new_workbook("paper", f"{MARK}title of a secret", "--week", WEEK, "--author", author,
                        "-p", "arxiv_id", "2406.00001")
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "secret-md", "metadata": {},
                        "source": f"{MARK}cell: my private notes"})
    nb["cells"].append({"cell_type": "code", "id": "secret-code", "metadata": {}, "execution_count": 1,
                        "source": f"print('{MARK}code')", "outputs": [
                            {"output_type": "stream", "name": "stdout", "text": f"{MARK}output\n"}]})
    path.write_text(json.dumps(nb))
    run("log", "plan", path, "--goal", f"{MARK}goal", "--category", "mechanical", "--resource",
        f"https://example.org/{MARK}resource", *(["--private"] if private == "plan" else []))
    run("log", "outcome", path, "--summary", f"{MARK}summary", "--next", f"{MARK}next", "--link",
        f"https://example.org/{MARK}link", "--expense", f"{MARK}book=12EUR", "--hours", "2",
        *(["--private"] if private == "outcome" else []))
    wid = nb["metadata"]["ldkit"]["id"]
    save_record(path, make_record("result", wid, author, {"name": f"{MARK}claim", "paper": 1.0, "mine": 1.0,
                                                           "note": f"{MARK}note"}))
    return path


@pytest.fixture
def week(ws, run, new_workbook):
    shared = new_workbook("blank", "Shared work", "--week", WEEK, "--author", "alice")
    run("log", "plan", shared, "--goal", "Learn Rust lifetimes", "--category", "tutorial")
    run("log", "outcome", shared, "--summary", "Lifetimes are scopes.", "--hours", "3")
    return shared


def outputs(ws, run, tmp_path) -> dict[str, bytes]:
    """Every byte each shared surface produces for the workspace."""
    from ldkit.chat import service
    from ldkit.core.weeks import parse_week
    from ldkit.digest.build import build_digest

    run("digest", "--week", WEEK, "--format", "html", "--format", "md", "--format", "json", "--quiet")
    run("site", "--quiet")
    run("export", "--sqlite", tmp_path / "out.db")
    files = {f"digests/{k}": v for k, v in snapshot(ws.root / "digests").items()}
    files.update({f"site/{k}": v for k, v in snapshot(ws.root / "site").items()})
    files["export"] = (tmp_path / "out.db").read_bytes()
    db = sqlite3.connect(tmp_path / "out.db")
    files["export-dump"] = "\n".join(db.iterdump()).encode()
    db.close()
    model = build_digest(ws, parse_week(WEEK), out=tmp_path / "again").model
    for name in ("slack", "mattermost", "teams"):
        files[f"chat/{name}"] = json.dumps(service(name).digest_payload(model, "digests/x/index.html"),
                                           ensure_ascii=False).encode()
    for word in (MARK, "secret", "claim", "mechanical"):
        files[f"search/{word}"] = run("search", word, "--json").stdout.encode()
    return files


@pytest.mark.parametrize("private", ["plan", "outcome"])
def test_a_private_plan_or_outcome_keeps_the_whole_workbook_out_of_every_output(ws, run, new_workbook, week,
                                                                                  tmp_path, private):
    path = private_workbook(run, new_workbook, private)
    before = snapshot(ws.root / "workbooks")
    files = outputs(ws, run, tmp_path)
    for name, data in files.items():
        for form in (MARK, MARK.lower(), "2406.00001", "secret"):
            assert form.encode() not in data.lower() if form.islower() else form.encode() not in data, (name, form)
    assert (ws.root / ".ldkit-cache" / "search.sqlite").read_bytes().find(MARK.encode()) == -1
    for word in (MARK, "secret", "claim", "mechanical"):
        assert json.loads(files[f"search/{word}"]) == []
    assert snapshot(ws.root / "workbooks") == before  # nothing a user wrote changed
    # it still counts as taking part, and nothing more
    data = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    assert data["totals"]["people"] == 2 and data["took_part"] == ["alice", "bob"]
    bob = next(p for p in data["people"] if p["author"] == "bob")
    assert bob["workbooks"] == [] and bob["private_workbooks"] == 1
    assert data["categories"] == {"tutorial": 1} and data["expenses"] == [] and data["totals"]["results"]["total"] == 0
    page = (ws.root / "digests" / WEEK / "index.html").read_text()
    assert "1 private workbook" in page and "Lifetimes are scopes." in page  # the shared one is all there
    assert json.loads(run("search", "lifetimes", "--json").stdout)[0]["author"] == "alice"
    md = (ws.root / "digests" / WEEK / "digest.md").read_text()
    assert "• *bob* — 1 private workbook" in md
    assert "1 private workbook" in (ws.root / "site" / "people" / "bob" / "index.html").read_text()
    db = sqlite3.connect(tmp_path / "out.db")
    assert db.execute("SELECT author, title, path, private FROM workbooks WHERE author = 'bob'").fetchall() == [
        ("bob", "", "", 1)]
    assert db.execute("SELECT count(*) FROM plans").fetchone() == (1,)  # alice's only
    db.close()
    assert path.is_file()


def test_the_notebook_of_a_private_workbook_is_not_even_run(ws, run, new_workbook, week, tmp_path):
    private_workbook(run, new_workbook, "outcome")
    result = run("digest", "--week", WEEK, "--execute", "--jobs", "1", "--quiet", "--format", "json")
    assert MARK not in result.stdout + result.stderr
    assert not [p for p in (ws.root / ".ldkit-cache").rglob("*") if p.is_file() and MARK.encode() in p.read_bytes()
                and p.name != "workbooks.sqlite"]


def test_cards_and_forms_in_the_notebook_still_say_private(ws, run, new_workbook):
    """The learner's own notebook shows the flag: the rule is about shared outputs, not their own file."""
    from ldkit.notebook.cards import record_card

    record = make_record("plan", "x", "bob", {"goal": "g", "category": "other", "resources": [],
                                               "visibility": "private"})
    assert "private" in record_card(record)
