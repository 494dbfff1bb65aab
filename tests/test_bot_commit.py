"""`ldkit bot serve --commit`: each saved answer is committed and pushed; a rejected push is rebased and retried."""
from __future__ import annotations

import json

import httpx

from ldkit.bot.app import Bot, create_app
from ldkit.bot.gitsync import Committer
from ldkit.bot.settings import Secrets
from ldkit.team.roster import add_member
from tests.botkit import SLACK_SECRET, Running, slack_command, slack_headers
from tests.test_git_team import git, ldkit, person, team_repo  # noqa: F401, F811  (a fixture)


def test_each_answer_is_committed_and_pushed_even_after_someone_else_pushed(
        team_repo, clock, monkeypatch):  # noqa: F811
    clock.at("2026-12-03T10:00:00Z", tz="Europe/Berlin")
    monkeypatch.delenv("LDKIT_HOME", raising=False)
    tmp, remote = team_repo
    bot_clone = person(tmp, remote, "bot")
    git(bot_clone, "config", "pull.rebase", "true")
    add_member(bot_clone / "ldkit.toml", "ada", "Ada L.", "U0ADA", "Europe/Berlin")
    add_member(bot_clone / "ldkit.toml", "bob")  # bob writes in a notebook; with a roster, he must be on it
    git(bot_clone, "commit", "-q", "-am", "roster")
    git(bot_clone, "push", "-q")
    bob = person(tmp, remote, "bob")  # pushes while the bot is running: the bot's first push is rejected
    ldkit(bob, "new", "blank", "--title", "Bob's day", "--author", "bob", "--week", "2026-W49")
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "-m", "bob's day")
    git(bob, "push", "-q")

    committer = Committer(bot_clone)
    bot = Bot(bot_clone, Secrets(slack_signing_secret=SLACK_SECRET), on_saved=committer.saved)
    server = Running(create_app(bot))
    try:
        for text in ("plan Committed from chat", "done It went to the remote"):
            body = slack_command(text)
            reply = httpx.post(server.url + "/slack/commands", content=body, headers=slack_headers(body))
            assert "Saved your" in reply.json()["text"]
        committer.flush()
    finally:
        server.close()
    log = git(tmp, "--git-dir", str(remote), "log", "--format=%s", "main").splitlines()
    # the plan's commit first, on top of bob's; the outcome's may have gone with it when it was saved while that
    # commit ran (a journal is one file), else it follows
    chat = log[:log.index("bob's day")]
    assert chat[-1] == "Learning Day: ada: plan from chat" and set(chat) <= {
        "Learning Day: ada: plan from chat", "Learning Day: ada: outcome from chat"}
    assert log[len(chat):len(chat) + 2] == ["bob's day", "roster"]
    journal = git(tmp, "--git-dir", str(remote), "show", "main:workbooks/2026-W49/ada/committed-from-chat.ldkit.jsonl")
    assert [json.loads(line)["kind"] for line in journal.splitlines()] == ["plan", "outcome"]
    files = git(tmp, "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "main")
    assert "workbooks/2026-W49/ada/committed-from-chat.ipynb" in files
    assert "workbooks/2026-W49/ada/committed-from-chat.ldkit.jsonl" in files
    assert git(bot_clone, "status", "--porcelain") == ""


def test_an_answer_sent_while_the_bot_rebases_waits_for_the_work_tree(team_repo, clock, monkeypatch):  # noqa: F811
    """A rebase checks the remote's commit out first, and for that moment the bot's new workbook is not in the work
    tree: an answer read then said "you have no workbook". A hook holds the rebase there; the answer waits."""
    import time

    clock.at("2026-12-03T10:00:00Z", tz="Europe/Berlin")
    monkeypatch.delenv("LDKIT_HOME", raising=False)
    tmp, remote = team_repo
    bot_clone = person(tmp, remote, "bot")
    add_member(bot_clone / "ldkit.toml", "ada", "Ada L.", "U0ADA", "Europe/Berlin")
    git(bot_clone, "commit", "-q", "-am", "roster")
    git(bot_clone, "push", "-q")
    bob = person(tmp, remote, "bob")
    (bob / "notes.txt").write_text("bob was here\n")
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "-m", "bob's push")
    git(bob, "push", "-q")  # the bot's first push is rejected: it rebases
    marker = tmp / "rebasing"
    hook = bot_clone / ".git" / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\nsleep 2\n")
    hook.chmod(0o755)
    committer = Committer(bot_clone)
    bot = Bot(bot_clone, Secrets(slack_signing_secret=SLACK_SECRET), on_saved=committer.saved)
    server = Running(create_app(bot))
    try:
        body = slack_command("plan Committed from chat")
        assert "Saved your" in httpx.post(server.url + "/slack/commands", content=body,
                                          headers=slack_headers(body)).json()["text"]
        deadline = time.monotonic() + 20
        while not marker.exists():  # the rebase has checked the remote's commit out, and is held there
            assert time.monotonic() < deadline, "the bot never rebased"
            time.sleep(0.02)
        body = slack_command("done It went to the remote")
        reply = httpx.post(server.url + "/slack/commands", content=body, headers=slack_headers(body), timeout=30)
        assert "Saved your" in reply.json()["text"], reply.json()["text"]
        committer.flush()
    finally:
        server.close()
    journal = git(tmp, "--git-dir", str(remote), "show", "main:workbooks/2026-W49/ada/committed-from-chat.ldkit.jsonl")
    assert [json.loads(line)["kind"] for line in journal.splitlines()] == ["plan", "outcome"]
