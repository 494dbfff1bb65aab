"""Mattermost incoming webhooks: the week (or a reminder) as one Markdown message, within Mattermost's limits."""
from __future__ import annotations

from typing import Any

from ldkit.model.week import WeekModel, one_line

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
    lines = [f"#### Learning Day {model.week}",
             model.totals.sentence(strong="**")]
    for person, wb in model.workbooks():
        what, note = one_line(wb)
        lines.append(f"- **{plain(person.author)}** — {plain(wb.title)}: " + (f"{plain(what)} _({note})_" if what
                                                                                   else f"_{note}_"))
    missing = model.accountability.no_workbook
    lines.append(f"Full digest: {plain(link)}" + (f" · no workbook this week: {plain(', '.join(missing))}"
                                                  if missing else ""))
    return {"text": _fit(lines)}


def reminder_payload(text: str, mentions: list[tuple[str, str]]) -> dict[str, Any]:
    """`mentions`: (display name, chat id); a Mattermost mention is @username."""
    who = ", ".join(f"@{chat}" if chat else plain(name) for name, chat in mentions)
    return {"text": _fit([text.replace("{who}", who)])}
