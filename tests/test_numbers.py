"""Honest numbers: participation, who took part, totals that agree with their tables, plurals.

Participation = learning days already held with an outcome ÷ learning days since the member joined, weeks off
excluded, the coming day not counted; who took part = an outcome, or a plan for a week still open.
"""
import datetime as dt
import json
import re

import pytest
import time_machine

from tests.conftest import snapshot

W40, W41 = "2026-W40", "2026-W41"  # learning days Thursday 2026-10-01 and 2026-10-08


def book(run, new_workbook, week, author, *, plan=True, outcome=True, title=None, private=False):
    path = new_workbook("blank", title or f"{author} {week}", "--week", week, "--author", author)
    if plan:
        run("log", "plan", path, "--goal", f"goal of {author}", "--category", "tutorial")
    if outcome:
        run("log", "outcome", path, "--summary", f"What {author} learned.", "--hours", "2",
            *(["--private"] if private else []))
    return path


def people(run, *args):
    data = json.loads(run("stats", *args, "--json").stdout)
    return {p["author"]: p for p in data["people"]}


@pytest.fixture
def roster(ws, run):
    for name in ("alice", "bob", "carol", "dave"):
        run("team", "add", name)


def test_participation_counts_outcomes_not_workbooks_and_roster_members_at_zero(ws, run, new_workbook, roster):
    for week in (W40, W41):
        book(run, new_workbook, week, "alice")
    book(run, new_workbook, W40, "bob", outcome=False)  # a plan alone, in a week long over
    book(run, new_workbook, W41, "bob")
    before = snapshot(ws.root / "workbooks")
    p = people(run, "--since", W40, "--until", W41)
    assert p["alice"]["participation_rate"] == 1.0
    assert p["bob"]["participation_rate"] == 0.5 and p["bob"]["weeks_with_outcome"] == 1
    assert p["carol"]["participation_rate"] == 0.0 and p["dave"]["participation_rate"] == 0.0  # no workbook: 0%
    text = run("stats", "--since", W40, "--until", W41).stdout
    assert re.search(r"^carol\s+0\s+0\s+0\s+0%$", text, re.M), text
    assert snapshot(ws.root / "workbooks") == before


def test_a_member_with_no_outcome_is_at_zero_not_fifty(ws, run, new_workbook):
    book(run, new_workbook, W40, "bob", outcome=False)
    book(run, new_workbook, W41, "bob", outcome=False)
    assert people(run, "--since", W40, "--until", W41)["bob"]["participation_rate"] == 0.0


def test_the_coming_learning_day_does_not_count_until_it_has_begun(ws, run, new_workbook):
    book(run, new_workbook, W40, "alice")
    book(run, new_workbook, W41, "alice", outcome=False)  # planned for Thursday
    with time_machine.travel(dt.datetime(2026, 10, 6, 9, 0, tzinfo=dt.timezone.utc), tick=False):  # Tuesday W41
        assert people(run, "--since", W40, "--until", W41)["alice"]["participation_rate"] == 1.0
        status = json.loads(run("status", "--week", W41, "--json").stdout)
        assert status["totals"]["people"] == 1  # a plan for a week still open is taking part
    with time_machine.travel(dt.datetime(2026, 10, 8, 12, 0, tzinfo=dt.timezone.utc), tick=False):  # the day
        assert people(run, "--since", W40, "--until", W41)["alice"]["participation_rate"] == 0.5
    with time_machine.travel(dt.datetime(2026, 10, 19, 12, 0, tzinfo=dt.timezone.utc), tick=False):  # over
        assert json.loads(run("status", "--week", W41, "--json").stdout)["totals"]["people"] == 0


def test_a_skip_over_a_week_with_an_outcome_changes_nothing(ws, run, new_workbook):
    book(run, new_workbook, W40, "alice")
    before = people(run, "--since", W40, "--until", W40)["alice"]
    run("skip", "--week", W40, "--author", "alice", "--reason", "oops")
    after = people(run, "--since", W40, "--until", W40)["alice"]
    assert after == before and after["participation_rate"] == 1.0 and after["current_streak"] == 1
    run("digest", "--week", W40, "--format", "json", "--quiet")
    data = json.loads((ws.root / "digests" / W40 / "digest.json").read_text())
    assert data["accountability"]["skipped"] == {} and data["took_part"] == ["alice"]
    # a real week off is still left out of the rate and does not break the streak
    run("skip", "--week", W41, "--author", "alice")
    p = people(run, "--since", W40, "--until", W41)["alice"]
    assert p["participation_rate"] == 1.0 and p["current_streak"] == 1


def test_the_header_names_only_who_took_part(ws, run, new_workbook, roster):
    for author in ("alice", "bob", "carol"):
        book(run, new_workbook, W40, author)
    book(run, new_workbook, W40, "dave", outcome=False)  # planned, but the week is over with no outcome
    book(run, new_workbook, W40, "alice", title="alice second")  # two workbooks, one person
    run("digest", "--week", W40, "--format", "md", "--format", "json", "--quiet")
    folder = ws.root / "digests" / W40
    page = folder.joinpath("index.html").read_text()
    assert "3 of 4 in the team took part: alice, bob, carol</p>" in page
    data = json.loads(folder.joinpath("digest.json").read_text())
    assert data["took_part"] == ["alice", "bob", "carol"] and data["totals"]["people"] == 3
    md = folder.joinpath("digest.md").read_text().splitlines()
    assert md[0] == "*Learning Day 2026-W40* (2026-10-01): 3 took part, 4 planned, 3 summarized, 8 h"
    lines = [line for line in md if line.startswith("• ")]
    assert [line.split("*")[1] for line in lines] == ["alice", "bob", "carol"]  # one line per person
    assert "alice 2026-W40: What alice learned." in lines[0] and "alice second: What alice learned." in lines[0]
    assert "Planned, no outcome yet: dave" in md


def test_the_site_index_agrees_with_its_table(ws, run, new_workbook):
    book(run, new_workbook, W40, "alice")
    book(run, new_workbook, W40, "bob", private=True)  # a private outcome is a summary all the same
    book(run, new_workbook, W41, "alice")
    book(run, new_workbook, W41, "carol", outcome=False)
    result = run("site", "--quiet")
    assert result.stdout.startswith("2 weeks (2 made again), 4 notebooks")
    index = (ws.root / "site" / "index.html").read_text()
    said = int(re.search(r"(\d+) summar(?:y|ies) written", index).group(1))
    table = index[index.index("<h2>Weeks</h2>"):]
    rows = re.findall(r"<tr><td class=\"ld-nowrap\">.*?</tr>", table)
    summarized = [int(re.findall(r"<td>([^<]*)</td>", row)[2]) for row in rows]
    assert said == sum(summarized) == 3
    person = (ws.root / "site" / "people" / "bob" / "index.html").read_text()
    assert "<b>1</b><span>workbook</span>" in person


def test_plurals(ws, run, new_workbook):
    book(run, new_workbook, W40, "alice")
    result = run("site", "--quiet")
    assert result.stdout.startswith("1 week (1 made again), 1 notebook (1 rendered), ")
    run("digest", "--week", W40, "--quiet")
    page = (ws.root / "digests" / W40 / "index.html").read_text()
    assert "1 workbook · " in page and "streak 1 week " in page and "1 workbooks" not in page
