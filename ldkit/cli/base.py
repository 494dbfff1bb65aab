"""Click classes that turn LdkitError into a one-line message and the right exit code, plus output helpers."""
from __future__ import annotations

import json
import sys
from typing import Any

import click

from ldkit.errors import LdkitError


class _ErrorsToExit:
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except LdkitError as exc:
            click.echo(f"ldkit: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("ldkit: interrupted", err=True)
            ctx.exit(130)


class LdkitCommand(_ErrorsToExit, click.Command):
    pass


class LdkitGroup(_ErrorsToExit, click.Group):
    command_class = LdkitCommand
    group_class = type  # subgroups are LdkitGroups too


def emit_json(data: Any) -> None:
    """One JSON document on stdout and nothing else there."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


def warn(message: str) -> None:
    click.echo(f"ldkit: warning: {message}", err=True)


def progress_enabled() -> bool:
    return sys.stderr.isatty()
