import json

import pytest

from ldkit.digest.publish import MAX_BLOCKS, blocks_for
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
    again = post(run, url, code=2)
    assert "already posted" in again.stderr and "--repost" in again.stderr and len(fake_server.requests) == 1
    post(run, url, "--repost")
    assert len(fake_server.requests) == 2
    assert url not in (ws.root / "digests" / WEEK / "posted.json").read_text()


def test_429_then_200(ws, run, week, fake_server):
    fake_server.route("/hook", Reply(status=429, headers={"Retry-After": "1"}), Reply(body=b"ok"), method="POST")
    post(run, fake_server.url + "/hook")
    first, second = [r.at for r in fake_server.requests]
    assert second - first >= 1.0


def test_500_fails_with_exit_1_and_can_be_posted_later(ws, run, week, fake_server):
    fake_server.route("/hook", Reply(status=500, body=b"boom"), method="POST")
    url = fake_server.url + "/hook"
    result = post(run, url, code=1)
    assert "answered HTTP 500 after 3 tries" in result.stderr and url not in result.stderr
    assert len(fake_server.requests) == 3 and not (ws.root / "digests" / WEEK / "posted.json").exists()
    assert (ws.root / "digests" / WEEK / "index.html").exists()  # the digest itself was built


def test_hanging_webhook_times_out(ws, run, week, fake_server, monkeypatch):
    monkeypatch.setenv("LDKIT_NET_TIMEOUT", "1")
    fake_server.route("/hook", Reply(delay=30), method="POST")
    result = post(run, fake_server.url + "/hook", code=1)
    assert "did not answer within 1 s" in result.stderr


@pytest.mark.parametrize("bad", ["not a url", "ftp://example.org/secret-x", "https://?token=secret-y"])
def test_not_a_url(ws, run, week, bad):
    result = post(run, bad, code=2)
    assert "needs a webhook URL" in result.stderr and bad not in result.stderr.replace("--post", "")


def test_repost_needs_post(ws, run, week):
    assert "--repost goes with --post" in run("digest", "--week", WEEK, "--repost", code=2).stderr


def test_long_weeks_are_cut_within_slacks_limits():
    people = [{"author": f"p{i}", "workbooks": [{"title": "t" * 500, "plan": None,
                                                 "outcome": {"summary": "x" * 5000, "status": "done", "hours": 1}}]}
              for i in range(80)]
    model = {"week": WEEK, "people": people, "accountability": {"no_workbook": []},
             "totals": {"people": 80, "planned": 0, "summarized": 80, "hours": 80,
                        "results": {"total": 0, "text": ""}}}
    blocks = blocks_for(model, "digests/2026-W48/index.html")
    assert len(blocks) <= MAX_BLOCKS
    assert "more: see the digest" in blocks[-2]["text"]["text"]
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
