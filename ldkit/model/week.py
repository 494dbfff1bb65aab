"""The week's typed model: built once from what was collected and rendered, shown by every writer and chat service.

Private plans and outcomes are reduced to a flag here, and every string a person typed is made display-safe here,
so no writer can show what it should not.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ldkit.core.layout import relative
from ldkit.core.text import display_text, display_tree
from ldkit.core.weeks import learning_day_of
from ldkit.core.workspace import Workspace
from ldkit.ledger.team import missing, not_on_roster
from ldkit.ledger.totals import Numbers, is_private, week_totals
from ldkit.model.failure import FailureKind, RunFailure  # noqa: F401 - the week's failures, re-exported
from ldkit.records.claims import reproduced, tally, verdict
from ldkit.records.papers import paper_of
from ldkit.records.week import Collected
from ldkit.render.fragment import Rendered
from ldkit.render.media import notebook_anchor


@dataclass(frozen=True)
class Plan:
    goal: str
    category: str
    resources: list[str]
    planned_hours: float | None
    saved_at: str


@dataclass(frozen=True)
class Outcome:
    summary: str
    status: str
    hours: float | None
    links: list[str]
    next_steps: str
    expenses: list[dict[str, Any]]
    saved_at: str


@dataclass(frozen=True)
class Result:
    name: str
    paper: float
    mine: float
    tolerance: Any
    unit: str
    note: str
    higher_is_better: bool
    reproduced: bool | None
    verdict: str


@dataclass(frozen=True)
class Paper:
    title: str
    authors: list[str]
    abs_url: str
    id: str
    source: str


@dataclass
class WorkbookView:
    anchor: str
    id: str
    title: str
    template: str
    path: str  # relative to the workspace
    week: str
    paper: Paper | None
    plan: Plan | None  # None when there is none or it is private (plan_private says which)
    plan_private: bool
    outcome: Outcome | None
    outcome_private: bool
    results: list[Result]
    tally: dict[str, Any] | None
    fragment: str | None = None  # the rendered notebook's file
    render_error: str | None = None
    failure: RunFailure | None = None
    notes: list[str] = field(default_factory=list)  # what the reader should know (a kernel that was replaced)


@dataclass
class Streak:
    current: int = 0
    best: int = 0


@dataclass
class PersonWeek:
    author: str
    workbooks: list[WorkbookView]
    hours: float
    planned: bool
    summarized: bool
    streak: Streak


@dataclass
class Accountability:
    planned_no_outcome: list[str]
    no_workbook: list[str]  # on the team (the roster, if there is one) with no workbook and no week off
    skipped: dict[str, str]
    not_on_roster: list[str] = field(default_factory=list)  # took part, but the roster does not name them


@dataclass
class WeekModel:
    week: str
    learning_day: str
    learning_weekday: str
    generated_at: str
    team: list[str]
    people: list[PersonWeek]
    totals: Numbers
    categories: dict[str, int]
    accountability: Accountability
    participation: list[dict[str, Any]]
    expenses: list[dict[str, Any]]
    expense_totals: dict[str, float]
    problems: list[dict[str, str]]
    links: dict[str, str] = field(default_factory=dict)  # where this page sits in a site: home, previous, next
    page_url: str | None = None  # the week's page on the published site (site_url), for chat and Markdown

    def workbooks(self) -> list[tuple[PersonWeek, WorkbookView]]:
        return [(person, wb) for person in self.people for wb in person.workbooks]

    def as_dict(self) -> dict[str, Any]:
        """The JSON view (digest.json): a private plan or outcome reads "private", as it always has."""
        data = asdict(self)
        for person in data["people"]:
            for wb in person["workbooks"]:
                for kind in ("plan", "outcome"):
                    if wb.pop(f"{kind}_private"):
                        wb[kind] = "private"
                wb.pop("fragment", None)
        data.pop("links", None)
        return data


def recent_weeks(workspace: Workspace, found: Collected) -> dict[str, Any]:
    """Streaks and participation over the 8 weeks up to this one (this week from what was collected)."""
    from ldkit.ledger.stats import compute, read_week

    this_week = read_week(workspace, found.week, [e.workbook for e in found.entries])
    return compute(workspace, since=found.week.shift(-7), until=found.week, known=this_week)


def workbook_view(workspace: Workspace, wb: Any, rendered: Rendered | None = None,
                  failure: RunFailure | None = None, notes: list[str] | None = None) -> WorkbookView:
    """One workbook as any page shows it: display-safe, private records reduced to a flag."""
    plan_record, outcome_record = wb.records.plan, wb.records.outcome
    plan = outcome = None
    if plan_record is not None and not is_private(plan_record):
        d = display_tree(plan_record["data"])
        plan = Plan(d["goal"], d["category"], list(d.get("resources") or []), d.get("planned_hours"),
                    plan_record["saved_at"])
    if outcome_record is not None and not is_private(outcome_record):
        d = display_tree(outcome_record["data"])
        outcome = Outcome(d["summary"], d["status"], d.get("hours"), list(d.get("links") or []),
                          d.get("next_steps") or "", list(d.get("expenses") or []), outcome_record["saved_at"])
    results = []
    for record in wb.records.results.values():
        d = display_tree(record["data"])
        results.append(Result(d["name"], d["paper"], d["mine"], d.get("tolerance"), d.get("unit") or "",
                              d.get("note") or "", bool(d.get("higher_is_better", True)), reproduced(d), verdict(d)))
    path = relative(wb.path, workspace.root)
    return WorkbookView(
        anchor=notebook_anchor(path), id=wb.id, title=display_text(str(wb.identity.get("title") or wb.path.stem)),
        template=display_text(str(wb.identity.get("template") or "")), path=display_text(path),
        week=str(wb.identity.get("week") or ""),
        paper=_paper_summary(paper_of(wb.identity)), plan=plan,
        plan_private=is_private(plan_record), outcome=outcome, outcome_private=is_private(outcome_record),
        results=results, tally=tally([asdict(r) for r in results]) if results else None,
        fragment=str(rendered.fragment) if rendered and rendered.fragment else None,
        render_error=display_text(rendered.error) if rendered and rendered.error else None,
        failure=replace(failure, message=display_tree(failure.message)) if failure else None,
        notes=display_tree(list(notes or [])))


def build_model(workspace: Workspace, found: Collected, rendered: dict[str, Rendered],
                failures: dict[str, RunFailure] | None = None,
                recent: dict[str, Any] | None = None, notes: dict[str, list[str]] | None = None) -> WeekModel:
    """Everything the week's outputs show, with private plans and outcomes already left out."""
    from ldkit.ledger.stats import skips_of

    failures = failures or {}
    skipped = display_tree(skips_of(workspace, found.week, found.warnings))
    recent = recent if recent is not None else recent_weeks(workspace, found)
    streak = {p["author"]: Streak(p["current_streak"], p["best_streak"]) for p in recent["people"]}
    books: dict[str, list[WorkbookView]] = defaultdict(list)
    totals = week_totals(e.workbook for e in found.entries)
    for entry in sorted(found.entries, key=lambda e: (e.author, str(e.workbook.path))):
        books[entry.author].append(workbook_view(workspace, entry.workbook, rendered.get(entry.key),
                                                 failures.get(entry.key), (notes or {}).get(entry.key)))
    people = [PersonWeek(display_text(author), books[author], totals.hours_by_author.get(author, 0),
                         author in totals.planned, author in totals.summarized, streak.get(author, Streak()))
              for author in sorted(books)]
    took_part = set(books)
    week = found.week
    return WeekModel(
        week=str(week), learning_day=learning_day_of(week, workspace.weekday).isoformat(),
        learning_weekday=workspace.settings.learning_day,
        generated_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        team=display_tree(found.team), people=people, totals=totals.numbers(),
        categories=display_tree(dict(totals.categories.most_common())),
        accountability=Accountability(
            planned_no_outcome=[p.author for p in people if p.planned and not p.summarized],
            no_workbook=display_tree(missing(found.team, took_part, skipped)),
            skipped=skipped,
            not_on_roster=display_tree(not_on_roster(workspace, took_part))),
        participation=[{"week": w["week"], "people": w["people"], "summarized": w["summarized"],
                        "team": len(found.team)} for w in recent["weeks"]],
        expenses=display_tree(totals.expenses), expense_totals=totals.expense_totals,
        problems=display_tree([{"path": relative(p.path, workspace.root), "error": p.reason}
                               for p in found.problems]),
        page_url=workspace.week_url(week))


def _paper_summary(paper: dict[str, Any] | None) -> Paper | None:
    """The paper a workbook is about (ldkit.records.papers), made display-safe."""
    if paper is None:
        return None
    d = display_tree(paper)
    return Paper(str(d.get("title") or ""), [str(a) for a in d.get("authors") or []], str(d.get("abs_url") or ""),
                 str(d["id"]), str(d.get("source") or ""))


def first_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of a summary, as plain text, for chat."""
    import re

    plain = re.sub(r"[*_`#>\[\]]", "", " ".join(str(text).split()))
    match = re.match(r"(.+?[.!?])(\s|$)", plain)
    sentence = match.group(1) if match else plain
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def one_line(wb: WorkbookView) -> tuple[str, str]:
    """(what, note) for a workbook in chat: the summary's first sentence and "(status, hours)", or what is
    missing. Callers escape both for their medium."""
    if wb.outcome_private:
        return "", "outcome kept private"
    if wb.outcome is not None:
        hours = f", {wb.outcome.hours:g} h" if wb.outcome.hours is not None else ""
        return first_sentence(wb.outcome.summary), f"{wb.outcome.status}{hours}"
    if wb.plan is not None:
        return f"planned: {first_sentence(wb.plan.goal)}", "no outcome yet"
    return "", "started a workbook, no plan yet"
