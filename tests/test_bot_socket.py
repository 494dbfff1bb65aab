"""`ldkit bot socket`: slack_bolt's Socket Mode client against a fake Socket Mode server on 127.0.0.1."""
from __future__ import annotations

import json
import threading
import time

import pytest

from ldkit.bot.settings import Secrets
from ldkit.bot.socket import socket_handler
from ldkit.records.workbook import load_workbook
from tests.botkit import free_port, journal_lines
from tests.fakeserver import Reply
from tests.test_bot import WEEK

COMMAND = {"token": "x", "team_id": "T1", "channel_id": "C1", "user_id": "U0ADA", "user_name": "ada",
           "command": "/learningday", "text": "plan Socket Mode needs no public URL", "api_app_id": "A1",
           "response_url": "https://hooks.slack.invalid/x", "trigger_id": "trig-socket"}


class FakeSocketMode:
    """Says hello, sends each envelope (the same one twice: a redelivery) and keeps what the client acknowledges."""

    def __init__(self, envelopes) -> None:
        from websockets.sync.server import serve

        self.envelopes = envelopes
        self.acks: list[dict] = []
        self.port = free_port()
        self.server = serve(self.handle, "127.0.0.1", self.port)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, connection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}}))
        for envelope in self.envelopes:
            connection.send(json.dumps(envelope))
            self.acks.append(json.loads(connection.recv(timeout=10)))
        try:
            while True:
                connection.recv(timeout=30)
        except Exception:
            pass

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


def test_a_command_over_socket_mode_is_saved_once_and_answered_in_the_ack(roster, clock, fake_server):
    clock.at("2026-12-03T10:00:00Z", tz="Europe/Berlin")
    envelope = {"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
                "payload": COMMAND}
    redelivered = {**envelope, "retry_attempt": 1, "retry_reason": "timeout"}
    socket_server = FakeSocketMode([envelope, redelivered])
    fake_server.route("/api/apps.connections.open", Reply(
        body=json.dumps({"ok": True, "url": f"ws://127.0.0.1:{socket_server.port}/link"}).encode(),
        headers={"Content-Type": "application/json"}), method="POST")
    fake_server.route("/api/auth.test", Reply(  # bolt asks once who its bot token belongs to
        body=json.dumps({"ok": True, "url": "https://example.slack.com/", "team": "Example", "user": "learningday",
                         "team_id": "T1", "user_id": "UBOT", "bot_id": "B1"}).encode(),
        headers={"Content-Type": "application/json"}), method="POST")
    secrets = Secrets(slack_bot_token="xoxb-test", slack_app_token="xapp-1-test",
                      slack_api_url=fake_server.url + "/api/")
    handler = socket_handler(roster.root, secrets=secrets)
    try:
        handler.connect()
        deadline = time.monotonic() + 20
        while len(socket_server.acks) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        handler.close()
        handler.bot.close()
        socket_server.close()
    opened = [r for r in fake_server.requests if r.path == "/api/apps.connections.open"]
    assert opened and opened[0].headers["Authorization"] == "Bearer xapp-1-test"
    assert [a["envelope_id"] for a in socket_server.acks] == ["env-1", "env-1"]
    first, again = (a["payload"] for a in socket_server.acks)
    assert first["response_type"] == "ephemeral" and "Saved your plan: Socket Mode needs no public URL" in first["text"]
    assert again == first
    assert len(journal_lines(roster.root)) == 1
    path = roster.root / "workbooks" / WEEK / "ada" / "socket-mode-needs-no-public-url.ipynb"
    assert load_workbook(path).records.plan["author"] == "ada"


def test_socket_mode_needs_an_app_token(roster):
    from ldkit.core.errors import InputError

    with pytest.raises(InputError, match="SLACK_APP_TOKEN"):
        socket_handler(roster.root, secrets=Secrets(slack_bot_token="xoxb-1"))
