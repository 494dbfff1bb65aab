"""The digest's data: one plain dict that the HTML page, the Markdown text and the JSON file all show."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ldkit.digest.collect import Collected, relative
from ldkit.digest.media import notebook_anchor
from ldkit.digest.render import Rendered
from ldkit.results import reproduced, tally, verdict
from ldkit.text import display_tree
from ldkit.totals import week_totals
from ldkit.weeks import learning_day_of
from ldkit.workspace import Workspace


def _public(record: dict[str, Any] | None) -> dict[str, Any] | None | str:
    if record is None:
        return None
    if record["data"].get("visibility") == "private":
        return "private"
    return {**record["data"], "saved_at": record["saved_at"]}


def recent_weeks(workspace: Workspace, found: Collected) -> dict[str, Any]:
    """Streaks and participation over the 8 weeks up to this one (this week from what was collected)."""
    from ldkit.stats import compute, read_week

    this_week = read_week(workspace, found.week, [e.workbook for e in found.entries])
    return compute(workspace, since=found.week.shift(-7), until=found.week, known=this_week)


def build_model(workspace: Workspace, found: Collected, rendered: dict[str, Rendered],
                failures: dict[str, dict[str, Any]] | None = None,
                recent: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the page shows, with private plans and outcomes already left out."""
    from ldkit.stats import skips_of

    failures = failures or {}
    skipped = skips_of(workspace, found.week, found.warnings)
    recent = recent if recent is not None else recent_weeks(workspace, found)
    streak = {p["author"]: {"current": p["current_streak"], "best": p["best_streak"]} for p in recent["people"]}
    people: dict[str, list[dict[str, Any]]] = defaultdict(list)
    totals = week_totals(e.workbook for e in found.entries)
    for n, entry in enumerate(sorted(found.entries, key=lambda e: (e.author, str(e.workbook.path)))):
        wb = entry.workbook
        plan, outcome = _public(wb.records.plan), _public(wb.records.outcome)
        results = []
        for record in wb.records.results.values():
            data = record["data"]
            results.append({**data, "reproduced": reproduced(data), "verdict": verdict(data)})
        done = rendered.get(entry.key)
        people[entry.author].append({
            "anchor": notebook_anchor(relative(wb.path, workspace.root)),
            "id": wb.id,
            "title": str(wb.identity.get("title") or wb.path.stem),
            "template": wb.identity.get("template"),
            "path": relative(wb.path, workspace.root),
            "paper": _paper_summary(wb.identity.get("paper")),
            "plan": plan,
            "outcome": outcome,
            "results": results,
            "tally": tally(results) if results else None,
            "fragment": str(done.fragment) if done and done.fragment else None,
            "render_error": done.error if done else None,
            "failure": failures.get(entry.key),
        })
    persons = []
    for author in sorted(people):
        books = people[author]
        persons.append({"author": author, "workbooks": books, "hours": totals.hours_by_author.get(author, 0),
                        "planned": author in totals.planned, "summarized": author in totals.summarized,
                        "streak": streak.get(author, {"current": 0, "best": 0})})
    took_part = [p["author"] for p in persons]
    week = found.week
    # every output (page, Markdown, JSON, chat) is made from this model: make its text display-safe once, here
    return display_tree({
        "week": str(week),
        "learning_day": learning_day_of(week, workspace.weekday).isoformat(),
        "learning_weekday": workspace.settings.learning_day,
        "generated_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "team": found.team,
        "people": persons,
        "totals": totals.as_dict(),
        "categories": dict(totals.categories.most_common()),
        "accountability": {
            "planned_no_outcome": [p["author"] for p in persons if p["planned"] and not p["summarized"]],
            "no_workbook": [a for a in found.team if a not in took_part and a not in skipped],
            "skipped": skipped,
        },
        "participation": [{"week": w["week"], "people": w["people"], "summarized": w["summarized"],
                           "team": len(found.team)} for w in recent["weeks"]],
        "expenses": totals.expenses,
        "expense_totals": totals.expense_totals,
        "problems": [{"path": relative(p.path, workspace.root), "error": p.reason} for p in found.problems],
    })


def _paper_summary(paper: Any) -> dict[str, Any] | None:
    if not isinstance(paper, dict):
        return None
    return {k: paper.get(k) for k in ("title", "authors", "abs_url", "id", "source")}


def first_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of a summary, as plain text, for chat."""
    import re

    plain = re.sub(r"[*_`#>\[\]]", "", " ".join(str(text).split()))
    match = re.match(r"(.+?[.!?])(\s|$)", plain)
    sentence = match.group(1) if match else plain
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def one_line(wb: dict[str, Any]) -> tuple[str, str]:
    """(what, note) for a workbook in chat: the summary's first sentence and "(status, hours)", or what is
    missing. Callers escape both for their medium."""
    outcome = wb["outcome"]
    if outcome == "private":
        return "", "outcome kept private"
    if isinstance(outcome, dict):
        hours = f", {outcome['hours']:g} h" if outcome.get("hours") is not None else ""
        return first_sentence(outcome["summary"]), f"{outcome['status']}{hours}"
    if isinstance(wb["plan"], dict):
        return f"planned: {first_sentence(wb['plan']['goal'])}", "no outcome yet"
    return "", "started a workbook, no plan yet"
