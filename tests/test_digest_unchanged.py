"""ldkit.digest.unchanged: a digest whose inputs are as they were leaves its files as they stand and says the same
lines; any change to what it reads or wrote — a notebook, a journal, the settings, the page, an image, the
options, the date — builds it again; --rebuild, --execute and --post always build."""
import json
import os
from pathlib import Path

import pytest

WEEK = "2026-W48"


@pytest.fixture
def builds(monkeypatch):
    """How many times a digest was really built (not said again)."""
    from ldkit.digest import build as build_module

    count = []
    real = build_module.build_digest

    def counted(*args, **kwargs):
        count.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "build_digest", counted)
    return count


def digest(run, *args, code=0):
    return run("digest", "--week", WEEK, "--quiet", *args, code=code)


def page_of(ws) -> Path:
    return ws.root / "digests" / WEEK / "index.html"


def test_nothing_changed_leaves_the_page_and_says_the_same(ws, run, new_workbook, builds):
    new_workbook("blank", "Fine", "--week", WEEK)
    (ws.root / "workbooks" / WEEK / "alice" / "broken.ipynb").write_text("{not json")  # a warning to say again
    first = digest(run, "--format", "md")
    page = page_of(ws)
    before = os.stat(page)
    again = digest(run, "--format", "md")
    assert len(builds) == 1
    assert (again.stdout, again.stderr) == (first.stdout, first.stderr)
    assert "broken.ipynb" in again.stderr and "wrote" in again.stdout and "1 notebook" in again.stdout
    after = os.stat(page)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_each_change_builds_again(ws, run, new_workbook, builds, clock):
    clock.at("2026-11-26T10:00:00Z")
    path = new_workbook("blank", "Fine", "--week", WEEK)
    digest(run)
    digest(run)
    assert len(builds) == 1

    def changes(what) -> None:
        n = len(builds)
        what()
        digest(run)
        assert len(builds) == n + 1, what.__doc__
        digest(run)
        assert len(builds) == n + 1, f"{what.__doc__}: once built, unchanged again"

    def edit_notebook():
        """a notebook edited in place"""
        nb = json.loads(path.read_text())
        nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "Later Q7."})
        path.write_text(json.dumps(nb))

    def log_outcome():
        """an outcome logged"""
        run("log", "outcome", path, "--summary", "Done it.", "--hours", "2")

    def settings():
        """the settings"""
        config = ws.root / "ldkit.toml"
        config.write_text(config.read_text() + "\n# a comment\n")

    def page_edited():
        """the page edited by hand"""
        page_of(ws).write_text("mine")

    def page_removed():
        """the page removed"""
        page_of(ws).unlink()

    def next_day():
        """the next day (a week's open and held days follow the date)"""
        clock.at("2026-11-27T10:00:00Z")

    for what in (edit_notebook, log_outcome, settings, page_edited, page_removed, next_day):
        changes(what)
    assert "Later Q7." in page_of(ws).read_text() and "Done it." in page_of(ws).read_text()
    digest(run, "--format", "json")  # other options: another digest
    assert len(builds) == 8 and (ws.root / "digests" / WEEK / "digest.json").is_file()


def test_an_image_outside_workbooks_is_looked_at_again(ws, run, new_workbook, builds):
    pictures = ws.root / "pictures"
    pictures.mkdir()
    (pictures / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 40)
    path = new_workbook("blank", "Fine", "--week", WEEK)
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "![plot](../../../pictures/plot.png)"})
    path.write_text(json.dumps(nb))
    digest(run)
    digest(run)
    assert len(builds) == 1
    (pictures / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"2" * 80)
    digest(run)
    assert len(builds) == 2


def test_rebuild_and_a_damaged_record_build(ws, run, new_workbook, builds):
    new_workbook("blank", "Fine", "--week", WEEK)
    digest(run)
    digest(run, "--rebuild")
    assert len(builds) == 2
    digest(run)  # what --rebuild made stands
    assert len(builds) == 2
    records = list((ws.root / ".ldkit-cache" / "digest" / "unchanged").glob("*.json"))
    assert records
    for record in records:
        record.write_text("{not json")
    digest(run)
    assert len(builds) == 3
    digest(run)
    assert len(builds) == 3


def test_a_post_is_never_said_again_without_posting(ws, run, new_workbook, builds, fake_server):
    from tests.fakeserver import Reply

    new_workbook("blank", "Fine", "--week", WEEK)
    digest(run)
    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    out = digest(run, "--post", fake_server.url + "/hook")
    assert len(builds) == 2 and len(fake_server.requests) == 1 and "posted" in out.stdout


def test_the_exit_code_is_said_again(ws, run, new_workbook, builds):
    """--strict's exit 1 (a notebook that failed to render) is part of what a build said: kept with its lines."""
    from ldkit.core.weeks import parse_week
    from ldkit.core.workspace import find_workspace
    from ldkit.digest.unchanged import Said, Unchanged

    new_workbook("blank", "Fine", "--week", WEEK)
    digest(run, "--strict")
    workspace = find_workspace()
    week = parse_week(WEEK)
    unchanged = Unchanged(workspace, week, workspace.digest_folder(week), (), None, True)
    assert unchanged.said() is not None and unchanged.said().exit_code == 0
    unchanged.keep(Said([(True, "ldkit: warning: 1 notebook could not be rendered")], 1), [page_of(ws)], [])
    again = digest(run, "--strict", code=1)
    assert "could not be rendered" in again.stderr and len(builds) == 1
    digest(run)  # without --strict: another digest, built
    assert len(builds) == 2
