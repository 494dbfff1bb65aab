"""Collect a week: its workbooks with their records (the fast reader), the team, and unreadable files."""
from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ldkit.core.errors import ConflictError, NotebookError
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace
from ldkit.ledger.team import team_of
from ldkit.records.merge import merge
from ldkit.records.notebook import parse_notebook
from ldkit.records.scan import Problem, conflict_problem, notebook_files, workbook_stamp
from ldkit.records.week import Collected, Entry, private_kinds, shared_entries  # noqa: F401 - re-exported
from ldkit.records.workbook import Workbook, load_workbook
from ldkit.render.cache import close_index, open_index
from ldkit.render.fragment import job_key
from ldkit.render.media import referenced_files, stamp


def collect(workspace: Workspace, week: Week, index: Path | None = None,
            on_change: Callable[[], Any] | None = None,
            on_entry: Callable[[Entry], Any] | None = None) -> Collected:
    """Read the week; with an `index`, a workbook whose file and journal are unchanged is not parsed again.

    `on_change` is called (once) when the first workbook that must be read again is met; `on_entry` with each
    entry as soon as it is read (to start its rendering while the rest is read)."""
    found = Collected(week=week)
    seen = ReadCache(index)
    try:
        for path in notebook_files(workspace.week_folder(week), workspace.root, found.problems, workspace.members):
            try:
                known = seen.get(path)
                if known is None and on_change is not None:
                    on_change()
                    on_change = None
                workbook, digest, files = known or seen.put(path, *_read(path, workspace.root))
            except NotebookError as exc:
                found.problems.append(Problem(path, exc.message))
                continue
            except OSError as exc:
                found.problems.append(Problem(path, f"cannot read it: {exc.strerror}"))
                continue
            found.problems.extend(conflict_problem(workbook))
            found.warnings.extend(workbook.warnings)
            hidden = private_kinds(workbook)
            images = stamp(path.parent, files)
            found.entries.append(Entry(workbook, job_key(digest, hidden, images), digest, hidden, images))
            if on_entry is not None:
                on_entry(found.entries[-1])
    finally:
        seen.close()
    found.team = team_of(workspace, week, (entry.author for entry in found.entries))
    return found


def _read(path: Path, root: Path) -> tuple[Workbook, str, list[str]]:
    raw = path.read_bytes()
    try:
        nb = parse_notebook(raw, path)
    except ConflictError:  # its records still count (from both sides and the journal); its body is not shown
        return load_workbook(path, root=root), hashlib.sha256(raw).hexdigest(), []
    return load_workbook(path, nb, root), content_hash(nb, raw), referenced_files(nb, path.parent)


def content_hash(nb: dict[str, Any], raw: bytes | None = None) -> str:
    """What the rendering depends on: the notebook without the records `ldkit log` keeps in its metadata, so
    saving a plan or outcome from the command line does not render the notebook again.

    A notebook with no records there is its bytes (`raw`), hashed as they are: writing it out again as sorted
    JSON first cost a third of a cold digest's reading (a re-formatted file only renders once more)."""
    meta: dict[str, Any] = nb["metadata"] if isinstance(nb.get("metadata"), dict) else {}
    ident = meta.get("ldkit") if isinstance(meta.get("ldkit"), dict) else None
    if (ident is None or "records" not in ident) and raw is not None:
        return hashlib.sha256(b"raw\0" + raw).hexdigest()
    if ident is None or "records" not in ident:
        view = nb
    else:
        view = {**nb, "metadata": {**meta, "ldkit": {k: v for k, v in ident.items() if k != "records"}}}
    blob = json.dumps(view, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


class ReadCache:
    """What was read of each workbook, keyed by the size and mtime of the notebook and of its journal.

    Parsing a week's notebooks is most of a warm digest's time; a corrupt or missing index is only a slower run.
    """

    def __init__(self, index: Path | None) -> None:
        self.db = None if index is None else open_index(
            index, "workbooks_v3 (path TEXT PRIMARY KEY, stamp TEXT, sha256 TEXT, identity TEXT, records TEXT, "
                   "files TEXT)")

    @staticmethod
    def _stamp(path: Path) -> str:
        return workbook_stamp(path)

    def get(self, path: Path) -> tuple[Workbook, str, list[str]] | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT stamp, sha256, identity, records, files FROM workbooks_v3 WHERE path = ?",
                                  (str(path),)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or row[0] != self._stamp(path):
            return None
        identity = json.loads(row[2])
        # only workbooks read without a warning are kept, as the records they were checked to be: no check again
        merged = merge(json.loads(row[3]), identity["id"])
        return Workbook(path=path, identity=identity, records=merged), row[1], json.loads(row[4])

    def put(self, path: Path, workbook: Workbook, digest: str, files: list[str]) -> tuple[Workbook, str, list[str]]:
        if self.db is not None and not workbook.warnings:
            merged = workbook.records
            checked = [r for r in (merged.plan, merged.outcome) if r is not None]
            checked += [*merged.results.values(), *merged.history]
            with contextlib.suppress(sqlite3.Error, TypeError, ValueError):
                self.db.execute("INSERT OR REPLACE INTO workbooks_v3 VALUES (?, ?, ?, ?, ?, ?)",
                                (str(path), self._stamp(path), digest, json.dumps(workbook.identity),
                                 json.dumps(checked), json.dumps(files)))
        return workbook, digest, files

    def close(self) -> None:
        close_index(self.db)
        self.db = None
