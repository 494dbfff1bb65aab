"""A week as read: its workbooks with their records, the team, the files that could not be read, and privacy."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ldkit.core.weeks import Week
from ldkit.records.scan import Problem
from ldkit.records.schema import is_private
from ldkit.records.workbook import Workbook


@dataclass
class Entry:
    workbook: Workbook
    key: str  # render cache key
    sha256: str
    hide_kinds: tuple[str, ...]
    files: str = ""  # the size and mtime of the images its markdown embeds (part of the key)
    render_path: Path | None = None  # the executed copy, with --execute

    @property
    def author(self) -> str:
        return self.workbook.author


@dataclass
class Collected:
    week: Week
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    team: list[str] = field(default_factory=list)  # the roster, else everyone seen this week or in the 8 before


def private_kinds(workbook: Workbook) -> tuple[str, ...]:
    kinds = []
    for kind in ("plan", "outcome"):
        record = getattr(workbook.records, kind)
        if is_private(record):
            kinds.append(kind)
    return tuple(kinds)
