"""`ldkit remind plan|outcome`: nudge who has not planned or summarized, once each."""
from __future__ import annotations

from typing import Any

import click

from ldkit.cli.base import say
from ldkit.cli.options import chat_choice, team_option, week_option
from ldkit.cli.types import CLOCK_TIME


@click.command()
@click.argument("kind", type=click.Choice(["plan", "outcome"]))
@week_option
@click.option("--post", "webhook", metavar="URL", default=None,
              help="The chat webhook to post to (never printed). Needed unless --dry-run, --dm "
                   "or --team (a team's own webhook).")
@click.option("--chat", type=chat_choice(), default=None,
              help="The service the webhook belongs to. Default: the workspace's `chat` setting.")
@click.option("--at-local", "at_local", type=CLOCK_TIME, metavar="HH:MM", default=None,
              help="Only name members for whom it is at least HH:MM on the learning day, in their time zone; "
                   "the others are 'later today'.")
@click.option("--dry-run", is_flag=True, help="Print the message and who it names; send nothing.")
@click.option("--force", is_flag=True,
              help="Name everyone not done, even those reminded before and outside their learning day.")
@click.option("--dm", is_flag=True,
              help="Send each member due a Slack direct message with a button that opens the form "
                   "(SLACK_BOT_TOKEN; needs the bot extra) instead of one channel message.")
@team_option
def remind(kind: str, week: str | None, webhook: str | None, chat: str | None, at_local: str | None,
           dry_run: bool, force: bool, dm: bool, team: str | None) -> None:
    """Remind who has not planned (KIND plan) or summarized (KIND outcome).

    \b
    One short message names them, with mentions from the roster (its
    `chat` ids) and how to start. Nobody who took the week off, nothing
    when everyone is done, and each member at most once per week and kind.
    Only members for whom it is the learning day now, in their own zone,
    are named: on another day nobody is, and nothing is used up (--force
    names them anyway). Meant for an hourly cron or CI (`ldkit ci`).

    \b
    Examples:
      ldkit remind plan --week held --post "$WEBHOOK" --at-local 09:00   # hourly
      ldkit remind outcome --post "$WEBHOOK" --at-local 16:00 --chat teams
      ldkit remind plan --dry-run
      ldkit remind plan --dm --at-local 09:30                   # a Slack DM each

    \b
    For a company ([teams] in ldkit.toml) each team's reminder goes to the
    webhook in the variable its webhook_env names, once per team; members
    without a team are reminded on --post. Every team is tried and said,
    one line each (reminded, failed and why, may have been posted); exit 1
    if one failed, 2 if one needs fixing first (a variable that is not a
    webhook URL, a reminder that may have arrived: check the channel).
    --team SLUG reminds one team, on its own webhook (never on --post's URL).
      ldkit remind plan --post "$LEARNING_DAY_WEBHOOK" --at-local 09:00
      ldkit remind outcome --team robotics
    """
    from ldkit.cli.base import reading_workspace
    from ldkit.core.errors import InputError
    from ldkit.team.remind import parse_at, reminder, send_reminder

    workspace = reading_workspace()
    the_week = workspace.read_week(week)
    at = parse_at(at_local)
    service = chat or workspace.settings.chat
    if workspace.settings.teams and not team and not dm:  # a direct message goes to its person, team or not
        _company(workspace, the_week, kind, webhook, service, at, dry_run, force)
        return
    if team:  # one team's reminder goes to its own webhook, as its digest does; the URL given is not its
        from ldkit.digest.company import own_webhook

        workspace = workspace.for_team(team)
        info = workspace.team_info(team)
        service = chat or info.chat or service
        if not dry_run and not dm:
            own = own_webhook(info, f"--team {team}", f"{kind} reminder")
            if webhook and webhook != own:
                say(f"ldkit: note: --team {team} reminds on the team's own webhook (${info.webhook_env}), not on "
                    "the URL given (that one is for members without a team, whom a run of every team reminds)")
            webhook = own
    if dry_run:
        due = reminder(workspace, the_week, kind, at, force=force)
        if not due.due:
            say(due.nobody_line())
            return
        say(due.text(workspace.week_url(the_week)).replace("{who}", ", ".join(m.name or m.slug for m in due.due)))
        say(f"(dry run: nothing sent; would name {', '.join(m.slug for m in due.due)} on {service})")
        return
    if dm:
        from ldkit.bot.dm import send_dm_reminders

        sent = send_dm_reminders(workspace, the_week, kind, at, force)
        for label, slugs in (("sent a direct message to", sent.sent), ("may have reached", sent.maybe)):
            if slugs:
                say(f"{label} {', '.join(slugs)}")
        if sent.no_chat:
            say(f"no chat id on the roster for {', '.join(sent.no_chat)} (ldkit team add NAME --chat ID)", err=True)
        if sent.failed:
            say(f"Slack refused the message to {', '.join(sent.failed)}; the next run tries again", err=True)
        if not (sent.sent or sent.maybe):
            say(f"nobody to remind for the {kind} of {the_week}" + (
                f"; already reminded: {', '.join(sent.reminder.already)}" if sent.reminder.already else ""))
        return
    if not webhook:
        raise InputError("ldkit remind needs --post WEBHOOK_URL (or --dry-run)",
                         hint="in CI, pass it from a secret: --post \"$LEARNING_DAY_WEBHOOK\"")
    due = send_reminder(workspace, the_week, kind, webhook, service, at, force)
    if due.due:
        say(f"reminded {', '.join(m.slug for m in due.due)} to {'plan' if kind == 'plan' else 'summarize'}")
    else:
        say(due.nobody_line())


def _company(workspace: Any, week: Any, kind: str, webhook: str | None, service: str, at: Any, dry_run: bool,
             force: bool) -> None:
    """Every team's reminder on its own webhook; members without a team on --post. Each is tried and said."""
    from ldkit.core.workspace import NO_TEAM
    from ldkit.team.remind import company_views, reminder, send_company_reminders

    if dry_run:
        for label, view, hook, own, why in company_views(workspace):
            due = reminder(view, week, kind, at, force=force)
            where = "its webhook" if hook else ("--post" if view.scope == NO_TEAM else f"nowhere ({why})")
            say(f"{label}: " + (f"would name {', '.join(m.slug for m in due.due)} on {own or service}, to {where}"
                                if due.due else due.nobody_line()))
            if due.due:  # the message itself, as the one-team dry run shows it
                text = due.text(view.week_url(week)).replace("{who}", ", ".join(m.name or m.slug for m in due.due))
                say("".join(f"  | {line}\n" for line in text.splitlines()).rstrip("\n"))
        say("(dry run: nothing sent)")
        return
    from ldkit.chat.poster import failures

    outcomes = send_company_reminders(workspace, week, kind, webhook, service, at, force)
    for outcome in outcomes:  # one line each: reminded, nobody to remind, not reminded (why), failed, maybe
        say(outcome.line, err=outcome.to_stderr)
    failed = failures(outcomes, of="reminders")
    if failed is not None:
        raise failed
