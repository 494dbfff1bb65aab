"""A week's numbers (its totals and weeks off) kept under `.ldkit-cache/weeks/`, keyed by the stamps of the one walk
that finds the week's notebooks (records.scan.notebook_stamps: every notebook, journal and other file of the
members' folders), the team's view and whether the week is still open (the date's say), so `ldkit stats` over a
company's year reads an unchanged week back instead of every notebook and journal again. A missing, stale or
broken entry is only a slower read."""
from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from ldkit.core import __version__
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace
from ldkit.ledger.totals import WeekTotals, week_open

VERSION = 5  # 2: keyed by the walk's stamps (one stat of each file, not two); 3: a track row names its workbook;
# 4: a track row names the workbook it continues, and the workbooks without a track have rows (`untracked`);
# 5: the walk's digest a part of its own (a week a running watcher saw unchanged is not walked: kept_walks)
_CODE = Path(__file__).resolve().parent.parent  # the rules the numbers were computed with
_SETS = ("people", "planned", "summarized")
_COUNTERS = ("private", "categories", "resources", "papers")


def _code_stamp() -> list[Any]:
    stamps = []
    for package in ("ledger", "records"):
        for path in sorted((_CODE / package).glob("*.py")):
            with contextlib.suppress(OSError):
                info = path.stat()
                stamps.append([path.name, info.st_size, info.st_mtime_ns])
    return stamps


def week_key(workspace: Workspace, week: Week, stamps: list[tuple[str, str]], others: dict[str, str]) -> str:
    """The key of a week's numbers: `stamps` and `others` as notebook_stamps gave them for the week's folder."""
    return key_of_walk(workspace, week, walk_digest(stamps, others))


def walk_digest(stamps: list[tuple[str, str]], others: dict[str, str]) -> str:
    """What one walk of a week's folder saw, as one digest (the files' part of its key)."""
    digest = hashlib.sha256()
    for name, stamp in stamps:
        digest.update(f"{name}\0{stamp}\n".encode("utf-8", "surrogateescape"))
    digest.update(b"\0others\n")
    for name in sorted(others):
        digest.update(f"{name}\0{others[name]}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def key_of_walk(workspace: Workspace, week: Week, walk: str) -> str:
    """A week's key from its walk's digest and what is not in a file: the rules, the view, the date's say."""
    return hashlib.sha256(json.dumps([VERSION, __version__, str(week), week_open(week), str(workspace.root),
                                      sorted(workspace.members) if workspace.members is not None else None,
                                      _code_stamp(), walk]).encode()).hexdigest()


def kept_walks(workspace: Workspace) -> tuple[tuple[str, int] | None, dict[str, str]]:
    """The watcher's answer (core.watch) the kept walks are up to date with, and each week's walk digest then."""
    try:
        data = json.loads(_walks_path(workspace).read_text(encoding="utf-8"))
        token, walks = data["watched"], data["walks"]
        if isinstance(token, list) and len(token) == 2 and isinstance(token[0], str) and isinstance(token[1], int) \
                and isinstance(walks, dict) and all(isinstance(v, str) for v in walks.values()):
            return (token[0], token[1]), {str(k): v for k, v in walks.items()}
    except (OSError, ValueError, TypeError, KeyError):
        pass
    return None, {}


def keep_walks(workspace: Workspace, answer: Any, walks: dict[str, str]) -> None:
    """Keep each week's walk digest with the watcher's answer asked for before those walks."""
    from ldkit.core.errors import LdkitError
    from ldkit.core.files import atomic_write, make_folder

    with contextlib.suppress(OSError, LdkitError, TypeError, ValueError):
        path = _walks_path(workspace)
        make_folder(path.parent)
        atomic_write(path, json.dumps({"watched": [answer.generation, answer.sequence], "walks": walks},
                                      separators=(",", ":")))


def _walks_path(workspace: Workspace) -> Path:
    return workspace.cache / "weeks" / f"walks.{workspace.scope or 'all'}.json"


def _path(workspace: Workspace, week: Week) -> Path:
    return workspace.cache / "weeks" / f"{week}.{workspace.scope or 'all'}.json"


def cached(workspace: Workspace, week: Week, key: str) -> tuple[WeekTotals, dict[str, str]] | None:
    try:
        data = json.loads(_path(workspace, week).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        values = data["totals"]
        for name in _SETS:
            values[name] = set(values[name])
        for name in _COUNTERS:
            values[name] = Counter(values[name])
        return WeekTotals(**values), dict(data["skipped"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def keep(workspace: Workspace, week: Week, key: str, totals: WeekTotals, skipped: dict[str, str]) -> None:
    from ldkit.core.errors import LdkitError
    from ldkit.core.files import atomic_write, make_folder

    values: dict[str, Any] = {name: getattr(totals, name) for name in totals.__dataclass_fields__}
    for name in _SETS:
        values[name] = sorted(values[name])
    for name in _COUNTERS:
        values[name] = dict(values[name])
    with contextlib.suppress(OSError, LdkitError, TypeError, ValueError):
        path = _path(workspace, week)
        make_folder(path.parent)
        atomic_write(path, json.dumps({"key": key, "totals": values, "skipped": skipped}, separators=(",", ":")))
