"""The bot's secrets and service addresses, read from the environment only (never from a file, never printed)."""
from __future__ import annotations

import os
from dataclasses import dataclass

SLACK_API = "https://slack.com/api/"
# name -> what it is for; `ldkit doctor` and `ldkit bot serve` say which are set, never their values
SECRETS = {
    "SLACK_SIGNING_SECRET": "Slack: checks every request (HTTP mode)",
    "SLACK_BOT_TOKEN": "Slack: opens forms and sends direct messages (xoxb-…)",
    "SLACK_APP_TOKEN": "Slack Socket Mode (xapp-…)",
    "MATTERMOST_TOKEN": "Mattermost: the slash command's token",
    "TEAMS_HMAC_SECRET": "Teams: the outgoing webhook's security token (base64)",
}
MAX_BODY = 64 * 1024  # a bigger request is refused with 413 before it is read further
MAX_SKEW = 5 * 60  # seconds a signed timestamp may be off


@dataclass(frozen=True)
class Secrets:
    slack_signing_secret: str = ""
    slack_bot_token: str = ""
    slack_app_token: str = ""
    mattermost_token: str = ""
    teams_hmac_secret: str = ""
    slack_api_url: str = SLACK_API
    mattermost_url: str = ""

    @classmethod
    def from_environment(cls) -> Secrets:
        get = os.environ.get
        return cls(get("SLACK_SIGNING_SECRET", ""), get("SLACK_BOT_TOKEN", ""), get("SLACK_APP_TOKEN", ""),
                   get("MATTERMOST_TOKEN", ""), get("TEAMS_HMAC_SECRET", ""),
                   get("SLACK_API_URL", "") or SLACK_API, get("MATTERMOST_URL", "").rstrip("/"))

    def services(self) -> list[str]:
        """The services this configuration can answer; a route without its secret answers 401 to everything."""
        return [name for name, secret in (("slack", self.slack_signing_secret),
                                          ("mattermost", self.mattermost_token),
                                          ("teams", self.teams_hmac_secret)) if secret]


def present() -> dict[str, bool]:
    """Which secrets are set (the values are never returned)."""
    return {name: bool(os.environ.get(name)) for name in SECRETS}
