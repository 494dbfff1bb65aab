"""ISO weeks (`2026-W48`), the words this/last/next/held, dates, the learning day inside a week, and the week just
held (the week of the most recent learning day that has begun, in a zone)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ldkit.core.errors import InputError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_WEEK_RE = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEEK_FORMS = ("an ISO week like 2026-W48, 'this', 'last', 'next', 'held' (the week of the most recent learning "
              "day), or a date like 2026-11-26")
WEEK_HELP = ("ISO week (2026-W48), this, last, next, held (the week of the most recent learning day that has begun, "
             "e.g. on the Friday after it), or a date (2026-11-26).")


def weeks_in_year(year: int) -> int:
    """52 or 53: December 28th always lies in the year's last ISO week."""
    return dt.date(year, 12, 28).isocalendar()[1]


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week (2026-W48): what every rule of the day is keyed by, ordered as the calendar is."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise InputError(f"invalid week: year {self.year} is out of range")
        last = weeks_in_year(self.year)
        if not 1 <= self.number <= last:
            raise InputError(
                f"invalid week '{self.year}-W{self.number:02d}': {self.year} has {last} ISO weeks "
                f"(W01 to W{last})")

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def day(self, weekday: int) -> dt.date:
        """The date of `weekday` (0 = Monday) in this week."""
        return dt.date.fromisocalendar(self.year, self.number, weekday + 1)

    def monday(self) -> dt.date:
        return self.day(0)

    def shift(self, weeks: int) -> Week:
        return week_of(self.monday() + dt.timedelta(weeks=weeks))

    def next(self) -> Week:
        return self.shift(1)

    def previous(self) -> Week:
        return self.shift(-1)


def week_of(day: dt.date) -> Week:
    year, number, _ = day.isocalendar()
    return Week(year, number)


# the words a user may type for a week, each as a shift from this week ("held" is resolved by week_held)
WEEK_WORDS = {"this": 0, "now": 0, "": 0, "last": -1, "next": 1}


def check_week_text(text: str) -> str:
    """The week as typed, if its form is one of WEEK_FORMS (no clock read: words are resolved later)."""
    raw = str(text).strip()
    if raw.lower() not in WEEK_WORDS and raw.lower() != "held":
        _parse_fixed_week(raw)
    return raw


def parse_week(text: str | None, today: dt.date | None = None, *, weekday: int = 3, zones: Iterable[str] = (),
               now: dt.datetime | None = None) -> Week:
    """Read a week as a user types it; `None` means this week.

    `held` is the week just held for the learning day `weekday` in `zones` (see week_held)."""
    raw = "this" if text is None else str(text).strip()
    word = raw.lower()
    if word == "held":
        return week_held(weekday, zones, now)
    if word in WEEK_WORDS:
        return week_of(today or dt.date.today()).shift(WEEK_WORDS[word])
    return _parse_fixed_week(raw)


def _parse_fixed_week(raw: str) -> Week:
    """An ISO week or a date; anything else is refused with the forms a user may type."""
    match = _WEEK_RE.match(raw)
    if match:
        year, number = int(match.group(1)), int(match.group(2))
        if year < 1:
            raise InputError(f"invalid week '{raw}': the year must be 0001 or later")
        last = weeks_in_year(year)
        if not 1 <= number <= last:
            raise InputError(f"invalid week '{raw}': {year} has {last} ISO weeks (W01 to W{last})",
                             hint=f"use {WEEK_FORMS}")
        return Week(year, number)
    if _DATE_RE.match(raw):
        try:
            return week_of(dt.date.fromisoformat(raw))
        except ValueError as exc:
            raise InputError(f"invalid week '{raw}': not a real date ({exc})",
                             hint=f"use {WEEK_FORMS}") from None
    raise InputError(f"invalid week '{raw}'", hint=f"use {WEEK_FORMS}")


def parse_weekday(text: str) -> int:
    """`thursday`, `Thu` or `4`-style ISO number -> 0..6 (Monday = 0)."""
    word = str(text).strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if word == name or (len(word) >= 3 and name.startswith(word)):
            return index
    if word.isdigit() and 1 <= int(word) <= 7:
        return int(word) - 1
    raise InputError(f"unknown weekday '{text}'", hint="use a weekday name such as thursday")


def learning_day_of(week: Week, weekday: str | int = "thursday") -> dt.date:
    """The learning day's date in `week` for the team's weekday."""
    index = weekday if isinstance(weekday, int) else parse_weekday(weekday)
    return week.day(index)


def _zone(name: str | None) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name) if name else dt.timezone.utc


def earliest_zone(zones: Iterable[str], now: dt.datetime | None = None) -> str:
    """Of `zones`, the one where a day begins first (the largest UTC offset at `now`, e.g. Pacific/Kiritimati,
    UTC+14); "UTC" when there are none."""
    now = now or dt.datetime.now(dt.timezone.utc)
    names = sorted({z for z in zones if z})
    if not names:
        return "UTC"
    return max(names, key=lambda name: (now.astimezone(_zone(name)).utcoffset() or dt.timedelta(0), name))


def local_learning_day(weekday: int, zone: str | None = None, now: dt.datetime | None = None) -> dt.date:
    """The date of the most recent learning day that has begun in `zone` (today, when today is the day)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    today = now.astimezone(_zone(zone)).date()
    return today - dt.timedelta(days=(today.weekday() - weekday) % 7)


def week_held(weekday: int = 3, zones: Iterable[str] = (), now: dt.datetime | None = None) -> Week:
    """THE week just held: the ISO week of the most recent learning day that has begun, in the earliest of `zones`
    (the person's own zone, or every zone of the team for team-wide jobs; UTC when none).

    On the Friday after a Thursday learning day it is that Thursday's week (never `last`); on the Tuesday before,
    the week of the Thursday before; on the day itself, from its first minute in the earliest zone, this week."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return week_of(local_learning_day(weekday, earliest_zone(zones, now), now))


def day_over(week: Week, weekday: int = 3, zones: Iterable[str] = (), now: dt.datetime | None = None) -> bool:
    """The week's learning day is over: the next date has begun in every one of `zones` (UTC when none), the one
    where it begins last included. Until then somebody may still be on it, and "no workbook yet" is still true."""
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    day = learning_day_of(week, weekday)
    return all(now.astimezone(_zone(zone)).date() > day for zone in (set(zones) or {"UTC"}))


_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_clock_time(text: str, source: str = "the time") -> dt.time:
    """HH:MM on a 24-hour clock (09:30, 16:00); anything else is refused with an example."""
    match = _CLOCK_RE.match(str(text).strip())
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return dt.time(int(match.group(1)), int(match.group(2)))
    raise InputError(f"{source} {text!r} is not a time", hint="give HH:MM in 24 hours, e.g. 09:30")
