"""Slack: request signatures (slack_sdk's SignatureVerifier), slash-command and interaction payloads, the modal,
ephemeral replies, and the Web API calls (`views.open`, `chat.postMessage`) through slack_sdk's WebClient."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from ldkit.bot.answers import Form
from ldkit.bot.fields import Field, field_for, form_fields

CALLBACK = "ldkit-form"
OPEN_ACTION = "ldkit-open-form"
MAX_INPUT = 3000  # Slack's limit for a plain_text_input


def escape(text: str) -> str:
    """Slack's own escaping for message text: `&`, `<`, `>` — so no link, mention (<!channel>) or markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def verify(secret: str, body: bytes, headers: Mapping[str, str], clock: Any = None) -> bool:
    """Slack's check: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`, the timestamp within 5 minutes."""
    from slack_sdk.signature import Clock, SignatureVerifier

    if not secret:
        return False
    verifier = SignatureVerifier(secret, clock=clock or Clock())
    try:
        return verifier.is_valid(body, headers.get("x-slack-request-timestamp"), headers.get("x-slack-signature"))
    except (ValueError, TypeError):  # a timestamp that is not a number
        return False


def form_body(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


def ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}


def web_client(token: str, base_url: str) -> Any:
    from slack_sdk import WebClient

    # no retry handlers: a message is sent once, and a retry after a broken connection could send it twice
    return WebClient(token=token, base_url=base_url, timeout=5, retry_handlers=[])


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150] or " ", "emoji": False}


def _element(f: Field) -> dict[str, Any]:
    if f.kind in ("text", "textarea"):
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "multiline": f.kind == "textarea",
                                   "max_length": MAX_INPUT}
        if f.initial:
            element["initial_value"] = f.initial[:MAX_INPUT]
        if f.hint:
            element["placeholder"] = _plain(f.hint)
        return element
    options = [{"text": _plain(label), "value": value} for value, label in f.options]
    if f.kind == "select":
        element = {"type": "static_select", "action_id": "value", "options": options}
        chosen = [o for o in options if o["value"] == f.initial]
        if chosen:
            element["initial_option"] = chosen[0]
        return element
    element = {"type": "checkboxes", "action_id": "value", "options": options}
    if f.initial:
        element["initial_options"] = options
    return element


def modal(context: dict[str, Any]) -> dict[str, Any]:
    """The plan or outcome form as a Slack modal; `private_metadata` carries the kind and week back."""
    blocks = [{"type": "input", "block_id": f.name, "label": _plain(f.label), "optional": f.optional,
               "element": _element(f)} for f in form_fields(context)]
    title = "Your plan" if context["kind"] == "plan" else "What you learned"
    return {"type": "modal", "callback_id": CALLBACK, "title": _plain(title), "submit": _plain("Save"),
            "close": _plain("Cancel"), "blocks": blocks,
            "private_metadata": json.dumps({"kind": context["kind"], "week": context["week"]})}


def submitted(payload: dict[str, Any]) -> tuple[str, Form]:
    """A `view_submission` -> (the Slack user id, the form's values)."""
    view = payload.get("view") or {}
    meta = json.loads(view.get("private_metadata") or "{}")
    values: dict[str, Any] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        action = (actions or {}).get("value") or {}
        if "selected_options" in action:
            values[block_id] = bool(action["selected_options"])
        elif "selected_option" in action:
            values[block_id] = (action["selected_option"] or {}).get("value")
        else:
            values[block_id] = action.get("value")
    kind = "outcome" if meta.get("kind") == "outcome" else "plan"
    values["week"] = meta.get("week")
    return str((payload.get("user") or {}).get("id", "")), Form(kind, values, values.pop("workbook", None))


def form_errors(context: dict[str, Any], label: str | None, message: str) -> dict[str, Any]:
    target = field_for(label, form_fields(context))
    return {"response_action": "errors", "errors": {target.name if target else "goal": message[:300]}}


def reminder_blocks(text: str, kind: str) -> list[dict[str, Any]]:
    """A reminder in a direct message, with a button that opens the form."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {"type": "actions", "elements": [{"type": "button", "action_id": OPEN_ACTION, "value": kind,
                                              "text": _plain("Open the plan form" if kind == "plan"
                                                             else "Open the outcome form")}]}]
