"""`ldkit search`: find what anyone studied, in every week."""
from __future__ import annotations

import click

from ldkit.cli.base import say
from ldkit.cli.options import json_option, team_option, week_option_meaning


@click.command()
@click.argument("query", nargs=-1, required=True)
@week_option_meaning("every week", what="Only the workbooks of week W: ")
@click.option("--author", "-a", metavar="NAME", default=None, help="Only this person's workbooks.")
@click.option("--category", "-c", metavar="C", default=None, help="Only plans of this category.")
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=20, show_default=True, help="At most N hits.")
@team_option
@json_option
def search(query: tuple[str, ...], week: str | None, author: str | None, category: str | None, limit: int,
           team: str | None, as_json: bool) -> None:
    """Search every week: titles, plans, summaries, next steps, papers, notes.

    \b
    Every word must appear; end a word with * to search by prefix. Hits
    are ranked (best first) with the week, the author, the workbook and
    a snippet, the matches in [brackets]. Private plans and outcomes are
    never indexed. The index (.ldkit-cache/search.sqlite) is refreshed on
    each search from the workbooks that changed.

    \b
    Examples:
      ldkit search diffusion
      ldkit search "attention transform*" --author alice
      ldkit search backprop --category ml-fundamentals --json
      ldkit search diffusion --team robotics
    """
    from ldkit.cli.base import emit_json, reading_workspace, warn
    from ldkit.core.text import author_slug
    from ldkit.site.search import search as run_search

    workspace = reading_workspace(team)
    hits, warnings = run_search(workspace, " ".join(query), str(workspace.read_week(week)) if week else None,
                                author_slug(author) if author else None, category, limit)
    for message in warnings:
        warn(message)
    if as_json:
        emit_json([h.as_dict() for h in hits])
        return
    if not hits:
        say(f"No match for {' '.join(query)!r}.")
        return
    for hit in hits:
        say(f"{hit.week}  {hit.author:<14} {hit.title}")
        say(f"    {hit.snippet}")
        say(f"    {hit.path}")
