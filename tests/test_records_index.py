"""records.index: what one command read of a workbook, the next reads back (site, digest, export, stats, status
share it) — and a changed workbook is read again, a deleted one is gone, a broken, old or read-only index is only a
slower read."""
import json
import sqlite3

import pytest

from ldkit.records import scan as scan_module
from ldkit.records.index import TABLE, RecordsIndex, index_path

WEEK = "2026-W48"


@pytest.fixture
def two(ws, run, new_workbook):
    a = new_workbook("blank", "Alpha", "--week", WEEK, "--author", "alice")
    run("log", "plan", a, "--goal", "Learn alpha", "--category", "tutorial", "--hours", "2")
    run("log", "outcome", a, "--summary", "Did alpha", "--hours", "3")
    b = new_workbook("blank", "Beta", "--week", WEEK, "--author", "bob")
    run("log", "plan", b, "--goal", "Learn beta", "--category", "fundamentals")
    return a, b


def week_numbers(run):
    stats = json.loads(run("stats", "--until", WEEK, "--json").stdout)
    return next(w for w in stats["weeks"] if w["week"] == WEEK)


def status_of(run):
    return {p["author"]: p["workbooks"][0]["outcome"] if p["workbooks"] else None
            for p in json.loads(run("status", "--week", WEEK, "--json").stdout)["authors"]}


def no_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a workbook the index holds was parsed again")

    monkeypatch.setattr(scan_module, "load_workbook", refuse)


def test_what_the_digest_read_stats_and_status_read_back(ws, run, two, monkeypatch):
    run("digest", "--week", WEEK, "--quiet")  # collect keeps every workbook in the shared index
    with RecordsIndex(index_path(ws.cache)) as index:
        rows = index.rows_below(ws.week_folder(WEEK))
    assert sorted(rows) == sorted(str(p) for p in two) and all(r.sha256 for r in rows.values())
    no_parsing(monkeypatch)
    assert week_numbers(run)["summarized"] == 1 and week_numbers(run)["hours"] == 3
    assert status_of(run) == {"alice": "done", "bob": None}


def test_a_changed_workbook_is_read_again_and_a_deleted_one_is_gone(ws, run, two):
    a, b = two
    assert week_numbers(run)["summarized"] == 1
    run("log", "outcome", b, "--summary", "Did beta", "--hours", "1")
    assert status_of(run) == {"alice": "done", "bob": "done"}
    assert week_numbers(run)["summarized"] == 2 and week_numbers(run)["hours"] == 4
    nb = json.loads(a.read_text())
    nb["metadata"]["ldkit"]["title"] = "Alpha, renamed by hand"
    a.write_text(json.dumps(nb))  # edited in place, as an editor would
    titles = [e["title"] for p in json.loads(run("status", "--week", WEEK, "--json").stdout)["authors"]
              for e in p["workbooks"]]
    assert "Alpha, renamed by hand" in titles
    a.unlink()
    a.with_name(a.stem + ".ldkit.jsonl").unlink()
    assert week_numbers(run)["summarized"] == 1
    assert status_of(run).get("alice") is None and status_of(run)["bob"] == "done"


def test_stats_kept_rows_are_read_again_once_by_the_digest_for_what_rendering_needs(ws, run, two):
    week_numbers(run)  # stats keep records only
    with RecordsIndex(index_path(ws.cache)) as index:
        assert all(r.sha256 is None for r in index.rows_below(ws.week_folder(WEEK)).values())
    result = run("digest", "--week", WEEK)
    assert "Alpha" in (ws.digest_folder(WEEK) / "index.html").read_text()
    assert "Traceback" not in result.stderr
    with RecordsIndex(index_path(ws.cache)) as index:
        assert all(r.sha256 for r in index.rows_below(ws.week_folder(WEEK)).values())


def test_a_corrupt_index_is_replaced(ws, run, two):
    week_numbers(run)
    index_path(ws.cache).write_bytes(b"not a database, just bytes" * 200)
    for kept in (ws.cache / "weeks").iterdir():  # the week's numbers too: the index is what is read
        kept.unlink()
    assert week_numbers(run)["summarized"] == 1
    assert status_of(run) == {"alice": "done", "bob": None}
    with RecordsIndex(index_path(ws.cache)) as index:
        assert len(index.rows_below(ws.week_folder(WEEK))) == 2


def test_an_old_version_is_dropped_not_read(ws, run, two):
    a, _ = two
    path = index_path(ws.cache)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE workbooks_v3 (path TEXT PRIMARY KEY, stamp TEXT, sha256 TEXT, identity TEXT, "
               "records TEXT, files TEXT)")
    db.execute("INSERT INTO workbooks_v3 VALUES (?, 'x', 'x', '{}', '[]', '[]')", (str(a),))
    db.commit()
    db.close()
    assert status_of(run) == {"alice": "done", "bob": None}
    db = sqlite3.connect(path)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert TABLE in tables and "workbooks_v3" not in tables


def test_a_read_only_cache_still_reads_and_only_keeps_nothing(ws, run, two, read_only):
    run("digest", "--week", WEEK, "--quiet")
    read_only(ws.cache / "digest")
    assert status_of(run) == {"alice": "done", "bob": None}
    _, b = two
    run("log", "outcome", b, "--summary", "Did beta", "--hours", "1")
    assert status_of(run) == {"alice": "done", "bob": "done"}  # seen, though it cannot be kept


def test_a_read_only_cache_without_an_index_still_works(ws, run, two, read_only):
    ws.cache.mkdir(exist_ok=True)
    read_only(ws.cache)
    assert status_of(run) == {"alice": "done", "bob": None}
    assert week_numbers(run)["summarized"] == 1


def test_rows_another_ldkit_read_are_not_read_back(ws, run, two, monkeypatch):
    """The rows hold for the code that read them: after an upgrade (another version, other records code) every
    workbook is read again, since how records merge or what is private may have changed."""
    from ldkit.records import index as index_module

    run("digest", "--week", WEEK, "--quiet")
    with RecordsIndex(index_path(ws.cache)) as index:
        assert len(index.rows_below(ws.week_folder(WEEK))) == 2
    monkeypatch.setattr(index_module, "code_stamp", lambda: "another ldkit")
    with RecordsIndex(index_path(ws.cache)) as index:
        assert index.rows_below(ws.week_folder(WEEK)) == {}  # dropped, not read
    assert status_of(run) == {"alice": "done", "bob": None}  # read again, the same answers


def test_a_same_size_rewrite_in_the_same_tick_is_still_seen(ws, run, two):
    """A coarse clock (older kernels, NFS, FAT) can give a rewrite of the same size the same mtime: the stamp has
    the inode and ctime too, so the index does not answer for the old bytes."""
    import os

    a, _ = two
    run("digest", "--week", WEEK, "--quiet")  # the index holds both
    with RecordsIndex(index_path(ws.cache)) as index:
        assert str(a) in index.rows_below(ws.week_folder(WEEK))
    info = os.stat(a)
    text = a.read_text()
    swapped = text.replace('"Alpha"', '"Omega"')
    assert len(swapped) == len(text)
    tmp = a.with_name(a.name + ".tmp")
    tmp.write_text(swapped)
    os.utime(tmp, ns=(info.st_atime_ns, info.st_mtime_ns))  # the same size and mtime, as in one coarse tick
    os.replace(tmp, a)
    titles = [e["title"] for p in json.loads(run("status", "--week", WEEK, "--json").stdout)["authors"]
              for e in p["workbooks"]]
    assert "Omega" in titles
