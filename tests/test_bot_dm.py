"""`ldkit remind … --dm`: one Slack direct message per member due, with a button opening the form, once each."""
from __future__ import annotations

import json

import pytest

from tests.fakeserver import Reply

WEEK = "2026-W48"


@pytest.fixture
def slack_api(ws, run, new_workbook, fake_server, monkeypatch, clock):
    # the learning day of W48 in all three zones (Berlin 15:00, New York 09:00, Shanghai 22:00): reminders are sent
    # only on each member's own learning day
    clock.at("2026-11-26T14:00:00Z")
    run("team", "add", "ada", "--name", "Ada L.", "--chat", "U0ADA", "--tz", "Europe/Berlin")
    run("team", "add", "bob", "--name", "Bob <!channel>", "--chat", "U0BOB", "--tz", "America/New_York")
    run("team", "add", "chen", "--tz", "Asia/Shanghai")
    path = new_workbook("blank", "Ada's day", "--week", WEEK, "--author", "ada")
    run("log", "plan", path, "--goal", "Learn things")
    fake_server.route("/api/chat.postMessage", Reply(body=b'{"ok": true}', headers={
        "Content-Type": "application/json"}), method="POST")
    monkeypatch.setenv("SLACK_API_URL", fake_server.url + "/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-dm-secret")
    return fake_server


def messages(fake_server):
    return [json.loads(r.body) for r in fake_server.requests if r.path == "/api/chat.postMessage"]


def test_dm_reminder_goes_to_each_member_due_once_with_a_form_button(ws, run, slack_api):
    result = run("remind", "plan", "--week", WEEK, "--dm")
    assert "sent a direct message to bob" in result.stdout
    assert "no chat id on the roster for chen" in result.stderr
    assert "xoxb-dm-secret" not in result.stdout + result.stderr
    [message] = messages(slack_api)
    assert message["channel"] == "U0BOB"
    assert "<!channel>" not in message["text"] and "&lt;!channel&gt;" in message["text"]
    blocks = message["blocks"] if isinstance(message["blocks"], list) else json.loads(message["blocks"])
    button = blocks[1]["elements"][0]
    assert button["action_id"] == "ldkit-open-form" and button["value"] == "plan"
    again = run("remind", "plan", "--week", WEEK, "--dm")
    assert "nobody to remind" in again.stdout and "already reminded: bob" in again.stdout
    assert len(messages(slack_api)) == 1
    run("remind", "outcome", "--week", WEEK, "--dm")  # another kind is another reminder
    assert sorted(m["channel"] for m in messages(slack_api)[1:]) == ["U0ADA", "U0BOB"]
    run("remind", "plan", "--week", WEEK, "--dm", "--force")
    assert len(messages(slack_api)) == 4


def test_a_refused_dm_is_tried_again_next_run(ws, run, slack_api):
    slack_api.route("/api/chat.postMessage", Reply(body=b'{"ok": false, "error": "channel_not_found"}',
                                                   headers={"Content-Type": "application/json"}),
                    Reply(body=b'{"ok": true}', headers={"Content-Type": "application/json"}), method="POST")
    result = run("remind", "plan", "--week", WEEK, "--dm")
    assert "Slack refused the message to bob" in result.stderr
    assert "sent a direct message to bob" in run("remind", "plan", "--week", WEEK, "--dm").stdout


def test_dm_needs_the_bot_token(ws, run, slack_api, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    result = run("remind", "plan", "--week", WEEK, "--dm", code=2)
    assert "needs SLACK_BOT_TOKEN" in result.stderr
