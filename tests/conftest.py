"""Shared fixtures: a fresh workspace per test, a CLI runner, and snapshots to prove nothing was lost."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ldkit.cli.main import cli
from ldkit.core.workspace import Workspace
from ldkit.workbook.setup import init_workspace


@pytest.fixture(autouse=True)
def no_paper_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test asks the real arXiv or DOI resolver (`-p arxiv_id` fetches too): both point at a closed local port
    and the cache is the test's own, unless `paper_services` gives them a fake server."""
    monkeypatch.setenv("LDKIT_ARXIV_API", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("LDKIT_DOI_RESOLVER", "http://127.0.0.1:9/doi")
    monkeypatch.setenv("LDKIT_CACHE_DIR", str(tmp_path / "paper-cache"))
    monkeypatch.setenv("LDKIT_ARXIV_INTERVAL", "0")


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """An initialised workspace as the current folder, with author alice and no LDKIT_HOME."""
    monkeypatch.delenv("LDKIT_HOME", raising=False)
    monkeypatch.setenv("LDKIT_AUTHOR", "alice")
    workspace = init_workspace(tmp_path / "ws")
    monkeypatch.chdir(workspace.root)
    return workspace


class Run:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int | None = 0):
        result = self.runner.invoke(cli, [str(a) for a in args], input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        if code is not None:
            assert result.exit_code == code, (
                f"exit {result.exit_code}, wanted {code}\nstdout: {result.stdout}\nstderr: {result.stderr}")
        return result


@pytest.fixture
def run() -> Run:
    return Run()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes, to compare before and after a failing command."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


@pytest.fixture
def new_workbook(ws: Workspace, run: Run):
    """Make a workbook with `ldkit new` and return its path."""
    def make(template: str = "paper", title: str = "A title", *extra: str) -> Path:
        result = run("new", template, "--title", title, "--json", *extra)
        return Path(json.loads(result.stdout)["path"])
    return make


def ldkit_process(*args: str, cwd: Path | None = None, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """Run the real console entry point in a subprocess (for exit codes, imports and concurrency)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "ldkit", *map(str, args)], cwd=cwd, env=full_env,
                          capture_output=True, text=True, **kw)


@pytest.fixture
def read_only():
    """Make a folder read-only for this test, even for root (which ignores permission bits)."""
    made: list[Path] = []

    def lock(folder: Path) -> Path:
        folder = Path(folder)
        if os.geteuid() != 0:
            folder.chmod(0o555)
        else:
            done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.fail(f"cannot make {folder} read-only as root (chattr +i: {done.stderr.strip()})")
        made.append(folder)
        return folder

    yield lock
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        else:
            folder.chmod(0o755)


@pytest.fixture
def fake_server():
    from tests.fakeserver import FakeServer

    server = FakeServer()
    yield server
    server.close()


@pytest.fixture
def paper_services(fake_server, tmp_path, monkeypatch):
    """arXiv and the DOI resolver faked on 127.0.0.1, with fixtures in the real Atom, CSL and BibTeX formats."""
    from tests.fakeserver import Reply, fixture

    arxiv = {"1803.02999": [Reply(body=fixture("arxiv-1803.02999.xml"))],
             "2101.00001": [Reply(body=fixture("arxiv-latex.xml"))],
             "9912.12345": [Reply(body=fixture("arxiv-empty.xml"))],
             "2612.99999": [Reply(body=fixture("arxiv-error.xml"))]}
    doi = {"10.1038/nature14539": {
        "application/vnd.citationstyles.csl+json": [Reply(body=fixture("doi-10.1038-nature14539.csl.json"))],
        "application/x-bibtex": [Reply(body=fixture("doi-10.1038-nature14539.bib"))]}}

    def match(seen):
        if seen.path == "/api/query":
            key = seen.query.get("id_list", [""])[0]
            return arxiv.get(key) or arxiv.get(key.rsplit("v", 1)[0]) or [Reply(body=fixture("arxiv-empty.xml"))]
        if seen.path.startswith("/doi/"):
            found = doi.get(seen.path[len("/doi/"):])
            return found.get(seen.headers.get("Accept", "")) if found else None
        return None

    fake_server.match = match
    fake_server.arxiv, fake_server.doi = arxiv, doi
    monkeypatch.setenv("LDKIT_ARXIV_API", fake_server.url + "/api/query")
    monkeypatch.setenv("LDKIT_DOI_RESOLVER", fake_server.url + "/doi")
    monkeypatch.setenv("LDKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LDKIT_ARXIV_INTERVAL", "0")
    monkeypatch.setenv("LDKIT_NET_TIMEOUT", "2")
    return fake_server


CLOCK_DIR = Path(__file__).parent / "clock"


class Clock:
    """This process's clock and every child Python's, pinned to one instant (ticking from there)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.traveller = None

    def at(self, instant: str, tz: str = "UTC") -> Clock:
        """`instant` in RFC 3339 (2026-12-03T15:00:00Z); `tz` is the zone of this machine's local time."""
        import datetime as dt
        from zoneinfo import ZoneInfo

        import time_machine
        from time_machine import escape_hatch

        self.stop()
        when = dt.datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(ZoneInfo(tz))
        # TZ through monkeypatch first: it keeps the value from before the test (a ZoneInfo destination makes
        # time_machine set TZ too; set after it, monkeypatch would keep *its* zone and put it back at the end,
        # leaving every later test of the process in that zone: Monday in Berlin while Sunday in UTC)
        self.monkeypatch.setenv("TZ", tz)
        self.traveller = time_machine.travel(when, tick=True)  # a ZoneInfo destination sets TZ for local time
        self.traveller.start()
        # children read the same instant through tests/clock/sitecustomize.py, in the same zone
        self.monkeypatch.setenv("LDKIT_TEST_NOW", when.astimezone(dt.timezone.utc).isoformat())
        self.monkeypatch.setenv("LDKIT_TEST_CLOCK_ANCHOR", repr(escape_hatch.time.time()))
        path = os.environ.get("PYTHONPATH", "")
        if str(CLOCK_DIR) not in path.split(os.pathsep):
            self.monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(CLOCK_DIR), path) if p))
        return self

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """`clock.at("2026-12-03T15:00:00Z", tz="Asia/Tokyo")`: the test's "now", for it and its subprocesses."""
    import time

    pinned = Clock(monkeypatch)
    yield pinned
    pinned.stop()
    monkeypatch.undo()  # TZ back before tzset, so later tests read local time as before
    time.tzset()


# ---------------------------------------------------------------- the chat bot (tests/test_bot*.py)

@pytest.fixture
def roster(ws):
    """The workspace with three members, one per chat service (tests/botkit.py ROSTER)."""
    from ldkit.team.roster import add_member
    from tests.botkit import ROSTER

    for slug, (name, chat, tz) in ROSTER.items():
        add_member(ws.config_file, slug, name, chat, tz or None)
    return ws


@pytest.fixture
def make_bot(roster, clock, fake_server):
    """Start the bot's real app under uvicorn on 127.0.0.1 (Thursday 2026-12-03, 11:00 in Berlin); the fake
    server stands in for the Slack Web API and the Mattermost server. Every server is stopped after the test."""
    from ldkit.bot.app import Bot, create_app
    from ldkit.bot.settings import Secrets
    from tests.botkit import MM_TOKEN, SLACK_SECRET, TEAMS_SECRET, Running

    clock.at("2026-12-03T10:00:00Z", tz="Europe/Berlin")
    started = []

    def make(**kw):
        secrets = Secrets(SLACK_SECRET, "xoxb-test", "", MM_TOKEN, TEAMS_SECRET, fake_server.url + "/api/",
                          fake_server.url)
        running = Running(create_app(Bot(roster.root, secrets, **kw)))
        started.append(running)
        return running

    yield make
    for running in started:
        running.close()


@pytest.fixture
def server(make_bot):
    return make_bot()
