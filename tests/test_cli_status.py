import json

from ldkit.records.schema import make_record
from ldkit.records.workbook import save_record


def test_status_shows_each_author(ws, run, new_workbook, monkeypatch):
    a = new_workbook("paper", "MAML", "--week", "2026-W48")
    run("log", "plan", a, "--goal", "g", "--hours", "5")
    run("log", "outcome", a, "--summary", "s", "--status", "partial", "--hours", "4")
    new_workbook("tutorial", "JAX", "--week", "2026-W48", "--author", "bob")
    new_workbook("blank", "Other week", "--week", "2026-W47", "--author", "chen")
    report = json.loads(run("status", "--week", "2026-W48", "--json").stdout)
    assert report["week"] == "2026-W48" and report["learning_day"] == "2026-11-26"
    people = {p["author"]: p["workbooks"] for p in report["authors"]}
    assert set(people) == {"alice", "bob", "chen"}  # chen wrote last week: on the team, missing this week
    assert people["chen"] == [] and report["missing"] == ["chen"]
    assert people["alice"][0]["plan"] is True and people["alice"][0]["outcome"] == "partial"
    assert people["alice"][0]["hours"] == 4
    assert people["bob"][0]["plan"] is False and people["bob"][0]["outcome"] is None
    # bob only started a workbook: he did not take part (an outcome, or a plan in a week still open)
    assert report["totals"] == {"people": 1, "workbooks": 2, "planned": 1, "summarized": 1, "hours": 4,
                                "results": {"judged": 0, "reproduced": 0, "text": "0 of 0 claims reproduced",
                                            "total": 0}}
    text = run("status", "--week", "2026-W48").stdout
    assert "alice" in text and "partial" in text and "1 took part, 1 planned, 1 summarized, 4 h" in text


def test_status_reports_unreadable_files_and_goes_on(ws, run, new_workbook):
    new_workbook("blank", "Fine", "--week", "2026-W48")
    bad = ws.root / "workbooks" / "2026-W48" / "bob" / "broken.ipynb"
    bad.parent.mkdir()
    bad.write_text('{"cells": [')
    result = run("status", "--week", "2026-W48", "--json")
    report = json.loads(result.stdout)
    assert [p["author"] for p in report["authors"]] == ["alice"]
    assert report["problems"][0]["path"].endswith("broken.ipynb")
    assert "broken.ipynb" in result.stderr and "invalid JSON" in result.stderr


def test_empty_week(ws, run, clock):
    clock.at("2026-12-29T12:00:00Z")  # W53's Tuesday: its learning day is to come, W01's long past
    assert "No workbooks yet this week. Start one" in run("status", "--week", "2026-W53").stdout
    text = run("status", "--week", "2026-W01").stdout
    assert "No workbooks in 2026-W01: its learning day is over." in text and "yet" not in text
    report = json.loads(run("status", "--week", "2026-W01", "--json").stdout)
    assert report["authors"] == [] and report["day_over"] is True


def test_bad_week_is_exit_2(ws, run):
    assert "invalid week 'banana'" in run("status", "--week", "banana", code=2).stderr


def test_status_reads_records_from_outputs_too(ws, run, new_workbook):
    path = new_workbook("blank", "Form", "--week", "2026-W48")
    nb = json.loads(path.read_text())
    rec = make_record("outcome", nb["metadata"]["ldkit"]["id"], "alice",
                      {"summary": "s", "status": "stuck", "hours": 2, "links": [], "next_steps": "",
                       "expenses": [], "visibility": "team"})
    nb["cells"][-1]["outputs"] = [{"output_type": "display_data", "metadata": {},
                                   "data": {"application/vnd.ldkit.record+json": rec, "text/markdown": "x"}}]
    path.write_text(json.dumps(nb))
    report = json.loads(run("status", "--week", "2026-W48", "--json").stdout)
    assert report["authors"][0]["workbooks"][0]["outcome"] == "stuck"
    save_record(path, {**rec, "saved_at": "2099-01-01T00:00:00.000000Z", "data": {**rec["data"], "status": "done"}})
    report = json.loads(run("status", "--week", "2026-W48", "--json").stdout)
    assert report["authors"][0]["workbooks"][0]["outcome"] == "done"


def test_without_a_roster_status_and_the_digest_name_the_same_missing_people(ws, run, new_workbook):
    """The team is who wrote in the last 8 weeks; status used to list nobody missing while the digest did."""
    new_workbook("blank", "Old", "--week", "2026-W40", "--author", "dana")  # 8 weeks before W48: still on it
    new_workbook("blank", "Older", "--week", "2026-W39", "--author", "erin")  # 9 weeks before: not any more
    new_workbook("blank", "Last week", "--week", "2026-W47", "--author", "chen")
    new_workbook("blank", "Off", "--week", "2026-W47", "--author", "finn")
    run("skip", "--week", "2026-W48", "--author", "finn", "--reason", "conference")
    new_workbook("blank", "This week", "--week", "2026-W48", "--author", "bob")
    report = json.loads(run("status", "--week", "2026-W48", "--json").stdout)
    assert report["team"] == ["bob", "chen", "dana", "finn"] and report["missing"] == ["chen", "dana"]
    run("digest", "--week", "2026-W48", "--format", "json", "--quiet")
    digest = json.loads((ws.root / "digests" / "2026-W48" / "digest.json").read_text())
    assert digest["team"] == report["team"]
    assert digest["accountability"]["no_workbook"] == report["missing"]


def test_a_private_workbook_says_plan_private_and_nothing_of_it(ws, run, new_workbook, clock):
    clock.at("2026-12-04T12:00:00Z")
    path = new_workbook("blank", "Secret ZEBRA-4417", "--week", "2026-W48")
    run("log", "plan", path, "--goal", "goal ZEBRA", "--category", "mechanical", "--private")
    run("log", "outcome", path, "--summary", "summary ZEBRA", "--status", "done", "--hours", "3")
    shown = new_workbook("blank", "Open one", "--week", "2026-W48")
    run("log", "plan", shown, "--goal", "g", "--category", "tutorial")
    result = run("status", "--week", "2026-W48")
    lines = result.stdout.splitlines()
    private = next(line for line in lines if line.strip().startswith("private workbook"))
    assert "plan: private" in private and "outcome: done" in private and private.rstrip().endswith("3 h")
    assert "plan: tutorial" in next(line for line in lines if "Open one" in line)
    for hidden in ("None", "ZEBRA", "mechanical"):
        assert hidden not in result.stdout, hidden
    entry = next(wb for p in json.loads(run("status", "--week", "2026-W48", "--json").stdout)["authors"]
                 for wb in p["workbooks"] if wb["private"])
    assert entry["plan"] is True and entry["category"] is None and entry["title"] == "private workbook"


def test_no_workbook_is_worded_by_whether_the_learning_day_is_over(ws, run, new_workbook, clock):
    """"no workbook yet" while the day may still come or is under way (in the member's own zone), "no workbook" once
    it is over: the same week, read at three instants."""
    run("team", "add", "alice")
    run("team", "add", "bob")  # no zone: UTC
    run("team", "add", "lee", "--tz", "America/Los_Angeles")
    clock.at("2026-11-26T12:00:00Z")  # W48's learning day (a Thursday), under way everywhere
    new_workbook("blank", "Mine", "--week", "2026-W48")
    text = run("status", "--week", "2026-W48").stdout
    assert "bob\n  no workbook yet" in text and "lee\n  no workbook yet" in text
    clock.at("2026-11-27T03:00:00Z")  # Friday in UTC, still Thursday evening in Los Angeles
    text = run("status", "--week", "2026-W48").stdout
    assert "bob\n  no workbook\n" in text and "lee\n  no workbook yet" in text
    report = json.loads(run("status", "--week", "2026-W48", "--json").stdout)
    assert {p["author"]: p["day_over"] for p in report["authors"]} == {"alice": True, "bob": True, "lee": False}
    assert report["day_over"] is False  # for the whole team: not before the last zone's day is over
    clock.at("2026-12-04T12:00:00Z")  # the week after
    text = run("status", "--week", "2026-W48").stdout
    assert "bob\n  no workbook\n" in text and "lee\n  no workbook\n" in text and "yet" not in text
    assert "no workbook yet" in run("status", "--week", "2026-W50").stdout  # a week to come
