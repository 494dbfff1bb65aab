"""`ldkit bot serve`: the real app under uvicorn, requests signed as each service signs them, records as `ldkit log`
writes them."""
from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from ldkit.records.workbook import load_workbook
from tests.botkit import (
    MM_TOKEN,
    SLACK_SECRET,
    journal_lines,
    mattermost_command,
    mattermost_headers,
    slack_command,
    slack_headers,
    teams_headers,
    teams_message,
)
from tests.conftest import snapshot

WEEK = "2026-W49"  # the clock of the make_bot fixture: Thursday 2026-12-03


def slack(server, text, user="U0ADA", **headers):
    body = slack_command(text, user)
    return httpx.post(server.url + "/slack/commands", content=body, headers={**slack_headers(body), **headers})


def test_slack_plan_starts_a_workbook_and_the_outcome_goes_to_it(server, roster):
    reply = slack(server, "plan Learn how JAX traces Python functions")
    assert reply.status_code == 200
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    assert "Saved your plan: Learn how JAX traces Python functions" in answer["text"]
    assert "/learningday plan GOAL" in answer["text"]  # how to change it
    path = roster.root / "workbooks" / WEEK / "ada" / "learn-how-jax-traces-python-functions.ipynb"
    assert path.exists()
    workbook = load_workbook(path)
    assert workbook.identity["title"] == "Learn how JAX traces Python functions"
    assert workbook.identity["template"] == "blank"
    assert workbook.records.plan["data"]["goal"] == "Learn how JAX traces Python functions"
    assert workbook.records.plan["author"] == "ada"

    reply = slack(server, "partial Tracing is abstract *evaluation*; jit caches by shape.")
    assert "Saved your outcome (partial)" in reply.json()["text"]
    workbook = load_workbook(path)
    assert workbook.records.outcome["data"]["status"] == "partial"
    assert workbook.records.outcome["data"]["summary"] == "Tracing is abstract *evaluation*; jit caches by shape."
    # the same history as `ldkit log`: every save in the journal, the notebook itself untouched (no git conflict)
    assert [r["kind"] for r in journal_lines(roster.root)] == ["plan", "outcome"]
    assert "records" not in json.loads(path.read_text())["metadata"]["ldkit"]

    reply = slack(server, "done Tracing is abstract evaluation.")
    assert "Saved your outcome (done)" in reply.json()["text"]
    workbook = load_workbook(path)
    assert workbook.records.outcome["data"]["status"] == "done" and len(workbook.records.history) == 1

    status = slack(server, "status").json()["text"]
    assert "Learn how JAX traces Python functions: plan saved, outcome done" in status
    assert "3 people, 1 planned, 1 summarized" in status


def test_the_digest_and_status_see_a_chat_answer_as_a_notebook_one(server, roster, run):
    slack(server, "plan Read the Attention paper")
    slack(server, "done Multi-head attention is several heads of scaled dot products.")
    shown = json.loads(run("status", "--week", WEEK, "--json").stdout)
    ada = next(p for p in shown["authors"] if p["author"] == "ada")
    assert ada["workbooks"][0]["plan"] and ada["workbooks"][0]["outcome"] == "done"
    run("digest", "--week", WEEK, "--format", "md", "--quiet")
    text = (roster.root / "digests" / WEEK / "digest.md").read_text()
    assert "Multi-head attention is several heads" in text
    found = json.loads(run("search", "attention", "--json").stdout)
    assert any("read-the-attention-paper" in json.dumps(hit) for hit in (found if isinstance(found, list) else
                                                                           found.get("results", [found])))
    stats = json.loads(run("stats", "--since", WEEK, "--until", WEEK, "--json").stdout)
    ada_stats = next(p for p in stats["people"] if p["author"] == "ada")
    assert ada_stats["weeks_with_outcome"] == 1 and ada_stats["current_streak"] == 1


def test_someone_not_on_the_roster_is_told_how_to_join_and_nothing_is_written(server, roster):
    before = snapshot(roster.root / "workbooks")
    reply = slack(server, "plan Sneak in", user="U0NOBODY").json()
    assert "not on this team's Learning Day roster" in reply["text"]
    assert "ldkit team add YOUR-NAME --chat U0NOBODY" in reply["text"]
    assert snapshot(roster.root / "workbooks") == before


def test_private_plan_and_a_skip(server, roster, run):
    reply = slack(server, "plan --private Interview prep").json()["text"]
    assert "private" in reply
    path = roster.root / "workbooks" / WEEK / "ada" / "interview-prep.ipynb"
    assert load_workbook(path).records.plan["data"]["visibility"] == "private"
    reply = slack(server, "skip on call", user="U0ADA").json()["text"]
    assert f"you take {WEEK} off (on call)" in reply
    assert json.loads((roster.root / "workbooks" / WEEK / "ada" / "skip.json").read_text())["reason"] == "on call"


def test_an_outcome_with_two_workbooks_asks_which_and_takes_a_number(server, roster, run):
    slack(server, "plan First topic")
    run("new", "blank", "--title", "Second topic", "--author", "ada", "--week", WEEK)
    reply = slack(server, "done Learned a lot").json()["text"]
    assert "you have 2 workbooks" in reply and "#1 First topic" in reply and "#2 Second topic" in reply
    assert [r["kind"] for r in journal_lines(roster.root)] == ["plan"]
    reply = slack(server, "done #2 Learned a lot").json()["text"]
    assert "Saved your outcome (done)" in reply and "Second topic" in reply
    second = load_workbook(roster.root / "workbooks" / WEEK / "ada" / "second-topic.ipynb")
    assert second.records.outcome["data"]["summary"] == "Learned a lot"


def test_bad_input_is_refused_with_the_fix_and_nothing_written(server, roster):
    reply = slack(server, "plan").json()["text"]
    assert "Not saved" in reply and "Goal is required" in reply
    reply = slack(server, "done Nothing to attach it to").json()["text"]
    assert "no workbook" in reply and "plan first" in reply.lower()
    assert "did not understand" in slack(server, "dance wildly").json()["text"]
    assert "/learningday plan GOAL" in slack(server, "help").json()["text"]
    assert journal_lines(roster.root) == []


@pytest.mark.parametrize("change", ["secret", "missing", "old", "future", "body", "nonsense-stamp"])
def test_a_request_not_signed_by_slack_is_refused_and_nothing_written(server, roster, change):
    body = slack_command("plan Forged")
    headers = slack_headers(body)
    if change == "secret":
        headers = slack_headers(body, secret="not-the-secret")
    elif change == "missing":
        del headers["X-Slack-Signature"]
    elif change == "old":
        headers = slack_headers(body, at=time.time() - 301)
    elif change == "future":
        headers = slack_headers(body, at=time.time() + 301)
    elif change == "body":
        body = slack_command("plan Forged and changed")
    else:
        headers["X-Slack-Request-Timestamp"] = "soon"
    reply = httpx.post(server.url + "/slack/commands", content=body, headers=headers)
    assert reply.status_code == 401
    assert not (roster.root / "workbooks" / WEEK).exists()


def test_a_request_four_minutes_old_is_still_taken(server, roster):
    body = slack_command("plan Late but fine")
    reply = httpx.post(server.url + "/slack/commands", content=body, headers=slack_headers(body, at=time.time() - 240))
    assert reply.status_code == 200 and "Saved your plan" in reply.json()["text"]


def test_a_body_over_64_kB_is_refused_with_413(server, roster):
    body = slack_command("plan " + "x" * 70_000)
    reply = httpx.post(server.url + "/slack/commands", content=body, headers=slack_headers(body))
    assert reply.status_code == 413
    chunked = httpx.post(server.url + "/teams/messages", content=iter([b"{" + b" " * 40_000, b" " * 40_000 + b"}"]),
                         headers={"Authorization": "HMAC x"})
    assert chunked.status_code == 413
    assert journal_lines(roster.root) == []


def test_a_retried_delivery_saves_once_and_gets_the_same_answer(server, roster):
    body = slack_command("plan Exactly once")
    first = httpx.post(server.url + "/slack/commands", content=body, headers=slack_headers(body))
    again = httpx.post(server.url + "/slack/commands", content=body,
                       headers={**slack_headers(body), "X-Slack-Retry-Num": "1",
                                "X-Slack-Retry-Reason": "http_timeout"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert len(journal_lines(roster.root)) == 1
    assert len(list((roster.root / "workbooks" / WEEK / "ada").glob("*.ipynb"))) == 1


def test_mattermost_command_with_its_token(server, roster):
    body = mattermost_command("plan Rust lifetimes")
    reply = httpx.post(server.url + "/mattermost/commands", content=body, headers=mattermost_headers())
    assert reply.status_code == 200
    answer = reply.json()
    assert answer["response_type"] == "ephemeral" and "Saved your plan: Rust lifetimes" in answer["text"]
    path = roster.root / "workbooks" / WEEK / "bob" / "rust-lifetimes.ipynb"
    assert load_workbook(path).records.plan["author"] == "bob"
    wrong = mattermost_command("plan Forged")
    reply = httpx.post(server.url + "/mattermost/commands", content=wrong, headers=mattermost_headers("wrong"))
    assert reply.status_code == 401
    no_header = mattermost_command("stuck Forged").replace(MM_TOKEN.encode(), b"nope")
    assert httpx.post(server.url + "/mattermost/commands", content=no_header,
                      headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 401
    assert len(journal_lines(roster.root)) == 1


def test_teams_message_after_the_mention_with_its_hmac(server, roster):
    body = teams_message("plan Linear actuators&nbsp;for the desk")
    reply = httpx.post(server.url + "/teams/messages", content=body, headers=teams_headers(body))
    assert reply.status_code == 200
    assert reply.json()["type"] == "message"
    assert "Saved your plan: Linear actuators for the desk" in reply.json()["text"]
    assert (roster.root / "workbooks" / WEEK / "cy" / "linear-actuators-for-the-desk.ipynb").exists()
    forged = httpx.post(server.url + "/teams/messages", content=body,
                        headers=teams_headers(body, secret="d3JvbmctdG9rZW4="))
    assert forged.status_code == 401
    changed = body.replace(b"Linear", b"Rotary")
    assert httpx.post(server.url + "/teams/messages", content=changed,
                      headers=teams_headers(body)).status_code == 401
    assert len(journal_lines(roster.root)) == 1


HOSTILE = "<!channel> <script>alert(1)</script> [x](javascript:alert(2)) @all <img src=x onerror=alert(3)> `rm -rf`"


def test_hostile_text_is_saved_as_typed_and_never_becomes_markup_in_a_reply(server, roster):
    slack_reply = slack(server, "plan " + HOSTILE).json()["text"]
    assert "<!channel>" not in slack_reply and "<script>" not in slack_reply and "&lt;!channel&gt;" in slack_reply
    body = mattermost_command("plan " + HOSTILE)
    mm_reply = httpx.post(server.url + "/mattermost/commands", content=body,
                          headers=mattermost_headers()).json()["text"]
    # Markdown with every special character backslash-escaped, and no mention
    assert "\\<script\\>" in mm_reply and "\\[x\\](javascript" in mm_reply and "[x](" not in mm_reply
    assert "@all" not in mm_reply
    body = teams_message("plan " + HOSTILE.replace("<", "&lt;").replace(">", "&gt;"))
    teams_reply = httpx.post(server.url + "/teams/messages", content=body, headers=teams_headers(body)).json()["text"]
    assert "<script>" not in teams_reply and "<img" not in teams_reply
    goals = [r["data"]["goal"] for r in journal_lines(roster.root)]
    assert goals == [HOSTILE] * 3  # the record keeps what was typed; every output escapes it
    status = slack(server, "status").json()["text"]
    assert "<script>" not in status
    assert slack(server, "dance " + HOSTILE).json()["text"].count("<") == 0
    nobody = slack(server, "plan x", user="<!here>").json()["text"]
    assert "<!here>" not in nobody


def test_slow_work_is_acknowledged_and_the_answer_follows_at_the_response_url(make_bot, roster, fake_server):
    from tests.fakeserver import Reply

    fake_server.route("/hooks/late", Reply(body=b"ok"), method="POST")
    server = make_bot(budget=0.0)
    body = slack_command("plan Slow disks", response_url=fake_server.url + "/hooks/late")
    started = time.monotonic()
    reply = httpx.post(server.url + "/slack/commands", content=body, headers=slack_headers(body))
    assert time.monotonic() - started < 3
    assert reply.status_code == 200 and "saving" in reply.json()["text"]
    deadline = time.monotonic() + 10
    while not [r for r in fake_server.requests if r.path == "/hooks/late"] and time.monotonic() < deadline:
        time.sleep(0.05)
    late = [r for r in fake_server.requests if r.path == "/hooks/late"]
    assert len(late) == 1 and "Saved your plan: Slow disks" in json.loads(late[0].body)["text"]
    assert len(journal_lines(roster.root)) == 1


def test_healthz_names_the_services_and_no_secret(server):
    reply = httpx.get(server.url + "/healthz")
    assert reply.json() == {"ok": True, "services": ["slack", "mattermost", "teams"]}
    assert SLACK_SECRET not in reply.text and MM_TOKEN not in reply.text


def test_under_jupyterhub_the_routes_sit_below_the_service_prefix(make_bot, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/services/learning-day-bot/")
    server = make_bot()
    assert httpx.get(server.url + "/services/learning-day-bot/healthz").json()["ok"] is True
    body = slack_command("plan Behind the hub")
    reply = httpx.post(server.url + "/services/learning-day-bot/slack/commands", content=body,
                       headers=slack_headers(body))
    assert "Saved your plan: Behind the hub" in reply.json()["text"]
    assert httpx.get(server.url + "/healthz").status_code == 404


def test_an_outcome_for_a_week_still_to_come_is_not_saved_from_chat(roster, run):
    """The chat's outcome (a `done` command, a modal naming its week) asks the same rule as `ldkit log outcome` and
    the notebook's form (ldkit.ledger.health.refuse_future_week): a week whose days have not begun in the member's
    zone gets no outcome; its learning day does."""
    import datetime as dt

    from ldkit.bot.answers import Form, answer, save_form
    from ldkit.bot.words import parse_words
    from ldkit.core.errors import InputError
    from ldkit.core.workspace import find_workspace

    path = json.loads(run("new", "blank", "--title", "Next", "--week", "2026-W50", "--author", "ada",
                          "--json").stdout)["path"]
    ws = find_workspace()
    ada = next(m for m in ws.settings.team if m.slug == "ada")  # Europe/Berlin
    before = snapshot(ws.root)
    early = dt.datetime(2026, 12, 3, 10, tzinfo=dt.timezone.utc)  # W49's day: W50 is still to come
    with pytest.raises(InputError, match=r"2026-W50 is still to come \(its learning day is 2026-12-10\)") as info:
        save_form(ws, ada, Form("outcome", {"summary": "early", "status": "done", "week": "2026-W50"}), str, early)
    assert "--force" not in info.value.one_line() and "on or after the day" in info.value.one_line()
    assert snapshot(ws.root) == before
    # Sunday 23:30 in UTC is Monday 00:30 of W50 in Berlin: the command itself sees W50, and saves
    sunday = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.timezone.utc)
    said = answer(ws, ada, parse_words("done Learned it"), str, sunday)
    assert said.saved == "outcome" and "2026-W50" in said.text
    held = dt.datetime(2026, 12, 10, 12, tzinfo=dt.timezone.utc)
    assert save_form(ws, ada, Form("outcome", {"summary": "on the day", "status": "done", "week": "2026-W50"}), str,
                     held).saved == "outcome"
    assert load_workbook(Path(path)).records.outcome["data"]["summary"] == "on the day"


def test_a_hand_copied_notebook_is_a_choice_of_its_own_in_the_form(roster, run):
    """A copy carries its original's id and title: the form offers it under an id of its own, named by its file,
    and a plan saved to that choice goes into the copy, not into the original."""
    import datetime as dt
    import shutil

    from ldkit.bot.answers import Form, form_context, save_form
    from ldkit.core.workspace import find_workspace

    original = Path(json.loads(run("new", "blank", "--title", "Diffusion", "--week", "2026-W50", "--author", "ada",
                                   "--json").stdout)["path"])
    copy = original.with_name("diffusion-again.ipynb")
    shutil.copy(original, copy)
    ws = find_workspace()
    ada = next(m for m in ws.settings.team if m.slug == "ada")
    held = dt.datetime(2026, 12, 10, 12, tzinfo=dt.timezone.utc)
    choices = form_context(ws, ada, "plan", held)["workbooks"]
    assert len({value for value, _ in choices}) == 2
    labels = dict(choices)
    assert sorted(labels.values()) == [f"Diffusion ({copy.name})", f"Diffusion ({original.name})"]
    mine = next(value for value, label in choices if copy.name in label)
    saved = save_form(ws, ada, Form("plan", {"goal": "Read the copy", "category": "tutorial", "hours": 2,
                                             "week": "2026-W50"}, workbook=mine), str, held)
    assert saved.saved == "plan"
    assert load_workbook(copy).records.plan["data"]["goal"] == "Read the copy"
    assert load_workbook(original).records.plan is None
