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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ldkit.core.errors import AlreadyPosted, InputError, LdkitError
from ldkit.core.files import atomic_write, locked, make_folder
from ldkit.core.net import MaybeDelivered, NotDelivered, post_json
from ldkit.core.workspace import Workspace
from ldkit.records.schema import now_rfc3339


def check_webhook(url: str, option: str = "--post") -> None:
    """A webhook must be an http(s) URL with a host; the message never repeats it (it is a secret).

    `option` is where the value came from: an option ("--post"), or a variable ("$DATA_WEBHOOK (team data)")."""
    parsed = urlparse(url or "")
    if parsed.scheme not in ("https", "http") or not parsed.netloc or not parsed.hostname:
        if option.startswith("--"):
            raise InputError(f"{option} needs a webhook URL such as https://hooks.slack.com/services/…; "
                             "the value given is not one (it is not repeated here, in case it is a secret)")
        raise InputError(f"{option} is not a webhook URL such as https://hooks.slack.com/services/… (it needs "
                         "https:// and a host; the value is not repeated here, in case it is a secret)",
                         hint="set it to the incoming webhook's full URL")


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


AGAIN = "--repost (--force for reminders)"  # how a user sends again what was (or may have been) posted


def post_once(workspace: Workspace, week: str, kind: str, payload: dict[str, Any], url: str, *,
              what: str, service: str = "the chat webhook", repost: bool = False, source: str = "--post",
              again: str = AGAIN) -> Path:
    """Send `payload` unless this week's `kind` was (or may have been) posted; returns the marker's path.

    `what` names the message for people ("the digest of 2026-W48"), `service` the webhook in messages and retry
    notices, `source` where the URL came from (an option, or "$DATA_WEBHOOK (team data)") when it is not a
    webhook URL, `again` the options that send it again."""
    check_webhook(url, source)
    marker = marker_path(workspace, week, kind)
    with _locked(marker):
        before = read_marker(marker)
        if before is not None and not repost:
            refuse(before, what, again)
        send(marker, before, week, kind, payload, url, what=what, service=service, again=again)
    return marker


def refuse(before: dict[str, Any], what: str, again: str = AGAIN) -> None:
    when = before.get("at", "earlier")
    if before.get("state") == "posted":
        raise AlreadyPosted(f"{what} was already posted ({when}); nothing was sent",
                            hint=f"to post it again, pass {again}")
    raise InputError(f"{what} may have been posted ({when}): the last try sent it but got no answer; "
                     "nothing was sent now", hint=f"check the channel; to send it anyway, pass {again}")


@dataclass
class Outcome:
    """What became of one message of several (each team's digest, the company summary): `line` says it for a
    person and names the message; `error` is None when it was posted or nothing was due."""

    line: str
    error: LdkitError | None = None
    label: str = ""  # the message's short name in a summary of failures ("robotics", "the company summary")
    skipped: bool = False  # not tried (no webhook to send it to): a warning, not a failure

    @property
    def to_stderr(self) -> bool:
        return self.error is not None or self.skipped


def attempt(label: str, post: Callable[[], str]) -> Outcome:
    """Run one post (`post` returns the line to say) and keep what became of it, so a failure stops no other."""
    try:
        return Outcome(post(), label=label)
    except LdkitError as exc:
        return Outcome(f"ldkit: error: {exc.one_line()}", exc, label)


def failures(outcomes: list[Outcome], of: str = "posts") -> LdkitError | None:
    """One error naming every message that failed, or None. Its exit code: 2 when one needs fixing first (a
    webhook value that is not a URL, a message that may have been posted), else 1 (run again later)."""
    failed = [o for o in outcomes if o.error is not None]
    if not failed:
        return None
    error = LdkitError(f"{len(failed)} of {len(outcomes)} {of} failed: {', '.join(o.label for o in failed)}",
                       hint="each is said above" + ("; the others were done" if len(failed) < len(outcomes) else ""))
    error.exit_code = max(o.error.exit_code for o in failed if o.error is not None)
    return error


def send(marker: Path, before: dict[str, Any] | None, week: str, kind: str, payload: dict[str, Any], url: str, *,
         what: str, service: str, again: str = AGAIN, **record: Any) -> None:
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
                         hint=f"check the channel; a later run will not post it again unless you pass {again}"
                         ) from None
    _write(marker, "posted", week, kind, **record)


@contextlib.contextmanager
def exclusive(workspace: Workspace, week: str, kind: str) -> Iterator[tuple[Path, dict[str, Any] | None]]:
    """The marker of `week` and `kind`, under its lock, and what it says now."""
    marker = marker_path(workspace, week, kind)
    with _locked(marker):
        yield marker, read_marker(marker)
