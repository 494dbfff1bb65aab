"""The digest's render cache: fragments in files named by content hash, indexed in SQLite.

A corrupt or deleted cache is rebuilt, never fatal: the worst case is rendering again.
"""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from ldkit.atomic import atomic_write, make_folder
from ldkit.errors import LdkitError


def open_index(path: Path, table: str) -> sqlite3.Connection | None:
    """A SQLite index with `table` (a CREATE TABLE body); a corrupt file is replaced, a failure gives None."""
    for attempt in range(2):
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=10)
            db.execute(f"CREATE TABLE IF NOT EXISTS {table}")
            db.execute(f"SELECT count(*) FROM {table.split(' ', 1)[0]}").fetchone()
            return db
        except sqlite3.DatabaseError:
            if attempt:
                return None
            Path(path).unlink(missing_ok=True)  # corrupt: start a new index; what it pointed to stays usable
        except (sqlite3.Error, OSError):
            return None
    return None


def close_index(db: sqlite3.Connection | None) -> None:
    if db is not None:
        try:
            db.commit()
            db.close()
        except sqlite3.Error:
            pass


class FragmentCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.db: sqlite3.Connection | None = None
        try:
            make_folder(self.folder / "fragments")
            probe = self.folder / "fragments" / ".writable"
            probe.write_bytes(b"")
            probe.unlink()
        except (LdkitError, OSError):
            import tempfile  # an unwritable cache folder: render into a throw-away one this run

            self.folder = Path(tempfile.mkdtemp(prefix="ldkit-digest-cache-"))
            make_folder(self.folder / "fragments")
        self.files = self.folder / "fragments"
        # without an index this run, the fragment files still serve
        self.db = open_index(self.folder / "index.sqlite",
                             "fragments (key TEXT PRIMARY KEY, kind TEXT, bytes INTEGER, source TEXT, used REAL)")

    def path(self, key: str) -> Path:
        return self.files / f"{key}.html"

    def get(self, key: str) -> Path | None:
        path = self.path(key)
        if not path.is_file():
            return None
        if self.db is not None:
            try:
                self.db.execute("UPDATE fragments SET used = ? WHERE key = ?", (time.time(), key))
            except sqlite3.Error:
                pass
        return path

    def put(self, key: str, html: str, source: str, kind: str = "render") -> Path:
        path = self.path(key)
        try:
            atomic_write(path, html)
        except LdkitError:
            return path
        self.record(key, path, source, kind)
        return path

    def record(self, key: str, path: Path, source: str, kind: str = "render") -> None:
        if self.db is None:
            return
        try:
            size = path.stat().st_size if path.exists() else 0
            self.db.execute("INSERT OR REPLACE INTO fragments VALUES (?, ?, ?, ?, ?)",
                            (key, kind, size, source, time.time()))
        except (sqlite3.Error, OSError):
            pass

    def close(self) -> None:
        close_index(self.db)
        self.db = None

def bytecode_cache(folder: Path) -> object | None:
    """A Jinja bytecode cache in `folder`, or None where it could not be written (Jinja would fail loudly)."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        probe = Path(folder) / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return None
    from jinja2 import FileSystemBytecodeCache

    return FileSystemBytecodeCache(str(folder))
