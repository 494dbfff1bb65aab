"""`ldkit remind` and the chat services (Slack, Mattermost, Teams) against a fake webhook on 127.0.0.1."""
import datetime as dt
import json

import pytest

from tests.conftest import snapshot
from tests.fakeserver import Reply

WEEK = "2026-W48"  # learning day Thursday 2026-11-26
ON_THE_DAY = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)  # Thursday in New York, Berlin, Shanghai


@pytest.fixture(autouse=True)
def on_the_day():
    """Reminders name only who is on their learning day: these tests run on it (12:00 UTC)."""
    import time_machine

    with time_machine.travel(ON_THE_DAY):
        yield


@pytest.fixture
def team(ws, run, new_workbook):
    run("team", "add", "ada", "--name", "Ada L.", "--chat", "U024BE7LH", "--tz", "Europe/Berlin")
    run("team", "add", "bob", "--name", "Bob <b>", "--chat", "U0BOB", "--tz", "America/New_York")
    run("team", "add", "chen", "--tz", "Asia/Shanghai")
    run("team", "add", "dana")
    path = new_workbook("blank", "Ada's day", "--week", WEEK, "--author", "ada")
    run("log", "plan", path, "--goal", "Learn things")
    run("skip", "--week", WEEK, "--author", "dana", "--reason", "holiday")
    return path


def hook(fake_server):
    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    return fake_server.url + "/hook"


def bodies(fake_server):
    return [json.loads(r.body) for r in fake_server.requests if r.method == "POST"]


def test_plan_reminder_names_who_has_not_planned_once(ws, run, team, fake_server):
    url = hook(fake_server)
    result = run("remind", "plan", "--week", WEEK, "--post", url)
    assert "reminded bob, chen to plan" in result.stdout and url not in result.stdout + result.stderr
    [body] = bodies(fake_server)
    text = body["blocks"][0]["text"]["text"]
    assert "<@U0BOB>" in text and "chen" in text and "U024BE7LH" not in text and "dana" not in text
    again = run("remind", "plan", "--week", WEEK, "--post", url)
    assert "already reminded: bob, chen" in again.stdout and len(bodies(fake_server)) == 1
    run("remind", "plan", "--week", WEEK, "--post", url, "--force")
    assert len(bodies(fake_server)) == 2
    marker = json.loads((ws.root / ".ldkit-cache" / "posted" / f"{WEEK}.remind-plan.json").read_text())
    assert marker["members"] == ["bob", "chen"] and url not in json.dumps(marker)


def test_nothing_is_sent_when_everyone_is_done(ws, run, team, fake_server, new_workbook):
    for who in ("bob", "chen"):
        run("log", "plan", new_workbook("blank", f"{who} plan", "--week", WEEK, "--author", who), "--goal", "g")
    result = run("remind", "plan", "--week", WEEK, "--post", hook(fake_server))
    assert "nobody to remind" in result.stdout and bodies(fake_server) == []


def test_whoever_wrote_an_outcome_is_not_asked_to_plan(ws, run, team, fake_server, new_workbook):
    """bob went straight to the outcome: the plan reminder leaves him out (chen still gets it)."""
    path = new_workbook("blank", "bob's day", "--week", WEEK, "--author", "bob")
    run("log", "outcome", path, "--summary", "did it", "--hours", "2")
    result = run("remind", "plan", "--week", WEEK, "--post", hook(fake_server))
    assert "reminded chen to plan" in result.stdout
    [body] = bodies(fake_server)
    assert "<@U0BOB>" not in json.dumps(body)


def test_each_member_is_reminded_when_their_local_time_has_come(team, fake_server):
    from ldkit.core.weeks import parse_week
    from ldkit.core.workspace import find_workspace
    from ldkit.team.remind import send_reminder

    ws = find_workspace()  # with the roster the fixture wrote
    url = hook(fake_server)
    at = dt.time(9, 0)
    # 2026-11-26 02:00 UTC: 10:00 in Shanghai (due), 03:00 in Berlin, 21:00 the day before in New York
    first = send_reminder(ws, parse_week(WEEK), "plan", url, "slack", at,
                          now=dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.timezone.utc))
    assert [m.slug for m in first.due] == ["chen"] and [m.slug for m in first.not_yet] == ["bob"]
    # 14:30 UTC: 09:30 in New York
    second = send_reminder(ws, parse_week(WEEK), "plan", url, "slack", at,
                           now=dt.datetime(2026, 11, 26, 14, 30, tzinfo=dt.timezone.utc))
    assert [m.slug for m in second.due] == ["bob"] and second.already == ["chen"]
    assert len(bodies(fake_server)) == 2


def test_dry_run_prints_and_sends_nothing(ws, run, team, fake_server):
    before = snapshot(ws.root / "workbooks"), (ws.root / "ldkit.toml").read_bytes()
    result = run("remind", "outcome", "--week", WEEK, "--dry-run")
    assert "Bob <b>" in result.stdout and "dry run: nothing sent" in result.stdout
    assert "ada" in result.stdout.split("would name")[1]  # planned, but no outcome yet
    assert (snapshot(ws.root / "workbooks"), (ws.root / "ldkit.toml").read_bytes()) == before
    assert fake_server.requests == [] and not (ws.root / ".ldkit-cache" / "posted").exists()


@pytest.mark.parametrize("args, message, code", [
    (["remind", "plan", "--week", WEEK], "needs --post WEBHOOK_URL", 2),
    (["remind", "plan", "--week", WEEK, "--post", "not a url"], "needs a webhook URL", 2),
    (["remind", "plan", "--week", WEEK, "--dry-run", "--at-local", "25:99"], "is not a time", 2),
])
def test_bad_remind_input(ws, run, team, args, message, code):
    result = run(*args, code=code)
    assert message in result.stderr and "Traceback" not in result.stderr


def test_mattermost_payloads(ws, run, team, fake_server):
    url = hook(fake_server)
    run("remind", "plan", "--week", WEEK, "--post", url, "--chat", "mattermost")
    run("digest", "--week", WEEK, "--quiet", "--post", url, "--chat", "mattermost")
    reminder, digest = bodies(fake_server)
    assert set(reminder) == {"text"} and "@U0BOB" in reminder["text"]
    assert set(digest) == {"text"} and digest["text"].startswith("#### Learning Day 2026-W48")
    # on the day ada's plan is taking part (the week is still open), and the post nudges her for the outcome
    assert "**Ada L.** —" in digest["text"] and "Planned, no outcome yet: Ada L." in digest["text"]  # roster names


def test_teams_payloads_are_adaptive_cards_with_mentions(ws, run, team, fake_server):
    url = hook(fake_server)
    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text().replace('chat = "slack"', 'chat = "teams"'))
    run("remind", "plan", "--week", WEEK, "--post", url)
    run("digest", "--week", WEEK, "--quiet", "--post", url)
    for body in bodies(fake_server):
        assert body["type"] == "message"
        [attachment] = body["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        card = attachment["content"]
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
        assert all(block["type"] == "TextBlock" for block in card["body"])
    reminder = bodies(fake_server)[0]["attachments"][0]["content"]
    mentions = reminder["msteams"]["entities"]
    assert {m["mentioned"]["id"] for m in mentions} == {"U0BOB"}
    assert all(m["text"] in reminder["body"][0]["text"] for m in mentions)
    assert "Bob \\<b\\>" in reminder["body"][0]["text"]  # user text shown as typed, never markup


def test_an_unknown_chat_setting_is_refused(ws, run):
    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text().replace('chat = "slack"', 'chat = "irc"'))
    assert "must be slack, mattermost or teams" in run("status", code=2).stderr


# --- a week lived from Tuesday to the Friday after, in three zones (learning day Thursday 2026-12-03) -------------

def _at(text):
    import time_machine

    return time_machine.travel(dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc), tick=False)


@pytest.fixture
def three_zones(ws, run):
    run("team", "add", "lee", "--tz", "America/Los_Angeles")  # UTC-8
    run("team", "add", "ben", "--tz", "Europe/Berlin")  # UTC+1
    run("team", "add", "kei", "--tz", "Asia/Tokyo")  # UTC+9
    return ws


def _posted(ws, kind):
    return ws.root / ".ldkit-cache" / "posted" / f"2026-W49.remind-{kind}.json"


def test_on_the_tuesday_before_remind_names_nobody_and_spends_nothing(three_zones, run, fake_server):
    ws, url = three_zones, hook(fake_server)
    with _at("2026-12-01T12:00"):
        for kind in ("plan", "outcome"):
            result = run("remind", kind, "--week", "2026-W49", "--post", url)
            assert "nobody to remind" in result.stdout and "has not begun yet in their zone: ben, kei, lee" in \
                result.stdout and "Thursday 2026-12-03" in result.stdout
            assert not _posted(ws, kind).exists()
        assert "Learning Day" not in run("remind", "plan", "--week", "2026-W49", "--dry-run").stdout
        assert bodies(fake_server) == []
        # held, on a Tuesday, is the week before: its day is over everywhere
        assert "already past in their zone: ben, kei, lee" in run("remind", "plan", "--week", "held",
                                                                  "--dry-run").stdout
        forced = run("remind", "plan", "--week", "2026-W49", "--post", url, "--force")
        assert "reminded ben, kei, lee to plan" in forced.stdout and len(bodies(fake_server)) == 1


def test_thursday_00_30_in_tokyo_is_the_day_there_only(three_zones, run, fake_server):
    ws, url = three_zones, hook(fake_server)
    with _at("2026-12-02T15:30"):  # Thu 00:30 Tokyo, Wed 16:30 Berlin, Wed 07:30 Los Angeles
        result = run("remind", "plan", "--week", "held", "--post", url, "--at-local", "09:00")
        assert "nobody to remind for the plan of 2026-W49" in result.stdout
        assert "later today (from 09:00 their time): kei (Asia/Tokyo)" in result.stdout
        assert "has not begun yet in their zone: ben, lee" in result.stdout
        assert not _posted(ws, "plan").exists() and bodies(fake_server) == []
        result = run("remind", "plan", "--week", "held", "--post", url)  # no --at-local: kei now
        assert "reminded kei to plan" in result.stdout
    with _at("2026-12-03T00:05"):  # Thu 09:05 Tokyo: kei already reminded; Berlin 01:05 (later today)
        result = run("remind", "plan", "--week", "held", "--post", url, "--at-local", "09:00")
        assert "already reminded: kei" in result.stdout and "later today (from 09:00 their time): ben" in \
            result.stdout and len(bodies(fake_server)) == 1


def test_thursday_23_30_in_los_angeles_is_still_the_day_there(three_zones, run, fake_server):
    url = hook(fake_server)
    with _at("2026-12-04T07:30"):  # Thu 23:30 Los Angeles, Fri 08:30 Berlin, Fri 16:30 Tokyo
        result = run("remind", "outcome", "--week", "held", "--post", url, "--at-local", "16:00")
        assert "reminded lee to summarize" in result.stdout
        [body] = bodies(fake_server)
        assert "lee" in json.dumps(body) and "kei" not in json.dumps(body) and "ben" not in json.dumps(body)
        again = run("remind", "outcome", "--week", "held", "--post", url, "--at-local", "16:00")
        assert "already reminded: lee" in again.stdout and "already past in their zone: ben, kei" in again.stdout
        assert len(bodies(fake_server)) == 1


def test_the_friday_after_names_nobody_unless_forced(three_zones, run, fake_server):
    ws, url = three_zones, hook(fake_server)
    with _at("2026-12-04T20:00"):  # Friday everywhere
        result = run("remind", "outcome", "--week", "held", "--post", url)
        assert "already past in their zone: ben, kei, lee" in result.stdout and "--force" in result.stdout
        assert not _posted(ws, "outcome").exists() and bodies(fake_server) == []
        assert "would name ben, kei, lee" in run("remind", "outcome", "--week", "held", "--dry-run",
                                                 "--force").stdout


@pytest.fixture
def two_teams(ws, run, monkeypatch):
    """A company: robotics (ada) and vision (chen), each on its own webhook, and zed on no team; nobody planned."""
    for slug in ("robotics", "vision"):
        run("team", "add-team", slug, "--webhook-env", f"{slug.upper()}_WEBHOOK")
    run("team", "add", "ada", "--team", "robotics")
    run("team", "add", "chen", "--team", "vision")
    run("team", "add", "zed")
    return ws


def test_company_reminders_try_every_team_and_name_each_failure(two_teams, run, fake_server, monkeypatch):
    from tests.test_company import closed_port_url

    fake_server.route("/company", Reply(body=b"ok"), method="POST")
    fake_server.route("/vision", Reply(status=500, body=b"boom"), method="POST")
    monkeypatch.setenv("ROBOTICS_WEBHOOK", closed_port_url("robotics"))
    monkeypatch.setenv("VISION_WEBHOOK", f"{fake_server.url}/vision")
    url = f"{fake_server.url}/company"
    result = run("remind", "plan", "--week", WEEK, "--post", url, code=1)
    err = result.stderr
    assert "cannot reach the webhook of team robotics ($ROBOTICS_WEBHOOK); trying once more" in err
    assert ("posting the plan reminder of 2026-W48 for team robotics failed: cannot reach the webhook of team "
            "robotics ($ROBOTICS_WEBHOOK); nothing was sent") in err
    assert ("the plan reminder of 2026-W48 for team vision may have been posted: the webhook of team vision "
            "($VISION_WEBHOOK) answered HTTP 500 (boom)") in err
    assert "2 of 3 reminders failed: robotics, vision" in err
    assert "without a team: reminded zed" in result.stdout
    assert sorted(r.path for r in fake_server.requests) == ["/company", "/vision"]
    assert fake_server.url not in result.stdout + err
    posted = two_teams.root / ".ldkit-cache" / "posted"
    assert json.loads((posted / f"{WEEK}.vision.remind-plan.json").read_text())["state"] == "maybe"
    assert not (posted / f"{WEEK}.robotics.remind-plan.json").exists()  # nothing sent: nothing used up
    monkeypatch.setenv("ROBOTICS_WEBHOOK", "hooks.slack.com/services/T/B/X")
    again = run("remind", "plan", "--week", WEEK, "--post", url, code=2)
    assert "$ROBOTICS_WEBHOOK (team robotics) is not a webhook URL" in again.stderr
    assert "--post needs" not in again.stderr and "services/T/B/X" not in again.stderr
    assert "the plan reminder of 2026-W48 for team vision may have been posted" in again.stderr
    assert "to send it anyway, pass --force" in again.stderr
    assert "without a team: nobody to remind" in again.stdout and "already reminded: zed" in again.stdout
    assert len(fake_server.requests) == 2


def test_one_teams_reminder_goes_to_its_own_webhook_never_to_the_url_given(two_teams, run, fake_server,
                                                                         monkeypatch):
    """As `digest --team`: the URL given is for members without a team. Posting vision's reminder there would
    also use up vision's marker, so its own channel would never hear it."""
    for path in ("/company", "/vision"):
        fake_server.route(path, Reply(body=b"ok"), method="POST")
    url = f"{fake_server.url}/company"
    monkeypatch.delenv("VISION_WEBHOOK", raising=False)
    before = snapshot(two_teams.root)
    refused = run("remind", "plan", "--week", WEEK, "--team", "vision", "--post", url, code=2)
    assert ("--team vision: the plan reminder of team vision goes to its own webhook, and $VISION_WEBHOOK is not "
            "set; nothing was sent") in refused.stderr and "set VISION_WEBHOOK" in refused.stderr
    assert fake_server.requests == [] and snapshot(two_teams.root) == before
    monkeypatch.setenv("VISION_WEBHOOK", f"{fake_server.url}/vision")
    result = run("remind", "plan", "--week", WEEK, "--team", "vision", "--post", url)
    assert "reminds on the team's own webhook ($VISION_WEBHOOK), not on the URL given" in result.stdout
    assert "reminded chen to plan" in result.stdout
    assert [r.path for r in fake_server.requests] == ["/vision"] and fake_server.url not in result.stdout
    alone = run("remind", "outcome", "--week", WEEK, "--team", "vision")  # no --post needed for a team
    assert "reminded chen to summarize" in alone.stdout and "note" not in alone.stdout
    assert [r.path for r in fake_server.requests] == ["/vision", "/vision"]
