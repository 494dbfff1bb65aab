"""Nothing one teammate does can break the week: bad records, newer records, privacy, totals, display-safe text."""
import json
import re
from pathlib import Path

import pytest

from ldkit.records import journal
from ldkit.records.schema import make_record
from tests.conftest import snapshot

WEEK = "2026-W48"
GOOD_SUMMARY = "Alice learned **jit** and vmap."


def line_for(path: Path, kind: str, change: dict, drop: str | None = None, saved_at="2099-01-01T00:00:00Z") -> dict:
    """A record for `path`'s workbook, made valid and then broken as a hand edit or a foreign tool would."""
    wid = json.loads(path.read_text())["metadata"]["ldkit"]["id"]
    data = ({"goal": "g", "category": "other", "resources": [], "planned_hours": 1, "visibility": "team"}
            if kind == "plan" else
            {"summary": "s", "status": "done", "hours": 1, "links": [], "next_steps": "", "expenses": [],
             "visibility": "team"})
    data.update(change)
    if drop:
        data.pop(drop)
    return make_record(kind, wid, "bob", data, saved_at=saved_at)


def append_line(path: Path, record: dict) -> int:
    """Append one raw line to the workbook's journal (as a hand edit would); returns its line number."""
    jpath = journal.journal_path(path)
    old = jpath.read_bytes() if jpath.exists() else b""
    jpath.write_bytes(old + json.dumps(record).encode() + b"\n")
    return old.count(b"\n") + 1


@pytest.fixture
def week(ws, run, new_workbook):
    alice = new_workbook("blank", "JAX", "--week", WEEK, "--author", "alice")
    run("log", "plan", alice, "--goal", "Learn JAX", "--category", "tutorial", "--hours", "3")
    run("log", "outcome", alice, "--summary", GOOD_SUMMARY, "--hours", "3")
    bob = new_workbook("blank", "Rust", "--week", WEEK, "--author", "bob")
    run("log", "plan", bob, "--goal", "Learn Rust", "--category", "engineering")
    run("log", "outcome", bob, "--summary", "Bob's good outcome", "--hours", "2")
    return alice, bob


BAD = [
    ("outcome", {"hours": "abc"}, None, "hours must be number or null (it is 'abc')"),
    ("outcome", {"hours": [1]}, None, "hours must be number or null (it is [1])"),
    ("outcome", {"summary": 123}, None, "summary must be string (it is 123)"),
    ("outcome", {"expenses": "x"}, None, "expenses must be array (it is 'x')"),
    ("outcome", {"links": 5}, None, "links must be array (it is 5)"),
    ("plan", {}, "visibility", "visibility is missing"),
    ("outcome", {"hours": -5}, None, "hours must be bigger than or equal to 0 (it is -5)"),
    ("outcome", {"hours": 1e308}, None, "hours must be smaller than or equal to 24 (it is 1e+308)"),
    ("outcome", {"status": "finished"}, None, "status must be one of"),
]


@pytest.mark.parametrize("kind, change, drop, message", BAD, ids=[b[3][:30] for b in BAD])
def test_a_bad_record_is_skipped_with_one_warning_everywhere(ws, run, week, kind, change, drop, message):
    alice, bob = week
    number = append_line(bob, line_for(bob, kind, change, drop))
    before = snapshot(ws.root / "workbooks")
    where = f"rust.ldkit.jsonl: line {number}: skipped a{'n' if kind == 'outcome' else ''} {kind} record"

    shown = run("show", bob, "--json")
    assert where in shown.stderr and message in shown.stderr and "Traceback" not in shown.stderr
    assert "correct or delete that line" in shown.stderr
    view = json.loads(shown.stdout)
    assert view["outcome"]["summary"] == "Bob's good outcome" and view["plan"]["goal"] == "Learn Rust"
    assert "Bob's good outcome" in run("show", bob).stdout

    status = run("status", "--week", WEEK, "--json")
    assert message in status.stderr
    assert json.loads(status.stdout)["totals"]["hours"] == 5

    stats = run("stats", "--since", WEEK, "--until", WEEK, "--json")
    assert json.loads(stats.stdout)["weeks"][0]["hours"] == 5
    assert "Traceback" not in stats.stderr

    digest = run("digest", "--week", WEEK, "--quiet", "--format", "md")
    assert message in digest.stderr
    html = (ws.root / "digests" / WEEK / "index.html").read_text()
    assert "Bob&#39;s good outcome" in html or "Bob's good outcome" in html
    assert "<strong>jit</strong>" in html  # alice's record is all there
    assert snapshot(ws.root / "workbooks") == before  # reading never rewrites anything


def test_every_bad_record_at_once_with_good_ones_still_builds_the_week(ws, run, week):
    alice, bob = week
    for kind, change, drop, _ in BAD:
        append_line(bob, line_for(bob, kind, change, drop))
    result = run("digest", "--week", WEEK, "--quiet", "--format", "json", "--strict")
    warnings = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(warnings) == len(BAD)
    model = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    assert model["totals"]["hours"] == 5 and model["totals"]["summarized"] == 2


def test_garbage_lines_are_named_by_what_they_are(ws, run, week):
    alice, bob = week
    jpath = journal.journal_path(bob)
    jpath.write_bytes(jpath.read_bytes() + b"hello, I edited this by hand\n[1, 2]\n" + b'{"schema": 1, "kind": "pl')
    result = run("show", bob, "--json")
    lines = result.stderr.splitlines()
    assert any("line 3, which is not a record (not JSON" in line for line in lines)
    assert any("line 4: skipped a record: it is a JSON list, not a record object" in line for line in lines)
    assert any("its last line (line 5), which was cut short: a save was interrupted" in line for line in lines)
    assert json.loads(result.stdout)["outcome"]["summary"] == "Bob's good outcome"
    run("log", "outcome", bob, "--summary", "after the torn line", "--hours", "1")
    raw = jpath.read_bytes().split(b"\n")
    assert raw[4] == b'{"schema": 1, "kind": "pl' and json.loads(raw[5])["data"]["summary"] == "after the torn line"
    again = run("show", bob, "--json")
    assert "line 5, which was cut short by an interrupted save" in again.stderr
    assert json.loads(again.stdout)["outcome"]["summary"] == "after the torn line"


def test_saved_at_precision_does_not_decide_the_winner(ws, run, week):
    alice, bob = week
    append_line(bob, line_for(bob, "outcome", {"summary": "whole second"}, saved_at="2099-01-01T10:00:00Z"))
    append_line(bob, line_for(bob, "outcome", {"summary": "half a second later"},
                              saved_at="2099-01-01T10:00:00.5Z"))
    append_line(bob, line_for(bob, "outcome", {"summary": "a microsecond before"},
                              saved_at="2099-01-01T09:59:59.999999Z"))
    assert json.loads(run("show", bob, "--json").stdout)["outcome"]["summary"] == "half a second later"


# ---------------------------------------------------------------- versions


def test_records_of_version_0_and_1_read_and_a_newer_one_is_kept_not_counted(ws, run, week):
    alice, bob = week
    wid = json.loads(bob.read_text())["metadata"]["ldkit"]["id"]
    append_line(bob, {"kind": "outcome", "workbook": wid, "timestamp": "2099-01-01T11:00:00+01:00",
                      "author": "bob", "summary": "a v0 outcome", "status": "partial", "hours": 4})
    newer = {"schema": 3, "kind": "outcome", "workbook": wid, "saved_at": "2099-06-01T00:00:00Z", "author": "bob",
             "data": {"summary": {"markdown": "a v2 shape"}, "minutes": 30}}
    append_line(bob, newer)
    result = run("show", bob, "--json")
    view = json.loads(result.stdout)
    assert view["outcome"]["summary"] == "a v0 outcome" and view["outcome"]["hours"] == 4
    assert view["newer"] == [newer]
    assert "written by a newer ldkit (schema v3; this ldkit reads v2)" in result.stderr
    assert "Written by a newer ldkit: 1 record (outcome)" in run("show", bob).stdout
    assert json.loads(run("status", "--week", WEEK, "--json").stdout)["totals"]["hours"] == 7
    raw = journal.journal_path(bob).read_text()
    run("log", "plan", bob, "--goal", "a new plan")
    assert journal.journal_path(bob).read_text().startswith(raw)  # never rewritten
    assert journal.journal_path(bob).read_text().count('"a v2 shape"') == 1  # the newer record kept, once


def test_raising_the_version_still_reads_every_older_record(ws, run, week, monkeypatch):
    """A fake v3 (hours in minutes) proves the chain: v0 -> v1 -> v2 -> v3, applied in turn, nothing dropped."""
    from ldkit.records import schema
    from ldkit.records.workbook import load_workbook

    alice, bob = week
    wid = json.loads(bob.read_text())["metadata"]["ldkit"]["id"]
    append_line(bob, {"kind": "outcome", "workbook": wid, "timestamp": "2099-01-01T10:00:00Z", "author": "bob",
                      "summary": "v0", "hours": 2})

    def v2_to_v3(record):
        data = dict(record["data"])
        if "hours" in data:
            data["minutes"] = None if data["hours"] is None else data.pop("hours") * 60
        if "planned_hours" in data:
            data["planned_minutes"] = None if data["planned_hours"] is None else data.pop("planned_hours") * 60
        return {**record, "schema": 3, "data": data}

    seen = []
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)
    monkeypatch.setitem(schema.UPGRADES, 2, v2_to_v3)
    monkeypatch.setattr("ldkit.records.check.validate_current", lambda record: seen.append(record["schema"]))
    monkeypatch.setattr("ldkit.records.check.SCHEMA_VERSION", 3)
    wb = load_workbook(bob)
    assert wb.warnings == []
    assert wb.records.outcome["schema"] == 3 and wb.records.outcome["data"] == {
        "summary": "v0", "minutes": 120, "status": "done", "links": [], "expenses": [], "next_steps": "",
        "visibility": "team"}
    assert wb.records.plan["data"]["planned_minutes"] is None and set(seen) == {3}
    assert len(wb.records.history) == 1  # bob's v1 outcome, upgraded too
    assert wb.records.history[0]["data"]["minutes"] == 120


def test_a_bad_identity_is_a_named_problem_not_a_crash(ws, run, week):
    alice, bob = week
    nb = json.loads(bob.read_text())
    nb["metadata"]["ldkit"]["parameters"]["x\nimport os"] = 1
    bob.write_text(json.dumps(nb))
    result = run("status", "--week", WEEK, "--json")
    assert "its identity (metadata.ldkit) is not valid" in result.stderr and "parameters" in result.stderr
    digest = run("digest", "--week", WEEK, "--quiet")
    assert "rust.ipynb" in digest.stderr and "Traceback" not in digest.stderr
    assert run("show", bob, code=2).stderr.count("not valid") == 1


def test_a_bad_skip_file_still_counts_as_a_week_off_with_a_warning(ws, run, week):
    run("skip", "--week", WEEK, "--author", "chen", "--reason", "holiday")
    skip = ws.root / "workbooks" / WEEK / "chen" / "skip.json"
    skip.write_text(json.dumps({"schema": 1, "week": WEEK, "author": "chen", "reason": 5}))
    result = run("digest", "--week", WEEK, "--quiet", "--format", "json")
    assert "skip.json: read as a week off, but reason must be string" in result.stderr
    model = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    assert model["accountability"]["skipped"] == {"chen": ""}


# ---------------------------------------------------------------- one set of totals, privacy


def test_digest_status_and_stats_agree_and_private_text_is_shared_nowhere(ws, run, new_workbook, fake_server):
    from tests.fakeserver import Reply

    secret = ["SECRET-GOAL", "SECRET-RESOURCE", "SECRET-SUMMARY", "SECRET-LINK", "SECRET-NEXT", "SECRET-ITEM"]
    a = new_workbook("blank", "Open one", "--week", WEEK, "--author", "alice")
    run("log", "plan", a, "--goal", "open goal", "--category", "tutorial", "-r", "open-resource", "--hours", "2")
    run("log", "outcome", a, "--summary", "open summary", "--hours", "2", "--expense", "book=10EUR")
    b = new_workbook("blank", "Hidden one", "--week", WEEK, "--author", "bob")
    run("log", "plan", b, "--goal", secret[0], "--category", "engineering", "-r", secret[1], "--private")
    run("log", "outcome", b, "--summary", secret[2], "--hours", "3", "--link", f"https://x/{secret[3]}",
        "--next", secret[4], "--expense", f"{secret[5]}=99EUR", "--private")
    c = new_workbook("blank", "Plan only", "--week", WEEK, "--author", "chen")
    run("log", "plan", c, "--goal", "chen's goal")

    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    run("digest", "--week", WEEK, "--quiet", "--format", "md", "--format", "json", "--post", fake_server.url + "/hook")
    folder = ws.root / "digests" / WEEK
    model = json.loads((folder / "digest.json").read_text())
    status = json.loads(run("status", "--week", WEEK, "--json").stdout)
    stats = json.loads(run("stats", "--since", WEEK, "--until", WEEK, "--json").stdout)
    # chen's plan alone, in a week that is over, is not taking part; bob's private workbook is
    expected = {"people": 2, "workbooks": 3, "planned": 3, "summarized": 2, "hours": 5}
    for totals in (model["totals"], status["totals"], stats["weeks"][0]):
        assert {k: totals[k] for k in expected} == expected
    assert model["expense_totals"] == {"EUR": 10}
    assert [r["resource"] for r in stats["top_resources"]] == ["open-resource"]

    outputs = {
        "page": (folder / "index.html").read_text(), "md": (folder / "digest.md").read_text(),
        "json": (folder / "digest.json").read_text(), "post": fake_server.requests[0].body.decode(),
        "stats": run("stats", "--since", WEEK, "--until", WEEK).stdout,
        "stats --json": json.dumps(stats), "status --json": json.dumps(status),
        "status": run("status", "--week", WEEK).stdout,
    }
    for name, text in outputs.items():
        for word in secret:
            assert word not in text, (name, word)
    assert "open summary" in outputs["page"] and "open-resource" in outputs["stats"]


# ---------------------------------------------------------------- display-safe text

HOSTILE_TEXT = "Evil\x1b[31mRED\x1b[0m \x01 \u202egnp.exe \x9b2J done"


def test_control_characters_never_reach_a_terminal_page_or_chat(ws, run, fake_server):
    from tests.fakeserver import Reply

    made = json.loads(run("new", "blank", "--title", HOSTILE_TEXT, "--week", WEEK, "--json").stdout)
    path = Path(made["path"])
    run("log", "outcome", path, "--summary", HOSTILE_TEXT, "--next", HOSTILE_TEXT, "--hours", "1")
    nb = json.loads(path.read_text())
    assert nb["metadata"]["ldkit"]["title"] == HOSTILE_TEXT  # the stored record keeps what was typed
    assert json.loads(journal.journal_path(path).read_text().splitlines()[0])["data"]["summary"] == HOSTILE_TEXT
    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    outputs = {
        "show": run("show", path).stdout, "show --json": run("show", path, "--json").stdout,
        "status": run("status", "--week", WEEK).stdout, "status --json": run("status", "--week", WEEK, "--json").stdout,
    }
    run("digest", "--week", WEEK, "--quiet", "--format", "md", "--format", "json", "--post", fake_server.url + "/hook")
    folder = ws.root / "digests" / WEEK
    outputs.update({"page": (folder / "index.html").read_text(), "md": (folder / "digest.md").read_text(),
                    "post": json.loads(fake_server.requests[0].body)["blocks"].__repr__(),
                    "header cell": "".join(nb["cells"][0]["source"])})
    unsafe = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    for name, text in outputs.items():
        assert not unsafe.search(text), (name, unsafe.findall(text))
    assert "Evil[31mRED[0m" in outputs["show"] and "gnp.exe" in outputs["page"]
    assert json.loads(outputs["show --json"])["outcome"]["summary"] == HOSTILE_TEXT  # escaped, not lost


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path):
    import os
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'mount failed'})")
    yield mount
    os.sync()
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_log_on_a_full_disk_saves_to_the_journal_and_leaves_the_notebook_whole(small_disk, run, monkeypatch):
    import os

    from ldkit.workbook.setup import init_workspace

    monkeypatch.setenv("LDKIT_AUTHOR", "alice")
    workspace = init_workspace(small_disk / "ws")
    monkeypatch.chdir(workspace.root)
    path = Path(run("new", "paper", "--title", "Full disk").stdout.strip())
    before = path.read_bytes()
    free = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 4096))  # room for the journal line only
    assert len(before) > 4096
    result = run("log", "plan", path, "--goal", "saved though the disk is full", code=0)
    assert "Saved the plan" in result.stdout and result.stderr == ""
    assert path.read_bytes() == before  # `ldkit log` writes only the journal; the notebook is never rewritten
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".ldkit-tmp")]
    filler.unlink()
    assert json.loads(run("show", path, "--json").stdout)["plan"]["goal"] == "saved though the disk is full"


def test_conflict_markers_in_diff3_style_are_read_and_plain_bad_json_is_still_named(new_workbook, run):
    path = new_workbook()
    run("log", "plan", path, "--goal", "from the journal")
    lines = path.read_text().splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if '"source"' in line)
    path.write_text("".join([*lines[:at], "<<<<<<< HEAD\n", lines[at], "||||||| base\n", lines[at],
                             "=======\n", lines[at], ">>>>>>> theirs\n", *lines[at + 1:]]))
    result = run("show", path, "--json")
    assert json.loads(result.stdout)["plan"]["goal"] == "from the journal"
    assert "has git conflict markers (from a merge)" in result.stderr
    path.write_text("".join(lines[:at]) + "<<<<<<< HEAD\n")  # markers, but no complete conflict: just broken
    result = run("show", path, code=2)
    assert "invalid JSON" in result.stderr and "git conflict markers" not in result.stderr
