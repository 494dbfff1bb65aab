"""`ldkit expenses`: the self-study expenses a finance person reimburses."""
from __future__ import annotations

import click

from ldkit.cli.base import say
from ldkit.cli.options import team_option
from ldkit.cli.types import WEEK


@click.command()
@click.option("--since", type=WEEK, metavar="W", default=None, help="First week (default: the first with a workbook).")
@click.option("--until", type=WEEK, metavar="W", default=None, help="Last week (default: the last with a workbook).")
@click.option("--author", "-a", metavar="NAME", default=None, help="Only this person's expenses.")
@team_option
@click.option("--format", "output", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="CSV for a spreadsheet (formula-safe), or one JSON document with the totals.")
def expenses(since: str | None, until: str | None, author: str | None, team: str | None, output: str) -> None:
    """One row per self-study expense (books, courses, tutors): week, learning
    day, author, item, amount, currency, workbook; totals per person and per
    currency (on stderr with CSV, in the document with JSON).

    \b
    Expenses of private outcomes are included here, and nowhere else: their
    item and amount (finance pays them), never their workbook, title or
    summary. The command says how many there are.

    \b
    Examples:
      ldkit expenses > expenses.csv
      ldkit expenses --since 2026-W40 --until 2026-W52 --author ada
      ldkit expenses --format json
      ldkit expenses --team robotics
    """
    from ldkit.cli.base import emit_json, reading_workspace, warn
    from ldkit.core.text import author_slug, plural
    from ldkit.ledger.expenses import expense_report, to_csv

    workspace = reading_workspace(team)
    report = expense_report(workspace, workspace.read_week(since) if since else None,
                            workspace.read_week(until) if until else None,
                            author_slug(author) if author else None)
    for message in report.warnings:
        warn(message)
    if output == "json":
        emit_json(report.as_dict())
    else:
        click.echo(to_csv(report), nl=False)
        totals = ", ".join(f"{amount:g} {currency}" for currency, amount in report.per_currency().items())
        say(f"{plural(len(report.rows), 'expense')} from {report.since or '-'} to {report.until or '-'}"
            + (f": {totals}" if totals else ""), err=True)
        for person, by in report.per_person().items():
            say(f"  {person}: " + ", ".join(f"{amount:g} {currency}" for currency, amount in by.items()), err=True)
    if report.private_rows:
        say(f"ldkit: note: {plural(report.private_rows, 'expense')} of private outcomes included (item and amount "
            "only, for reimbursement); this report is for finance, not for sharing", err=True)
