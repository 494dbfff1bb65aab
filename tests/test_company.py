"""A company: several teams in one workspace — [teams] read and edited, --team filters, a digest per team and a
company digest, each team's post on its own (fake, 127.0.0.1) webhook, private records absent everywhere."""
import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import snapshot
from tests.fakeserver import Reply

WEEK = "2026-W48"  # learning day Thursday 2026-11-26
ON_THE_DAY = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)
SECRET = "Dana's secret plan"
TEAMS = {"robotics": ("ada", "bob"), "vision": ("chen", "dana"), "infra": ("eve",)}


@pytest.fixture
def company(ws, run, new_workbook, monkeypatch):
    for slug in TEAMS:
        run("team", "add-team", slug, "--name", slug.title(), "--webhook-env", f"{slug.upper()}_WEBHOOK")
    for slug, members in TEAMS.items():
        for who in members:
            run("team", "add", who, "--team", slug, "--chat", f"U{who.upper()}")
    run("team", "add", "zed")  # on the roster, in no team
    for who in ("ada", "bob", "chen", "eve"):
        path = new_workbook("blank", f"{who.title()} on diffusion", "--week", WEEK, "--author", who)
        run("log", "plan", path, "--goal", f"{who} learns diffusion models", "--hours", "3")
        run("log", "outcome", path, "--summary", f"{who} understood score matching", "--hours", "3")
    secret = new_workbook("blank", SECRET, "--week", WEEK, "--author", "dana")
    run("log", "plan", secret, "--goal", SECRET, "--private")
    return ws


def hooks(fake_server, monkeypatch):
    for slug in (*TEAMS, "company"):
        fake_server.route(f"/{slug}", Reply(body=b"ok"), method="POST")
        monkeypatch.setenv(f"{slug.upper()}_WEBHOOK", f"{fake_server.url}/{slug}")
    return f"{fake_server.url}/company"


def posts(fake_server):
    return [(r.path.strip("/"), r.body.decode()) for r in fake_server.requests if r.method == "POST"]


def test_teams_are_read_and_edited(company, run):
    listed = json.loads(run("team", "teams", "--json").stdout)
    assert [(t["slug"], t["webhook_env"], t["members"]) for t in listed] == [
        ("infra", "INFRA_WEBHOOK", 1), ("robotics", "ROBOTICS_WEBHOOK", 2), ("vision", "VISION_WEBHOOK", 2)]
    assert {m["slug"]: m.get("team") for m in json.loads(run("team", "list", "--json").stdout)}["ada"] == "robotics"
    text = (company.root / "ldkit.toml").read_text()
    assert 'webhook_env = "ROBOTICS_WEBHOOK"' in text and "http" not in text.split("[teams]")[1]


def test_bad_teams_are_refused_with_a_clear_message(company, run):
    before = snapshot(company.root)
    bad = run("team", "add", "ada", "--team", "nope", code=2)
    assert "names team 'nope', which is not a table of [teams]" in bad.stderr and "infra, robotics" in bad.stderr
    url = run("team", "add-team", "ops", "--webhook-env", "https://hooks.example.org/T000/B000/xyz", code=2)
    assert "not the URL" in url.stderr and "hooks.example.org" not in url.stderr
    busy = run("team", "remove-team", "vision", code=2)
    assert "still has 2 member(s) (chen, dana)" in busy.stderr
    assert snapshot(company.root) == before


def test_a_settings_file_with_a_bad_team_is_refused_on_read(ws, run):
    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text() + '\n[teams]\nrobotics = { name = "R", colour = "red" }\n')
    assert "team 'robotics' has unknown field 'colour'" in run("status", code=2).stderr
    config.write_text('[teams]\nrobotics = { webhook_env = "https://x.example/hook" }\n')
    assert "not the URL" in run("status", code=2).stderr
    config.write_text('[teams]\nrobotics = { name = "R" }\n[team]\nada = { team = "vision" }\n')
    assert "names team 'vision'" in run("status", code=2).stderr


def test_team_filters_status_stats_search(company, run):
    status = json.loads(run("status", "--week", WEEK, "--team", "vision", "--json").stdout)
    assert [p["author"] for p in status["authors"]] == ["chen", "dana"]
    # a plan alone, in a week held, is not taking part
    assert status["totals"]["people"] == 1 and status["totals"]["workbooks"] == 2
    stats = json.loads(run("stats", "--until", WEEK, "--team", "robotics", "--json").stdout)
    assert sorted(p["author"] for p in stats["people"]) == ["ada", "bob"]
    hits = json.loads(run("search", "diffusion", "--team", "infra", "--json").stdout)
    assert [h["author"] for h in hits] == ["eve"]
    assert len(json.loads(run("search", "diffusion", "--json").stdout)) == 4
    assert json.loads(run("search", "secret", "--json").stdout) == []


@pytest.mark.parametrize("command", [("status",), ("stats",), ("digest",), ("remind", "plan", "--dry-run"),
                                     ("search", "x")])
def test_an_unknown_team_is_one_line_listing_the_teams(company, run, command):
    result = run(*command, "--team", "nope", code=2)
    assert result.stderr.strip().count("\n") == 0
    assert "--team 'nope' is not a team" in result.stderr and "infra, robotics, vision" in result.stderr


def test_export_has_the_team(company, run, tmp_path):
    import sqlite3

    run("export", "--sqlite", tmp_path / "ld.db")
    db = sqlite3.connect(tmp_path / "ld.db")
    assert dict(db.execute("SELECT author, team FROM people")) == {
        "ada": "robotics", "bob": "robotics", "chen": "vision", "dana": "vision", "eve": "infra", "zed": None}
    assert db.execute("SELECT team FROM workbooks WHERE private = 1").fetchall() == [("vision",)]


def test_digest_per_team_and_company_posted_once_each_to_its_own_webhook(company, run, fake_server, monkeypatch):
    url = hooks(fake_server, monkeypatch)
    result = run("digest", "--week", WEEK, "--format", "md", "--format", "json", "--post", url)
    folder = company.digests / WEEK
    for slug in TEAMS:
        for name in ("index.html", "digest.md", "digest.json"):
            assert (folder / slug / name).is_file()
    page = (folder / "index.html").read_text()
    assert all(f'href="{slug}/index.html"' in page for slug in TEAMS) and "<script" not in page
    assert "default-src 'none'" in page
    robotics = (folder / "robotics" / "index.html").read_text()
    assert "Ada on diffusion" in robotics and "Chen on diffusion" not in robotics
    company_json = json.loads((folder / "digest.json").read_text())
    assert {t["slug"]: t["people"] for t in company_json["teams"]} == {"infra": 1, "robotics": 2, "vision": 1,
                                                                       "_no-team": 0}  # zed: on no team
    sent = posts(fake_server)
    assert sorted(path for path, _ in sent) == ["company", "infra", "robotics", "vision"]
    by_path = dict(sent)
    assert "ada" in by_path["robotics"] and "chen" not in by_path["robotics"]
    assert json.loads(by_path["robotics"])["blocks"][0]["text"]["text"] == f"Learning Day {WEEK} · Robotics"
    assert "chen" in by_path["vision"] and "ada" not in by_path["vision"]
    assert "Robotics" in by_path["company"] and "Vision" in by_path["company"]
    for path in folder.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(), path
    assert all(SECRET not in body for _, body in sent)
    assert fake_server.url not in result.stdout + result.stderr
    again = run("digest", "--week", WEEK, "--post", url)
    assert len(posts(fake_server)) == 4 and again.stdout.count("already posted") == 4
    markers = sorted(p.name for p in (company.cache / "posted").glob("*.json"))
    assert markers == [f"{WEEK}.digest.json", f"{WEEK}.infra.digest.json", f"{WEEK}.robotics.digest.json",
                       f"{WEEK}.vision.digest.json"]


def test_people_no_team_names_have_their_own_page_and_count_in_the_company(company, run, new_workbook):
    """zed (on the roster, on no team) and someone the roster does not know take part: the company's numbers are
    status's, and their workbooks are on a page of their own, linked from the company page."""
    run("team", "add", "yuki")
    for who in ("zed", "yuki"):
        path = new_workbook("blank", f"{who.title()} on robots", "--week", WEEK, "--author", who)
        run("log", "outcome", path, "--summary", f"{who} built a gripper", "--hours", "2")
    run("team", "remove", "yuki")  # left the company's roster; their workbook stays
    result = run("digest", "--week", WEEK, "--format", "md", "--format", "json")
    status = json.loads(run("status", "--week", WEEK, "--json").stdout)
    company_json = json.loads((company.digests / WEEK / "digest.json").read_text())
    assert company_json["totals"]["people"] == status["totals"]["people"] == 6
    assert "6 of 7 took part" in result.stdout and "· 3 teams" in result.stdout
    row = next(t for t in company_json["teams"] if t["slug"] == "_no-team")
    assert (row["name"], row["people"], row["members"], row["hours"]) == ("Without a team", 2, 2, 4.0)
    page = (company.digests / WEEK / "_no-team" / "index.html").read_text()
    assert "Zed on robots" in page and "Yuki on robots" in page and "Ada on diffusion" not in page
    assert '2026-W48</span> · Without a team</h1>' in page
    assert '2026-W48</span> · Robotics</h1>' in (company.digests / WEEK / "robotics" / "index.html").read_text()
    index = (company.digests / WEEK / "index.html").read_text()
    assert 'href="_no-team/index.html">Without a team</a>' in index and "in 3 teams" in index
    assert "• *Without a team* — 2 of 2 took part" in (company.digests / WEEK / "digest.md").read_text()


def _two_team_repositories(tmp_path, run, monkeypatch, people=(("robotics", "ada"), ("vision", "chen"))):
    """A company workspace and, checked out inside it, two team workspaces (as `ldkit ci` checks them out)."""
    from ldkit.workbook.setup import init_workspace

    company = init_workspace(tmp_path / "company")
    for slug, who in people:
        team = company.root / "teams" / slug
        if not (team / "ldkit.toml").exists():
            init_workspace(team)
        monkeypatch.chdir(team)
        run("team", "add", who, "--name", f"{who.title()} of {slug}")
        path = json.loads(run("new", "blank", "--title", f"{who} on diffusion", "--week", WEEK, "--author", who,
                              "--json").stdout)["path"]
        run("log", "plan", path, "--goal", f"{who} learns diffusion", "--hours", "2")
        run("log", "outcome", path, "--summary", f"{who} learned diffusion", "--hours", "2")
        secret = json.loads(run("new", "blank", "--title", SECRET, "--week", WEEK, "--author", who,
                                "--json").stdout)["path"]
        run("log", "outcome", secret, "--summary", SECRET, "--private")
    monkeypatch.chdir(company.root)
    for slug in dict(people):
        run("team", "add-team", slug, "--name", slug.title(), "--webhook-env", f"{slug.upper()}_WEBHOOK")
    config = company.root / "ldkit.toml"
    text = config.read_text()
    for slug in dict(people):
        text = text.replace(f'{slug} = {{name = "{slug.title()}"', f'{slug} = {{workspace = "teams/{slug}", '
                                                                   f'name = "{slug.title()}"')
    config.write_text(text)
    return company


def test_every_reader_reads_the_team_repositories_joined(tmp_path, run, monkeypatch, fake_server):
    """Not only the site: digest (and its posts), status, stats, search, who, remind and export read the teams'
    own workspaces; what they write stays in the company workspace; private stays out."""
    import sqlite3

    import time_machine

    company = _two_team_repositories(tmp_path, run, monkeypatch)
    teams_before = snapshot(company.root / "teams")
    status = json.loads(run("status", "--week", WEEK, "--json").stdout)
    assert [p["author"] for p in status["authors"]] == ["ada", "chen"] and status["totals"]["people"] == 2
    assert [h["author"] for h in json.loads(run("search", "diffusion", "--json").stdout)] == ["ada", "chen"]
    assert json.loads(run("search", "secret", "--json").stdout) == []
    who = json.loads(run("who", "diffusion", "--json").stdout)
    assert [(p["author"], p["team"]) for p in who["people"]] == [("ada", "robotics"), ("chen", "vision")]
    stats = json.loads(run("stats", "--until", WEEK, "--team", "vision", "--json").stdout)
    assert [p["author"] for p in stats["people"]] == ["chen"]
    run("export", "--sqlite", tmp_path / "ld.db")
    assert dict(sqlite3.connect(tmp_path / "ld.db").execute("SELECT author, team FROM people")) == {
        "ada": "robotics", "chen": "vision"}
    url = hooks(fake_server, monkeypatch)
    result = run("digest", "--week", WEEK, "--post", url)
    assert "2 of 2 took part" in result.stdout
    sent = dict(posts(fake_server))
    assert sorted(sent) == ["company", "robotics", "vision"]
    assert "ada" in sent["robotics"].lower() and "1 took part" in sent["vision"]
    assert all(SECRET not in body for body in sent.values())
    assert (company.root / "digests" / WEEK / "robotics" / "index.html").is_file()
    with time_machine.travel(ON_THE_DAY):
        assert "nobody to remind" in run("remind", "outcome", "--week", WEEK, "--dry-run").stdout
    for path in company.root.rglob("*"):
        if path.is_file() and ".ldkit-cache" not in path.parts:
            assert SECRET not in path.read_text(errors="replace") or "teams" in path.parts, path
    assert snapshot(company.root / "teams") == teams_before  # nothing written into the teams' repositories


def test_doctor_in_a_joined_company_names_the_team_repositories_folders(tmp_path, run, monkeypatch):
    """The joined view's workbooks folder is a cache of links: doctor sends a person to the teams' own folders."""
    _two_team_repositories(tmp_path, run, monkeypatch)
    out = run("doctor").stdout
    line = next(x for x in out.splitlines() if x.startswith("ok       workbooks"))
    assert "(teams/robotics/workbooks/, teams/vision/workbooks/) hold 1 week folder(s)" in line
    assert ".ldkit-cache" not in out


def test_a_rename_in_a_team_repository_reaches_the_unchanged_digest_and_site(tmp_path, run, monkeypatch):
    """A digest or site whose inputs are unchanged stands as it is (core.inputs); a member renamed in their team's
    own ldkit.toml is an input too, though no file of the company workspace changed."""
    company = _two_team_repositories(tmp_path, run, monkeypatch)
    run("digest", "--week", WEEK, "--quiet")
    run("site", "--quiet")
    page = company.root / "digests" / WEEK / "robotics" / "index.html"
    assert "Ada of robotics" in page.read_text()
    monkeypatch.chdir(company.root / "teams" / "robotics")
    run("team", "add", "ada", "--name", "Ada Renamed-Q7")
    monkeypatch.chdir(company.root)
    run("digest", "--week", WEEK, "--quiet")
    run("site", "--quiet")
    assert "Ada Renamed-Q7" in page.read_text()
    assert "Ada Renamed-Q7" in (company.root / "site" / "weeks" / WEEK / "index.html").read_text()


def test_a_file_of_a_team_repository_is_named_where_it_is_not_where_it_is_linked(tmp_path, run, monkeypatch):
    """The joined view is links under .ldkit-cache: every message, listing, JSON and export names the team
    repository's own file (the one to open and fix), and `team teams` counts the members on the teams' rosters."""
    import sqlite3

    company = _two_team_repositories(tmp_path, run, monkeypatch)
    bad = company.root / "teams" / "robotics" / "workbooks" / WEEK / "ada" / "broken.ipynb"
    bad.write_text("{not json")
    outputs = []
    for command in (("status", "--week", WEEK), ("status", "--week", WEEK, "--json"), ("digest", "--week", WEEK),
                    ("site",), ("search", "diffusion"), ("search", "diffusion", "--json"), ("stats", "--json")):
        result = run(*command)
        outputs.append(result.stdout + result.stderr)
        assert ".ldkit-cache" not in result.stdout + result.stderr, command
    assert all("teams/robotics/workbooks/2026-W48/ada/broken.ipynb" in text for text in outputs[:4])
    problems = json.loads(outputs[1].split("ldkit: warning")[0])["problems"]
    assert Path(problems[0]["path"]) == bad.resolve()  # absolute, as status says it of every workspace
    hits = json.loads(outputs[5].split("ldkit: warning")[0])
    assert [h["path"] for h in hits] == ["teams/robotics/workbooks/2026-W48/ada/ada-on-diffusion.ipynb",
                                         "teams/vision/workbooks/2026-W48/chen/chen-on-diffusion.ipynb"]
    run("export", "--sqlite", tmp_path / "ld.db")
    paths = [p for (p,) in sqlite3.connect(tmp_path / "ld.db").execute("SELECT path FROM workbooks") if p]
    assert paths and all(p.startswith(("teams/robotics/", "teams/vision/")) for p in paths), paths
    teams = run("team", "teams").stdout
    assert all("  1 member  $" in line for line in teams.splitlines()[:2]), teams
    assert [t["members"] for t in json.loads(run("team", "teams", "--json").stdout)] == [1, 1]


def test_a_file_in_two_workspaces_is_named_by_both_real_paths_and_the_first_is_used(tmp_path, run, monkeypatch):
    company = _two_team_repositories(tmp_path, run, monkeypatch)
    ada = company.root / "teams" / "robotics" / "workbooks" / WEEK / "ada" / "ada-on-diffusion.ipynb"
    twin = company.root / "workbooks" / WEEK / "ada" / "ada-on-diffusion.ipynb"
    twin.parent.mkdir(parents=True)
    twin.write_bytes(ada.read_bytes())
    before = snapshot(company.root / "teams")
    result = run("status", "--week", WEEK)
    assert (f"team robotics: teams/robotics/workbooks/{WEEK}/ada/ada-on-diffusion.ipynb is also in the company "
            f"workspace (workbooks/{WEEK}/ada/ada-on-diffusion.ipynb); the first one is used") in result.stderr
    assert ".ldkit-cache" not in result.stdout + result.stderr
    assert snapshot(company.root / "teams") == before and twin.read_bytes() == ada.read_bytes()


def test_one_slug_on_two_team_rosters_is_refused(tmp_path, run, monkeypatch):
    company = _two_team_repositories(tmp_path, run, monkeypatch, people=(("robotics", "ada"), ("vision", "ada")))
    for command in (("status",), ("site", "--quiet"), ("digest", "--week", WEEK)):
        result = run(*command, code=2)
        assert "team vision: member 'ada' is also on the roster of team robotics" in result.stderr, command
        assert "give one of them another slug" in result.stderr
    assert not (company.root / "site").exists() and not (company.root / "digests").exists()


def test_a_team_without_its_webhook_is_named_and_the_rest_posted(company, run, fake_server, monkeypatch):
    url = hooks(fake_server, monkeypatch)
    monkeypatch.delenv("INFRA_WEBHOOK")
    result = run("digest", "--week", WEEK, "--post", url)
    assert "team infra: not posted, $INFRA_WEBHOOK is not set" in result.stderr
    assert sorted(path for path, _ in posts(fake_server)) == ["company", "robotics", "vision"]


def closed_port_url(path):
    """A URL on 127.0.0.1 where nothing listens: a refused connection, nothing sent."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/{path}"


def marker_state(company, team):
    path = company.cache / "posted" / (f"{WEEK}.{team}.digest.json" if team else f"{WEEK}.digest.json")
    return json.loads(path.read_text())["state"] if path.exists() else None


def test_every_team_is_posted_and_each_failure_is_named(company, run, fake_server, monkeypatch):
    url = hooks(fake_server, monkeypatch)
    monkeypatch.setenv("ROBOTICS_WEBHOOK", closed_port_url("robotics"))
    fake_server.route("/vision", Reply(status=500, body=b"boom"), method="POST")
    result = run("digest", "--week", WEEK, "--post", url, code=1)
    assert sorted(path for path, _ in posts(fake_server)) == ["company", "infra", "vision"]
    err = result.stderr
    assert "cannot reach the webhook of team robotics ($ROBOTICS_WEBHOOK); trying once more" in err
    assert ("posting the digest of 2026-W48 for team robotics failed: cannot reach the webhook of team robotics "
            "($ROBOTICS_WEBHOOK); nothing was sent") in err
    assert ("the digest of 2026-W48 for team vision may have been posted: the webhook of team vision "
            "($VISION_WEBHOOK) answered HTTP 500 (boom)") in err and "--team vision --repost" in err
    assert "2 of 4 posts failed: robotics, vision" in err
    assert "posted the digest of 2026-W48 for team infra to $INFRA_WEBHOOK" in result.stdout
    assert "posted the company summary of 2026-W48" in result.stdout
    assert fake_server.url not in result.stdout + err
    assert [marker_state(company, t) for t in ("robotics", "vision", "infra", None)] == [
        None, "maybe", "posted", "posted"]
    # the next run: robotics is tried again, vision is refused (check the channel), the rest already posted
    monkeypatch.setenv("ROBOTICS_WEBHOOK", f"{fake_server.url}/robotics")
    again = run("digest", "--week", WEEK, "--post", url, code=2)
    assert sorted(path for path, _ in posts(fake_server)) == ["company", "infra", "robotics", "vision"]
    assert "the digest of 2026-W48 for team vision may have been posted" in again.stderr
    assert "to send it anyway, pass --team vision --repost" in again.stderr
    assert "1 of 4 posts failed: vision" in again.stderr
    assert "posted the digest of 2026-W48 for team robotics" in again.stdout
    assert again.stdout.count("already posted") == 2
    fake_server.route("/vision", Reply(body=b"ok"), method="POST")
    run("digest", "--week", WEEK, "--team", "vision", "--post", url, "--repost")
    assert [path for path, _ in posts(fake_server)][-1] == "vision" and len(posts(fake_server)) == 5
    assert marker_state(company, "vision") == "posted"


def test_with_the_server_down_every_post_is_tried_and_named(company, run, monkeypatch):
    for slug in TEAMS:
        monkeypatch.setenv(f"{slug.upper()}_WEBHOOK", closed_port_url(slug))
    result = run("digest", "--week", WEEK, "--post", closed_port_url("company"), code=1)
    for slug in TEAMS:
        assert f"cannot reach the webhook of team {slug} (${slug.upper()}_WEBHOOK); trying once more" in result.stderr
        assert f"posting the digest of 2026-W48 for team {slug} failed" in result.stderr
    assert "cannot reach the company webhook (--post); trying once more" in result.stderr
    assert "posting the company summary of 2026-W48 failed" in result.stderr
    assert "4 of 4 posts failed: infra, robotics, vision, the company summary — each is said above\n" in result.stderr
    assert not list((company.cache / "posted").glob("*.json"))  # nothing was delivered: nothing is used up


def test_a_team_webhook_that_is_not_a_url_is_blamed_on_its_variable(company, run, fake_server, monkeypatch):
    url = hooks(fake_server, monkeypatch)
    monkeypatch.setenv("INFRA_WEBHOOK", "hooks.slack.com/services/T/B/X")
    result = run("digest", "--week", WEEK, "--post", url, code=2)
    assert "$INFRA_WEBHOOK (team infra) is not a webhook URL such as https://" in result.stderr
    assert "--post needs" not in result.stderr and "hooks.slack.com/services/T/B/X" not in result.stderr
    assert "1 of 4 posts failed: infra" in result.stderr
    assert sorted(path for path, _ in posts(fake_server)) == ["company", "robotics", "vision"]
    assert marker_state(company, "infra") is None


def test_digest_of_one_team_goes_to_its_own_webhook_in_its_chat_format(company, run, fake_server, monkeypatch):
    config = company.root / "ldkit.toml"
    config.write_text(config.read_text().replace('webhook_env = "VISION_WEBHOOK"',
                                                 'webhook_env = "VISION_WEBHOOK", chat = "mattermost"'))
    url = hooks(fake_server, monkeypatch)
    result = run("digest", "--week", WEEK, "--team", "vision", "--post", url)
    assert (company.digests / WEEK / "vision" / "index.html").is_file()
    assert not (company.digests / WEEK / "index.html").exists()
    [(path, body)] = posts(fake_server)
    assert path == "vision" and "chen" in body and "ada" not in body and SECRET not in body
    assert json.loads(body)["text"].startswith("#### Learning Day 2026-W48")  # Mattermost, not Block Kit
    assert "--team vision posts to the team's own webhook ($VISION_WEBHOOK), not to the URL given" in result.stdout
    assert "posted the digest of 2026-W48 for team vision to $VISION_WEBHOOK" in result.stdout
    assert fake_server.url not in result.stdout + result.stderr
    # the company run then posts the others, and says vision was posted
    full = run("digest", "--week", WEEK, "--post", url)
    assert sorted(path for path, _ in posts(fake_server)) == ["company", "infra", "robotics", "vision"]
    assert "the digest of 2026-W48 for team vision was already posted" in full.stdout
    # --repost with --team reposts that team only
    run("digest", "--week", WEEK, "--team", "vision", "--post", url, "--repost")
    assert [path for path, _ in posts(fake_server)].count("vision") == 2 and len(posts(fake_server)) == 5


def test_digest_of_one_team_without_its_webhook_is_refused_before_the_build(company, run, fake_server,
                                                                             monkeypatch):
    url = hooks(fake_server, monkeypatch)
    monkeypatch.delenv("VISION_WEBHOOK")
    result = run("digest", "--week", WEEK, "--team", "vision", "--post", url, code=2)
    assert "--team vision --post: the digest of team vision goes to its own webhook, and $VISION_WEBHOOK is not " \
           "set; nothing was sent" in result.stderr and "set VISION_WEBHOOK" in result.stderr
    monkeypatch.setenv("VISION_WEBHOOK", "not a url")
    bad = run("digest", "--week", WEEK, "--team", "vision", "--post", url, code=2)
    assert "$VISION_WEBHOOK (team vision) is not a webhook URL" in bad.stderr and "not a url" not in bad.stderr
    assert posts(fake_server) == [] and not (company.digests / WEEK).exists()


HOSTILE = {"robotics": "<!channel> Robo *Ops*", "vision": "Vision & Perception @here"}


@pytest.mark.parametrize("chat", ["slack", "mattermost", "teams"])
def test_team_names_are_escaped_in_the_company_summary_like_all_user_text(company, run, fake_server,
                                                                          monkeypatch, chat):
    from ldkit.chat import service

    config = company.root / "ldkit.toml"
    text = config.read_text()
    for slug, name in HOSTILE.items():
        text = text.replace(f'name = "{slug.title()}"', f'name = "{name}"')
    config.write_text(text)
    url = hooks(fake_server, monkeypatch)
    run("digest", "--week", WEEK, "--format", "md", "--post", url, "--chat", chat)
    body = dict(posts(fake_server))["company"]
    payload = json.loads(body)
    escape = {"slack": "mrkdwn", "mattermost": "plain", "teams": "plain"}[chat]
    shown = json.dumps(payload, ensure_ascii=False)
    for name in HOSTILE.values():
        escaped = getattr(service(chat), escape)(name)
        assert json.dumps(escaped, ensure_ascii=False)[1:-1] in shown
        assert escaped == name or name not in shown
    assert "<!channel>" not in shown  # a bare @here pings in Mattermost only, and is broken there (below)
    if chat == "slack":
        assert "• *&lt;!channel&gt; Robo *Ops** — 2 of 2 took part" in payload["blocks"][0]["text"]["text"]
        assert "• *Vision &amp; Perception @here* — 1 of 2 took part" in payload["blocks"][0]["text"]["text"]
    elif chat == "mattermost":
        assert "• **Vision &amp;" not in payload["text"] and "• **Vision & Perception @\u200bhere** — " in \
            payload["text"]
    else:
        assert payload["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    md = (company.digests / WEEK / "digest.md").read_text()
    assert "• *‹!channel› Robo ∗Ops∗* — " in md  # digest.md: as plain as every other user text in it


def test_reminders_go_to_each_team_once(company, run, fake_server, monkeypatch, new_workbook):
    import time_machine

    url = hooks(fake_server, monkeypatch)
    with time_machine.travel(ON_THE_DAY):
        result = run("remind", "outcome", "--week", WEEK, "--post", url)
        sent = dict(posts(fake_server))
        assert sorted(sent) == ["company", "vision"]  # robotics and infra are done; zed has no team
        assert "UDANA" in sent["vision"] and "UCHEN" not in sent["vision"] and "zed" in sent["company"]
        assert "vision: reminded dana" in result.stdout
        run("remind", "outcome", "--week", WEEK, "--post", url)
        assert len(posts(fake_server)) == 2
    assert (company.cache / "posted" / f"{WEEK}.vision.remind-outcome.json").is_file()


def test_a_dry_run_of_the_company_reminders_says_where_each_would_go(company, run, monkeypatch):
    import time_machine

    monkeypatch.setenv("VISION_WEBHOOK", "http://127.0.0.1:9/vision")
    with time_machine.travel(ON_THE_DAY):
        said = run("remind", "outcome", "--week", WEEK, "--dry-run").stdout
    assert "vision: would name dana on slack, to its webhook" in said
    assert "\n  | " in said and "the outcome form at the end of your workbook" in said  # as --team shows it
    assert "without a team: would name zed on slack, to --post" in said
    assert "robotics: nobody to remind" in said and "(dry run: nothing sent)" in said


def crawl(site):
    """Every page reachable from the site's index: (pages seen, internal links that resolve nowhere)."""
    from tests.test_site import internal, parse

    seen, broken, todo = set(), [], [site / "index.html"]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        for href in parse(page).hrefs:
            if not internal(href):
                continue
            target = (page.parent / href.split("#")[0]).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif target.suffix == ".html":
                todo.append(target)
    return seen, broken


def test_the_company_site_shows_teams_and_who_studied_what(company, run):
    run("site", "--quiet")
    site = company.root / "site"
    seen, broken = crawl(site)
    assert broken == []
    names = {str(p.relative_to(site.resolve())) for p in seen}
    assert {"teams/index.html", "teams/robotics/index.html", "teams/vision/index.html",
            "teams/infra/index.html"} <= names
    for path in site.rglob("*.html"):
        text = path.read_text()
        assert "<script" not in text and "default-src 'none'" in text, path
        assert SECRET not in text, path
    index = (site / "index.html").read_text()
    assert "Teams side by side" in index and 'href="teams/robotics/index.html"' in index
    robotics = (site / "teams" / "robotics" / "index.html").read_text()
    assert 'href="../../people/ada/index.html"' in robotics and "chen" not in robotics
    topic = (site / "topics" / "other" / "index.html").read_text()
    assert "Who studied it" in topic and 'href="../../teams/vision/index.html">Vision</a>' in topic  # its name


def test_team_and_topic_pages_name_people_as_the_roster_does(company, run, new_workbook):
    """The roster's `name` on a team's People table and in "Who studied it" (the links still use the slug)."""
    run("team", "add", "fay", "--name", "Fay <Wray>", "--team", "infra")
    path = new_workbook("blank", "Fay on diffusion", "--week", WEEK, "--author", "fay")
    run("log", "plan", path, "--goal", "fay learns diffusion", "--hours", "2")
    run("site", "--quiet")
    site = company.root / "site"
    infra = (site / "teams" / "infra" / "index.html").read_text()
    assert '<a href="../../people/fay/index.html">Fay &lt;Wray&gt;</a>' in infra
    assert ">eve</a>" in infra  # no name on the roster: the slug
    topic = (site / "topics" / "other" / "index.html").read_text()
    assert '<a href="../../people/fay/index.html">Fay &lt;Wray&gt;</a>' in topic
    rows = json.loads(run("who", "diffusion", "--json").stdout)["people"]
    assert {r["author"]: r["name"] for r in rows}["fay"] == "Fay <Wray>"
    terminal = run("who", "diffusion").stdout.splitlines()  # the terminal names people and teams as pages do
    assert [line.split()[:4] for line in terminal if "fay" in line] == [["Fay", "<Wray>", "(fay)", "Infra"]]
    assert [line.split()[:2] for line in terminal if "eve" in line] == [["eve", "Infra"]]


def test_the_teams_table_compares_every_team_on_the_same_learning_day(company, run, new_workbook):
    """Tuesday of the next week, robotics has already planned: the table still shows the day just held, W48, for
    every team (a day still to come is no week to compare teams on); from its Thursday on, W49."""
    import re

    import time_machine

    path = new_workbook("blank", "Ada plans early", "--week", "2026-W49", "--author", "ada")
    run("log", "plan", path, "--goal", "ada plans early", "--hours", "2")

    def latest() -> dict[str, str]:
        run("site", "--quiet")
        page = (company.root / "site" / "teams" / "index.html").read_text()
        return dict(re.findall(r'<a href="[^"]*teams/(\w+)/index.html">\w+</a></th><td>\d+</td><td>([^<]*)</td>',
                               page))

    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)):
        assert latest() == {"infra": "1 (2026-W48)", "robotics": "2 (2026-W48)", "vision": "1 (2026-W48)"}
    with time_machine.travel(dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.timezone.utc)):
        assert latest() == {"infra": "0 (2026-W49)", "robotics": "1 (2026-W49)", "vision": "0 (2026-W49)"}


def test_without_teams_the_site_has_no_team_pages(ws, run, new_workbook):
    path = new_workbook("blank", "Alone", "--week", WEEK)
    run("log", "outcome", path, "--summary", "fine", "--hours", "1")
    run("site", "--quiet")
    assert not (ws.root / "site" / "teams").exists()
    assert "Teams side by side" not in (ws.root / "site" / "index.html").read_text()


def test_who_has_studied_diffusion(company, run):
    answer = json.loads(run("who", "diffusion", "--json").stdout)
    assert [(p["author"], p["team"], p["team_name"], p["weeks"], p["hours"]) for p in answer["people"]] == [
        ("ada", "robotics", "Robotics", [WEEK], 3.0), ("bob", "robotics", "Robotics", [WEEK], 3.0),
        ("chen", "vision", "Vision", [WEEK], 3.0), ("eve", "infra", "Infra", [WEEK], 3.0)]
    robotics = run("who", "diffusion", "--team", "robotics").stdout
    assert "2 people, 6 h" in robotics and "chen" not in robotics
    assert "Nobody has studied" in run("who", "secret").stdout  # a private workbook is never found
    topic = json.loads(run("who", "other", "--json").stdout)  # a topic: the plans' category
    assert len(topic["people"]) == 4
    assert "--team 'nope' is not a team" in run("who", "x", "--team", "nope", code=2).stderr


def test_two_team_repositories_joined_into_one_company_site(tmp_path, run, monkeypatch):
    from ldkit.workbook.setup import init_workspace

    company = init_workspace(tmp_path / "company")
    for slug, who in (("robotics", "ada"), ("vision", "chen")):
        team = init_workspace(company.root / "teams" / slug)  # checked out side by side, as CI does
        monkeypatch.chdir(team.root)
        run("team", "add", who)
        path = json.loads(run("new", "blank", "--title", f"{who} on diffusion", "--week", WEEK, "--author", who,
                              "--json").stdout)["path"]
        run("log", "outcome", path, "--summary", f"{who} learned diffusion", "--hours", "2")
        secret = json.loads(run("new", "blank", "--title", SECRET, "--week", WEEK, "--author", who,
                                "--json").stdout)["path"]
        run("log", "outcome", secret, "--summary", SECRET, "--private")
    monkeypatch.chdir(company.root)
    for slug in ("robotics", "vision"):
        run("team", "add-team", slug, "--name", slug.title())
    config = company.root / "ldkit.toml"
    config.write_text(config.read_text().replace('robotics = {name = "Robotics"}',
                                                 'robotics = {name = "Robotics", workspace = "teams/robotics"}')
                      .replace('vision = {name = "Vision"}', 'vision = {name = "Vision", workspace = "teams/vision"}'))
    result = run("site", "--quiet")
    assert "joined the workspaces of robotics, vision" in result.stdout
    site = company.root / "site"
    seen, broken = crawl(site)
    assert broken == []
    robotics = (site / "teams" / "robotics" / "index.html").read_text()
    assert "ada" in robotics and "chen" not in robotics
    assert "ada on diffusion" in (site / "people" / "ada" / "index.html").read_text()
    for path in site.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(errors="replace"), path
    again = run("site", "--quiet")
    assert "0 files updated" in again.stdout
    (company.root / "teams" / "vision" / "ldkit.toml").unlink()
    gone = run("site", code=2)
    assert "team vision:" in gone.stderr and "is not an ldkit workspace" in gone.stderr


def test_ci_checks_out_team_repositories_and_passes_each_team_webhook(company, run):
    import yaml

    config = company.root / "ldkit.toml"
    config.write_text(config.read_text().replace(
        'robotics = {name = "Robotics", webhook_env = "ROBOTICS_WEBHOOK"}',
        'robotics = {name = "Robotics", webhook_env = "ROBOTICS_WEBHOOK", workspace = "teams/robotics", '
        'repository = "acme/robotics-ld"}'))
    said = run("ci", "github").stdout
    assert "LEARNING_DAY_WEBHOOK, INFRA_WEBHOOK, ROBOTICS_WEBHOOK, VISION_WEBHOOK, TEAMS_READ_TOKEN" in said
    flow = yaml.safe_load((company.root / ".github" / "workflows" / "learning-day.yml").read_text())
    for job in ("site", "remind"):  # reminders read the teams' rosters too
        steps = flow["jobs"][job]["steps"]
        assert steps[1]["with"]["repository"] == "acme/robotics-ld" and steps[1]["with"]["path"] == "teams/robotics"
    env = next(s for s in flow["jobs"]["site"]["steps"] if s.get("name", "").startswith("Post the digest"))["env"]
    assert env["VISION_WEBHOOK"] == "${{ secrets.VISION_WEBHOOK }}" and "LEARNING_DAY_WEBHOOK" in env
    remind_env = flow["jobs"]["remind"]["steps"][-1]["env"]
    assert set(remind_env) == {"LEARNING_DAY_WEBHOOK", "INFRA_WEBHOOK", "ROBOTICS_WEBHOOK", "VISION_WEBHOOK"}
    crons = [c["cron"] for c in flow[True]["schedule"]]  # YAML 1.1 reads the key `on` as True
    assert len(crons) == 3 and "45 5 * * *" in crons  # the teams' pushes reach the site every morning
    said = run("ci", "gitlab").stdout
    assert "masked CI/CD variables LEARNING_DAY_WEBHOOK, INFRA_WEBHOOK" in said and "TEAMS_READ_TOKEN" not in said
    text = (company.root / ".gitlab-ci.yml").read_text()
    lines = yaml.safe_load(text)["default"]["before_script"]
    assert lines[1].startswith("apt-get update") and "install -y -qq --no-install-recommends git" in lines[1]
    assert lines[2] == ('git clone --depth 1 "https://gitlab-ci-token:${CI_JOB_TOKEN}@${CI_SERVER_HOST}/"'
                        'acme/robotics-ld.git teams/robotics')
    config.write_text(config.read_text().replace('"acme/robotics-ld"', '"https://git.example.org/acme/r.git"'))
    run("ci", "gitlab", "--force")
    assert "git clone --depth 1 https://git.example.org/acme/r.git teams/robotics" in \
        (company.root / ".gitlab-ci.yml").read_text()


def test_a_team_without_members_is_empty_not_everyone(company, run):
    run("team", "add-team", "newcomers", "--name", "Newcomers")
    status = json.loads(run("status", "--week", WEEK, "--team", "newcomers", "--json").stdout)
    assert status["authors"] == [] and status["missing"] == [] and status["totals"]["people"] == 0
    run("site", "--quiet")
    assert 'href="../teams/index.html">Teams</a>' in (company.root / "site" / "people" / "index.html").read_text()
