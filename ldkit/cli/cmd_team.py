"""`ldkit team add|remove|list|add-team|remove-team|teams`: the roster and a company's teams in ldkit.toml, edited
without touching the rest of the file."""
from __future__ import annotations

import click

from ldkit.cli.base import LdkitGroup, say
from ldkit.cli.options import chat_choice, json_option
from ldkit.core.text import plural


@click.group(cls=LdkitGroup)
def team() -> None:
    """The roster: who is expected on a learning day.

    \b
    With a roster, the digest, the site and `ldkit status` report every
    member with no workbook (unless they took the week off), and name
    authors who are not on it. Without one, the team is whoever had a
    workbook in the last 8 weeks.

    \b
    A company keeps several teams in one workspace: `ldkit team add-team`
    names each (and the environment variable holding its chat webhook),
    `ldkit team add NAME --team SLUG` puts a member in one.
    """


@team.command("add")
@click.argument("name")
@click.option("--name", "full_name", metavar="TEXT", default=None, help="The member's full name, for pages.")
@click.option("--chat", metavar="ID", default=None, help="Their chat id, for mentions (Slack U024BE7LH, …).")
@click.option("--tz", metavar="ZONE", default=None, help="Their IANA time zone, e.g. Europe/Berlin.")
@click.option("--email", metavar="ADDRESS", default=None,
              help="Their git user.email: `ldkit new` on their machine then knows them without --author.")
@click.option("--team", "team_slug", metavar="SLUG", default=None,
              help="Their team, for a company: a team made with `ldkit team add-team`.")
def team_add(name: str, full_name: str | None, chat: str | None, tz: str | None, email: str | None,
             team_slug: str | None) -> None:
    """Add NAME to the roster (or update their fields).

    \b
    Examples:
      ldkit team add ada --name "Ada L." --chat U024BE7LH --tz Europe/Berlin
      ldkit team add bob --tz America/New_York --email bob@example.org
      ldkit team add carol --team robotics
    """
    from ldkit.core.workspace import find_workspace
    from ldkit.team.roster import add_member, mend

    mended = mend(lambda config: add_member(config, name, full_name, chat, tz, email, team_slug))
    workspace = find_workspace()
    member = add_member(workspace.config_file, name, full_name, chat, tz, email, team_slug)
    say(f"{member.slug} is on the roster" + (f" ({member.name})" if member.name else "")
        + (f", team {member.team}" if member.team else ""))
    if member.slug != name:
        say(f"{name.strip()!r} is written as the slug {member.slug}: use it for --author, LDKIT_AUTHOR and "
            f"ldkit team remove {member.slug}")
    _say_mended(mended)


def _say_mended(mended: object) -> None:
    """`mended` is the settings file a repairing edit made readable again (ldkit.team.roster.mend), or None."""
    if mended is not None:
        say(f"{mended} reads again: this edit replaced the value that made it unreadable")


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
        say(f"{m.slug:<16} {m.name:<24} {m.chat:<14} {m.tz:<20} {m.email:<24} {m.team}".rstrip())


@team.command("add-team")
@click.argument("slug")
@click.option("--name", "full_name", metavar="TEXT", default=None, help="The team's name, for pages.")
@click.option("--webhook-env", "webhook_env", metavar="VAR", default=None,
              help="The environment variable that holds the team's chat webhook (never the URL: it is a secret).")
@click.option("--chat", type=chat_choice(), default=None,
              help="The service the team's webhook belongs to. Default: the workspace's `chat` setting.")
def team_add_team(slug: str, full_name: str | None, webhook_env: str | None, chat: str | None) -> None:
    """Add a company team SLUG to [teams] (or update its fields).

    \b
    Examples:
      ldkit team add-team robotics --name Robotics --webhook-env ROBOTICS_WEBHOOK
      ldkit team add-team vision --webhook-env VISION_WEBHOOK --chat mattermost
    """
    from ldkit.core.workspace import find_workspace
    from ldkit.team.roster import add_team, mend

    mended = mend(lambda config: add_team(config, slug, full_name, webhook_env, chat))
    made = add_team(find_workspace().config_file, slug, full_name, webhook_env, chat)
    say(f"team {made.slug} is in [teams]" + (f" ({made.name})" if made.name else "")
        + (f"; its digest and reminders go to ${made.webhook_env}" if made.webhook_env else ""))
    _say_mended(mended)


@team.command("remove-team")
@click.argument("slug")
def team_remove_team(slug: str) -> None:
    """Take team SLUG out of [teams] (refused while a member names it).

    \b
    Example:
      ldkit team remove-team vision
    """
    from ldkit.core.workspace import find_workspace
    from ldkit.team.roster import remove_team

    say(f"team {remove_team(find_workspace().config_file, slug)} is out of [teams]")


@team.command("teams")
@json_option
def team_teams(as_json: bool) -> None:
    """List the company's teams and how many members each has.

    \b
    Example:
      ldkit team teams --json
    """
    from ldkit.cli.base import emit_json
    from ldkit.core.workspace import find_workspace
    from ldkit.site.join import joined_roster

    workspace = find_workspace()
    settings = workspace.settings
    sizes: dict[str, int] = {}
    for m in joined_roster(workspace):  # a team keeping its own repository has its roster there
        sizes[m.team] = sizes.get(m.team, 0) + 1
    if as_json:
        emit_json([{**t.as_dict(), "members": sizes.get(t.slug, 0)} for t in settings.teams])
        return
    if not settings.teams:
        say("No teams: one team per workspace. Add one: ldkit team add-team SLUG --name N --webhook-env VAR")
    for t in settings.teams:
        say(f"{t.slug:<16} {t.name:<24} {plural(sizes.get(t.slug, 0), 'member'):>11}  ${t.webhook_env or '-'} "
            f"{t.chat}".rstrip())
