"""Microsoft Teams outgoing webhooks: the HMAC check, the text after the @mention, and the reply message.

Teams signs a request as `Authorization: HMAC base64(HMAC-SHA256(base64-decoded token, raw body))` and calls
only on an @mention. Its replies go to the channel thread (Teams has no ephemeral reply for outgoing webhooks).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import re
from collections.abc import Mapping
from typing import Any

from ldkit.core.text import escape_markdown

_AT = re.compile(r"<at>.*?</at>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def escape(text: str) -> str:
    return html.escape(escape_markdown(str(text)), quote=True)


def verify(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    if not secret:
        return False
    given = headers.get("authorization", "")
    if not given.startswith("HMAC "):
        return False
    try:
        key = base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(given[len("HMAC "):].strip().encode(), expected.encode())


def words_text(payload: dict[str, Any]) -> str:
    """The message after the @mention, as plain text."""
    text = _AT.sub(" ", str(payload.get("text") or ""))
    text = _TAG.sub(" ", text.replace("<br>", "\n").replace("<br/>", "\n"))
    return html.unescape(text).replace("\u00a0", " ").strip()


def user_ids(payload: dict[str, Any]) -> list[str]:
    sender = payload.get("from") or {}
    return [str(sender.get(k) or "") for k in ("aadObjectId", "id", "name")]


def reply(text: str) -> dict[str, Any]:
    return {"type": "message", "text": text}
