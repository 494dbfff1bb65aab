"""What changed under a workspace's workbooks/ since a reader last looked, from a watcher that lives beside it.

A warm `ldkit search` over a company's year (52,000 workbooks) must say whether anything changed, and a stat of
every file is 156,000 system calls (~0.5 s on two cores) even when nothing did. So, as git's fsmonitor does, a
reader of a large workspace starts a small watcher process (Linux inotify, one watch per folder) and from then on
asks it which folders changed since the answer it kept; it stats only those. The watcher lives until it has been
asked nothing for IDLE_SECONDS, or its folder goes; then the next reader stats everything again (and starts one).

Nothing here can make a reader miss a change: an answer names a generation and a sequence number, and a reader
whose kept answer is from another generation (a new watcher, a queue that overflowed, a folder that could not be
watched) is told "unknown" and stats everything, as without a watcher. Events are read from the kernel before each
answer, so a write that returned before the question is in it. Only a process of the same user is answered or
believed (SO_PEERCRED), and the socket is in the abstract namespace: no file to leave behind or to plant.
`LDKIT_WATCH=0` turns it off; Linux only.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROTOCOL = 1
IDLE_SECONDS = float(os.environ.get("LDKIT_WATCH_IDLE", "900"))  # 15 minutes asked nothing: the watcher ends
WATCH_FROM = int(os.environ.get("LDKIT_WATCH_FROM", "10000"))  # workbooks below which a stat of all is quick
READY_SECONDS = 10.0  # how long a reader that started a watcher waits for its first answer
BUSY, REFUSED = 3, 2  # a watcher's exit codes: another one holds the address (and answers, or soon will); this
# system refused it (inotify's limits, or the socket)

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF = 0x400, 0x800
IN_Q_OVERFLOW, IN_IGNORED, IN_ONLYDIR, IN_DONT_FOLLOW, IN_ISDIR = 0x4000, 0x8000, 0x1000000, 0x2000000, 0x40000000
MASK = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
        | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)
_EVENT = struct.Struct("iIII")


@dataclass
class Answer:
    """The watcher's generation and sequence now; the folders changed since the reader's kept answer (paths),
    or None: unknown (another generation), stat everything."""

    generation: str
    sequence: int
    changed: list[str] | None


def changed_weeks(top: Path, answer: Answer | None) -> set[str] | None:
    """The names of the week folders under `top` the answer says changed, or None: walk every week (no watcher,
    "unknown", or a change beside the week folders, such as a week folder made or removed)."""
    if answer is None or answer.changed is None or str(top) in answer.changed:
        return None
    return {os.path.relpath(c, top).split(os.sep)[0] for c in answer.changed}


def enabled() -> bool:
    return sys.platform.startswith("linux") and os.environ.get("LDKIT_WATCH", "1") != "0"


def _address(top: Path) -> bytes:
    name = hashlib.sha256(f"{PROTOCOL}\0{os.getuid()}\0{top}".encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return b"\0ldkit-watch-" + name.encode()


def _same_user(sock: Any) -> bool:
    import _socket

    try:
        _, uid, _ = struct.unpack("3i", sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12))
    except OSError:
        return False
    return uid == os.getuid()


def ask(top: Path, kept: tuple[str, int] | None, timeout: float = 2.0, stop: bool = False) -> Answer | None:
    """The watcher of `top`'s answer since `kept` (generation, sequence), or None when no watcher answers."""
    if not enabled():
        return None
    # the socket module's C half: socket.py (selectors, its enums) would be ~4 ms of a warm digest's ~70, and a
    # reader needs none of it
    import _socket

    try:
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(_address(top))
            if not _same_user(sock):
                return None
            sock.sendall(json.dumps({"since": list(kept) if kept else None, "stop": stop}).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = sock.recv(1 << 20)
                if not chunk:
                    return None
                data += chunk
        finally:
            sock.close()
        reply = json.loads(data)
        changed = reply["changed"]
        return Answer(str(reply["generation"]), int(reply["sequence"]),
                      None if changed is None else [str(c) for c in changed])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def start(top: Path) -> tuple[Answer | None, bool]:
    """Start a watcher of `top` (detached: it outlives this reader) and wait for its first answer: (that answer or
    None, whether a watcher may still answer). Watching 52,000 folders takes a watcher seconds, more on a busy
    machine: one still at it when the reader stops waiting, or another that holds the address, may answer the
    next reader; any other end (inotify's limits refused it, it failed) is a watcher that will not."""
    if not enabled():
        return None, False
    import subprocess

    try:
        proc = subprocess.Popen([sys.executable, "-m", "ldkit.core.watch", str(top)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                close_fds=True, cwd="/")
    except OSError:
        return None, False
    deadline = time.monotonic() + READY_SECONDS
    while True:
        answer = ask(top, None)
        if answer is not None:
            return answer, True
        code = proc.poll()
        if code is not None:
            answer = ask(top, None)
            return answer, answer is not None or code == BUSY
        if time.monotonic() >= deadline:
            return None, True  # still watching its folders
        time.sleep(0.05)


class _Inotify:
    def __init__(self) -> None:
        import ctypes

        self.get_errno = ctypes.get_errno
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(self.get_errno(), "inotify_init1")
        self.folders: dict[int, str] = {}

    def add(self, folder: str) -> None:
        wd = self.libc.inotify_add_watch(self.fd, os.fsencode(folder), MASK)
        if wd < 0:
            code = self.get_errno()
            if code in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
                return  # gone or not a folder by now: its parent's event says it changed
            raise OSError(code, f"inotify_add_watch {folder}")
        self.folders[wd] = folder

    def add_tree(self, top: str) -> None:
        self.add(top)
        for here, dirs, _ in os.walk(top):
            for name in dirs:
                self.add(os.path.join(here, name))  # os.walk follows no link to a folder; nor does the stamp

    def events(self) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        while True:
            try:
                data = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                return found
            at = 0
            while at < len(data):
                wd, mask, _, size = _EVENT.unpack_from(data, at)
                name = data[at + _EVENT.size:at + _EVENT.size + size].rstrip(b"\0")
                found.append((wd, mask, os.fsdecode(name)))
                at += _EVENT.size + size


def serve(top: Path) -> int:
    """Watch `top` and answer readers until idle, or until `top` goes (a file system's events are lost); the exit
    code, which a reader that started it reads (`start`)."""
    import secrets
    import select
    import socket

    top_name = str(top)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        try:
            server.bind(_address(top))
        except OSError as exc:  # in use: another watcher answers already, or is still watching its folders
            return BUSY if exc.errno == errno.EADDRINUSE else REFUSED
        try:
            watcher = _Inotify()
            watcher.add_tree(top_name)
        except OSError:
            return REFUSED  # too many folders for this system's inotify limits: readers stat everything
        server.listen(16)
        generation, sequence = secrets.token_hex(8), 0
        changed: dict[str, int] = {}  # folder -> the sequence of its last change
        last_question = time.monotonic()

        def read_events() -> bool:
            nonlocal generation, sequence
            for wd, mask, name in watcher.events():
                if mask & IN_Q_OVERFLOW:
                    generation, sequence = secrets.token_hex(8), 0  # events lost: every reader stats everything
                    changed.clear()
                    continue
                folder = watcher.folders.get(wd)
                if folder is None:
                    continue
                if mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED):
                    watcher.folders.pop(wd, None)
                    if folder == top_name:
                        return False
                    continue
                sequence += 1
                changed[folder] = sequence
                if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO):
                    made = os.path.join(folder, name)
                    try:
                        watcher.add_tree(made)
                    except OSError:
                        return False
                    changed[made] = sequence
            return True

        while True:
            ready, _, _ = select.select([server, watcher.fd], [], [], min(5.0, IDLE_SECONDS))
            if watcher.fd in ready and not read_events():
                return 0
            if server in ready:
                last_question = time.monotonic()
                client, _ = server.accept()
                with client:
                    client.settimeout(2.0)
                    if not _same_user(client):
                        continue
                    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                        data = b""
                        while not data.endswith(b"\n") and len(data) < 4096:
                            chunk = client.recv(4096)
                            if not chunk:
                                break
                            data += chunk
                        question = json.loads(data)
                        if not isinstance(question, dict):
                            continue  # not a question: no answer (and the watcher goes on)
                        if not read_events():  # what was written before the question is in the answer
                            return 0
                        since = question.get("since")
                        if isinstance(since, list) and len(since) == 2 and since[0] == generation:
                            names: list[str] | None = sorted(f for f, s in changed.items() if s > int(since[1]))
                        else:
                            names = None
                        client.sendall(json.dumps({"generation": generation, "sequence": sequence,
                                                   "changed": names}).encode() + b"\n")
                        if question.get("stop"):
                            return 0
            if time.monotonic() - last_question > IDLE_SECONDS or not os.path.isdir(top_name):
                return 0


if __name__ == "__main__":
    sys.exit(serve(Path(sys.argv[1])))
