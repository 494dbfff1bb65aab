"""The journal: append-only JSON Lines beside a workbook, where every save lands first.

Each append holds an exclusive lock on the journal, writes one line, flushes and fsyncs, so two writers never
interleave and a save survives a crash. A torn last line (a crash mid-append) is skipped with a warning on read.
"""
from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ldkit.core.errors import WriteError
from ldkit.core.files import locked as locked_file
from ldkit.core.layout import JOURNAL_SUFFIX, journal_path  # noqa: F401 - the journal's path, re-exported

SUFFIX = JOURNAL_SUFFIX


@contextlib.contextmanager
def locked(journal: Path) -> Iterator[Any]:
    """Hold the journal's lock (creating the journal if needed); yields the open file for appending."""
    with locked_file(journal, "a+b", doing="save to") as handle:
        yield handle


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


def read_lines(journal: Path) -> tuple[list[tuple[int, Any]], list[str]]:
    """(line number, JSON value) for every readable line, and a warning for each line that is not JSON.

    Never raises: a journal is read by everyone's status and digest, and one bad line must not stop them."""
    try:
        raw = Path(journal).read_bytes()
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [f"{journal}: cannot read the journal ({exc.strerror})"]
    values: list[tuple[int, Any]] = []
    warnings: list[str] = []
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            values.append((number, json.loads(line)))
        except UnicodeDecodeError:
            warnings.append(f"{journal}: skipped line {number}, which is not UTF-8 text; delete that line")
        except ValueError as exc:
            warnings.append(_not_json(journal, number, line, exc, last=number == len(lines)))
    return values, warnings


def _not_json(journal: Path, number: int, line: bytes, exc: ValueError, last: bool) -> str:
    """Say what the line is: a save cut short by a crash, or text that was never a record."""
    text = line.decode("utf-8", "replace").rstrip()
    cut_short = text.lstrip().startswith("{") and (
        getattr(exc, "pos", 0) >= len(text) - 1 or str(getattr(exc, "msg", "")).startswith("Unterminated string"))
    if cut_short and last:
        return (f"{journal}: skipped its last line (line {number}), which was cut short: a save was interrupted. "
                "The next save starts on a new line; nothing else was lost")
    if cut_short:
        return (f"{journal}: skipped line {number}, which was cut short by an interrupted save; "
                "delete that line to silence this warning")
    return (f"{journal}: skipped line {number}, which is not a record (not JSON: {getattr(exc, 'msg', exc)}); "
            "correct or delete that line")

