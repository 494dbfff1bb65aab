"""Worker processes that die with the process that started them, so a killed build leaves nothing running.

A pool's worker waits on a pipe whose other end its siblings also hold (forked), so the death of the parent alone
never wakes it: without this, `kill -9` of `ldkit site` left render workers alive for half an hour. Each worker
watches its parent from a daemon thread and exits as soon as it is gone (on Linux also told by the kernel, through
PR_SET_PDEATHSIG, the instant it happens).
"""
from __future__ import annotations

import os
import sys
import threading

POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, from_main_thread: bool = False) -> None:
    """Call first thing in a worker: exit at once when the process `parent` (the one that started it) ends.

    `from_main_thread`: the pool was made in the parent's main thread, so the kernel may be asked too (it signals
    when the forking *thread* ends, which for the main thread is when the process ends)."""
    if os.getppid() != parent:  # gone already, between the fork and this call
        os._exit(1)
    if from_main_thread and sys.platform.startswith("linux"):
        ask_the_kernel()
    threading.Thread(target=_watch, args=(parent,), name="ldkit-watch-parent", daemon=True).start()


def ask_the_kernel() -> None:
    """SIGKILL this process when the thread that forked it ends (PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl: the watcher alone
        pass


def _watch(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)


def worker_args() -> tuple[int, bool]:
    """What a pool's initializer passes to die_with_parent, read in the process that makes the pool."""
    return os.getpid(), threading.current_thread() is threading.main_thread()
