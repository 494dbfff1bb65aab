""""How the day is going" on the site (ldkit.model.health): the figures of `ldkit stats --health`, counted by hand,
on the index, each team's page and the teams table — in counts only, worded as an invitation, nothing private.

The weeks are tests/test_health.py's (`lived`), with eve added: a private workbook in W49 whose plan is saved on the
Tuesday and whose outcome says the day was pulled into work (some). North is ada and bob, South chen and eve.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_digest import assert_inert
from tests.test_health import lived  # noqa: F401 - the fixture
from tests.test_site import internal, parse

SECRET = "ZEBRA-PRIVATE-4417"
HOSTILE_TEAM = "<img src=x onerror=alert(1)>North"
HOSTILE_NAME = "Ada <script>alert('ada')</script>"
NAMES = ("ada", "bob", "chen", "eve", "Zanzibar")  # slugs, and bob's display name
DAYS = [f"2026-W{n}" for n in range(42, 50)]


@pytest.fixture
def eve(lived, run, clock):  # noqa: F811 - the fixture imported above
    run("team", "add", "eve", "--tz", "UTC")
    run("team", "add", "ada", "--name", HOSTILE_NAME)
    run("team", "add", "bob", "--name", "Robert Zanzibar")
    path = json.loads(run("new", "blank", "--title", f"Eve {SECRET}", "--week", "2026-W49", "--author", "eve",
                          "--json").stdout)["path"]
    clock.at("2026-12-01T09:00:00Z")  # the Tuesday: leaking
    run("log", "plan", path, "--goal", f"goal {SECRET}", "--private")
    clock.at("2026-12-03T15:00:00Z")  # on the day
    run("log", "outcome", path, "--summary", f"summary {SECRET}", "--hours", "2", "--pulled-into-work", "some",
        "--next", f"next {SECRET}", "--private")
    clock.at("2026-12-04T12:00:00Z")  # the Friday after, as `lived` left it
    return lived


@pytest.fixture
def company(eve, run):
    run("team", "add-team", "north", "--name", HOSTILE_TEAM)
    run("team", "add-team", "south", "--name", "South")
    for slug, team in (("ada", "north"), ("bob", "north"), ("chen", "south"), ("eve", "south")):
        run("team", "add", slug, "--team", team)
    return eve


class Section(HTMLParser):
    """The "How the day is going" section of a page: its text, and its table's rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <section class="ld-health">
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "section" and ("class", "ld-health") in attrs:
            self.depth = 1
        elif self.depth and tag == "section":
            self.depth += 1
        if self.depth and tag == "tr":
            self.rows.append([])
        if self.depth and tag in ("td", "th"):
            self.cell = []
        if tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        if self.depth and tag == "section":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self.cell is not None:
                self.cell.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def section(path: Path) -> Section:
    found = Section()
    found.feed(path.read_text(encoding="utf-8"))
    return found


def same_as_stats(found: Section, report: dict) -> None:
    """The section's table is `ldkit stats --health --json`'s days, newest first, figure by figure."""
    rows = found.rows[1:]
    assert [r[0].split()[0] for r in rows] == [d["week"] for d in reversed(report["days"])]
    for row, day in zip(rows, reversed(report["days"]), strict=True):
        assert row[0].split()[1] == day["learning_day"]
        assert row[1] == (f"{day['took_part']} of {day['team']}" if day["team"] else str(day["took_part"]))
        assert row[2] == (f"{day['pulled_into_work']} of {day['outcomes']}" if day["outcomes"] else "–")
        assert row[3] == (f"{day['saved_off_day']} of {day['saves']}" if day["saves"] else "–")
        assert row[4] == str(day["hours_before_day"])
    invite = int(re.search(r"(\d+) (?:person|people) to invite back", found.words).group(1))
    assert invite == len(report["plan_no_outcome"]) + len(report["no_workbook"])


def no_names(found: Section) -> None:
    for name in NAMES:
        assert not re.search(rf"\b{re.escape(name)}\b", found.words, re.IGNORECASE), name


def test_the_index_shows_the_hand_counted_figures_in_counts_only(eve, run):
    run("site", "--quiet")
    found = section(eve.root / "site" / "index.html")
    words = found.words
    # the window starts at the first workbook (W46): the days before it were before anyone used ldkit
    assert "How the day is going" in words and "The last 4 learning days up to 2026-W49" in words
    # took part: W46 ada and chen, W47-W48 ada (bob only plans), W49 ada, bob's plan (the week is open) and eve
    assert [r[1] for r in found.rows[1:]] == ["3 of 4", "1 of 4", "1 of 4", "2 of 4"]
    assert "Participation is rising: 38% took part in the earlier half of the last 4 learning days, 50% in the " \
           "later half." in words
    # used for work: ada's "most", of 5 outcomes (eve's private "some" counts as taking part, and says nothing more)
    assert "1 of 5 outcomes said the day was pulled into work (some or most) — 20%." in words
    assert found.rows[1][2] == "1 of 1"
    # leaking: ada's W46 outcome the evening before, ada's W49 plan on the Tuesday; 12 saves in all (eve's private
    # plan on the Tuesday is not told)
    assert "2 of 12 saves of plans and outcomes were made on another day than the learning day" in words
    assert "— 17%." in words and "1 outcome logged hours before its learning day had come." in words
    assert (found.rows[1][3], found.rows[4][3], found.rows[4][4]) == ("1 of 3", "1 of 3", "1")
    # fading, as an invitation: bob planned without an outcome, chen has had no workbook, 3 learning days running
    assert "1 person hasn't had a Learning Day for 3 weeks — invite them back." in words
    assert "1 person planned but wrote no outcome 3 learning days running — ask how it is going" in words
    assert "2 people to invite back" in words and "ldkit stats --health" in words
    assert "50% took part in the last 2 learning days · rising" in words
    same_as_stats(found, json.loads(run("stats", "--health", "--until", "2026-W49", "--json").stdout))
    no_names(found)


def test_team_pages_show_their_own_teams_figures(company, run):
    run("site", "--quiet")
    root = company.root / "site"
    for slug, took in (("north", ["2 of 2", "1 of 2", "1 of 2", "1 of 2"]), ("south", ["1 of 2", "0 of 2", "0 of 2",
                                                                                      "1 of 2"])):
        found = section(root / "teams" / slug / "index.html")
        assert [r[1] for r in found.rows[1:5]] == took
        assert f"ldkit stats --health --team {slug}" in found.words
        same_as_stats(found, json.loads(run("stats", "--health", "--until", "2026-W49", "--team", slug,
                                            "--json").stdout))
        no_names(found)
    north = section(root / "teams" / "north" / "index.html").words
    assert "1 person planned but wrote no outcome" in north and "hasn't had a Learning Day" not in north
    south = section(root / "teams" / "south" / "index.html").words
    assert "1 person hasn't had a Learning Day for 3 weeks — invite them back." in south
    assert "0 of 1 outcome said the day was pulled into work" in south  # chen's: eve's private one tells nothing
    # the whole company on the index, as without teams
    same_as_stats(section(root / "index.html"), json.loads(run("stats", "--health", "--json").stdout))


def test_the_teams_table_has_each_teams_line(company, run):
    run("site", "--quiet")
    teams = (company.root / "site" / "teams" / "index.html").read_text(encoding="utf-8")
    assert "<th>How the day is going</th>" in teams
    # north, from its first workbook (W46): 75% took part in the later half (1/2, 1/2 | 1/2, 2/2); ada's "most" of
    # her 4 outcomes; of 11 saves (ada 2 a week, bob's plans in W47-W49) ada's W46 outcome the evening before and
    # her W49 plan on the Tuesday
    assert ('<span class="ld-nowrap">took part lately: 75%, rising</span><br><span class="ld-nowrap">pulled into work: '
            '25%</span><br><span class="ld-nowrap">saved on another day: 18%</span><br><span class="ld-nowrap">1 to '
            'invite back</span>') in teams
    # south: chen's W46 outcome (no plan), on the day; eve's private W49 counts as taking part and tells nothing more
    # (1/2, 0/2 | 0/2, 1/2: steady, once the weeks before W46 no longer count as nobody taking part)
    assert "took part lately: 25%, steady" in teams and "pulled into work: 0%" in teams
    assert "saved on another day: 0%" in teams
    lines = re.findall(r'<td class="ld-health-line">(.*?)</td>', teams)
    assert len(lines) == 2
    for line in lines:
        for name in NAMES:
            assert not re.search(rf"\b{name}\b", line, re.IGNORECASE)


def test_no_private_text_anywhere_and_every_page_safe_and_linked(company, run):
    run("site", "--quiet")
    root = company.root / "site"
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert SECRET.encode() not in data, path.relative_to(root)
    for page in (p for p in files if p.suffix == ".html"):
        html = page.read_text(encoding="utf-8")
        assert_inert(html)  # no <script>, no handler: the hostile team and person names are text
        assert "<script" not in html and "onerror=" not in html.replace("onerror=alert(1)&gt;", "")
        assert 'http-equiv="Content-Security-Policy"' in html and "default-src 'none'" in html
        assert ">None<" not in html and " None " not in html
        for href in parse(page).hrefs:
            if internal(href):
                target = (page.parent / href.partition("#")[0]).resolve()
                assert target.is_file(), f"{page.relative_to(root)} links to missing {href}"
    index = (root / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;North" in index


def test_a_workspace_without_weeks_shows_no_section(ws, run):
    run("site", "--quiet")
    index = (ws.root / "site" / "index.html").read_text(encoding="utf-8")
    assert "How the day is going" not in index and "None" not in index


def test_a_roster_without_any_workbook_has_nothing_to_measure_and_divides_by_nothing(ws, run, clock):
    """Days before the first workbook are no part of the window: a roster just made is not "0 of 2" for weeks
    nobody could have used ldkit, nor invited back for them; and nothing is divided by zero."""
    from ldkit.core.weeks import parse_week
    from ldkit.core.workspace import find_workspace
    from ldkit.ledger.health import health
    from ldkit.model.health import health_view

    clock.at("2026-12-04T12:00:00Z")
    for slug in ("ada", "bob"):
        run("team", "add", slug)
    view = health_view(health(find_workspace(), parse_week("2026-W49"), weeks={}))
    assert not view.shown and view.days == [] and view.outcomes == 0
    assert view.work_share is None and view.leak_share is None and view.participation is None
    assert view.percent(view.work_share) == "–" and view.no_workbook == 0 and view.invitations() == []
    assert view.used_for_work() == "No outcome written yet to say whether the day was pulled into work."
    assert view.leaking() == "No plan or outcome saved yet."
    assert view.summary() == ["took part lately: –, steady", "pulled into work: –", "saved on another day: –"]
    # ada starts in W49: one learning day, 1 of 2 took part, and bob is not invited back for weeks before it
    path = json.loads(run("new", "blank", "--title", "First", "--week", "2026-W49", "--author", "ada",
                          "--json").stdout)["path"]
    run("log", "plan", path, "--goal", "g")
    view = health_view(health(find_workspace(), parse_week("2026-W49"), weeks={}))
    assert view.shown and [(d.week, d.participation) for d in view.days] == [("2026-W49", "1 of 2")]
    assert view.invitations() == [] and view.summary()[0] == "took part 2026-W49: 1 of 2"
    # one day has no trend: the page says which day it counts, not "steady" or "lately"
    run("site", "--quiet")
    index = (ws.root / "site" / "index.html").read_text(encoding="utf-8")
    assert "took part on the latest learning day</span>" in index and "steady" not in index


def test_a_site_cut_at_a_week_shows_the_health_up_to_it(eve, run):
    """`ldkit site --until W` shows what `ldkit stats --health --until W` prints (weeks before the site's first
    week, outside --since, are read for it)."""
    run("site", "--quiet", "--since", "2026-W47", "--until", "2026-W48")
    found = section(eve.root / "site" / "index.html")
    assert "The last 3 learning days up to 2026-W48" in found.words  # W46, the first workbook's week, to W48
    same_as_stats(found, json.loads(run("stats", "--health", "--until", "2026-W48", "--json").stdout))
    linked = [r[0].split()[0] for r in found.rows[1:]]
    assert linked[:2] == ["2026-W48", "2026-W47"]
    html = (eve.root / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="weeks/2026-W47/index.html"' in html and 'href="weeks/2026-W46/index.html"' not in html
