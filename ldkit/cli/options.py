"""Options several commands share."""
from __future__ import annotations

from typing import Any

import click

from ldkit.cli.types import WEEK
from ldkit.core.registry import CHAT_SERVICES, WRITERS
from ldkit.core.weeks import WEEK_HELP

week_option = click.option(
    "--week", "-w", "week", type=WEEK, metavar="W", default=None,
    help=WEEK_HELP + " Default: this week.")
team_option = click.option(
    "--team", "team", metavar="SLUG", default=None,
    help="Only this team's members (a table of [teams] in ldkit.toml; the roster's `team` says who is on it).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
author_option = click.option(
    "--author", "-a", metavar="NAME", default=None,
    help="Who is learning. Default: LDKIT_AUTHOR, the roster member whose email is git's user.email, the "
         "workspace's author, git's user.name, your login.")


class RegistryChoice(click.Choice):
    """A click Choice whose names are read from a registry each time (so a registered plug-in is offered too)."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        super().__init__((), case_sensitive=True)

    @property
    def choices(self) -> tuple[str, ...]:
        return self.registry.names()

    @choices.setter
    def choices(self, value: Any) -> None:
        pass  # fixed by the registry


def format_choice() -> RegistryChoice:
    return RegistryChoice(WRITERS)


def chat_choice() -> RegistryChoice:
    return RegistryChoice(CHAT_SERVICES)
