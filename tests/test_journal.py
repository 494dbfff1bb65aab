import json
import subprocess
import sys
import textwrap
import uuid

from ldkit.records import journal
from ldkit.records.schema import make_record


def record(n: int, workbook: str = "") -> dict:
    return make_record("plan", workbook or str(uuid.uuid4()), "alice",
                       {"goal": f"goal {n}", "category": "other", "resources": [], "planned_hours": None,
                        "visibility": "team"})


def append(path, value):
    """One save, as save_record does it: under the journal's lock, flushed."""
    with journal.locked(path) as handle:
        journal.append_locked(handle, value, path)


def read(path):
    """The journal's objects and its warnings, as load_workbook reads them."""
    lines, warnings = journal.read_lines(path)
    return [value for _, value in lines if isinstance(value, dict)], warnings


def test_append_and_read(tmp_path):
    path = tmp_path / "x.ldkit.jsonl"
    first, second = record(1), record(2)
    append(path, first)
    append(path, second)
    records, warnings = read(path)
    assert records == [first, second] and warnings == []


def test_missing_journal_reads_empty(tmp_path):
    assert read(tmp_path / "none.ldkit.jsonl") == ([], [])


def test_torn_last_line_is_skipped_with_a_warning_and_the_next_save_stays_whole(tmp_path):
    path = tmp_path / "x.ldkit.jsonl"
    append(path, record(1))
    with open(path, "ab") as handle:
        handle.write(b'{"schema": 1, "kind": "pla')  # a crash mid-append
    records, warnings = read(path)
    assert len(records) == 1
    assert "skipped its last line" in warnings[0] and "interrupted" in warnings[0]
    append(path, record(3))
    records, warnings = read(path)
    assert [r["data"]["goal"] for r in records] == ["goal 1", "goal 3"]
    assert len(warnings) == 1  # the torn line, now in the middle, is still only skipped


def test_journal_path_is_beside_the_notebook(tmp_path):
    assert journal.journal_path(tmp_path / "w" / "maml.ipynb") == tmp_path / "w" / "maml.ldkit.jsonl"


WRITER = textwrap.dedent("""
    import sys
    from ldkit.records.workbook import save_record
    from ldkit.records.schema import make_record
    path, who, workbook = sys.argv[1], sys.argv[2], sys.argv[3]
    for n in range(200):
        save_record(path, make_record("outcome", workbook, who, {
            "summary": f"{who} {n} " + "x" * 3000, "status": "done", "hours": 1, "links": [],
            "next_steps": "", "expenses": [], "visibility": "team"}))
""")


def test_two_processes_saving_at_once_lose_nothing(new_workbook):
    path = new_workbook()
    workbook_id = json.loads(path.read_text())["metadata"]["ldkit"]["id"]
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), who, workbook_id])
             for who in ("p1", "p2")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    records, warnings = read(journal.journal_path(path))
    assert warnings == []
    summaries = {r["data"]["summary"].split(" x")[0] for r in records}
    assert summaries == {f"{who} {n}" for who in ("p1", "p2") for n in range(200)}
    # the notebook itself is never rewritten by a save (it would conflict in git): still whole, no records in it
    assert "records" not in json.loads(path.read_text())["metadata"]["ldkit"]
