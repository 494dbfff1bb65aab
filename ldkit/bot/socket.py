"""`ldkit bot socket`: the same answers over Slack's Socket Mode (slack_bolt), so no public URL is needed.

Bolt acknowledges each envelope with the answer (within Slack's 3 s); Slack redelivers an envelope it saw no
acknowledgement for, so each payload is claimed in the same delivery table as over HTTP and saved once.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ldkit.bot import slack
from ldkit.bot.app import NOTHING, Bot
from ldkit.bot.dedupe import delivery_key
from ldkit.bot.settings import Secrets
from ldkit.bot.words import COMMAND
from ldkit.core.errors import InputError


def socket_app(bot: Bot) -> Any:
    from slack_bolt import App

    app = App(client=bot.web(), token_verification_enabled=False, request_verification_enabled=False,
              process_before_response=True)

    def once(body: dict[str, Any], work: Any) -> Any:
        key = delivery_key("slack", json.dumps(body, sort_keys=True).encode())
        if not bot.deliveries.claim(key):
            earlier = bot.deliveries.answer_of(key)
            return json.loads(earlier) if earlier else NOTHING
        return bot._handle(work, body, key)

    def acknowledge(ack: Any, result: Any) -> None:
        ack(**result) if isinstance(result, dict) else ack()

    @app.command(COMMAND)
    def on_command(ack: Any, body: dict[str, Any]) -> None:
        acknowledge(ack, once(body, bot.slack_command))

    @app.view(slack.CALLBACK)
    def on_form(ack: Any, body: dict[str, Any]) -> None:
        acknowledge(ack, once(body, bot.slack_payload))

    @app.action(slack.OPEN_ACTION)
    def on_button(ack: Any, body: dict[str, Any]) -> None:
        ack()
        once(body, bot.slack_payload)

    return app


def socket_handler(root: Path, *, commit: bool = False, secrets: Secrets | None = None) -> Any:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    secrets = secrets or Secrets.from_environment()
    if not secrets.slack_app_token.startswith("xapp-"):
        raise InputError("ldkit bot socket needs SLACK_APP_TOKEN (an app-level token, xapp-…, with "
                         "connections:write)", hint="make one under Basic Information → App-Level Tokens")
    if not secrets.slack_bot_token:
        raise InputError("ldkit bot socket needs SLACK_BOT_TOKEN (xoxb-…) to open forms and answer")
    on_saved: Any = None
    if commit:
        from ldkit.bot.gitsync import Committer

        committer = Committer(root)
        committer.check()
        on_saved = committer.saved
    bot = Bot(root, secrets, on_saved=on_saved)
    handler = SocketModeHandler(socket_app(bot), app_token=secrets.slack_app_token, web_client=bot.web())
    handler.bot = bot  # type: ignore[attr-defined]  # kept for the caller that stops it
    return handler


def run_socket_mode(root: Path, *, commit: bool = False) -> None:
    import sys

    handler = socket_handler(root, commit=commit)
    print(f"ldkit bot: {root} over Slack Socket Mode" + (" — committing answers" if commit else ""), file=sys.stderr)
    handler.start()
