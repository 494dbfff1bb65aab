"""The week's typed model: built once from what was collected and rendered, shown by every writer and chat service.

A private workbook (ldkit.totals.workbook_private) has no view here at all — only a count per person — and every
string a person typed is made display-safe here, so no writer can show what it should not.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ldkit.core.layout import relative
from ldkit.core.roster import display_name
from ldkit.core.text import display_text, display_tree
from ldkit.core.weeks import learning_day_of
from ldkit.core.workspace import Workspace
from ldkit.ledger.team import missing, not_on_roster
from ldkit.ledger.totals import Numbers, week_totals
from ldkit.model.failure import FailureKind, RunFailure  # noqa: F401 - the week's failures, re-exported
from ldkit.records.claims import reproduced, tally, verdict
from ldkit.records.papers import PaperOf, workbook_papers
from ldkit.records.privacy import is_private, workbook_private
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
    key: str = ""  # the same paper in every workbook (ldkit.records.papers.PaperOf.key)


@dataclass
class WorkbookView:
    anchor: str
    id: str
    title: str
    template: str
    path: str  # relative to the workspace
    week: str
    paper: Paper | None  # the first of `papers`: the one the workbook is about
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
    private: bool = False  # a private workbook's view: nothing of it but that it exists
    papers: list[Paper] = field(default_factory=list)  # every paper of it (ldkit.records.papers.workbook_papers)


@dataclass
class Streak:
    current: int = 0
    best: int = 0


@dataclass
class PersonWeek:
    author: str  # the slug (links, anchors)
    workbooks: list[WorkbookView]
    hours: float
    planned: bool
    summarized: bool
    streak: Streak
    private_workbooks: int = 0  # counted, never shown
    took_part: bool = False  # an outcome, or a plan for a week still open (ldkit.ledger.totals)

    @property
    def private_note(self) -> str:
        n = self.private_workbooks
        return f"{n} private workbook{'s' if n != 1 else ''}" if n else ""


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
    took_part: list[str] = field(default_factory=list)  # who took part (ldkit.ledger.totals): the header names them
    names: dict[str, str] = field(default_factory=dict)  # slug -> how pages name them (ldkit.core.roster)
    group: str = ""  # a company's team this digest is of (its name; "Without a team"), "" for a whole workspace

    def heading(self, escape: Any = str) -> str:
        """"Learning Day W", with the team's name for a team's digest (`escape`d as the surface escapes user
        text): the one title of the page's header and of every chat post."""
        return f"Learning Day {self.week}" + (f" · {escape(self.group)}" if self.group else "")

    def name_of(self, slug: str) -> str:
        """How a person is shown (their roster name, else the slug); links keep the slug."""
        return self.names.get(slug, slug)

    def names_of(self, slugs: Any) -> list[str]:
        return [self.name_of(slug) for slug in slugs]

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


def names_of(workspace: Workspace) -> Any:
    """slug -> how pages name them (THE rule is ldkit.core.roster.display_name), each looked up among the roster
    members of that slug only: a company's roster is not scanned once per person."""
    members: dict[str, list[Any]] = {}
    for member in workspace.settings.team:
        members.setdefault(member.slug, []).append(member)
    return lambda slug: display_name(slug, members.get(slug, ()))


def recent_weeks(workspace: Workspace, found: Collected) -> dict[str, Any]:
    """Streaks and participation over the 8 weeks up to this one (this week from what was collected)."""
    from ldkit.ledger.stats import compute, read_week

    this_week = read_week(workspace, found.week, [e.workbook for e in found.entries])
    return compute(workspace, since=found.week.shift(-7), until=found.week, known=this_week)


def workbook_view(workspace: Workspace, wb: Any, rendered: Rendered | None = None,
                  failure: RunFailure | None = None, notes: list[str] | None = None) -> WorkbookView:
    """One workbook as any page shows it, display-safe; a private workbook gives a view with nothing of it."""
    view = _records_view(workspace, wb)
    return view if view.private else with_output(view, rendered, failure, notes)


def with_output(view: WorkbookView, rendered: Rendered | None = None, failure: RunFailure | None = None,
                notes: list[str] | None = None) -> WorkbookView:
    """A view of a workbook's records (as the site's history keeps them) with its rendered notebook, run failure
    and notes: the week's page then makes no view a second time."""
    return replace(view, fragment=str(rendered.fragment) if rendered and rendered.fragment else None,
                   render_error=display_text(rendered.error) if rendered and rendered.error else None,
                   failure=replace(failure, message=display_tree(failure.message)) if failure else None,
                   notes=display_tree(list(notes or [])))


def _records_view(workspace: Workspace, wb: Any) -> WorkbookView:
    if workbook_private(wb):
        return WorkbookView(anchor=notebook_anchor(f"private/{wb.id}"), id=wb.id, title="private workbook",
                            template="", path="", week=str(wb.identity.get("week") or ""), paper=None, plan=None,
                            plan_private=True, outcome=None, outcome_private=True, results=[], tally=None,
                            private=True)
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
    papers = [_paper_view(p) for p in workbook_papers(wb.identity)]
    return WorkbookView(
        anchor=notebook_anchor(path), id=wb.id, title=display_text(str(wb.identity.get("title") or wb.path.stem)),
        template=display_text(str(wb.identity.get("template") or "")), path=display_text(path),
        week=str(wb.identity.get("week") or ""),
        paper=papers[0] if papers else None, papers=papers, plan=plan,
        plan_private=is_private(plan_record), outcome=outcome, outcome_private=is_private(outcome_record),
        results=results, tally=tally([asdict(r) for r in results]) if results else None)


def build_model(workspace: Workspace, found: Collected, rendered: dict[str, Rendered],
                failures: dict[str, RunFailure] | None = None,
                recent: dict[str, Any] | None = None, notes: dict[str, list[str]] | None = None,
                views: dict[str, WorkbookView] | None = None) -> WeekModel:
    """Everything the week's outputs show, with private workbooks only counted. `views`: each workbook's view
    (workbook_view without output), by its path, when the caller made them already (the site's history)."""
    from ldkit.ledger.stats import WeekData, skips_of, week_off

    failures = failures or {}
    skips = skips_of(workspace, found.week, found.warnings)
    recent = recent if recent is not None else recent_weeks(workspace, found)
    streak = {p["author"]: Streak(p["current_streak"], p["best_streak"]) for p in recent["people"]}
    books: dict[str, list[WorkbookView]] = defaultdict(list)
    totals = week_totals((e.workbook for e in found.entries), found.week)
    this_week = WeekData(found.week, totals, skips)
    skipped = display_tree({a: r for a, r in skips.items() if week_off(this_week, a)})  # an outcome wins
    for entry in sorted(found.entries, key=lambda e: (e.author, str(e.workbook.path))):
        if workbook_private(entry.workbook):
            continue  # counted in totals.private, nothing more
        made = (views or {}).get(str(entry.workbook.path))
        args = (rendered.get(entry.key), failures.get(entry.key), (notes or {}).get(entry.key))
        books[entry.author].append(with_output(made, *args) if made is not None else
                                   workbook_view(workspace, entry.workbook, *args))
    took_part = totals.took_part
    name_of = names_of(workspace)
    people = [PersonWeek(display_text(author), books[author], totals.hours_by_author.get(author, 0),
                         author in totals.planned, author in totals.summarized, streak.get(author, Streak()),
                         totals.private.get(author, 0), author in took_part)
              for author in sorted(totals.people)]
    week = found.week
    return WeekModel(
        week=str(week), learning_day=learning_day_of(week, workspace.weekday).isoformat(),
        learning_weekday=workspace.settings.learning_day,
        generated_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        team=display_tree(found.team), took_part=display_tree(sorted(took_part)), people=people,
        totals=totals.numbers(),
        categories=display_tree(dict(totals.categories.most_common())),
        accountability=Accountability(
            planned_no_outcome=[p.author for p in people if p.planned and not p.summarized],
            no_workbook=display_tree(missing(found.team, totals.people, skipped)),
            skipped=skipped,
            not_on_roster=display_tree(not_on_roster(workspace, totals.people))),
        participation=[{"week": w["week"], "people": w["people"], "summarized": w["summarized"],
                        "team": len(found.team)} for w in recent["weeks"]],
        expenses=display_tree(totals.expenses), expense_totals=totals.expense_totals,
        problems=display_tree([{"path": workspace.shown(p.path), "error": p.reason}
                               for p in found.problems]),
        page_url=workspace.week_url(week),
        names=display_tree({slug: name_of(slug) for slug in {*found.team, *totals.people, *skips}}),
        group=display_text(group_name(workspace)))


def group_name(workspace: Workspace) -> str:
    """The name of the team a workspace's view is scoped to ("" when it is the whole workspace)."""
    from ldkit.core.workspace import NO_TEAM, WITHOUT_TEAM

    if workspace.scope is None:
        return ""
    return WITHOUT_TEAM if workspace.scope == NO_TEAM else str(workspace.team_info(workspace.scope).title)


def _paper_view(paper: PaperOf) -> Paper:
    """A paper of a workbook, display-safe; `title` is its label (the title when known, else the id)."""
    return Paper(display_text(paper.label), [display_text(a) for a in paper.authors], display_text(paper.abs_url),
                 display_text(paper.id), paper.source, paper.key)


def first_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of a summary, as plain text, for chat."""
    import re

    unquoted = re.sub(r"(?m)^[ \t]*(?:>[ \t]?)+", "", str(text))  # a quote's marks, not a ">" inside the text
    plain = re.sub(r"[*_`#\[\]]", "", " ".join(unquoted.split()))
    match = re.match(r"(.+?[.!?])(\s|$)", plain)
    sentence = match.group(1) if match else plain
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def person_lines(model: WeekModel, text: Any, note: Any) -> list[tuple[PersonWeek, str]]:
    """One line per person who took part, for chat and digest.md: each shared workbook's title and `one_line`,
    then how many private workbooks (only counted). `text` escapes a person's words for the medium, `note` wraps
    the "(status, hours)" part."""
    lines = []
    for person in model.people:
        if not person.took_part:
            continue
        parts = []
        for wb in person.workbooks:
            what, said = one_line(wb)
            parts.append(f"{text(wb.title)}: " + (f"{text(what)} {note(said)}" if what else note(said)))
        if person.private_workbooks:
            parts.append(text(person.private_note))
        lines.append((person, "; ".join(parts)))  # callers name the person with model.name_of(person.author)
    return lines


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
