"""Merging the three places records live: per kind the newest `saved_at` wins (results: per name)."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ldkit.records.check import Checked, Found, check_all


@dataclass
class Merged:
    plan: dict[str, Any] | None = None
    outcome: dict[str, Any] | None = None
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    newer: list[dict[str, Any]] = field(default_factory=list)  # written by a newer ldkit; shown, never counted


def instant(saved_at: str) -> str:
    """A sort key for a checked `saved_at` (UTC, Z, 0-6 fraction digits): the fraction padded to microseconds.

    Compared as text, `10:00:00Z` would sort after the later `10:00:00.500000Z`."""
    whole, _, rest = saved_at.partition(".")
    whole = whole.rstrip("Z")
    return f"{whole}.{rest.rstrip('Z').ljust(6, '0')}"


def _order(record: dict[str, Any]) -> tuple[str, str]:
    # equal instants: the canonical text decides, so every reader picks the same record
    return instant(record["saved_at"]), json.dumps(record, sort_keys=True, ensure_ascii=False)


def merge(records: Iterable[dict[str, Any]], workbook_id: str | None = None,
          newer: Iterable[dict[str, Any]] = ()) -> Merged:
    """Pick the current records among checked ones (see `check_all`); the rest is history.

    Records of another workbook (a journal copied along with a notebook) are left out.
    """
    seen: dict[str, dict[str, Any]] = {}
    for record in records:
        if workbook_id and record.get("workbook") and record["workbook"] != workbook_id:
            continue
        seen.setdefault(json.dumps(record, sort_keys=True, ensure_ascii=False), record)
    merged = Merged(newer=[r for r in newer if not workbook_id or r.get("workbook") in (None, "", workbook_id)])
    for record in sorted(seen.values(), key=_order):
        kind = record["kind"]
        if kind == "result":
            name = str(record["data"].get("name", ""))
            previous = merged.results.get(name)
            if previous is not None:
                merged.history.append(previous)
            merged.results[name] = record
        else:
            previous = getattr(merged, kind)
            if previous is not None:
                merged.history.append(previous)
            setattr(merged, kind, record)
    merged.history.sort(key=_order)
    return merged


def check_and_merge(found: Iterable[Found], workbook_id: str | None = None) -> tuple[Merged, list[str]]:
    """Check every found record where it was read, then merge the good ones; warnings name the bad ones."""
    checked: Checked = check_all(found)
    return merge(checked.records, workbook_id, checked.newer), checked.warnings
