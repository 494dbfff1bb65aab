"""The plan and outcome forms as chat shows them: the same fields, labels and checks as the notebook forms.

Slack's modal and Mattermost's dialog are both drawn from `form_fields`; a `RecordError.field` (the label the
checks name) maps back to the field that shows the message.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    name: str  # the key `answers.save_form` reads
    label: str  # the label the record checks name in RecordError.field
    kind: str  # text | textarea | select | check
    optional: bool = True
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    initial: str = ""
    hint: str = ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_fields(context: dict[str, Any]) -> list[Field]:
    kind, current = context["kind"], context["current"]
    fields: list[Field] = []
    if len(context["workbooks"]) > 1:
        fields.append(Field("workbook", "Workbook", "select", False,
                            tuple((wid, title[:70]) for wid, title in context["workbooks"])))
    private = "private" if current.get("visibility") == "private" else ""
    if kind == "plan":
        offered = context.get("offered") or {}  # last time's next steps (bot.answers.form_context)
        fields += [
            Field("goal", "Goal", "textarea", False, initial=_text(current.get("goal") or offered.get("next_steps")),
                  hint=f"Last time ({offered.get('week') or 'before'}): your next steps; change them as you like"
                  if offered and not current.get("goal") else "What you plan to learn today"),
            Field("category", "Category", "select", False, tuple((c, c) for c in context["categories"]),
                  _text(current.get("category"))),
            Field("resources", "Resources", "textarea", initial=_text(current.get("resources")),
                  hint="Links, book titles or arXiv ids, one a line"),
            Field("hours", "Planned hours", "text", initial=_text(current.get("planned_hours")), hint="0 to 24"),
        ]
    else:
        expenses = [f"{e['item']} = {e['amount']} {e['currency']}" for e in current.get("expenses") or []]
        fields += [
            Field("summary", "Summary", "textarea", False, initial=_text(current.get("summary")),
                  hint="What you learned (Markdown)"),
            Field("status", "Status", "select", False, tuple((s, s) for s in context["statuses"]),
                  _text(current.get("status")) or "done"),
            Field("hours", "Hours", "text", initial=_text(current.get("hours")), hint="0 to 24"),
            Field("links", "Links", "textarea", initial=_text(current.get("links")), hint="One a line"),
            Field("next_steps", "Next steps", "textarea", initial=_text(current.get("next_steps"))),
            Field("expenses", "Expenses", "textarea", initial="\n".join(expenses),
                  hint="item = amount currency, one a line"),
            Field("pulled_into_work", "Pulled into work", "select",
                  options=tuple((answer, answer) for answer in context.get("pulled_into_work", ())),
                  initial=_text(current.get("pulled_into_work")),
                  hint="Did daily work take some of the day? Only the share is shown, to the organizer"),
        ]
    fields.append(Field("private", "Private", "check", options=(("private", "Keep it out of the shared digest"),),
                        initial=private))
    return fields


def field_for(label: str | None, fields: list[Field]) -> Field | None:
    """The field a RecordError names (`field` is its label); the first field when it names none."""
    for f in fields:
        if label and f.label.casefold() == label.casefold():
            return f
    return next((f for f in fields if f.kind != "check"), None)
