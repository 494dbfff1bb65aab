"""The calendar edges people live, through the real commands, with the clock pinned (never today's date).

A Thursday learning day seen from the Tuesday before, at 23:30 in Los Angeles (UTC−8), at 00:30 in Tokyo (UTC+9),
from the Friday after, on 2026-12-31 (the Thursday of ISO week 2026-W53) and on 2027-01-04 (2027-W01); then
workspaces whose learning day is Monday or Sunday, where "this week" and the day itself part ways.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ldkit_process

# name: (instant in UTC, the learner's zone, the ISO week it is there, that week's Thursday)
EDGES = {
    "tuesday-before": ("2026-12-01T09:00:00Z", "Europe/Berlin", "2026-W49", "2026-12-03"),
    "day-23:30-los-angeles": ("2026-12-04T07:30:00Z", "America/Los_Angeles", "2026-W49", "2026-12-03"),
    "day-00:30-tokyo": ("2026-12-02T15:30:00Z", "Asia/Tokyo", "2026-W49", "2026-12-03"),
    "friday-after": ("2026-12-04T07:00:00Z", "Europe/Berlin", "2026-W49", "2026-12-03"),
    "iso-week-53": ("2026-12-31T23:30:00Z", "UTC", "2026-W53", "2026-12-31"),
    "iso-week-53-tokyo-new-year": ("2026-12-31T23:30:00Z", "Asia/Tokyo", "2026-W53", "2026-12-31"),
    "new-year-week-01": ("2027-01-04T08:00:00Z", "UTC", "2027-W01", "2027-01-07"),
    "new-year-sunday-night-los-angeles": ("2027-01-04T07:00:00Z", "America/Los_Angeles", "2026-W53", "2026-12-31"),
}
PREVIOUS = {"2026-W49": "2026-W48", "2026-W53": "2026-W52", "2027-W01": "2026-W53"}


def _json(result) -> dict:
    return json.loads(result.stdout)


@pytest.mark.parametrize("edge", list(EDGES))
def test_a_week_lived_at_each_edge(edge, ws, run, clock):
    instant, zone, week, thursday = EDGES[edge]
    clock.at(instant, tz=zone)
    run("team", "add", "alice", "--tz", zone)

    made = _json(run("new", "tutorial", "--title", "Edge case", "--json"))
    path = Path(made["path"])
    assert path.parent.parent.name == week, f"{edge}: ldkit new put the workbook in {path}"
    assert json.loads(path.read_text())["metadata"]["ldkit"]["learning_day"] == thursday

    status = _json(run("status", "--json"))
    assert (status["week"], status["learning_day"]) == (week, thursday)
    assert [p["author"] for p in status["authors"] if p["workbooks"]] == ["alice"]
    assert _json(run("status", "--week", "last", "--json"))["week"] == PREVIOUS[week]

    run("log", "plan", path, "--goal", "Learn the edges", "--hours", "2")
    run("log", "outcome", path, "--summary", "Weeks have edges.", "--hours", "2")
    run("digest", "--quiet", "--format", "md")
    page = ws.root / "digests" / week / "index.html"
    assert "Edge case" in page.read_text()
    assert "Weeks have edges." in (ws.root / "digests" / week / "digest.md").read_text()

    stats = _json(run("stats", "--json"))
    assert stats["until"] == week
    assert stats["weeks"][-1]["week"] == week and stats["weeks"][-1]["summarized"] == 1

    run("site", "--quiet")
    assert "Weeks have edges." in (ws.root / "site" / "weeks" / week / "index.html").read_text()

    reminded = run("remind", "outcome", "--dry-run")
    assert "alice" not in reminded.stdout.split("(dry run")[0], "alice has an outcome; nobody should be named"


@pytest.mark.parametrize("weekday, instant, week, day", [
    # a Monday learning day: on the Tuesday after, this week's day has passed and is in this ISO week
    ("monday", "2026-12-01T09:00:00Z", "2026-W49", "2026-11-30"),
    ("monday", "2027-01-04T08:00:00Z", "2027-W01", "2027-01-04"),
    # a Sunday learning day: on the Monday after it, "this week" is already the next one
    ("sunday", "2026-12-01T09:00:00Z", "2026-W49", "2026-12-06"),
    ("sunday", "2027-01-04T08:00:00Z", "2027-W01", "2027-01-10"),
])
def test_a_workspace_whose_learning_day_is_not_thursday(weekday, instant, week, day, ws, run, clock):
    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text().replace('learning_day = "thursday"', f'learning_day = "{weekday}"'))
    clock.at(instant)
    status = _json(run("status", "--json"))
    assert (status["week"], status["learning_day"]) == (week, day)
    made = _json(run("new", "blank", "--title", "Off-Thursday", "--json"))
    assert json.loads(Path(made["path"]).read_text())["metadata"]["ldkit"]["learning_day"] == day
    run("digest", "--quiet", "--format", "json")
    assert [p["author"] for p in _json(run("status", "--json"))["authors"]] == ["alice"]
    assert json.loads((ws.root / "digests" / week / "digest.json").read_text())["learning_day"] == day


def test_the_clock_reaches_child_processes(ws, clock):
    """A real `python -m ldkit` started by the test sees the pinned instant and zone (tests/clock/sitecustomize.py)."""
    clock.at("2027-01-04T07:00:00Z", tz="America/Los_Angeles")  # Sunday 23:00 there: still 2026-W53
    done = ldkit_process("status", "--json", cwd=ws.root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["week"] == "2026-W53"
    clock.at("2027-01-04T07:00:00Z", tz="Europe/Berlin")  # Monday 08:00 there: 2027-W01
    assert json.loads(ldkit_process("status", "--json", cwd=ws.root).stdout)["week"] == "2027-W01"


def test_week_words_follow_the_pinned_clock(ws, run, clock):
    clock.at("2027-01-04T08:00:00Z")
    assert _json(run("status", "--week", "next", "--json"))["week"] == "2027-W02"
    assert _json(run("status", "--week", "last", "--json"))["week"] == "2026-W53"
    assert _json(run("status", "--week", "2026-12-31", "--json"))["week"] == "2026-W53"
    clock.at("2026-12-31T23:30:00Z")
    assert _json(run("status", "--week", "next", "--json"))["week"] == "2027-W01"
