"""The journal: append-only JSON Lines beside a workbook, where every save lands first.

Each append holds an exclusive lock on the journal, writes one line, flushes and fsyncs, so two writers never
interleave and a save survives a crash. A torn last line (a crash mid-append) is skipped with a warning on read.
"""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, Iterator

from ldkit.errors import WriteError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: appends are still single writes
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".ldkit.jsonl"


def journal_path(notebook: Path) -> Path:
    """`week/author/slug.ipynb` -> `week/author/slug.ldkit.jsonl`."""
    notebook = Path(notebook)
    return notebook.with_name(notebook.stem + SUFFIX)


@contextlib.contextmanager
def locked(journal: Path) -> Iterator[Any]:
    """Hold the journal's lock (creating the journal if needed); yields the open file for appending."""
    try:
        handle = open(journal, "a+b")
    except OSError as exc:
        raise WriteError(f"cannot save to {journal}: {exc.strerror}",
                         hint=f"check that you may write to {journal.parent}") from None
    with handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def append_locked(handle: Any, record: dict[str, Any], journal: Path) -> None:
    """Append one record through a handle from `locked`."""
    line = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    try:
        handle.seek(0, os.SEEK_END)
        if handle.tell() > 0:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                # the previous writer died mid-line: end its torn line so ours stays whole
                line = "\n" + line
        handle.write(line.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    except OSError as exc:
        raise WriteError(f"cannot save to {journal}: {exc.strerror}",
                         hint="check the free disk space and the file's permissions") from None


def append(journal: Path, record: dict[str, Any]) -> None:
    with locked(journal) as handle:
        append_locked(handle, record, journal)


def read(journal: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """All records of a journal, and warnings for lines that could not be read (never an exception)."""
    try:
        raw = Path(journal).read_bytes()
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [f"{journal}: cannot read the journal ({exc.strerror})"]
    records: list[dict[str, Any]] = []
    warnings: list[str] = []
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            where = "its last line" if number == len(lines) else f"line {number}"
            warnings.append(f"{journal}: skipped {where}, which is not whole JSON (a save was interrupted)")
            continue
        if isinstance(value, dict):
            records.append(value)
        else:
            warnings.append(f"{journal}: skipped line {number}, which is not a record")
    return records, warnings
