"""Atomic replacement of files a user owns: temp file in the same folder, fsync, rename."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ldkit.core.errors import WriteError


def atomic_write(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` so a reader sees the old file or the new one, never half of either.

    A crash (or kill -9) before the rename leaves the previous file untouched.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    _replace(Path(path), lambda handle: handle.write(payload))


def atomic_write_chunks(path: Path, chunks: Iterable[str]) -> None:
    """Like atomic_write, but streams text chunks, so a large page never sits in memory whole."""
    def write(handle: Any) -> None:
        for chunk in chunks:
            handle.write(chunk.encode("utf-8"))

    _replace(Path(path), write)


def _replace(path: Path, write: Callable[[Any], Any]) -> None:
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".ldkit-tmp", dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror}", reason=exc.strerror,
                         hint=f"check that {folder} exists and that you may write to it") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
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

