"""THE privacy rule, owned by the records: a private plan *or* outcome makes the whole workbook private.

Its title, notebook, records, result notes, links and next steps leave it for no shared output (digest, chat,
site, feeds, search, export); it is only counted. Every surface asks `workbook_private`; none re-reads
`visibility` itself.
"""
from __future__ import annotations

from typing import Any

from ldkit.records.schema import is_private_data

SHARED_KINDS = ("plan", "outcome")  # the record kinds that carry a visibility


def is_private(record: Any) -> bool:
    """One record (plan or outcome, as stored) marked private (its data's visibility: records/schema)."""
    return isinstance(record, dict) and is_private_data(record.get("data"))


def workbook_private(workbook: Any) -> bool:
    """A private plan or outcome makes the whole workbook private (see the module)."""
    records = workbook.records
    return any(is_private(getattr(records, kind)) for kind in SHARED_KINDS)


def private_kinds(workbook: Any) -> tuple[str, ...]:
    """The record kinds whose outputs a render leaves out (a private workbook is not rendered at all)."""
    return tuple(kind for kind in SHARED_KINDS if is_private(getattr(workbook.records, kind)))
