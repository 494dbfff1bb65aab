"""Tracks on the site and in `ldkit stats` (model/tracks, writers/site_pages): a course over weeks shown as one
track — weeks, hours so far, outcomes, results — with a private week only counted and hostile names kept safe."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ldkit.records.schema import make_record
from ldkit.records.workbook import save_record
from tests.test_digest import assert_inert
from tests.test_site import linked

SECRETS = ["SECRET-TRACK-PLAN", "SECRET-TRACK-SUMMARY", "SECRET-TRACK-NEXT"]
HOSTILE = "../../<script>alert(1)</script> Ünïcødé 注意 " + "very long " * 40


def ident(path: Path) -> dict:
    return json.loads(Path(path).read_text())["metadata"]["ldkit"]


@pytest.fixture
def course(ws, run, new_workbook, clock):
    """ada's RL course over W47-W49 (W48 private), bob joins it in W49; a hostile track and a slug twin."""
    clock.at("2026-12-11T10:00:00Z", tz="Europe/Berlin")  # W50: every week of the course has been held
    books = {}
    w1 = new_workbook("tutorial", "RL course, week 1", "--week", "2026-W47", "--author", "ada",
                      "--track", "RL course")
    run("log", "plan", w1, "--goal", "Bandits", "--category", "tutorial")
    run("log", "outcome", w1, "--summary", "Bandits and MDPs.", "--hours", "4", "--next", "Policy gradients")
    w2 = new_workbook("tutorial", "RL course, week 2", "--week", "2026-W48", "--author", "ada", "--continue", w1)
    run("log", "plan", w2, "--goal", SECRETS[0], "--category", "tutorial", "--private")
    run("log", "outcome", w2, "--summary", SECRETS[1], "--next", SECRETS[2], "--hours", "3", "--status", "partial",
        "--private")
    w3 = new_workbook("tutorial", "RL course, week 3", "--week", "2026-W49", "--author", "ada", "--continue", w2,
                      "--track", "RL course")  # week 2 is private: it hands nothing on, the name is said again
    run("log", "plan", w3, "--goal", "PPO on CartPole", "--category", "tutorial")
    run("log", "outcome", w3, "--summary", "PPO **works**.", "--hours", "5", "--status", "partial",
        "--next", "Try <b>SAC</b> next")
    for name, paper, mine in (("CartPole return", 500, 498), ("Hopper return", 3000, 2100)):
        save_record(w3, make_record("result", ident(w3)["id"], "ada", {"name": name, "paper": paper, "mine": mine,
                                                                       "tolerance": "1%"}))
    bob = new_workbook("tutorial", "RL with ada", "--week", "2026-W49", "--author", "bob", "--track", "RL course")
    run("log", "outcome", bob, "--summary", "Joined the RL course.", "--hours", "2.5")
    twin = new_workbook("blank", "Twin", "--week", "2026-W49", "--author", "chen", "--track", "RL-Course!")
    run("log", "outcome", twin, "--summary", "Not the same track.", "--hours", "1")
    evil = new_workbook("blank", "Evil", "--week", "2026-W48", "--author", "chen", "--track", HOSTILE)
    run("log", "outcome", evil, "--summary", "Hostile track name.", "--hours", "1")
    solo = new_workbook("blank", "Only private", "--week", "2026-W48", "--author", "bob", "--track", "SECRET-TRACK")
    run("log", "outcome", solo, "--summary", "s", "--hours", "1", "--private")
    books.update(w1=w1, w2=w2, w3=w3, bob=bob, twin=twin, evil=evil, solo=solo)
    return books


def pages(ws) -> dict[str, str]:
    root = ws.root / "site"
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in root.rglob("*.html")}


def test_the_track_pages_show_weeks_hours_outcomes_and_results(ws, run, course):
    assert ident(course["twin"])["track"]["slug"] == "rl-course"  # same slug, another name
    run("site", "--quiet")
    site = pages(ws)
    assert "tracks/index.html" in site
    track = site["tracks/rl-course/index.html"]
    assert "<h1>RL course</h1>" in track
    # hours so far, by hand: ada 4 (W47), her private W48 only counted, ada 5 + bob 2.5 (W49)
    assert [part.rsplit("<b>", 1)[1] for part in track.split(" h so far</b>")[:-1]] == ["4", "9", "11.5"]
    assert "<b>11.5</b><span>hours so far</span>" in track
    assert "<b>2</b><span>weeks</span>" in track  # W47 and W49 shown; W48 is private
    assert "1 private workbook of this track, only counted" in track
    assert "PPO <strong>works</strong>." in track and "Policy gradients" in track
    assert "SAC" in track and "<script" not in track
    assert "1 of 2 claims reproduced" in track and "CartPole return" in track and "2100" in track
    assert track.index("2026-W47") < track.index("RL course, week 3")  # oldest first
    # the twin has its own page, and neither overwrote the other
    twins = [path for path in site if path.startswith("tracks/rl-course-")]
    assert len(twins) == 1 and "<h1>RL-Course!</h1>" in site[twins[0]]
    index = site["tracks/index.html"]
    assert index.index("RL course") > 0 and "RL-Course!" in index
    assert "(+1 private)" in index
    for page, html in site.items():
        for word in [*SECRETS, "SECRET-TRACK"]:
            assert word not in html, (page, word)


def test_hostile_track_names_stay_inside_the_site_and_inert(ws, run, course):
    run("site", "--quiet")
    root = ws.root / "site"
    folders = {p.parent.name for p in (root / "tracks").glob("*/index.html")}
    assert all(name and "/" not in name and "." not in name and len(name) <= 60 for name in folders), folders
    assert {p.resolve().parent.parent for p in (root / "tracks").glob("*/index.html")} == {(root / "tracks").resolve()}
    evil = next(html for path, html in pages(ws).items() if path.startswith("tracks/") and "Hostile track" in html)
    assert "<script>" not in evil and "&lt;script&gt;" in evil and "注意" in evil


def test_every_track_link_resolves_and_the_pages_are_safe(ws, run, course):
    run("site", "--quiet")
    root = ws.root / "site"
    index = (root / "index.html").read_text()
    assert 'href="tracks/index.html"' in index
    for page in [root / "tracks" / "index.html", *(root / "tracks").glob("*/index.html"),
                 root / "people" / "ada" / "index.html"]:
        html = page.read_text(encoding="utf-8")
        assert_inert(html)
        assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'' in html
        linked(page, root)  # every link inside the site resolves, anchors included


def test_person_pages_list_their_tracks(ws, run, course):
    run("site", "--quiet")
    ada = (ws.root / "site" / "people" / "ada" / "index.html").read_text()
    assert "<h2>Tracks</h2>" in ada and 'href="../../tracks/rl-course/index.html"' in ada
    assert "2 weeks (2026-W47 to 2026-W49) · 9 h · latest: partial" in ada
    bob = (ws.root / "site" / "people" / "bob" / "index.html").read_text()
    assert "1 week (2026-W49) · 2.5 h" in bob and "SECRET-TRACK" not in bob


def test_no_tracks_no_tracks_page(ws, run, new_workbook):
    path = new_workbook("blank", "Alone", "--week", "2026-W48")
    run("log", "outcome", path, "--summary", "s", "--hours", "1")
    run("site", "--quiet")
    assert not (ws.root / "site" / "tracks").exists()
    assert "tracks/index.html" not in (ws.root / "site" / "index.html").read_text()


def test_stats_per_track_against_hand_counted_figures(ws, run, course):
    data = json.loads(run("stats", "--since", "2026-W47", "--until", "2026-W49", "--json").stdout)
    tracks = {t["name"]: t for t in data["tracks"]}
    assert "SECRET-TRACK" not in json.dumps(data["tracks"])  # a track only private workbooks hold has no name
    rl = tracks["RL course"]
    assert rl["slug"] == "rl-course"
    assert rl["weeks"] == 3 and rl["first"] == "2026-W47" and rl["last"] == "2026-W49"
    assert rl["people"] == ["ada", "bob"]
    assert rl["workbooks"] == 4 and rl["private"] == 1
    assert rl["hours"] == 14.5  # 4 + 3 (private, counted like every hour in stats) + 5 + 2.5
    assert rl["outcomes"] == {"done": 2, "partial": 1, "private": 1}
    assert tracks["RL-Course!"]["hours"] == 1 and tracks["RL-Course!"]["people"] == ["chen"]
    text = run("stats", "--since", "2026-W47", "--until", "2026-W49").stdout
    line = next(line for line in text.splitlines() if line.startswith("RL course "))
    assert line.split()[2:6] == ["3", "2", "14.5", "done"], line
    assert "partial 1" in line and "private 1" in line
    # --team still filters: a team of bob alone sees only his part of the track
    run("team", "add-team", "robotics", "--name", "Robotics")
    run("team", "add", "bob", "--team", "robotics")
    team = json.loads(run("stats", "--since", "2026-W47", "--until", "2026-W49", "--team", "robotics",
                          "--json").stdout)
    rl = next(t for t in team["tracks"] if t["name"] == "RL course")
    assert rl["people"] == ["bob"] and rl["hours"] == 2.5 and rl["weeks"] == 1


def test_a_hand_edited_track_cannot_leave_the_site(ws, run, new_workbook):
    path = new_workbook("blank", "Edited", "--week", "2026-W48")
    run("log", "outcome", path, "--summary", "s", "--hours", "1")
    nb = json.loads(path.read_text())
    nb["metadata"]["ldkit"]["track"] = {"slug": "../../../escape", "name": "<img src=x onerror=alert(1)>"}
    path.write_text(json.dumps(nb))
    run("site", "--quiet")
    root = ws.root / "site"
    assert not list(ws.root.glob("escape*")) and not list((ws.root.parent).glob("escape*"))
    [page] = list((root / "tracks").glob("*/index.html"))
    assert page.parent.name == "img-src-x-onerror-alert-1"  # the page's slug is made from the name, not taken
    html = page.read_text()
    assert_inert(html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_stats_text_shows_a_hostile_track_name_without_terminal_escapes(ws, run, new_workbook):
    path = new_workbook("blank", "Escapes", "--week", "2026-W48", "--track", "Red\x1b[31m course")
    run("log", "outcome", path, "--summary", "s", "--hours", "1")
    text = run("stats", "--since", "2026-W48", "--until", "2026-W48").stdout
    assert "\x1b" not in text and "course" in text


def test_one_long_name_is_one_track_whatever_slug_was_stored(ws, run, new_workbook):
    """An older ldkit cut a track's slug at 40 characters, this one at 60: the same name is still one track."""
    name = "Reinforcement learning from first principles, the long course"
    old = new_workbook("blank", "Week one", "--week", "2026-W47", "--track", name)
    nb = json.loads(old.read_text())
    nb["metadata"]["ldkit"]["track"]["slug"] = nb["metadata"]["ldkit"]["track"]["slug"][:40]
    old.write_text(json.dumps(nb))
    new = new_workbook("blank", "Week two", "--week", "2026-W48", "--track", name)
    for path in (old, new):
        run("log", "outcome", path, "--summary", "s", "--hours", "2")
    [track] = json.loads(run("stats", "--json").stdout)["tracks"]
    assert (track["weeks"], track["hours"]) == (2, 4)
    run("site", "--quiet")
    assert len(list((ws.root / "site" / "tracks").glob("*/index.html"))) == 1
