"""`ldkit team add|remove|list`: the roster in ldkit.toml, edited without touching the rest of the file."""
from __future__ import annotations

import click

from ldkit.cli.base import LdkitGroup, say
from ldkit.cli.options import json_option


@click.group(cls=LdkitGroup)
def team() -> None:
    """The roster: who is expected on a learning day.

    \b
    With a roster, the digest, the site and `ldkit status` report every
    member with no workbook (unless they took the week off), and name
    authors who are not on it. Without one, the team is whoever had a
    workbook in the last 8 weeks.
    """


@team.command("add")
@click.argument("name")
@click.option("--name", "full_name", metavar="TEXT", default=None, help="The member's full name, for pages.")
@click.option("--chat", metavar="ID", default=None, help="Their chat id, for mentions (Slack U024BE7LH, …).")
@click.option("--tz", metavar="ZONE", default=None, help="Their IANA time zone, e.g. Europe/Berlin.")
@click.option("--email", metavar="ADDRESS", default=None,
              help="Their git user.email: `ldkit new` on their machine then knows them without --author.")
def team_add(name: str, full_name: str | None, chat: str | None, tz: str | None, email: str | None) -> None:
    """Add NAME to the roster (or update their fields).

    \b
    Examples:
      ldkit team add ada --name "Ada L." --chat U024BE7LH --tz Europe/Berlin
      ldkit team add bob --tz America/New_York --email bob@example.org
    """
    from ldkit.core.workspace import find_workspace
    from ldkit.team.roster import add_member

    workspace = find_workspace()
    member = add_member(workspace.config_file, name, full_name, chat, tz, email)
    say(f"{member.slug} is on the roster" + (f" ({member.name})" if member.name else ""))


@team.command("remove")
@click.argument("name")
def team_remove(name: str) -> None:
    """Take NAME off the roster (their workbooks stay as they are).

    \b
    Example:
      ldkit team remove bob
    """
    from ldkit.core.workspace import find_workspace
    from ldkit.team.roster import remove_member

    say(f"{remove_member(find_workspace().config_file, name)} is off the roster")


@team.command("list")
@json_option
def team_list(as_json: bool) -> None:
    """List the roster.

    \b
    Example:
      ldkit team list --json
    """
    from ldkit.cli.base import emit_json
    from ldkit.core.workspace import find_workspace

    members = find_workspace().settings.team
    if as_json:
        emit_json([m.as_dict() for m in members])
        return
    if not members:
        say("No roster yet: the team is whoever had a workbook lately. Add one: ldkit team add NAME --tz ZONE")
    for m in members:
        say(f"{m.slug:<16} {m.name:<24} {m.chat:<14} {m.tz:<20} {m.email}".rstrip())
