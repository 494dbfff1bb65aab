"""Post a week's digest to a Slack incoming webhook (Block Kit, mrkdwn), once per week unless reposted."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ldkit.atomic import atomic_write
from ldkit.digest.model import one_line
from ldkit.errors import InputError, LdkitError
from ldkit.net import NetworkError, request
from ldkit.records.schema import now_rfc3339

MAX_BLOCKS = 50  # Slack's limit per message
MAX_SECTION = 3000  # characters in one section's text
MAX_HEADER = 150
MARKER = "posted.json"


def check_webhook(url: str) -> None:
    """A webhook must be an http(s) URL with a host; the message never repeats it (it is a secret)."""
    parsed = urlparse(url or "")
    if parsed.scheme not in ("https", "http") or not parsed.netloc:
        raise InputError("--post needs a webhook URL such as https://hooks.slack.com/services/…; "
                         "the value given is not one (it is not repeated here, in case it is a secret)")


def mrkdwn(text: str) -> str:
    """Slack's three escapes; with them no summary can ping a channel or forge a link."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks_for(model: dict[str, Any], digest_path: str) -> list[dict[str, Any]]:
    t = model["totals"]
    header = f"Learning Day {model['week']}"[:MAX_HEADER]
    numbers = (f"*{t['people']} took part* · {t['planned']} planned · {t['summarized']} summarized · "
               f"{t['hours']:g} h")
    if t["results"]["total"]:
        numbers += f" · {t['results']['text']}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header}},
        {"type": "section", "text": {"type": "mrkdwn", "text": numbers}},
        {"type": "divider"},
    ]
    lines = []
    for person in model["people"]:
        for wb in person["workbooks"]:
            text, note = one_line(wb)
            what = f"{mrkdwn(text)} _({note})_" if text else f"_{note}_"
            line = f"*{mrkdwn(person['author'])}* — {mrkdwn(wb['title'])}: {what}"
            lines.append(line[:MAX_SECTION - 10])
    room = MAX_BLOCKS - len(blocks) - 2  # keep space for the "more" line and the footer
    shown = lines[:room]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": line}} for line in shown]
    if len(lines) > len(shown):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text":
                       f"…and {len(lines) - len(shown)} more: see the digest."}})
    missing = model["accountability"]["no_workbook"]
    footer = f"Full digest: {mrkdwn(digest_path)}"
    if missing:
        footer += f" · no workbook this week: {mrkdwn(', '.join(missing))}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer[:MAX_SECTION]}]})
    return blocks


def post_week(model: dict[str, Any], folder: Path, webhook: str, digest_path: str, repost: bool = False) -> Path:
    """Post once; the marker file in the digest folder remembers it (without the URL)."""
    check_webhook(webhook)
    marker = Path(folder) / MARKER
    if marker.exists() and not repost:
        try:
            when = json.loads(marker.read_text()).get("posted_at", "earlier")
        except (OSError, ValueError):
            when = "earlier"
        raise InputError(f"{model['week']} was already posted ({when}); nothing was sent",
                         hint="pass --repost to post it again")
    blocks = blocks_for(model, digest_path)
    fallback = f"Learning Day {model['week']}: {model['totals']['people']} took part"
    try:
        status, body, _ = request("POST", webhook, service="the chat webhook",
                                  json_body={"text": fallback, "blocks": blocks})
    except NetworkError as exc:
        raise LdkitError(f"posting {model['week']} failed: {exc.message}",
                         hint="the digest itself was built; run again with --post later") from None
    if status >= 400:
        detail = body.decode("utf-8", "replace").strip()[:200]
        raise LdkitError(f"posting {model['week']} failed: the chat webhook answered HTTP {status}"
                         + (f" ({detail})" if detail else ""),
                         hint="check that the webhook is still active; the digest itself was built")
    atomic_write(marker, json.dumps({"week": model["week"], "posted_at": now_rfc3339(), "blocks": len(blocks)},
                                    indent=1))
    return marker
