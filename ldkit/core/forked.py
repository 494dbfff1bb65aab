"""Work shared out to forked processes, one per core: a company's year is 52 weeks of 1,000 workbooks each, and
reading them (stat, open, decode) runs on every core at once. A fork starts with everything this process has
imported and read, so a share costs no start-up; its results come back pickled through a pipe (from a child of
this very process: nothing read from a file is unpickled).

Only on Linux, and only from a process with no other thread: a fork copies no thread, and a lock another thread
held would stay held in the child. A worker is killed by the kernel if its parent dies (PR_SET_PDEATHSIG), ignores
Ctrl-C (its parent ends it), and one that fails, or cannot be started, has its share done here: a fault costs
time, never a wrong result.
"""
from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

PARALLEL_FROM = 2000  # sub-folders (read from the folders' link counts) below which one process is quicker
MAX_PROCESSES = 8

T = TypeVar("T")


def shared_map(work: Callable[[int], T], total: int, processes: int | None = None) -> list[T]:
    """[work(0), …, work(total - 1)], shared out to `processes` (default: one per core) — this one and forked
    workers, each doing every n-th item — where forking is safe; else all done here. `work` must give the same
    results in a child as here (it may write files, as here)."""
    count = min(processes or cores(), MAX_PROCESSES, total)
    if count < 2 or not sys.platform.startswith("linux") or other_threads():
        return [work(i) for i in range(total)]
    shares = [list(range(n, total, count)) for n in range(count)]
    workers: list[tuple[list[int], tuple[int, int] | None]] = []
    out: dict[int, T] = {}
    try:
        for share in shares[1:]:  # a fork or pipe refused (a process limit, no fds): the rest is done here
            worker = _fork_worker(work, share) if not workers or workers[-1][1] else None
            workers.append((share, worker))
        for i in shares[0]:
            out[i] = work(i)
        for share, worker in workers:
            got = _collect(*worker) if worker is not None else None
            if got is None or len(got) != len(share):  # a worker that failed: its share is done here
                got = [work(i) for i in share]
            out.update(zip(share, got, strict=True))
    finally:
        for _, worker in workers:
            if worker is not None:
                _end(*worker)
    return [out[i] for i in range(total)]


def other_threads() -> bool:
    """Whether a thread other than this one runs in the process (then no fork)."""
    import threading  # here: a command that never shares (a replayed digest) does not pay for it

    return threading.active_count() > 1


def cores() -> int:
    """The CPUs this process may run on (a container's or taskset's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def subfolders(folders: list[Path]) -> int:
    """How many folders the given ones hold, from their link counts (2 + sub-folders on ext4, XFS, APFS; a file
    system that reports 1, as btrfs does, reads as none: one process does them): the size of a tree, cheaply."""
    total = 0
    for folder in folders:
        try:
            total += max(os.stat(folder).st_nlink - 2, 0)
        except OSError:
            continue
    return total


def _fork_worker(work: Callable[[int], Any], share: list[int]) -> tuple[int, int] | None:
    """A forked process that writes `work` of each of `share` to a pipe, pickled as one list: (its pid, the read
    end); None when the system refuses a pipe or a process.

    Ctrl-C and termination are held off across the fork, so a signal never finds the child running this process's
    code: the child ignores SIGINT (its parent ends it) and collects no garbage (no finalizer of the parent's
    objects runs in it); it leaves by os._exit (no atexit, no buffers of the parent written twice)."""
    import pickle  # before the fork, and only for a share (not on every command's way through treestamp)

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
    if pid == 0:  # the worker
        code = 1
        try:
            gc.disable()
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(read_end)
            _die_with_parent(parent)
            data = pickle.dumps([work(i) for i in share], protocol=pickle.HIGHEST_PROTOCOL)
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


def _collect(pid: int, read_end: int) -> list[Any] | None:
    """The worker's results, or None if it did not finish them."""
    import pickle

    chunks = []
    while True:
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        got = pickle.loads(b"".join(chunks))  # noqa: S301 - written by this process's own child, just now
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None
    return got if isinstance(got, list) else None


def _end(pid: int, read_end: int) -> None:
    """Close the pipe and reap the worker, killing it first if it still runs (this process is unwinding)."""
    with contextlib.suppress(OSError):
        os.close(read_end)
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
