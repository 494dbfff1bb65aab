"""`ldkit init` and `ldkit templates`."""
from __future__ import annotations

from pathlib import Path

import click

from ldkit.cli.base import say
from ldkit.cli.options import json_option


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--git", is_flag=True, help="Also make it a git repository for the team (.gitattributes, git init).")
@click.option("--upgrade", is_flag=True,
              help="In an existing workspace, refresh the home notebook (Learning Day.ipynb) and touch nothing else.")
def init(path: Path, git: bool, upgrade: bool) -> None:
    """Make PATH (default: here) an ldkit workspace.

    \b
    Writes ldkit.toml (every setting, with its default), templates/ with
    editable copies of the built-in templates, workbooks/, and a .gitignore
    for generated digests, the site and caches. A folder that already is a
    workspace is refused (except to add --git to it). It also writes the
    home notebook, Learning Day.ipynb: run it to start a workbook without a
    terminal (`ldkit init --upgrade` refreshes it and touches nothing else).

    \b
    With --git (or inside a git repository) it also writes .gitattributes:
    journals merge by union, notebooks keep LF line ends; with --git a
    folder that is not a repository yet gets `git init`.

    \b
    Examples:
      ldkit init my-team && cd my-team && ldkit new tutorial --title "JAX basics"
      ldkit init --git team-learning-day     # the team's shared repository
    """
    from ldkit.core.workspace import config_in, load_workspace
    from ldkit.workbook.setup import in_git_repository, init_workspace, set_up_git

    target = Path(path).expanduser().resolve()
    existing = config_in(target) if target.is_dir() else None
    if upgrade:
        from ldkit.core.errors import WorkspaceError
        from ldkit.workbook.setup import write_home_notebook

        if existing is None:
            raise WorkspaceError(f"{target} is not an ldkit workspace; --upgrade refreshes one",
                                 hint=f"run `ldkit init {path}` to make it one")
        say(f"refreshed {write_home_notebook(target)}")
        return
    if existing is not None and git:
        made = load_workspace(target, existing)
        say(f"{made.root} is already an ldkit workspace; added: {', '.join(set_up_git(made.root)) or 'nothing'}")
        return
    made = init_workspace(path)
    say(f"Made an ldkit workspace in {made.root}")
    say(f"  settings:  {made.config_file}")
    say(f"  templates: {made.templates} (edit them, or add your own .ipynb)")
    if git or in_git_repository(made.root):
        say(f"  git:       {', '.join(set_up_git(made.root)) or 'already set up'}")
    say(f"Next: cd {path} && ldkit new paper --title \"A paper you want to reproduce\"")


@click.command()
@json_option
@click.option("--check", is_flag=True, help="Validate every template; exit 1 if one is broken.")
def templates(as_json: bool, check: bool) -> None:
    """List the templates: name, description, parameters and where each comes from.

    \b
    A template in the workspace's templates/ folder wins over the built-in
    one of the same name. A broken template is listed with its problem.
    To change a template for everyone, edit templates/NAME.ipynb on purpose
    (and run --check); a workbook is started from it with `ldkit new NAME`.

    \b
    Examples:
      ldkit templates --json | jq '.[].name'
      ldkit templates --check          # exit 1 when one is broken
    """
    from ldkit.cli.base import emit_json, warn
    from ldkit.core.errors import WorkspaceError
    from ldkit.core.workspace import find_workspace
    from ldkit.workbook.templates import catalog

    try:
        folder = find_workspace().templates
    except WorkspaceError:
        folder = None  # outside a workspace the built-ins are still worth listing
    found = catalog(folder)
    if as_json:
        emit_json([t.as_dict() for t in found.values()])
    else:
        for t in found.values():
            if t.problem:
                say(f"{t.name:<14} BROKEN: {t.problem}  [{t.path}]")
                continue
            own = [p for p in t.parameters if p.name not in ("title", "author", "week", "learning_day", "workbook_id")]
            say(f"{t.name:<14} {t.description}")
            say(f"{'':<14} source: {t.source}  category: {t.category or '-'}")
            for p in own:
                say(f"{'':<14}   -p {p.name} ({p.type}, default {p.default}){': ' + p.help if p.help else ''}")
    for t in found.values():
        if t.problem:
            warn(f"template '{t.name}' ({t.path}): {t.problem}")
    if check:
        broken = [t.name for t in found.values() if t.problem]
        say(f"{len(found) - len(broken)} of {len(found)} templates are valid" + (
            f"; broken: {', '.join(broken)}" if broken else ""), err=True)
        if broken:
            click.get_current_context().exit(1)
