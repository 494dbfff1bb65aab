"""Options several commands share."""
from __future__ import annotations

import click

from ldkit.cli.types import WEEK
from ldkit.weeks import WEEK_HELP

week_option = click.option(
    "--week", "-w", "week", type=WEEK, metavar="W", default=None,
    help=WEEK_HELP + " Default: this week.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
author_option = click.option(
    "--author", "-a", metavar="NAME", default=None,
    help="Who is learning. Default: LDKIT_AUTHOR, the roster member whose email is git's user.email, the "
         "workspace's author, git's user.name, your login.")
