"""Posting a built digest to a chat webhook, once per week and kind, for whoever asks (the CLI; each team of a
company): one rule for what the post links to and for a post already made (a rerun in CI is a note, not a failure).
"""
from __future__ import annotations

from typing import Any

from ldkit.chat import service as service_of
from ldkit.chat.poster import post_once
from ldkit.core.errors import AlreadyPosted
from ldkit.core.layout import relative
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace


def already_posted(exc: AlreadyPosted, again: str = "--repost") -> str:
    """What to say when nothing was sent because the week was posted before."""
    return f"ldkit: note: {exc.message} (to post it again, pass {again})"


def post_digest(workspace: Workspace, week: Week, done: Any, url: str, chat: str | None, what: str, posted: str,
                repost: bool = False, *, service: str = "the chat webhook", source: str = "--post",
                again: str = "--repost") -> str:
    """Post the digest `done` (a DigestResult) to `url` and return the line to say: `posted`, or why nothing was
    sent. With site_url the post links to the week's page on the site, else it says where the file is. Any other
    failure raises (ldkit.core.errors), naming `what` and `service`, never the URL; `source` is where the URL came
    from (said if it is not a webhook URL), `again` the options that post it again."""
    where = done.model.page_url or relative(done.files["html"], workspace.root)
    payload = service_of(chat or workspace.settings.chat).digest_payload(done.model, where)
    try:
        post_once(workspace, str(week), "digest", payload, url, what=what, repost=repost, service=service,
                  source=source, again=again)
    except AlreadyPosted as exc:
        return already_posted(exc, again)
    return posted
