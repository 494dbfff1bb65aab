"""Carry-over and tracks: a week's workbook picks up where the last one stopped.

- **Carry-over**: when a member starts a week, the next steps of their most recent outcome before it are offered as
  the new plan's goal (the plan form shows them under "Last time:"), recorded in `metadata.ldkit.carry_over`.
- **Tracks**: `--track NAME` or `--continue WORKBOOK` tie workbooks across weeks (`metadata.ldkit.track`), so four
  weeks of one course are one track, not four unrelated workbooks. Continuing a workbook that had no track starts
  one named after it, and the continued workbook belongs to it through `continues`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError
from ldkit.core.layout import url_slug
from ldkit.core.weeks import Week, parse_week
from ldkit.core.workspace import Workspace
from ldkit.records.privacy import workbook_private
from ldkit.records.scan import scan
from ldkit.records.workbook import Workbook, load_workbook, track_of

LOOK_BACK = 12  # weeks searched for the last next steps


def track_named(name: str) -> dict[str, str]:
    """`--track NAME` -> {slug, name}; the slug is how pages and stats group the track."""
    text = " ".join(str(name).split())
    if not text:
        raise InputError("--track needs a name, e.g. --track 'RL course'")
    return {"slug": url_slug(text), "name": text[:200]}  # a name of no letters ("🚀") still gets a safe slug


def carry_from(workbook: Workbook) -> dict[str, Any] | None:
    """What a workbook hands to the next week: its outcome's next steps (a private workbook hands on nothing)."""
    outcome = workbook.records.outcome
    steps = str(outcome["data"].get("next_steps") or "").strip() if outcome else ""
    if not steps or workbook_private(workbook):
        return None
    return {"from": workbook.id, "week": str(workbook.identity.get("week") or ""), "next_steps": steps}


def carried(identity: dict[str, Any]) -> dict[str, Any] | None:
    """What a workbook was handed when it was made (`carry_over`: from, week, next_steps), or None."""
    carry = identity.get("carry_over")
    if isinstance(carry, dict) and str(carry.get("next_steps") or "").strip():
        return carry
    return None


def offered_goal(workspace: Workspace, author: str, week: Week) -> dict[str, Any] | None:
    """The goal offered to `author` starting `week` before any workbook exists (the home panel, the chat modal):
    what `ldkit new` would carry over into it. The same rule as `continuing`, so every way of starting agrees."""
    previous = last_workbook(workspace, author, week)
    return carry_from(previous) if previous is not None else None


def last_workbook(workspace: Workspace, author: str, before: Week) -> Workbook | None:
    """The member's most recent workbook with next steps in the LOOK_BACK weeks before `before`."""
    week = before
    for _ in range(LOOK_BACK):
        week = week.previous()
        folder = workspace.week_folder(week) / author
        if not folder.is_dir():
            continue
        workbooks, _ = scan(folder, workspace.root)
        found = [wb for wb in workbooks if carry_from(wb)]
        if found:
            return max(found, key=lambda wb: str(wb.records.outcome["saved_at"]))  # type: ignore[index]
    return None


def continuing(workspace: Workspace, author: str, week: Week, track: str | None = None,
               continue_from: Path | None = None) -> dict[str, Any]:
    """The identity fields a new workbook of `author` in `week` gets: track, continues, carry_over."""
    fields: dict[str, Any] = {}
    previous: Workbook | None
    if continue_from is not None:
        path = Path(continue_from)
        if not workspace.contains(path):
            raise InputError(f"--continue {path}: not a workbook of this workspace")
        previous = load_workbook(path)
        if previous.author != author:
            raise InputError(f"--continue {path}: that is {previous.author}'s workbook, not {author}'s",
                             hint="continue one of your own workbooks")
        if parse_week(str(previous.identity.get("week") or "")) >= week:
            raise InputError(f"--continue {path}: it is not from an earlier week than {week}")
        private = workbook_private(previous)
        if track and not private:
            raise InputError("--track and --continue do not go together: a continued workbook keeps its track",
                             hint="ldkit new blank --continue workbooks/2026-W48/ada/rl-course.ipynb")
        if private and not track:  # its track's name or its title would name the new, shared workbook's track
            raise InputError(f"--continue {path}: that workbook is private, and a private workbook hands nothing "
                             "on (its track and title would show on the shared pages)",
                             hint="name the track yourself: --continue … --track NAME")
        fields["track"] = track_named(track) if track else \
            track_of(previous.identity) or track_named(str(previous.identity.get("title") or path.stem))
        fields["continues"] = previous.id
    else:
        previous = last_workbook(workspace, author, week)
        if track:
            fields["track"] = track_named(track)
    carry = carry_from(previous) if previous is not None else None
    if carry:
        fields["carry_over"] = carry
    return fields
