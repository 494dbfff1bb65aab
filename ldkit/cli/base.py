"""Click classes that turn LdkitError into a one-line message and the right exit code, plus output helpers."""
from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import click

from ldkit.core.errors import LdkitError
from ldkit.core.text import display_text, escape_unsafe_json


class _UsageLine(click.ClickException):
    """Click's usage errors as one line, like every other refusal: `ldkit: error: ... (see 'ldkit X --help')`."""

    exit_code = 2

    def __init__(self, error: click.UsageError) -> None:
        super().__init__(" ".join(error.format_message().split()))
        self.command_path = error.ctx.command_path if error.ctx else "ldkit"

    def show(self, file: Any = None) -> None:
        click.echo(display_text(f"ldkit: error: {self.message} (see '{self.command_path} --help')"), err=True)


def _one_line(error: click.UsageError) -> click.ClickException:
    # `ldkit` alone shows the help (click signals it as a usage error); keep that
    if type(error).__name__ == "NoArgsIsHelpError":
        return error
    return _UsageLine(error)


class _ErrorsToExit:
    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)  # type: ignore[misc]
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        _views.clear()  # a command shows the paths of the view it reads, none of an earlier one's (in one process)
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except click.UsageError as exc:
            raise _one_line(exc) from None
        except LdkitError as exc:
            click.echo(display_text(" ".join(f"ldkit: error: {exc.one_line()}".split())), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("ldkit: interrupted", err=True)
            ctx.exit(130)


class LdkitCommand(_ErrorsToExit, click.Command):
    pass


class LdkitGroup(_ErrorsToExit, click.Group):
    command_class = LdkitCommand
    group_class = type  # subgroups are LdkitGroups too


class LazyGroup(LdkitGroup):
    """A group whose commands are imported when one runs, or when --help lists them (click's "lazily loading
    subcommands"): importing all twenty command modules was ~20 ms of every command's start, a tenth of a warm
    `ldkit search` over a company's year. `lazy` maps each name to "module:attribute"."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, _, attribute = self.lazy[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy[cmd_name]} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                             list[str]]:
        if args and self.get_command(ctx, str(args[0])) is None:  # a typo: click suggests from what it holds
            for name in self.lazy:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


def emit_json(data: Any) -> None:
    """One JSON document on stdout and nothing else there (control characters escaped, the data unchanged but for
    the paths of a joined view, shown as their team repository's files)."""
    click.echo(escape_unsafe_json(json.dumps(_shown_tree(data), ensure_ascii=False, indent=2, sort_keys=False)))


_views: list[Any] = []  # the joined workspace this command reads (ldkit.site.join), whose paths are shown as real


def show_paths_of(workspace: Any) -> Any:
    """From now on, say paths into `workspace`'s joined view as its team repositories' files; `workspace` back."""
    _views[:] = [workspace] if workspace.sources is not None else []
    return workspace


def _shown(text: str) -> str:
    for view in _views:
        text = view.shown_text(text)
    return text


def _shown_tree(value: Any) -> Any:
    if not _views:
        return value
    if isinstance(value, str):
        return _shown(value)
    if isinstance(value, dict):
        return {k: _shown_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shown_tree(v) for v in value]
    return value


_heard: list[list[tuple[bool, str]]] = []  # the lines said inside each `recording()`, innermost last


def say(message: object = "", err: bool = False) -> None:
    """Every line ldkit prints for a person: user text reaches the terminal without escapes or bidi tricks, and a
    path into a joined view as the file to open (its team repository's)."""
    text = _shown(str(message))
    for heard in _heard:
        heard.append((err, text))
    click.echo(display_text(text), err=err)


@contextlib.contextmanager
def recording() -> Iterator[list[tuple[bool, str]]]:
    """The lines `say` (and `warn`) print meanwhile, as (to stderr, message): a command that can say them
    again (ldkit.digest.unchanged) keeps them."""
    heard: list[tuple[bool, str]] = []
    _heard.append(heard)
    try:
        yield heard
    finally:
        _heard.remove(heard)


def warn(message: str) -> None:
    say(f"ldkit: warning: {message}", err=True)


def progress_enabled() -> bool:
    return sys.stderr.isatty()


def reading_workspace(team: str | None = None) -> Any:
    """The workspace a reading command reads, seen by `team` (None: the whole company). A company whose teams keep
    repositories of their own is read joined (ldkit.site.join), the same view for every reader; its warnings are
    said once, on stderr."""
    from ldkit.core.workspace import find_workspace

    workspace = find_workspace()
    if workspace.has_team_workspaces:
        from ldkit.site.join import join_workspaces

        joined = join_workspaces(workspace)
        for message in joined.warnings:
            warn(message)
        workspace = show_paths_of(joined.workspace)
    return workspace.for_team(team)
