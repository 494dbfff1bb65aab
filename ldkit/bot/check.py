"""The bot's settings as `ldkit doctor` checks them: which secrets are set and look right, never their values."""
from __future__ import annotations

import base64
import binascii
import os

from ldkit.bot.settings import present
from ldkit.core.workspace import Workspace
from ldkit.team.doctor import Check


def bot_settings(ws: Workspace) -> tuple[str, str]:
    """(ok | fail | skipped, one line saying why) — names of environment variables only, never a value."""
    have = present()
    if not any(have.values()):
        return "skipped", ("no chat bot configured: none of its variables is set (`ldkit bot --help` "
                           "names them)")
    problems = []
    env = os.environ
    if have["SLACK_BOT_TOKEN"] and not env["SLACK_BOT_TOKEN"].startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN is not a bot token (xoxb-…)")
    if have["SLACK_APP_TOKEN"] and not env["SLACK_APP_TOKEN"].startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN is not an app-level token (xapp-…)")
    if (have["SLACK_SIGNING_SECRET"] or have["SLACK_APP_TOKEN"]) and not have["SLACK_BOT_TOKEN"]:
        problems.append("SLACK_BOT_TOKEN is missing: the form and direct messages need it")
    if have["SLACK_BOT_TOKEN"] and not (have["SLACK_SIGNING_SECRET"] or have["SLACK_APP_TOKEN"]):
        problems.append("SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN "
                        "(Socket Mode)")
    if have["TEAMS_HMAC_SECRET"]:
        try:
            base64.b64decode(env["TEAMS_HMAC_SECRET"], validate=True)
        except (binascii.Error, ValueError):
            problems.append("TEAMS_HMAC_SECRET is not the base64 security token Teams shows")
    try:
        import slack_sdk  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        problems.append(f"the bot extra is not installed ({exc.name}): pip install 'ldkit[bot]'")
    if problems:
        return "fail", "; ".join(problems)
    members = ws.settings.team
    no_chat = [m.slug for m in members if not m.chat]
    detail = "set (not shown): " + ", ".join(name for name, is_set in have.items() if is_set)
    if not members:
        detail += "; no roster, so the bot answers nobody (ldkit team add NAME --chat ID)"
    elif no_chat:
        detail += f"; no chat id for {', '.join(no_chat)} (the bot cannot tell who they are)"
    return "ok", detail


def bot_check(ws: Workspace) -> Check:
    """`ldkit doctor`'s line for the bot (handed to team.doctor by the command: the bot sits above the team)."""
    state, detail = bot_settings(ws)
    return Check("bot", state, detail)
