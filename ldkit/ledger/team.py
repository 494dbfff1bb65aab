"""Who is on the team, and who of it is missing in a week: the one rule digest, status, remind and home read.

The team is the roster (`[team]` in ldkit.toml) when there is one, else everyone who wrote in the week or in the
LOOKBACK_WEEKS before it (a folder of theirs under workbooks/<week>/, a week off included). Missing: on the team,
with no workbook this week and no week off.
"""
from __future__ import annotations

from collections.abc import Iterable

from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace

LOOKBACK_WEEKS = 8


def team_of(workspace: Workspace, week: Week, authors: Iterable[str]) -> list[str]:
    """The team of `week`; `authors` are those with a workbook in it."""
    roster = [m.slug for m in workspace.settings.team]
    if roster:  # with a roster, the team is who is on it
        return sorted(roster)
    seen = set(authors)
    earlier = week
    for _ in range(LOOKBACK_WEEKS):
        earlier = earlier.previous()
        folder = workspace.week_folder(earlier)
        if folder.is_dir():
            seen.update(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    return sorted(a for a in seen if workspace.counts(a))  # a company team's view: only its own members


def missing(team: Iterable[str], took_part: Iterable[str], weeks_off: Iterable[str]) -> list[str]:
    """On the team, with no workbook this week and no week off."""
    absent = set(took_part) | set(weeks_off)
    return sorted(a for a in team if a not in absent)


def not_on_roster(workspace: Workspace, took_part: Iterable[str]) -> list[str]:
    """Who took part although the roster (if there is one) does not name them."""
    roster = {m.slug for m in workspace.settings.team}
    return sorted(a for a in took_part if roster and a not in roster)
