"""Whether anything under a folder changed, at the cost of one stat per file: the digests the site's caches compare.

A company's year is 52 week folders of 1,000 author folders each; walking them is system calls (opendir, getdents,
stat), which run on every core at once. So `stamp_folders` shares the folders out to forked processes, one per
core, when the tree is large enough to pay for a fork. And it can keep what each folder held (a listing store):
a folder whose own stat is the one it had when listed is not listed again (one system call instead of four); its
files are still stat-ed one by one, since a file written in place changes no folder.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

PARALLEL_FROM = 2000  # sub-folders (read from the folders' link counts) below which one process walks them all
MAX_PROCESSES = 8
# A listing is kept only for a folder last changed this long before it was listed: a change within the same tick of
# the kernel's coarse clock (or of a file system that keeps whole seconds, or two) could leave its mtime as it was.
SETTLED_NS = 3_000_000_000
LISTINGS_VERSION = 1


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
                  listings: Path | None = None) -> list[str]:
    """folder_stamp of each folder, in order; the same digests however many processes walk them, and whether or not
    a listing store (`listings`, a file in the workspace's cache) is given.

    Forked walkers are used only on Linux, from a process with no other thread (a fork copies no thread, and a
    lock another thread held would stay held in the child), and only when the folders hold `parallel_from`
    sub-folders or more. A walker is killed by the kernel if this process dies (PR_SET_PDEATHSIG); one that
    fails has its share walked here, so a fault costs time, never a wrong digest."""
    store = ListingStore(listings) if listings is not None else None
    kept = store.read() if store is not None else {}
    now_ns = time.time_ns()

    def stamp(i: int) -> tuple[str, str | None]:
        if store is None:
            return folder_stamp(folders[i]), None
        return listed_stamp(folders[i], kept.get(str(folders[i])), now_ns)

    count = min(processes or _cores(), MAX_PROCESSES, len(folders))
    if count < 2 or not sys.platform.startswith("linux") or _other_threads() or _subfolders(folders) < parallel_from:
        out = dict(enumerate(map(stamp, range(len(folders)))))
    else:
        out = _shared_out(stamp, len(folders), count)
    if store is not None:
        store.write(kept, {str(folders[i]): listing for i, (_, listing) in out.items() if listing is not None},
                    [str(f) for f in folders])
    return [out[i][0] for i in range(len(folders))]


def _shared_out(stamp: Any, total: int, count: int) -> dict[int, tuple[str, str | None]]:
    """`stamp` of 0..total-1, shared out to `count` processes: this one and forked walkers."""
    shares = [list(range(n, total, count)) for n in range(count)]
    walkers: list[tuple[list[int], tuple[int, int] | None]] = []
    out: dict[int, tuple[str, str | None]] = {}
    try:
        for share in shares[1:]:  # a fork or pipe refused (a process limit, no fds): the rest is walked here
            walker = _fork_walker(stamp, share) if not walkers or walkers[-1][1] else None
            walkers.append((share, walker))
        for i in shares[0]:
            out[i] = stamp(i)
        for share, walker in walkers:
            got = _collect(*walker) if walker is not None else None
            if got is None or len(got) != len(share):  # a walker that failed: its share is walked here
                got = [stamp(i) for i in share]
            out.update(zip(share, got, strict=True))
    finally:
        for _, walker in walkers:
            if walker is not None:
                _end(*walker)
    return out


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


def _other_threads() -> bool:
    """Whether a thread other than this one runs in the process (then no fork)."""
    return threading.active_count() > 1


def _cores() -> int:
    """The CPUs this process may run on (a container's or taskset's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _subfolders(folders: list[Path]) -> int:
    """How many folders the given ones hold, from their link counts (2 + sub-folders on ext4, XFS, APFS; a file
    system that reports 1, as btrfs does, reads as none: one process walks it)."""
    total = 0
    for folder in folders:
        try:
            total += max(os.stat(folder).st_nlink - 2, 0)
        except OSError:
            continue
    return total


def _fork_walker(stamp: Any, share: list[int]) -> tuple[int, int] | None:
    """A forked process that writes `stamp` of each of `share` to a pipe, as one JSON list: (its pid, the read
    end); None when the system refuses a pipe or a process.

    Ctrl-C and termination are held off across the fork, so a signal never finds the child running this process's
    code: the child ignores SIGINT (its parent ends it) and collects no garbage (no finalizer of the parent's
    objects runs in it); it leaves by os._exit (no atexit, no buffers of the parent written twice)."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    parent = os.getpid()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the walker: only system calls and hashing
        code = 1
        try:
            gc.disable()
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(read_end)
            _die_with_parent(parent)
            data = json.dumps([stamp(i) for i in share]).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view):]
            code = 0
        finally:
            os._exit(code)
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    os.close(write_end)
    return pid, read_end


def _die_with_parent(parent: int) -> None:
    from ldkit.core.procs import ask_the_kernel

    ask_the_kernel()
    if os.getppid() != parent:  # gone between the fork and the request
        os._exit(1)


def _collect(pid: int, read_end: int) -> list[tuple[str, str | None]] | None:
    """The walker's stamps, or None if it did not finish them."""
    chunks = []
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        return [(str(d), None if listing is None else str(listing)) for d, listing in json.loads(b"".join(chunks))]
    except (ValueError, TypeError):
        return None


def _end(pid: int, read_end: int) -> None:
    """Close the pipe and reap the walker, killing it first if it still runs (this process is unwinding)."""
    with contextlib.suppress(OSError):
        os.close(read_end)
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
