import json

import pytest

from ldkit.chat.slack import MAX_BLOCKS, blocks_for
from ldkit.ledger.totals import Numbers, Tally
from tests.fakeserver import Reply

WEEK = "2026-W48"


@pytest.fixture
def week(ws, run, new_workbook):
    path = new_workbook("blank", "JAX <b>basics</b>", "--week", WEEK)
    run("log", "outcome", path, "--summary", "Learned <!channel> jit & vmap. More later.", "--hours", "3")
    return path


def post(run, url, *extra, code=0):
    return run("digest", "--week", WEEK, "--quiet", "--post", url, *extra, code=code)


def test_posts_block_kit_once(ws, run, week, fake_server, monkeypatch):
    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    url = fake_server.url + "/hook"
    result = post(run, url)
    assert "posted 2026-W48" in result.stdout and url not in result.stdout + result.stderr
    body = json.loads(fake_server.requests[0].body)
    assert body["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Learning Day 2026-W48"}}
    line = body["blocks"][3]["text"]["text"]
    assert line.startswith("*alice* — JAX &lt;b&gt;basics&lt;/b&gt;: Learned &lt;!channel")
    assert line.endswith("jit &amp; vmap. _(done, 3 h)_") and "<" not in line
    again = post(run, url)  # a rerun (CI) stays green and says why nothing was sent
    assert "already posted" in again.stdout and "--repost" in again.stdout and len(fake_server.requests) == 1
    assert "posted 2026-W48 to" not in again.stdout
    post(run, url, "--repost")
    assert len(fake_server.requests) == 2
    marker = ws.root / ".ldkit-cache" / "posted" / f"{WEEK}.digest.json"
    assert json.loads(marker.read_text())["state"] == "posted" and url not in marker.read_text()


def test_429_then_200(ws, run, week, fake_server):
    fake_server.route("/hook", Reply(status=429, headers={"Retry-After": "1"}), Reply(body=b"ok"), method="POST")
    post(run, fake_server.url + "/hook")
    first, second = [r.at for r in fake_server.requests]
    assert second - first >= 1.0


def marker(ws):
    path = ws.root / ".ldkit-cache" / "posted" / f"{WEEK}.digest.json"
    return json.loads(path.read_text()) if path.exists() else None


def test_500_is_sent_once_and_said_to_be_maybe_posted(ws, run, week, fake_server):
    fake_server.route("/hook", Reply(status=500, body=b"boom"), method="POST")
    url = fake_server.url + "/hook"
    result = post(run, url, code=1)
    assert "may have been posted" in result.stderr and "HTTP 500" in result.stderr and url not in result.stderr
    assert "check the channel" in result.stderr
    assert len(fake_server.requests) == 1 and marker(ws)["state"] == "maybe"
    assert (ws.root / "digests" / WEEK / "index.html").exists()  # the digest itself was built
    again = post(run, url, code=2)
    assert "may have been posted" in again.stderr and "--repost" in again.stderr and len(fake_server.requests) == 1


def test_a_hang_after_the_body_was_read_is_maybe_posted_not_posted_twice(ws, run, week, fake_server, monkeypatch):
    monkeypatch.setenv("LDKIT_NET_TIMEOUT", "1")
    fake_server.route("/hook", Reply(delay=5), method="POST")
    url = fake_server.url + "/hook"
    result = post(run, url, code=1)
    assert "may have been posted" in result.stderr and "did not answer within 1 s" in result.stderr
    assert len(fake_server.requests) == 1 and marker(ws)["state"] == "maybe"
    post(run, url, code=2)
    assert len(fake_server.requests) == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_nothing_reaches_the_other_host(ws, run, week, fake_server, status):
    from tests.fakeserver import FakeServer

    other = FakeServer()
    try:
        other.route("/elsewhere", Reply(body=b"ok"), method="POST")
        other.route("/elsewhere", Reply(body=b"ok"), method="GET")
        fake_server.route("/hook", Reply(status=status, headers={"Location": other.url + "/elsewhere"}),
                          method="POST")
        url = fake_server.url + "/hook"
        result = post(run, url, code=1)
        assert f"HTTP {status} (a redirect)" in result.stderr and "nothing was delivered" in result.stderr
        assert other.requests == [] and len(fake_server.requests) == 1
        assert marker(ws) is None  # not posted: a later run may post
        fake_server.route("/hook", Reply(body=b"ok"), method="POST")
        assert "posted 2026-W48" in post(run, url).stdout
        assert marker(ws)["state"] == "posted"
    finally:
        other.close()


def test_429_with_a_long_retry_after_is_not_waited_for(ws, run, week, fake_server):
    import time

    fake_server.route("/hook", Reply(status=429, headers={"Retry-After": "3600"}), method="POST")
    started = time.monotonic()
    result = post(run, fake_server.url + "/hook", code=1)
    assert time.monotonic() - started < 10
    assert "HTTP 429" in result.stderr and "nothing was delivered" in result.stderr
    assert len(fake_server.requests) == 1 and marker(ws) is None


def test_a_refused_connection_is_not_delivered_and_may_be_posted_later(ws, run, week):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    result = post(run, f"http://127.0.0.1:{port}/hook", code=1)
    assert "cannot reach the chat webhook" in result.stderr and "nothing was" in result.stderr
    assert marker(ws) is None


def test_two_posts_at_the_same_moment_send_one_message(ws, run, week, fake_server):
    import subprocess
    import sys

    fake_server.route("/hook", Reply(body=b"ok", delay=1.0), method="POST")
    url = fake_server.url + "/hook"
    run("digest", "--week", WEEK, "--quiet")  # warm the caches so both reach the post together
    procs = [subprocess.Popen([sys.executable, "-m", "ldkit", "digest", "--week", WEEK, "--quiet", "--post", url,
                               "--out", f"out{n}"], cwd=ws.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for n in (1, 2)]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    outcomes = [(code, err, p.stdout.read()) for (code, err), p in zip(outcomes, procs, strict=True)]
    assert [code for code, _, _ in outcomes] == [0, 0]
    assert sum("already posted" in out for _, _, out in outcomes) == 1
    assert len([r for r in fake_server.requests if r.method == "POST"]) == 1


def test_post_once_holds_per_week_not_per_out_folder(ws, run, week, fake_server):
    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    url = fake_server.url + "/hook"
    post(run, url)
    result = post(run, url, "--out", "elsewhere")
    assert "already posted" in result.stdout and len(fake_server.requests) == 1


@pytest.mark.parametrize("bad", ["not a url", "ftp://example.org/secret-x", "https://?token=secret-y"])
def test_not_a_url(ws, run, week, bad):
    result = post(run, bad, code=2)
    assert "needs a webhook URL" in result.stderr and bad not in result.stderr.replace("--post", "")


def test_repost_needs_post(ws, run, week):
    assert "--repost goes with --post" in run("digest", "--week", WEEK, "--repost", code=2).stderr


def test_long_weeks_are_cut_within_slacks_limits():
    from ldkit.model.week import Accountability, Outcome, PersonWeek, Streak, WeekModel, WorkbookView

    def book(i):
        return WorkbookView(anchor=f"a{i}", id=str(i), title="t" * 500, template="blank", path="x", week=WEEK,
                            paper=None, plan=None, plan_private=False,
                            outcome=Outcome("x" * 5000, "done", 1, [], "", [], "2026-11-26T10:00:00Z"),
                            outcome_private=False, results=[], tally=None)

    people = [PersonWeek(f"p{i}", [book(i)], 1, False, True, Streak(), took_part=True) for i in range(80)]
    model = WeekModel(week=WEEK, learning_day="2026-11-26", learning_weekday="thursday", generated_at="",
                      team=[], people=people,
                      totals=Numbers(people=80, workbooks=80, planned=0, summarized=80, hours=80, results=Tally()),
                      categories={}, accountability=Accountability([], [], {}), participation=[], expenses=[],
                      expense_totals={}, problems=[])
    blocks = blocks_for(model, "digests/2026-W48/index.html")
    assert len(blocks) <= MAX_BLOCKS
    assert "more: see the digest" in blocks[-2]["text"]["text"]
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)


def _company_week(names):
    from ldkit.model.company import CompanyWeek, TeamWeek

    teams = [TeamWeek(f"t{i}", name, 3, 2, 2, 1, 4.0, [], [], f"t{i}/index.html") for i, name in enumerate(names)]
    return CompanyWeek(week=WEEK, learning_day="2026-11-26", learning_weekday="thursday", generated_at="",
                       teams=teams, totals={"people": 2 * len(teams), "members": 3 * len(teams),
                                            "planned": 2 * len(teams), "summarized": len(teams), "hours": 4.0})


@pytest.mark.parametrize("name, slack, mattermost, teams", [
    ("<!channel> Data *Ops*", "&lt;!channel&gt; Data *Ops*", "\\<!channel\\> Data \\*Ops\\*",
     "\\<!channel\\> Data \\*Ops\\*"),
    ("Vision & Perception @here", "Vision &amp; Perception @here", "Vision & Perception @\u200bhere",
     "Vision & Perception @here"),
])
def test_company_summary_escapes_team_names_as_each_service_escapes_user_text(name, slack, mattermost, teams):
    from ldkit.chat import mattermost as mm
    from ldkit.chat import slack as sl
    from ldkit.chat import teams as ms

    model = _company_week([name])
    assert (slack, mattermost, teams) == (sl.mrkdwn(name), mm.plain(name), ms.plain(name))  # the one rule each
    assert f"• *{slack}* — 2 of 3 took part" in sl.company_payload(model, "x")["blocks"][0]["text"]["text"]
    assert f"• **{mattermost}** — 2 of 3 took part" in mm.company_payload(model, "x")["text"]
    body = ms.company_payload(model, "x")["attachments"][0]["content"]["body"]
    assert body[1]["text"] == f"• **{teams}** — 2 of 3 took part, 1 summarized, 4 h"


def test_a_company_of_many_teams_stays_within_each_services_limits():
    from ldkit.chat import mattermost, slack, teams

    model = _company_week([f"Team {i} " + "n" * 150 for i in range(1000)])
    blocks = slack.company_payload(model, "digests/2026-W48/index.html")["blocks"]
    assert len(blocks) <= MAX_BLOCKS and all(len(b["text"]["text"]) <= 3000 for b in blocks)
    assert blocks[-1]["text"]["text"] == "…and more teams: see the digest, digests/2026-W48/index.html"
    assert len(mattermost.company_payload(model, "x")["text"]) <= mattermost.MAX_TEXT
    body = teams.company_payload(model, "x")["attachments"][0]["content"]["body"]
    assert len(body) <= teams.MAX_LINES + 3 and "more teams: see the digest" in body[-2]["text"]


@pytest.mark.parametrize("name", ["<!channel> Data *Ops*", "Vision & Perception @here"])
def test_a_team_s_digest_post_is_titled_with_its_team_escaped_as_user_text(name):
    """Each team's post says whose it is, in the one heading (model.week.WeekModel.heading) each service escapes."""
    from ldkit.chat import mattermost as mm
    from ldkit.chat import slack as sl
    from ldkit.chat import teams as ms
    from ldkit.model.week import Accountability, WeekModel
    from ldkit.writers import markdown

    model = WeekModel(week=WEEK, learning_day="2026-11-26", learning_weekday="thursday", generated_at="", team=[],
                      people=[], totals=Numbers(people=0, workbooks=0, planned=0, summarized=0, hours=0,
                                                results=Tally()),
                      categories={}, accountability=Accountability([], [], {}), participation=[], expenses=[],
                      expense_totals={}, problems=[], group=name)
    slack = sl.digest_payload(model, "x")
    assert slack["blocks"][0]["text"] == {"type": "plain_text", "text": f"Learning Day {WEEK} · {name}"}
    assert slack["text"].startswith(f"Learning Day {WEEK} · {sl.mrkdwn(name)}: ")
    assert mm.digest_payload(model, "x")["text"].startswith(f"#### Learning Day {WEEK} · {mm.plain(name)}\n")
    body = ms.digest_payload(model, "x")["attachments"][0]["content"]["body"]
    assert body[0]["text"] == f"Learning Day {WEEK} · {ms.plain(name)}"
    assert markdown.text(model).startswith(f"*Learning Day {WEEK} · ")
    from dataclasses import replace

    whole = replace(model, group="")
    assert sl.digest_payload(whole, "x")["blocks"][0]["text"]["text"] == f"Learning Day {WEEK}"


@pytest.mark.parametrize("summary, sentence", [
    ("<b>it</b> works. More.", "<b>it</b> works."),  # a "<" or ">" of the text stays: each service escapes it
    ("> quoted line\n> more. Next.", "quoted line more."),  # a quote's marks go
    ("a > b holds. x", "a > b holds."),
    ("**Bold** start. y", "Bold start."),
])
def test_the_first_sentence_for_chat_drops_markdown_marks_not_the_text(summary, sentence):
    from ldkit.chat.slack import mrkdwn
    from ldkit.model.week import first_sentence

    assert first_sentence(summary) == sentence
    assert mrkdwn(first_sentence("<b>it</b> works.")) == "&lt;b&gt;it&lt;/b&gt; works."
