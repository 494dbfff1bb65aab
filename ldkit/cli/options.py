"""Options several commands share."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from ldkit.cli.types import WEEK
from ldkit.core.registry import CHAT_SERVICES, WRITERS
from ldkit.core.weeks import WEEK_HELP


def week_option_meaning(default: str, what: str = "") -> Callable[[Any], Any]:
    """A `--week W` option whose help says what leaving it out means (`default`): this week for most commands, every
    week for `ldkit search`. `what` starts the help with what the week is for."""
    return click.option("--week", "-w", "week", type=WEEK, metavar="W", default=None,
                        help=f"{what}{WEEK_HELP} Default: {default}.")


week_option = week_option_meaning("this week")
team_option = click.option(
    "--team", "team", metavar="SLUG", default=None,
    help="Only this team's members (a table of [teams] in ldkit.toml; the roster's `team` says who is on it).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
author_option = click.option(
    "--author", "-a", metavar="NAME", default=None,
    help="Who is learning. Default: LDKIT_AUTHOR, the roster member whose email is git's user.email, the "
         "workspace's author, git's user.name, your login.")


class LazyChoice(click.Choice):
    """A click Choice whose names are read when needed, from their one source: a registry (so a registered
    plug-in is offered too) or a rule module that `ldkit --help` need not import."""

    def __init__(self, names: Callable[[], Sequence[str]]) -> None:
        self.names = names
        super().__init__((), case_sensitive=True)

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.names())

    @choices.setter
    def choices(self, value: Any) -> None:
        pass  # fixed by the registry


def format_choice() -> LazyChoice:
    return LazyChoice(WRITERS.names)


def chat_choice() -> LazyChoice:
    return LazyChoice(CHAT_SERVICES.names)


def status_choice() -> LazyChoice:
    def statuses() -> Sequence[str]:
        from ldkit.records.schema import STATUSES

        return STATUSES

    return LazyChoice(statuses)


def pulled_into_work_choice() -> LazyChoice:
    def answers() -> Sequence[str]:
        from ldkit.records.schema import PULLED_INTO_WORK

        return PULLED_INTO_WORK

    return LazyChoice(answers)
