"""`ldkit search` (SQLite FTS5) and `ldkit export --sqlite` (sqlite-utils, Datasette-ready)."""
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import snapshot


@pytest.fixture
def weeks(ws, run, new_workbook):
    a = new_workbook("paper", "Denoising diffusion", "--week", "2026-W20", "--author", "alice",
                     "-p", "arxiv_id", "2006.11239")
    run("log", "plan", a, "--goal", "Reimplement DDPM on MNIST", "--category", "paper-reimplementation")
    run("log", "outcome", a, "--summary", "The diffusion model samples digits after 20 epochs.", "--hours", "5",
        "--expense", "GPU=3EUR")
    b = new_workbook("blank", "Transformers from scratch", "--week", "2026-W21", "--author", "bob")
    run("log", "plan", b, "--goal", "Write attention by hand", "--category", "ml-fundamentals")
    run("log", "outcome", b, "--summary", "Attention is a soft dictionary lookup; diffusion next week.",
        "--hours", "3")
    c = new_workbook("blank", "Secret week", "--week", "2026-W21", "--author", "chen")
    run("log", "plan", c, "--goal", "zanzibar private goal", "--private")
    run("log", "outcome", c, "--summary", "zanzibar private summary", "--private")
    nb = json.loads(c.read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "note", "metadata": {}, "source": "A note on quokkas."})
    c.write_text(json.dumps(nb))
    return a, b, c


def test_search_ranks_and_filters(ws, run, weeks):
    hits = json.loads(run("search", "diffusion", "--json").stdout)
    assert [h["author"] for h in hits] == ["alice", "bob"]  # the title and summary beat one word in a summary
    assert hits[0]["week"] == "2026-W20" and hits[0]["path"].endswith("denoising-diffusion.ipynb")
    assert "[diffusion]" in hits[0]["snippet"].lower()
    assert [h["author"] for h in json.loads(run("search", "diffusion", "--author", "bob", "--json").stdout)] == ["bob"]
    assert json.loads(run("search", "diffusion", "--week", "2026-W21", "--json").stdout)[0]["author"] == "bob"
    assert json.loads(run("search", "diffus*", "--category", "paper-reimplementation", "--json").stdout)[0][
        "author"] == "alice"
    assert json.loads(run("search", "2006.11239", "--json").stdout)[0]["author"] == "alice"  # the paper's id
    text = run("search", "attention").stdout
    assert "2026-W21  bob" in text and "[attention]" in text.lower()


def test_a_private_workbook_is_never_indexed_but_team_notes_are(ws, run, weeks):
    a, b, c = weeks
    nb = json.loads(b.read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "note", "metadata": {}, "source": "A note on wallabies."})
    b.write_text(json.dumps(nb))
    assert json.loads(run("search", "zanzibar", "--json").stdout) == []
    assert json.loads(run("search", "quokkas", "--json").stdout) == []  # its notebook body is private too
    assert json.loads(run("search", "secret", "--json").stdout) == []  # and its title
    index = (ws.root / ".ldkit-cache" / "search.sqlite").read_bytes().decode("latin-1")
    assert "zanzibar" not in index and "quokkas" not in index
    assert json.loads(run("search", "wallabies", "--json").stdout)[0]["author"] == "bob"


def test_the_index_follows_changes(ws, run, weeks):
    a, b, c = weeks
    assert json.loads(run("search", "wombat", "--json").stdout) == []
    run("log", "outcome", b, "--summary", "Now about wombats and a wombat.", "--hours", "3")
    assert [h["author"] for h in json.loads(run("search", "wombat*", "--json").stdout)] == ["bob"]
    b.unlink()
    assert json.loads(run("search", "wombat*", "--json").stdout) == []


@pytest.mark.parametrize("query", ['"; DROP TABLE docs; --', "NEAR(a b)", "a AND OR", "*", "title:x"])
def test_any_input_is_a_safe_query(ws, run, weeks, query):
    result = run("search", query, code=None)
    assert result.exit_code in (0, 2) and "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert "nothing to search for" in result.stderr
    assert json.loads(run("search", "diffusion", "--json").stdout)  # the index is intact


def test_a_corrupt_index_is_rebuilt(ws, run, weeks):
    run("search", "diffusion")
    (ws.root / ".ldkit-cache" / "search.sqlite").write_bytes(b"not a database at all" * 100)
    assert json.loads(run("search", "diffusion", "--json").stdout)


def test_without_fts5_the_message_says_so(ws, run, weeks, monkeypatch):
    import sqlite3

    from ldkit.site import search as module

    def no_fts5(db):
        raise sqlite3.OperationalError("no such module: fts5")

    monkeypatch.setattr(module, "_create", no_fts5)
    (ws.root / ".ldkit-cache" / "search.sqlite").unlink(missing_ok=True)
    result = run("search", "diffusion", code=1)
    assert "has no FTS5" in result.stderr and "Traceback" not in result.stderr


def test_export_is_a_datasette_ready_database(ws, run, weeks, tmp_path):
    import sqlite_utils

    target = tmp_path / "learning-day.db"
    result = run("export", "--sqlite", target)
    assert "3 workbooks" in result.stdout and "2 plans" in result.stdout
    db = sqlite_utils.Database(target)
    assert {"weeks", "people", "workbooks", "plans", "outcomes", "results", "expenses"} <= set(db.table_names())
    assert {fk.other_table for fk in db["workbooks"].foreign_keys} == {"weeks", "people"}
    assert {fk.other_table for fk in db["outcomes"].foreign_keys} == {"workbooks"}
    assert [r["week"] for r in db["weeks"].rows] == ["2026-W20", "2026-W21"]
    assert list(db["weeks"].rows)[0]["learning_day"] == "2026-05-14"
    hits = list(db["outcomes"].search("diffusion"))
    assert len(hits) == 2
    assert db["expenses"].count == 1 and db["plans"].count == 2  # chen's private plan is not there
    dump = "\n".join(db.iterdump())
    assert "zanzibar" not in dump
    run("export", "--sqlite", target)  # our own file is replaced


def test_a_notebook_copied_by_hand_is_exported_as_a_workbook_of_its_own(ws, run, weeks, tmp_path):
    """A copy carries the id of the notebook it was copied from (last week's, to go on): the export keeps both,
    each with its own records, says which is a copy and how to go on instead; a private copy's path is said
    nowhere."""
    import sqlite_utils

    original = ws.root / "workbooks" / "2026-W20" / "alice" / "denoising-diffusion.ipynb"
    copy = ws.root / "workbooks" / "2026-W22" / "alice" / "denoising-diffusion.ipynb"
    copy.parent.mkdir(parents=True)
    shutil.copy(original, copy)
    run("log", "outcome", copy, "--summary", "Sampling is faster with DDIM.", "--hours", "2")
    secret = ws.root / "workbooks" / "2026-W22" / "chen" / "zanzibar-copy.ipynb"
    secret.parent.mkdir(parents=True)
    shutil.copy(ws.root / "workbooks" / "2026-W21" / "chen" / "secret-week.ipynb", secret)
    run("log", "outcome", secret, "--summary", "zanzibar again", "--private")
    target = tmp_path / "learning-day.db"
    result = run("export", "--sqlite", target)
    assert "5 workbooks" in result.stdout
    assert ("workbooks/2026-W22/alice/denoising-diffusion.ipynb has the workbook id of "
            "workbooks/2026-W20/alice/denoising-diffusion.ipynb: it is a copy") in result.stderr
    assert "ldkit new TEMPLATE --continue workbooks/2026-W20/alice/denoising-diffusion.ipynb" in result.stderr
    assert "zanzibar" not in result.stdout + result.stderr and result.stderr.count("ldkit: warning") == 1
    db = sqlite_utils.Database(target)
    summaries = {row["path"]: row["summary"] for row in db.query(
        "SELECT w.path, o.summary FROM workbooks w JOIN outcomes o ON o.workbook_id = w.id")}
    assert summaries == {"workbooks/2026-W20/alice/denoising-diffusion.ipynb":
                         "The diffusion model samples digits after 20 epochs.",
                         "workbooks/2026-W21/bob/transformers-from-scratch.ipynb":
                         "Attention is a soft dictionary lookup; diffusion next week.",
                         "workbooks/2026-W22/alice/denoising-diffusion.ipynb": "Sampling is faster with DDIM."}
    ids = [row["id"] for row in db["workbooks"].rows]
    assert len(set(ids)) == 5 and "zanzibar" not in "\n".join(db.iterdump())
    run("export", "--sqlite", target)
    assert [row["id"] for row in sqlite_utils.Database(target)["workbooks"].rows] == ids  # the same ids each time


def test_export_never_replaces_a_file_it_did_not_make(ws, run, weeks, tmp_path):
    mine = tmp_path / "precious.db"
    mine.write_bytes(b"my own data")
    before = snapshot(tmp_path)
    result = run("export", "--sqlite", mine, code=2)
    assert "was not made by ldkit export" in result.stderr and "--force" in result.stderr
    assert snapshot(tmp_path) == before
    run("export", "--sqlite", mine, "--force")
    assert mine.read_bytes().startswith(b"SQLite format 3")


def test_export_into_a_missing_folder_is_a_clear_error(ws, run, weeks, tmp_path):
    result = run("export", "--sqlite", tmp_path / "no" / "such" / "x.db", code=1)
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_datasette_serves_the_export(ws, run, weeks, tmp_path):
    datasette = shutil.which("datasette") or (sys.prefix + "/bin/datasette")
    try:
        subprocess.run([datasette, "--version"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("datasette is not installed (pip install 'ldkit[explore]')")
    target = tmp_path / "team.db"
    run("export", "--sqlite", target)
    port = free_port()
    proc = subprocess.Popen([datasette, "serve", str(target), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/team/outcomes.json?_shape=array&_search=diffusion"
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    rows = json.loads(response.read())
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        assert len(rows) == 2 and all("diffusion" in r["summary"].lower() for r in rows)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_search_stems_and_skips_template_text(ws, run, weeks):
    a, b, c = weeks
    hits = json.loads(run("search", "policy gradient", "--json").stdout)
    assert hits == []
    nb = json.loads(b.read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "mine", "metadata": {}, "source": "Policy gradients, by hand."})
    nb["cells"].append({"cell_type": "code", "id": "code", "metadata": {}, "outputs": [], "execution_count": None,
                        "source": "import optax  # the optimiser"})
    b.write_text(json.dumps(nb))
    assert [h["author"] for h in json.loads(run("search", "policy gradient", "--json").stdout)] == ["bob"]
    assert [h["author"] for h in json.loads(run("search", "optax", "--json").stdout)] == ["bob"]  # code written
    assert [h["author"] for h in json.loads(run("search", "samples", "--json").stdout)] == ["alice"]
    # words only the templates have match nothing: "and", a template heading, the forms' code
    for word in ("and", "Methodology", "Scope of reproducibility", "ldkit.outcome", "injected"):
        assert json.loads(run("search", word, "--json").stdout) == [], word


def test_an_old_index_is_rebuilt_stemmed(ws, run, weeks):
    import sqlite3

    from ldkit.site.search import INDEX_VERSION

    run("search", "diffusion")
    path = ws.root / ".ldkit-cache" / "search.sqlite"
    db = sqlite3.connect(path)
    db.execute("DROP TABLE docs")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, stamp UNINDEXED, week UNINDEXED, "
               "author UNINDEXED, category UNINDEXED, title, plan, summary, next_steps, papers, cells)")
    db.execute(f"PRAGMA user_version = {INDEX_VERSION - 1}")
    db.commit()
    db.close()
    assert [h["author"] for h in json.loads(run("search", "sample", "--json").stdout)] == ["alice"]


def _reads(monkeypatch) -> list[str]:
    """The workbooks the index reads from here on (site.search._document), by file name."""
    from ldkit.site import search

    read: list[str] = []
    real = search._document
    monkeypatch.setattr(search, "_document", lambda ws, path: read.append(path.name) or real(ws, path))
    return read


def test_a_warm_query_reads_only_the_week_folder_that_changed(ws, run, weeks, monkeypatch):
    """Each week folder's digest is compared first: an unchanged week's workbooks are not even stat-ed one by one,
    a changed one's are compared with their stamps, and only the changed workbook is read."""
    from ldkit.records import scan

    a, b, c = weeks
    run("search", "diffusion")
    read = _reads(monkeypatch)
    walked: list[str] = []
    real = scan.notebook_stamps
    monkeypatch.setattr(scan, "notebook_stamps",
                        lambda folder, *a, **k: walked.append(folder.name) or real(folder, *a, **k))
    run("search", "diffusion")
    assert read == [] and walked == []  # no folder's workbooks stat-ed one by one
    run("log", "outcome", b, "--summary", "Attention, then a numbat.", "--hours", "3")
    walked.clear()  # what `log` looked at (its author's folder, for a hand copy): not the search's
    assert [h["author"] for h in json.loads(run("search", "numbat", "--json").stdout)] == ["bob"]
    assert walked == ["2026-W21"]  # only the week that changed
    assert read == [b.name]  # chen's workbook in the same week is compared by stamp, not read


def test_an_in_place_edit_of_the_same_size_with_its_mtime_put_back_is_seen(ws, run, weeks):
    """No rename (the folder's own mtime stays), the same size, the old mtime: the inode's ctime still moves."""
    import os

    a, b, c = weeks
    run("search", "diffusion")
    info = os.stat(a)
    text = a.read_text()
    assert "Denoising" in text
    with open(a, "r+", encoding="utf-8") as f:  # rewritten in place, as an editor that does not rename does
        f.write(text.replace("Denoising", "Numbating"))
    os.utime(a, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert os.stat(a).st_size == info.st_size and os.stat(a).st_mtime_ns == info.st_mtime_ns
    assert [h["author"] for h in json.loads(run("search", "numbating", "--json").stdout)] == ["alice"]


def test_a_removed_week_folder_and_a_notebook_beside_the_weeks_are_followed(ws, run, weeks):
    a, b, c = weeks
    run("search", "diffusion")
    loose = ws.root / "workbooks" / "loose.ipynb"
    shutil.copy(b, loose)  # outside any week folder (and without b's journal): walked on every query
    assert sorted(h["path"] for h in json.loads(run("search", "transformers", "--json").stdout)) == [
        str(b.relative_to(ws.root)), "workbooks/loose.ipynb"]
    shutil.rmtree(a.parent.parent)  # all of 2026-W20
    assert [h["author"] for h in json.loads(run("search", "diffusion", "--json").stdout)] == ["bob"]
    loose.unlink()
    assert len(json.loads(run("search", "transformers", "--json").stdout)) == 1


def test_an_unreadable_workbook_is_named_on_every_query_until_it_is_fixed(ws, run, weeks):
    a, b, c = weeks
    run("search", "diffusion")
    good = b.read_bytes()
    b.write_text("{ not json")
    for _ in range(2):  # its week folder is not marked read while one of its workbooks could not be
        result = run("search", "diffusion")
        assert f"{b}: not searchable" in result.stderr
    b.write_bytes(good)
    result = run("search", "attention")
    assert "not searchable" not in result.stderr and "bob" in result.stdout


def test_search_help_says_it_searches_every_week_by_default(ws, run, weeks):
    """Without --week, search looks in every week; its help says so (it once said "Default: this week", the
    shared --week text of the commands that do take this week)."""
    import re

    help_text = " ".join(run("search", "--help").stdout.split())
    assert "Default: every week." in help_text and "Default: this week" not in help_text
    assert re.search(r"-w, --week W Only the workbooks of week W: ISO week", help_text)
    assert len(json.loads(run("search", "diffusion", "--json").stdout)) == 2  # W20 and W21: every week indeed
    for command in (["status"], ["new"], ["skip"], ["digest"], ["remind", "plan"]):  # these do take this week
        assert "Default: this week." in " ".join(run(*command, "--help").stdout.split()), command
    stats = " ".join(run("stats", "--help").stdout.split())
    assert "Last week (default: this week; with --health, the week just held)." in stats


def test_many_changed_workbooks_are_read_on_every_core_into_the_same_index(ws, run, weeks, monkeypatch):
    """From READ_PARALLEL_FROM changed workbooks on, a build reads them in forked processes (core.forked): the
    same rows, the same warning for one it cannot read, and nothing of the private one, as one process gives."""
    import sqlite3

    from ldkit.core import forked
    from ldkit.site import search

    a, b, c = weeks
    for n in range(6):
        shutil.copy(b, b.parent / f"copy-{n}.ipynb")
    (b.parent / "broken.ipynb").write_text("{ not json")
    monkeypatch.setattr(forked, "cores", lambda: 2)  # a one-core runner shares out too
    # a thread an earlier test left in this pytest process would make shared_map read here alone (no fork with
    # threads): the child only reads files, so the test forks anyway
    monkeypatch.setattr(forked, "other_threads", lambda: False)
    forks: list[int] = []
    real_fork = forked._fork_worker
    monkeypatch.setattr(forked, "_fork_worker", lambda work, share: forks.append(len(share)) or real_fork(work, share))

    def build(parallel_from: int) -> tuple[list, str, list]:
        monkeypatch.setattr(search, "READ_PARALLEL_FROM", parallel_from)
        (ws.root / ".ldkit-cache" / "search.sqlite").unlink(missing_ok=True)
        result = run("search", "transformers", "--json")  # the title: the copies have no journal beside them
        with sqlite3.connect(ws.root / ".ldkit-cache" / "search.sqlite") as db:
            rows = db.execute("SELECT path, week, author, category, hours, title, plan, summary, cells FROM docs "
                              "ORDER BY path").fetchall()
        return json.loads(result.stdout), result.stderr, rows

    one = build(10 ** 9)
    assert forks == []
    shared = build(2)
    assert forks and sum(forks) < 10  # a share went to a fork, the rest was read here
    assert shared == one
    hits, warned, rows = shared
    assert len(hits) == 7 and "broken.ipynb: not searchable" in warned
    assert not any("zanzibar" in str(row) for row in rows)
