"""Files: the one atomic replacement (temp file in the same folder, fsync, rename) and the one lock."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ldkit.core.errors import WriteError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock; appends are still single writes, markers still guard
    fcntl = None  # type: ignore[assignment]


def atomic_write(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` so a reader sees the old file or the new one, never half of either.

    A crash (or kill -9) before the rename leaves the previous file untouched.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    _replace(Path(path), lambda handle: handle.write(payload))


def write_whole(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that even a process killed midway (kill -9) leaves no file behind: the bytes go
    to an unnamed file in the same folder (Linux O_TMPFILE), which gets a name only once complete and fsynced, for
    the instant of the rename. Elsewhere, atomic_write. Leftovers of a build killed in that instant, or by an older
    ldkit, are removed by the next write of `path`."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    _sweep(path)
    flag = getattr(os, "O_TMPFILE", None)
    try:
        fd = os.open(folder, flag | os.O_WRONLY, 0o644) if flag is not None else -1
    except OSError:  # a file system without O_TMPFILE support
        fd = -1
    if fd < 0:
        atomic_write(path, data)
        return
    tmp = folder / f".{path.name}.{os.getpid()}.ldkit-tmp"
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
            os.fsync(fd)
            _remove_quietly(str(tmp))
            # linkat(AT_SYMLINK_FOLLOW): only given a folder fd does Python call linkat rather than link
            folder_fd = os.open(folder, os.O_RDONLY)
            try:
                os.link(f"/proc/self/fd/{fd}", tmp.name, dst_dir_fd=folder_fd, follow_symlinks=True)
            finally:
                os.close(folder_fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(str(tmp))
        raise WriteError(f"cannot write {path}: {exc.strerror}", reason=exc.strerror,
                         hint=f"check the permissions of {folder} and the free disk space") from None
    _fsync_folder(folder)


def _sweep(path: Path, older_than: float = 10.0) -> None:
    """Remove temporary files beside `path` that a killed writer left (not a running one's: those are young)."""
    import time

    now = time.time()
    for stale in path.parent.glob(f".{glob_escape(path.name)}.*ldkit-tmp*"):
        with contextlib.suppress(OSError):
            if now - stale.lstat().st_mtime > older_than:
                stale.unlink()


def glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def atomic_write_chunks(path: Path, chunks: Iterable[str | bytes]) -> None:
    """Like atomic_write, but streams chunks (text, written as UTF-8, or bytes), so a large page never sits in
    memory whole."""
    def write(handle: Any) -> None:
        for chunk in chunks:
            handle.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))

    _replace(Path(path), write)


def _replace(path: Path, write: Callable[[Any], Any]) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        write(handle)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` (same suffix, so tools that go by it still can) for the caller to fill.

    When the block ends normally the temporary file is made durable and replaces `path` whole; when it raises,
    the temporary file is removed and `path` is untouched. OS errors become a WriteError naming `path`.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".ldkit-tmp" + path.suffix, dir=folder)
        os.close(fd)
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror}", reason=exc.strerror,
                         hint=f"check that {folder} exists and that you may write to it") from None
    try:
        yield Path(tmp)
        _fsync_file(tmp)
        # an existing file keeps its mode; a new one is readable by the team (mkstemp's 0600 would hide it)
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(tmp)
        raise WriteError(f"cannot write {path}: {exc.strerror}", reason=exc.strerror,
                         hint=f"check the permissions of {folder} and the free disk space") from None
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_folder(folder)


@contextlib.contextmanager
def locked(path: Path, mode: str = "a+b", doing: str = "write") -> Iterator[IO[Any]]:
    """Hold an exclusive lock on `path` (created if needed) for the block, and yield it open in `mode`.

    A POSIX record lock (lockf), not flock: processes forked while it is held (render and execute workers) do
    not inherit it, so a build or save killed midway never leaves the file locked behind it. Being per process,
    it orders processes, not threads; and the lock file must not be opened and closed elsewhere while held.
    """
    path = Path(path)
    try:
        handle = open(path, mode)  # noqa: SIM115 - entered just below, once the error is worded
    except OSError as exc:
        raise WriteError(f"cannot {doing} {path}: {exc.strerror}", reason=exc.strerror,
                         hint=f"check that you may write to {path.parent}") from None
    with handle:
        if fcntl is not None:
            fcntl.lockf(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            if fcntl is not None:
                with contextlib.suppress(OSError):
                    handle.flush()
                fcntl.lockf(handle.fileno(), fcntl.LOCK_UN)


def _fsync_file(name: str) -> None:
    fd = os.open(name, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_folder(folder: Path) -> None:
    """Create `folder` and its parents, turning OS errors into a message a user can act on."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create folder {folder}: {exc.strerror}",
                         hint="check the permissions of its parent folder") from None


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


def _fsync_folder(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk; not every platform allows it.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
