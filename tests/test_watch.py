"""ldkit.core.watch and the search index that asks it: a watcher started for a large workspace names what changed,
so a warm search stats only those weeks, and no change is ever missed — an edit in place, a new folder, a deleted
workbook, a killed watcher, another generation. It ends when asked nothing, when its folder goes, or when told."""
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ldkit.core import watch

WEEK = "2026-W48"
pytestmark = pytest.mark.skipif(not watch.enabled(), reason="inotify: Linux only")


def watchers(top: Path) -> list[int]:
    found = subprocess.run(["pgrep", "-f", f"ldkit.core.watch {top}$"], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


@pytest.fixture
def watched(ws, monkeypatch):
    """A workspace whose index has a watcher from its first search on (the threshold lowered to 1 workbook)."""
    monkeypatch.setattr(watch, "WATCH_FROM", 1)
    top = ws.root / "workbooks"
    yield top
    watch.ask(top, None, stop=True)
    deadline = time.time() + 10
    while watchers(top) and time.time() < deadline:
        time.sleep(0.05)
    for pid in watchers(top):
        os.kill(pid, signal.SIGKILL)
        raise AssertionError("a watcher was left running")


def hits(run, *words) -> list[str]:
    return [h["path"] for h in json.loads(run("search", *words, "--json").stdout)]


def write_in_place(path: Path, text: str) -> None:
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": text})
    with open(path, "r+") as handle:  # as an editor that writes in place: no folder changes
        handle.write(json.dumps(nb))
        handle.truncate()


def test_a_watched_index_sees_every_change(ws, run, new_workbook, watched, monkeypatch):
    first = new_workbook("blank", "Diffusion notes", "--week", WEEK)
    assert len(hits(run, "diffusion")) == 1
    answer = watch.ask(watched, None)
    assert answer is not None and answer.changed is None  # a watcher answers; a reader with no answer stats all
    assert len(watchers(watched)) == 1
    from ldkit.core import treestamp

    stamped = []
    real = treestamp.stamp_folders

    def counted(folders, **kw):
        stamped.append([f.name for f in folders])
        return real(folders, **kw)

    monkeypatch.setattr(treestamp, "stamp_folders", counted)
    hits(run, "diffusion")
    assert stamped[-1] == []  # nothing changed: no folder stat-ed
    write_in_place(first, "quokka appears")
    assert hits(run, "quokka") == [str(first.relative_to(ws.root))]
    assert stamped[-1] == [WEEK]  # only the week that changed
    second = new_workbook("blank", "Wombat day", "--week", "2026-W49", "--author", "bob")  # a new week folder
    assert hits(run, "wombat") == [str(second.relative_to(ws.root))]
    run("log", "outcome", second, "--summary", "Learned about the numbat.", "--hours", "2")  # a journal append
    assert len(hits(run, "numbat")) == 1
    first.unlink()
    assert hits(run, "quokka") == []
    assert len(watchers(watched)) == 1  # one watcher for the workspace, however many searches


def test_a_killed_watcher_or_another_generation_is_a_full_look(ws, run, new_workbook, watched):
    path = new_workbook("blank", "Diffusion notes", "--week", WEEK)
    hits(run, "diffusion")
    [pid] = watchers(watched)
    os.kill(pid, signal.SIGKILL)
    while watchers(watched):
        time.sleep(0.05)
    write_in_place(path, "capybara appears")  # while nothing watches
    assert len(hits(run, "capybara")) == 1  # stat-ed: no answer; and a new watcher started
    [again] = watchers(watched)
    assert again != pid
    answer = watch.ask(watched, ("another-generation", 0))
    assert answer is not None and answer.changed is None


def test_a_watcher_ends_when_its_folder_goes_or_when_idle(ws, run, new_workbook, watched, monkeypatch, tmp_path):
    new_workbook("blank", "Diffusion notes", "--week", WEEK)
    hits(run, "diffusion")
    assert watchers(watched)
    os.rename(watched, tmp_path / "moved")
    deadline = time.time() + 10
    while watchers(watched) and time.time() < deadline:
        time.sleep(0.05)
    assert not watchers(watched)
    os.rename(tmp_path / "moved", watched)
    monkeypatch.setenv("LDKIT_WATCH_IDLE", "1")  # read by the watcher as it starts
    hits(run, "diffusion")
    assert watchers(watched)
    deadline = time.time() + 15
    while watchers(watched) and time.time() < deadline:
        time.sleep(0.1)
    assert not watchers(watched)


def test_off_and_below_the_threshold_no_watcher_starts(ws, run, new_workbook, monkeypatch):
    top = ws.root / "workbooks"
    new_workbook("blank", "Diffusion notes", "--week", WEEK)
    hits(run, "diffusion")  # the threshold as shipped: a small workspace stats everything
    assert not watchers(top)
    monkeypatch.setattr(watch, "WATCH_FROM", 1)
    monkeypatch.setenv("LDKIT_WATCH", "0")
    hits(run, "diffusion")
    assert not watchers(top) and watch.ask(top, None) is None


def test_a_watcher_that_cannot_start_is_not_tried_at_every_search(ws, run, new_workbook, monkeypatch):
    """A system whose inotify limits are too low for the workspace: the search stats everything, as without a
    watcher, and does not start one again for an hour."""
    from ldkit.site import search

    monkeypatch.setattr(watch, "WATCH_FROM", 1)
    tried = []

    def refused(top):  # as a watcher the limits refused: it exited at once
        tried.append(top)
        return None, False

    monkeypatch.setattr(watch, "start", refused)
    new_workbook("blank", "Diffusion notes", "--week", WEEK)
    assert len(hits(run, "diffusion")) == 1 and len(tried) == 1
    path = new_workbook("blank", "Okapi day", "--week", WEEK, "--author", "bob")
    assert len(hits(run, "okapi")) == 1 and len(tried) == 1
    write_in_place(path, "tapir appears")
    assert len(hits(run, "tapir")) == 1 and len(tried) == 1
    monkeypatch.setattr(search, "WATCH_RETRY_SECONDS", 0)
    hits(run, "okapi")
    assert len(tried) == 2


def kept_generation(ws) -> str | None:
    import sqlite3

    with contextlib.closing(sqlite3.connect(ws.root / ".ldkit-cache" / "search.sqlite")) as db:
        row = db.execute("SELECT generation FROM watched").fetchone()
    return row[0] if row else None


def ready(top: Path) -> watch.Answer:
    deadline = time.time() + 10
    while (answer := watch.ask(top, None)) is None and time.time() < deadline:
        time.sleep(0.05)
    assert answer is not None, "the watcher did not answer within 10 s"
    return answer


def test_a_watcher_still_watching_its_folders_is_asked_again_not_given_up(ws, run, new_workbook, watched,
                                                                           monkeypatch):
    """52,000 folders take a watcher seconds to watch, more on a busy machine: the search that stopped waiting for
    it stats everything, and the next ones ask it, rather than doing without it for an hour as after a refusal."""
    monkeypatch.setattr(watch, "READY_SECONDS", 0.0)  # the reader stops waiting at once
    new_workbook("blank", "Diffusion notes", "--week", WEEK)
    assert len(hits(run, "diffusion")) == 1
    assert kept_generation(ws) == "starting"
    generation = ready(watched).generation
    path = new_workbook("blank", "Okapi day", "--week", WEEK, "--author", "bob")
    assert len(hits(run, "okapi")) == 1
    assert kept_generation(ws) == generation and len(watchers(watched)) == 1
    write_in_place(path, "tapir appears")  # seen through the watcher's answer, its week stat-ed again
    assert len(hits(run, "tapir")) == 1


def test_while_one_holds_the_address_the_next_searches_ask_and_start_none(ws, run, new_workbook, watched,
                                                                          monkeypatch):
    """A watcher bound but still watching its folders (played here by a socket bound to its address, not
    listening): the one a search starts finds it, exits BUSY, and the searches after ask but start no other, and
    miss nothing; once it answers, they use it."""
    new_workbook("blank", "Diffusion notes", "--week", WEEK)
    started = []
    real_start = watch.start

    def counted(top):
        started.append(top)
        return real_start(top)

    monkeypatch.setattr(watch, "start", counted)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as holder:
        holder.bind(watch._address(watched))
        assert len(hits(run, "diffusion")) == 1
        assert started == [watched] and kept_generation(ws) == "starting" and watchers(watched) == []
        path = new_workbook("blank", "Okapi day", "--week", WEEK, "--author", "bob")
        assert len(hits(run, "okapi")) == 1 and len(started) == 1
    first = subprocess.Popen([sys.executable, "-m", "ldkit.core.watch", str(watched)])
    try:
        generation = ready(watched).generation
        write_in_place(path, "tapir appears")
        assert len(hits(run, "tapir")) == 1 and len(started) == 1
        assert kept_generation(ws) == generation
    finally:
        watch.ask(watched, None, stop=True)
        first.wait(timeout=10)


def test_a_watcher_that_finds_its_address_held_exits_busy(watched):
    """Its exit code is how a reader that started it tells "another answers, or soon will" from "refused"."""
    watched.mkdir(parents=True, exist_ok=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as holder:
        holder.bind(watch._address(watched))
        done = subprocess.run([sys.executable, "-m", "ldkit.core.watch", str(watched)], timeout=60)
    assert done.returncode == watch.BUSY


def test_the_site_asks_a_running_watcher_and_misses_nothing(ws, run, new_workbook, watched, monkeypatch, tmp_path):
    """`ldkit site` starts no watcher, but asks one a search started: it walks only the weeks that changed (the
    rest by the stamps its manifest kept), and its pages are those of a full rebuild."""
    from ldkit.core import treestamp
    from tests.test_slices import files, rebuilt_whole

    first = new_workbook("blank", "Diffusion notes", "--week", WEEK)
    new_workbook("blank", "Older notes", "--week", "2026-W47", "--author", "bob")
    hits(run, "diffusion")  # the watcher starts
    run("site", "--quiet")
    stamped = []
    real = treestamp.stamp_folders

    def counted(folders, **kw):
        stamped.append(sorted(f.name for f in folders))
        return real(folders, **kw)

    from ldkit.core import inputs

    monkeypatch.setattr(inputs, "stamp_folders", counted)
    assert "0 files updated" in run("site").stdout and stamped[-1] == []  # nothing changed, nothing walked
    write_in_place(first, "Quokka appears.")
    run("site", "--quiet")
    assert stamped[-1] == [WEEK]
    page = ws.root / "site" / "weeks" / WEEK / "index.html"
    assert "Quokka appears." in page.read_text()
    assert files(ws.root / "site") == rebuilt_whole(run, tmp_path)
    [pid] = watchers(watched)
    os.kill(pid, signal.SIGKILL)  # no watcher: every week walked again
    while watchers(watched):
        time.sleep(0.05)
    write_in_place(first, "Wombat appears.")
    run("site", "--quiet")
    assert stamped[-1] == ["2026-W47", WEEK] and "Wombat appears." in page.read_text()


@pytest.mark.parametrize("kept", [{"watched": ["x", "not a number"], "stamps": {"2026-W48": 7}},
                                  {"watched": "garbage", "stamps": ["not", "a", "dict"]},
                                  {"watched": [None, None, None], "stamps": None}])
def test_a_damaged_manifest_is_only_a_walk_of_every_week(ws, run, new_workbook, watched, kept, tmp_path):
    """The site keeps the watcher's answer and each week's stamp in its manifest, a file anyone may edit: any
    damage there means "unknown", every week walked, never a crash or a missed change."""
    from tests.test_slices import files, rebuilt_whole

    path = new_workbook("blank", "Diffusion notes", "--week", WEEK)
    hits(run, "diffusion")  # the watcher starts
    run("site", "--quiet")
    manifest = ws.root / "site" / ".ldkit-site.json"
    data = json.loads(manifest.read_text())
    data.update(kept)
    manifest.write_text(json.dumps(data))
    write_in_place(path, "Okapi appears.")
    run("site", "--quiet")
    assert "Okapi appears." in (ws.root / "site" / "weeks" / WEEK / "index.html").read_text()
    assert files(ws.root / "site") == rebuilt_whole(run, tmp_path)


def test_a_garbage_question_gets_no_answer_and_the_watcher_goes_on(ws, run, new_workbook, watched):
    """Whatever a client sends (not JSON, half a line, a wrong shape), the watcher answers it nothing or
    "unknown", and answers the next reader as before."""
    import socket

    new_workbook("blank", "Diffusion notes", "--week", WEEK)
    hits(run, "diffusion")
    for garbage in (b"not json\n", b'{"since": ', b'{"since": "x"}\n', b"[1, 2]\n", b"\xff\xfe\n"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(watch._address(watched))
            sock.sendall(garbage)
            sock.shutdown(socket.SHUT_WR)
            try:
                reply = sock.recv(4096)
            except ConnectionResetError:  # closed unanswered
                reply = b""
        assert reply == b"" or json.loads(reply)["changed"] is None, garbage
    assert len(watchers(watched)) == 1
    answer = watch.ask(watched, None)
    assert answer is not None and answer.changed is None


def test_stats_asks_a_running_watcher_and_walks_only_the_weeks_it_names(ws, run, new_workbook, watched, monkeypatch):
    """`ldkit stats` over a company's year stats 156,000 files (seconds on a cold cache): with a watcher running
    it walks only the weeks changed since its last walks, and its numbers are those of a full walk, even after an
    edit in place, a new workbook, or a killed watcher."""
    from ldkit.ledger import stats

    older = new_workbook("blank", "Diffusion notes", "--week", "2026-W47")
    okapi = new_workbook("blank", "Okapi day", "--week", WEEK)
    hits(run, "diffusion")  # the search starts the watcher (its threshold lowered to one workbook)
    ready(watched)
    walked: list[str] = []
    real = stats.notebook_stamps

    def counted(folder, *args, **kwargs):
        walked.append(Path(folder).name)
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(stats, "notebook_stamps", counted)

    def numbers() -> dict:
        walked.clear()
        return json.loads(run("stats", "--until", WEEK, "--json").stdout)

    first = numbers()
    assert sorted(walked) == ["2026-W47", WEEK]  # no walk kept yet
    assert numbers() == first and walked == []  # nothing changed: no week walked
    run("log", "outcome", older, "--summary", "Diffusion done", "--status", "done", "--hours", "3")
    changed = numbers()
    assert walked == ["2026-W47"]
    assert [w["summarized"] for w in changed["weeks"]] == [1, 0] != [w["summarized"] for w in first["weeks"]]
    new_workbook("blank", "Tapir day", "--week", WEEK, "--author", "bob")
    assert [w["workbooks"] for w in numbers()["weeks"]] == [1, 2] and walked == [WEEK]
    for pid in watchers(watched):  # no watcher: every week walked again
        os.kill(pid, signal.SIGKILL)
    while watchers(watched):
        time.sleep(0.05)
    run("log", "outcome", okapi, "--summary", "Okapi seen", "--status", "done", "--hours", "2")
    again = numbers()
    assert sorted(walked) == ["2026-W47", WEEK] and [w["summarized"] for w in again["weeks"]] == [1, 1]
    assert numbers()["weeks"] == again["weeks"]  # a run without a watcher keeps no walks: it walks again


@pytest.mark.parametrize("kept", ["{not json", '{"watched": ["g", "x"], "walks": {}}', '{"watched": null}',
                                  '{"watched": ["g", 1], "walks": {"2026-W48": 7}}', "[]"])
def test_damaged_kept_walks_of_stats_are_only_a_walk_of_every_week(ws, run, new_workbook, watched, monkeypatch, kept):
    """A hand-edited, truncated or foreign walks file is no answer: every week is walked, the numbers are right, and
    the file is written again whole."""
    from ldkit.ledger import stats

    new_workbook("blank", "Diffusion notes", "--week", WEEK)
    hits(run, "diffusion")
    ready(watched)
    expected = json.loads(run("stats", "--until", WEEK, "--json").stdout)
    walks = ws.root / ".ldkit-cache" / "weeks" / "walks.all.json"
    walks.write_text(kept)
    walked: list[str] = []
    real = stats.notebook_stamps
    monkeypatch.setattr(stats, "notebook_stamps", lambda folder, *a, **k: walked.append(Path(folder).name) or
                        real(folder, *a, **k))
    assert json.loads(run("stats", "--until", WEEK, "--json").stdout) == expected and walked == [WEEK]
    assert json.loads(walks.read_text())["watched"][0] == watch.ask(watched, None).generation
