"""`ldkit`: the command group and the `new-workbook` entry point."""
from __future__ import annotations

from typing import Any

import click

from ldkit.cli.base import LazyGroup
from ldkit.core import __version__

# what a user types -> where its click command lives, imported only when it runs (or `ldkit --help` lists it)
COMMANDS = {
    "init": "ldkit.cli.cmd_workspace:init", "templates": "ldkit.cli.cmd_workspace:templates",
    "new": "ldkit.cli.cmd_new:new", "log": "ldkit.cli.cmd_log:log", "show": "ldkit.cli.cmd_log:show",
    "status": "ldkit.cli.cmd_status:status", "skip": "ldkit.cli.cmd_skip:skip",
    "digest": "ldkit.cli.cmd_digest:digest", "stats": "ldkit.cli.cmd_stats:stats",
    "expenses": "ldkit.cli.cmd_expenses:expenses", "paper": "ldkit.cli.cmd_paper:paper",
    "site": "ldkit.cli.cmd_site:site", "search": "ldkit.cli.cmd_search:search",
    "export": "ldkit.cli.cmd_export:export", "team": "ldkit.cli.cmd_team:team", "who": "ldkit.cli.cmd_who:who",
    "remind": "ldkit.cli.cmd_remind:remind", "ci": "ldkit.cli.cmd_ci:ci", "doctor": "ldkit.cli.cmd_doctor:doctor",
    "bot": "ldkit.cli.cmd_bot:bot",
}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ldkit")
def cli() -> None:
    """ldkit carries your team's weekly Learning Day in Jupyter.

    \b
    The loop: start a workbook from a template, plan at the top, work,
    write what you learned at the bottom, and share the week's digest.

    \b
    A first week:
      ldkit init my-team            # a workspace with editable templates
      cd my-team
      ldkit new paper --title "MAML, first-order"
      ldkit log plan workbooks/2026-W48/alice/maml-first-order.ipynb \\
          --goal "Reproduce Table 1" --hours 5
      ldkit log outcome workbooks/2026-W48/alice/maml-first-order.ipynb \\
          --summary "Reproduced 1-shot within a point" --status partial --hours 5
      ldkit status                  # who planned and summarized this week
      ldkit digest --format md      # the week's page and chat text
    """


def __getattr__(name: str) -> Any:
    """`new_workbook`, the `new-workbook` command's entry point: `ldkit new` under the name it first had, imported
    only by that command."""
    if name == "new_workbook":
        from ldkit.cli.cmd_new import new

        return new
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
