"""The `ldkit` command's entry point: a digest whose inputs are all as they were is said again before click loads.

`ldkit digest` in CI or a loop is most often a week with nothing new (ldkit.digest.unchanged): its answer is a stat
per file and the lines it said last time. Click and the command modules are ~40 ms of a ~90 ms answer, so for the
plain forms of `ldkit digest` (the options below) the record is read first, and only a miss, or anything else,
goes on to click. The replay decides nothing itself: it reads the options the same functions read, and anything it
does not know (another option, an odd value, a company of several repositories, an error) is click's to handle.
A miss (or --rebuild) hands what it made to the command: the inputs it took (Unchanged.hand_over), so no run stats
the workspace twice, and render workers started at once (RenderPool.started_early), whose import of nbconvert
then overlaps the command's own start instead of following it.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

# the options the replay reads, by spelling: what each sets; the rest of `ldkit digest`'s options go to click
_VALUE = {"--week": "week", "-w": "week", "--format": "format", "--team": "team"}
_FLAG = {"--quiet", "-q", "--strict", "--rebuild"}


@dataclass
class _Plain:
    """A plain `ldkit digest`'s options."""

    week: str | None = None
    team: str | None = None
    formats: list[str] = field(default_factory=list)
    strict: bool = False
    rebuild: bool = False


def main() -> None:
    """`ldkit`: the said-again digest when it applies, else the click command group."""
    if len(sys.argv) > 1 and sys.argv[1] == "digest":
        try:
            code = _replay(sys.argv[2:])
        except KeyboardInterrupt:  # as the command says it (cli.base), not a traceback
            _write(sys.stderr, "ldkit: interrupted")
            sys.exit(130)
        if code is not None:
            sys.exit(code)
    from ldkit.cli.main import cli

    cli()


def _options(args: list[str]) -> _Plain | None:
    """`args` as the options the replay reads, or None when any is another, or given in a form it does not read."""
    found = _Plain()
    rest = iter(args)
    for arg in rest:
        name, equals, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in _FLAG and not equals:
            found.strict = found.strict or name == "--strict"
            found.rebuild = found.rebuild or name == "--rebuild"
        elif name in _VALUE:
            if not equals:
                value = next(rest, "")
            if not value or value.startswith("-"):
                return None  # click says what is missing
            what = _VALUE[name]
            if what == "format":
                from ldkit.core.registry import WRITERS

                if value not in WRITERS:
                    return None  # click refuses it, listing the formats, before any render worker starts
                found.formats.append(value)
            elif getattr(found, what) is not None:
                return None  # given twice: click's rule (the last wins) stays click's
            else:
                setattr(found, what, value)
        else:
            return None
    return found


def _replay(args: list[str]) -> int | None:
    """The exit code of a digest said again, after saying its lines; None when click should run the command."""
    options = _options(args)
    if options is None:
        return None
    try:
        from ldkit.core.weeks import check_week_text
        from ldkit.core.workspace import find_workspace
        from ldkit.digest.unchanged import Unchanged

        workspace = find_workspace()
        if workspace.has_team_workspaces:
            return None  # a joined company: its view and its warnings are reading_workspace's
        workspace = workspace.for_team(options.team)
        week = workspace.read_week(None if options.week is None else check_week_text(options.week))
        folder = workspace.digest_folder(week)
        if options.team:
            folder = folder / options.team
        unchanged = Unchanged(workspace, week, folder, tuple(options.formats), options.team, options.strict)
        said = None if options.rebuild else unchanged.said()
    except Exception:  # noqa: BLE001 - whatever it is, click's run of the command says it properly
        return None
    if said is None:  # it builds: its inputs, and render workers already importing nbconvert, go to the command
        import os

        from ldkit.render.fragment import RenderPool

        unchanged.hand_over()
        RenderPool.started_early(os.cpu_count() or 1)
        return None
    from ldkit.core.text import display_text

    for err, line in said.lines:
        _write(sys.stderr if err else sys.stdout, display_text(line))
    return said.exit_code


def _write(stream: object, line: str) -> None:
    """A line as click.echo writes it: a terminal that cannot show a character gets a stand-in, not a traceback."""
    write = getattr(stream, "write", None)
    if write is None:
        return
    try:
        write(line + "\n")
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        write(line.encode(encoding, "replace").decode(encoding) + "\n")
    getattr(stream, "flush", lambda: None)()
