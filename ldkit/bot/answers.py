"""Saving what a member answers in chat, through the same code as `ldkit log`, `ldkit new` and `ldkit skip`.

Every function takes `esc`, the service's escaping of user text (Slack mrkdwn, Markdown), and returns an
`Answer`: the reply (only the member sees it) and the files it changed, for `--commit`. Nothing here writes a
record itself: plans and outcomes go through `log_record` (checks, journal, lock, history), new workbooks through
`start_workbook`, weeks off through `skip_week`.
"""
from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.bot.words import COMMAND, Words, help_text
from ldkit.bot.worktree import WORK_TREE
from ldkit.core.errors import InputError, LdkitError, NotebookError, RecordError
from ldkit.core.text import MAX_TITLE
from ldkit.core.weeks import Week, parse_week, week_of
from ldkit.core.workspace import Workspace
from ldkit.ledger.health import refuse_future_week
from ldkit.ledger.stats import skip_week
from ldkit.ledger.status import week_status
from ldkit.records.journal import journal_path
from ldkit.records.log import log_record
from ldkit.records.notebook import copy_id, identity, read_notebook
from ldkit.records.scan import notebook_files, scan
from ldkit.records.schema import PULLED_INTO_WORK, STATUSES, outcome_data, plan_data
from ldkit.records.workbook import Workbook
from ldkit.team.roster import Member
from ldkit.workbook.carry import carried, offered_goal
from ldkit.workbook.start import start_workbook
from ldkit.workbook.templates import builtin_dir, load_template

Escape = Callable[[str], str]
PLAN_TEMPLATE = "blank"  # a plan made in chat starts a workbook from this template, titled by the goal
_member_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()
# Starting a workbook parses templates with `ast`, which CPython 3.11 does not parse safely from two threads at once
# ("AST constructor recursion depth mismatch", gh-106905); it happens once per member and week, so one at a time.
_templates_lock = threading.Lock()
FUTURE_HINT = "send it on or after the day"


@dataclass
class Answer:
    text: str
    saved: str | None = None  # the kind saved: plan, outcome, skip
    changed: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Form:
    """What a modal or dialog submitted: the same fields as the notebook forms."""
    kind: str  # plan | outcome
    values: dict[str, Any]
    workbook: str | None = None  # a workbook id chosen in the form


def member_of(workspace: Workspace, ids: Iterable[str]) -> Member | None:
    """The roster member whose `chat` field is one of the ids the service sent (user id or user name)."""
    wanted = {str(i).strip().casefold() for i in ids if i and str(i).strip()}
    for member in workspace.settings.team:
        if member.chat and member.chat.strip().casefold() in wanted:
            return member
    return None


def not_on_roster(user: str, esc: Escape) -> Answer:
    return Answer(f"You are not on this team's Learning Day roster, so nothing was saved. Ask an organizer to add "
                  f"you: `ldkit team add YOUR-NAME --chat {esc(user)}` (your chat id is {esc(user)}).")


def week_for(member: Member, now: dt.datetime | None = None) -> Week:
    """The member's week: the ISO week of today in their time zone (UTC when the roster names none)."""
    from zoneinfo import ZoneInfo

    now = now or dt.datetime.now(dt.timezone.utc)
    return week_of(now.astimezone(ZoneInfo(member.tz or "UTC")).date())


def _lock(slug: str) -> threading.Lock:
    with _locks_lock:
        return _member_locks.setdefault(slug, threading.Lock())


@dataclass(frozen=True)
class Listed:
    """A workbook known by its identity only: enough to choose where an answer goes (log_record reads it whole)."""
    path: Path
    identity: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.identity["id"])


def listed_workbooks(workspace: Workspace, week: Week, member: Member) -> list[Listed]:
    """The member's workbooks of the week, oldest first, from their identities (no records read or checked)."""

    found = []
    for path in notebook_files(workspace.week_folder(week) / member.slug):
        try:
            ident = identity(read_notebook(path), path)
        except NotebookError:
            continue
        if str(ident.get("author") or path.parent.name) == member.slug:
            found.append(Listed(path, ident))
    return sorted(found, key=lambda wb: (str(wb.identity.get("created", "")), str(wb.path)))


def workbooks_of(workspace: Workspace, week: Week, member: Member) -> list[Workbook]:
    found, _ = scan(workspace.week_folder(week) / member.slug)
    return sorted((wb for wb in found if wb.author == member.slug),
                  key=lambda wb: (str(wb.identity.get("created", "")), str(wb.path)))


def _title(wb: Workbook | Listed) -> str:
    return str(wb.identity.get("title") or wb.path.stem)


def _choices(workspace: Workspace, workbooks: list[Any]) -> list[tuple[str, str, Any]]:
    """(value, label, workbook) of each workbook a form offers, in order. A notebook copied by hand carries its
    original's id and title: it is offered under an id of its own (records.notebook.copy_id) and with its file
    name, so that a choice of it saves into it, not into the original."""
    seen: set[str] = set()
    titles = [_title(wb) for wb in workbooks]
    out = []
    for wb, title in zip(workbooks, titles, strict=True):
        value = wb.id if wb.id not in seen else copy_id(wb.id, workspace.shown(wb.path))
        seen.add(wb.id)
        if titles.count(title) > 1:  # within the 70 characters a chat's option shows (bot.fields)
            suffix = f" ({wb.path.name})"[:40]
            title = title[:70 - len(suffix)] + suffix
        out.append((value, title, wb))
    return out


def _listing(workbooks: list[Listed], esc: Escape) -> str:
    return "\n".join(f"#{n} {esc(_title(wb))}" for n, wb in enumerate(workbooks, start=1))


def answer(workspace: Workspace, member: Member, words: Words, esc: Escape,
           now: dt.datetime | None = None) -> Answer:
    """Do what the words say for `member` and say what happened. Bad input is an answer, never an exception."""
    week = week_for(member, now)
    try:
        with WORK_TREE.shared(), _lock(member.slug):
            if words.verb == "plan":
                return _plan(workspace, member, week, words, esc)
            if words.verb in STATUSES:
                return _outcome(workspace, member, week, words, esc, now)
            if words.verb == "skip":
                path = skip_week(workspace, week, member.slug, words.text)
                return Answer(f"Saved: you take {week} off" + (f" ({esc(words.text)})" if words.text else "")
                              + f". It does not break your streak. Changed your mind? `{COMMAND} plan GOAL`.",
                              "skip", [path])
        if words.verb == "status":
            with WORK_TREE.shared():
                return Answer(status_text(workspace, member, week, esc))
        if words.verb == "unknown":
            return Answer(f"I did not understand {esc(words.text[:80])}.\n" + help_text())
        return Answer(help_text())
    except RecordError as exc:
        return Answer(f"Not saved: {esc(exc.one_line())}. Nothing was changed; send it again corrected.")
    except LdkitError as exc:
        return Answer(f"Not saved: {esc(exc.one_line())}.")


def _choose(workspace: Workspace, member: Member, week: Week, words: Words, esc: Escape
            ) -> tuple[list[Listed], Listed | None, Answer | None]:
    workbooks = listed_workbooks(workspace, week, member)
    if words.pick is not None:
        if not 1 <= words.pick <= len(workbooks):
            return workbooks, None, Answer(f"Not saved: you have no workbook #{words.pick} in {week}. Yours:\n"
                                           + (_listing(workbooks, esc) or "none yet"))
        return workbooks, workbooks[words.pick - 1], None
    if len(workbooks) == 1:
        return workbooks, workbooks[0], None
    return workbooks, None, None


def _plan(workspace: Workspace, member: Member, week: Week, words: Words, esc: Escape) -> Answer:
    workbooks, chosen, refusal = _choose(workspace, member, week, words, esc)
    if refusal:
        return refusal
    data = _plan_data(workspace, {"goal": words.text, "private": words.private})
    changed: list[Path] = []
    if chosen is None and workbooks:
        return Answer(f"Not saved: you have {len(workbooks)} workbooks in {week}; say which: "
                      f"`{COMMAND} plan #N GOAL`\n" + _listing(workbooks, esc))
    if chosen is None:
        path, title = _start(workspace, member, week, words.text)
        changed.append(path)
    else:
        path, title = chosen.path, _title(chosen)
    return _saved(path, title, "plan", data, changed, week, esc, f"`{COMMAND} plan GOAL`")


def _outcome(workspace: Workspace, member: Member, week: Week, words: Words, esc: Escape,
             now: dt.datetime | None = None) -> Answer:
    workbooks, chosen, refusal = _choose(workspace, member, week, words, esc)
    if refusal:
        return refusal
    if not workbooks:
        return Answer(f"Not saved: you have no workbook in {week} yet. Plan first: `{COMMAND} plan GOAL` "
                      f"(it starts one), then `{COMMAND} {words.verb} SUMMARY`.")
    if chosen is None:
        return Answer(f"Not saved: you have {len(workbooks)} workbooks in {week}; say which: "
                      f"`{COMMAND} {words.verb} #N SUMMARY`\n" + _listing(workbooks, esc))
    data = _outcome_data(workspace, {"summary": words.text, "status": words.verb, "private": words.private})
    refuse_future_week(workspace, chosen.identity, now, hint=FUTURE_HINT)
    return _saved(chosen.path, _title(chosen), "outcome", data, [], week, esc, f"`{COMMAND} {words.verb} SUMMARY`")


def _default_category(workspace: Workspace) -> str | None:
    """The plan template's category (the workspace's copy wins, as in the catalog), read once per file version:
    the whole catalog costs ~15 ms, which a chat answer need not pay twice."""
    for source, folder in (("workspace", workspace.templates), ("built-in", builtin_dir())):
        path = folder / f"{PLAN_TEMPLATE}.ipynb"
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            continue
        with _templates_lock:
            return _template_category(str(path), source, stamp)
    return None


@functools.lru_cache(maxsize=8)
def _template_category(path: str, source: str, stamp: int) -> str | None:
    return load_template(Path(path), source).category


def _plan_data(workspace: Workspace, values: dict[str, Any]) -> dict[str, Any]:
    cats = workspace.settings.categories
    category = _default_category(workspace)
    default = category if category in cats else None
    return plan_data(values.get("goal"), values.get("category"), values.get("resources"), values.get("hours"),
                     bool(values.get("private")), cats, default)


def _outcome_data(workspace: Workspace, values: dict[str, Any]) -> dict[str, Any]:
    return outcome_data(values.get("summary"), values.get("status") or "done", values.get("hours"),
                        values.get("links"), values.get("next_steps"), values.get("expenses"),
                        bool(values.get("private")), workspace.settings.currency, values.get("pulled_into_work"))


def _start(workspace: Workspace, member: Member, week: Week, goal: str) -> tuple[Path, str]:
    """A workbook for a plan made in chat: `ldkit new blank --title GOAL` (a free title if that one is taken)."""
    first = " ".join((goal.strip().splitlines() or [""])[0].split())[:MAX_TITLE // 2].strip() or "Learning Day"
    for attempt in range(1, 20):
        title = first if attempt == 1 else f"{first} ({attempt})"
        try:
            with _templates_lock:
                made, _ = start_workbook(workspace, PLAN_TEMPLATE, title=title, week=week, author=member.slug)
            return made.path, made.title
        except InputError as exc:
            if "already exists" not in exc.message:
                raise
    raise InputError(f"too many workbooks titled {first!r} in {week}")


def _saved(path: Path, title: str, kind: str, data: dict[str, Any], changed: list[Path], week: Week, esc: Escape,
           again: str) -> Answer:
    _, problem = log_record(path, kind, data)
    changed = [*changed, path, journal_path(path)]
    private = " (private: only counted, never shown)" if data.get("visibility") == "private" else ""
    what = (f"your plan: {esc(data['goal'])}" if kind == "plan"
            else f"your outcome ({data['status']}): {esc(data['summary'])}")
    text = (f"Saved {what}{private}\nin “{esc(title)}” ({week}). To change it, say it again: {again}, "
            f"or `{COMMAND}` alone for the form.")
    if problem:
        text += f"\n(The notebook file itself could not be updated; the journal has it: {esc(problem)})"
    return Answer(text, kind, changed)


def save_form(workspace: Workspace, member: Member, form: Form, esc: Escape,
              now: dt.datetime | None = None) -> Answer:
    """A modal's or dialog's submission; a RecordError (with its `field`) goes back to the form to show."""
    week = week_for(member, now) if not form.values.get("week") else parse_week(str(form.values["week"]))
    with WORK_TREE.shared(), _lock(member.slug):
        workbooks = listed_workbooks(workspace, week, member)
        chosen = next((wb for value, _, wb in _choices(workspace, workbooks) if value == form.workbook), None)
        if chosen is None and len(workbooks) == 1 and not form.workbook:
            chosen = workbooks[0]
        if form.kind == "plan":
            data = _plan_data(workspace, form.values)
            if chosen is None and workbooks:
                raise RecordError("choose the workbook this plan belongs to", field="Workbook")
            changed = []
            if chosen is None:
                path, title = _start(workspace, member, week, str(form.values.get("goal") or ""))
                changed.append(path)
            else:
                path, title = chosen.path, _title(chosen)
            return _saved(path, title, "plan", data, changed, week, esc, f"`{COMMAND} plan GOAL`")
        data = _outcome_data(workspace, form.values)
        if chosen is None:
            raise RecordError("choose the workbook this outcome belongs to" if workbooks else
                              f"you have no workbook in {week} yet: plan first", field="Workbook")
        refuse_future_week(workspace, chosen.identity, now, hint=FUTURE_HINT)
        return _saved(chosen.path, _title(chosen), "outcome", data, [], week, esc, f"`{COMMAND} done SUMMARY`")


def form_context(workspace: Workspace, member: Member, kind: str | None = None,
                 now: dt.datetime | None = None) -> dict[str, Any]:
    """What a form needs: the kind to ask (plan until there is one, then the outcome), the week, the workbooks,
    the categories and the current values (saying it again replaces them)."""
    week = week_for(member, now)
    with WORK_TREE.shared():
        return _form_context(workspace, member, week, kind)


def _form_context(workspace: Workspace, member: Member, week: Week, kind: str | None) -> dict[str, Any]:
    workbooks = workbooks_of(workspace, week, member)
    if kind is None:
        kind = "outcome" if any(wb.records.plan for wb in workbooks) else "plan"
    current: dict[str, Any] = {}
    only = workbooks[0] if len(workbooks) == 1 else None
    if only is not None:
        record = only.records.plan if kind == "plan" else only.records.outcome
        current = dict(record["data"]) if record else {}
    # last time's next steps, offered as the goal of a plan not yet written (workbook/carry: a private one hands
    # nothing on): the workbook's own carry_over, or what starting one now would carry over
    offered = None
    if kind == "plan" and not current:
        offered = carried(only.identity) if only is not None else \
            offered_goal(workspace, member.slug, week) if not workbooks else None
    return {"kind": kind, "week": str(week), "categories": list(workspace.settings.categories),
            "workbooks": [(value, label) for value, label, _ in _choices(workspace, workbooks)], "current": current,
            "statuses": list(STATUSES), "pulled_into_work": list(PULLED_INTO_WORK), "offered": offered}


def status_text(workspace: Workspace, member: Member, week: Week, esc: Escape) -> str:
    """Your week (titles, plan, outcome) and the team's in numbers only: nobody else's titles, nothing private."""
    view = week_status(workspace, week)
    mine = next((p for p in view["authors"] if p["author"] == member.slug), None)
    lines = [f"*Your Learning Day {week}*"]
    if mine and mine["week_off"] is not None:
        lines.append("You take this week off" + (f" ({esc(mine['week_off'])})" if mine["week_off"] else "") + ".")
    entries = mine["workbooks"] if mine else []
    for n, entry in enumerate(entries, start=1):
        outcome = entry["outcome"] or "no outcome yet"
        lines.append(f"#{n} {esc(str(entry['title']))}: plan {'saved' if entry['plan'] else 'not yet'}, "
                     f"outcome {outcome}" + (f", {entry['hours']:g} h" if entry["hours"] is not None else ""))
    if not entries and not (mine and mine["week_off"] is not None):
        lines.append(f"Nothing yet: `{COMMAND} plan GOAL` starts your day.")
    people = [p for p in view["authors"] if p["on_roster"] is not False]
    planned = sum(1 for p in people if any(w["plan"] for w in p["workbooks"]))
    summarized = sum(1 for p in people if any(w["outcome"] for w in p["workbooks"]))
    off = sum(1 for p in people if p["week_off"] is not None)
    lines.append(f"*The team*: {len(people)} people, {planned} planned, {summarized} summarized, {off} off, "
                 f"{len(view['missing'])} not started.")
    return "\n".join(lines)
