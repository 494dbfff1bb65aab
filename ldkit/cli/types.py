"""Click parameter types for the values ldkit constrains, checked when the command line is read.

Each type only checks the form (the library's own rule) and hands the command the text it will resolve: a bad
value is refused with exit 2 before a workspace is read or a week collected, whatever the week holds.
"""
from __future__ import annotations

from typing import Any

import click

from ldkit.core.errors import InputError


class _Checked(click.ParamType):
    """Run `check(text)`; its InputError becomes click's bad-parameter error (one line, exit 2)."""

    def check(self, text: str) -> Any:
        raise NotImplementedError

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self.check(value)
        except InputError as exc:
            self.fail(exc.one_line(), param, ctx)


class WeekType(_Checked):
    """A week as a user types it: the form is checked now, the words are resolved by the command."""

    name = "week"

    def check(self, text: str) -> str:
        from ldkit.core.weeks import check_week_text

        return check_week_text(text)


class SchedulerType(_Checked):
    name = "scheduler"

    def check(self, text: str) -> str:
        from ldkit.digest.scheduler import check_scheduler

        return check_scheduler(text)


class ClockTimeType(_Checked):
    """HH:MM on a 24-hour clock, kept as text for the command."""

    name = "time"

    def check(self, text: str) -> str:
        from ldkit.core.weeks import parse_clock_time

        parse_clock_time(text, "--at-local")
        return text.strip()


WEEK = WeekType()
SCHEDULER = SchedulerType()
CLOCK_TIME = ClockTimeType()
