"""Helpers for the bot tests: requests signed exactly as Slack, Mattermost and Teams sign them, and the real
app under uvicorn on 127.0.0.1 (in a thread, stopped by the test)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
MM_TOKEN = "xbd5ypfmqbrxpnqhodqj8ce9ta"
TEAMS_SECRET = base64.b64encode(b"teams-shared-secret-32-bytes-long").decode()
ROSTER = {"ada": ("Ada L.", "U0ADA", "Europe/Berlin"), "bob": ("Bob M.", "bob.m", "America/New_York"),
          "cy": ("Cy T.", "29:1teamsCy", "")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def slack_headers(body: bytes, secret: str = SLACK_SECRET, at: float | None = None) -> dict[str, str]:
    stamp = str(int(time.time() if at is None else at))
    base = b"v0:" + stamp.encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded"}


def slack_command(text: str, user: str = "U0ADA", **extra: str) -> bytes:
    fields = {"token": "deprecated", "team_id": "T0001", "team_domain": "example", "channel_id": "C2147483705",
              "channel_name": "learning-day", "user_id": user, "user_name": "someone", "command": "/learningday",
              "text": text, "api_app_id": "A123", "response_url": "https://hooks.slack.invalid/commands/1/2",
              "trigger_id": f"13345224609.738474920.{hashlib.md5((text + user).encode()).hexdigest()}", **extra}
    return urlencode(fields).encode()


def slack_interaction(payload: dict) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def mattermost_command(text: str, user_id: str = "mmid-bob", user_name: str = "bob.m", **extra: str) -> bytes:
    fields = {"channel_id": "ch1", "channel_name": "town-square", "command": "/learningday", "team_domain": "t",
              "team_id": "team1", "text": text, "token": MM_TOKEN, "user_id": user_id, "user_name": user_name,
              "trigger_id": "mmtrigger-" + hashlib.md5((text + user_id).encode()).hexdigest(),
              "response_url": "https://mm.invalid/hooks/commands/x", **extra}
    return urlencode(fields).encode()


def mattermost_headers(token: str = MM_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Token {token}", "Content-Type": "application/x-www-form-urlencoded"}


def teams_message(text: str, sender: str = "29:1teamsCy", name: str = "Cy T.") -> bytes:
    return json.dumps({"type": "message", "id": "1485983408511", "text": f"<at>Learning Day</at> {text}",
                       "textFormat": "plain", "from": {"id": sender, "name": name, "aadObjectId": "aad-cy"},
                       "channelData": {"teamsTeamId": "19:x", "teamsChannelId": "19:y"}}).encode()


def teams_headers(body: bytes, secret: str = TEAMS_SECRET) -> dict[str, str]:
    digest = hmac.new(base64.b64decode(secret), body, hashlib.sha256).digest()
    return {"Authorization": "HMAC " + base64.b64encode(digest).decode(), "Content-Type": "application/json"}


class Running:
    """An ASGI app under a real uvicorn server in this process."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False, lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def journal_lines(root: Path) -> list[dict]:
    out = []
    for path in sorted(Path(root).rglob("*.ldkit.jsonl")):
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def load_members(count: int = 20) -> dict[str, tuple[str, str, str]]:
    return {f"m{n:02d}": (f"Member {n}", f"U0LOAD{n:02d}", "Europe/Berlin") for n in range(count)}


def load_run(url: str, clients: int = 20, per_client: int = 10, retries: int = 1) -> list[float]:
    """`clients` threads, each a member sending `per_client` signed commands (a plan, then outcomes), each
    command's first delivery followed by `retries` resends of the same body; returns every first delivery's time
    to its answer, in seconds."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    def client(n: int) -> list[float]:
        times = []
        with httpx.Client(timeout=30) as session:
            for k in range(per_client):
                text = f"plan Load goal {n}" if k == 0 else f"done Load summary {n}.{k}"
                body = slack_command(text, f"U0LOAD{n:02d}")
                started = time.perf_counter()
                reply = session.post(url + "/slack/commands", content=body, headers=slack_headers(body))
                times.append(time.perf_counter() - started)
                assert reply.status_code == 200 and "Saved your" in reply.json()["text"], reply.text
                for attempt in range(retries):
                    again = session.post(url + "/slack/commands", content=body,
                                         headers={**slack_headers(body), "X-Slack-Retry-Num": str(attempt + 1)})
                    assert again.json() == reply.json()
        return times

    with ThreadPoolExecutor(clients) as pool:
        return [t for times in pool.map(client, range(clients)) for t in times]
