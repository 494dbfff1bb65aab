"""Markdown views of a record (the `text/markdown` half of a record output), safe to render anywhere."""
from __future__ import annotations

import datetime as dt
import html
from typing import Any

from ldkit.core.text import display_tree, escape_markdown
from ldkit.records.privacy import is_private


def local_time(saved_at: str) -> dt.datetime:
    """RFC 3339 UTC -> local time, for 'Saved at HH:MM'."""
    stamp = dt.datetime.strptime(saved_at.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z" if "." in saved_at
                                 else "%Y-%m-%dT%H:%M:%S%z")
    return stamp.astimezone()


def markdown_body(text: str) -> str:
    """Keep Markdown formatting but make any HTML show as text: a summary can never carry script."""
    return html.escape(text, quote=False)


def _line(label: str, value: Any) -> str:
    return f"- **{label}:** {value}\n"


def last_time(carry: dict[str, Any] | None) -> str:
    """ "Last time (2026-W48): <next steps>" for a plan whose workbook was handed them (workbook/carry)."""
    if not carry or not str(carry.get("next_steps") or "").strip():
        return ""
    week = escape_markdown(str(carry.get("week") or "before"))
    return _line(f"Last time ({week})", escape_markdown(str(carry["next_steps"])))


def record_card(record: dict[str, Any], carry: dict[str, Any] | None = None) -> str:
    """The record as Markdown; `carry` (the workbook's carry_over) puts last time's next steps on a plan's card."""
    kind, data = record["kind"], display_tree(record["data"])
    saved = local_time(record["saved_at"]).strftime("%Y-%m-%d %H:%M")
    private = " · private" if is_private(record) else ""
    if kind == "plan":
        text = f"**Plan** · saved {saved}{private}\n\n"
        text += last_time(carry)
        text += _line("Goal", escape_markdown(data["goal"]))
        text += _line("Category", escape_markdown(data["category"]))
        if data.get("planned_hours") is not None:
            text += _line("Planned hours", f"{data['planned_hours']:g}")
        for resource in data.get("resources", []):
            text += _line("Resource", escape_markdown(resource))
        return text
    if kind == "outcome":
        quoted = "\n".join("> " + line for line in markdown_body(data["summary"]).splitlines())
        text = f"**Outcome: {data['status']}** · saved {saved}{private}\n\n{quoted}\n\n"
        if data.get("hours") is not None:
            text += _line("Hours", f"{data['hours']:g}")
        for link in data.get("links", []):
            text += _line("Link", escape_markdown(link))
        if data.get("next_steps"):
            text += _line("Next steps", escape_markdown(data["next_steps"]))
        for cost in data.get("expenses", []):
            text += _line("Expense", f"{escape_markdown(cost['item'])}: {cost['amount']:g} {cost['currency']}")
        return text
    return f"**{kind}** · saved {saved}\n"


def empty_card(kind: str, carry: dict[str, Any] | None = None) -> str:
    text = f"*No {kind} saved yet: fill in the form above and press Save {kind}.*"
    return text + ("\n\n" + last_time(carry) if kind == "plan" and last_time(carry) else "")
