"""Expenses for finance: one row per self-study expense, with totals per person and per currency.

Books, courses and tutors are reimbursed, so this report is the one place where an expense of a *private* outcome
appears: its item, amount and currency (with the week and the person, whom finance pays), never its workbook,
title or summary. Every other output leaves private workbooks out whole (ldkit.records.privacy).
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from ldkit.core.layout import relative
from ldkit.core.weeks import Week, learning_day_of
from ldkit.core.workspace import Workspace
from ldkit.ledger.stats import known_weeks
from ldkit.records.privacy import workbook_private
from ldkit.records.scan import scan

PRIVATE_WORKBOOK = "(private)"
COLUMNS = ("week", "learning_day", "author", "item", "amount", "currency", "workbook", "private")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExpenseRow:
    week: str
    learning_day: str
    author: str
    item: str
    amount: float
    currency: str
    workbook: str  # the path from the workspace root; PRIVATE_WORKBOOK for a private outcome's
    private: bool


@dataclass
class ExpenseReport:
    since: str
    until: str
    rows: list[ExpenseRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def private_rows(self) -> int:
        return sum(1 for row in self.rows if row.private)

    def per_currency(self) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for row in self.rows:
            totals[row.currency] += row.amount
        return {currency: round(total, 2) for currency, total in sorted(totals.items())}

    def per_person(self) -> dict[str, dict[str, float]]:
        totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for row in self.rows:
            totals[row.author][row.currency] += row.amount
        return {author: {c: round(t, 2) for c, t in sorted(by.items())} for author, by in sorted(totals.items())}

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since, "until": self.until, "expenses": [asdict(row) for row in self.rows],
                "totals": {"per_currency": self.per_currency(), "per_person": self.per_person()},
                "private_included": self.private_rows}


def expense_report(workspace: Workspace, since: Week | None = None, until: Week | None = None,
                   author: str | None = None) -> ExpenseReport:
    """Every expense of the newest outcome of each workbook in [since, until], oldest week first."""
    from ldkit.core.errors import InputError

    weeks = known_weeks(workspace)
    until = until or (weeks[-1] if weeks else None)
    since = since or (weeks[0] if weeks else None)
    if since is not None and until is not None and since > until:
        raise InputError(f"--since {since} is after --until {until}", hint="swap them, or leave one out")
    report = ExpenseReport(str(since or ""), str(until or ""))
    chosen = [w for w in weeks if not (since is not None and w < since or until is not None and w > until)]
    from ldkit.core import forked

    # a company's year is 52,000 workbooks: unchanged ones come back from the records index, whole weeks are
    # read on every core (as stats reads them)
    large = forked.subfolders([workspace.week_folder(week) for week in chosen]) >= forked.PARALLEL_FROM
    for rows, warnings in forked.shared_map(lambda i: _week_rows(workspace, chosen[i], author), len(chosen),
                                            None if large else 1):
        report.rows.extend(rows)
        report.warnings.extend(warnings)
    return report


def _week_rows(workspace: Workspace, week: Week, author: str | None) -> tuple[list[ExpenseRow], list[str]]:
    """One week's expense rows (by author, then workbook) and what could not be read."""
    from ldkit.records.index import index_path

    day = learning_day_of(week, workspace.weekday).isoformat()
    workbooks, problems = scan(workspace.week_folder(week), workspace.root, workspace.members,
                               index_path(workspace.cache))
    rows = []
    for wb in sorted(workbooks, key=lambda w: (w.author, str(w.path))):
        if author is not None and wb.author != author:
            continue
        outcome = wb.records.outcome
        if outcome is None:
            continue
        private = workbook_private(wb)
        where = PRIVATE_WORKBOOK if private else relative(wb.path, workspace.root)
        for cost in outcome["data"].get("expenses") or []:
            rows.append(ExpenseRow(str(week), day, wb.author, str(cost.get("item", "")),
                                   float(cost.get("amount", 0)), str(cost.get("currency", "")), where, private))
    return rows, [f"{p.path}: {p.reason}" for p in problems]


def spreadsheet_safe(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs: text that starts like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(report: ExpenseReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report.rows:
        amount = int(row.amount) if float(row.amount).is_integer() else row.amount
        writer.writerow([spreadsheet_safe(v) for v in (row.week, row.learning_day, row.author, row.item, amount,
                                                       row.currency, row.workbook, "yes" if row.private else "no")])
    return out.getvalue()
