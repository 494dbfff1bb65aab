"""Read every workbook of a week quickly: raw JSON, no nbformat; unreadable files are reported, not fatal."""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ldkit.core.errors import NotebookError
from ldkit.records.workbook import Workbook, load_workbook


@dataclass(frozen=True)
class Problem:
    path: Path
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": str(self.path), "error": self.reason}


BACKUP = re.compile(r"\.bak-\d{8}T\d{6}(-\d+)?$")  # `ldkit new --force` keeps the old workbook under this name


def workbook_stamp(path: Path) -> str:
    """The size and mtime of a workbook and of its journal: what caches compare to know it is unchanged."""
    from ldkit.records.journal import journal_path

    parts = []
    for file in (path, journal_path(path)):
        try:
            info = file.stat()
            parts.append(f"{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append("-")
    return "|".join(parts)


def notebook_files(folder: Path, authors: Collection[str] | None = None) -> list[Path]:
    """The .ipynb files below `folder`, leaving out Jupyter's checkpoints, hidden folders and --force backups.

    With `authors` (a team's members), only the workbooks under their folders of a week folder
    (workbooks/<week>/<author>/) are looked at."""
    if not folder.is_dir():
        return []
    if authors is not None:
        return sorted(p for a in authors if (folder / a).is_dir() for p in notebook_files(folder / a))
    found = []
    for path in folder.rglob("*.ipynb"):
        parts = path.relative_to(folder).parts
        if any(part.startswith(".") for part in parts) or BACKUP.search(path.stem):
            continue
        found.append(path)
    return sorted(found)


def scan(folder: Path, authors: Collection[str] | None = None) -> tuple[list[Workbook], list[Problem]]:
    """Every workbook below `folder` (of `authors` only, when given), read and checked."""
    workbooks: list[Workbook] = []
    problems: list[Problem] = []
    for path in notebook_files(folder, authors):
        try:
            workbooks.append(load_workbook(path))
        except NotebookError as exc:
            problems.append(Problem(path, exc.message))
    return workbooks, problems
