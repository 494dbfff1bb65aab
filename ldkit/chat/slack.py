"""Slack incoming webhooks: the week as Block Kit (mrkdwn escaped, within Slack's size limits)."""
from __future__ import annotations

from typing import Any

from ldkit.model.week import WeekModel, one_line

MAX_BLOCKS = 50  # Slack's limit per message
MAX_SECTION = 3000  # characters in one section's text
MAX_HEADER = 150


def mrkdwn(text: str) -> str:
    """Slack's three escapes; with them no summary can ping a channel or forge a link."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks_for(model: WeekModel, digest_path: str) -> list[dict[str, Any]]:
    header = f"Learning Day {model.week}"[:MAX_HEADER]
    numbers = model.totals.sentence(strong="*")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header}},
        {"type": "section", "text": {"type": "mrkdwn", "text": numbers}},
        {"type": "divider"},
    ]
    lines = []
    for person, wb in model.workbooks():
        text, note = one_line(wb)
        what = f"{mrkdwn(text)} _({note})_" if text else f"_{note}_"
        line = f"*{mrkdwn(person.author)}* — {mrkdwn(wb.title)}: {what}"
        lines.append(line[:MAX_SECTION - 10])
    room = MAX_BLOCKS - len(blocks) - 2  # keep space for the "more" line and the footer
    shown = lines[:room]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": line}} for line in shown]
    if len(lines) > len(shown):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text":
                       f"…and {len(lines) - len(shown)} more: see the digest."}})
    missing = model.accountability.no_workbook
    footer = f"Full digest: {mrkdwn(digest_path)}"
    if missing:
        footer += f" · no workbook this week: {mrkdwn(', '.join(missing))}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer[:MAX_SECTION]}]})
    return blocks


def digest_payload(model: WeekModel, digest_path: str) -> dict[str, Any]:
    """The whole message: blocks plus the plain-text fallback notifications show."""
    fallback = f"Learning Day {model.week}: {model.totals.people} took part"
    return {"text": fallback, "blocks": blocks_for(model, digest_path)}


def reminder_payload(text: str, mentions: list[tuple[str, str]]) -> dict[str, Any]:
    """`mentions`: (display name, chat id); a Slack mention is <@U024BE7LH>, a name without an id stays text."""
    who = ", ".join(f"<@{mrkdwn(chat)}>" if chat else mrkdwn(name) for name, chat in mentions)
    message = text.replace("{who}", who)
    return {"text": message, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": message[:MAX_SECTION]}}]}
