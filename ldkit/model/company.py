"""The company's week: every team side by side (numbers from each team's own week model, so they agree)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ldkit.core.workspace import WITHOUT_TEAM  # noqa: F401 - the row (and page) of the people no team names
from ldkit.model.week import WeekModel


@dataclass
class TeamWeek:
    """One team's row: its numbers for the week and where its digest is (relative to the company page)."""

    slug: str
    name: str
    members: int  # on the team (its roster members)
    people: int  # took part
    planned: int
    summarized: int
    hours: float
    took_part: list[str]
    missing: list[str]  # on the team, no workbook, no week off
    link: str  # the team's digest page, from the company page

    @property
    def rate(self) -> float:
        return round(self.people / self.members, 3) if self.members else 0.0


@dataclass
class CompanyWeek:
    week: str
    learning_day: str
    learning_weekday: str
    generated_at: str
    teams: list[TeamWeek]
    totals: dict[str, Any]  # people, members, planned, summarized, hours over every team (and those without)
    links: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for row, team in zip(data["teams"], self.teams, strict=True):
            row["rate"] = team.rate
        data.pop("links", None)
        return data

    @property
    def team_count(self) -> int:
        """The teams (the row of those without one is not a team)."""
        from ldkit.core.workspace import NO_TEAM

        return sum(1 for row in self.teams if row.slug != NO_TEAM)

    def sentence(self) -> str:
        t = self.totals
        return (f"{t['people']} of {t['members']} took part · {t['planned']} planned · {t['summarized']} summarized"
                f" · {t['hours']:g} h · {self.team_count} teams")


def summary_lines(model: CompanyWeek, text: Callable[[str], str], strong: str = "*") -> list[str]:
    """The company summary, for chat and digest.md: its numbers, then one line per team. `text` escapes what
    users wrote (a team's name) for the medium, as each chat service escapes all other user text; `strong` is the
    medium's bold mark."""
    lines = [f"{strong}Learning Day {model.week}, every team{strong} ({model.learning_day}): {model.sentence()}"]
    for t in model.teams:
        lines.append(f"• {strong}{text(t.name)}{strong} — {t.people} of {t.members} took part, {t.summarized} "
                     f"summarized, {t.hours:g} h")
    return lines


def _number(totals: Any, name: str) -> Any:
    return totals[name] if isinstance(totals, dict) else getattr(totals, name)


def team_week(slug: str, name: str, model: WeekModel, link: str) -> TeamWeek:
    t = model.totals
    return TeamWeek(slug=slug, name=name, members=len(model.team), people=_number(t, "people"),
                    planned=_number(t, "planned"), summarized=_number(t, "summarized"),
                    hours=float(_number(t, "hours")), took_part=list(model.took_part),
                    missing=list(model.accountability.no_workbook), link=link)


def company_week(models: list[tuple[str, str, WeekModel, str]]) -> CompanyWeek:
    """`models`: (slug, name, the team's week model, its page's link) for every team, in order; those no team
    names come last, as the row NO_TEAM (core.workspace)."""
    if not models:
        raise ValueError("a company week needs at least one team")
    rows = [team_week(*m) for m in models]
    first = models[0][2]
    totals = {"people": sum(r.people for r in rows), "members": sum(r.members for r in rows),
              "planned": sum(r.planned for r in rows), "summarized": sum(r.summarized for r in rows),
              "hours": round(sum(r.hours for r in rows), 2)}
    return CompanyWeek(week=first.week, learning_day=first.learning_day, learning_weekday=first.learning_weekday,
                       generated_at=first.generated_at, teams=rows, totals=totals)


@dataclass
class TeamWeekRow:
    week: str
    members: int
    took_part: int
    summarized: int
    hours: float


@dataclass
class TeamPerson:
    author: str
    workbooks: int
    hours: float
    current_streak: int
    participation_rate: float
    link: str  # the person's page, from the site's root
    name: str = ""  # how pages name them (ldkit.core.roster.display_name)


@dataclass
class TeamHistory:
    """One team across the weeks, for teams/<team>/index.html."""

    slug: str
    name: str
    members: list[str]
    weeks: list[TeamWeekRow]  # newest first
    topics: dict[str, int]  # category -> plans (team-visible), most first
    people: list[TeamPerson]
    health: Any = None  # how the day is going for this team (model.health.HealthView); set by the site
    latest: TeamWeekRow | None = None  # the company's latest learning day held, the same week for every team

    @property
    def link(self) -> str:
        from ldkit.core.layout import site_team_path

        return site_team_path(self.slug)

    @property
    def hours(self) -> float:
        return round(sum(w.hours for w in self.weeks), 2)

    @property
    def participation(self) -> float:
        """The mean of its members' participation rates (THE rule, per member: ldkit.ledger.stats)."""
        members = set(self.members)  # once: built per person, it made 100,000 members 100,000² steps
        rates = [p.participation_rate for p in self.people if p.author in members]
        return round(sum(rates) / len(rates), 3) if rates else 0.0


def team_histories(teams: list[tuple[Any, list[str]]], history: Any,
                   weeks_read: Mapping[Any, Any], name_of: Callable[[str], str] = str,
                   held: Any = None) -> list[TeamHistory]:
    """Every team — (Team, who is on it: ldkit.ledger.team's rule on the team's view) — from the site's history
    (model.history.History) and each week's totals; `name_of` names a person as pages do (model.week.names_of);
    `held` is the latest learning day held, whose row every team shows side by side (a day still to come, where
    one team has started early, is not a week to compare)."""
    by_author = {p.author: p for p in history.people}
    out = []
    for team, on_team in teams:
        names = sorted(on_team)
        mine = set(names)
        rows = []
        for week in sorted(weeks_read, reverse=True):
            t = weeks_read[week].totals
            took = t.took_part & mine
            if not (t.people & mine):
                continue
            rows.append(TeamWeekRow(str(week), len(names), len(took), len(t.summarized & mine),
                                    round(sum(h for a, h in t.hours_by_author.items() if a in mine), 2)))
        topics: dict[str, int] = {}
        people = []
        for author in names:
            p = by_author.get(author)
            if p is None:
                people.append(TeamPerson(author, 0, 0.0, 0, 0.0, "", name_of(author)))
                continue
            for e in p.entries:
                if e.view.plan is not None:
                    topics[e.view.plan.category] = topics.get(e.view.plan.category, 0) + 1
            people.append(TeamPerson(author, p.workbooks, round(p.hours, 2), p.current_streak, p.participation_rate,
                                     p.link, p.name or name_of(author)))
        latest = None
        if held is not None:
            latest = next((r for r in rows if r.week == str(held)), TeamWeekRow(str(held), len(names), 0, 0, 0.0))
        out.append(TeamHistory(team.slug, team.title, names, rows,
                               dict(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))), people, latest=latest))
    return out
