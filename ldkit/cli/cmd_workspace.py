"""`ldkit init` and `ldkit templates`."""
from __future__ import annotations

from pathlib import Path

import click

from ldkit.cli.base import say
from ldkit.cli.options import json_option


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--git", is_flag=True, help="Also make it a git repository for the team (.gitattributes, git init).")
def init(path: Path, git: bool) -> None:
    """Make PATH (default: here) an ldkit workspace.

    \b
    Writes ldkit.toml (every setting, with its default), templates/ with
    editable copies of the built-in templates, workbooks/, and a .gitignore
    for generated digests, the site and caches. A folder that already is a
    workspace is refused (except to add --git to it).

    \b
    With --git (or inside a git repository) it also writes .gitattributes:
    journals merge by union, notebooks keep LF line ends; with --git a
    folder that is not a repository yet gets `git init`.

    \b
    Examples:
      ldkit init my-team && cd my-team && ldkit new tutorial --title "JAX basics"
      ldkit init --git team-learning-day     # the team's shared repository
    """
    from ldkit.setup import in_git_repository, init_workspace, set_up_git
    from ldkit.workspace import config_in, load_workspace

    target = Path(path).expanduser().resolve()
    existing = config_in(target) if target.is_dir() else None
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
def templates(as_json: bool) -> None:
    """List the templates: name, description, parameters and where each comes from.

    \b
    A template in the workspace's templates/ folder wins over the built-in
    one of the same name. A broken template is listed with its problem.

    \b
    Example:
      ldkit templates --json | jq '.[].name'
    """
    from ldkit.cli.base import emit_json, warn
    from ldkit.templates import catalog
    from ldkit.workspace import find_workspace
    from ldkit.errors import WorkspaceError

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
