"""What keeps a company-sized workspace fast, and still right: a large roster's settings kept by content, a site
with nothing changed left standing (and rebuilt on any change), search's index replaced row by row."""
import json
import os

import pytest

from ldkit.core import settings_cache
from ldkit.core.errors import WorkspaceError
from ldkit.core.workspace import find_workspace

WEEK = "2026-W48"


def big_roster(ws, members=3000, team="t0"):
    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text() + f'\n[teams]\n{team} = {{ name = "T" }}\n\n[team]\n' + "".join(
        f'm{i:05d} = {{ tz = "UTC", email = "m{i}@example.org", team = "{team}" }}\n' for i in range(members)))
    assert config.stat().st_size >= settings_cache.KEEP_FROM_BYTES
    return config


def test_a_large_roster_is_read_back_from_its_cache_and_an_edit_is_seen(ws, run):
    config = big_roster(ws)
    first = find_workspace().settings
    assert (ws.cache / settings_cache.CACHE_FILE).is_file()
    again = find_workspace().settings
    assert again == first and len(again.team) == 3000 and again.team[7].team == "t0"
    config.write_text(config.read_text().replace('m00007 = { tz = "UTC"', 'm00007 = { tz = "Europe/Berlin"'))
    assert find_workspace().settings.team[7].tz == "Europe/Berlin"
    config.write_text(config.read_text() + 'm99999 = { team = "nope" }\n')  # a bad edit is refused, cache or not
    assert "names team 'nope'" in run("status", code=2).stderr


def test_a_roster_is_kept_as_columns_and_a_name_with_a_newline_comes_back_whole(ws):
    """Each field's column is kept as one string joined by newlines (quick to write and read back); a column with
    a newline in a value (a TOML escape) is kept as a list, and reads back the same."""
    config = big_roster(ws)
    config.write_text(config.read_text() + 'ada = { name = "Ada\\nLovelace", chat = "U1" }\nbob = {}\n')
    first = find_workspace().settings
    settings_cache._read.clear()
    kept = json.loads((ws.cache / settings_cache.CACHE_FILE).read_text())["settings"]["team"]
    assert kept["count"] == 3002
    slug, name, chat, tz, email, team = kept["columns"]
    assert isinstance(slug, str) and isinstance(name, list) and isinstance(tz, str)
    again = find_workspace().settings
    assert again == first and again.team[0].name == "Ada\nLovelace" and again.team[1].slug == "bob"
    assert again.team[1] == ("bob", "", "", "", "", "")


def test_a_broken_settings_cache_is_only_a_slower_read(ws):
    big_roster(ws)
    find_workspace()
    (ws.cache / settings_cache.CACHE_FILE).write_text('{"key": "x", "settings": ')
    assert len(find_workspace().settings.team) == 3000
    settings_cache._read.clear()  # as a new process: the settings read from the cache, or the file
    find_workspace()
    kept = json.loads((ws.cache / settings_cache.CACHE_FILE).read_text())
    kept["settings"]["team"]["columns"][1] = "a\nb"  # a column of the wrong length, under the right key
    (ws.cache / settings_cache.CACHE_FILE).write_text(json.dumps(kept))
    settings_cache._read.clear()
    assert len(find_workspace().settings.team) == 3000 and settings_cache.cached(
        ws.cache, settings_cache._read[str(ws.root / "ldkit.toml")][0], dict) is not None  # and kept right again


def test_a_small_settings_file_is_kept_by_a_build_and_read_back_without_tomllib(ws, run, new_workbook):
    """A team's small ldkit.toml: a command that only reads writes no cache (a refused one leaves the workspace as
    it found it); a build keeps the settings, and the next command reads them back without importing tomllib
    (~8 ms of a warm digest); an edit is read afresh."""
    import subprocess
    import sys

    new_workbook("blank", "Small", "--week", WEEK)
    run("status", "--week", WEEK)
    kept = ws.cache / settings_cache.CACHE_FILE
    assert not kept.exists()
    run("digest", "--week", WEEK, "--quiet")
    assert kept.is_file()
    probe = ("import sys\nfrom ldkit.core.workspace import find_workspace\ns = find_workspace().settings\n"
             "print('tomllib' in sys.modules, s.currency, s.learning_day)")
    read = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert read.stdout.split() == ["False", "EUR", "thursday"], read.stderr
    config = ws.root / "ldkit.toml"
    assert 'currency = "EUR"' in config.read_text()
    config.write_text(config.read_text().replace('currency = "EUR"', 'currency = "CHF"'))
    read = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert read.stdout.split() == ["True", "CHF", "thursday"], read.stderr
    before = kept.read_bytes()
    run("status", "--week", WEEK)
    assert kept.read_bytes() == before  # read afresh, kept only by the next build
    run("digest", "--week", WEEK, "--quiet")
    assert kept.read_bytes() != before and find_workspace().settings.currency == "CHF"


def test_the_collector_paused_for_a_large_roster_runs_again_whatever_the_read_ends_in(ws, run):
    import gc

    config = big_roster(ws)
    assert gc.isenabled()
    find_workspace()  # read and kept
    assert gc.isenabled()
    find_workspace()  # read back
    assert gc.isenabled()
    config.write_text(config.read_text() + 'm00001 = { tz = "UTC" }\n')  # a repeated member: tomllib's error
    assert "is not valid TOML" in run("status", code=2).stderr
    with pytest.raises(WorkspaceError, match="is not valid TOML"):
        find_workspace()
    assert gc.isenabled()
    gc.disable()  # a caller that had it off finds it off
    try:
        config.write_text(config.read_text().replace('m00001 = { tz = "UTC" }\n', ""))
        assert len(find_workspace().settings.team) == 3000 and not gc.isenabled()
    finally:
        gc.enable()


def test_a_server_reads_a_large_roster_without_freezing_the_collector(ws, monkeypatch):
    """A command freezes what is alive after a large read (the collector never walks the members again); a
    server (the bot) does not: a freeze there would keep whatever garbage was alive for the process's life."""
    import gc

    from ldkit.core import workspace

    big_roster(ws)
    before = gc.get_freeze_count()
    monkeypatch.setattr(workspace, "_freeze_after_large_reads", True)
    find_workspace()
    assert gc.get_freeze_count() > before
    gc.unfreeze()
    workspace.long_running()
    settings_cache._read.clear()
    (ws.cache / settings_cache.CACHE_FILE).unlink()
    find_workspace()
    assert gc.get_freeze_count() == 0


def test_an_unchanged_site_is_left_standing_and_any_change_rebuilds(ws, run, new_workbook):
    path = new_workbook("blank", "One", "--week", WEEK)
    run("log", "outcome", path, "--summary", "First words", "--hours", "1")
    run("site", "--quiet")
    index = ws.root / "site" / "index.html"
    before = index.stat().st_ino
    assert "0 files updated" in run("site", "--quiet").stdout and index.stat().st_ino == before
    run("log", "outcome", path, "--summary", "Second words", "--hours", "2")  # the journal and notebook change
    run("site", "--quiet")
    assert "Second words" in (ws.root / "site" / "people" / "alice" / "index.html").read_text()
    run("skip", "--week", "2026-W49", "--author", "bob")  # a week off alone is an input too
    assert "2026-W49" in run("site", "--quiet").stdout or (ws.root / "site" / "weeks" / "2026-W49").is_dir()
    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text().replace('# site_url = "https://your-team', 'site_url = "https://your-team'))
    run("site", "--quiet")
    assert "https://your-team.pages.example.com/learning-day/" in (ws.root / "site" / "feed.xml").read_text()


def test_a_referenced_image_that_changes_rebuilds_its_week(ws, run, new_workbook):
    path = new_workbook("blank", "Pictures", "--week", WEEK)
    (path.parent / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 20)
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "img1", "metadata": {}, "source": "![fig](fig.png)"})
    path.write_text(json.dumps(nb))
    run("site", "--quiet")
    page = ws.root / "site" / "weeks" / WEEK / "index.html"
    first = page.read_text()
    (path.parent / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"2" * 40)
    os.utime(path.parent / "fig.png", ns=(1, 1))
    run("site", "--quiet")
    assert page.read_text() != first


def test_search_replaces_a_changed_workbook_and_forgets_a_deleted_one(ws, run, new_workbook):
    one = new_workbook("blank", "Alpha study", "--week", WEEK)
    two = new_workbook("blank", "Beta study", "--week", WEEK)
    assert len(json.loads(run("search", "study", "--json").stdout)) == 2
    run("log", "plan", one, "--goal", "gamma rays")
    hits = json.loads(run("search", "gamma", "--json").stdout)
    assert [h["title"] for h in hits] == ["Alpha study"]
    two.unlink()
    assert [h["title"] for h in json.loads(run("search", "study", "--json").stdout)] == ["Alpha study"]


def test_stats_read_an_unchanged_week_back_and_see_any_change(ws, run, new_workbook):
    path = new_workbook("blank", "Counted", "--week", WEEK)
    run("log", "plan", path, "--goal", "Count me", "--hours", "2")

    def week():
        stats = json.loads(run("stats", "--until", WEEK, "--json").stdout)
        return next(w for w in stats["weeks"] if w["week"] == WEEK)

    assert week()["summarized"] == 0
    assert (ws.cache / "weeks" / f"{WEEK}.all.json").is_file()
    assert week()["summarized"] == 0  # read back
    run("log", "outcome", path, "--summary", "Done", "--hours", "3")
    assert week()["summarized"] == 1 and week()["hours"] == 3
    run("skip", "--week", WEEK, "--author", "bob", "--reason", "holiday")
    assert week()["skipped"] == ["bob"]
    (ws.cache / "weeks" / f"{WEEK}.all.json").write_text("{broken")
    assert week()["hours"] == 3
