"""Collect a week: its workbooks with their records (the fast reader), the team, and unreadable files."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ldkit.core.errors import ConflictError, NotebookError
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace
from ldkit.ledger.stats import Walked, week_numbers
from ldkit.ledger.team import team_of
from ldkit.records.index import RecordsIndex, Row
from ldkit.records.notebook import parse_notebook
from ldkit.records.scan import Problem, conflict_problem, notebook_stamps, workbook_stamp
from ldkit.records.week import Collected, Entry, private_kinds, shared_entries  # noqa: F401 - re-exported
from ldkit.records.workbook import Workbook, load_workbook
from ldkit.render.fragment import job_key
from ldkit.render.media import referenced_files, stamp


def collect(workspace: Workspace, week: Week, index: Path | None = None,
            on_change: Callable[[], Any] | None = None,
            on_entry: Callable[[Entry], Any] | None = None) -> Collected:
    """Read the week; with an `index`, a workbook whose file and journal are unchanged is not parsed again.

    `on_change` is called (once) when the first workbook that must be read again is met; `on_entry` with each
    entry as soon as it is read (to start its rendering while the rest is read)."""
    found = Collected(week=week)
    folder = workspace.week_folder(week)
    walked = Walked(problems=found.problems)
    walked.stamps = stamps = notebook_stamps(folder, workspace.root, found.problems, workspace.members,
                                             others=walked.others)
    seen = ReadCache(index if stamps else None)
    try:
        rows = seen.index.rows_below(folder)  # the week's rows in one query, compared with the walk's stamps
        for name, mark in stamps:
            path = Path(name)
            try:
                row = rows.get(name)
                known = seen.known(path, row) if row is not None and row.stamp == mark else None
                if known is None and on_change is not None:
                    on_change()
                    on_change = None
                workbook, digest, files = known or seen.keep(path, mark, *_read(path, workspace.root))
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
    if index is not None:  # the week's numbers, kept for `ldkit stats` and the next reader (ledger.stats)
        week_numbers(workspace, week, walked, lambda: [entry.workbook for entry in found.entries])
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
    """What was read of each workbook, kept in the shared records index (records.index) with what rendering needs:
    the notebook's content hash and the images it embeds. Keyed by the size and mtime of the notebook and of its
    journal; a row that stats or status kept (records only) is read again here once, to add the render's part.

    Parsing a week's notebooks is most of a warm digest's time; a corrupt or missing index is only a slower run.
    """

    def __init__(self, index: Path | None) -> None:
        self.index = RecordsIndex(index)

    @staticmethod
    def _stamp(path: Path) -> str:
        return workbook_stamp(path)

    @staticmethod
    def known(path: Path, row: Row) -> tuple[Workbook, str, list[str]] | None:
        """The row as collect uses it, or None when it lacks the render's part."""
        files = row.files
        if row.sha256 is None or files is None:
            return None
        return row.workbook(path), row.sha256, files

    def get(self, path: Path) -> tuple[Workbook, str, list[str]] | None:
        row = self.index.get(path, self._stamp(path))
        return None if row is None else self.known(path, row)

    def keep(self, path: Path, mark: str, workbook: Workbook, digest: str,
             files: list[str]) -> tuple[Workbook, str, list[str]]:
        """Keep what was read of `path`, under the stamp `mark` taken before it was read."""
        self.index.put(path, mark, workbook, digest, files)
        return workbook, digest, files

    def put(self, path: Path, workbook: Workbook, digest: str, files: list[str]) -> tuple[Workbook, str, list[str]]:
        return self.keep(path, self._stamp(path), workbook, digest, files)

    def close(self) -> None:
        self.index.close()
