"""Read every workbook of a week quickly: raw JSON, no nbformat; unreadable files are reported, not fatal."""
from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ldkit.core.errors import NotebookError
from ldkit.core.layout import JOURNAL_SUFFIX, inside, link_target, outside_link
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

    return "|".join(_file_stamp(str(file)) for file in (path, journal_path(path)))


def _file_stamp(name: str, entry: os.DirEntry[str] | None = None) -> str:
    try:
        info = entry.stat() if entry is not None else os.stat(name)
    except OSError:
        return "-"
    # size and mtime, and the inode and ctime: a rewrite of the same size within the clock's tick (a coarse mtime:
    # older kernels, NFS, FAT) still changes them (atomic saves make a new inode; any write moves the ctime)
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}:{info.st_ctime_ns}"


def notebook_files(folder: Path, root: Path | None = None, outside: list[Problem] | None = None,
                   authors: Collection[str] | None = None) -> list[Path]:
    """The .ipynb files below `folder`, leaving out Jupyter's checkpoints, hidden folders and --force backups.

    With `authors` (a team's members), only their folders of a week folder (workbooks/<week>/<author>/) are
    looked at.

    Nothing that leads out of `root` (the workspace; `folder` itself when not given) is read: a notebook, a
    week's or an author's folder that is a link to elsewhere is left out and named once in `outside`."""
    return [Path(name) for name, _ in notebook_stamps(folder, root, outside, authors, stamps=False)]


def notebook_stamps(folder: Path, root: Path | None = None, outside: list[Problem] | None = None,
                    authors: Collection[str] | None = None, stamps: bool = True,
                    others: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(path, workbook_stamp) of every notebook `notebook_files` finds, in its order, from one walk of the folders
    (os.scandir: a company's 52,000 workbooks are a second of stat calls, not of pathlib objects). Without
    `stamps`, the stamps are empty and nothing is stat-ed beyond what the walk needs. `others` receives the stamp
    of every other file the walk meets (weeks off, images), for a cache keyed by all of a folder's inputs."""
    root = Path(folder) if root is None else Path(root)
    folder = Path(folder)
    if not folder.is_dir():
        return []
    if authors is not None:
        return [p for a in sorted(authors) if (folder / a).is_dir()
                for p in notebook_stamps(folder / a, root, outside, None, stamps, others)]
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
    found: list[tuple[str, str]] = []

    def walk(here: str) -> None:
        try:
            with os.scandir(here) as listing:
                entries = {entry.name: entry for entry in listing}
        except OSError:
            return
        for name in sorted(entries):  # each folder in name order: the order of sorted pathlib Paths, by parts
            entry = entries[name]
            if name.startswith("."):  # hidden files and folders, Jupyter's checkpoints among them
                continue
            try:
                if entry.is_symlink():
                    path = Path(entry.path)
                    if not inside(path, root):
                        if name.endswith(".ipynb") or path.is_dir():
                            refuse(path)
                        continue
                    if not name.endswith(".ipynb") or not path.is_file():
                        if others is not None and path.is_file():
                            others[entry.path] = _file_stamp(entry.path)
                        continue  # a link to a folder inside the workspace is not walked twice
                elif entry.is_dir(follow_symlinks=False):
                    walk(entry.path)
                    continue
                elif not name.endswith(".ipynb") or not entry.is_file(follow_symlinks=False):
                    if others is not None and not name.endswith(JOURNAL_SUFFIX) and entry.is_file():
                        others[entry.path] = _file_stamp(entry.path, entry)
                    continue
            except OSError:
                continue
            stem = name[:-len(".ipynb")]
            if BACKUP.search(stem):
                continue
            if not stamps:
                found.append((entry.path, ""))
                continue
            journal = entries.get(stem + JOURNAL_SUFFIX)
            found.append((entry.path, _file_stamp(entry.path, entry) + "|" + (
                "-" if journal is None else _file_stamp(journal.path, journal))))

    walk(str(folder))
    return found


def scan(folder: Path, root: Path | None = None, authors: Collection[str] | None = None,
         index: Path | None = None) -> tuple[list[Workbook], list[Problem]]:
    """Every workbook below `folder` (of `authors` only, when given) and what could not be read; nothing outside
    `root` (the workspace) is read. With `index` (records.index), an unchanged workbook is read back from it."""
    problems: list[Problem] = []
    stamps = notebook_stamps(folder, root, problems, authors)
    return read_stamped(folder, stamps, root, index, problems), problems


def read_stamped(folder: Path, stamps: list[tuple[str, str]], root: Path | None, index: Path | None,
                 problems: list[Problem]) -> list[Workbook]:
    """The workbooks `notebook_stamps` found below `folder`: from the records index where their stamp is the one
    kept, else read (and kept); what cannot be read goes to `problems`."""
    from ldkit.records.index import RecordsIndex

    workbooks: list[Workbook] = []
    with RecordsIndex(index if stamps else None) as kept:
        rows = kept.rows_below(folder)
        for name, stamp in stamps:
            path = Path(name)
            row = rows.get(name)
            if row is not None and row.stamp == stamp:
                workbooks.append(row.workbook(path))
                continue
            try:
                workbook = load_workbook(path, root=root)
            except NotebookError as exc:
                problems.append(Problem(path, exc.message))
                continue
            problems.extend(conflict_problem(workbook))
            kept.put(path, stamp, workbook)
            workbooks.append(workbook)
    return workbooks


def conflict_problem(workbook: Workbook) -> list[Problem]:
    """A notebook with git conflict markers is a problem to name (once: taken out of its warnings), though its
    records still count."""
    if workbook.conflict is None:
        return []
    workbook.warnings = [w for w in workbook.warnings if w != workbook.conflict]
    return [Problem(workbook.path, workbook.conflict)]
