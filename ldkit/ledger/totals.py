"""A week's totals, computed in one place: the digest, `ldkit status`, `ldkit stats` (and the site) all use these.

The privacy rule is the records' (`ldkit.records.privacy.workbook_private`); here it decides what counts. A private
workbook counts for participation (people, planned, summarized, hours) and for nothing more: its
category, resources, papers, results and expenses reach no total, and every shared output asks `workbook_private`
before it shows anything of a workbook.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ldkit.records.claims import tally
from ldkit.records.papers import workbook_papers
from ldkit.records.privacy import is_private, workbook_private  # noqa: F401 - the rule, re-exported
from ldkit.records.workbook import track_of


def week_open(week: Any, today: dt.date | None = None) -> bool:
    """A week is still open (a plan alone counts as taking part) until it has ended, its Sunday included."""
    return (today or dt.date.today()) <= week.day(6)


def day_held(week: Any, weekday: Any, today: dt.date | None = None) -> bool:
    """The week's learning day has begun (today or earlier): only such days count for participation."""
    from ldkit.core.weeks import learning_day_of

    return learning_day_of(week, weekday) <= (today or dt.date.today())


@dataclass(frozen=True)
class Tally:
    """Claims against the paper: "3 of 4 claims reproduced" (the rule is ldkit.records.claims.tally)."""

    reproduced: int = 0
    judged: int = 0
    total: int = 0
    text: str = "0 of 0 claims reproduced"

    @classmethod
    def of(cls, results: list[dict[str, Any]]) -> Tally:
        return cls(**tally(results))


@dataclass(frozen=True)
class Numbers:
    """The numbers every output shows under "totals" (digest page, digest.md/json, chat, status, stats)."""

    people: int  # who took part (WeekTotals.took_part)
    workbooks: int
    planned: int
    summarized: int
    hours: float
    results: Tally

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Numbers:
        """Back from as_dict (a status report, digest.json)."""
        return cls(**{**data, "results": Tally(**data["results"])})

    def phrases(self) -> list[str]:
        """The numbers sentence, in parts: "2 took part", "1 planned", "1 summarized", "4 h"[, the claims]."""
        return [f"{self.people} took part", f"{self.planned} planned", f"{self.summarized} summarized",
                f"{self.hours:g} h"] + ([self.results.text] if self.results.total else [])

    def sentence(self, separator: str = " · ", strong: str = "") -> str:
        """The phrases joined; `strong` ("*", "**") marks the first, how many took part, in chat Markdown."""
        first, *rest = self.phrases()
        return separator.join([f"{strong}{first}{strong}", *rest])


@dataclass
class WeekTotals:
    people: set[str] = field(default_factory=set)  # authors with a workbook this week (not all took part)
    planned: set[str] = field(default_factory=set)
    summarized: set[str] = field(default_factory=set)
    workbooks: int = 0
    hours: float = 0.0  # outcome hours, private ones included (a number, not text)
    hours_by_author: dict[str, float] = field(default_factory=dict)
    private: Counter = field(default_factory=Counter)  # author -> private workbooks (only ever counted)
    categories: Counter = field(default_factory=Counter)
    resources: Counter = field(default_factory=Counter)  # team plans only
    papers: Counter = field(default_factory=Counter)
    results: list[dict[str, Any]] = field(default_factory=list)  # result data, for the tally
    expenses: list[dict[str, Any]] = field(default_factory=list)  # team outcomes only: {author, workbook, item, ...}
    # a workbook of a track each: {slug, name, author, status, hours, private}; a private one's status is withheld
    # ... and its `continues`: the id of the workbook it goes on from (`ldkit new --continue`), or ""
    tracks: list[dict[str, Any]] = field(default_factory=list)
    # every workbook without a track, as [workbook id, author, private, status, has an outcome, hours] (a company's
    # year is 52,000 of them, kept in every week's cache): one a later week continues is that track's first step
    untracked: list[list[Any]] = field(default_factory=list)

    open: bool = False  # the week has not ended: a plan alone is taking part

    @property
    def took_part(self) -> set[str]:
        """THE rule of who took part: an outcome, or a plan for a week still open."""
        return self.summarized | (self.planned if self.open else set())

    @property
    def expense_totals(self) -> dict[str, float]:
        sums: dict[str, float] = {}
        for cost in self.expenses:
            sums[cost["currency"]] = sums.get(cost["currency"], 0.0) + float(cost["amount"])
        return {currency: round(total, 2) for currency, total in sorted(sums.items())}

    def numbers(self) -> Numbers:
        return Numbers(people=len(self.took_part), workbooks=self.workbooks, planned=len(self.planned),
                       summarized=len(self.summarized), hours=round(self.hours, 2), results=Tally.of(self.results))

    def as_dict(self) -> dict[str, Any]:
        """The numbers every output shows under "totals"."""
        return self.numbers().as_dict()


def week_totals(workbooks: Iterable[Any], week: Any = None) -> WeekTotals:
    """Totals over a week's workbooks (`Workbook` objects, records already checked); `week` says whether it is
    still open (without it, only outcomes count as taking part)."""
    totals = WeekTotals(open=week is not None and week_open(week))
    for wb in workbooks:
        author = wb.author
        totals.people.add(author)
        totals.workbooks += 1
        plan, outcome = wb.records.plan, wb.records.outcome
        private = workbook_private(wb)
        if plan is not None:
            totals.planned.add(author)
        if outcome is not None:
            totals.summarized.add(author)
            hours = float(outcome["data"].get("hours") or 0)
            totals.hours += hours
            totals.hours_by_author[author] = totals.hours_by_author.get(author, 0.0) + hours
        status = None if private or outcome is None else outcome["data"].get("status")
        spent = float(outcome["data"].get("hours") or 0) if outcome else 0.0
        track = track_of(wb.identity)
        if track is not None:
            totals.tracks.append({**track, "workbook": wb.id, "author": author, "private": private, "status": status,
                                  "outcome": outcome is not None, "hours": spent,
                                  "continues": str(wb.identity.get("continues") or "")})
        else:
            totals.untracked.append([wb.id, author, private, status, outcome is not None, spent])
        if private:
            totals.private[author] += 1
            continue  # counted, nothing more
        if plan is not None:
            totals.categories[plan["data"].get("category") or "other"] += 1
            totals.resources.update(plan["data"].get("resources") or [])
        if outcome is not None:
            title = str(wb.identity.get("title") or wb.path.stem)
            totals.expenses.extend({"author": author, "workbook": title, **cost}
                                   for cost in outcome["data"].get("expenses") or [])
        totals.results.extend(record["data"] for record in wb.records.results.values())
        for p in workbook_papers(wb.identity):
            totals.papers[p.label] += 1
    return totals


def track_rows(weeks: Iterable[tuple[Any, WeekTotals]]) -> list[tuple[str, dict[str, Any]]]:
    """THE workbooks of every track over `weeks` ((week, totals) pairs, oldest first), as (week, row): the weeks'
    track rows, and each workbook without a track that a workbook of a track continues (`ldkit new --continue`,
    whose identity names it in `continues`; the same author, an earlier week), as that track's first step — the
    track is named after it, and its notebook is never rewritten to say so. A private workbook's `continues` joins
    nothing to a track (it tells nothing); a private workbook continued joins, only counted.

    The rows are the weeks' own (never copied: a company's year is 52,000 of them); the untracked rows are looked
    at only when some row continues a workbook."""
    listed = [(str(week), totals) for week, totals in weeks]
    continuing = sorted(((week, row) for week, totals in listed for row in totals.tracks if row.get("continues")),
                        key=lambda item: (item[0], str(item[1]["workbook"])))  # the first to continue it names it
    joined: dict[str, tuple[str, dict[str, Any]]] = {}
    if continuing:
        wanted = {str(row["continues"]) for _, row in continuing}
        loose = {str(row[0]): (week, row) for week, totals in listed for row in totals.untracked
                 if str(row[0]) in wanted}
        for week_of_row, row in continuing:
            found = loose.get(str(row["continues"]))
            if found is None:
                continue
            week, (workbook, author, private, status, outcome, hours) = found
            if row["private"] or workbook in joined or author != row["author"] or week >= week_of_row:
                continue
            joined[workbook] = (week, {"workbook": workbook, "author": author, "private": private, "status": status,
                                       "outcome": outcome, "hours": hours, "slug": row["slug"], "name": row["name"],
                                       "continues": ""})
    by_week: dict[str, list[dict[str, Any]]] = {}
    for week, step in joined.values():
        by_week.setdefault(week, []).append(step)
    return [(week, row) for week, totals in sorted(listed, key=lambda item: item[0])
            for row in [*totals.tracks, *by_week.get(week, ())]]
