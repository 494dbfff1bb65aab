"""A new output format and a new chat service are each one module and one `register` call: the CLI offers them."""
import json
import types

import pytest

from ldkit.core.registry import CHAT_SERVICES, WRITERS
from tests.fakeserver import Reply

WEEK = "2026-W48"


@pytest.fixture
def throwaway():
    """A writer `txt` and a chat service `pigeon`, registered for one test."""
    writer = types.ModuleType("txt_writer")
    writer.FILENAME = "digest.txt"

    def write(model, path, cache=None):
        path.write_text(f"{model.week}: {len(list(model.workbooks()))} workbook(s)\n")
        return path

    writer.write = write
    service = types.ModuleType("pigeon")
    service.digest_payload = lambda model, where: {"coo": f"{model.week} at {where}"}
    service.reminder_payload = lambda text, mentions: {"coo": text}
    WRITERS.register("txt", writer)
    CHAT_SERVICES.register("pigeon", service)
    yield
    WRITERS.unregister("txt")
    CHAT_SERVICES.unregister("pigeon")


def test_the_cli_offers_what_is_registered(throwaway, run):
    digest_help = run("digest", "--help").stdout
    assert "html|md|json|txt" in digest_help and "slack|mattermost|teams|pigeon" in digest_help
    assert "slack|mattermost|teams|pigeon" in run("remind", "--help").stdout


def test_a_registered_writer_and_service_do_the_work(throwaway, ws, run, new_workbook, fake_server):
    path = new_workbook("blank", "Pigeons", "--week", WEEK)
    run("log", "outcome", path, "--summary", "Coo.")
    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    run("digest", "--week", WEEK, "--quiet", "--format", "txt", "--post", fake_server.url + "/hook", "--chat", "pigeon")
    assert (ws.root / "digests" / WEEK / "digest.txt").read_text() == f"{WEEK}: 1 workbook(s)\n"
    assert json.loads(fake_server.requests[0].body)["coo"].startswith(f"{WEEK} at ")


def test_the_chat_setting_accepts_a_registered_service_and_names_the_known_ones(throwaway, ws, run):
    config = ws.root / "ldkit.toml"
    text = config.read_text()
    config.write_text(text.replace('chat = "slack"', 'chat = "pigeon"'))
    run("status")
    config.write_text(text.replace('chat = "slack"', 'chat = "owl"'))
    assert "must be slack, mattermost, teams or pigeon, not 'owl'" in run("status", code=2).stderr


def test_an_unknown_name_is_bad_usage(run, ws):
    assert "Invalid value for '--format'" in run("digest", "--format", "txt", code=2).stderr
    assert "Invalid value for '--chat'" in run("digest", "--chat", "pigeon", code=2).stderr
