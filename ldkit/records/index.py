"""THE records index: what was read of each workbook (identity and merged records), kept in one SQLite file of the
workspace cache and keyed by the stamp (size, mtime, inode and ctime) of its notebook and journal, so a workbook one
command read is not parsed again by the next: the site, digest, export, stats and status share it. The rows hold for
the code that read them: another ldkit (its version, its records and core code) starts them again.

A row is kept only for a workbook read without a warning (so reading it back needs no check, and warns of
nothing). The render's extras (the notebook's content hash and the images it embeds) are filled by the readers that
render (digest.collect); a row without them is a miss for those. A changed stamp is a miss, a deleted workbook's
row is never asked for, and a missing, corrupt, old-version or read-only index is only a slower read.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldkit.records.merge import Merged
from ldkit.records.workbook import Workbook

VERSION = 4  # 3: the digest's own index (records merged again on each read); 4: shared, merged records kept
TABLE = f"workbooks_v{VERSION}"
_COLUMNS = "path TEXT PRIMARY KEY, stamp TEXT, data TEXT, sha256 TEXT, files TEXT"


def code_stamp() -> str:
    """What read the rows: ldkit's version and the code that reads, merges and checks a workbook (records, core).
    An upgrade that changes how records are merged or what is private must not be answered by the old rows."""
    from ldkit.core import __version__

    digest = hashlib.sha256(__version__.encode("utf-8"))
    package = Path(__file__).resolve().parent.parent
    for sub in ("records", "core"):
        for path in sorted((package / sub).iterdir()):
            with contextlib.suppress(OSError):
                if path.is_file() and path.suffix in (".py", ".json"):
                    info = path.stat()
                    digest.update(f"{sub}/{path.name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def index_path(cache: Path) -> Path:
    """Where the index lives in the workspace cache (where the digest has always kept its index)."""
    return Path(cache) / "digest" / "workbooks.sqlite"


@dataclass
class Row:
    """A workbook as the index holds it."""

    stamp: str
    data: str  # JSON: [identity, merged records]
    sha256: str | None
    embeds: str | None  # JSON: the images the notebook embeds (decoded only by the readers that render)

    def workbook(self, path: Path) -> Workbook:
        identity, merged = json.loads(self.data)
        return Workbook(path=path, identity=identity, records=Merged(**merged))

    @property
    def files(self) -> list[str] | None:
        return json.loads(self.embeds) if self.embeds is not None else None


class RecordsIndex:
    """The index, open for one command; every failure of SQLite is a miss (or a row not kept), never an error."""

    def __init__(self, path: Path | None) -> None:
        self.db = None if path is None else _open(Path(path))

    def rows_below(self, folder: Path) -> dict[str, Row]:
        """Every row of a workbook below `folder` (a week's), in one query: a week of a company is a thousand."""
        if self.db is None:
            return {}
        low = str(folder).rstrip(os.sep) + os.sep
        try:
            found = self.db.execute(f"SELECT path, stamp, data, sha256, files FROM {TABLE} WHERE path >= ? AND "
                                    "path < ?", (low, low[:-1] + chr(ord(os.sep) + 1))).fetchall()
        except sqlite3.Error:
            return {}
        return {path: Row(stamp, data, sha256, files) for path, stamp, data, sha256, files in found}

    def get(self, path: Path, stamp: str) -> Row | None:
        """The row of `path` if it was kept for this very `stamp`."""
        if self.db is None:
            return None
        try:
            found = self.db.execute(f"SELECT stamp, data, sha256, files FROM {TABLE} WHERE path = ?",
                                    (str(path),)).fetchone()
        except sqlite3.Error:
            return None
        if found is None or found[0] != stamp:
            return None
        return Row(found[0], found[1], found[2], found[3])

    def put(self, path: Path, stamp: str, workbook: Workbook, sha256: str | None = None,
            files: list[str] | None = None) -> None:
        """Keep what was read of `path` (stamped before it was read), unless it was read with a warning."""
        if self.db is None or workbook.warnings or workbook.conflict is not None:
            return
        records = workbook.records
        merged = {"plan": records.plan, "outcome": records.outcome, "results": records.results,
                  "history": records.history, "newer": records.newer}
        with contextlib.suppress(sqlite3.Error, TypeError, ValueError):
            self.db.execute(f"INSERT OR REPLACE INTO {TABLE} VALUES (?, ?, ?, ?, ?)",
                            (str(path), stamp, json.dumps([workbook.identity, merged], separators=(",", ":")),
                             sha256, json.dumps(files) if files is not None else None))

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.commit()
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        self.db = None

    def __enter__(self) -> RecordsIndex:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _open(path: Path) -> sqlite3.Connection | None:
    """The index at `path`; a corrupt file is replaced, an older version's table dropped, a failure gives None."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)  # a read-only cache: what is there can still be read
    for attempt in range(2):
        try:
            db = sqlite3.connect(path, timeout=10)
            db.execute("PRAGMA schema_version").fetchone()  # a file that is not a database says so here
        except sqlite3.OperationalError:
            return None
        except sqlite3.DatabaseError:
            if attempt:
                return None
            with contextlib.suppress(OSError):
                path.unlink()  # corrupt: start a new index
            continue
        code = code_stamp()
        try:
            db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({_COLUMNS})")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("DROP TABLE IF EXISTS workbooks_v3")  # what an older ldkit kept: never read again
            kept = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
            if kept is None or kept[0] != code:  # rows another ldkit read: start again
                db.execute(f"DELETE FROM {TABLE}")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (code,))
            db.commit()
        except sqlite3.Error:  # read-only: read what is there, keep nothing
            with contextlib.suppress(sqlite3.Error):
                db.rollback()
        try:
            db.execute(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchall()
            kept = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
        except sqlite3.Error:
            db.close()
            return None
        if kept is None or kept[0] != code:  # read-only, and read by another ldkit: not to be trusted
            db.close()
            return None
        return db
    return None
