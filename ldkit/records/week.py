"""A week as read: its workbooks with their records, the team, the files that could not be read, and privacy."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ldkit.core.weeks import Week
from ldkit.records.privacy import private_kinds, workbook_private  # noqa: F401 - re-exported
from ldkit.records.scan import Problem
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

    def images(self) -> list[str]:
        """The paths of the images its markdown embeds (they may lie outside workbooks/): a build that keeps its
        output while its inputs are unchanged stats them too."""
        return [str(self.workbook.path.parent / part.rsplit(":", 2)[0]) for part in filter(None, self.files.split("|"))]


@dataclass
class Collected:
    week: Week
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    team: list[str] = field(default_factory=list)  # the roster, else everyone seen this week or in the 8 before


def shared_entries(entries: list[Entry]) -> list[Entry]:
    """The entries whose notebook may be executed, rendered and shown: never a private workbook's, nor one with git
    conflict markers (not a notebook until resolved; its records are still shown)."""
    return [e for e in entries if not workbook_private(e.workbook) and e.workbook.conflict is None]
