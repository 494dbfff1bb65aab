"""`ldkit remind plan|outcome --dm`: a Slack direct message to each member due, with a button that opens the form.

The same rule as the channel reminder (`ldkit.team.remind.reminder`: who has not planned or summarized, nobody on
a week off, `--at-local`), and still once per member, week and kind: the marker `dm-<kind>` under the workspace's
`.ldkit-cache/posted/` lists who was sent one, written after every message so a crash midway resends nobody.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from ldkit.bot import slack
from ldkit.bot.settings import Secrets
from ldkit.bot.words import COMMAND
from ldkit.chat.poster import exclusive
from ldkit.core.errors import InputError
from ldkit.core.files import atomic_write
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace
from ldkit.records.schema import now_rfc3339
from ldkit.team.remind import Reminder, reminder


@dataclass
class Sent:
    reminder: Reminder
    sent: list[str] = field(default_factory=list)
    no_chat: list[str] = field(default_factory=list)  # on the roster without a chat id: no DM possible
    failed: list[str] = field(default_factory=list)  # Slack refused (not delivered; a later run tries again)
    maybe: list[str] = field(default_factory=list)  # the connection broke after sending: counted as reminded


def dm_text(kind: str, week: Week, name: str, link: str | None) -> str:
    who = slack.escape(name)
    if kind == "plan":
        text = (f"It's Learning Day {week}, {who}! What will you learn today? Say `{COMMAND} plan GOAL`, "
                f"or open the form below.")
    else:
        text = (f"Before Learning Day {week} ends, {who}: a few lines on what you learned, please — "
                f"`{COMMAND} done SUMMARY`, or the form below.")
    return text + (f" The week so far: {slack.escape(link)}" if link else "")


def send_dm_reminders(workspace: Workspace, week: Week, kind: str, at_local: dt.time | None = None,
                      force: bool = False, secrets: Secrets | None = None, now: dt.datetime | None = None) -> Sent:
    from slack_sdk.errors import SlackApiError

    secrets = secrets or Secrets.from_environment()
    if not secrets.slack_bot_token:
        raise InputError("ldkit remind --dm needs SLACK_BOT_TOKEN in the environment (the bot's xoxb- token)",
                         hint="the same token `ldkit bot serve` uses; it is never printed")
    client = slack.web_client(secrets.slack_bot_token, secrets.slack_api_url)
    marker_kind = f"dm-{kind}"
    with exclusive(workspace, str(week), marker_kind) as (marker, before):
        reminded = set() if force or before is None else set(before.get("members") or [])
        due = reminder(workspace, week, kind, at_local, now, reminded)
        result = Sent(due)
        done = set(reminded)
        for member in due.due:
            if not member.chat:
                result.no_chat.append(member.slug)
                continue
            text = dm_text(kind, week, member.name or member.slug, workspace.week_url(week))
            try:
                client.chat_postMessage(channel=member.chat, text=text, blocks=slack.reminder_blocks(text, kind))
            except SlackApiError:
                result.failed.append(member.slug)
                continue
            except Exception:  # sent, perhaps: never twice
                result.maybe.append(member.slug)
            else:
                result.sent.append(member.slug)
            done.add(member.slug)
            atomic_write(marker, json.dumps({"state": "posted", "week": str(week), "kind": marker_kind,
                                             "at": now_rfc3339(), "members": sorted(done)}, indent=1) + "\n")
    return result
