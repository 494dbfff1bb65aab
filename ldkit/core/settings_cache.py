"""A large settings file (a company roster of thousands) is parsed and checked once: the checked settings are kept
under `.ldkit-cache/settings.json`, keyed by the file's bytes, so the next command reads them back in a fraction
of the time (tomllib alone takes seconds over 100,000 members). Small files are always read afresh; a missing,
stale or unreadable cache is only a slower read."""
from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any

CACHE_FROM_BYTES = 64_000  # below this, parsing is faster than any cache
CACHE_FILE = "settings.json"
VERSION = 2  # 2: members and teams kept as rows of their fields, in the dataclasses' order


def key_of(raw: bytes, config: Path) -> str:
    from ldkit.core import __version__

    return hashlib.sha256(b"%s\0%s\0%d\0" % (str(config).encode(), __version__.encode(), VERSION) + raw).hexdigest()


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
        values["team"] = tuple(map(Member._make, values["team"]))
        values["teams"] = tuple(Team(*row) for row in values["teams"])
        return settings(**values)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def keep(folder: Path, key: str, settings: Any) -> None:
    """Remember checked settings; a cache that cannot be written (a read-only workspace) is skipped."""
    from ldkit.core.errors import LdkitError
    from ldkit.core.files import atomic_write, make_folder

    with contextlib.suppress(OSError, LdkitError):
        make_folder(folder)
        atomic_write(folder / CACHE_FILE, json.dumps({"key": key, "settings": _rows(settings)},
                                                     separators=(",", ":")))


def _rows(settings: Any) -> dict[str, Any]:
    """The settings as JSON can hold them: a member or a team as the row of its fields (dataclasses.asdict copies
    each of 100,000 members field by field, deeply: a second)."""
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    for name in ("team", "teams"):
        if values[name]:
            first = values[name][0]
            if isinstance(first, tuple):  # a roster Member (a named tuple) is already its row: json writes it so
                values[name] = list(values[name])
            else:
                row = attrgetter(*(f.name for f in fields(first)))
                values[name] = [row(item) for item in values[name]]
        else:
            values[name] = []
    return values
