"""Collect a week: its workbooks with their records (the fast reader), the team, and unreadable files."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ldkit.digest.render import job_key
from ldkit.errors import NotebookError
from ldkit.records.notebook import parse_notebook
from ldkit.records.scan import Problem, notebook_files
from ldkit.records.workbook import Workbook, load_workbook
from ldkit.weeks import Week
from ldkit.workspace import Workspace

LOOKBACK_WEEKS = 8


@dataclass
class Entry:
    workbook: Workbook
    key: str  # render cache key
    sha256: str
    hide_kinds: tuple[str, ...]
    render_path: Path | None = None  # the executed copy, with --execute

    @property
    def author(self) -> str:
        return str(self.workbook.identity.get("author") or self.workbook.path.parent.name)


@dataclass
class Collected:
    week: Week
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    team: list[str] = field(default_factory=list)  # everyone seen this week or in the weeks before


def private_kinds(workbook: Workbook) -> tuple[str, ...]:
    kinds = []
    for kind in ("plan", "outcome"):
        record = getattr(workbook.records, kind)
        if record is not None and record["data"].get("visibility") == "private":
            kinds.append(kind)
    return tuple(kinds)


def collect(workspace: Workspace, week: Week) -> Collected:
    found = Collected(week=week)
    for path in notebook_files(workspace.week_folder(week)):
        try:
            raw = path.read_bytes()
            nb = parse_notebook(raw, path)
            workbook = load_workbook(path, nb)
        except NotebookError as exc:
            found.problems.append(Problem(path, exc.message))
            continue
        except OSError as exc:
            found.problems.append(Problem(path, f"cannot read it: {exc.strerror}"))
            continue
        found.warnings.extend(workbook.warnings)
        hidden = private_kinds(workbook)
        found.entries.append(Entry(workbook, job_key(raw, hidden), hashlib.sha256(raw).hexdigest(), hidden))
    seen = {entry.author for entry in found.entries}
    earlier = week
    for _ in range(LOOKBACK_WEEKS):
        earlier = earlier.previous()
        folder = workspace.week_folder(earlier)
        if folder.is_dir():
            seen.update(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    found.team = sorted(seen)
    return found


def relative(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)

