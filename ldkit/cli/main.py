"""`ldkit`: the command group and the `new-workbook` entry point."""
from __future__ import annotations

import click

from ldkit.cli.base import LdkitGroup
from ldkit.cli.cmd_bot import bot
from ldkit.cli.cmd_ci import ci
from ldkit.cli.cmd_digest import digest
from ldkit.cli.cmd_doctor import doctor
from ldkit.cli.cmd_expenses import expenses
from ldkit.cli.cmd_export import export
from ldkit.cli.cmd_log import log, show
from ldkit.cli.cmd_new import new
from ldkit.cli.cmd_paper import paper
from ldkit.cli.cmd_remind import remind
from ldkit.cli.cmd_search import search
from ldkit.cli.cmd_site import site
from ldkit.cli.cmd_skip import skip
from ldkit.cli.cmd_stats import stats
from ldkit.cli.cmd_status import status
from ldkit.cli.cmd_team import team
from ldkit.cli.cmd_who import who
from ldkit.cli.cmd_workspace import init, templates
from ldkit.core import __version__


@click.group(cls=LdkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


for command in (init, templates, new, log, show, status, skip, digest, stats, expenses, paper, site, search, export,
                team, who, remind, ci, doctor, bot):
    cli.add_command(command)

new_workbook = new
