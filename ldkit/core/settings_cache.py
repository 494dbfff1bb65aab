"""A settings file is parsed and checked once: the checked settings are kept under `.ldkit-cache/settings.json`,
keyed by the file's bytes (and the code that reads them), so the next command reads them back instead. For a company
roster of 100,000 that spares seconds of tomllib; for a team's small file, tomllib's import (~8 ms of a warm
digest's ~70). A missing, stale or unreadable cache is only a slower read.

Who writes it: any command that reads a large file (KEEP_FROM_BYTES); a small file's settings only when a build
writes the workspace's caches anyway (`keep_read`, from a digest or a site), so that a command that only reads, or
is refused, leaves the workspace as it found it."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any

KEEP_FROM_BYTES = 64_000  # from this size (a roster of ~1,000) every reading command keeps what it read
CACHE_FILE = "settings.json"
VERSION = 3  # 3: a roster kept as columns, each one string (_columns); teams as rows of their fields
# the code that makes settings of a file's bytes: a kept answer from before an edit of it is not believed
_READERS = ("workspace.py", "teams.py", "roster.py", "tomlread.py", "settings_cache.py")
# config path -> (key, settings, kept on disk): the last settings this process read of each file
_read: dict[str, tuple[str, Any, bool]] = {}


def key_of(raw: bytes, config: Path) -> str:
    from ldkit.core import __version__

    code = Path(__file__).parent
    stamps = []
    for name in _READERS:
        try:
            info = os.stat(code / name)
            stamps.append(b"%d\0%d" % (info.st_size, info.st_mtime_ns))
        except OSError:
            stamps.append(b"-")
    head = b"%s\0%s\0%d\0%s\0" % (str(config).encode("utf-8", "surrogateescape"), __version__.encode(), VERSION,
                                   b"\0".join(stamps))
    return hashlib.sha256(head + raw).hexdigest()


def cached(folder: Path, key: str, settings: Callable[..., Any]) -> Any:
    """The settings kept for `key` (made by `settings`, the Settings class, from their fields), or None."""
    from ldkit.core.roster import Member
    from ldkit.core.teams import Team

    try:
        data = json.loads((folder / CACHE_FILE).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        values = data["settings"]
        values["categories"] = tuple(values["categories"])
        values["team"] = _members(values["team"], Member._make)
        values["teams"] = tuple(Team(*row) for row in values["teams"])
        return settings(**values)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def recalled(config: Path, key: str) -> Any:
    """The settings this process read already from the same bytes, or None: `ldkit bot serve` reads the workspace
    for every request (so an edited roster counts at once), and a parse each time was ~a tenth of a request's CPU."""
    read = _read.get(str(config))
    return read[1] if read is not None and read[0] == key else None


def remember(config: Path, key: str, settings: Any, kept: bool) -> None:
    """Note settings read in this process: for the next read of the same bytes (recalled), and, when they are not
    kept on disk yet, for a build to keep (keep_read)."""
    _read[str(config)] = (key, settings, kept)


def keep_read(folder: Path, config: Path) -> None:
    """Keep the settings this process read from `config`, if it read them and did not keep them: the key is the one
    of the bytes it parsed, so a file edited since is never kept under its new bytes."""
    read = _read.get(str(config))
    if read is not None and not read[2]:
        keep(folder, read[0], read[1])
        _read[str(config)] = (read[0], read[1], True)


def keep(folder: Path, key: str, settings: Any) -> None:
    """Remember checked settings; a cache that cannot be written (a read-only workspace) is skipped."""
    from ldkit.core.errors import LdkitError
    from ldkit.core.files import atomic_write, make_folder

    with contextlib.suppress(OSError, LdkitError):
        make_folder(folder)
        atomic_write(folder / CACHE_FILE, json.dumps({"key": key, "settings": _rows(settings)},
                                                     separators=(",", ":")))


def _columns(members: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    """A roster as JSON holds it quickly: each field's column joined by newlines into one string, so 100,000
    members are six strings to write and read, not 600,000 (json's encoder was a sixth of a company roster's first
    read). A column with a newline in a value (a name written with an escape) is kept as a list instead."""
    columns: list[str | list[str]] = []
    for column in zip(*members, strict=True):
        joined = "\n".join(column)
        columns.append(joined if joined.count("\n") == len(column) - 1 else list(column))
    return {"count": len(members), "columns": columns}


def _members(kept: dict[str, Any], member: Callable[[Any], Any]) -> tuple[Any, ...]:
    """The roster `_columns` kept, each member made by `member` from its row."""
    count, columns = kept["count"], kept["columns"]
    if not count:
        return ()
    split = [c.split("\n") if isinstance(c, str) else c for c in columns]
    if any(len(c) != count for c in split):
        raise ValueError("a kept roster column of the wrong length")
    return tuple(map(member, zip(*split, strict=True)))


def _rows(settings: Any) -> dict[str, Any]:
    """The settings as JSON can hold them: the roster as columns (_columns), a team as the row of its fields
    (dataclasses.asdict copies each of 100,000 members field by field, deeply: a second)."""
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    values["team"] = _columns(values["team"])
    teams = values["teams"]
    values["teams"] = [attrgetter(*(f.name for f in fields(teams[0])))(t) for t in teams] if teams else []
    return values
