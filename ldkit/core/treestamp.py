"""Whether anything under a folder changed, at the cost of one stat per file: the digests the site's caches compare.

A company's year is 52 week folders of 1,000 author folders each; walking them is system calls (opendir, getdents,
stat), which run on every core at once. So `stamp_folders` shares the folders out to forked processes, one per
core, when the tree is large enough to pay for a fork.
"""
from __future__ import annotations

import gc
import hashlib
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

PARALLEL_FROM = 2000  # sub-folders (read from the folders' link counts) below which one process walks them all
MAX_PROCESSES = 8


def stamp_tree(digest: Any, folder: Path, skip: frozenset[str] = frozenset()) -> None:
    """Feed `digest` (a hashlib object) the path, size and mtime of every file below `folder`, in a fixed order:
    one stat per file says whether anything under it changed (the read caches of the site and the ledger).

    The order and bytes are os.walk's (files of a folder sorted, then its sub-folders sorted; links to folders not
    followed), read with one scandir per folder: "nothing changed" costs little more than the stats themselves.
    Folders named in `skip` are left out (ldkit's own `__pycache__`: Python rewrites it, the code is the same)."""
    def walk(here: str) -> None:
        try:
            with os.scandir(here) as found:
                entries = list(found)
        except OSError:
            return
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
        lines = []
        for name in sorted(files):
            path = f"{here}/{name}"
            try:
                info = os.stat(path)
            except OSError:
                continue
            lines.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\0{info.st_ctime_ns}\n")
        if lines:  # one update per folder: the same bytes as one per file
            digest.update("".join(lines).encode("utf-8", "surrogateescape"))
        for name in sorted(dirs):
            walk(os.path.join(here, name))

    walk(os.fspath(folder))


def folder_stamp(folder: Path, skip: frozenset[str] = frozenset()) -> str:
    """The hex digest of stamp_tree over `folder`."""
    digest = hashlib.sha256()
    stamp_tree(digest, folder, skip)
    return digest.hexdigest()


def stamp_folders(folders: list[Path], processes: int | None = None,
                  parallel_from: int = PARALLEL_FROM) -> list[str]:
    """folder_stamp of each folder, in order; the same digests however many processes walk them.

    Forked walkers are used only on Linux, from a process with no other thread (a fork copies no thread, and a
    lock another thread held would stay held in the child), and only when the folders hold `parallel_from`
    sub-folders or more. A walker is killed by the kernel if this process dies (PR_SET_PDEATHSIG); one that
    fails has its share walked here, so a fault costs time, never a wrong digest."""
    count = min(processes or _cores(), MAX_PROCESSES, len(folders))
    if count < 2 or not sys.platform.startswith("linux") or _other_threads() or _subfolders(folders) < parallel_from:
        return [folder_stamp(folder) for folder in folders]
    shares = [list(range(n, len(folders), count)) for n in range(count)]
    walkers: list[tuple[list[int], tuple[int, int] | None]] = []
    out: dict[int, str] = {}
    try:
        for share in shares[1:]:  # a fork or pipe refused (a process limit, no fds): the rest is walked here
            walker = _fork_walker([folders[i] for i in share]) if not walkers or walkers[-1][1] else None
            walkers.append((share, walker))
        for i in shares[0]:
            out[i] = folder_stamp(folders[i])
        for share, walker in walkers:
            got = _collect(*walker) if walker is not None else None
            if got is None or len(got) != len(share):  # a walker that failed: its share is walked here
                got = [folder_stamp(folders[i]) for i in share]
            out.update(zip(share, got, strict=True))
    finally:
        for _, walker in walkers:
            if walker is not None:
                _end(*walker)
    return [out[i] for i in range(len(folders))]


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


def _fork_walker(share: list[Path]) -> tuple[int, int] | None:
    """A forked process that writes the stamps of `share`, one per line, to a pipe: (its pid, the read end); None
    when the system refuses a pipe or a process.

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
            data = "".join(folder_stamp(folder) + "\n" for folder in share).encode()
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


def _collect(pid: int, read_end: int) -> list[str] | None:
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
    return b"".join(chunks).decode().splitlines()


def _end(pid: int, read_end: int) -> None:
    """Close the pipe and reap the walker, killing it first if it still runs (this process is unwinding)."""
    import contextlib

    with contextlib.suppress(OSError):
        os.close(read_end)
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
