"""`ldkit status`: who planned and who summarized this week."""
from __future__ import annotations

import click

from ldkit.cli.base import say
from ldkit.cli.options import json_option, team_option, week_option


@click.command()
@week_option
@team_option
@json_option
def status(week: str | None, team: str | None, as_json: bool) -> None:
    """Show each author of the week with their workbooks, plan and outcome.

    \b
    For the organizer: who has a plan, who wrote an outcome (done, partial,
    stuck, dropped) and the hours spent. Files that cannot be read are named
    on stderr with the reason.

    \b
    Examples:
      ldkit status
      ldkit status --week last --json
      ldkit status --team robotics
    """
    from ldkit.cli.base import emit_json, reading_workspace, warn
    from ldkit.ledger.status import week_status
    from ldkit.ledger.totals import Numbers

    workspace = reading_workspace(team)
    report = week_status(workspace, workspace.read_week(week))
    for problem in report["problems"]:
        warn(f"{problem['path']}: {problem['error']}")
    for message in report["warnings"]:
        warn(message)
    if as_json:
        emit_json(report)
        return
    numbers = Numbers.from_dict(report["totals"])
    lines = [f"{report['week']} (learning day {report['learning_day']}): {numbers.sentence(', ')}"]
    if not report["authors"]:
        lines.append(f"No workbooks in {report['week']}: its learning day is over." if report["day_over"]
                     else "No workbooks yet this week. Start one: ldkit new TEMPLATE --title T")
    for person in report["authors"]:
        lines.append(f"\n{person['author']}" + ("  (not on the roster)" if person["on_roster"] is False else ""))
        if not person["workbooks"]:
            lines.append(f"  week off: {person['week_off'] or 'no reason given'}" if person["week_off"] is not None
                         else "  no workbook" if person["day_over"] else "  no workbook yet")
        for wb in person["workbooks"]:
            # a private plan is counted and tells nothing: its category is withheld (None), never printed
            plan = "plan: -" if not wb["plan"] else "plan: private" if wb["private"] else \
                f"plan: {wb['category'] or '-'}"
            outcome = f"outcome: {wb['outcome']}" if wb["outcome"] else "outcome: -"
            hours = f"{wb['hours']:g} h" if wb["hours"] is not None else ""
            lines.append(f"  {wb['title'][:50]:<50}  {plan:<30} {outcome:<18} {hours}")
    say("\n".join(lines))  # one write: a company's roster is thousands of lines (100,000 members: 1.4 s of echo calls)
