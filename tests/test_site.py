"""`ldkit site`: every page safe and linked, feeds valid, private records nowhere, builds incremental and whole."""
import json
import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from defusedxml.ElementTree import fromstring

from ldkit.records.schema import make_record
from ldkit.records.workbook import save_record
from tests.conftest import snapshot
from tests.test_digest import assert_inert

WEEKS = ["2026-W46", "2026-W47", "2026-W48"]
ATOM = "{http://www.w3.org/2005/Atom}"
SECRETS = ["SECRET-GOAL", "SECRET-SUMMARY", "SECRET-NEXT"]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links



def linked(page: Path, root: Path) -> list[tuple[str, str, Path]]:
    """Each link of `page` inside the site as (href, its file part, the file), each checked: the file exists and
    holds the anchor named."""
    found = []
    for href in parse(page).hrefs:
        if not internal(href):
            continue
        target_text, _, anchor = href.partition("#")
        target = (page.parent / unquote(target_text)).resolve()
        assert target.is_file(), f"{page.relative_to(root)} links to missing {href}"
        if anchor:
            assert anchor in parse(target).ids, f"{page.relative_to(root)}: no #{anchor} in {target_text}"
        found.append((href, target_text, target))
    return found

def internal(href: str) -> bool:
    return not urlparse(href).scheme and not href.startswith(("#", "//"))


@pytest.fixture
def team(ws, run, new_workbook):
    """Three weeks: alice every week (a paper with results in W48), bob with a private week, chen from W47."""
    books = {}
    for n, week in enumerate(WEEKS):
        path = new_workbook("paper" if week == "2026-W48" else "blank", f"Alice {week}", "--week", week,
                            "--author", "alice", *(["-p", "arxiv_id", "1703.03400"] if week == "2026-W48" else []))
        run("log", "plan", path, "--goal", f"Plan of alice in {week}", "--category", "tutorial")
        run("log", "outcome", path, "--summary", rf"Alice learned $\alpha_{n}$ in {week}.", "--hours", "2")
        books[("alice", week)] = path
    wid = json.loads(books[("alice", "2026-W48")].read_text())["metadata"]["ldkit"]["id"]
    for name, paper, mine in (("top-1", 76.1, 75.9), ("top-5", 93.0, 90.0)):
        save_record(books[("alice", "2026-W48")], make_record("result", wid, "alice", {
            "name": name, "paper": paper, "mine": mine, "tolerance": "1%"}))
    bob = new_workbook("blank", "Bob secret", "--week", "2026-W47", "--author", "bob")
    run("log", "plan", bob, "--goal", SECRETS[0], "--category", "engineering", "--private")
    run("log", "outcome", bob, "--summary", SECRETS[1], "--next", SECRETS[2], "--hours", "3", "--private")
    books[("bob", "2026-W47")] = bob
    for week in ("2026-W47", "2026-W48"):
        path = new_workbook("blank", f"Chen {week}", "--week", week, "--author", "chen")
        run("log", "plan", path, "--goal", "Chen's plan <script>alert(1)</script>", "--category", "fundamentals")
        books[("chen", week)] = path
    return books


def site_files(ws) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(ws.root / "site").items() if not k.startswith(".ldkit-site")}


def test_every_page_is_safe_linked_and_reachable(ws, run, team):
    result = run("site", "--quiet")
    assert "3 weeks (3 made again)" in result.stdout and "site/index.html" in result.stdout
    root = ws.root / "site"
    pages = {p for p in root.rglob("*.html") if ".ldkit-staging" not in str(p)}
    expected = {"index.html", "papers/index.html", "people/index.html", "topics/index.html",
                *(f"weeks/{w}/index.html" for w in WEEKS),
                *(f"people/{a}/index.html" for a in ("alice", "bob", "chen")),
                "topics/tutorial/index.html", "topics/fundamentals/index.html"}
    assert {str(p.relative_to(root)) for p in pages} == expected  # bob's private plan makes no topic page
    reachable, todo = set(), [root / "index.html"]
    while todo:
        page = todo.pop()
        if page in reachable:
            continue
        reachable.add(page)
        html = page.read_text(encoding="utf-8")
        assert_inert(html)
        assert "default-src 'none'" in html
        for word in SECRETS:
            assert word not in html, (page, word)
        for href, target_text, target in linked(page, root):
            assert target_text.endswith(("index.html", ".xml")), f"{href} does not name its file"
            if target.suffix == ".html":
                todo.append(target)
    assert reachable == {p.resolve() for p in pages}  # no page is orphaned
    index = (root / "index.html").read_text()
    assert "<svg" in index and "Who took part" in index
    week = (root / "weeks" / "2026-W47" / "index.html").read_text()
    assert 'href="../2026-W46/index.html"' in week and 'href="../2026-W48/index.html"' in week
    assert 'href="../../index.html"' in week
    papers = (root / "papers" / "index.html").read_text()
    assert "1 of 2 claims reproduced" in papers and "https://arxiv.org/abs/1703.03400" in papers
    alice = (root / "people" / "alice" / "index.html").read_text()
    assert alice.count("<math") >= 3 and "week streak" in alice


def test_feeds_are_valid_atom_without_private_outcomes(ws, run, team):
    run("site", "--quiet")
    root = ws.root / "site"
    feed = fromstring((root / "feed.xml").read_bytes())
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3  # alice's three outcomes; bob's is private, chen has none
    for entry in entries:
        for required in ("id", "title", "updated", "link", "author", "content"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        link = entry.find(f"{ATOM}link").get("href")
        target, _, anchor = link.partition("#")
        assert (root / target).is_file() and anchor
    text = (root / "feed.xml").read_text()
    for word in SECRETS:
        assert word not in text
    person = fromstring((root / "people" / "alice" / "feed.xml").read_bytes())
    link = person.find(f"{ATOM}entry").find(f"{ATOM}link").get("href")
    assert link.startswith("../../weeks/") and (root / "people" / "alice" / link.split("#")[0]).resolve().is_file()
    assert fromstring((root / "people" / "bob" / "feed.xml").read_bytes()).findall(f"{ATOM}entry") == []


def test_with_site_url_feeds_and_posts_link_to_the_site(ws, run, team, fake_server):
    from tests.fakeserver import Reply

    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text() + '\nsite_url = "https://learn.example.org/team"\n')
    run("site", "--quiet")
    feed = fromstring((ws.root / "site" / "feed.xml").read_bytes())
    assert feed.find(f"{ATOM}id").text == "https://learn.example.org/team/feed.xml"
    links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]
    assert all(link.startswith("https://learn.example.org/team/weeks/") for link in links)
    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    run("digest", "--week", "2026-W48", "--quiet", "--format", "md", "--post", fake_server.url + "/hook")
    body = json.loads(fake_server.requests[0].body)
    assert "https://learn.example.org/team/weeks/2026-W48/index.html" in json.dumps(body)
    md = (ws.root / "digests" / "2026-W48" / "digest.md").read_text()
    assert "https://learn.example.org/team/weeks/2026-W48/index.html" in md


def test_without_site_url_the_post_says_where_the_page_is(ws, run, team, fake_server):
    from tests.fakeserver import Reply

    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    run("digest", "--week", "2026-W48", "--quiet", "--post", fake_server.url + "/hook")
    footer = json.loads(fake_server.requests[0].body)["blocks"][-1]["elements"][0]["text"]
    assert "digests/2026-W48/index.html" in footer and "http" not in footer.split("·")[0]


def test_a_second_build_changes_nothing_and_one_change_rebuilds_only_what_shows_it(ws, run, team):
    run("site", "--quiet")
    before = site_files(ws)
    again = run("site", "--quiet")
    assert "(0 made again)" in again.stdout and "0 files updated" in again.stdout
    assert site_files(ws) == before
    run("log", "outcome", team[("chen", "2026-W47")], "--summary", "Chen finally wrote one.", "--hours", "1")
    result = run("site", "--quiet")
    # W47 itself, and W48 whose participation table counts W47's outcomes; no notebook is rendered again
    assert "(2 made again)" in result.stdout and "(0 rendered)" in result.stdout
    after = site_files(ws)
    changed = {k for k in after if after[k] != before.get(k)}
    assert {"weeks/2026-W47/index.html", "weeks/2026-W48/index.html"} <= changed
    assert "weeks/2026-W46/index.html" not in changed
    assert "Chen finally wrote one." in after["people/chen/index.html"].decode()


def test_a_new_week_updates_its_neighbour_links(ws, run, team, new_workbook):
    run("site", "--quiet")
    new_workbook("blank", "Next week", "--week", "2026-W49", "--author", "alice")
    result = run("site", "--quiet")
    assert "(2 made again)" in result.stdout  # W49, and W48 whose "next" link is new
    assert 'href="../2026-W49/index.html"' in (ws.root / "site" / "weeks" / "2026-W48" / "index.html").read_text()


def test_a_build_killed_midway_leaves_the_previous_site_whole(ws, run, team):
    run("site", "--quiet")
    before = site_files(ws)
    for (_author, _week), path in team.items():  # every week changes: the next build has real work to do
        nb = json.loads(path.read_text())
        nb["cells"].append({"cell_type": "markdown", "id": "late", "metadata": {}, "source": "Late note " * 2000})
        path.write_text(json.dumps(nb))
    proc = subprocess.Popen([sys.executable, "-m", "ldkit", "site", "--quiet", "--rebuild", "--jobs", "1"],
                            cwd=ws.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline and not list(ws.root.glob(".site.ldkit-staging-*")):
        time.sleep(0.01)
    time.sleep(0.05)  # the build is under way (staging made beside the site; it is swapped in only at the end)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert site_files(ws) == before  # the previous site, whole
    result = run("site", "--quiet")  # and the next build cleans up and finishes the job
    assert "3 weeks (3 made again)" in result.stdout
    assert not list(ws.root.glob(".site.ldkit-staging-*")) and not list((ws.root / "site").glob(".ldkit-staging-*"))
    assert "Late note" in (ws.root / "site" / "weeks" / "2026-W48" / "index.html").read_text()


def test_hostile_names_stay_inside_the_site(ws, run, team, tmp_path):
    path = team[("chen", "2026-W48")]
    nb = json.loads(path.read_text())
    nb["metadata"]["ldkit"]["author"] = "../../../../escaped"
    path.write_text(json.dumps(nb))
    run("site", "--quiet")
    kept = list((ws.root / ".ldkit-cache").glob("site-spare-*"))  # the site's own copy, for the next build
    assert [p for p in tmp_path.rglob("escaped*") if not {ws.root / "site", *kept} & set(p.parents)] == []
    assert (ws.root / "site" / "people" / "escaped" / "index.html").is_file()


def test_an_empty_workspace_gets_a_site_that_says_how_to_start(ws, run):
    result = run("site", "--quiet")
    assert "0 weeks" in result.stdout
    assert "No weeks yet" in (ws.root / "site" / "index.html").read_text()


def test_since_after_until_is_refused(ws, run):
    result = run("site", "--since", "2026-W48", "--until", "2026-W40", code=2)
    assert "is after --until" in result.stderr


def test_a_week_page_made_from_its_slices_views_is_the_page_made_from_its_notebooks(ws, run, team, tmp_path):
    """A week read now shows the views its slice made (no view made twice); a week read back from its slice makes
    them from the notebooks. The two pages are the same bytes."""
    import datetime as dt

    import time_machine

    other = tmp_path / "elsewhere"
    # one instant for both: a page says when it was made
    with time_machine.travel(dt.datetime.now(dt.timezone.utc).replace(microsecond=0), tick=False):
        run("site", "--quiet")  # every week read now: each page from its slice's views
        again = run("site", "--quiet", "--out", str(other))  # slices read back: each page made from the notebooks
    assert "(3 made again)" in again.stdout
    for week in WEEKS:
        from_views = (ws.root / "site" / "weeks" / week / "index.html").read_bytes()
        assert (other / "weeks" / week / "index.html").read_bytes() == from_views
    assert "top-5" in (other / "weeks" / "2026-W48" / "index.html").read_text()
