"""A week's totals, computed in one place: the digest, `ldkit status`, `ldkit stats` (and the site) all use these.

Private plans and outcomes count for participation (people, planned, summarized, hours, categories); their text
(goal, resources, summary, links, expenses) never reaches a total that is shown to the team.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ldkit.records.claims import tally
from ldkit.records.papers import papers_of
from ldkit.records.schema import is_private  # noqa: F401 - the privacy rule, re-exported


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

    people: int
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
    people: set[str] = field(default_factory=set)  # authors with a workbook this week
    planned: set[str] = field(default_factory=set)
    summarized: set[str] = field(default_factory=set)
    workbooks: int = 0
    hours: float = 0.0  # outcome hours, private ones included (a number, not text)
    hours_by_author: dict[str, float] = field(default_factory=dict)
    categories: Counter = field(default_factory=Counter)
    resources: Counter = field(default_factory=Counter)  # team plans only
    papers: Counter = field(default_factory=Counter)
    results: list[dict[str, Any]] = field(default_factory=list)  # result data, for the tally
    expenses: list[dict[str, Any]] = field(default_factory=list)  # team outcomes only: {author, workbook, item, ...}

    @property
    def expense_totals(self) -> dict[str, float]:
        sums: dict[str, float] = {}
        for cost in self.expenses:
            sums[cost["currency"]] = sums.get(cost["currency"], 0.0) + float(cost["amount"])
        return {currency: round(total, 2) for currency, total in sorted(sums.items())}

    def numbers(self) -> Numbers:
        return Numbers(people=len(self.people), workbooks=self.workbooks, planned=len(self.planned),
                       summarized=len(self.summarized), hours=round(self.hours, 2), results=Tally.of(self.results))

    def as_dict(self) -> dict[str, Any]:
        """The numbers every output shows under "totals"."""
        return self.numbers().as_dict()


def week_totals(workbooks: Iterable[Any]) -> WeekTotals:
    """Totals over a week's workbooks (`Workbook` objects, records already checked)."""
    totals = WeekTotals()
    for wb in workbooks:
        author = wb.author
        totals.people.add(author)
        totals.workbooks += 1
        plan, outcome = wb.records.plan, wb.records.outcome
        if plan is not None:
            totals.planned.add(author)
            totals.categories[plan["data"].get("category") or "other"] += 1
            if not is_private(plan):
                totals.resources.update(plan["data"].get("resources") or [])
        if outcome is not None:
            totals.summarized.add(author)
            hours = float(outcome["data"].get("hours") or 0)
            totals.hours += hours
            totals.hours_by_author[author] = totals.hours_by_author.get(author, 0.0) + hours
            if not is_private(outcome):
                title = str(wb.identity.get("title") or wb.path.stem)
                totals.expenses.extend({"author": author, "workbook": title, **cost}
                                       for cost in outcome["data"].get("expenses") or [])
        totals.results.extend(record["data"] for record in wb.records.results.values())
        for p in papers_of(wb.identity):
            totals.papers[str(p.get("title") or p["id"])] += 1
    return totals
