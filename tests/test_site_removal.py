"""`ldkit site` removes what it no longer produces, and swaps the new site in whole."""
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import snapshot

WEEKS = ("2026-W40", "2026-W41")


@pytest.fixture
def team(ws, run, new_workbook):
    books = {}
    for week in WEEKS:
        path = new_workbook("blank", f"Alice {week}", "--week", week, "--author", "alice")
        run("log", "plan", path, "--goal", f"Rust in {week}", "--category", "tutorial")
        run("log", "outcome", path, "--summary", f"Lifetimes in {week}.", "--hours", "2")
        books[("alice", week)] = path
    bob = new_workbook("paper", "Bob reads MAML", "--week", WEEKS[1], "--author", "bob",
                       "-p", "arxiv_id", "1703.03400")
    run("log", "plan", bob, "--goal", "Read MAML", "--category", "paper-reading")
    run("log", "outcome", bob, "--summary", "Bob's MAML summary.", "--hours", "3")
    books[("bob", WEEKS[1])] = bob
    return books


def pages(ws) -> set[str]:
    return {k for k in snapshot(ws.root / "site") if not k.startswith(".ldkit-site")}


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_topic_paper_and_feed_made_private_are_gone_after_the_next_build(ws, run, team, rebuild):
    run("site", "--quiet")
    assert {"topics/paper-reading/index.html", "people/bob/feed.xml"} <= pages(ws)
    assert "1703.03400" in (ws.root / "site" / "papers" / "index.html").read_text()
    before = snapshot(ws.root / "workbooks")
    run("log", "outcome", team[("bob", WEEKS[1])], "--summary", "Bob's MAML summary.", "--hours", "3", "--private")
    before = {k: v for k, v in snapshot(ws.root / "workbooks").items()}
    run("site", "--quiet", *(["--rebuild"] if rebuild else []))
    now = pages(ws)
    assert "topics/paper-reading/index.html" not in now  # its only workbook is private
    assert "1703.03400" not in (ws.root / "site" / "papers" / "index.html").read_text()
    assert "MAML" not in "".join((ws.root / "site" / k).read_text() for k in now)
    assert "people/bob/index.html" in now  # bob still took part: his page says so, and nothing more
    assert "1 private workbook" in (ws.root / "site" / "people" / "bob" / "index.html").read_text()
    assert snapshot(ws.root / "workbooks") == before  # the build changed no user file


def test_a_deleted_workbook_and_its_person_and_week_are_gone(ws, run, team):
    run("site", "--quiet")
    assert "people/bob/index.html" in pages(ws)
    team[("bob", WEEKS[1])].unlink()
    (team[("bob", WEEKS[1])].parent / (team[("bob", WEEKS[1])].stem + ".ldkit.jsonl")).unlink(missing_ok=True)
    team[("alice", WEEKS[0])].unlink()
    for leftover in team[("alice", WEEKS[0])].parent.iterdir():
        leftover.unlink()
    team[("alice", WEEKS[0])].parent.rmdir()  # as `git rm` leaves it
    team[("alice", WEEKS[0])].parent.parent.rmdir()
    result = run("site", "--quiet")
    now = pages(ws)
    assert not {p for p in now if p.startswith(("people/bob/", "topics/paper-reading/", f"weeks/{WEEKS[0]}/"))}, now
    assert f"weeks/{WEEKS[1]}/index.html" in now and "people/alice/feed.xml" in now
    assert "file" in result.stdout and "updated" in result.stdout


def test_an_unchanged_site_is_byte_identical_and_says_nothing_changed(ws, run, team):
    run("site", "--quiet")
    before = snapshot(ws.root / "site")
    result = run("site", "--quiet")
    assert "0 files updated" in result.stdout and "(0 made again)" in result.stdout
    assert snapshot(ws.root / "site") == before
    assert not [p for p in ws.root.iterdir() if "ldkit-staging" in p.name]


def test_since_keeps_the_pages_of_other_weeks(ws, run, team):
    run("site", "--quiet")
    run("site", "--quiet", "--since", WEEKS[1])
    assert f"weeks/{WEEKS[0]}/index.html" in pages(ws)


def test_a_killed_build_leaves_the_old_site_and_the_next_puts_it_right(ws, run, team):
    run("site", "--quiet")
    before = {k: v for k, v in snapshot(ws.root / "site").items()}
    run("log", "outcome", team[("bob", WEEKS[1])], "--summary", "Bob's MAML summary.", "--private")
    for n in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "ldkit", "site", "--quiet", "--rebuild", "--jobs", "1"],
                                cwd=ws.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline and not list(ws.root.glob(".site.ldkit-staging-*")):
            time.sleep(0.005)
        time.sleep(0.02 * n)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        after = snapshot(ws.root / "site")
        assert after == before or "topics/paper-reading/index.html" not in after  # old whole, or new whole
        if after != before:
            break
    run("site", "--quiet")
    assert "topics/paper-reading/index.html" not in pages(ws)
    assert not [p for p in ws.root.iterdir() if "ldkit-staging" in p.name]
