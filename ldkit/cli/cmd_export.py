"""`ldkit export`: take the team's shared records elsewhere (SQLite, Datasette-ready)."""
from __future__ import annotations

from pathlib import Path

import click

from ldkit.cli.base import say


@click.command()
@click.option("--sqlite", "target", type=click.Path(path_type=Path, dir_okay=False), required=True, metavar="FILE",
              help="The database to write (replaced if an earlier ldkit export made it).")
@click.option("--force", is_flag=True, help="Replace FILE even if ldkit did not make it.")
def export(target: Path, force: bool) -> None:
    """Export the team's shared records as one SQLite database (Datasette-ready).

    \b
    Tables: weeks, people, workbooks, plans, outcomes, results, expenses,
    with foreign keys and full-text search on the text columns. Private
    plans and outcomes are left out.

    \b
    Examples:
      ldkit export --sqlite learning-day.db
      pip install 'ldkit[explore]' && datasette learning-day.db   # a searchable web view
    """
    from ldkit.cli.base import reading_workspace, warn
    from ldkit.site.export import export_sqlite

    done = export_sqlite(reading_workspace(), target, force)
    for message in done.warnings:
        warn(message)
    counts = ", ".join(f"{n} {name}" for name, n in done.counts.items())
    say(f"wrote {done.path} ({counts})")
