"""The home notebook: written by init, refreshed alone by --upgrade, never a template; its panel's logic."""
import json
import os

from tests.conftest import snapshot


def test_init_writes_the_home_notebook_and_upgrade_refreshes_only_it(ws, run):
    home = ws.root / "Learning Day.ipynb"
    nb = json.loads(home.read_text())
    assert "ldkit.home()" in "".join(nb["cells"][-1]["source"])
    assert "Learning Day" not in run("templates").stdout.split("\n")[0] and "home" not in json.loads(
        run("templates", "--json").stdout)[0]["name"]
    home.write_text("{}")  # an old or broken copy
    before = {k: v for k, v in snapshot(ws.root).items() if k != "Learning Day.ipynb"}
    assert "refreshed" in run("init", "--upgrade", ".").stdout
    assert json.loads(home.read_text())["metadata"]["ldkit_home"] is True
    assert {k: v for k, v in snapshot(ws.root).items() if k != "Learning Day.ipynb"} == before
    run("digest", "--quiet")
    assert "Learning Day.ipynb" not in (ws.root / "digests").rglob("*.html").__next__().read_text()


def test_templates_check_fails_on_a_broken_template(ws, run):
    assert "7 of 7 templates are valid" in run("templates", "--check").stderr
    (ws.templates / "broken.ipynb").write_text("{not json")
    result = run("templates", "--check", code=1)
    assert "7 of 8 templates are valid; broken: broken" in result.stderr


def test_the_panel_starts_a_workbook_as_ldkit_new_does_and_builds_the_digest(ws, run, monkeypatch):
    from ldkit.notebook.home import HomePanel

    monkeypatch.chdir(ws.root)
    panel = HomePanel()
    assert panel.author.value == "alice" and panel.template.value == "paper"
    assert [w.description for w in panel.fields_box.children] == ["arXiv id", "DOI", "URL"]
    panel.template.value = "tutorial"
    assert [w.description for w in panel.fields_box.children] == ["URL"]
    panel.title.value = "JAX basics"
    path = panel.start()
    assert path is not None and path.name == "jax-basics.ipynb"
    made = json.loads(path.read_text())["metadata"]["ldkit"]
    assert made["template"] == "tutorial" and made["author"] == "alice"
    before = snapshot(ws.root / "workbooks")
    assert panel.start() is None  # the same title again: refused (never overwritten), shown inline
    assert snapshot(ws.root / "workbooks") == before
    panel.week.value = "banana"
    assert panel.start() is None
    panel.week.value = "this"
    thread = panel.build()
    assert panel.build_button.disabled
    thread.join(120)
    assert not panel.build_button.disabled
    assert list((ws.root / "digests").rglob("index.html"))


def test_links_are_relative_to_the_notebook(ws, monkeypatch):
    from ldkit.notebook.home import _link

    target = ws.root / "workbooks" / "2026-W48" / "alice" / "x.ipynb"
    monkeypatch.chdir(ws.root)
    assert 'href="workbooks/2026-W48/alice/x.ipynb"' in _link(target, "x")
    sub = ws.root / "workbooks"
    monkeypatch.chdir(sub)
    assert 'href="2026-W48/alice/x.ipynb"' in _link(target, "x")
    assert os.sep not in _link(target, "x").split('"')[1].replace("/", "")


def test_upgrade_outside_a_workspace_changes_nothing(tmp_path, run):
    folder = tmp_path / "plain"
    folder.mkdir()
    result = run("init", "--upgrade", str(folder), code=2)
    assert "is not an ldkit workspace" in result.stderr and list(folder.iterdir()) == []


def test_the_panel_offers_last_times_next_steps_and_continues_the_track(ws, run, new_workbook, monkeypatch, clock):
    from ldkit.notebook.home import HomePanel

    clock.at("2026-12-03T10:00:00Z", tz="Europe/Berlin")  # 2026-W49
    last = new_workbook("tutorial", "RL course, week 1", "--week", "2026-W48", "--track", "RL course")
    run("log", "outcome", last, "--summary", "Bandits.", "--next", "Continue with <b>PPO</b>")
    monkeypatch.chdir(ws.root)
    panel = HomePanel()
    assert panel.week.value == "2026-W49"
    assert panel.offered == {"from": json.loads(last.read_text())["metadata"]["ldkit"]["id"], "week": "2026-W48",
                             "next_steps": "Continue with <b>PPO</b>"}
    assert "Last time (2026-W48):</b> Continue with &lt;b&gt;PPO&lt;/b&gt;" in panel.last_time.value
    assert panel.continue_track.description == "Continue the track “RL course”"
    panel.week.value = "2026-W48"  # nothing before W48: nothing offered
    assert panel.offered is None and panel.continue_track.layout.display == "none"
    panel.week.value = "2026-W49"
    panel.template.value = "tutorial"
    panel.title.value = "RL course, week 2"
    panel.continue_track.value = True
    made = json.loads(panel.start().read_text())["metadata"]["ldkit"]
    assert made["track"] == {"slug": "rl-course", "name": "RL course"}
    assert made["carry_over"]["next_steps"] == "Continue with <b>PPO</b>"  # the goal the panel offered


def test_the_panel_offers_nothing_from_a_private_workbook(ws, run, new_workbook, monkeypatch, clock):
    from ldkit.notebook.home import HomePanel

    clock.at("2026-12-03T10:00:00Z", tz="Europe/Berlin")
    secret = new_workbook("blank", "Secret", "--week", "2026-W48", "--track", "Hidden")
    run("log", "outcome", secret, "--summary", "s", "--next", "SECRET-NEXT", "--private")
    monkeypatch.chdir(ws.root)
    panel = HomePanel()
    assert panel.offered is None and panel.last_time.value == "" and panel.continue_track.layout.display == "none"
