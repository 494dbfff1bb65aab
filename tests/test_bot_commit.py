"""`ldkit bot serve --commit`: each saved answer is committed and pushed; a rejected push is rebased and retried."""
from __future__ import annotations

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
    log = git(tmp, "--git-dir", str(remote), "log", "--format=%s", "main")
    assert log.splitlines()[:4] == ["Learning Day: ada: outcome from chat", "Learning Day: ada: plan from chat",
                                    "bob's day", "roster"]
    files = git(tmp, "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "main")
    assert "workbooks/2026-W49/ada/committed-from-chat.ipynb" in files
    assert "workbooks/2026-W49/ada/committed-from-chat.ldkit.jsonl" in files
    assert git(bot_clone, "status", "--porcelain") == ""
