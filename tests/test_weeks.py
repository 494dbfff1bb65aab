import datetime as dt

import pytest

from ldkit.core.errors import InputError
from ldkit.core.weeks import Week, learning_day_of, parse_week, parse_weekday, week_of, weeks_in_year

TODAY = dt.date(2026, 11, 25)  # a Wednesday in 2026-W48


@pytest.mark.parametrize("text, expected", [
    ("2026-W48", Week(2026, 48)),
    ("2026w48", Week(2026, 48)),
    ("2026-W1", Week(2026, 1)),
    ("this", Week(2026, 48)),
    (None, Week(2026, 48)),
    ("last", Week(2026, 47)),
    ("next", Week(2026, 49)),
    ("2026-11-26", Week(2026, 48)),
    ("2027-01-01", Week(2026, 53)),
    ("2026-W53", Week(2026, 53)),
])
def test_parse_week(text, expected):
    assert parse_week(text, today=TODAY) == expected


def test_year_edges():
    assert weeks_in_year(2026) == 53
    assert weeks_in_year(2025) == 52
    assert week_of(dt.date(2027, 1, 1)) == Week(2026, 53)
    assert Week(2026, 53).next() == Week(2027, 1)
    assert Week(2027, 1).previous() == Week(2026, 53)
    assert parse_week("next", today=dt.date(2026, 12, 30)) == Week(2027, 1)


@pytest.mark.parametrize("text, message", [
    ("2026-W54", "2026 has 53 ISO weeks"),
    ("2025-W53", "2025 has 52 ISO weeks"),
    ("2025-W00", "2025 has 52 ISO weeks"),
    ("banana", "invalid week 'banana'"),
    ("2026-02-30", "not a real date"),
])
def test_bad_weeks_say_what_is_wrong(text, message):
    with pytest.raises(InputError) as info:
        parse_week(text, today=TODAY)
    assert message in str(info.value)
    assert "2026-W48" in str(info.value)  # the hint shows the accepted forms


def test_learning_day():
    assert learning_day_of(Week(2026, 48), "thursday") == dt.date(2026, 11, 26)
    assert learning_day_of(Week(2026, 53), "friday") == dt.date(2027, 1, 1)
    assert parse_weekday("Thu") == 3
    with pytest.raises(InputError):
        parse_weekday("someday")


def test_str_roundtrip():
    assert str(Week(2026, 5)) == "2026-W05"
    assert parse_week(str(Week(2026, 5))) == Week(2026, 5)


# --- the week just held: the week of the most recent learning day that has begun ---------------------------------

def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("now, zones, expected", [
    ("2026-12-04T07:00", (), "2026-W49"),  # the Friday after Thursday 2026-12-03: its week, not `last` (W48)
    ("2026-12-01T12:00", (), "2026-W48"),  # Tuesday: the Thursday before
    ("2026-12-02T15:30", ("Asia/Tokyo",), "2026-W49"),  # Thursday 00:30 in Tokyo: the day has begun there
    ("2026-12-02T15:30", ("America/Los_Angeles",), "2026-W48"),  # still Wednesday in Los Angeles
    ("2026-12-02T15:30", ("America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo"), "2026-W49"),  # the earliest zone
    ("2026-12-02T10:30", ("Pacific/Kiritimati", "Etc/GMT+12"), "2026-W49"),  # UTC+14: Thursday 00:30 there
    ("2026-12-03T00:00", (), "2026-W49"),  # the first minute of the day in UTC
    ("2026-12-06T23:59", (), "2026-W49"),  # Sunday
    ("2026-12-31T12:00", (), "2026-W53"),  # Thursday 2026-12-31 lies in 2026's 53rd week
    ("2027-01-01T12:00", (), "2026-W53"),
])
def test_the_week_held_is_the_week_of_the_last_learning_day_begun(now, zones, expected):
    from ldkit.core.weeks import week_held

    assert str(week_held(3, zones, _utc(now))) == expected
    assert str(parse_week("held", weekday=3, zones=zones, now=_utc(now))) == expected
    assert str(parse_week(" HELD ", weekday=3, zones=zones, now=_utc(now))) == expected


def test_the_week_held_follows_the_team_s_weekday():
    from ldkit.core.weeks import week_held

    # Monday learning day: on Sunday 2026-12-06 it is the Monday 2026-11-30 (W49); on Monday 12-07, W50
    assert str(week_held(0, (), _utc("2026-12-06T12:00"))) == "2026-W49"
    assert str(week_held(0, (), _utc("2026-12-07T00:01"))) == "2026-W50"


def test_the_earliest_zone_is_where_the_day_begins_first():
    from ldkit.core.weeks import earliest_zone

    now = _utc("2026-12-02T10:00")
    assert earliest_zone(("Europe/Berlin", "Pacific/Kiritimati", "America/Los_Angeles"), now) == "Pacific/Kiritimati"
    assert earliest_zone((), now) == "UTC"


def test_held_is_a_week_word_of_every_week_option(ws, run, new_workbook):
    import json

    import time_machine

    run("team", "add", "ada", "--tz", "Asia/Tokyo")
    run("team", "add", "bob", "--tz", "America/Los_Angeles")
    with time_machine.travel(_utc("2026-12-02T15:30"), tick=False):  # Thursday 00:30 in Tokyo, Wed in LA
        made = json.loads(run("new", "blank", "--title", "x", "--week", "held", "--author", "ada", "--json").stdout)
        assert made["week"] == "2026-W49"
        made = json.loads(run("new", "blank", "--title", "y", "--week", "held", "--author", "bob", "--json").stdout)
        assert made["week"] == "2026-W48"  # bob's own zone: his learning day is still to come
        assert json.loads(run("status", "--week", "held", "--json").stdout)["week"] == "2026-W49"  # team-wide
    for command in (["new", "--help"], ["status", "--help"], ["digest", "--help"], ["remind", "--help"],
                    ["skip", "--help"], ["search", "--help"]):
        assert "held" in run(*command).stdout
    assert "'held'" in run("status", "--week", "hold", code=2).stderr
