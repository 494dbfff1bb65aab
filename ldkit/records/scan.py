"""Read every workbook of a week quickly: raw JSON, no nbformat; unreadable files are reported, not fatal."""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ldkit.core.errors import NotebookError
from ldkit.core.layout import inside, link_target, outside_link
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


def notebook_files(folder: Path, root: Path | None = None, outside: list[Problem] | None = None,
                   authors: Collection[str] | None = None) -> list[Path]:
    """The .ipynb files below `folder`, leaving out Jupyter's checkpoints, hidden folders and --force backups.

    With `authors` (a team's members), only their folders of a week folder (workbooks/<week>/<author>/) are
    looked at.

    Nothing that leads out of `root` (the workspace; `folder` itself when not given) is read: a notebook, a
    week's or an author's folder that is a link to elsewhere is left out and named once in `outside`."""
    root = Path(folder) if root is None else Path(root)
    folder = Path(folder)
    if not folder.is_dir():
        return []
    if authors is not None:
        return sorted(p for a in authors if (folder / a).is_dir() for p in notebook_files(folder / a, root, outside))
    found: list[Path] = []
    named: set[Path] = set()

    def refuse(link: Path) -> None:
        if link not in named and outside is not None:
            named.add(link)
            what = "folder" if link.is_dir() else "file"
            outside.append(Problem(link, f"not read: this {what} is a link to {link_target(link)}, outside the "
                                         "workspace; move what it holds into the workspace, or remove the link"))

    link = outside_link(folder, root)
    if link is not None:
        refuse(link)
        return []
    for path in folder.rglob("*"):
        parts = path.relative_to(folder).parts
        if any(part.startswith(".") for part in parts):
            continue
        if path.is_symlink() and not inside(path, root):
            if path.suffix == ".ipynb" or path.is_dir():
                refuse(path)
            continue
        if path.suffix != ".ipynb" or BACKUP.search(path.stem) or not path.is_file():
            continue
        found.append(path)
    return sorted(found)


def scan(folder: Path, root: Path | None = None,
         authors: Collection[str] | None = None) -> tuple[list[Workbook], list[Problem]]:
    """Every workbook below `folder` (of `authors` only, when given) and what could not be read; nothing outside
    `root` (the workspace) is read."""
    workbooks: list[Workbook] = []
    problems: list[Problem] = []
    for path in notebook_files(folder, root, problems, authors):
        try:
            workbook = load_workbook(path, root=root)
        except NotebookError as exc:
            problems.append(Problem(path, exc.message))
            continue
        problems.extend(conflict_problem(workbook))
        workbooks.append(workbook)
    return workbooks, problems


def conflict_problem(workbook: Workbook) -> list[Problem]:
    """A notebook with git conflict markers is a problem to name (once: taken out of its warnings), though its
    records still count."""
    if workbook.conflict is None:
        return []
    workbook.warnings = [w for w in workbook.warnings if w != workbook.conflict]
    return [Problem(workbook.path, workbook.conflict)]
