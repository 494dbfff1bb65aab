"""`ldkit expenses`: what finance reimburses — every expense once, private ones as item and amount only, a CSV that
a spreadsheet opens as text, and amounts that make sense (positive, an ISO 4217 currency)."""
from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import snapshot

PRIVATE_MARK = "ZEBRA-PRIVATE-7781"


@pytest.fixture
def spent(ws, run, new_workbook):
    """Three people over two weeks: ada's book and course, bob's tutor in a private outcome, a hostile item."""
    ada = new_workbook("reading", "Deep learning book", "--week", "2026-W48", "--author", "ada")
    run("log", "outcome", ada, "--summary", "Chapters 1-3", "--expense", "Deep Learning book=45.90EUR",
        "--expense", "course = 12.5 usd")
    bob = new_workbook("tutorial", f"Tutor {PRIVATE_MARK}", "--week", "2026-W49", "--author", "bob")
    run("log", "outcome", bob, "--summary", f"secret {PRIVATE_MARK}", "--private", "--expense", "tutor=60EUR")
    eve = new_workbook("blank", "Spreadsheets", "--week", "2026-W49", "--author", "eve")
    run("log", "outcome", eve, "--summary", "x", "--expense", '+HYPERLINK("http://evil.example";"click")=3EUR',
        "--expense", "@SUM(A1)=1.25 GBP")
    ada2 = new_workbook("blank", "No money spent", "--week", "2026-W49", "--author", "ada")
    run("log", "outcome", ada2, "--summary", "free week")
    return {"ada": ada, "bob": bob, "eve": eve}


def test_one_row_per_expense_with_totals(ws, run, spent):
    data = json.loads(run("expenses", "--format", "json").stdout)
    rows = [(r["week"], r["learning_day"], r["author"], r["item"], r["amount"], r["currency"])
            for r in data["expenses"]]
    assert rows == [
        ("2026-W48", "2026-11-26", "ada", "Deep Learning book", 45.9, "EUR"),
        ("2026-W48", "2026-11-26", "ada", "course", 12.5, "USD"),
        ("2026-W49", "2026-12-03", "bob", "tutor", 60, "EUR"),
        ("2026-W49", "2026-12-03", "eve", '+HYPERLINK("http://evil.example";"click")', 3, "EUR"),
        ("2026-W49", "2026-12-03", "eve", "@SUM(A1)", 1.25, "GBP"),
    ]
    assert data["totals"]["per_currency"] == {"EUR": 108.9, "GBP": 1.25, "USD": 12.5}
    assert data["totals"]["per_person"] == {"ada": {"EUR": 45.9, "USD": 12.5}, "bob": {"EUR": 60},
                                            "eve": {"EUR": 3, "GBP": 1.25}}
    assert data["expenses"][0]["workbook"] == "workbooks/2026-W48/ada/deep-learning-book.ipynb"


def test_private_expenses_are_item_and_amount_only_and_the_command_says_so(ws, run, spent):
    result = run("expenses")
    assert PRIVATE_MARK not in result.stdout and PRIVATE_MARK not in result.stderr
    bob = next(r for r in csv.DictReader(io.StringIO(result.stdout)) if r["author"] == "bob")
    assert (bob["item"], bob["amount"], bob["workbook"], bob["private"]) == ("tutor", "60", "(private)", "yes")
    assert "1 expense of private outcomes included (item and amount only" in result.stderr
    assert PRIVATE_MARK not in run("expenses", "--format", "json").stdout
    # and nowhere else: the digest and the site leave the private expense out
    run("digest", "--week", "2026-W49", "--quiet", "--format", "md", "--format", "json")
    shared = (ws.root / "digests" / "2026-W49" / "digest.json").read_text()
    assert "tutor" not in shared and PRIVATE_MARK not in shared


def test_the_csv_parses_back_and_opens_as_text_in_a_spreadsheet(ws, run, spent):
    out = run("expenses").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["week", "learning_day", "author", "item", "amount", "currency", "workbook", "private"]
    assert len(rows) == 6
    items = [r[3] for r in rows[1:]]
    assert "'+HYPERLINK(\"http://evil.example\";\"click\")" in items and "'@SUM(A1)" in items
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    totals = run("expenses").stderr
    assert "5 expenses from 2026-W48 to 2026-W49: 108.9 EUR, 1.25 GBP, 12.5 USD" in totals
    assert "  ada: 45.9 EUR, 12.5 USD" in totals


def test_filters_by_week_and_author(ws, run, spent):
    data = json.loads(run("expenses", "--since", "2026-W49", "--author", "Eve", "--format", "json").stdout)
    assert [r["item"] for r in data["expenses"]] == ['+HYPERLINK("http://evil.example";"click")', "@SUM(A1)"]
    assert json.loads(run("expenses", "--until", "2026-W48", "--format", "json").stdout)["totals"]["per_currency"] == {
        "EUR": 45.9, "USD": 12.5}
    assert "after --until" in run("expenses", "--since", "2026-W49", "--until", "2026-W48", code=2).stderr
    assert "invalid week" in run("expenses", "--since", "soon", code=2).stderr


def test_filters_by_team_like_status_and_stats(ws, run, spent):
    """`--team T`: the roster's members of T only (Workspace.for_team, as status and stats); an unknown team is one
    line naming the teams, exit 2."""
    for slug in ("finance", "research"):
        run("team", "add-team", slug, "--name", slug.title())
    run("team", "add", "ada", "--team", "research")
    run("team", "add", "bob", "--team", "research")
    run("team", "add", "eve", "--team", "finance")
    research = json.loads(run("expenses", "--team", "research", "--format", "json").stdout)
    assert sorted({r["author"] for r in research["expenses"]}) == ["ada", "bob"]
    assert research["totals"]["per_currency"] == {"EUR": 105.9, "USD": 12.5}
    assert research["private_included"] == 1
    rows = list(csv.DictReader(io.StringIO(run("expenses", "--team", "finance").stdout)))
    assert [r["author"] for r in rows] == ["eve", "eve"]
    bad = run("expenses", "--team", "nope", code=2)
    assert bad.stdout == "" and bad.stderr.strip().count("\n") == 0
    assert "--team 'nope' is not a team" in bad.stderr and "finance, research" in bad.stderr


def test_nothing_spent_is_an_empty_report(ws, run):
    result = run("expenses")
    assert result.stdout == "week,learning_day,author,item,amount,currency,workbook,private\n"
    assert "0 expenses" in result.stderr


@pytest.mark.parametrize("expense, message", [
    ("book=0", "has no amount to reimburse"),
    ("book=12 XYZ", "'XYZ' is not an ISO 4217 currency code"),
    ("book=-3EUR", "cannot read"),
    ("=5EUR", "cannot read"),
])
def test_an_expense_finance_cannot_pay_is_refused_and_nothing_is_written(ws, run, new_workbook, expense, message):
    path = new_workbook("blank", "Costs", "--week", "2026-W48")
    before = snapshot(ws.root)
    result = run("log", "outcome", path, "--summary", "s", "--expense", expense, code=2)
    assert message in result.stderr
    assert snapshot(ws.root) == before


def test_the_report_is_the_same_read_again_from_the_index_and_on_every_core(ws, run, spent, monkeypatch):
    """Weeks are read on every core for a company's year, unchanged workbooks back from the records index: the
    same report, and an outcome logged since is in it (the index is never stale)."""
    from ldkit.core import forked

    first = json.loads(run("expenses", "--format", "json").stdout)
    monkeypatch.setattr(forked, "PARALLEL_FROM", 0)
    monkeypatch.setattr(forked, "cores", lambda: 2)  # a one-core runner shares out too
    monkeypatch.setattr(forked, "other_threads", lambda: False)  # a thread an earlier test left: fork anyway
    forks: list[int] = []
    real_fork = forked._fork_worker
    monkeypatch.setattr(forked, "_fork_worker", lambda work, share: forks.append(len(share)) or real_fork(work, share))
    again = json.loads(run("expenses", "--format", "json").stdout)
    assert forks == [1] and again == first  # two weeks: one here, one in a forked worker
    run("log", "outcome", spent["eve"], "--summary", "y", "--expense", "book=7EUR")
    latest = json.loads(run("expenses", "--format", "json", "--author", "eve").stdout)
    assert [(r["item"], r["amount"]) for r in latest["expenses"]] == [("book", 7)]
