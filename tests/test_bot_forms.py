"""`/learningday` alone opens the plan or outcome form (Slack modal, Mattermost dialog); submissions are saved with
the same checks as the notebook forms, and a bad field is shown on that field."""
from __future__ import annotations

import json
import time

import httpx
import pytest

from ldkit.records.workbook import load_workbook
from tests.botkit import (
    MM_TOKEN,
    journal_lines,
    mattermost_command,
    mattermost_headers,
    slack_command,
    slack_headers,
    slack_interaction,
)
from tests.fakeserver import Reply
from tests.test_bot import WEEK, slack


@pytest.fixture
def slack_api(fake_server):
    for method in ("views.open", "chat.postMessage"):
        fake_server.route(f"/api/{method}", Reply(body=b'{"ok": true}', headers={"Content-Type": "application/json"}),
                          method="POST")
    fake_server.route("/api/v4/actions/dialogs/open", Reply(body=b'{"status": "OK"}'), method="POST")
    return fake_server


def calls(fake_server, path):
    return [r for r in fake_server.requests if r.path == path]


def submission(view, values, user="U0ADA"):
    state = {}
    for block, value in values.items():
        if isinstance(value, bool):
            chosen = [{"value": "private"}] if value else []
            state[block] = {"value": {"type": "checkboxes", "selected_options": chosen}}
        elif block in ("category", "status", "workbook"):
            state[block] = {"value": {"type": "static_select", "selected_option": {"value": value}}}
        else:
            state[block] = {"value": {"type": "plain_text_input", "value": value}}
    return {"type": "view_submission", "user": {"id": user, "username": "ada"}, "api_app_id": "A123",
            "view": {"id": "V1", "callback_id": view["callback_id"], "private_metadata": view["private_metadata"],
                     "state": {"values": state}, "hash": "1.abc"}}


def post_interaction(server, payload):
    body = slack_interaction(payload)
    return httpx.post(server.url + "/slack/interactions", content=body, headers=slack_headers(body))


def test_slack_modal_opens_and_its_submission_is_saved(server, roster, slack_api):
    reply = slack(server, "")
    assert reply.status_code == 200 and reply.content == b""
    opened = calls(slack_api, "/api/views.open")
    assert len(opened) == 1
    assert opened[0].headers["Authorization"] == "Bearer xoxb-test"
    sent = json.loads(opened[0].body)
    view = sent["view"] if isinstance(sent["view"], dict) else json.loads(sent["view"])
    assert sent["trigger_id"].startswith("13345224609.")
    assert view["type"] == "modal" and [b["block_id"] for b in view["blocks"]] == [
        "goal", "category", "resources", "hours", "private"]
    assert json.loads(view["private_metadata"]) == {"kind": "plan", "week": WEEK}

    bad = post_interaction(server, submission(view, {"goal": "Learn Lean 4", "category": "fundamentals",
                                                     "hours": "30"}))
    assert bad.json()["response_action"] == "errors" and "hours" in bad.json()["errors"]
    assert journal_lines(roster.root) == []

    good = post_interaction(server, submission(view, {"goal": "Learn Lean 4", "category": "fundamentals",
                                                      "resources": "https://lean-lang.org\nTPIL", "hours": "5",
                                                      "private": False}))
    assert good.status_code == 200 and good.content == b""
    plan = load_workbook(roster.root / "workbooks" / WEEK / "ada" / "learn-lean-4.ipynb").records.plan["data"]
    assert plan == {"goal": "Learn Lean 4", "category": "fundamentals", "resources": ["https://lean-lang.org", "TPIL"],
                    "planned_hours": 5, "visibility": "team"}
    for _ in range(100):
        if calls(slack_api, "/api/chat.postMessage"):
            break
        time.sleep(0.05)
    told = calls(slack_api, "/api/chat.postMessage")
    assert len(told) == 1 and json.loads(told[0].body)["channel"] == "U0ADA"
    assert "Saved your plan: Learn Lean 4" in json.loads(told[0].body)["text"]

    # with a plan saved, the form asks for the outcome, and an unknown category or status is refused
    body = slack_command("", trigger_id="another-trigger")  # a new command (the same body would be a retry)
    httpx.post(server.url + "/slack/commands", content=body, headers=slack_headers(body))
    view = json.loads(calls(slack_api, "/api/views.open")[-1].body)["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert json.loads(view["private_metadata"])["kind"] == "outcome"
    assert [b["block_id"] for b in view["blocks"]][-2:] == ["pulled_into_work", "private"]
    assert [o["value"] for o in view["blocks"][-2]["element"]["options"]] == ["no", "some", "most"]
    bad = post_interaction(server, submission(view, {"summary": "Tactics!", "status": "finished"}))
    assert "status" in bad.json()["errors"]
    lines = journal_lines(roster.root)
    bad = post_interaction(server, submission(view, {"summary": "Tactics!", "status": "done",
                                                     "pulled_into_work": "all of it"}))  # a forged answer
    assert "not an answer" in bad.json()["errors"]["pulled_into_work"]
    assert journal_lines(roster.root) == lines  # nothing saved
    good = post_interaction(server, submission(view, {"summary": "Tactics! <!channel> <script>x</script>",
                                                      "status": "stuck", "hours": "4", "links": "javascript:alert(1)",
                                                      "next_steps": "<@U0BOB> `x`", "expenses": "book = 30 EUR",
                                                      "pulled_into_work": "some", "private": True}))
    assert good.status_code == 200
    outcome = load_workbook(roster.root / "workbooks" / WEEK / "ada" / "learn-lean-4.ipynb").records.outcome["data"]
    assert outcome["status"] == "stuck" and outcome["visibility"] == "private"
    assert outcome["pulled_into_work"] == "some"  # the organizer's "used for work" answer, as in the notebook form
    assert outcome["expenses"] == [{"item": "book", "amount": 30, "currency": "EUR"}]
    assert outcome["summary"] == "Tactics! <!channel> <script>x</script>"  # saved as typed
    for _ in range(100):
        if len(calls(slack_api, "/api/chat.postMessage")) == 2:
            break
        time.sleep(0.05)
    told = json.loads(calls(slack_api, "/api/chat.postMessage")[-1].body)["text"]
    assert "Tactics! &lt;!channel&gt; &lt;script&gt;" in told and "<!channel>" not in told  # shown, never markup


def test_a_submission_not_signed_by_slack_saves_nothing(server, roster, slack_api):
    payload = {"type": "view_submission", "user": {"id": "U0ADA"}, "view": {
        "callback_id": "ldkit-form", "private_metadata": json.dumps({"kind": "plan", "week": WEEK}),
        "state": {"values": {"goal": {"value": {"value": "forged"}}}}}}
    body = slack_interaction(payload)
    reply = httpx.post(server.url + "/slack/interactions", content=body, headers=slack_headers(body, secret="x"))
    assert reply.status_code == 401 and journal_lines(roster.root) == []


def test_the_reminder_button_opens_the_form_it_names(server, roster, slack_api):
    payload = {"type": "block_actions", "user": {"id": "U0ADA"}, "trigger_id": "trig-1",
               "actions": [{"action_id": "ldkit-open-form", "value": "outcome"}]}
    assert post_interaction(server, payload).status_code == 200
    sent = json.loads(calls(slack_api, "/api/views.open")[-1].body)
    view = sent["view"] if isinstance(sent["view"], dict) else json.loads(sent["view"])
    assert sent["trigger_id"] == "trig-1" and json.loads(view["private_metadata"])["kind"] == "outcome"


def test_mattermost_dialog_opens_and_its_signed_submission_is_saved(server, roster, slack_api):
    body = mattermost_command("")
    reply = httpx.post(server.url + "/mattermost/commands", content=body, headers=mattermost_headers())
    assert reply.status_code == 200
    opened = calls(slack_api, "/api/v4/actions/dialogs/open")
    assert len(opened) == 1
    sent = json.loads(opened[0].body)
    assert sent["url"] == server.url + "/mattermost/actions"
    assert sent["trigger_id"].startswith("mmtrigger-")
    dialog = sent["dialog"]
    assert [e["name"] for e in dialog["elements"]] == ["goal", "category", "resources", "hours", "private"]
    assert MM_TOKEN not in opened[0].body.decode()

    def submit(submission, state=dialog["state"], user="mmid-bob"):
        payload = {"type": "dialog_submission", "callback_id": dialog["callback_id"], "state": state,
                   "user_id": user, "channel_id": "ch1", "team_id": "team1", "submission": submission,
                   "cancelled": False}
        return httpx.post(server.url + "/mattermost/actions", json=payload)

    bad = submit({"goal": "", "category": "tutorial"})
    assert "goal" in bad.json()["errors"]
    assert submit({"goal": "Forged"}, user="mmid-mallory").status_code == 401
    tampered = json.loads(dialog["state"])
    tampered["slug"] = "ada"
    assert submit({"goal": "Forged"}, state=json.dumps(tampered)).status_code == 401
    assert journal_lines(roster.root) == []
    good = submit({"goal": "Finish the Rust book", "category": "tutorial", "hours": "3", "private": "false"})
    assert good.status_code == 200 and good.json() == {}
    plan = load_workbook(roster.root / "workbooks" / WEEK / "bob" / "finish-the-rust-book.ipynb").records.plan
    assert plan["data"]["category"] == "tutorial" and plan["author"] == "bob"


def test_the_plan_form_offers_last_times_next_steps_as_the_goal(server, roster, slack_api, run, new_workbook):
    """Slack's modal and Mattermost's dialog start the plan with last week's next steps (workbook/carry's rule);
    a private workbook hands nothing on."""
    last = new_workbook("tutorial", "RL course, week 1", "--week", "2026-W48", "--author", "ada",
                        "--track", "RL course")
    run("log", "outcome", last, "--summary", "Bandits.", "--next", "Continue with PPO <@U0BOB>")
    secret = new_workbook("blank", "Secret", "--week", "2026-W48", "--author", "bob")
    run("log", "outcome", secret, "--summary", "s", "--next", "SECRET-NEXT", "--private")
    slack(server, "")
    sent = json.loads(calls(slack_api, "/api/views.open")[-1].body)
    view = sent["view"] if isinstance(sent["view"], dict) else json.loads(sent["view"])
    goal = view["blocks"][0]["element"]
    assert goal["initial_value"] == "Continue with PPO <@U0BOB>"
    assert goal["placeholder"]["text"].startswith("Last time (2026-W48):")
    good = post_interaction(server, submission(view, {"goal": goal["initial_value"], "category": "tutorial"}))
    assert good.status_code == 200
    made = load_workbook(roster.root / "workbooks" / WEEK / "ada" / "continue-with-ppo-u0bob.ipynb")
    assert made.identity["carry_over"]["next_steps"] == "Continue with PPO <@U0BOB>"
    body = mattermost_command("")
    httpx.post(server.url + "/mattermost/commands", content=body, headers=mattermost_headers())
    dialog = json.loads(calls(slack_api, "/api/v4/actions/dialogs/open")[-1].body)["dialog"]
    assert dialog["elements"][0]["name"] == "goal" and dialog["elements"][0]["default"] == ""
    assert "SECRET-NEXT" not in json.dumps(dialog)
    run("log", "outcome", secret, "--summary", "s", "--next", "Finish the borrow checker chapter")  # now shared
    httpx.post(server.url + "/mattermost/commands", content=mattermost_command("", trigger_id="again"),
               headers=mattermost_headers())
    dialog = json.loads(calls(slack_api, "/api/v4/actions/dialogs/open")[-1].body)["dialog"]
    assert dialog["elements"][0]["default"] == "Finish the borrow checker chapter"
