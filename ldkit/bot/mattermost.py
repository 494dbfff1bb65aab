"""Mattermost: the slash command's token, its payload, ephemeral replies, and the interactive dialog.

A dialog's submission carries no token, so the dialog's `state` is signed with the command's token (HMAC) and
names the member it was opened for: a forged or altered submission is refused with 401.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from ldkit.bot.answers import Form
from ldkit.bot.fields import Field, field_for, form_fields
from ldkit.core.text import escape_markdown

CALLBACK = "ldkit-form"


def escape(text: str) -> str:
    """Markdown escaped, and `@` kept from mentioning anyone (@channel, @all)."""
    return escape_markdown(str(text)).replace("@", "@\u200b")


def verify(token: str, headers: Mapping[str, str], fields: Mapping[str, str]) -> bool:
    """`Authorization: Token <token>` (or the `token` field Mattermost also sends) equals MATTERMOST_TOKEN."""
    if not token:
        return False
    given = headers.get("authorization", "")
    given = given[len("Token "):].strip() if given.startswith("Token ") else fields.get("token", "")
    return hmac.compare_digest(given.encode(), token.encode())


def ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}


def _mac(token: str, state: dict[str, Any]) -> str:
    message = json.dumps({k: state[k] for k in sorted(state) if k != "mac"}, sort_keys=True).encode()
    return hmac.new(token.encode(), message, hashlib.sha256).hexdigest()


def signed_state(token: str, kind: str, week: str, slug: str, user: str) -> str:
    state = {"kind": kind, "week": week, "slug": slug, "user": user}
    return json.dumps({**state, "mac": _mac(token, state)})


def check_state(token: str, raw: str) -> dict[str, Any] | None:
    try:
        state = json.loads(raw or "")
    except ValueError:
        return None
    if not isinstance(state, dict) or not token or not isinstance(state.get("mac"), str):
        return None
    return state if hmac.compare_digest(state["mac"], _mac(token, state)) else None


def _element(f: Field) -> dict[str, Any]:
    base: dict[str, Any] = {"display_name": f.label, "name": f.name, "optional": f.optional}
    if f.hint:
        base["help_text"] = f.hint
    if f.kind == "text":
        return {**base, "type": "text", "default": f.initial, "max_length": 150}
    if f.kind == "textarea":
        return {**base, "type": "textarea", "default": f.initial, "max_length": 3000}
    if f.kind == "select":
        return {**base, "type": "select", "default": f.initial,
                "options": [{"text": label, "value": value} for value, label in f.options]}
    return {**base, "type": "bool", "placeholder": f.options[0][1], "default": "true" if f.initial else "false"}


def dialog(context: dict[str, Any], state: str) -> dict[str, Any]:
    title = "Your plan" if context["kind"] == "plan" else "What you learned"
    return {"callback_id": CALLBACK, "title": title, "submit_label": "Save", "notify_on_cancel": False,
            "state": state, "elements": [_element(f) for f in form_fields(context)]}


def submitted(payload: dict[str, Any], state: dict[str, Any]) -> Form:
    values = dict(payload.get("submission") or {})
    values["private"] = values.get("private") in (True, "true")
    values["week"] = state.get("week")
    kind = "outcome" if state.get("kind") == "outcome" else "plan"
    return Form(kind, values, values.pop("workbook", None))


def form_errors(context: dict[str, Any], label: str | None, message: str) -> dict[str, Any]:
    target = field_for(label, form_fields(context))
    return {"errors": {target.name if target else "goal": message[:300]}}
