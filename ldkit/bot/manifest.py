"""`ldkit bot manifest`: the Slack app manifest (YAML) with the command, interactivity and the scopes it needs."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from ldkit.bot.words import COMMAND
from ldkit.core.errors import InputError

SCOPES = ["commands", "chat:write", "im:write"]  # the command, replies and DMs, opening a DM with a member


def manifest(url: str | None, socket: bool = False, name: str = "Learning Day") -> dict[str, Any]:
    base = ""
    if not socket:
        parsed = urlparse(url or "")
        if parsed.scheme not in ("https", "http") or not parsed.hostname or parsed.query or parsed.fragment:
            raise InputError("--url needs the bot's public base URL, such as https://bot.example.org",
                             hint="or pass --socket for Socket Mode, which needs no public URL")
        base = (url or "").rstrip("/")
    command: dict[str, Any] = {"command": COMMAND, "description": "Plan and summarize your Learning Day",
                               "usage_hint": "plan GOAL | done SUMMARY | skip [REASON] | status | help",
                               "should_escape": False}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if not socket:
        command["url"] = f"{base}/slack/commands"
        interactivity["request_url"] = f"{base}/slack/interactions"
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": name, "description": "Your Learning Day plan and summary, from Slack"},
        "features": {"bot_user": {"display_name": name, "always_online": False}, "slash_commands": [command]},
        "oauth_config": {"scopes": {"bot": list(SCOPES)}},
        "settings": {"interactivity": interactivity, "org_deploy_enabled": False,
                     "socket_mode_enabled": socket, "token_rotation_enabled": False},
    }


def manifest_yaml(url: str | None, socket: bool = False) -> str:
    import yaml

    return yaml.safe_dump(manifest(url, socket), sort_keys=False, allow_unicode=True)
