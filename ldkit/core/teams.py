"""Teams of a company (`[teams.<slug>]` in ldkit.toml): a name, the environment variable holding the team's
webhook (never the URL: it is a secret), an optional chat service — read and checked in one place.

A roster member joins a team with `team = "<slug>"`. One learning day for the whole company: teams share the
workspace's `learning_day`. Without `[teams]` nothing changes anywhere.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from ldkit.core.errors import InputError, WorkspaceError
from ldkit.core.registry import CHAT_SERVICES
from ldkit.core.text import author_slug

TEAM_KEYS = ("name", "webhook_env", "chat", "workspace", "repository")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Team:
    """One `[teams.<slug>]` table, checked."""

    slug: str
    name: str = ""
    webhook_env: str = ""  # the NAME of the environment variable that holds the team's webhook URL
    chat: str = ""  # slack, mattermost or teams; empty: the workspace's `chat`
    workspace: str = ""  # for a company of several repositories: the team's own workspace, a path from this one
    repository: str = ""  # where CI checks that workspace out (GitHub owner/name, or a git URL)

    @property
    def title(self) -> str:
        return self.name or self.slug

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def check_env_name(text: str, where: str) -> str:
    """An environment variable's name (the webhook itself must never be written in ldkit.toml)."""
    if text.startswith(("http://", "https://")) or "://" in text:
        raise InputError(f"{where}: webhook_env names the environment variable that holds the webhook, "
                         "not the URL (a webhook URL is a secret; it is not repeated here)",
                         hint='e.g. webhook_env = "ROBOTICS_WEBHOOK", and set ROBOTICS_WEBHOOK in CI secrets')
    if not _ENV_NAME.match(text):
        raise InputError(f"{where}: webhook_env {text!r} is not an environment variable name",
                         hint="letters, digits and _, e.g. ROBOTICS_WEBHOOK")
    return text


def check_team_slug(text: str, where: str) -> str:
    slug = author_slug(text)
    if slug != text:
        raise InputError(f"{where}: team {text!r} must be written as its slug {slug!r}")
    return slug


def parse_teams(table: object, where: str) -> tuple[Team, ...]:
    """The `[teams]` table -> teams, each checked: a slug key, known fields, strings, a variable name, a service."""
    if not isinstance(table, dict):
        raise WorkspaceError(f"{where}: 'teams' must be a table of teams, e.g. [teams.robotics] "
                             'name = "Robotics", webhook_env = "ROBOTICS_WEBHOOK"')
    teams: list[Team] = []
    for key, value in table.items():
        try:
            check_team_slug(str(key), where)
        except InputError as exc:
            raise WorkspaceError(exc.message) from None
        if not isinstance(value, dict):
            raise WorkspaceError(f"{where}: team {key!r} must be a table such as "
                                 '{ name = "Robotics", webhook_env = "ROBOTICS_WEBHOOK" }')
        unknown = sorted(set(value) - set(TEAM_KEYS))
        if unknown:
            raise WorkspaceError(f"{where}: team {key!r} has unknown field {unknown[0]!r}",
                                 hint="known fields: " + ", ".join(TEAM_KEYS))
        for field in TEAM_KEYS:
            if field in value and not isinstance(value[field], str):
                raise WorkspaceError(f"{where}: team {key!r}: {field} must be a string")
        if value.get("webhook_env"):
            try:
                check_env_name(value["webhook_env"], f"{where}: team {key!r}")
            except InputError as exc:  # the command that sets a valid one mends the file (team.roster.mend)
                variable = re.sub(r"\W", "_", str(key)).upper() + "_WEBHOOK"
                raise WorkspaceError(exc.message, hint=f"ldkit team add-team {key} --webhook-env {variable}, "
                                     f"and set {variable} in CI secrets") from None
        if value.get("chat") and value["chat"] not in CHAT_SERVICES:
            raise WorkspaceError(f"{where}: team {key!r}: chat must be {CHAT_SERVICES.spoken()}, "
                                 f"not {value['chat']!r}")
        if value.get("workspace"):
            rel = value["workspace"]
            if rel.startswith(("/", "~")) or "\\" in rel or not rel.strip():
                raise WorkspaceError(f"{where}: team {key!r}: workspace must be a relative path such as "
                                     f"'teams/{key}' or '../{key}', not {rel!r}")
        teams.append(Team(str(key), value.get("name", ""), value.get("webhook_env", ""), value.get("chat", ""),
                          value.get("workspace", ""), value.get("repository", "")))
    return tuple(sorted(teams, key=lambda t: t.slug))


def check_members_teams(members: tuple[Any, ...], teams: tuple[Team, ...], where: str) -> None:
    """Every member's `team` names a table of `[teams]`."""
    known = {t.slug for t in teams}
    for member in members:
        if member.team and member.team not in known:
            listing = ", ".join(sorted(known)) if known else "none yet (add [teams.<slug>] tables)"
            raise WorkspaceError(f"{where}: team member {member.slug!r} names team {member.team!r}, "
                                 "which is not a table of [teams]", hint=f"teams: {listing}")


def unknown_team(slug: str, teams: tuple[Team, ...]) -> InputError:
    """The one-line refusal of `--team` with a slug the workspace does not know."""
    listing = ", ".join(t.slug for t in teams) if teams else "none (this workspace has no [teams])"
    return InputError(f"--team {slug!r} is not a team of this workspace; teams: {listing}")
