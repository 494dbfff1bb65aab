"""Who has planned and summarized in a week: the data behind `ldkit status`."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ldkit.core.weeks import Week, day_over, learning_day_of
from ldkit.core.workspace import Workspace
from ldkit.ledger.team import missing, not_on_roster, team_of
from ldkit.ledger.totals import week_totals
from ldkit.records.index import index_path
from ldkit.records.privacy import workbook_private
from ldkit.records.scan import scan


def week_status(workspace: Workspace, week: Week) -> dict[str, Any]:
    """Per author their workbooks with plan yes/no, outcome status and hours; plus unreadable files."""
    # what the site, the digest, an export or stats read already is read back from the records index
    workbooks, problems = scan(workspace.week_folder(week), workspace.root, workspace.members,
                               index_path(workspace.cache))
    authors: dict[str, list[dict[str, Any]]] = {}
    warnings: list[str] = []
    for wb in workbooks:
        warnings.extend(wb.warnings)
        plan, outcome = wb.records.plan, wb.records.outcome
        entry = {
            # the walk followed no link out of the workspace: the plain path says (resolving each of a company
            # week's thousand paths was a third of `ldkit status`)
            "path": workspace.shown(wb.path),
            "id": wb.id, "title": wb.identity.get("title", wb.path.stem), "template": wb.identity.get("template"),
            "plan": plan is not None,
            "category": plan["data"].get("category") if plan else None,
            "planned_hours": plan["data"].get("planned_hours") if plan else None,
            "outcome": outcome["data"].get("status") if outcome else None,
            "hours": outcome["data"].get("hours") if outcome else None,
            "results": len(wb.records.results),
            "private": False,
        }
        if workbook_private(wb):  # counted, nothing more: no title, path (it is named after the title) or topic
            entry.update(path=None, id=None, title="private workbook", template=None, category=None, private=True)
        author = wb.author
        authors.setdefault(author, []).append(entry)
    roster = [m.slug for m in workspace.settings.team]
    from ldkit.ledger.stats import skips_of

    skipped = skips_of(workspace, week)
    took_part = set(authors)
    team = team_of(workspace, week, took_part)
    for member in team:  # everyone on the team is listed, with a workbook or not
        authors.setdefault(member, [])
    on_roster = set(roster)  # a company roster has thousands of members: look them up, never scan the list
    over = days_over(workspace, week)
    people = [{"author": name, "workbooks": entries, "on_roster": name in on_roster if roster else None,
               "week_off": skipped.get(name) if name in skipped else None, "day_over": over(name)}
              for name, entries in sorted(authors.items())]
    return {
        "week": str(week),
        "learning_day": learning_day_of(week, workspace.weekday).isoformat(),
        "day_over": over(None),
        "authors": people,
        "totals": week_totals(workbooks, week).as_dict(),
        "team": team,
        "missing": missing(team, took_part, skipped),
        "not_on_roster": not_on_roster(workspace, took_part),
        "problems": [p.as_dict() for p in problems],
        "warnings": warnings,
    }



def days_over(workspace: Workspace, week: Week) -> Callable[[str | None], bool]:
    """author -> whether `week`'s learning day is over for them (core.weeks.day_over): a roster member's in their own
    zone (their `tz`, UTC without one, as reminders take it), anyone else's and the whole team's (None) in every
    zone of the team (UTC without a roster)."""
    now = dt.datetime.now(dt.timezone.utc)
    own = {m.slug: m.tz or "UTC" for m in workspace.settings.team}  # once: a company roster has thousands
    team = workspace.time_zones()
    cache: dict[tuple[str, ...], bool] = {}

    def over(author: str | None) -> bool:
        zones = (own[author],) if author in own else team
        if zones not in cache:
            cache[zones] = day_over(week, workspace.weekday, zones, now)
        return cache[zones]

    return over
