"""`ldkit search`: full-text search over every week (SQLite FTS5, in the standard library's sqlite3).

The index lives in `.ldkit-cache/search.sqlite` and is refreshed on each search: a workbook whose notebook and
journal kept their size and mtime is not read again. Nothing of a private workbook (ldkit.totals.workbook_private:
title, notebook, plan, outcome, papers) is ever indexed: its row holds only its path and stamp, and matches nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError, LdkitError
from ldkit.core.workspace import Workspace

INDEX_VERSION = 7  # 2: a private workbook is indexed as nothing; 3: stemmed (porter), only what people wrote;
# 4: outcome hours kept (for `ldkit who`); 5: the stamps in a table of their own (a warm query reads only them);
# 6: each week folder's digest (a warm query compares 52 digests, not 52,000 stamps); 7: the watcher's answer
COLUMNS = ("title", "plan", "summary", "next_steps", "papers", "cells")
MAX_CELL_TEXT = 200_000  # characters of written cell text indexed per notebook
UNWATCHABLE = "unwatchable"  # the kept answer of a watcher that could not start, with when (core.watch)
STARTING = "starting"  # the kept answer of one still watching its folders when its reader stopped waiting
WATCH_RETRY_SECONDS = 3600
READ_AT_ONCE = 4000  # changed workbooks read before their rows go in: a company's first build holds no 52,000 rows
READ_PARALLEL_FROM = 200  # changed workbooks from which they are read on every core (a fork costs ~10 ms)


@dataclass
class Hit:
    week: str
    author: str
    title: str
    path: str
    category: str
    snippet: str
    rank: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def index_path(workspace: Workspace) -> Path:
    return workspace.cache / "search.sqlite"


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite3.connect(path, timeout=10)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != INDEX_VERSION:
            db.execute("DROP TABLE IF EXISTS docs")
            db.execute("DROP TABLE IF EXISTS stamps")
            db.execute("DROP TABLE IF EXISTS folders")
            db.execute("DROP TABLE IF EXISTS watched")
            _create(db)
            db.execute(f"PRAGMA user_version = {INDEX_VERSION}")
        return db
    except sqlite3.DatabaseError as exc:
        if "fts5" in str(exc).lower():
            raise LdkitError(f"this Python's SQLite ({sqlite3.sqlite_version}) has no FTS5, which ldkit search "
                             "needs", hint="use a Python built with a current SQLite (python.org and most Linux "
                             "distributions have FTS5), or browse the site instead") from None
        path.unlink(missing_ok=True)  # a corrupt index is only rebuilt
        return _open(path)


def _create(db: sqlite3.Connection) -> None:
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, stamp UNINDEXED, week UNINDEXED, "
               "author UNINDEXED, category UNINDEXED, hours UNINDEXED, " + ", ".join(COLUMNS) +
               ", tokenize = 'porter unicode61 remove_diacritics 2')")  # porter: "gradients" finds "gradient"
    # what a warm query compares, apart from the text: reading stamps out of the FTS table reads its rows whole
    db.execute("CREATE TABLE stamps (path TEXT PRIMARY KEY, doc INTEGER, stamp TEXT)")
    # the digest of every file under a folder of workbooks/ (core.treestamp) when its stamps were last compared
    db.execute("CREATE TABLE folders (path TEXT PRIMARY KEY, digest TEXT)")
    # the watcher's last answer the index is up to date with (core.watch)
    db.execute("CREATE TABLE watched (generation TEXT, sequence INTEGER)")


def refresh(workspace: Workspace, db: sqlite3.Connection) -> list[str]:
    """Bring the index up to date; returns warnings for files that could not be read.

    Each week folder's digest (core.treestamp: one stat per file, the folders shared out to a process per core)
    is compared with the one kept: a warm query reads no workbook and no stamp. The notebooks and journals of a
    folder whose digest changed (and any outside the week folders) are compared one by one with their stamps, so a
    changed, new or deleted workbook is always seen. A large workspace's index has a watcher (core.watch): it
    names the folders changed since the last query, and only their weeks are stat-ed. Not for a company of
    several repositories: its joined view's files are links, and a write through a team's own path is no event
    in the view."""
    from ldkit.core import watch

    top = workspace.workbooks
    kept = _kept_answer(db)
    on = watch.enabled() and not workspace.has_team_workspaces
    recent = kept is not None and kept[0] in (UNWATCHABLE, STARTING) and time.time() - kept[1] < WATCH_RETRY_SECONDS
    # a watcher that could not start (inotify's limits on this system) is not asked, nor started, for a while; one
    # that was still watching its folders when its reader stopped waiting is asked, but not started again
    answer = watch.ask(top, kept) if on and not (recent and kept is not None and kept[0] == UNWATCHABLE) else None
    warnings = _refresh(workspace, db, answer)
    if on and not recent and answer is None and \
            db.execute("SELECT count(*) FROM stamps").fetchone()[0] >= watch.WATCH_FROM:
        answer, coming = watch.start(top)
        if answer is not None:  # its first answer is "unknown": one more stat of everything, then its answers
            warnings = _refresh(workspace, db, answer)
        else:
            with db:
                _keep_answer(db, watch.Answer(STARTING if coming else UNWATCHABLE, int(time.time()), None))
    return warnings


def _kept_answer(db: sqlite3.Connection) -> tuple[str, int] | None:
    row = db.execute("SELECT generation, sequence FROM watched").fetchone()
    return (str(row[0]), int(row[1])) if row else None


def _keep_answer(db: sqlite3.Connection, answer: Any) -> None:
    db.execute("DELETE FROM watched")
    if answer is not None:
        db.execute("INSERT INTO watched VALUES (?, ?)", (answer.generation, answer.sequence))


def _refresh(workspace: Workspace, db: sqlite3.Connection, answer: Any) -> list[str]:
    """refresh, with the watcher's `answer` (or None: stat every week)."""
    from ldkit.core import watch
    from ldkit.core.treestamp import stamp_folders

    warnings: list[str] = []
    top = workspace.workbooks
    try:
        children = sorted(os.scandir(top), key=lambda e: e.name) if top.is_dir() else []
    except OSError:
        children = []
    folders, beside = [], hashlib.sha256()  # the week folders; what lies beside them (a notebook, a link), stat-ed
    for child in children:
        if child.name.startswith("."):
            continue
        try:
            if child.is_dir(follow_symlinks=False):
                folders.append(child.path)
                continue
            info = os.stat(child.path)
            beside.update(f"{child.name}\0{info.st_size}:{info.st_mtime_ns}:{info.st_ino}:{info.st_ctime_ns}\n"
                          .encode("utf-8", "surrogateescape"))
        except OSError:
            beside.update(f"{child.name}\0-\n".encode("utf-8", "surrogateescape"))
    kept = dict(db.execute("SELECT path, digest FROM folders"))
    # the digests first, the stamps after: a file that changes between the two is seen by the next query
    to_stamp = folders
    weeks = watch.changed_weeks(top, answer)
    if weeks is not None:
        to_stamp = [f for f in folders if os.path.basename(f) in weeks or f not in kept]  # the rest: as it saw them
    digests = {f: kept[f] for f in folders if f in kept}
    digests.update(zip(to_stamp, stamp_folders([Path(f) for f in to_stamp], listings=workspace.listings),
                       strict=True))
    digests[str(top)] = beside.hexdigest()  # a change beside the week folders: the whole tree is compared
    walk = [f for f in folders if kept.get(f) != digests[f]]
    gone_folders = [f for f in kept if f not in digests]
    if not walk and not gone_folders and kept.get(str(top)) == digests[str(top)]:
        if answer is not None:
            with db:
                _keep_answer(db, answer)
        return warnings
    from ldkit.records.scan import notebook_stamps  # only when something changed (a warm query reads no record)

    if walk == folders or kept.get(str(top)) != digests[str(top)]:
        scopes: list[str] | None = None  # the whole tree, as one walk
        current = notebook_stamps(top)
    else:
        scopes = [*walk, *gone_folders]
        current = [stamp for f in walk for stamp in notebook_stamps(Path(f), top)]
    # the FTS row by path: a changed workbook's row is deleted by rowid, a new one's not at all (a DELETE by the path
    # column, which FTS5 cannot index, scans the whole table: the first build was quadratic)
    known = {path: (doc, stamp) for path, doc, stamp in db.execute("SELECT path, doc, stamp FROM stamps")
             if scopes is None or _under(path, scopes)}
    changed = [(key, stamp) for key, stamp in current if known.get(key, (None, None))[1] != stamp]
    gone = set(known).difference(key for key, _ in current)
    unread: list[str] = []
    with db:
        for at, (key, stamp) in enumerate(changed):
            if at % READ_AT_ONCE == 0:  # the next workbooks' rows, read on every core
                rows = _documents(workspace, [Path(k) for k, _ in changed[at:at + READ_AT_ONCE]])
            if key in known:
                db.execute("DELETE FROM docs WHERE rowid = ?", (known[key][0],))
                db.execute("DELETE FROM stamps WHERE path = ?", (key,))
            row, problem = rows[at % READ_AT_ONCE]
            if row is None:
                warnings.append(f"{Path(key)}: not searchable: {problem}")
                unread.append(key)
                continue
            doc = db.execute(f"INSERT INTO docs (path, stamp, week, author, category, hours, {', '.join(COLUMNS)}) "
                             f"VALUES ({', '.join('?' * (6 + len(COLUMNS)))})", (key, stamp, *row)).lastrowid
            db.execute("INSERT INTO stamps VALUES (?, ?, ?)", (key, doc, stamp))
        for key in gone:
            db.execute("DELETE FROM docs WHERE rowid = ?", (known[key][0],))
            db.execute("DELETE FROM stamps WHERE path = ?", (key,))
        db.execute("DELETE FROM folders")
        # a folder with an unreadable workbook is kept undigested: the next query tries (and warns) again
        holders = {next((f for f in folders if _under(key, [f])), str(top)) for key in unread}
        db.executemany("INSERT INTO folders VALUES (?, ?)", [(f, d) for f, d in digests.items() if f not in holders])
        if answer is not None:
            _keep_answer(db, answer)
    return warnings


def _under(path: str, folders: list[str]) -> bool:
    return any(path.startswith(folder + os.sep) for folder in folders)


def _documents(workspace: Workspace, paths: list[Path]) -> list[tuple[tuple[Any, ...] | None, str | None]]:
    """Each workbook's row (`_document`), or None and why it cannot be read. Many are read on every core
    (core.forked): reading and checking the workbooks is nine tenths of a first index build, and the inserts
    (SQLite, in this process) are the rest."""
    from ldkit.core import forked

    def one(i: int) -> tuple[tuple[Any, ...] | None, str | None]:
        try:
            return _document(workspace, paths[i]), None
        except LdkitError as exc:
            return None, exc.message
        except OSError as exc:
            return None, exc.strerror or str(exc)

    return forked.shared_map(one, len(paths), None if len(paths) >= READ_PARALLEL_FROM else 1)


def _document(workspace: Workspace, path: Path) -> tuple[Any, ...]:
    """(week, author, category, hours, title, plan, summary, next_steps, papers, cells) of one workbook."""
    from ldkit.records.notebook import parse_notebook
    from ldkit.records.papers import workbook_papers
    from ldkit.records.privacy import workbook_private
    from ldkit.records.workbook import load_workbook
    from ldkit.records.written import written_text

    nb = parse_notebook(path.read_bytes(), path)
    wb = load_workbook(path, nb)
    week = str(wb.identity.get("week") or path.parent.parent.name)
    if workbook_private(wb):
        return (week, wb.author, "", None, *("" for _ in COLUMNS))  # kept so its stamp is known; nothing to find
    plan, outcome = wb.records.plan, wb.records.outcome
    team_plan, team_outcome = plan, outcome
    papers = [" ".join([p.title, p.id, *p.authors]) for p in workbook_papers(wb.identity)]
    cells = written_text(nb, str(wb.identity.get("template") or ""), workspace.templates, MAX_CELL_TEXT)
    return (week, wb.author, str(plan["data"].get("category", "")) if plan else "",
            outcome["data"].get("hours") if outcome else None, str(wb.identity.get("title") or path.stem),
            " ".join([team_plan["data"].get("goal", ""), *team_plan["data"].get("resources", [])]) if team_plan else "",
            team_outcome["data"].get("summary", "") if team_outcome else "",
            team_outcome["data"].get("next_steps", "") if team_outcome else "",
            " ".join(papers), cells)


def fts_query(text: str) -> str:
    """A person's words as an FTS5 query: each word must appear (a trailing * searches by prefix); no word can
    be read as FTS5 syntax, so any input is a valid query."""
    terms = []
    for word in re.findall(r"[\w*'-]+", text, flags=re.UNICODE):
        prefix = word.endswith("*")
        word = word.strip("*'-")
        if word:
            terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    if not terms:
        raise InputError(f"nothing to search for in {text!r}", hint="give one or more words, e.g. ldkit search "
                         "diffusion")
    return " ".join(terms)


def search(workspace: Workspace, query: str, week: str | None = None, author: str | None = None,
           category: str | None = None, limit: int = 20) -> tuple[list[Hit], list[str]]:
    db = _open(index_path(workspace))
    try:
        warnings = refresh(workspace, db)
        where, args = ["docs MATCH ?"], [fts_query(query)]
        for column, value in (("week", week), ("author", author), ("category", category)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        if workspace.members is not None:  # a team's view: its members' workbooks only
            members = sorted(workspace.members)
            where.append(f"author IN ({', '.join('?' * len(members))})" if members else "0")
            args.extend(members)
        rows = db.execute(
            "SELECT week, author, title, path, category, snippet(docs, -1, '[', ']', '…', 12), bm25(docs) "
            f"FROM docs WHERE {' AND '.join(where)} ORDER BY bm25(docs) LIMIT ?", (*args, limit)).fetchall()
    finally:
        db.close()
    hits = [Hit(r[0], r[1], r[2], _relative(r[3], workspace), r[4], " ".join(r[5].split()), round(r[6], 3))
            for r in rows]
    return hits, warnings


def who(workspace: Workspace, query: str) -> tuple[list[Any], list[str]]:
    """Who has studied `query` — a topic (a plan's category), a paper (its id or title) or any word — with their
    team, weeks and hours (model.who), from the same index as `ldkit search`; a team's view keeps its members."""
    from ldkit.model.who import who_studied

    db = _open(index_path(workspace))
    try:
        warnings = refresh(workspace, db)
        members = sorted(workspace.members) if workspace.members is not None else None
        scope, args = "", []
        if members is not None:
            scope = f" AND author IN ({', '.join('?' * len(members))})" if members else " AND 0"
            args = members
        found = {row[0]: row[1:] for row in db.execute(
            f"SELECT path, author, week, title, hours FROM docs WHERE docs MATCH ?{scope}", (fts_query(query), *args))}
        topic = query.strip().lower().replace(" ", "-")
        found.update({row[0]: row[1:] for row in db.execute(
            f"SELECT path, author, week, title, hours FROM docs WHERE category = ?{scope}", (topic, *args))})
    finally:
        db.close()
    from ldkit.model.week import names_of

    return who_studied(found.values(), workspace.team_by_author(), names_of(workspace),
                       workspace.team_titles()), warnings


def _relative(path: str, workspace: Workspace) -> str:
    try:
        return str(Path(path).relative_to(workspace.root))
    except ValueError:
        return path


def as_json(hits: list[Hit]) -> str:
    return json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2)
