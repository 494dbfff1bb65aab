"""`ldkit remind plan|outcome`: one short chat message naming who has not planned (morning) or summarized (before
the day ends), sent at most once per member, week and kind.

Only members for whom it is the learning day now, in their roster time zone (UTC when none), are named: before
their day or after it nobody is named and nothing is spent (no marker), unless `--force`. With `--at-local HH:MM`
only members for whom it is at least that time on their learning day are due; the others are "later today", left
for the next run, so an hourly cron over every zone's learning day reaches each in turn.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from ldkit.core.errors import InputError
from ldkit.core.weeks import Week, learning_day_of
from ldkit.core.workspace import NO_TEAM, Workspace
from ldkit.team.roster import Member

if TYPE_CHECKING:
    from ldkit.chat.poster import Outcome

KINDS = ("plan", "outcome")


@dataclass
class Reminder:
    kind: str
    week: str
    due: list[Member] = field(default_factory=list)  # to name now
    waiting: list[Member] = field(default_factory=list)  # their learning day, but not yet their time (--at-local)
    not_yet: list[Member] = field(default_factory=list)  # their learning day has not begun (their zone)
    past: list[Member] = field(default_factory=list)  # their learning day is already over (their zone)
    day: dt.date | None = None  # the learning day of the week
    at_local: dt.time | None = None
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

    def nobody_line(self) -> str:
        """Why nobody is named now: who is done, reminded, later today, before or after their learning day."""
        def names(members: list[Member]) -> str:
            return ", ".join(m.slug for m in members)

        day = f"{self.day:%A} {self.day}" if self.day else "the learning day"
        parts = [f"nobody to remind for the {self.kind} of {self.week}"]
        if self.already:
            parts.append(f"already reminded: {', '.join(self.already)}")
        if self.waiting:
            parts.append(f"later today (from {self.at_local:%H:%M} their time): "
                         + ", ".join(f"{m.slug} ({m.tz or 'UTC'})" for m in self.waiting))
        if self.not_yet:
            parts.append(f"{day} has not begun yet in their zone: {names(self.not_yet)}")
        if self.past:
            parts.append(f"{day} is already past in their zone: {names(self.past)}")
        line = "; ".join(parts)
        if self.not_yet or self.past:
            line += "; nothing was sent or used up (--force names them anyway)"
        return line


def parse_at(value: str | None) -> dt.time | None:
    if not value:
        return None
    from ldkit.core.weeks import parse_clock_time

    return parse_clock_time(value, "--at-local")


def reminder(workspace: Workspace, week: Week, kind: str, at_local: dt.time | None = None,
             now: dt.datetime | None = None, reminded: set[str] | None = None, force: bool = False) -> Reminder:
    """Who is due for this reminder now; `reminded` are the members an earlier run already named.

    A member is due only on the learning day in their own zone (and from `at_local` on it); `force` names them
    whatever the day."""
    from zoneinfo import ZoneInfo

    from ldkit.digest.collect import collect
    from ldkit.ledger.stats import skips_of
    from ldkit.records.index import index_path

    if kind not in KINDS:
        raise InputError(f"unknown reminder {kind!r}", hint="use plan or outcome")
    found = collect(workspace, week, index_path(workspace.cache))
    roster = {m.slug: m for m in workspace.settings.team} or {a: Member(a) for a in found.team}
    planned = {e.author for e in found.entries if e.workbook.records.plan is not None}
    summarized = {e.author for e in found.entries if e.workbook.records.outcome is not None}
    finished = planned | summarized if kind == "plan" else summarized  # an outcome written: no plan to ask for
    skipped = skips_of(workspace, week)
    day = learning_day_of(week, workspace.weekday)
    now = now or dt.datetime.now(dt.timezone.utc)
    result = Reminder(kind, str(week), day=day, at_local=at_local)
    for slug, member in sorted(roster.items()):
        local = now.astimezone(ZoneInfo(member.tz or "UTC"))
        if slug in finished or slug in skipped:
            result.done.append(slug)
        elif reminded and slug in reminded:
            result.already.append(slug)
        elif not force and local.date() < day:
            result.not_yet.append(member)
        elif not force and local.date() > day:
            result.past.append(member)
        elif at_local is not None and not _time_has_come(local, day, at_local):
            result.waiting.append(member)
        else:
            result.due.append(member)
    return result


def _time_has_come(local: dt.datetime, day: dt.date, at: dt.time) -> bool:
    return local.date() > day or (local.date() == day and local.time() >= at)


def send_reminder(workspace: Workspace, week: Week, kind: str, url: str, chat: str,
                  at_local: dt.time | None = None, force: bool = False,
                  now: dt.datetime | None = None, *, whose: str = "", webhook: str = "the chat webhook",
                  source: str = "--post") -> Reminder:
    """Name the members due, once each: the marker remembers who was reminded (never the URL).

    `whose` names the reminder's people in messages (" for team vision"), `webhook` the webhook in messages and
    retry notices, `source` where the URL came from (said when it is not a webhook URL)."""
    from ldkit.chat import service
    from ldkit.chat.poster import check_webhook, exclusive, refuse, send

    check_webhook(url, source)
    what = f"the {kind} reminder of {week}{whose}"
    with exclusive(workspace, str(week), f"remind-{kind}") as (marker, before):
        if before is not None and before.get("state") != "posted" and not force:
            refuse(before, what, "--force")
        reminded = set() if force or before is None else set(before.get("members") or [])
        due = reminder(workspace, week, kind, at_local, now, reminded, force)
        if due.due:
            payload = service(chat).reminder_payload(due.text(workspace.week_url(week)),
                                                     [(m.name or m.slug, m.chat) for m in due.due])
            send(marker, before, str(week), f"remind-{kind}", payload, url, what=what, service=webhook,
                 again="--force", members=sorted(reminded | {m.slug for m in due.due}))
    return due


def company_views(workspace: Workspace) -> list[tuple[str, Workspace, str | None, str, str]]:
    """(label, the view, its webhook or None, its chat service, why there is no webhook) for each team, then the
    members without a team (their webhook is the one given on the command line: None here)."""
    from ldkit.digest.company import team_webhook

    views: list[tuple[str, Workspace, str | None, str, str]] = [
        (team.slug, workspace.for_team(team.slug), team_webhook(team), team.chat or "",
         f"${team.webhook_env} is not set" if team.webhook_env else "it has no webhook_env")
        for team in workspace.settings.teams]
    rest = workspace.without_team()
    if rest.settings.team:
        views.append(("without a team", rest, None, "", "no --post was given"))
    return views


def send_company_reminders(workspace: Workspace, week: Week, kind: str, url: str | None, chat: str,
                           at_local: dt.time | None = None, force: bool = False,
                           now: dt.datetime | None = None) -> list[Outcome]:
    """Each team's reminder to its own webhook (its `webhook_env`), once per team, week and kind; members without
    a team to `url`. Every one is tried, whatever became of the others; returns what became of each, one line
    each naming the team (a team without a webhook is named and skipped). The caller says each and fails if one
    failed (ldkit.chat.poster.failures)."""
    from ldkit.chat.poster import Outcome, attempt

    outcomes: list[Outcome] = []
    for label, view, hook, service, why in company_views(workspace):
        in_team = view.scope != NO_TEAM
        target = hook if in_team else url
        if target is None:
            outcomes.append(Outcome(f"ldkit: warning: {'team' if in_team else 'members'} {label}: not reminded, "
                                    f"{why}", label=label, skipped=True))
            continue
        if in_team:
            variable = f"${workspace.team_info(label).webhook_env}"
            names = {"whose": f" for team {label}", "webhook": f"the webhook of team {label} ({variable})",
                     "source": f"{variable} (team {label})"}
        else:
            names = {"whose": f" for members {label}", "webhook": "the company webhook (--post)"}
        outcomes.append(attempt(label, partial(_remind_line, label, view, week, kind, target, service or chat,
                                               at_local, force, now, **names)))
    return outcomes


def _remind_line(label: str, *args: Any, whose: str = "", webhook: str = "the chat webhook",
                 source: str = "--post") -> str:
    """send_reminder(*args, ...), said on one line naming `label`."""
    due = send_reminder(*args, whose=whose, webhook=webhook, source=source)
    return f"{label}: " + (f"reminded {', '.join(m.slug for m in due.due)}" if due.due else due.nobody_line())
