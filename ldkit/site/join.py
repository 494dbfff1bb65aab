"""Several repositories, one company: a company workspace whose `[teams.<slug>]` name their own workspaces
(`workspace = "teams/robotics"`, checked out side by side, as `ldkit ci` does) is read as one workspace whose
workbooks are `.ldkit-cache/joined/workbooks/`: every file of each team's workbooks/ hard-linked there (copied across
file systems), the team's roster members put in that team. Every reading command (site, digest, status, stats,
search, who, remind, export, expenses) reads that view with the same rules (private stays out); what it writes
(pages, digests, "posted" markers, caches) stays the company workspace's. Only what changed is linked again, so the
caches keyed by size and mtime stay warm. Nothing ever writes through the links: writing commands (new, log) work
in the team's own workspace.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ldkit.core.errors import WorkspaceError
from ldkit.core.files import make_folder
from ldkit.core.layout import Sources
from ldkit.core.roster import Member
from ldkit.core.workspace import CACHE_DIR, Workspace, config_in, load_workspace

JOINED = Path(CACHE_DIR) / "joined" / "workbooks"  # the joined view's workbooks, inside the company workspace


@dataclass
class Joined:
    workspace: Workspace  # the joined workspace (root under .ldkit-cache/joined)
    teams: list[str] = field(default_factory=list)  # the teams whose workspaces were joined
    warnings: list[str] = field(default_factory=list)


def _files(top: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    if top.is_dir():
        for here, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                path = Path(here) / name
                found[str(path.relative_to(top))] = path
    return found


def join_workspaces(workspace: Workspace) -> Joined:
    """The company's own workbooks and those of every team that names a `workspace`, as one workspace.

    A slug on two teams' rosters is refused: one slug is one person on every page, and two people's workbooks
    would be merged into one person's."""
    teams = [t for t in workspace.settings.teams if t.workspace]
    if not teams:
        return Joined(workspace)
    members, owns = _joined_roster(workspace, teams)
    wanted = {rel: (path, "") for rel, path in _files(workspace.workbooks).items()}
    warnings: list[str] = []
    for team, own in owns:
        for rel, path in _files(own.workbooks).items():
            parts = Path(rel).parts
            if len(parts) >= 2 and parts[1] not in members:  # an author without a roster: on the team they write in
                members[parts[1]] = Member(parts[1], team=team)
            if rel in wanted:
                first, by = wanted[rel]
                warnings.append(f"team {team}: {workspace.shown(path)} is also in "
                                f"{f'team {by}' if by else 'the company workspace'} ({workspace.shown(first)}); "
                                "the first one is used")
                continue
            wanted[rel] = (path, team)
    target = workspace.root / JOINED
    for rel, (source, _) in wanted.items():
        _link(source, target / rel)
    for rel, path in _files(target).items():
        if rel not in wanted:
            path.unlink(missing_ok=True)
    settings = replace(workspace.settings, team=tuple(sorted(members.values(), key=lambda m: m.slug)),
                       workbooks_dir=str(JOINED))
    sources = Sources(target, {Path(rel).as_posix(): source for rel, (source, _) in wanted.items()})
    return Joined(replace(workspace, settings=settings, sources=sources), [t.slug for t in teams], warnings)


def joined_roster(workspace: Workspace) -> tuple[Member, ...]:
    """The company's roster with every team repository's own members in it, each on their team (what the joined
    view's roster is, without linking a workbook): for `ldkit team teams`."""
    teams = [t for t in workspace.settings.teams if t.workspace]
    if not teams:
        return workspace.settings.team
    members, _ = _joined_roster(workspace, teams)
    return tuple(sorted(members.values(), key=lambda m: m.slug))


def _joined_roster(workspace: Workspace, teams: list[Any]) -> tuple[dict[str, Member], list[tuple[str, Workspace]]]:
    """(slug -> member of the joined roster, each team's own workspace), read from every team's ldkit.toml."""
    members = {m.slug: m for m in workspace.settings.team}
    rostered_by = {m.slug: "the company workspace" for m in workspace.settings.team}
    owns = []
    for team in teams:
        where = (workspace.root / team.workspace).resolve()
        config = config_in(where)
        if config is None:
            raise WorkspaceError(f"team {team.slug}: {where} is not an ldkit workspace (no ldkit.toml)",
                                 hint=f"check the team's repository out there (git clone … {team.workspace}), "
                                      "or fix `workspace` in [teams]")
        own = load_workspace(where, config)
        for m in own.settings.team:
            if m.slug in rostered_by and rostered_by[m.slug] != "the company workspace":
                raise WorkspaceError(
                    f"team {team.slug}: member {m.slug!r} is also on the roster of {rostered_by[m.slug]}; one slug "
                    "is one person on the company's pages", hint="if they are two people, give one of them another "
                    "slug in their team's ldkit.toml (and folder); if one person, keep them on one team's roster")
            rostered_by.setdefault(m.slug, f"team {team.slug}")
            if m.slug not in members:
                members[m.slug] = m._replace(team=team.slug)
        owns.append((team.slug, own))
    return members, owns


def _link(source: Path, target: Path) -> None:
    """`target` as `source` is now: left alone when it is the same file (or looks the same), else linked again."""
    try:
        want, have = source.stat(), target.stat()
        if (want.st_ino, want.st_dev) == (have.st_ino, have.st_dev) or \
                (want.st_size, want.st_mtime_ns) == (have.st_size, have.st_mtime_ns):
            return
    except OSError:
        pass
    make_folder(target.parent)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
