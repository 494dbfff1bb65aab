"""Mattermost incoming webhooks: the week (or a reminder) as one Markdown message, within Mattermost's limits."""
from __future__ import annotations

from typing import Any

from ldkit.model.company import CompanyWeek, summary_lines
from ldkit.model.week import WeekModel, person_lines

MAX_TEXT = 16_000  # Mattermost rejects posts over 16,383 characters


def plain(text: str) -> str:
    """User text shown as typed: no mentions (@channel), no Markdown links or emphasis it did not mean."""
    text = str(text).replace("@", "@\u200b")
    for mark in ("\\", "*", "_", "`", "[", "]", "<", ">", "#", "|"):
        text = text.replace(mark, "\\" + mark)
    return text


def _fit(lines: list[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 40].rsplit("\n", 1)[0] + "\n…and more: see the digest."


def digest_payload(model: WeekModel, link: str) -> dict[str, Any]:
    lines = [f"#### {model.heading(plain)}",
             model.totals.sentence(strong="**")]
    for person, said in person_lines(model, plain, lambda note: f"_({plain(note)})_"):
        lines.append(f"- **{plain(model.name_of(person.author))}** — {said}")
    missing = [model.name_of(a) for a in model.accountability.no_workbook]
    waiting = [model.name_of(a) for a in model.accountability.planned_no_outcome]
    if waiting:
        lines.append(f"Planned, no outcome yet: {plain(', '.join(waiting))}")
    lines.append(f"Full digest: {plain(link)}" + (f" · no workbook this week: {plain(', '.join(missing))}"
                                                  if missing else ""))
    return {"text": _fit(lines)}


def company_payload(model: CompanyWeek, link: str) -> dict[str, Any]:
    """The company summary: its numbers, one line per team (team names escaped like all user text)."""
    return {"text": _fit(summary_lines(model, plain, "**") + [f"Every team's digest: {plain(link)}"])}


def reminder_payload(text: str, mentions: list[tuple[str, str]]) -> dict[str, Any]:
    """`mentions`: (display name, chat id); a Mattermost mention is @username."""
    who = ", ".join(f"@{chat}" if chat else plain(name) for name, chat in mentions)
    return {"text": _fit([text.replace("{who}", who)])}
