"""The digest's caches: rendered fragments by content hash, SQLite indexes, Jinja bytecode.

A corrupt or deleted cache is rebuilt, never fatal: the worst case is rendering again.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ldkit.core.errors import LdkitError
from ldkit.core.files import make_folder

if TYPE_CHECKING:
    from jinja2 import BytecodeCache


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
    """Rendered fragments as files named by their render key: a file that exists is a hit, nothing else is kept.

    An unwritable cache folder falls back to a throw-away one for this run (rendering again next time)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        try:
            make_folder(self.folder / "fragments")
            probe = self.folder / "fragments" / ".writable"
            probe.write_bytes(b"")
            probe.unlink()
        except (LdkitError, OSError):
            import atexit
            import shutil
            import tempfile

            self.folder = Path(tempfile.mkdtemp(prefix="ldkit-digest-cache-"))
            make_folder(self.folder / "fragments")
            # gone when the process ends, not at close(): the pages are written from its fragments after that
            atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        self.files = self.folder / "fragments"

    def path(self, key: str) -> Path:
        return self.files / f"{key}.html"

    def get(self, key: str) -> Path | None:
        path = self.path(key)
        return path if path.is_file() else None

    def close(self) -> None:
        """Nothing to release; kept so callers close what they open."""


def bytecode_cache(fallback: Path) -> BytecodeCache | None:
    """A Jinja bytecode cache for nbconvert's and ldkit's templates: in the user's cache, shared by their
    workspaces, since compiled templates depend on the installed templates alone (like a package's .pyc; Jinja
    checks each template's source and Python's version) and compiling them costs each new or cleaned workspace
    ~40 ms a process; in `fallback` (the workspace's cache) where the user's cache cannot be written; None where
    neither can (Jinja would fail loudly)."""
    from ldkit.core.usercache import user_cache

    for folder in (user_cache() / "templates", Path(fallback)):
        if _writable(folder):
            from jinja2 import FileSystemBytecodeCache

            return FileSystemBytecodeCache(str(folder))  # writes through a temporary file and a rename
    return None


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True


class KeptConversions:
    """Conversions kept across runs (a SQLite table beside the render cache), for what a render repeats: a
    notebook edited in one cell is rendered again whole, and its other formulas and code cells need not be
    converted again. A store that cannot be opened or written only makes rendering slower.

    `preload`: read the whole table into memory when it holds at most this many rows (a team's formulas: one
    read instead of a query each); 0 asks SQLite per key (highlighted code is larger)."""

    def __init__(self, path: Path, table: str, column: str, prefix: str, preload: int = 0) -> None:
        self.table, self.column, self.prefix = table, column, prefix
        self.db = open_index(path, f"{table} (key TEXT PRIMARY KEY, {column} TEXT)")
        if self.db is not None:
            # a store only spares work: no fsync per notebook (a killed process still leaves it whole; what the
            # system loses in a crash is a slower render)
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("PRAGMA synchronous=OFF")
        self.new: dict[str, str] = {}
        self.known: dict[str, str] | None = None
        if self.db is not None and preload:
            try:
                count = self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                if count <= preload:
                    self.known = dict(self.db.execute(f"SELECT key, {column} FROM {table}"))
            except sqlite3.Error:
                self.known = None

    def get(self, key: str) -> str | None:
        if key in self.new:
            return self.new[key]
        if self.known is not None:
            return self.known.get(key)
        if self.db is None:
            return None
        try:
            row = self.db.execute(f"SELECT {self.column} FROM {self.table} WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else row[0]

    def flush(self) -> None:
        if self.known is not None:
            self.known.update(self.new)
        if self.db is not None and self.new:
            try:
                with self.db:
                    self.db.executemany(f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?)", self.new.items())
            except sqlite3.Error:
                pass
        self.new.clear()


class StoreSlot:
    """This process's store of one kind of kept conversions: a render worker opens it once (`use`) and writes what
    each notebook added (`flush`); `store` is None until then (the converters then keep nothing)."""

    def __init__(self, make: Callable[[Path], KeptConversions]) -> None:
        self.make = make
        self.store: Any = None

    def use(self, path: Path | None) -> Any:
        """Keep conversions in `path` from now on in this process; None stops."""
        self.flush()
        self.store = self.make(path) if path is not None else None
        return self.store

    def flush(self) -> None:
        if self.store is not None:
            self.store.flush()
