"""The team's history across weeks: a typed model built from the collected records only (no notebook is rendered).

It feeds every page that spans weeks — the index, people, topics, the papers log — and the feeds.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ldkit.core.layout import site_person_path, site_topic_path, site_week_path, url_slug
from ldkit.core.text import display_text
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace
from ldkit.ledger.stats import WeekData, compute
from ldkit.ledger.totals import track_rows
from ldkit.model.tracks import build_tracks
from ldkit.model.week import Outcome, Paper, Result, WorkbookView, names_of, workbook_view
from ldkit.records.claims import tally
from ldkit.records.privacy import workbook_private

# The site's paths are ldkit.core.layout's; these names are what the pages and templates call them.
slug = url_slug
week_page = site_week_path
person_page = site_person_path
topic_page = site_topic_path


@dataclass
class Entry:
    """A workbook as the history shows it, with where its week's page shows it in full."""

    author: str
    week: str
    view: WorkbookView
    name: str = ""  # the author as pages name them (ldkit.core.roster.display_name)
    digest: str = ""  # of all of the above, when the site keeps it (ldkit.site.slices): pages' keys use it

    @property
    def link(self) -> str:
        return f"{week_page(self.week)}#{self.view.anchor}"

    @property
    def author_link(self) -> str:
        return person_page(self.author)


@dataclass
class WeekSummary:
    week: str
    people: int
    planned: int
    summarized: int
    hours: float
    categories: dict[str, int]
    skipped: list[str]
    results: dict[str, Any]

    @property
    def link(self) -> str:
        return week_page(self.week)


@dataclass
class PersonHistory:
    author: str  # the slug (links, folders)
    entries: list[Entry] = field(default_factory=list)  # newest first
    current_streak: int = 0
    best_streak: int = 0
    participation_rate: float = 0.0
    hours: float = 0.0
    categories_by_week: dict[str, dict[str, int]] = field(default_factory=dict)
    private_workbooks: int = 0  # counted, never shown (ldkit.totals.workbook_private)

    @property
    def workbooks(self) -> int:
        return len(self.entries) + self.private_workbooks

    @property
    def link(self) -> str:
        return person_page(self.author)

    name: str = ""  # how pages name them (ldkit.core.roster.display_name)

    @property
    def slug(self) -> str:
        return slug(self.author)

    @property
    def papers(self) -> list[Entry]:
        return [e for e in self.entries if e.view.papers]


@dataclass
class PaperLog:
    """One paper someone reimplemented or read: who, when, and the claims they reproduced."""

    paper: Paper
    entries: list[Entry]  # newest first

    @property
    def results(self) -> list[tuple[Entry, Result]]:
        return [(e, r) for e in self.entries for r in e.view.results]

    @property
    def tally(self) -> dict[str, Any]:
        from dataclasses import asdict

        return tally([asdict(r) for _, r in self.results])


@dataclass
class History:
    weeks: list[WeekSummary]  # newest first
    people: list[PersonHistory]
    topics: dict[str, list[Entry]]  # category -> entries, newest first (team-visible plans only)
    papers: list[PaperLog]
    outcomes: list[Entry]  # every team-visible outcome, newest first (the feeds)
    team: list[str]
    author_team: dict[str, str] = field(default_factory=dict)  # author -> team slug, for a company ([teams])
    team_names: dict[str, str] = field(default_factory=dict)  # team slug -> its title (Team.title)
    teams: list[Any] = field(default_factory=list)  # a company's teams (model.company.TeamHistory), side by side
    tracks: list[Any] = field(default_factory=list)  # workbooks tied across weeks (model.tracks.Track), newest first
    health: Any = None  # how the day is going (model.health.HealthView), in counts only; set by the site
    digest: str = ""  # of everything it was built from, when the site keeps it: the whole-history pages' key

    def who(self, entries: list[Entry]) -> list[Any]:
        """Who studied what `entries` hold, with their team, weeks and hours (model.who)."""
        from ldkit.model.who import entry_matches, who_studied

        names = {p.author: p.name for p in self.people}
        return who_studied(entry_matches(entries), self.author_team, lambda a: names.get(a) or a,
                           self.team_names)

    @property
    def summaries(self) -> int:
        """Summaries written: the sum of the weeks table's column, so the index's numbers agree with its table."""
        return sum(w.summarized for w in self.weeks)

    @property
    def latest(self) -> WeekSummary | None:
        return self.weeks[0] if self.weeks else None


def history_entries(workspace: Workspace, week: Week, workbooks: list[Any],
                    views: dict[str, WorkbookView] | None = None) -> list[Entry]:
    """A week's entries in the history: its team-visible workbooks, by author and path. `views` receives each
    entry's view by its workbook's path (the week's page reuses them)."""
    entries: list[Entry] = []
    name_of = names_of(workspace)
    for wb in sorted(workbooks, key=lambda w: (w.author, str(w.path))):
        if workbook_private(wb):
            continue  # counted (weeks_read's totals), nothing more
        view = workbook_view(workspace, wb)
        if views is not None:
            views[str(wb.path)] = view
        entries.append(Entry(display_text(wb.author), str(week), view, display_text(name_of(wb.author))))
    return entries


def build_history(workspace: Workspace, workbooks_by_week: dict[Week, list[Any]],
                  weeks_read: Mapping[Week, WeekData],
                  entries_by_week: dict[Week, list[Entry]] | None = None) -> History:
    """The history of the given weeks; `weeks_read` holds each week's totals (ldkit.ledger.totals), skips included.
    `entries_by_week` (history_entries of each week, kept by the site) stands in for `workbooks_by_week`."""
    if not weeks_read:
        return History([], [], {}, [], [], [])
    last = max(weeks_read)
    stats = compute(workspace, since=min(weeks_read), until=last, weeks_read=weeks_read)
    if entries_by_week is None:
        entries_by_week = {week: history_entries(workspace, week, wbs) for week, wbs in workbooks_by_week.items()}
    entries: list[Entry] = [e for week in sorted(entries_by_week, reverse=True) for e in entries_by_week[week]]
    by_name = {str(week): data for week, data in weeks_read.items()}
    weeks = [WeekSummary(w["week"], w["people"], w["planned"], w["summarized"], w["hours"], w["categories"],
                         w["skipped"], by_name[w["week"]].totals.as_dict()["results"] if w["week"] in by_name
                         else tally([]))
             for w in reversed(stats["weeks"]) if w["people"] or w["skipped"]]
    people: dict[str, PersonHistory] = {}
    for p in stats["people"]:
        people[p["author"]] = PersonHistory(p["author"], current_streak=p["current_streak"],
                                            best_streak=p["best_streak"],
                                            participation_rate=p["participation_rate"])
    for data in weeks_read.values():
        for author, hours in data.totals.hours_by_author.items():
            people.setdefault(author, PersonHistory(author)).hours += hours
        for author, count in data.totals.private.items():
            people.setdefault(author, PersonHistory(author)).private_workbooks += count
    for entry in entries:
        person = people.setdefault(entry.author, PersonHistory(entry.author))
        person.entries.append(entry)
        if entry.view.plan is not None:
            counts = person.categories_by_week.setdefault(entry.week, {})
            counts[entry.view.plan.category] = counts.get(entry.view.plan.category, 0) + 1
    topics: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.view.plan is not None:
            topics.setdefault(entry.view.plan.category, []).append(entry)
    papers: dict[str, PaperLog] = {}
    for entry in entries:
        for paper in entry.view.papers:
            papers.setdefault(paper.key, PaperLog(paper, [])).entries.append(entry)
    name_of = names_of(workspace)
    for person in people.values():
        person.name = display_text(name_of(person.author))
    outcomes = [e for e in entries if isinstance(e.view.outcome, Outcome)]
    outcomes.sort(key=lambda e: e.view.outcome.saved_at if e.view.outcome else "", reverse=True)
    return History(weeks=weeks, people=sorted(people.values(), key=lambda p: p.author),
                   topics=dict(sorted(topics.items())),
                   papers=sorted(papers.values(), key=lambda log: log.entries[0].week, reverse=True),
                   outcomes=outcomes, team=sorted(people),
                   author_team=workspace.team_by_author(), team_names=workspace.team_titles(),
                   tracks=build_tracks(entries, (row for _, row in track_rows(
                       (week, data.totals) for week, data in weeks_read.items()))))
