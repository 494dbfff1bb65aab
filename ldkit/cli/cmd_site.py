"""`ldkit site`: the team's learning site, built from every week."""
from __future__ import annotations

from pathlib import Path

import click

from ldkit.cli.base import say
from ldkit.cli.types import WEEK


@click.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
              help="Write the site here instead of site/ in the workspace.")
@click.option("--since", type=WEEK, metavar="W", default=None,
              help="First week to include (default: the first there is).")
@click.option("--until", type=WEEK, metavar="W", default=None,
              help="Last week to include (default: the last there is).")
@click.option("--rebuild", is_flag=True, help="Ignore every cache and make every page again.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for rendering. Default: the number of CPUs.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def site(out: Path | None, since: str | None, until: str | None, rebuild: bool, jobs: int | None,
         quiet: bool) -> None:
    """Build the team's site: every week, every person, every paper reproduced.

    \b
    site/index.html           the team's history: weeks, charts, latest highlights
    site/weeks/<week>/        each week's digest page, with previous/next links
    site/people/<author>/     one person's workbooks, streak, hours, papers (+ feed.xml)
    site/topics/<category>/   everything studied in one category
    site/papers/              the reproducibility log: claims reproduced, k of n
    site/feed.xml             Atom, one entry per outcome (absolute links with site_url)

    \b
    Like the digest it runs no script, loads nothing and leaves private
    records out; it browses from the file system or any static host. A week
    that did not change is not made again, and a build that stops midway
    leaves the previous site whole.

    \b
    Examples:
      ldkit site                      # -> site/index.html
      ldkit site --since 2026-W01 --out public
      ldkit site --rebuild

    \b
    A company whose teams keep their own repositories names each one's
    workspace in [teams] (workspace = "teams/robotics", checked out side by
    side; `ldkit ci` writes the checkouts): the site joins them all.
    """
    from ldkit.core.fastimport import skip_slow_optional_imports

    skip_slow_optional_imports()
    from ldkit.cli.base import progress_enabled, show_paths_of, warn
    from ldkit.core.layout import relative
    from ldkit.core.workspace import find_workspace
    from ldkit.site.build import build_site
    from ldkit.site.join import join_workspaces

    workspace = find_workspace()
    joined = join_workspaces(workspace)  # a company of several repositories: one workspace of them all
    show_paths_of(joined.workspace)
    for message in joined.warnings:
        warn(message)
    if joined.teams:
        say(f"joined the workspaces of {', '.join(joined.teams)}")
    result = build_site(joined.workspace, out or workspace.site, workspace.read_week(since) if since else None,
                        workspace.read_week(until) if until else None,
                        rebuild=rebuild, jobs=jobs, show_progress=progress_enabled() and not quiet)
    for message in dict.fromkeys(result.warnings):
        warn(message)
    rebuilt = len(result.rebuilt)
    from ldkit.core.text import plural

    say(f"{plural(len(result.weeks), 'week')} ({rebuilt} made again), "
        f"{plural(result.notebooks, 'notebook')} ({result.rendered} rendered), "
        f"{plural(result.changed, 'file')} updated → {relative(result.index, workspace.root)}")
