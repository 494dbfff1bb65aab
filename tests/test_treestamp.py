"""core.treestamp: one stat per file says whether a folder changed; a company's weeks are walked by a process per
core, with the same digests, and no walker outlives the walk."""
from __future__ import annotations

import os
import threading
import time

import pytest

from ldkit.core import forked as fork
from ldkit.core import treestamp
from ldkit.core.treestamp import folder_stamp, stamp_folders


def test_stamp_tree_says_what_an_os_walk_of_every_file_says(tmp_path):
    """One stat per file in os.walk's order: the site's and the ledger's caches compare these digests."""
    import hashlib

    from ldkit.core.treestamp import stamp_tree

    for rel in ("b/2.txt", "b/c/3.txt", "a/1.txt", "top.txt", "b/a.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    (tmp_path / "link").symlink_to(tmp_path / "b", target_is_directory=True)  # not followed
    expected = hashlib.sha256()
    for here, dirs, files in os.walk(tmp_path):
        dirs.sort()
        for name in sorted(files):
            info = os.stat(os.path.join(here, name))
            expected.update(f"{here}/{name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\0"
                            f"{info.st_ctime_ns}\n".encode())
    got = hashlib.sha256()
    stamp_tree(got, tmp_path)
    assert got.hexdigest() == expected.hexdigest()


def test_stamp_tree_leaves_out_the_folders_it_is_told_to(tmp_path):
    """ldkit's code stamp skips __pycache__: a first run writing bytecode must not look like new code to the next."""
    import hashlib

    from ldkit.core.inputs import CODE_SKIP
    from ldkit.core.treestamp import stamp_tree

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text("x = 1\n")

    def stamp() -> str:
        got = hashlib.sha256()
        stamp_tree(got, tmp_path, skip=CODE_SKIP)
        return got.hexdigest()

    before = stamp()
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0" * 16)
    assert stamp() == before
    (tmp_path / "pkg" / "mod.py").write_text("x = 22\n")  # the code itself still counts
    assert stamp() != before


@pytest.fixture
def alone(monkeypatch):
    """This process as a command's is: without the idle threads earlier tests of the suite may have left."""
    monkeypatch.setattr(fork, "other_threads", lambda: False)


def _weeks(root, weeks=6, people=5):
    folders = []
    for w in range(weeks):
        week = root / f"2026-W{w + 1:02d}"
        for p in range(people):
            (week / f"p{p}").mkdir(parents=True)
            (week / f"p{p}" / "nb.ipynb").write_text(f"{w}-{p}")
        folders.append(week)
    return folders


def _children() -> set[int]:
    """The pids of this process's children still running or unreaped."""
    import psutil

    return {child.pid for child in psutil.Process().children(recursive=True)}


def test_forked_walkers_give_each_folder_the_digest_one_process_gives(tmp_path, monkeypatch, alone):
    folders = _weeks(tmp_path)
    forked = []
    real = fork._fork_worker
    monkeypatch.setattr(fork, "_fork_worker", lambda stamp, share: forked.append(len(share)) or real(stamp, share))
    before = _children()
    alone = stamp_folders(folders, processes=1)
    assert alone == [folder_stamp(f) for f in folders] and forked == []
    assert stamp_folders(folders, processes=3, parallel_from=0) == alone
    assert forked == [2, 2]  # two walkers of two weeks each; this process walked the other two
    assert stamp_folders(folders, processes=8, parallel_from=0) == alone  # more walkers than folders: capped
    assert forked[2:] == [1] * 5
    assert _children() == before  # every walker reaped
    (folders[4] / "p2" / "nb.ipynb").write_text("changed, and longer")
    again = stamp_folders(folders, processes=3, parallel_from=0)
    assert [i for i, (a, b) in enumerate(zip(alone, again, strict=True)) if a != b] == [4]


def test_a_walker_that_fails_has_its_share_walked_by_the_caller(tmp_path, monkeypatch, alone):
    """A walker that raises exits non-zero; its folders are walked again here, so the digests stay right."""
    folders = _weeks(tmp_path)
    expected = [folder_stamp(f) for f in folders]
    parent = os.getpid()
    real = treestamp.folder_stamp

    def only_here(folder, skip=frozenset()):
        if os.getpid() != parent:
            raise OSError("a fault in the walker")
        return real(folder, skip)

    monkeypatch.setattr(treestamp, "folder_stamp", only_here)
    before = _children()
    assert stamp_folders(folders, processes=2, parallel_from=0) == expected
    assert _children() == before


def test_one_process_walks_a_team_s_few_folders(tmp_path, monkeypatch, alone):
    """No fork for a team's few folders: a fork costs more than their walk."""
    folders = _weeks(tmp_path)
    monkeypatch.setattr(fork, "_fork_worker", lambda work, share: pytest.fail("forked"))
    assert stamp_folders(folders, processes=2) == [folder_stamp(f) for f in folders]  # 30 < PARALLEL_FROM


def test_one_process_walks_while_another_thread_runs(tmp_path, monkeypatch):
    """No fork with another thread alive (the bot's server, say): a lock it held would stay held in the child."""
    folders = _weeks(tmp_path)
    monkeypatch.setattr(fork, "_fork_worker", lambda work, share: pytest.fail("forked"))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert fork.other_threads()
        assert stamp_folders(folders, processes=2, parallel_from=0) == [folder_stamp(f) for f in folders]
    finally:
        stop.set()
        other.join()


def test_the_subfolder_count_reads_the_link_counts(tmp_path):
    folders = _weeks(tmp_path, weeks=2, people=3)
    assert fork.subfolders(folders) in (0, 6)  # 6 where link counts say it (ext4); 0 where they do not
    assert fork.subfolders([tmp_path / "missing"]) == 0


KILLED = """
import os, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from ldkit.core import forked, treestamp

parent = os.getpid()
real = forked._fork_worker

def announce(stamp, share):
    pid, fd = real(stamp, share)
    print(pid, flush=True)
    return pid, fd

def slow(folder, skip=frozenset()):
    if os.getpid() != parent:
        time.sleep(60)  # a walker still walking when its parent is killed
    return "x"

forked._fork_worker, treestamp.folder_stamp = announce, slow
treestamp.stamp_folders([Path({a!r}), Path({b!r})], processes=2, parallel_from=0)
"""


def _ended(walker: int, what: str) -> None:
    """Wait up to 5 s for `walker` to be gone (or a zombie no one reaps); else end it and fail."""
    import time

    import psutil

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            if psutil.Process(walker).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.05)
    psutil.Process(walker).kill()  # not left behind by this test either
    pytest.fail(f"walker {walker} {what}")


def test_a_killed_caller_leaves_no_walker_running(tmp_path):
    """kill -9 of the command mid-walk: the kernel ends its walkers (PR_SET_PDEATHSIG), none is left behind."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    import psutil

    a, b = _weeks(tmp_path, weeks=2, people=1)
    root = str(Path(treestamp.__file__).resolve().parents[2])
    proc = subprocess.Popen([sys.executable, "-c", KILLED.format(root=root, a=str(a), b=str(b))],
                            stdout=subprocess.PIPE, text=True)
    walker = int(proc.stdout.readline())
    assert psutil.pid_exists(walker)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    _ended(walker, "still runs after its parent was killed")


@pytest.mark.parametrize("refused", ["fork", "pipe"])
def test_a_refused_fork_or_pipe_is_walked_here_and_leaves_nothing_open(tmp_path, monkeypatch, refused, alone):
    """A process limit (EAGAIN) or no file descriptors left (EMFILE): the digests are the same, walked by this
    process; no walker, pipe or zombie is left."""
    import errno

    folders = _weeks(tmp_path)
    expected = [folder_stamp(f) for f in folders]
    real = {"fork": os.fork, "pipe": os.pipe}
    calls = []

    def refuse():
        calls.append(refused)
        if len(calls) == 2:  # the first walker starts; the second is refused
            raise OSError(errno.EAGAIN if refused == "fork" else errno.EMFILE, "refused")
        return real[refused]()

    monkeypatch.setattr(os, refused, refuse)
    fds = set(os.listdir("/proc/self/fd"))
    before = _children()
    assert stamp_folders(folders, processes=4, parallel_from=0) == expected
    assert calls == [refused, refused]  # after a refusal no other walker is tried
    assert _children() == before
    assert set(os.listdir("/proc/self/fd")) == fds


def test_ctrl_c_in_the_caller_ends_its_walkers(tmp_path):
    """SIGINT reaches the whole foreground group: the walkers ignore it, the caller stops and ends them."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    import psutil

    a, b = _weeks(tmp_path, weeks=2, people=1)
    root = str(Path(treestamp.__file__).resolve().parents[2])
    proc = subprocess.Popen([sys.executable, "-c", KILLED.format(root=root, a=str(a), b=str(b))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    walker = int(proc.stdout.readline())
    os.killpg(os.getpgid(proc.pid), 0)  # the group exists
    proc.send_signal(signal.SIGINT)
    psutil.Process(walker).send_signal(signal.SIGINT)  # as a terminal's Ctrl-C would: the walker too
    assert proc.wait(timeout=10) != 0
    assert "KeyboardInterrupt" in proc.stderr.read()
    _ended(walker, "outlived its caller's Ctrl-C")


# ---------------------------------------------------------------- the listing store


def _settle(root, seconds=3600):
    """Every folder under `root` last changed an hour ago, as a company's past weeks are."""
    import time

    past = time.time() - seconds
    for here, _, _ in os.walk(root):
        os.utime(here, (past, past))


def _listings(path):
    import json
    import sqlite3

    with sqlite3.connect(path) as db:
        return {folder: json.loads(text) for folder, text in db.execute("SELECT folder, listing FROM listings")}


@pytest.mark.parametrize("processes", [1, 3])
def test_kept_listings_give_the_same_digests_and_every_change_is_seen(tmp_path, processes, alone):
    """A folder whose stat is the one kept is not listed again, but its files are still stat-ed: a notebook
    written in place (no folder changes) is seen, and so are a new, a removed and a renamed file, and a new
    sub-folder, each of which changes its folder's stat."""
    store = tmp_path / "cache" / "listings.sqlite"
    folders = _weeks(tmp_path / "workbooks")
    _settle(tmp_path / "workbooks")

    def stamps():
        got = stamp_folders(folders, processes=processes, parallel_from=0, listings=store, listings_from=0)
        assert got == [folder_stamp(f) for f in folders]  # the same digests as a walk that keeps nothing
        return got

    first = stamps()
    kept = _listings(store)
    assert sorted(kept) == sorted(str(f) for f in folders)
    assert kept[str(folders[0])]["p1"][1:] == [["nb.ipynb"], []]
    assert stamps() == first
    changes = [
        lambda: (folders[1] / "p0" / "nb.ipynb").write_text("written in place"),
        lambda: (folders[2] / "p1" / "second.ipynb").write_text("new"),
        lambda: (folders[3] / "p2" / "nb.ipynb").unlink(),
        lambda: (folders[4] / "p3" / "nb.ipynb").rename(folders[4] / "p3" / "renamed.ipynb"),
        lambda: (folders[5] / "p4" / "deeper").mkdir(),  # an empty folder holds nothing to stamp: the same
        lambda: (folders[5] / "p4" / "deeper" / "x.ipynb").write_text("in a new folder"),
    ]
    before = first
    for n, change in enumerate(changes):
        change()
        after = stamps()
        assert (after == before) == (n == 4), n
        before = after


def test_a_folder_changed_just_before_its_listing_is_listed_again(tmp_path, alone):
    """A change in the same tick of the file system's clock could leave a folder's mtime as it was: a folder that
    changed less than SETTLED_NS before the walk keeps no listing, so the next walk lists it again."""
    store = tmp_path / "listings.sqlite"
    folders = _weeks(tmp_path / "workbooks", weeks=1, people=3)
    _settle(tmp_path / "workbooks")
    (folders[0] / "p1" / "fresh.ipynb").write_text("just now")  # p1's folder changed now
    now = time.time()  # now as the walk reads the clock (a test's clock may be shifted; the kernel's is not)
    os.utime(folders[0] / "p1", (now, now))
    stamp_folders(folders, processes=1, listings=store, listings_from=0)
    kept = _listings(store)[str(folders[0])]
    assert sorted(kept) == ["", "p0", "p2"]  # the week's folder (settled), p0 and p2; not p1
    listed = treestamp.Listed(kept, __import__("time").time_ns())
    import hashlib

    treestamp.stamp_tree(hashlib.sha256(), folders[0], listed=listed)
    assert listed.listed == 1 and sorted(listed.found) == ["", "p0", "p2"]


@pytest.mark.parametrize("damage", [b"not a database at all", "wrong shape", "wrong version"])
def test_a_damaged_listing_store_costs_a_walk_never_a_wrong_digest(tmp_path, damage, alone):
    import json
    import sqlite3

    store = tmp_path / "listings.sqlite"
    folders = _weeks(tmp_path / "workbooks", weeks=2, people=2)
    _settle(tmp_path / "workbooks")
    expected = [folder_stamp(f) for f in folders]
    if isinstance(damage, bytes):
        store.write_bytes(damage)
    else:
        stamp_folders(folders, processes=1, listings=store, listings_from=0)
        with sqlite3.connect(store) as db:
            if damage == "wrong version":
                db.execute("PRAGMA user_version = 99")
            else:  # each sub-folder "kept" with this very stat but names of the wrong types
                for folder, text in list(db.execute("SELECT folder, listing FROM listings")):
                    listing = {rel: [mark, [1, None], {"x": 2}] for rel, (mark, _, _) in json.loads(text).items()}
                    db.execute("UPDATE listings SET listing = ? WHERE folder = ?", (json.dumps(listing), folder))
    assert stamp_folders(folders, processes=1, listings=store, listings_from=0) == expected
    assert stamp_folders(folders, processes=1, listings=store, listings_from=0) == expected
    assert sorted(_listings(store)) == sorted(str(f) for f in folders)  # the store is whole again


def test_a_store_that_cannot_be_written_is_left_and_the_digests_hold(tmp_path, alone):
    folders = _weeks(tmp_path / "workbooks", weeks=2, people=2)
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    store = tmp_path / "cache" / "listings.sqlite"
    assert stamp_folders(folders, processes=1, listings=store, listings_from=0) == [folder_stamp(f) for f in folders]
    assert (tmp_path / "cache").read_text() == "a file where the cache folder would be"


def test_the_store_forgets_a_folder_no_longer_stamped(tmp_path, alone):
    import shutil

    store = tmp_path / "listings.sqlite"
    folders = _weeks(tmp_path / "workbooks", weeks=3, people=1)
    _settle(tmp_path / "workbooks")
    stamp_folders(folders, processes=1, listings=store, listings_from=0)
    shutil.rmtree(folders[1])
    stamp_folders([folders[0], folders[2]], processes=1, listings=store, listings_from=0)
    assert sorted(_listings(store)) == sorted([str(folders[0]), str(folders[2])])


def test_a_small_tree_keeps_no_listing_store_and_never_loads_sqlite(tmp_path):
    """A team's week (a folder of 40 authors) is walked faster than SQLite is imported: the store is left alone
    below LISTINGS_FROM sub-folders, in a process that would otherwise import sqlite3 for it."""
    import subprocess
    import sys

    folders = _weeks(tmp_path / "workbooks", weeks=2, people=40)
    store = tmp_path / "cache" / "listings.sqlite"
    probe = ("import sys\nfrom pathlib import Path\nfrom ldkit.core.treestamp import folder_stamp, stamp_folders\n"
             f"folders = [Path(p) for p in {[str(f) for f in folders]!r}]\n"
             f"assert stamp_folders(folders, processes=1, listings=Path({str(store)!r})) == "
             "[folder_stamp(f) for f in folders]\n"
             "print('sqlite3' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
    assert not store.exists()
    big = _weeks(tmp_path / "big", weeks=1, people=treestamp.LISTINGS_FROM)
    stamp_folders(big, processes=1, listings=store)
    assert sorted(_listings(store)) == [str(big[0])]
