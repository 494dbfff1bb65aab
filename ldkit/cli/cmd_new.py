"""`ldkit new TEMPLATE` (also installed as `new-workbook`)."""
from __future__ import annotations

from pathlib import Path

import click

from ldkit.cli.base import LdkitCommand, say
from ldkit.cli.options import author_option, json_option, week_option


@click.command(cls=LdkitCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("template")
@click.option("--title", "-t", metavar="T", default=None,
              help="The workbook's title; it names the file. Default: the template's name.")
@week_option
@author_option
@click.option("--arxiv", metavar="ID", default=None, help="An arXiv id or link (paper templates).")
@click.option("--doi", metavar="DOI", default=None, help="A DOI such as 10.1000/xyz (paper templates).")
@click.option("--url", metavar="URL", default=None, help="A link: an arXiv or doi.org page, or a tutorial.")
@click.option("-p", "--parameter", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Set one of the template's own parameters (repeatable).")
@click.option("--force", is_flag=True, help="Replace an existing workbook; the old file is kept as a backup.")
@click.option("--track", metavar="NAME", default=None,
              help="Tie this workbook to a learning track across weeks (e.g. 'RL course').")
@click.option("--continue", "continue_from", metavar="WORKBOOK", default=None,
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Go on from an earlier workbook of yours: same track, its next steps offered as your goal.")
@json_option
def new(template: str, title: str | None, week: str | None, author: str | None, arxiv: str | None,
        doi: str | None, url: str | None, params: tuple[tuple[str, str], ...], force: bool, track: str | None,
        continue_from: Path | None, as_json: bool) -> None:
    """Start this week's workbook from TEMPLATE.

    Writes workbooks/<week>/<author>/<slug>.ipynb with the parameters
    injected the papermill way, then prints its path. An existing file is
    never overwritten without --force. `ldkit templates` lists the templates.

    \b
    Examples:
      ldkit new paper --title "MAML, first-order" --arxiv 1803.02999
      ldkit new tutorial --title "JAX basics" --url https://example.org/jax
      ldkit new reading -p papers "1803.02999,1703.03400" --week next
      new-workbook blank --title "Notes on Rust lifetimes"
      ldkit new tutorial --title "RL course, week 1" --track "RL course"
      ldkit new tutorial --title "RL course, week 2" --continue workbooks/2026-W48/ada/rl-course-week-1.ipynb

    \b
    Your last outcome's next steps are offered as the new plan's goal
    ("Last time: ..." in the plan form), with or without --continue.
    """
    from ldkit.cli.base import emit_json, warn
    from ldkit.core.workspace import find_workspace
    from ldkit.workbook.people import check_on_roster, resolve_author
    from ldkit.workbook.start import start_workbook

    workspace = find_workspace()
    if author is not None and any(ch in author for ch in "/\\") or (author or "").startswith("."):
        warn(f"the author {author!r} is not a plain name; it is written as a folder name without path parts")
    who = resolve_author(author, workspace)
    check_on_roster(who, workspace)
    the_week = workspace.read_week(week, who)
    made, warnings = start_workbook(workspace, template, title=title, week=the_week, author=who, arxiv=arxiv,
                                    doi=doi, url=url, params=params, force=force, track=track,
                                    continue_from=continue_from)
    for message in warnings:
        warn(message)
    if made.backup is not None:
        kept = f"{made.backup}" + (f" with its journal {made.backup_journal.name}" if made.backup_journal else "")
        warn(f"replaced {made.path}; the old workbook is kept whole as {kept} (ldkit show reads it)")
    if as_json:
        emit_json(made.as_dict())
    else:
        say(str(made.path))
