"""A workbook as ldkit sees it: identity plus merged records, and saving a record to it."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.core.errors import ConflictError, NotebookError, RecordError, WriteError
from ldkit.core.layout import inside, link_target, url_slug
from ldkit.records import journal
from ldkit.records.check import Found, journal_fix
from ldkit.records.merge import Merged, check_and_merge
from ldkit.records.notebook import conflict_sides, identity, parse_notebook, read_notebook
from ldkit.records.notebook import found_records as stored_records
from ldkit.records.schema import SchemaProblem, validate_current


@dataclass
class Workbook:
    path: Path
    identity: dict[str, Any]
    records: Merged
    warnings: list[str] = field(default_factory=list)
    conflict: str | None = None  # the notebook has git conflict markers: its records are read, its body is not

    @property
    def id(self) -> str:
        return str(self.identity["id"])

    @property
    def author(self) -> str:
        return author_of(self.identity, self.path)


def author_of(ident: dict[str, Any], path: Path) -> str:
    """The identity's author; a hand-made identity without one falls back to the author's folder name."""
    return str(ident.get("author") or Path(path).parent.name)


def read_identity(path: Path) -> dict[str, Any]:
    """A workbook's identity alone, as load_workbook reads it (a conflicted notebook's from the side that parses):
    a save needs the id and the author, not every record checked and merged again (most of a chat save's CPU)."""
    try:
        nb = read_notebook(path)
    except ConflictError as exc:
        nb, _ = conflicted_sides(path, exc)
    return identity(nb, path)


def track_of(identity: dict[str, Any]) -> dict[str, str] | None:
    """The workbook's track (`metadata.ldkit.track` = {slug, name}, see ldkit.workbook.carry), or None: the one
    reading of it for the pages, the stats and `--continue`."""
    track = identity.get("track")
    if not isinstance(track, dict) or not str(track.get("slug") or "").strip():
        return None
    slug = str(track["slug"]).strip()
    return {"slug": slug, "name": " ".join(str(track.get("name") or slug).split())[:200] or slug}


def track_key(track: dict[str, str]) -> tuple[str, str]:
    """Workbooks are one track when their names agree (without case or extra spaces): the pages and the stats group
    by this, so "RL course" and "RL-Course!" (one slug) stay two tracks, and one name stays one track whatever slug
    an older ldkit stored for it (slugs were cut at 40 characters, now 60). First the page's slug, from the name."""
    name = " ".join(track["name"].split())
    return url_slug(name), name.casefold()


def load_workbook(path: Path, nb: dict[str, Any] | None = None, root: Path | None = None) -> Workbook:
    """Read identity and records from the notebook (metadata and outputs) and its journal, each record checked.

    A journal that is a link leading out of `root` (the workspace; the notebook's own folder when not given) is
    not read: a warning names it."""
    path = Path(path)
    conflict: str | None = None
    also: list[Found] = []  # records of a conflicted notebook's other side
    if nb is None:
        try:
            nb = read_notebook(path)
        except ConflictError as exc:
            conflict = exc.message
            nb, also = conflicted_sides(path, exc)
    ident = identity(nb, path)
    jpath = journal.journal_path(path)
    lines: list[tuple[int, Any]] = []
    if journal_outside(jpath, root):
        warnings = [f"{jpath}: not read: the journal is a link to {link_target(jpath)}, outside the "
                    "workspace; replace the link with the file itself"]
    else:
        lines, warnings = journal.read_lines(jpath)
    found = [*stored_records(nb, path), *also,
             *(Found(value, f"{jpath.name}: line {number}", journal_fix(jpath)) for number, value in lines)]
    merged, problems = check_and_merge(found, workbook_id=ident["id"])
    return Workbook(path=path, identity=ident, records=merged, conflict=conflict, warnings=[
        *([conflict] if conflict else []), *warnings, *(f"{path.parent}/{message}" for message in problems)])


def conflicted_sides(path: Path, exc: ConflictError) -> tuple[dict[str, Any], list[Found]]:
    """A notebook with git conflict markers, read as far as it can be: the identity from the side that parses (ours
    first; both sides are one workbook), and the records of both sides, which merge like any others."""
    text = Path(path).read_bytes().decode("utf-8")
    sides = []
    for side in conflict_sides(text) or ():
        try:
            sides.append(parse_notebook(side.encode("utf-8"), path))
        except NotebookError:
            continue
    if not sides:
        raise exc
    return sides[0], [found for side in sides[1:] for found in stored_records(side, path)]


def journal_outside(jpath: Path, root: Path | None) -> bool:
    """True when the journal is a link out of `root` (default: its notebook's folder), which nothing follows."""
    return jpath.is_symlink() and not inside(jpath, jpath.parent if root is None else root)


def dump_notebook(nb: dict[str, Any]) -> str:
    """The same layout as nbformat writes (indent 1, sorted keys), so diffs stay small."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def save_record(path: Path, record: dict[str, Any]) -> None:
    """Append the record to the workbook's journal, under its lock: the one place every save (form, CLI) is written.

    The notebook file itself is never rewritten: a journal is append-only and git merges it by union, so two
    teammates saving to one workbook from two clones never make a conflict; a rewritten `.ipynb` would. (Records
    that an older ldkit kept in `metadata.ldkit.records`, and the forms' cell outputs, are still read and merged.)
    """
    path = Path(path)
    try:
        validate_current(record)  # the rule every reader checks it with
    except SchemaProblem as exc:
        raise RecordError(f"not saved: the {record.get('kind')} record is not valid: {exc}") from None
    jpath = journal.journal_path(path)
    if journal_outside(jpath, None):
        raise WriteError(f"not saved: {jpath} is a link to {link_target(jpath)}, outside the workbook's folder; "
                         "nothing was written", hint="replace the link with the journal file itself")
    with journal.locked(jpath) as handle:
        journal.append_locked(handle, record, jpath)
