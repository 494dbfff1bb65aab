"""How the day is going: the seed's three failure modes, measured over the last learning days held.

- *used for work*: outcomes that say the day was pulled into work (`pulled_into_work` some or most);
- *leaking*: plans and outcomes saved on another day than the learning day, in the author's own zone, and outcomes
  with hours saved before their week's learning day had come;
- *leisure / fading*: who took part over the last WINDOW learning days (and its trend), members with a plan but no
  outcome RUNNING days running, members with no workbook RUNNING days running (a week off excused).

Pages show shares and counts only; names reach the organizer alone (`ldkit stats --health`). A private workbook
counts here like any other (it took part, it may have leaked) and shows nothing of itself.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ldkit.core.weeks import Week, learning_day_of
from ldkit.core.workspace import Workspace
from ldkit.ledger.stats import WeekData, known_weeks, read_week, week_off
from ldkit.ledger.team import team_of
from ldkit.ledger.totals import week_totals
from ldkit.records.privacy import workbook_private
from ldkit.records.scan import scan

WINDOW = 8  # learning days looked at
RUNNING = 3  # learning days running before a member is worth an invitation back
PULLED = ("some", "most")  # answers to "was the day pulled into work?" that count as used for work
SAVED_KINDS = ("plan", "outcome")
TREND_STEP = 0.1  # a change of participation smaller than this is "steady"


@dataclass
class DayHealth:
    """One learning day held."""

    week: str
    learning_day: str
    team: int = 0
    took_part: int = 0
    outcomes: int = 0
    pulled_into_work: int = 0  # outcomes answering some or most
    saves: int = 0  # plan and outcome saves, every one in the history
    saved_off_day: int = 0  # of them, saved on another day than the learning day, in the author's zone
    hours_before_day: int = 0  # outcomes with hours, saved before the learning day had come

    @property
    def participation(self) -> float | None:
        return round(self.took_part / self.team, 3) if self.team else None

    @property
    def work_share(self) -> float | None:
        return round(self.pulled_into_work / self.outcomes, 3) if self.outcomes else None

    @property
    def leak_share(self) -> float | None:
        return round(self.saved_off_day / self.saves, 3) if self.saves else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "participation": self.participation, "work_share": self.work_share,
                "leak_share": self.leak_share}


@dataclass
class Health:
    until: str
    days: list[DayHealth] = field(default_factory=list)
    plan_no_outcome: list[str] = field(default_factory=list)  # RUNNING days running: a plan, no outcome
    no_workbook: list[str] = field(default_factory=list)  # RUNNING days running: no workbook, no week off

    @property
    def halves(self) -> tuple[float, float] | None:
        """Mean participation in the earlier and the later half of the window (None with fewer than 4 days)."""
        rates = [d.participation for d in self.days if d.participation is not None]
        if len(rates) < 4:
            return None
        half = len(rates) // 2
        return sum(rates[:half]) / half, sum(rates[half:]) / (len(rates) - half)

    @property
    def trend(self) -> str:
        """rising, steady or falling: participation in the later half of the window against the earlier half."""
        if self.halves is None:
            return "steady"
        before, after = self.halves
        if after - before >= TREND_STEP:
            return "rising"
        if before - after >= TREND_STEP:
            return "falling"
        return "steady"

    def as_dict(self, names: bool = True) -> dict[str, Any]:
        """Everything; with `names` False (a shared page), the people as counts only."""
        people: dict[str, Any] = ({"plan_no_outcome": self.plan_no_outcome, "no_workbook": self.no_workbook}
                                  if names else {"plan_no_outcome": len(self.plan_no_outcome),
                                                 "no_workbook": len(self.no_workbook)})
        return {"until": self.until, "window": WINDOW, "running": RUNNING, "trend": self.trend,
                "days": [d.as_dict() for d in self.days], **people}


def zones_of(workspace: Workspace) -> dict[str, dt.tzinfo]:
    """Each member's own zone (their roster `tz`); read once, a company roster has thousands of members."""
    from zoneinfo import ZoneInfo

    return {m.slug: ZoneInfo(m.tz) for m in workspace.settings.team if m.tz}


def zone_of(workspace: Workspace, author: str) -> dt.tzinfo:
    """The author's own zone, else UTC: where "the learning day" is a calendar date."""
    return zones_of(workspace).get(author, dt.timezone.utc)


def saved_on(record: dict[str, Any], zone: dt.tzinfo) -> dt.date | None:
    """The date a record was saved on, in `zone`."""
    try:
        when = dt.datetime.fromisoformat(str(record["saved_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return when.astimezone(zone).date()


def day_has_come(workspace: Workspace, week: Week, author: str, now: dt.datetime | None = None) -> bool:
    """The week's learning day has begun where `author` lives (a future week's outcome is refused before it)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return learning_day_of(week, workspace.weekday) <= now.astimezone(zone_of(workspace, author)).date()


FORCE_HINT = "save it on or after the day, or pass --force to record it now anyway"


def refuse_future_week(workspace: Workspace, identity: dict[str, Any], now: dt.datetime | None = None,
                       hint: str = FORCE_HINT) -> None:
    """An outcome for a week still to come (in the author's zone) is refused: the day leaking into other days. Hours
    saved earlier in the week itself are taken and counted as leaking (DayHealth.hours_before_day). The command
    line, the notebook's form and the chat bot all ask this; `hint` is the fix each can offer."""
    from ldkit.core.errors import InputError
    from ldkit.core.weeks import parse_week, week_of

    try:
        week = parse_week(str(identity.get("week") or ""))
    except InputError:
        return  # a workbook with no readable week is named elsewhere; nothing to refuse here
    now = now or dt.datetime.now(dt.timezone.utc)
    if week > week_of(now.astimezone(zone_of(workspace, str(identity.get("author") or ""))).date()):
        day = learning_day_of(week, workspace.weekday)
        raise InputError(f"{week} is still to come (its learning day is {day.isoformat()}): an outcome is what a "
                         "held day taught you, so nothing was saved",
                         hint=hint)


def health(workspace: Workspace, until: Week, today: dt.date | None = None,
           weeks: Mapping[Week, tuple[Iterable[Any], WeekData]] | None = None,
           known: Mapping[Week, WeekData] | None = None) -> Health:
    """The last WINDOW learning days held up to `until` (a day not yet begun is left out).

    `weeks` holds weeks already read — (workbooks, their WeekData), as the site collected them for the whole
    workspace — so nothing is read twice; a team's view (Workspace.for_team) keeps its own members' only. A week
    not in it is read here; `known` are the numbers of more weeks (the whole workspace's, as the site keeps them),
    which say where the window starts without reading those weeks again. A private workbook counts as taking part,
    as everywhere, but what its records tell (pulled into work, when it was saved) is left out: a team's row of one
    or two people would tell a private outcome's answers, on the pages and here alike (one set of figures)."""
    today = today or dt.date.today()
    zones = zones_of(workspace)
    report = Health(str(until))
    seen: list[tuple[DayHealth, set[str], set[str], set[str], list[str]]] = []
    first = first_week(workspace, until, weeks, known)
    for back in range(WINDOW - 1, -1, -1):
        week = until.shift(-back)
        day = learning_day_of(week, workspace.weekday)
        if day > today or first is None or week < first:
            continue  # not begun yet, or before anyone here used ldkit: a day no one could have taken part in
        workbooks, data = _week(workspace, week, weeks)
        team = team_of(workspace, week, data.people)
        row = DayHealth(str(week), day.isoformat(), team=len(team), took_part=len(data.totals.took_part))
        for wb in workbooks:
            if workbook_private(wb):
                continue
            zone = zones.get(wb.author, dt.timezone.utc)
            outcome = wb.records.outcome
            if outcome is not None:
                row.outcomes += 1
                row.pulled_into_work += outcome["data"].get("pulled_into_work") in PULLED
                saved = saved_on(outcome, zone)
                row.hours_before_day += bool(saved and saved < day and (outcome["data"].get("hours") or 0) > 0)
            for record in [*wb.records.history, wb.records.plan, outcome]:
                if isinstance(record, dict) and record.get("kind") in SAVED_KINDS:
                    row.saves += 1
                    row.saved_off_day += saved_on(record, zone) != day
        report.days.append(row)
        excused = {a for a in data.skipped if week_off(data, a)}
        seen.append((row, data.planned, data.summarized, data.people | excused, team))
    recent = seen[-RUNNING:]
    if len(recent) == RUNNING:
        members = set.intersection(*(set(team) for *_, team in recent))
        report.plan_no_outcome = sorted(a for a in members if all(
            a in planned and a not in summarized for _, planned, summarized, _, _ in recent))
        report.no_workbook = sorted(a for a in members if all(a not in present for _, _, _, present, _ in recent))
    return report


def first_week(workspace: Workspace, until: Week,
               weeks: Mapping[Week, tuple[Iterable[Any], WeekData]] | None = None,
               known: Mapping[Week, WeekData] | None = None) -> Week | None:
    """The week of the first workbook in `workspace`'s view (a team's view: its members') up to `until`, or None.
    Learning days before it were before anyone here used ldkit: counted as nobody taking part, they would make the
    trend "rising" for every new team, so they are no part of the window."""
    for week in known_weeks(workspace):
        if week > until:
            break
        if known is not None and week in known:  # the whole workspace's numbers: this view's members in them
            if any(workspace.counts(author) for author in known[week].people):
                return week
            continue
        if weeks is not None and week in weeks:
            _, data = _week(workspace, week, weeks)
        else:  # before the window too: the week's numbers, read back from the week cache when unchanged
            data = read_week(workspace, week)
        if data.people:
            return week
    return None


def _week(workspace: Workspace, week: Week, weeks: Mapping[Week, tuple[Iterable[Any], WeekData]] | None
          ) -> tuple[list[Any], WeekData]:
    """A week's workbooks and numbers in `workspace`'s view: from `weeks` when it has them, else read."""
    if weeks is not None and week in weeks:
        given, data = weeks[week]
        if workspace.members is None:
            return list(given), data
        mine = [wb for wb in given if workspace.counts(wb.author)]
        return mine, WeekData(week, week_totals(mine, week),
                              {a: r for a, r in data.skipped.items() if workspace.counts(a)})
    workbooks, _ = scan(workspace.week_folder(week), workspace.root, workspace.members)
    return workbooks, read_week(workspace, week, workbooks)
