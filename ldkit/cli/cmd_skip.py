"""`ldkit skip`: a week off, which neither counts nor breaks a streak."""
from __future__ import annotations

import click

from ldkit.cli.base import say
from ldkit.cli.options import author_option, week_option


@click.command()
@week_option
@author_option
@click.option("--reason", "-r", default="", metavar="R", help="Why (holiday, on call, …); shown to the organizer.")
def skip(week: str | None, author: str | None, reason: str) -> None:
    """Mark a week off: it neither counts nor breaks a streak.

    \b
    Examples:
      ldkit skip --reason "on call"
      ldkit skip --week next --author bob --reason holiday
    """
    from ldkit.core.workspace import find_workspace
    from ldkit.ledger.stats import read_week, skip_week
    from ldkit.workbook.people import resolve_author

    workspace = find_workspace()
    who = resolve_author(author, workspace)
    the_week = workspace.read_week(week, who)
    skip_week(workspace, the_week, who, reason)
    say(f"{who} takes {the_week} off" + (f" ({reason})" if reason else ""))
    if who in read_week(workspace, the_week).summarized:
        from ldkit.cli.base import warn

        warn(f"{who} already has an outcome in {the_week}: it still counts (an outcome wins over a week off)")
