"""`ldkit export --sqlite FILE`: the team's shared records as one SQLite database, made with sqlite-utils.

Tables `weeks`, `people`, `workbooks`, `plans`, `outcomes`, `results`, `expenses`, with foreign keys, ISO dates and
full-text search on the text columns, so `datasette FILE` is a searchable, faceted view with no code of ours.
A private workbook (ldkit.totals.workbook_private) is a row of `workbooks` that says only
that it exists (id, week, author, `private` = 1): no title, path, plan, outcome, result or expense. The file is
built in memory and written whole: a killed export leaves the previous file and nothing beside it.
"""
from __future__ import annotations

import functools
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError
from ldkit.core.files import write_whole
from ldkit.core.workspace import Workspace

MARKER_TABLE = "_ldkit_export"
# table -> (columns, primary key, foreign keys): explicit, so an empty table still has its shape
SCHEMA: dict[str, tuple[dict[str, type], str, list[tuple[str, str, str]]]] = {
    "weeks": ({"week": str, "learning_day": str, "people": int, "planned": int, "summarized": int, "hours": float,
               "skipped": str}, "week", []),
    "people": ({"author": str, "current_streak": int, "best_streak": int, "participation_rate": float,
                "weeks_with_outcome": int, "hours": float, "team": str}, "author", []),
    "workbooks": ({"id": str, "week": str, "author": str, "title": str, "template": str, "path": str,
                   "category": str, "created": str, "paper_id": str, "paper_title": str, "outcome_status": str,
                   "private": int, "team": str},
                  "id", [("week", "weeks", "week"), ("author", "people", "author")]),
    "plans": ({"workbook_id": str, "goal": str, "category": str, "planned_hours": float, "resources": str,
               "saved_at": str}, "workbook_id", [("workbook_id", "workbooks", "id")]),
    "outcomes": ({"workbook_id": str, "summary": str, "status": str, "hours": float, "next_steps": str,
                  "links": str, "saved_at": str}, "workbook_id", [("workbook_id", "workbooks", "id")]),
    "results": ({"id": int, "workbook_id": str, "name": str, "paper": float, "mine": float, "tolerance": str,
                 "unit": str, "note": str, "reproduced": int, "verdict": str, "saved_at": str}, "id",
                [("workbook_id", "workbooks", "id")]),
    "expenses": ({"id": int, "workbook_id": str, "author": str, "item": str, "amount": float, "currency": str},
                 "id", [("workbook_id", "workbooks", "id")]),
}


@dataclass
class Exported:
    path: Path
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def _made_by_us(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return False
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (MARKER_TABLE,)).fetchone())
        finally:
            db.close()
    except (OSError, sqlite3.Error):
        return False


def export_sqlite(workspace: Workspace, target: Path, force: bool = False) -> Exported:
    """Write the database; a file that ldkit did not export is never replaced without `force`."""
    target = Path(target)
    if target.is_dir():
        raise InputError(f"--sqlite {target} is a folder; give a file name such as learning-day.db")
    if target.exists() and not force and not _made_by_us(target):
        raise InputError(f"{target} exists and was not made by ldkit export; nothing was written",
                         hint="choose another file, or pass --force to replace it")
    try:
        import sqlite_utils
    except ImportError:  # pragma: no cover - a dependency of ldkit
        raise InputError("ldkit export needs sqlite-utils", hint="pip install sqlite-utils") from None
    # built in memory and written whole (core.files.write_whole): an export killed at any point leaves the previous
    # file as it was and no temporary file (nor sqlite journal) beside it
    db = sqlite_utils.Database(memory=True)
    warnings: list[str] = []
    try:
        counts = _fill(db, workspace, warnings)
        db.conn.commit()
        data = _serialize(db.conn)
    finally:
        db.conn.close()
    write_whole(target, data)
    return Exported(target, counts, warnings)


def _serialize(conn: sqlite3.Connection) -> bytes:
    """The database file's bytes."""
    if hasattr(conn, "serialize"):  # Python 3.11+
        return bytes(conn.serialize())
    import tempfile  # pragma: no cover - Python 3.10: through a private temporary file

    with tempfile.TemporaryDirectory(prefix="ldkit-export-") as folder:
        copy = sqlite3.connect(Path(folder) / "export.db")
        try:
            conn.backup(copy)
        finally:
            copy.close()
        return (Path(folder) / "export.db").read_bytes()


def _fill(db: Any, workspace: Workspace, warnings: list[str]) -> dict[str, int]:
    """Fill the tables, one week at a time: a company's 52,000 workbooks are never all in memory at once (each week's
    rows go into the database before the next week is read), and what the site or stats read already is read
    back from the records index."""
    from ldkit.core.weeks import learning_day_of, parse_week
    from ldkit.ledger.stats import Walked, compute, known_weeks, week_numbers
    from ldkit.records.index import index_path
    from ldkit.records.scan import notebook_stamps, read_stamped

    for name, (columns, pk, foreign_keys) in SCHEMA.items():
        db[name].create(columns, pk=pk, foreign_keys=foreign_keys)
    counts = dict.fromkeys(SCHEMA, 0)
    weeks = known_weeks(workspace)
    index = index_path(workspace.cache)
    author_team = workspace.team_by_author()  # a company's teams; None without
    weeks_read: dict[Any, Any] = {}
    seen: set[str] = set()
    first_with: dict[str, Path] = {}  # workbook id -> the first workbook exported with it
    for week in weeks:
        folder, walked = workspace.week_folder(week), Walked()
        walked.stamps = notebook_stamps(folder, workspace.root, walked.problems, workspace.members,
                                        others=walked.others)
        workbooks = read_stamped(folder, walked.stamps, workspace.root, index, walked.problems)
        weeks_read[week] = week_numbers(workspace, week, walked, functools.partial(list, workbooks))
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMA}
        for wb in workbooks:
            seen.add(wb.author)
            _workbook_rows(rows, workspace, str(week), wb, author_team, _own_id(wb, first_with, workspace, warnings))
        _insert(db, rows, counts)
        del workbooks, rows
    stats = compute(workspace, since=weeks[0], until=weeks[-1], weeks_read=weeks_read) if weeks else \
        {"weeks": [], "people": []}
    rows = {name: [] for name in SCHEMA}
    for w in stats["weeks"]:
        if not (w["people"] or w["skipped"]):
            continue  # a week between two learning days that nobody took part in
        rows["weeks"].append({"week": w["week"], "learning_day": learning_day_of(parse_week(w["week"]),
                                                                                 workspace.weekday).isoformat(),
                              "people": w["people"], "planned": w["planned"], "summarized": w["summarized"],
                              "hours": w["hours"], "skipped": ", ".join(w["skipped"])})
    hours: dict[str, float] = {}
    for data in weeks_read.values():
        for author, h in data.totals.hours_by_author.items():
            hours[author] = hours.get(author, 0) + h
    authors = {p["author"]: p for p in stats["people"]}
    for author in seen:
        authors.setdefault(author, {"author": author})
    for author, p in sorted(authors.items()):
        rows["people"].append({"author": author, "current_streak": p.get("current_streak", 0),
                               "best_streak": p.get("best_streak", 0),
                               "participation_rate": p.get("participation_rate", 0.0),
                               "weeks_with_outcome": p.get("weeks_with_outcome", 0),
                               "hours": round(hours.get(author, 0), 2), "team": author_team.get(author)})
    _insert(db, rows, counts)
    db["workbooks"].enable_fts(["title", "paper_title"], create_triggers=True)
    db["plans"].enable_fts(["goal", "resources"], create_triggers=True)
    db["outcomes"].enable_fts(["summary", "next_steps"], create_triggers=True)
    db["results"].enable_fts(["name", "note"], create_triggers=True)
    db[MARKER_TABLE].insert({"made_by": "ldkit export", "weeks": counts["weeks"]})
    return counts


def _insert(db: Any, rows: dict[str, list[dict[str, Any]]], counts: dict[str, int]) -> None:
    for name, items in rows.items():
        if items:
            db[name].insert_all(items)
            counts[name] += len(items)


def _own_id(wb: Any, first_with: dict[str, Path], workspace: Workspace, warnings: list[str]) -> str:
    """The workbook's id in the export: its own, or, for a notebook copied by hand (it carries the id of the one
    it was copied from), an id of its own made from that id and its path, the same in every export."""
    first = first_with.setdefault(wb.id, wb.path)
    if first == wb.path:
        return wb.id
    from ldkit.records.notebook import copy_id
    from ldkit.records.privacy import workbook_private

    if not workbook_private(wb):  # a private workbook's path is its title: said nowhere
        warnings.append(f"{workspace.shown(wb.path)} has the workbook id of {workspace.shown(first)}: it is a copy "
                        "of it, exported as a workbook of its own. To go on from a workbook, start the next one "
                        f"with `ldkit new TEMPLATE --continue {workspace.shown(first)}`")
    return copy_id(wb.id, workspace.shown(wb.path))


def _workbook_rows(rows: dict[str, list[dict[str, Any]]], workspace: Workspace, week: str, wb: Any,
                   author_team: dict[str, str], wid: str) -> None:
    """One workbook's rows of `workbooks`, `plans`, `outcomes`, `expenses` and `results`, under the id `wid`."""
    from ldkit.records.claims import reproduced, verdict
    from ldkit.records.papers import workbook_papers
    from ldkit.records.privacy import workbook_private

    if workbook_private(wb):  # counted, nothing more
        rows["workbooks"].append({"id": wid, "week": week, "author": wb.author, "title": "",
                                  "template": "", "path": "", "category": None, "created": None,
                                  "paper_id": None, "paper_title": None, "outcome_status": None,
                                  "private": 1, "team": author_team.get(wb.author)})
        return
    ident = wb.identity
    papers = workbook_papers(ident)
    plan, outcome = wb.records.plan, wb.records.outcome
    rows["workbooks"].append({
        "id": wid, "week": week, "author": wb.author, "title": str(ident.get("title") or ""),
        "template": str(ident.get("template") or ""), "path": workspace.shown(wb.path),
        "category": plan["data"].get("category") if plan else None, "created": ident.get("created"),
        "paper_id": papers[0].id or None if papers else None,
        "paper_title": papers[0].title or None if papers else None,
        "outcome_status": outcome["data"].get("status") if outcome else None, "private": 0,
        "team": author_team.get(wb.author)})
    if plan is not None:
        d = plan["data"]
        rows["plans"].append({"workbook_id": wid, "goal": d["goal"], "category": d["category"],
                              "planned_hours": d.get("planned_hours"),
                              "resources": json.dumps(d.get("resources", []), ensure_ascii=False),
                              "saved_at": plan["saved_at"]})
    if outcome is not None:
        d = outcome["data"]
        rows["outcomes"].append({"workbook_id": wid, "summary": d["summary"], "status": d["status"],
                                 "hours": d.get("hours"), "next_steps": d.get("next_steps", ""),
                                 "links": json.dumps(d.get("links", []), ensure_ascii=False),
                                 "saved_at": outcome["saved_at"]})
        for cost in d.get("expenses", []):
            rows["expenses"].append({"workbook_id": wid, "author": wb.author, **cost})
    for record in wb.records.results.values():
        d = record["data"]
        rows["results"].append({"workbook_id": wid, "name": d["name"], "paper": d["paper"],
                                "mine": d["mine"], "tolerance": str(d.get("tolerance") or "") or None,
                                "unit": d.get("unit", ""), "note": d.get("note", ""),
                                "reproduced": reproduced(d), "verdict": verdict(d),
                                "saved_at": record["saved_at"]})
