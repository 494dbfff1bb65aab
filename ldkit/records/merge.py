"""Merging the three places records live: per kind the newest `saved_at` wins (results: per name)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from ldkit.records.schema import upgrade


@dataclass
class Merged:
    plan: dict[str, Any] | None = None
    outcome: dict[str, Any] | None = None
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0


def merge(records: Iterable[Any], workbook_id: str | None = None) -> Merged:
    """Deduplicate (one save appears in several places), upgrade old records, pick the current ones.

    Records of another workbook (a journal copied along with a notebook) are left out.
    """
    seen: dict[str, dict[str, Any]] = {}
    skipped = 0
    for raw in records:
        record = upgrade(raw)
        if record is None:
            skipped += 1
            continue
        if workbook_id and record.get("workbook") and record["workbook"] != workbook_id:
            continue
        key = json.dumps(record, sort_keys=True, ensure_ascii=False)
        seen.setdefault(key, record)
    ordered = sorted(seen.values(), key=lambda r: r["saved_at"])
    merged = Merged(skipped=skipped)
    for record in ordered:
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
    merged.history.sort(key=lambda r: r["saved_at"])
    return merged
