"""`ldkit remind plan|outcome`: one short chat message naming who has not planned (morning) or summarized (before
the day ends), sent at most once per member, week and kind.

With `--at-local HH:MM` only members for whom it is at least that time on the learning day (in their roster time
zone, UTC when none) are due; the others are left for the next run, so an hourly cron reaches each in turn.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ldkit.errors import InputError
from ldkit.team.roster import Member
from ldkit.weeks import Week, learning_day_of
from ldkit.workspace import Workspace

KINDS = ("plan", "outcome")


@dataclass
class Reminder:
    kind: str
    week: str
    due: list[Member] = field(default_factory=list)  # to name now
    waiting: list[Member] = field(default_factory=list)  # not yet their time (--at-local)
    done: list[str] = field(default_factory=list)  # already planned / summarized, or a week off
    already: list[str] = field(default_factory=list)  # reminded by an earlier run

    def text(self, link: str | None) -> str:
        """The message, with {who} where the mentions go (each chat service writes its own mentions)."""
        if self.kind == "plan":
            text = (f"It's Learning Day {self.week}! {{who}}: what will you learn today? Write it down first: "
                    f"start a workbook (`ldkit new TEMPLATE --title \"…\"`) and fill in the plan at its top.")
        else:
            text = (f"Before Learning Day {self.week} ends, {{who}}: a few lines on what you learned, please — the "
                    f"outcome form at the end of your workbook, or `ldkit log outcome`.")
        return text + (f" The week so far: {link}" if link else "")


def parse_at(value: str | None) -> dt.time | None:
    if not value:
        return None
    from ldkit.weeks import parse_clock_time

    return parse_clock_time(value, "--at-local")


def reminder(workspace: Workspace, week: Week, kind: str, at_local: dt.time | None = None,
             now: dt.datetime | None = None, reminded: set[str] | None = None) -> Reminder:
    """Who is due for this reminder now; `reminded` are the members an earlier run already named."""
    from zoneinfo import ZoneInfo

    from ldkit.digest.collect import collect
    from ldkit.stats import skips_of

    if kind not in KINDS:
        raise InputError(f"unknown reminder {kind!r}", hint="use plan or outcome")
    found = collect(workspace, week, workspace.cache / "digest" / "workbooks.sqlite")
    roster = {m.slug: m for m in workspace.settings.team} or {a: Member(a) for a in found.team}
    planned = {e.author for e in found.entries if e.workbook.records.plan is not None}
    summarized = {e.author for e in found.entries if e.workbook.records.outcome is not None}
    finished = planned if kind == "plan" else summarized
    skipped = skips_of(workspace, week)
    day = learning_day_of(week, workspace.weekday)
    now = now or dt.datetime.now(dt.timezone.utc)
    result = Reminder(kind, str(week))
    for slug, member in sorted(roster.items()):
        if slug in finished or slug in skipped:
            result.done.append(slug)
        elif reminded and slug in reminded:
            result.already.append(slug)
        elif at_local is not None and not _time_has_come(now, ZoneInfo(member.tz or "UTC"), day, at_local):
            result.waiting.append(member)
        else:
            result.due.append(member)
    return result


def _time_has_come(now: dt.datetime, zone: Any, day: dt.date, at: dt.time) -> bool:
    local = now.astimezone(zone)
    return local.date() > day or (local.date() == day and local.time() >= at)


def send_reminder(workspace: Workspace, week: Week, kind: str, url: str, chat: str,
                  at_local: dt.time | None = None, force: bool = False,
                  now: dt.datetime | None = None) -> Reminder:
    """Name the members due, once each: the marker remembers who was reminded (never the URL)."""
    from ldkit.chat import service
    from ldkit.chat.poster import check_webhook, exclusive, refuse, send

    check_webhook(url)
    with exclusive(workspace, str(week), f"remind-{kind}") as (marker, before):
        if before is not None and before.get("state") != "posted" and not force:
            refuse(before, f"the {kind} reminder of {week}")
        reminded = set() if force or before is None else set(before.get("members") or [])
        due = reminder(workspace, week, kind, at_local, now, reminded)
        if due.due:
            payload = service(chat).reminder_payload(due.text(workspace.week_url(week)),
                                                     [(m.name or m.slug, m.chat) for m in due.due])
            send(marker, before, str(week), f"remind-{kind}", payload, url, what=f"the {kind} reminder of {week}",
                 service="the chat webhook", members=sorted(reminded | {m.slug for m in due.due}))
    return due
