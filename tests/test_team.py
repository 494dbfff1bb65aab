"""The roster: `ldkit team add|remove|list`, and a member with no workbook reported everywhere a missing person is."""
import json

import pytest

from tests.conftest import snapshot

WEEK = "2026-W48"


def test_add_list_remove_keep_the_files_comments(ws, run):
    config = ws.root / "ldkit.toml"
    original = config.read_text()
    run("team", "add", "Ada Lovelace", "--name", "Ada L.", "--chat", "U024BE7LH", "--tz", "Europe/Berlin")
    run("team", "add", "bob", "--tz", "America/New_York")
    text = config.read_text()
    assert text.startswith(original.rstrip("\n")[:200])  # everything before, comments included, kept
    assert "# Currency for self-study expenses" in text
    listed = json.loads(run("team", "list", "--json").stdout)
    assert listed == [{"slug": "ada-lovelace", "name": "Ada L.", "chat": "U024BE7LH", "tz": "Europe/Berlin",
                       "email": ""},
                      {"slug": "bob", "name": "", "chat": "", "tz": "America/New_York", "email": ""}]
    run("team", "add", "bob", "--name", "Bob B.")  # an update keeps the other fields
    assert json.loads(run("team", "list", "--json").stdout)[1]["tz"] == "America/New_York"
    assert "bob is off the roster" in run("team", "remove", "bob").stdout
    assert [m["slug"] for m in json.loads(run("team", "list", "--json").stdout)] == ["ada-lovelace"]


@pytest.mark.parametrize("args, message", [
    (["team", "add", "ada", "--tz", "Mars/Olympus"], "is not an IANA zone"),
    (["team", "remove", "nobody"], "nobody is not on the roster"),
])
def test_bad_roster_input_changes_nothing(ws, run, args, message):
    before = snapshot(ws.root)
    result = run(*args, code=2)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot(ws.root) == before


@pytest.mark.parametrize("table, message", [
    ('[team]\nada = { tz = "Nowhere/Land" }\n', "is not an IANA zone"),
    ('[team]\nada = { colour = "red" }\n', "unknown field 'colour'"),
    ('[team]\nada = "Ada"\n', "must be a table"),
    ('[team]\n"Ada L" = { tz = "UTC" }\n', "must be written as its slug 'ada-l'"),
])
def test_a_hand_edited_roster_is_checked(ws, run, table, message):
    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text() + "\n" + table)
    result = run("status", code=2)
    assert message in result.stderr and str(config) in result.stderr


def test_a_member_without_a_workbook_is_missing_everywhere(ws, run, new_workbook, clock):
    clock.at("2026-11-26T12:00:00Z")  # the week's learning day: bob has no workbook *yet*
    new_workbook("blank", "Guest", "--week", WEEK, "--author", "guest")  # before the roster, which refuses guests
    for who in ("alice", "bob", "chen"):
        run("team", "add", who)
    path = new_workbook("blank", "Alice's week", "--week", WEEK, "--author", "alice")
    run("log", "plan", path, "--goal", "g")
    run("skip", "--week", WEEK, "--author", "chen", "--reason", "holiday")
    status = json.loads(run("status", "--week", WEEK, "--json").stdout)
    assert [p["author"] for p in status["authors"]] == ["alice", "bob", "chen", "guest"]
    assert status["missing"] == ["bob"] and status["not_on_roster"] == ["guest"]
    text = run("status", "--week", WEEK).stdout
    assert "bob\n  no workbook yet" in text and "guest  (not on the roster)" in text and "week off: holiday" in text
    run("digest", "--week", WEEK, "--quiet", "--format", "json", "--format", "md")
    model = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    assert model["team"] == ["alice", "bob", "chen"]
    assert model["accountability"]["no_workbook"] == ["bob"]
    assert model["accountability"]["not_on_roster"] == ["guest"]
    page = (ws.root / "digests" / WEEK / "index.html").read_text()
    assert "No workbook this week: bob" in page and "not on the roster: guest" in page
    assert "No workbook this week: bob" in (ws.root / "digests" / WEEK / "digest.md").read_text()
    run("site", "--quiet")
    assert "No workbook this week: bob" in (ws.root / "site" / "weeks" / WEEK / "index.html").read_text()


def test_a_name_with_no_letters_is_refused(ws, run):
    before = snapshot(ws.root)
    result = run("team", "add", "!!!", code=2)
    assert "has no letters or digits" in result.stderr and snapshot(ws.root) == before


@pytest.mark.parametrize("command", ["add", "remove"])
def test_an_empty_member_name_is_refused_in_the_roster_commands_words(ws, run, command):
    run("team", "add-team", "robotics")
    before = snapshot(ws.root)
    result = run("team", command, "", *(["--team", "robotics"] if command == "add" else []), code=2)
    assert f"ldkit team {command}: the member name '' has no letters or digits to make a slug of" in result.stderr
    assert f"e.g. ldkit team {command} ada" in result.stderr
    assert "--author" not in result.stderr and "LDKIT_AUTHOR" not in result.stderr  # another command's advice
    assert len(result.stderr.strip().splitlines()) == 1 and snapshot(ws.root) == before


def test_a_name_that_is_more_than_its_slug_is_kept_as_the_members_name(ws, run):
    run("team", "add-team", "vision")
    result = run("team", "add", "José García", "--team", "vision")
    assert "jose-garcia is on the roster (José García), team vision" in result.stdout
    assert "'José García' is written as the slug jose-garcia" in result.stdout
    member = json.loads(run("team", "list", "--json").stdout)[0]
    assert (member["slug"], member["name"], member["team"]) == ("jose-garcia", "José García", "vision")
    run("team", "add", "José García", "--tz", "Europe/Madrid")  # an update keeps the name
    run("team", "add", "jose-garcia", "--name", "Pepe")  # --name says otherwise
    assert json.loads(run("team", "list", "--json").stdout)[0]["name"] == "Pepe"
    plain = run("team", "add", "bob")
    assert plain.stdout == "bob is on the roster\n"  # a slug as typed: no name made up, nothing more to say
    assert json.loads(run("team", "list", "--json").stdout)[0]["name"] == ""


def test_the_command_that_sets_a_valid_value_repairs_a_hand_edited_one(ws, run):
    config = ws.root / "ldkit.toml"
    run("team", "add-team", "robotics", "--webhook-env", "ROBOTICS_WEBHOOK")
    config.write_text(config.read_text() + '\n[teams.data]\nwebhook_env = "https://hooks.example.org/T0/B0/XYZ"\n')
    refused = run("status", code=2)
    assert "webhook_env names the environment variable" in refused.stderr and "XYZ" not in refused.stderr
    assert "ldkit team add-team data --webhook-env DATA_WEBHOOK" in refused.stderr  # the fix, said
    before = snapshot(ws.root)
    other = run("team", "add-team", "vision", "--webhook-env", "VISION_WEBHOOK", code=2)  # mends nothing
    assert "webhook_env names the environment variable" in other.stderr and snapshot(ws.root) == before
    mended = run("team", "add-team", "data", "--webhook-env", "DATA_WEBHOOK")
    assert "team data is in [teams]; its digest and reminders go to $DATA_WEBHOOK" in mended.stdout
    assert "reads again" in mended.stdout and "XYZ" not in mended.stdout
    assert "hooks.example.org" not in config.read_text() and "robotics" in config.read_text()
    teams = {t["slug"]: t["webhook_env"] for t in json.loads(run("team", "teams", "--json").stdout)}
    assert teams == {"data": "DATA_WEBHOOK", "robotics": "ROBOTICS_WEBHOOK"}
    run("status")
    # a member's hand-edited zone, the same way
    config.write_text(config.read_text() + '\n[team]\nada = { tz = "Nowhere/Land" }\n')
    assert "is not an IANA zone" in run("team", "add", "bob", code=2).stderr
    assert "reads again" in run("team", "add", "ada", "--tz", "Europe/Berlin").stdout
    assert json.loads(run("team", "list", "--json").stdout)[0]["tz"] == "Europe/Berlin"
    assert "reads again" not in run("team", "add", "bob").stdout  # a readable file: the usual way


def test_team_add_takes_an_email_and_refuses_a_bad_one(ws, run):
    config = ws.root / "ldkit.toml"
    run("team", "add", "bob", "--name", "Bob M.", "--email", "bob@example.org")
    assert json.loads(run("team", "list", "--json").stdout)[0]["email"] == "bob@example.org"
    before = snapshot(ws.root)
    for bad in ("bob", "bob@", "a b@example.org", "bob@example.org\nx"):
        result = run("team", "add", "bob", "--email", bad, code=2)
        assert "is not an email address" in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert snapshot(ws.root) == before
    config.write_text(config.read_text() + 'carl = { email = "BOB@example.org" }\n')
    assert "the same email" in run("status", code=2).stderr


def test_with_a_roster_new_refuses_an_author_not_on_it_and_says_how_to_fix_it(ws, run):
    run("team", "add", "ada")
    before = snapshot(ws.root)
    result = run("new", "blank", "--title", "x", "--author", "Zed", code=2)
    assert "'zed' is not on the team's roster (ada)" in result.stderr
    for fix in ("--author NAME", "LDKIT_AUTHOR", "ldkit team add zed --email"):
        assert fix in result.stderr
    assert snapshot(ws.root) == before
    run("new", "blank", "--title", "x", "--author", "ada")


def test_roster_names_are_shown_wherever_people_are_named(ws, run, clock):
    """With a roster name the pages, digest.md and chat posts say "Ada L."; links and folders keep the slug; a
    member without a name is shown by the slug."""
    import json as _json
    from pathlib import Path as _Path

    from ldkit.chat.slack import digest_payload
    from ldkit.core.workspace import find_workspace
    from ldkit.digest.collect import collect
    from ldkit.model.week import build_model
    from ldkit.site.build import build_site

    clock.at("2026-12-03T10:00:00Z", tz="Europe/Berlin")
    run("team", "add", "ada", "--name", "Ada L.")
    run("team", "add", "bob")
    for who in ("ada", "bob"):
        path = _Path(_json.loads(run("new", "blank", "--title", f"Notes of {who}", "--author", who,
                                     "--json").stdout)["path"])
        run("log", "outcome", path, "--summary", "Learned things.")
    run("digest", "--week", "2026-W49", "--format", "html", "--format", "md")
    folder = ws.root / "digests" / "2026-W49"
    page, md = (folder / "index.html").read_text(), (folder / "digest.md").read_text()
    assert "<h3>Ada L.</h3>" in page and "<h3>bob</h3>" in page and "Ada L., bob" in page
    assert "*Ada L.*" in md and "*bob*" in md
    workspace = find_workspace()
    model = build_model(workspace, collect(workspace, workspace.read_week("2026-W49")), {})
    assert "*Ada L.*" in _json.dumps(digest_payload(model, "x"))
    build_site(workspace, ws.root / "site")
    person = (ws.root / "site" / "people" / "ada" / "index.html").read_text()
    assert "<h1>Ada L.</h1>" in person
    assert 'href="people/ada/index.html">Ada L.</a>' in (ws.root / "site" / "index.html").read_text()
