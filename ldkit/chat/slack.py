"""Slack incoming webhooks: the week as Block Kit (mrkdwn escaped, within Slack's size limits)."""
from __future__ import annotations

from typing import Any

from ldkit.model.company import CompanyWeek, summary_lines
from ldkit.model.week import WeekModel, person_lines

MAX_BLOCKS = 50  # Slack's limit per message
MAX_SECTION = 3000  # characters in one section's text
MAX_HEADER = 150


def mrkdwn(text: str) -> str:
    """Slack's three escapes; with them no summary can ping a channel or forge a link."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks_for(model: WeekModel, digest_path: str) -> list[dict[str, Any]]:
    header = model.heading()[:MAX_HEADER]  # plain_text: shown as it is, never read as mrkdwn
    numbers = model.totals.sentence(strong="*")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header}},
        {"type": "section", "text": {"type": "mrkdwn", "text": numbers}},
        {"type": "divider"},
    ]
    lines = []
    for person, said in person_lines(model, mrkdwn, lambda note: f"_({mrkdwn(note)})_"):
        line = f"*{mrkdwn(model.name_of(person.author))}* — {said}"
        lines.append(line[:MAX_SECTION - 10])
    room = MAX_BLOCKS - len(blocks) - 2  # keep space for the "more" line and the footer
    shown = lines[:room]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": line}} for line in shown]
    if len(lines) > len(shown):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text":
                       f"…and {len(lines) - len(shown)} more: see the digest."}})
    missing = [model.name_of(a) for a in model.accountability.no_workbook]
    footer = f"Full digest: {mrkdwn(digest_path)}"
    waiting = [model.name_of(a) for a in model.accountability.planned_no_outcome]
    if waiting:
        footer += f" · planned, no outcome yet: {mrkdwn(', '.join(waiting))}"
    if missing:
        footer += f" · no workbook this week: {mrkdwn(', '.join(missing))}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer[:MAX_SECTION]}]})
    return blocks


def digest_payload(model: WeekModel, digest_path: str) -> dict[str, Any]:
    """The whole message: blocks plus the plain-text fallback notifications show."""
    fallback = f"{model.heading(mrkdwn)}: {model.totals.people} took part"
    return {"text": fallback, "blocks": blocks_for(model, digest_path)}


def company_payload(model: CompanyWeek, link: str) -> dict[str, Any]:
    """The company summary: its numbers, one line per team (team names escaped like all user text)."""
    lines = summary_lines(model, mrkdwn, "*") + [f"Every team's digest: {mrkdwn(link)}"]
    sections: list[str] = []
    for line in lines:  # as many lines in a section as fit
        if sections and len(sections[-1]) + 1 + len(line) <= MAX_SECTION:
            sections[-1] += "\n" + line
        else:
            sections.append(line[:MAX_SECTION])
    if len(sections) > MAX_BLOCKS:
        sections = sections[:MAX_BLOCKS - 1] + [f"…and more teams: see the digest, {mrkdwn(link)}"]
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}} for text in sections]
    return {"text": f"Learning Day {model.week}, every team: {model.sentence()}", "blocks": blocks}


def reminder_payload(text: str, mentions: list[tuple[str, str]]) -> dict[str, Any]:
    """`mentions`: (display name, chat id); a Slack mention is <@U024BE7LH>, a name without an id stays text."""
    who = ", ".join(f"<@{mrkdwn(chat)}>" if chat else mrkdwn(name) for name, chat in mentions)
    message = text.replace("{who}", who)
    return {"text": message, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": message[:MAX_SECTION]}}]}
