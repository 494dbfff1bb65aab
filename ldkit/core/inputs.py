"""Whether anything a build reads changed, at the cost of one stat per file: the rule `ldkit site` and `ldkit digest`
share to leave their output as it stands when nothing did.

What a build reads: every file under workbooks/ (notebooks, journals, weeks off, images beside them), the settings
file (and the joined roster of a company of several repositories), ldkit's own code and templates, today's date (a
week's open and held days follow it), and what the caller adds (its options, where it writes). The images a
notebook references may lie outside workbooks/: the caller keeps their names from its last build and `with_files`
stats them again.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldkit.core import __version__, watch
from ldkit.core.treestamp import stamp_folders, stamp_tree
from ldkit.core.workspace import Workspace

CODE = Path(__file__).resolve().parent.parent  # ldkit's own package: its code and templates
CODE_SKIP = frozenset({"__pycache__"})  # what the stamp of ldkit's own code leaves out


@dataclass
class Inputs:
    """The digest of it all, of ldkit's own code, and of each week's folder (by its name); and the answer of the
    watcher they were taken after (core.watch), for the caller to keep with `weeks`."""

    digest: str
    code: str
    weeks: dict[str, str]
    watched: list[Any] | None = None


def workspace_inputs(workspace: Workspace, extra: Any, kept: dict[str, Any] | None = None) -> Inputs:
    """The digest of everything a build of `workspace` reads, with `extra` (JSON: the caller's version and
    options). The week folders are walked by a process per core for a company's year (core.treestamp).

    `kept` is what the caller kept of its last Inputs ({"weeks": …, "watched": …}): when a watcher of the
    workbooks runs (a search of a large workspace started it), only the weeks it saw change are walked again."""
    digest = hashlib.sha256()
    digest.update(json.dumps([__version__, dt.date.today().isoformat(), extra]).encode())
    if workspace.config_file is not None:
        with contextlib.suppress(OSError):
            digest.update(workspace.config_file.read_bytes())
    if workspace.has_team_workspaces:
        # a company of several repositories (ldkit.site.join): the team repositories' rosters, names and all, are
        # in no settings file of this workspace
        digest.update(json.dumps(workspace.settings.team).encode("utf-8", "surrogateescape"))
    code = hashlib.sha256()
    # the code, not its bytecode: a first run writing __pycache__ must not make the next build read every week again
    stamp_tree(code, CODE, skip=CODE_SKIP)
    digest.update(code.digest())
    top = workspace.workbooks
    try:
        children = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        children = []
    folders = []
    for child in children:
        with contextlib.suppress(OSError):
            if child.is_dir(follow_symlinks=False):
                folders.append(child)
    walk, stamps, answer = folders, {}, None
    if watch.enabled() and not workspace.has_team_workspaces:  # a joined view's links give no events
        token, since = (kept or {}).get("watched"), None
        if isinstance(token, list) and len(token) == 2 and isinstance(token[0], str) and isinstance(token[1], int):
            since = (token[0], token[1])  # else (a hand-edited or foreign manifest): "unknown", every week walked
        answer = watch.ask(top, since)
        weeks, changed = (kept or {}).get("weeks"), watch.changed_weeks(top, answer)
        if changed is not None and isinstance(weeks, dict):
            walk = [c for c in folders if c.name in changed or not isinstance(weeks.get(c.name), str)]
            stamps = {c.name: str(weeks[c.name]) for c in folders if c not in walk}
    stamps.update(zip((c.name for c in walk), stamp_folders([Path(c.path) for c in walk],
                                                            listings=workspace.listings), strict=True))
    for child in children:
        with contextlib.suppress(OSError):
            if child.name in stamps:
                digest.update(f"{child.name}/\0{stamps[child.name]}\n".encode("utf-8", "surrogateescape"))
            else:
                info = os.stat(child.path)
                line = f"{child.name}\0{info.st_size}\0{info.st_mtime_ns}\n"
                digest.update(line.encode("utf-8", "surrogateescape"))
    return Inputs(digest.hexdigest(), code.hexdigest(), stamps,
                  None if answer is None else [answer.generation, answer.sequence])


def with_files(inputs: str, names: list[str]) -> str:
    """`inputs` and the size and mtime of each file named (a referenced image, a page written last time)."""
    digest = hashlib.sha256(inputs.encode())
    for name in names:
        try:
            info = os.stat(name)
            digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
        except OSError:
            digest.update(f"{name}\0-\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
