"""Microsoft Teams (a Workflows webhook): the week (or a reminder) as an Adaptive Card with real mentions."""
from __future__ import annotations

from typing import Any

from ldkit.model.company import CompanyWeek, summary_lines
from ldkit.model.week import WeekModel, person_lines

MAX_LINES = 40  # a card stays readable (and under Teams' ~28 KB payload)
CARD = "application/vnd.microsoft.card.adaptive"


def plain(text: str) -> str:
    """Adaptive Card text blocks read a Markdown subset: user text is shown as typed."""
    text = str(text)
    for mark in ("\\", "*", "_", "[", "]", "<", ">", "#", "`"):
        text = text.replace(mark, "\\" + mark)
    return text


def _message(body: list[dict[str, Any]], entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                               "type": "AdaptiveCard", "version": "1.4", "body": body}
    if entities:
        content["msteams"] = {"entities": entities}
    return {"type": "message", "attachments": [{"contentType": CARD, "contentUrl": None, "content": content}]}


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def digest_payload(model: WeekModel, link: str) -> dict[str, Any]:
    body = [_text(model.heading(plain), size="Large", weight="Bolder"),
            _text(model.totals.sentence())]
    lines = []
    for person, said in person_lines(model, plain, lambda note: f"({plain(note)})"):
        lines.append(f"**{plain(model.name_of(person.author))}** — {said}")
    body += [_text(line) for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        body.append(_text(f"…and {len(lines) - MAX_LINES} more: see the digest.", isSubtle=True))
    missing = [model.name_of(a) for a in model.accountability.no_workbook]
    waiting = [model.name_of(a) for a in model.accountability.planned_no_outcome]
    if waiting:
        body.append(_text(f"Planned, no outcome yet: {plain(', '.join(waiting))}",
                          isSubtle=True))
    body.append(_text(f"Full digest: {plain(link)}" + (f" · no workbook this week: {plain(', '.join(missing))}"
                                                       if missing else ""), isSubtle=True))
    return _message(body)


def company_payload(model: CompanyWeek, link: str) -> dict[str, Any]:
    """The company summary: its numbers, one line per team (team names escaped like all user text)."""
    first, *teams = summary_lines(model, plain, "**")
    body = [_text(first)] + [_text(line) for line in teams[:MAX_LINES]]
    if len(teams) > MAX_LINES:
        body.append(_text(f"…and {len(teams) - MAX_LINES} more teams: see the digest.", isSubtle=True))
    body.append(_text(f"Every team's digest: {plain(link)}", isSubtle=True))
    return _message(body)


def reminder_payload(text: str, mentions: list[tuple[str, str]]) -> dict[str, Any]:
    """`mentions`: (display name, chat id — a user principal name or AAD id); each becomes a Teams mention."""
    parts, entities = [], []
    for name, chat in mentions:
        label = plain(name or chat)
        if chat:
            parts.append(f"<at>{label}</at>")
            entities.append({"type": "mention", "text": f"<at>{label}</at>", "mentioned": {"id": chat, "name": name}})
        else:
            parts.append(label)
    return _message([_text(text.replace("{who}", ", ".join(parts)))], entities)
