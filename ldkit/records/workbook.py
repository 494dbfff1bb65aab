"""A workbook as ldkit sees it: identity plus merged records, and saving a record to it."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.atomic import atomic_write
from ldkit.records import journal
from ldkit.records.merge import Merged, merge
from ldkit.records.notebook import identity, metadata_records, output_records, read_notebook


@dataclass
class Workbook:
    path: Path
    identity: dict[str, Any]
    records: Merged
    warnings: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.identity["id"])

    @property
    def author(self) -> str:
        """The identity's author; a hand-made identity without one falls back to the author's folder name."""
        return str(self.identity.get("author") or self.path.parent.name)


def load_workbook(path: Path, nb: dict[str, Any] | None = None, found_records: list[Any] | None = None) -> Workbook:
    """Read identity and records from the notebook (metadata and outputs) and its journal.

    `found_records`, if given, receives every raw record read (for a caller that caches them)."""
    path = Path(path)
    nb = read_notebook(path) if nb is None else nb
    ident = identity(nb, path)
    entries, warnings = journal.read(journal.journal_path(path))
    found = [*metadata_records(nb), *output_records(nb), *entries]
    if found_records is not None:
        found_records.extend(found)
    merged = merge(found, workbook_id=ident["id"])
    if merged.skipped:
        warnings.append(f"{path}: skipped {merged.skipped} record(s) this ldkit version cannot read")
    return Workbook(path=path, identity=ident, records=merged, warnings=warnings)


def dump_notebook(nb: dict[str, Any]) -> str:
    """The same layout as nbformat writes (indent 1, sorted keys), so diffs stay small."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def save_record(path: Path, record: dict[str, Any], into_notebook: bool = True) -> None:
    """Journal first (the save is safe from then on), then `metadata.ldkit.records` in the file itself.

    Both happen under the journal's lock, so concurrent writers neither lose records nor clobber the notebook.
    """
    path = Path(path)
    jpath = journal.journal_path(path)
    with journal.locked(jpath) as handle:
        journal.append_locked(handle, record, jpath)
        if into_notebook:
            nb = read_notebook(path)
            meta = nb.setdefault("metadata", {}).setdefault("ldkit", {})
            records = meta.get("records")
            meta["records"] = [*(records if isinstance(records, list) else []), record]
            atomic_write(path, dump_notebook(nb))
