"""Whether anything under a folder changed, at the cost of one stat per file: the digests the site's caches compare.

A company's year is 52 week folders of 1,000 author folders each; walking them is system calls (opendir, getdents,
stat), which run on every core at once. So `stamp_folders` shares the folders out to forked processes, one per
core (core.forked), when the tree is large enough to pay for a fork. And it can keep what each folder held (a
listing store): a folder whose own stat is the one it had when listed is not listed again (one system call instead
of four); its files are still stat-ed one by one, since a file written in place changes no folder.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from ldkit.core import forked

PARALLEL_FROM = forked.PARALLEL_FROM
# A listing is kept only for a folder last changed this long before it was listed: a change within the same tick of
# the kernel's coarse clock (or of a file system that keeps whole seconds, or two) could leave its mtime as it was.
SETTLED_NS = 3_000_000_000
LISTINGS_VERSION = 1
# sub-folders below which a listing store costs more than it spares: SQLite's import and a query (~3 ms) against
# a scandir per settled folder (~10 µs); a team's week of 40 notebooks is one folder of 40
LISTINGS_FROM = 500


class Listed:
    """One stamped folder's listings: what each folder under it held (by its path relative to it) when last listed,
    with the folder's own stat then (mtime, ctime, inode); and what this walk found."""

    def __init__(self, kept: dict[str, Any] | None, now_ns: int) -> None:
        self.kept = kept or {}
        self.found: dict[str, Any] = {}
        self.listed = 0  # folders listed again in this walk
        self.now_ns = now_ns

    @property
    def changed(self) -> bool:
        return bool(self.listed) or len(self.found) != len(self.kept)


def stamp_tree(digest: Any, folder: Path, skip: frozenset[str] = frozenset(), listed: Listed | None = None) -> None:
    """Feed `digest` (a hashlib object) the path, size and mtime of every file below `folder`, in a fixed order:
    one stat per file says whether anything under it changed (the read caches of the site and the ledger).

    The order and bytes are os.walk's (files of a folder sorted, then its sub-folders sorted; links to folders not
    followed), read with one scandir per folder: "nothing changed" costs little more than the stats themselves.
    Folders named in `skip` are left out (ldkit's own `__pycache__`: Python rewrites it, the code is the same).
    With `listed`, a folder whose stat is the one kept is not listed again: the same bytes, fewer system calls."""
    def listing(here: str, rel: str) -> tuple[list[str], list[str]] | None:
        """(files, sub-folders) of `here`, sorted: the kept listing if the folder's stat is still the same."""
        mark = None
        if listed is not None:
            try:
                info = os.stat(here)
            except OSError:
                return None
            mark = [info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
            kept = listed.kept.get(rel)
            if kept is not None and kept[0] == mark and _names(kept[1]) and _names(kept[2]):
                listed.found[rel] = kept
                return kept[1], kept[2]
        try:
            with os.scandir(here) as found:
                entries = list(found)
        except OSError:
            return None
        files, dirs = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append(entry.name)
            elif not entry.is_symlink() and entry.name not in skip:
                dirs.append(entry.name)
        files.sort()
        dirs.sort()
        if listed is not None and mark is not None:
            listed.listed += 1
            if mark[0] < listed.now_ns - SETTLED_NS:  # settled: any later change stamps it with a later mtime
                listed.found[rel] = [mark, files, dirs]
        return files, dirs

    def walk(here: str, rel: str) -> None:
        got = listing(here, rel)
        if got is None:
            return
        files, dirs = got
        lines = []
        for name in files:
            path = f"{here}/{name}"
            try:
                info = os.stat(path)
            except OSError:
                continue
            lines.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\0{info.st_ctime_ns}\n")
        if lines:  # one update per folder: the same bytes as one per file
            digest.update("".join(lines).encode("utf-8", "surrogateescape"))
        for name in dirs:
            walk(os.path.join(here, name), f"{rel}/{name}" if rel else name)

    walk(os.fspath(folder), "")


def _names(kept: Any) -> bool:
    """Whether a kept list holds file names only (a damaged store's do not: that folder is listed again)."""
    try:
        joined = "\0".join(kept) if type(kept) is list else "/"
    except TypeError:
        return False
    return "/" not in joined and "" not in kept and "." not in kept and ".." not in kept


def folder_stamp(folder: Path, skip: frozenset[str] = frozenset()) -> str:
    """The hex digest of stamp_tree over `folder`."""
    digest = hashlib.sha256()
    stamp_tree(digest, folder, skip)
    return digest.hexdigest()


def stamp_folders(folders: list[Path], processes: int | None = None, parallel_from: int = PARALLEL_FROM,
                  listings: Path | None = None, listings_from: int = LISTINGS_FROM) -> list[str]:
    """folder_stamp of each folder, in order; the same digests however many processes walk them, and whether or not
    a listing store (`listings`, a file in the workspace's cache) is given. The store is read and written only when
    the folders hold `listings_from` sub-folders or more.

    Forked walkers are used only on Linux, from a process with no other thread (a fork copies no thread, and a
    lock another thread held would stay held in the child), and only when the folders hold `parallel_from`
    sub-folders or more. A walker is killed by the kernel if this process dies (PR_SET_PDEATHSIG); one that
    fails has its share walked here, so a fault costs time, never a wrong digest."""
    sub = forked.subfolders(folders)
    store = ListingStore(listings) if listings is not None and sub >= listings_from else None
    kept = store.read() if store is not None else {}
    now_ns = time.time_ns()

    def stamp(i: int) -> tuple[str, str | None]:
        if store is None:
            return folder_stamp(folders[i]), None
        return listed_stamp(folders[i], kept.get(str(folders[i])), now_ns)

    large = sub >= parallel_from
    out = dict(enumerate(forked.shared_map(stamp, len(folders), processes if large else 1)))
    if store is not None:
        store.write(kept, {str(folders[i]): listing for i, (_, listing) in out.items() if listing is not None},
                    [str(f) for f in folders])
    return [out[i][0] for i in range(len(folders))]


def listed_stamp(folder: Path, kept: str | None, now_ns: int) -> tuple[str, str | None]:
    """folder_stamp of `folder`, walked with its kept listings (JSON text, or None), and its listings as JSON text
    when they changed (None when they did not). A kept listing of the wrong shape (a damaged store) only makes the
    folder walked afresh."""
    try:
        data = json.loads(kept) if kept is not None else None
    except ValueError:
        data = None
    listed = Listed(data if isinstance(data, dict) else None, now_ns)
    digest = hashlib.sha256()
    try:
        stamp_tree(digest, folder, listed=listed)
    except (TypeError, ValueError, IndexError, KeyError, AttributeError, RecursionError):
        listed, digest = Listed(None, now_ns), hashlib.sha256()
        stamp_tree(digest, folder, listed=listed)
    return digest.hexdigest(), json.dumps(listed.found, separators=(",", ":")) if listed.changed else None


class ListingStore:
    """Listings kept between runs: a JSON text per stamped folder, in SQLite. Only a cache: a store that cannot be
    read is none (a damaged one is removed), one that cannot be written is left as it is (the next walk lists
    those folders again)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, str]:
        import sqlite3

        if not self.path.is_file():
            return {}
        try:
            with contextlib.closing(sqlite3.connect(self.path, timeout=1)) as db:
                if db.execute("PRAGMA user_version").fetchone()[0] != LISTINGS_VERSION:
                    return {}
                return dict(db.execute("SELECT folder, listing FROM listings"))
        except sqlite3.DatabaseError as exc:
            if not isinstance(exc, sqlite3.OperationalError):  # not a database (a damaged file): made again
                with contextlib.suppress(OSError):
                    self.path.unlink()
            return {}

    def write(self, kept: dict[str, str], changed: dict[str, str], folders: list[str]) -> None:
        """Keep `changed` (folder -> listing) and forget folders no longer stamped."""
        import sqlite3

        gone = set(kept).difference(folders)
        if not changed and not gone:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.closing(sqlite3.connect(self.path, timeout=1)) as db, db:
                if db.execute("PRAGMA user_version").fetchone()[0] != LISTINGS_VERSION:
                    db.execute("DROP TABLE IF EXISTS listings")
                    db.execute(f"PRAGMA user_version = {LISTINGS_VERSION}")
                db.execute("CREATE TABLE IF NOT EXISTS listings (folder TEXT PRIMARY KEY, listing TEXT)")
                db.executemany("INSERT OR REPLACE INTO listings VALUES (?, ?)", changed.items())
                db.executemany("DELETE FROM listings WHERE folder = ?", [(f,) for f in gone])
        except (sqlite3.Error, OSError):
            return  # busy, read-only, or full: the listings are kept another time
