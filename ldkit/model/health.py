"""How the day is going, as shared pages show it: ldkit.ledger.health's figures in counts and shares, no names.

The site's index and each team page carry a HealthView (History.health, TeamHistory.health). Its numbers are the
ones `ldkit stats --health --until W [--team T]` prints, computed by the same function from the weeks the site
already read; only the people are turned into counts before anything reaches a page (Health.as_dict(names=False)),
so no name can leak into a template. Words invite, they do not blame: who to ask back, not who failed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ldkit.core.text import plural
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace
from ldkit.ledger.health import RUNNING, WINDOW, Health, health
from ldkit.ledger.stats import WeekData


def percent(share: float | None) -> str:
    """A share as pages print it; no share at all (nothing to divide) is a dash, never "None"."""
    return "–" if share is None else f"{share * 100:.0f}%"


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


@dataclass
class DayRow:
    """One learning day held, in numbers only."""

    week: str
    learning_day: str
    team: int
    took_part: int
    outcomes: int
    pulled_into_work: int
    saves: int
    saved_off_day: int
    hours_before_day: int
    linked: bool = False  # the site has this week's page

    @property
    def participation(self) -> str:
        return f"{self.took_part} of {self.team}" if self.team else str(self.took_part)

    @property
    def work(self) -> str:
        return f"{self.pulled_into_work} of {self.outcomes}" if self.outcomes else "–"

    @property
    def leak(self) -> str:
        return f"{self.saved_off_day} of {self.saves}" if self.saves else "–"


@dataclass
class HealthView:
    """The section "How the day is going": the last learning days up to `until`, newest first."""

    until: str
    days: list[DayRow] = field(default_factory=list)  # newest first, like every table of weeks on the site
    trend: str = "steady"
    halves: tuple[float, float] | None = None  # mean participation, earlier and later half of the window
    plan_no_outcome: int = 0  # people: a plan and no outcome, RUNNING learning days running
    no_workbook: int = 0  # people: no workbook and no week off, RUNNING learning days running
    window: int = WINDOW
    running: int = RUNNING

    percent = staticmethod(percent)

    @property
    def shown(self) -> bool:
        """Whether there is anything to say: a day with a team or a save (an empty workspace shows no section)."""
        return any(d.team or d.took_part or d.saves for d in self.days)

    @property
    def outcomes(self) -> int:
        return sum(d.outcomes for d in self.days)

    @property
    def pulled_into_work(self) -> int:
        return sum(d.pulled_into_work for d in self.days)

    @property
    def saves(self) -> int:
        return sum(d.saves for d in self.days)

    @property
    def saved_off_day(self) -> int:
        return sum(d.saved_off_day for d in self.days)

    @property
    def hours_before_day(self) -> int:
        return sum(d.hours_before_day for d in self.days)

    @property
    def work_share(self) -> float | None:
        return _share(self.pulled_into_work, self.outcomes)

    @property
    def leak_share(self) -> float | None:
        return _share(self.saved_off_day, self.saves)

    @property
    def participation(self) -> float | None:
        """The later half's mean participation, else the latest day's (what "now" looks like)."""
        if self.halves is not None:
            return round(self.halves[1], 3)
        latest = next((d for d in self.days if d.team), None)
        return _share(latest.took_part, latest.team) if latest else None

    @property
    def invite_back(self) -> int:
        return self.plan_no_outcome + self.no_workbook

    # the words, one per failure mode
    def taking_part(self) -> str:
        held = plural(len(self.days), "learning day")
        if self.halves is not None:
            before, after = self.halves
            change = {"rising": "rising", "falling": "falling", "steady": "steady"}[self.trend]
            return (f"Participation is {change}: {percent(round(before, 3))} took part in the earlier half of the "
                    f"last {held}, {percent(round(after, 3))} in the later half.")
        latest = next((d for d in self.days if d.team or d.took_part), None)
        if latest is None:
            return f"Nobody has taken part in the last {held} yet."
        return f"{latest.participation} took part on {latest.week}'s learning day."

    def used_for_work(self) -> str:
        if not self.outcomes:
            return "No outcome written yet to say whether the day was pulled into work."
        said = (f"{self.pulled_into_work} of {plural(self.outcomes, 'outcome')} said the day was pulled into work "
                f"(some or most) — {percent(self.work_share)}.")
        if self.pulled_into_work:
            return said + " Ask what pulled it, and help keep the day for learning."
        return said

    def leaking(self) -> str:
        if not self.saves:
            return "No plan or outcome saved yet."
        text = (f"{self.saved_off_day} of {plural(self.saves, 'save')} of plans and outcomes were made on another "
                f"day than the learning day (in each person's own zone) — {percent(self.leak_share)}.")
        if self.hours_before_day:
            text += (f" {plural(self.hours_before_day, 'outcome')} logged hours before "
                     f"{'its' if self.hours_before_day == 1 else 'their'} learning day had come.")
        return text

    def invitations(self) -> list[str]:
        days = f"{self.running} learning days running"
        out = []
        if self.no_workbook:
            have = "hasn't" if self.no_workbook == 1 else "haven't"
            out.append(f"{plural(self.no_workbook, 'person', 'people')} {have} had a Learning Day for "
                       f"{self.running} weeks — invite them back.")
        if self.plan_no_outcome:
            out.append(f"{plural(self.plan_no_outcome, 'person', 'people')} planned but wrote no outcome {days} "
                       "— ask how it is going, and whether the day needs protecting.")
        return out

    def summary(self) -> list[str]:
        """A few short lines (a cell of the teams table): taking part lately and its trend (or, too few days for
        a trend, on which day), the work and leak shares, how many to invite back."""
        latest = next((d for d in self.days if d.team), None)
        if not self.has_trend and latest is not None:
            part = f"took part {latest.week}: {latest.participation}"
        else:
            part = f"took part lately: {percent(self.participation)}, {self.trend}"
        lines = [part, f"pulled into work: {percent(self.work_share)}",
                 f"saved on another day: {percent(self.leak_share)}"]
        if self.invite_back:
            lines.append(f"{self.invite_back} to invite back")
        return lines

    @property
    def has_trend(self) -> bool:
        """Whether there are days enough (the window's halves) to say rising, steady or falling at all."""
        return self.halves is not None

    @property
    def recent_days(self) -> int:
        """How many learning days `participation` looks at: the later half of the window, else the latest one."""
        return len(self.days) - len(self.days) // 2 if self.halves is not None else 1


def health_view(report: Health) -> HealthView:
    """The page's view of a report: the same figures, the people as counts (names never leave the ledger)."""
    shared = report.as_dict(names=False)
    days = [DayRow(d["week"], d["learning_day"], d["team"], d["took_part"], d["outcomes"], d["pulled_into_work"],
                   d["saves"], d["saved_off_day"], d["hours_before_day"]) for d in reversed(shared["days"])]
    return HealthView(until=shared["until"], days=days, trend=shared["trend"], halves=report.halves,
                      plan_no_outcome=shared["plan_no_outcome"], no_workbook=shared["no_workbook"],
                      window=shared["window"], running=shared["running"])


def attach(history: Any, workspace: Workspace, until: Week | None, weeks_read: Mapping[Week, WeekData],
           workbooks_by_week: Mapping[Week, Iterable[Any]] | None = None) -> None:
    """Set `history.health` (the whole workspace) and each company team's `health` (its view of the workspace).

    The numbers are the ones the site keeps (`weeks_read`); what only the records tell (when each was saved, how
    much was pulled into work) is read once for the window's weeks, from the records index, unless
    `workbooks_by_week` has them already. `until` None is the week just held, as `ldkit stats --health` takes it."""
    from ldkit.records.index import index_path
    from ldkit.records.scan import scan

    until = until or workspace.read_week("held")
    given = workbooks_by_week or {}
    weeks: dict[Week, tuple[list[Any], WeekData]] = {}
    for back in range(WINDOW):
        week = until.shift(-back)
        if week not in weeks_read:
            continue  # outside the site's weeks: health reads it itself
        if week in given:
            books = list(given[week])
        elif workspace.week_folder(week).is_dir():
            books, _ = scan(workspace.week_folder(week), workspace.root, workspace.members,
                            index=index_path(workspace.cache))
        else:
            books = []
        weeks[week] = (books, weeks_read[week])
    pages = {str(week) for week in weeks_read}

    def view(report: Health) -> HealthView:
        shown = health_view(report)
        for row in shown.days:
            row.linked = row.week in pages
        return shown

    history.health = view(health(workspace, until, weeks=weeks, known=weeks_read))
    if not history.teams:
        return
    # each team's workbooks, split once (a company has thousands of people in tens of teams)
    by_author = workspace.team_by_author()
    split: dict[str, dict[Week, tuple[list[Any], WeekData]]] = {team.slug: {} for team in history.teams}
    for week, (workbooks, data) in weeks.items():
        for slug in split:
            split[slug][week] = ([], data)
        for wb in workbooks:
            mine = split.get(by_author.get(wb.author, ""))
            if mine is not None:
                mine[week][0].append(wb)
    for team in history.teams:
        team.health = view(health(workspace.for_team(team.slug), until, weeks=split[team.slug], known=weeks_read))
