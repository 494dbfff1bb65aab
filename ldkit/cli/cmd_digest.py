"""`ldkit digest`: the week's shareable page (and chat text)."""
from __future__ import annotations

from pathlib import Path

import click

from ldkit.cli.options import week_option


@click.command()
@week_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for rendering. Default: the number of CPUs.")
@click.option("--rebuild", is_flag=True, help="Ignore every cache and render everything again.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
              help="Write the digest here instead of digests/<week>/.")
@click.option("--format", "formats", type=click.Choice(["html", "md", "json"]), multiple=True,
              help="Also write digest.md (chat-ready) or digest.json; index.html is always written. Repeatable.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def digest(week: str | None, jobs: int | None, rebuild: bool, out: Path | None, formats: tuple[str, ...],
           quiet: bool) -> None:
    """Build the week's digest: one self-contained, script-free HTML page.

    \b
    It shows the week's numbers, a card per person (plan beside outcome,
    results), who planned but has no outcome yet, who has no workbook,
    the self-study expenses, and every notebook (collapsed). Private plans
    and outcomes are left out. Unreadable files are named, not fatal.
    Renders are cached by content: an unchanged notebook is not rendered again.

    \b
    Examples:
      ldkit digest                         # this week -> digests/<week>/index.html
      ldkit digest --week last --format md # plus digest.md to paste in chat
    """
    from ldkit.cli.base import progress_enabled, warn
    from ldkit.digest.build import build_digest, summary_line
    from ldkit.weeks import parse_week
    from ldkit.workspace import find_workspace

    workspace = find_workspace()
    the_week = parse_week(week)
    result = build_digest(workspace, the_week, out=out, formats=tuple(formats) or ("html",), jobs=jobs,
                          rebuild=rebuild, show_progress=progress_enabled() and not quiet)
    for problem in result.model["problems"]:
        warn(f"{problem['path']}: {problem['error']} (named in the digest; the rest was built)")
    for message in result.warnings:
        warn(message)
    if result.render_errors:
        warn(f"{result.render_errors} notebook(s) could not be rendered; their cards say why")
    for kind in ("md", "json"):
        if kind in result.files:
            click.echo(f"wrote {result.files[kind]}")
    click.echo(summary_line(result, workspace))
