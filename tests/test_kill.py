"""kill -9 at any point of `ldkit site` or `ldkit export`: no process left behind, the previous site or database
whole, no temporary file beside it."""
from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

WEEKS = ("2026-W47", "2026-W48", "2026-W49")
STAMP = re.compile(rb"Made by ldkit at [0-9T:Z-]+")


@pytest.fixture
def team(ws, run, monkeypatch):
    for week in WEEKS:
        for author in ("alice", "bob", "carol"):
            monkeypatch.setenv("LDKIT_AUTHOR", author)
            path = run("new", "paper", "--title", f"{author} in {week}", "--week", week).stdout.strip()
            run("log", "outcome", path, "--summary", f"Learned $x^2$ and more, {author}")
    monkeypatch.setenv("LDKIT_AUTHOR", "alice")
    return ws


def site_files(folder: Path) -> dict[str, bytes]:
    """The site's files, its build time left out (two whole builds differ only there)."""
    return {str(p.relative_to(folder)): STAMP.sub(b"", p.read_bytes()) for p in sorted(folder.rglob("*"))
            if p.is_file()}


def killed(root: Path, args: list[str], delay: float, wait_for_children: bool = False) -> list[psutil.Process]:
    """Start `ldkit ARGS`, SIGKILL it after `delay` s (or once it has a child, then `delay`), and return every
    process it had started."""
    env = {**os.environ, "LDKIT_HOME": str(root)}
    proc = subprocess.Popen([sys.executable, "-m", "ldkit", *args], cwd=root, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    seen: dict[int, psutil.Process] = {}

    def look() -> None:
        with contextlib.suppress(psutil.Error):
            for child in parent.children(recursive=True):
                seen.setdefault(child.pid, child)

    limit = time.monotonic() + 60
    while wait_for_children and not seen and proc.poll() is None and time.monotonic() < limit:
        look()
        time.sleep(0.005)
    deadline = time.monotonic() + delay
    while proc.poll() is None and time.monotonic() < deadline:
        look()
        time.sleep(0.005)
    look()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return list(seen.values())


def survivors(children: list[psutil.Process], within: float = 5.0) -> list[psutil.Process]:
    limit = time.monotonic() + within
    while True:
        alive = []
        for child in children:
            with contextlib.suppress(psutil.Error):
                if child.is_running() and child.status() != psutil.STATUS_ZOMBIE:
                    alive.append(child)
        if not alive or time.monotonic() > limit:
            break
        time.sleep(0.05)
    for child in alive:  # never leave them running past the test, whatever it found
        with contextlib.suppress(psutil.Error):
            child.kill()
    return alive


def check_site_kill(ws, run, delay: float, wait_for_children: bool = False) -> None:
    site = ws.root / "site"
    before = site_files(site)
    children = killed(ws.root, ["site", "--rebuild", "--quiet", "--jobs", "2"], delay, wait_for_children)
    assert survivors(children) == [], "render workers outlived the killed site build"
    assert site_files(site) == before  # the previous site whole, or the new one whole: never a mix


def check_export_kill(ws, db: Path, delay: float) -> None:
    before = db.read_bytes()
    killed(ws.root, ["export", "--sqlite", str(db)], delay)
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]  # no temporary file, no sqlite journal
    assert db.read_bytes() == before  # every export of the same records is the same bytes


def test_a_site_build_killed_while_rendering_leaves_no_worker_and_the_site_whole(team, run):
    run("site", "--quiet")
    check_site_kill(team, run, 0.2, wait_for_children=True)
    run("site", "--quiet")  # the next build cleans up after the killed one
    assert [p.name for p in team.root.iterdir() if "ldkit-staging" in p.name] == []


def test_an_export_killed_midway_leaves_the_previous_file_and_nothing_else(team, run, tmp_path):
    db = tmp_path / "out" / "team.db"
    db.parent.mkdir()
    run("export", "--sqlite", db)
    for delay in (0.3, 0.45):
        check_export_kill(team, db, delay)


@pytest.mark.slow
def test_site_and_export_killed_at_random_points(team, run, tmp_path):
    """18 site builds and 18 exports, each killed at a random instant of its run (seeded, so a failure repeats)."""
    rng = random.Random(19)
    run("site", "--quiet")
    db = tmp_path / "out" / "team.db"
    db.parent.mkdir()
    run("export", "--sqlite", db)
    for _ in range(18):
        check_site_kill(team, run, rng.uniform(0.0, 2.0))
        check_export_kill(team, db, rng.uniform(0.0, 0.7))
