"""Who has studied something: per person their team, the weeks and the hours, from the workbooks that match.

One shape for every surface that answers it: topic and paper pages of the site, and `ldkit who` in the terminal.
Only team-visible workbooks ever reach it (a private workbook is never an entry, nor a search hit).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ldkit.core.layout import site_person_path


@dataclass
class WhoRow:
    author: str
    team: str  # the roster's team slug ("" without [teams] or without a team)
    weeks: list[str] = field(default_factory=list)  # oldest first
    hours: float = 0.0  # outcome hours of the matching workbooks
    workbooks: list[str] = field(default_factory=list)  # their titles
    name: str = ""  # how pages name them (ldkit.core.roster.display_name)
    team_name: str = ""  # how pages name their team: its `name`, else its slug

    @property
    def link(self) -> str:
        return site_person_path(self.author)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def who_studied(matches: Iterable[tuple[str, str, str, float | None]],
                author_team: Mapping[str, str], name_of: Callable[[str], str] = str,
                team_names: Mapping[str, str] | None = None) -> list[WhoRow]:
    """`matches`: (author, week, title, outcome hours or None) of each matching workbook -> one row per person,
    most hours first, then by name; `name_of` names a person as pages do (model.week.names_of), `team_names` a
    team (slug -> Team.title; a slug it lacks is named by itself)."""
    titles = team_names or {}
    rows: dict[str, WhoRow] = {}
    for author, week, title, hours in matches:
        row = rows.get(author)
        if row is None:
            team = author_team.get(author, "")
            row = rows[author] = WhoRow(author, team, name=name_of(author), team_name=titles.get(team, team))
        if week not in row.weeks:
            row.weeks.append(week)
        row.hours = round(row.hours + float(hours or 0), 2)
        row.workbooks.append(title)
    for row in rows.values():
        row.weeks.sort()
    return sorted(rows.values(), key=lambda r: (-r.hours, r.author))


def entry_matches(entries: Iterable[Any]) -> list[tuple[str, str, str, float | None]]:
    """The site history's entries (model.history.Entry) as matches for who_studied."""
    return [(e.author, e.week, e.view.title, e.view.outcome.hours if e.view.outcome else None) for e in entries]
