"""`ldkit stats --health`: the seed's failure modes (used for work, leaking, fading) against hand-counted weeks.

Weeks lived with a pinned clock, in three zones: ada (Berlin) plans and summarizes on the day, except a plan saved on
the Tuesday before W49 and a W46 outcome saved the evening before its day; bob (Los Angeles) only ever
plans; chen (Tokyo) stopped after W46.
"""
from __future__ import annotations

import json

import pytest

from tests.conftest import snapshot


@pytest.fixture
def lived(ws, run, clock):
    run("team", "add", "ada", "--tz", "Europe/Berlin")
    run("team", "add", "bob", "--tz", "America/Los_Angeles")
    run("team", "add", "chen", "--tz", "Asia/Tokyo")

    def new(author, week, title):
        return json.loads(run("new", "blank", "--title", title, "--week", week, "--author", author,
                              "--json").stdout)["path"]

    def at(instant, *args, code=0):
        clock.at(instant)
        return run(*args, code=code)

    # W46 (Thursday 2026-11-12)
    ada46, chen46 = new("ada", "2026-W46", "Ada W46"), new("chen", "2026-W46", "Chen W46")
    at("2026-11-12T08:00:00Z", "log", "plan", ada46, "--goal", "g")
    # the evening before the day: taken (it is the week itself), and counted as leaking
    at("2026-11-11T20:00:00Z", "log", "outcome", ada46, "--summary", "s", "--hours", "2")
    at("2026-11-12T05:00:00Z", "log", "outcome", chen46, "--summary", "s", "--hours", "3")
    # W47 and W48: ada on the day, bob plans only
    for week, day in (("2026-W47", "2026-11-19"), ("2026-W48", "2026-11-26")):
        ada, bob = new("ada", week, f"Ada {week}"), new("bob", week, f"Bob {week}")
        at(f"{day}T08:00:00Z", "log", "plan", ada, "--goal", "g")
        at(f"{day}T16:00:00Z", "log", "outcome", ada, "--summary", "s", "--hours", "4")
        at(f"{day}T17:00:00Z", "log", "plan", bob, "--goal", "g")
    # W49 (Thursday 2026-12-03): ada plans on the Tuesday, says the day was mostly work
    ada49, bob49 = new("ada", "2026-W49", "Ada W49"), new("bob", "2026-W49", "Bob W49")
    at("2026-12-01T08:00:00Z", "log", "plan", ada49, "--goal", "g")
    at("2026-12-03T16:00:00Z", "log", "outcome", ada49, "--summary", "s", "--hours", "6",
       "--pulled-into-work", "most")
    at("2026-12-03T17:00:00Z", "log", "plan", bob49, "--goal", "g")
    clock.at("2026-12-04T12:00:00Z")  # the Friday after
    return ws


def test_health_against_hand_counted_weeks(lived, run):
    report = json.loads(run("stats", "--health", "--json").stdout)
    assert report["until"] == "2026-W49" and report["window"] == 8
    days = {d["week"]: d for d in report["days"]}
    # the window starts at the workspace's first workbook (W46): W42-W45 were before anyone used ldkit
    assert list(days) == [f"2026-W{n}" for n in range(46, 50)]
    assert [days[w]["took_part"] for w in days] == [2, 1, 1, 2]  # W49 is open: bob's plan counts
    assert all(d["team"] == 3 for d in days.values())
    assert report["trend"] == "steady"  # 2/3 and 1/3, then 1/3 and 2/3: not "rising" from weeks nobody could use
    w46, w47, w49 = days["2026-W46"], days["2026-W47"], days["2026-W49"]
    assert (w46["saves"], w46["saved_off_day"], w46["hours_before_day"]) == (3, 1, 1)
    assert (w47["saves"], w47["saved_off_day"], w47["leak_share"]) == (3, 0, 0.0)
    assert (w49["saves"], w49["saved_off_day"], w49["leak_share"]) == (3, 1, 0.333)
    assert (w49["outcomes"], w49["pulled_into_work"], w49["work_share"]) == (1, 1, 1.0)
    assert days["2026-W47"]["work_share"] == 0.0 and days["2026-W47"]["participation"] == 0.333
    assert report["plan_no_outcome"] == ["bob"] and report["no_workbook"] == ["chen"]


def test_health_in_words_invites_people_back(lived, run):
    text = run("stats", "--health").stdout
    assert "How the day is going, 4 learning days up to 2026-W49" in text
    assert "participation is steady" in text
    assert "used for work: 1 of 1 outcome in 2026-W49" in text
    assert "saved outside the learning day: 1 of 3 saves in 2026-W49" in text
    assert "invite back — planned but no outcome 3 learning days running: bob" in text
    assert "invite back — no workbook 3 learning days running: chen" in text


def test_pulled_into_work_is_checked_and_shown(lived, run, new_workbook):
    path = new_workbook("blank", "More work", "--week", "2026-W49", "--author", "ada")
    before = snapshot(lived.root)
    assert "'always' is not one of" in run("log", "outcome", path, "--summary", "s", "--pulled-into-work", "always",
                                           code=2).stderr
    assert snapshot(lived.root) == before
    run("log", "outcome", path, "--summary", "s", "--pulled-into-work", "no")
    shown = json.loads(run("show", path, "--json").stdout)
    assert shown["outcome"]["pulled_into_work"] == "no"


def test_a_future_weeks_outcome_is_refused_and_a_plan_is_not(ws, run, clock):
    clock.at("2026-12-04T12:00:00Z")
    path = json.loads(run("new", "blank", "--title", "Next", "--week", "next", "--json").stdout)["path"]
    run("log", "plan", path, "--goal", "Plan ahead")  # planning ahead is the habit, not a leak to refuse
    before = snapshot(ws.root)
    result = run("log", "outcome", path, "--summary", "too early", code=2)
    assert "2026-W50 is still to come (its learning day is 2026-12-10)" in result.stderr and "--force" in result.stderr
    assert snapshot(ws.root) == before
    run("log", "outcome", path, "--summary", "recorded anyway", "--force")


def test_health_table_lines_up_and_counts_people(lived, run):
    lines = run("stats", "--health").stdout.splitlines()
    table = lines[1:6]
    assert table == [
        "week      took part      used for work    saved off the day  hours before it",
        "2026-W46  2 of 3 people  0 of 2 outcomes  1 of 3 saves       1",
        "2026-W47  1 of 3 people  0 of 1 outcome   0 of 3 saves       0",
        "2026-W48  1 of 3 people  0 of 1 outcome   0 of 3 saves       0",
        "2026-W49  2 of 3 people  1 of 1 outcome   1 of 3 saves       0",
    ]
    assert "persons" not in "\n".join(lines)
    for column in ("took part", "used for work", "saved off the day", "hours before it"):  # every cell under its head
        start = table[0].index(column)
        assert all(row[start - 2:start] == "  " and row[start] != " " for row in table[1:]), column


def test_days_before_the_first_workbook_are_not_in_the_window(lived, run):
    """A team that started in W46 is not "rising" from four weeks of nobody: those days are no part of the window,
    in the workspace's view and in a team's (from the team's own first workbook)."""
    early = json.loads(run("stats", "--health", "--until", "2026-W45", "--json").stdout)
    assert early["days"] == [] and early["trend"] == "steady" and early["no_workbook"] == []
    result = run("stats", "--health", "--until", "2026-W45")
    assert "no learning day up to 2026-W45 since the first workbook here, nothing to measure yet" in result.stdout
    run("team", "add-team", "north")
    run("team", "add-team", "south")
    for slug, team in (("ada", "south"), ("chen", "south"), ("bob", "north")):
        run("team", "add", slug, "--team", team)
    north = json.loads(run("stats", "--health", "--team", "north", "--json").stdout)  # bob's first: W47
    assert [d["week"] for d in north["days"]] == ["2026-W47", "2026-W48", "2026-W49"]
    assert [d["took_part"] for d in north["days"]] == [0, 0, 1]  # plans only: taking part while W49 is open
    south = json.loads(run("stats", "--health", "--team", "south", "--json").stdout)
    assert [d["week"] for d in south["days"]] == ["2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    assert south["no_workbook"] == ["chen"]  # after the first workbook, a member without one still counts as 0


def test_a_rising_trend_is_one_after_the_first_workbook(ws, run, clock):
    run("team", "add", "ada")
    run("team", "add", "bob")
    clock.at("2026-12-04T12:00:00Z")
    for week, authors in (("2026-W46", ["ada"]), ("2026-W47", ["ada"]), ("2026-W48", ["ada", "bob"]),
                          ("2026-W49", ["ada", "bob"])):
        for author in authors:
            path = json.loads(run("new", "blank", "--title", f"{author} {week}", "--week", week, "--author", author,
                                  "--json").stdout)["path"]
            run("log", "outcome", path, "--summary", "s", "--hours", "1", "--force")
    report = json.loads(run("stats", "--health", "--json").stdout)
    assert [d["week"] for d in report["days"]] == ["2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    assert [d["participation"] for d in report["days"]] == [0.5, 0.5, 1.0, 1.0] and report["trend"] == "rising"


def test_the_first_week_comes_from_the_numbers_kept_without_reading_a_week(ws, monkeypatch):
    """The site hands every week's numbers in (`known`): a team's window start is found from them, not by reading
    the team's weeks one by one (40 teams at 52,000 workbooks made a one-workbook change cost a second)."""
    from dataclasses import replace

    from ldkit.core.weeks import parse_week
    from ldkit.ledger import health
    from ldkit.ledger.stats import WeekData
    from ldkit.ledger.totals import WeekTotals

    def no_read(*args, **kwargs):
        raise AssertionError("a week was read")

    monkeypatch.setattr(health, "read_week", no_read)
    for week in ("2026-W40", "2026-W41", "2026-W42"):
        (ws.workbooks / week).mkdir(parents=True)
    known = {parse_week(w): WeekData(parse_week(w), WeekTotals(people=people)) for w, people in
             (("2026-W40", set()), ("2026-W41", {"bob"}), ("2026-W42", {"ada", "bob"}))}
    until = parse_week("2026-W42")
    assert health.first_week(ws, until, {}, known) == parse_week("2026-W41")
    ada_only = replace(ws, members=frozenset({"ada"}), scope="robotics")
    assert health.first_week(ada_only, until, {}, known) == parse_week("2026-W42")
    nobody = replace(ws, members=frozenset({"cy"}), scope="vision")
    assert health.first_week(nobody, until, {}, known) is None
