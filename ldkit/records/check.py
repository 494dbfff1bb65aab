"""Every stored record is checked where it is read: upgraded, validated, or skipped with a warning a person can act on.

One teammate's hand-edited or foreign record must never break anyone's week: a record that fails is left out
with one line naming the file, the place (journal line, cell, metadata index), the field and the fix.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.records.schema import SCHEMA_VERSION, SchemaProblem, UpgradeError, upgrade, validate_current


@dataclass(frozen=True)
class Found:
    """A raw record and where it was read, for the warning if it is bad."""

    value: Any
    where: str  # "line 3 of x.ldkit.jsonl", "metadata.ldkit.records[2] of x.ipynb", "cell 5's output in x.ipynb"
    fix: str  # what the person can do about a bad one


@dataclass
class Checked:
    records: list[dict[str, Any]] = field(default_factory=list)  # valid, at SCHEMA_VERSION
    newer: list[dict[str, Any]] = field(default_factory=list)  # written by a newer ldkit: kept, never rewritten
    warnings: list[str] = field(default_factory=list)


def check_all(found: Iterable[Found]) -> Checked:
    """Upgrade and validate each distinct record once (one save usually stands in two or three places)."""
    out = Checked()
    seen: set[str] = set()
    newer_versions: dict[int, int] = {}
    newer_where: list[str] = []
    for item in found:
        try:
            key = json.dumps(item.value, sort_keys=True, ensure_ascii=False)
        except (TypeError, ValueError):
            key = repr(item.value)
        if key in seen:
            continue
        seen.add(key)
        try:
            record = check_one(item.value)
        except _Newer as newer:
            out.newer.append(item.value)
            newer_versions[newer.version] = newer_versions.get(newer.version, 0) + 1
            newer_where.append(item.where)
            continue
        except (SchemaProblem, UpgradeError) as exc:
            out.warnings.append(f"{item.where}: skipped {_what(item.value)}: {exc}; {item.fix}")
            continue
        out.records.append(record)
    if newer_versions:
        versions = ", ".join(f"v{v}" for v in sorted(newer_versions))
        out.warnings.append(
            f"{newer_where[0]}{' and elsewhere' if len(newer_where) > 1 else ''}: {len(out.newer)} record(s) "
            f"written by a newer ldkit (schema {versions}; this ldkit reads v{SCHEMA_VERSION}) are kept as they are "
            f"and left out of totals; upgrade ldkit to read them")
    return out


class _Newer(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


def check_one(value: Any) -> dict[str, Any]:
    """The record at the current version, or SchemaProblem / UpgradeError / _Newer."""
    if not isinstance(value, dict):
        raise SchemaProblem("", f"it is a JSON {type(value).__name__}, not a record object")
    record, is_newer = upgrade(value)
    if is_newer:
        raise _Newer(int(value["schema"]))
    validate_current(record)
    return record


def _what(value: Any) -> str:
    kind = value.get("kind") if isinstance(value, dict) else None
    return f"a{'n' if str(kind)[:1] in 'aeiou' else ''} {kind} record" if isinstance(kind, str) and kind else "a record"


def journal_fix(journal: Path) -> str:
    return f"correct or delete that line of {Path(journal).name} (it is JSON Lines: one record a line)"


NOTEBOOK_FIX = "save it again with the form or `ldkit log` (the newest save wins)"
