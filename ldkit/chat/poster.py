"""Posting to chat exactly once per workspace, week and kind — or saying honestly that it may have been posted.

One place holds the rules every message (digest, reminders) follows:
- a lock per workspace, week and kind, so two runs at the same moment send one message;
- a marker under the workspace's `.ldkit-cache/posted/` (not the `--out` folder), written *before* sending as
  "sending", then "posted", or "maybe" when the body left but no success came back (timeout, 5xx, a crash);
- no redirect is followed with a message, and a retry happens only when nothing was delivered (net.post_json).
The marker never holds the webhook URL: it is a secret.
"""
from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ldkit.core.errors import AlreadyPosted, InputError, LdkitError
from ldkit.core.files import atomic_write, locked, make_folder
from ldkit.core.net import MaybeDelivered, NotDelivered, post_json
from ldkit.core.workspace import Workspace
from ldkit.records.schema import now_rfc3339


def check_webhook(url: str, option: str = "--post") -> None:
    """A webhook must be an http(s) URL with a host; the message never repeats it (it is a secret)."""
    parsed = urlparse(url or "")
    if parsed.scheme not in ("https", "http") or not parsed.netloc or not parsed.hostname:
        raise InputError(f"{option} needs a webhook URL such as https://hooks.slack.com/services/…; "
                         "the value given is not one (it is not repeated here, in case it is a secret)")


def marker_path(workspace: Workspace, week: str, kind: str) -> Path:
    """One marker per workspace, week and kind — and per team, for a view of one team (each posts to its own
    webhook, once)."""
    team = f"{workspace.scope}." if workspace.scope else ""
    return workspace.cache / "posted" / f"{week}.{team}{kind}.json"


def read_marker(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"state": "maybe", "at": "earlier"}  # a marker we cannot read: assume the worst, say so
    return data if isinstance(data, dict) else {"state": "maybe", "at": "earlier"}


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    make_folder(path.parent)
    with locked(path.with_suffix(".lock"), doing="post: cannot lock"):
        yield


def _write(path: Path, state: str, week: str, kind: str, **extra: Any) -> None:
    atomic_write(path, json.dumps({"state": state, "week": week, "kind": kind, "at": now_rfc3339(), **extra},
                                  indent=1) + "\n")


def post_once(workspace: Workspace, week: str, kind: str, payload: dict[str, Any], url: str, *,
              what: str, service: str = "the chat webhook", repost: bool = False) -> Path:
    """Send `payload` unless this week's `kind` was (or may have been) posted; returns the marker's path.

    `what` names the message for people ("the digest of 2026-W48")."""
    check_webhook(url)
    marker = marker_path(workspace, week, kind)
    with _locked(marker):
        before = read_marker(marker)
        if before is not None and not repost:
            refuse(before, what)
        send(marker, before, week, kind, payload, url, what=what, service=service)
    return marker


def refuse(before: dict[str, Any], what: str) -> None:
    when = before.get("at", "earlier")
    if before.get("state") == "posted":
        raise AlreadyPosted(f"{what} was already posted ({when}); nothing was sent",
                            hint="pass --repost (--force for reminders) to post it again")
    raise InputError(f"{what} may have been posted ({when}): the last try sent it but got no answer; "
                     "nothing was sent now", hint="check the channel; pass --repost (--force for reminders) to "
                     "send it anyway")


def send(marker: Path, before: dict[str, Any] | None, week: str, kind: str, payload: dict[str, Any], url: str, *,
         what: str, service: str, **record: Any) -> None:
    """Under the caller's lock: mark "sending", post, then mark "posted" (with `record`), or say what happened."""
    _write(marker, "sending", week, kind)
    try:
        post_json(url, payload, service=service)
    except NotDelivered as exc:
        if before is None:
            marker.unlink(missing_ok=True)
        else:
            atomic_write(marker, json.dumps(before, indent=1) + "\n")
        raise LdkitError(f"posting {what} failed: {exc.message}",
                         hint="nothing was delivered; run the same command again later") from None
    except MaybeDelivered as exc:
        _write(marker, "maybe", week, kind, reason=exc.message, **record)
        raise LdkitError(f"{what} may have been posted: {exc.message}",
                         hint="check the channel; a later run will not post it again unless you pass --repost "
                              "(--force for reminders)") from None
    _write(marker, "posted", week, kind, **record)


@contextlib.contextmanager
def exclusive(workspace: Workspace, week: str, kind: str) -> Iterator[tuple[Path, dict[str, Any] | None]]:
    """The marker of `week` and `kind`, under its lock, and what it says now."""
    marker = marker_path(workspace, week, kind)
    with _locked(marker):
        yield marker, read_marker(marker)
