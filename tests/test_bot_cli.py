"""`ldkit bot manifest` and `ldkit bot serve` as a real process (the console entry point, then a signed request)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
import yaml

from ldkit.records.workbook import load_workbook
from ldkit.team.roster import add_member
from tests.botkit import SLACK_SECRET, free_port, slack_command, slack_headers


def test_manifest_names_the_command_interactivity_and_scopes(run):
    text = run("bot", "manifest", "--url", "https://bot.example.org/").stdout
    manifest = yaml.safe_load(text)
    command = manifest["features"]["slash_commands"][0]
    assert command["command"] == "/learningday" and command["url"] == "https://bot.example.org/slack/commands"
    assert manifest["settings"]["interactivity"] == {"is_enabled": True,
                                                     "request_url": "https://bot.example.org/slack/interactions"}
    assert manifest["oauth_config"]["scopes"]["bot"] == ["commands", "chat:write", "im:write"]
    assert manifest["settings"]["socket_mode_enabled"] is False
    socket = yaml.safe_load(run("bot", "manifest", "--socket").stdout)
    assert socket["settings"]["socket_mode_enabled"] is True and "url" not in socket["features"]["slash_commands"][0]


@pytest.mark.parametrize("url", ["bot.example.org", "ftp://x", "https://x/?a=<b>", ""])
def test_manifest_refuses_a_url_that_is_not_one(run, url):
    result = run("bot", "manifest", "--url", url, code=2)
    assert "--url needs the bot's public base URL" in result.stderr and result.stdout == ""


def test_serve_as_a_process_answers_a_signed_command_and_stops_on_sigterm(ws, clock):
    clock.at("2026-12-03T10:00:00Z", tz="Europe/Berlin")
    add_member(ws.config_file, "ada", "Ada L.", "U0ADA", "Europe/Berlin")
    port = free_port()
    env = {**os.environ, "SLACK_SIGNING_SECRET": SLACK_SECRET, "SLACK_BOT_TOKEN": "xoxb-secret-value"}
    process = subprocess.Popen([sys.executable, "-m", "ldkit", "bot", "serve", "--port", str(port)], cwd=ws.root,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").json()["services"] == ["slack"]:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.1)
        body = slack_command("plan Served for real")
        reply = httpx.post(f"http://127.0.0.1:{port}/slack/commands", content=body, headers=slack_headers(body))
        assert "Saved your plan: Served for real" in reply.json()["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    # uvicorn shuts down gracefully, then re-raises the signal (systemd counts SIGTERM as a clean stop)
    assert process.returncode in (0, -signal.SIGTERM), err
    assert SLACK_SECRET not in out + err and "xoxb-secret-value" not in out + err
    assert "for slack" in err
    workbook = load_workbook(ws.root / "workbooks" / "2026-W49" / "ada" / "served-for-real.ipynb")
    assert workbook.records.plan["data"]["goal"] == "Served for real"


def test_serve_with_commit_outside_a_git_clone_is_refused(ws, run):
    result = run("bot", "serve", "--commit", "--port", "0", code=2)
    assert "--commit needs the workspace to be a git clone" in result.stderr


def test_the_server_imports_nothing_heavy():
    probe = ("import sys, json; import ldkit.bot.app as app, ldkit.bot.socket, ldkit.bot.dm; app.warm_up(); "
             "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
             "{'nbformat', 'nbconvert', 'papermill', 'dask', 'distributed', 'jsonschema', 'ipywidgets'})))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
