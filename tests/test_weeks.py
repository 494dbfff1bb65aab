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
