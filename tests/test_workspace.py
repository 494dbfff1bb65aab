from pathlib import Path

import pytest

from ldkit.core.errors import WorkspaceError
from ldkit.core.workspace import DEFAULT_CATEGORIES, find_workspace
from ldkit.workbook.setup import init_workspace
from tests.conftest import snapshot


def test_found_by_walking_up(ws):
    deep = ws.root / "workbooks" / "a" / "b"
    deep.mkdir(parents=True)
    assert find_workspace(deep).root == ws.root


def test_pyproject_tool_table(tmp_path, monkeypatch):
    monkeypatch.delenv("LDKIT_HOME", raising=False)
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n[tool.ldkit]\nlearning_day = "fri"\n')
    found = find_workspace(tmp_path)
    assert found.root == tmp_path and found.settings.learning_day == "friday"
    assert found.settings.categories == DEFAULT_CATEGORIES


def test_ldkit_home_overrides(ws, tmp_path, monkeypatch):
    other = init_workspace(tmp_path / "other")
    monkeypatch.setenv("LDKIT_HOME", str(other.root))
    assert find_workspace(ws.root).root == other.root
    monkeypatch.setenv("LDKIT_HOME", str(tmp_path / "nowhere"))
    with pytest.raises(WorkspaceError, match="is not an ldkit workspace"):
        find_workspace()


def test_no_workspace_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.delenv("LDKIT_HOME", raising=False)
    with pytest.raises(WorkspaceError) as info:
        find_workspace(tmp_path)
    assert "ldkit init" in str(info.value)


@pytest.mark.parametrize("text, message", [
    ('colour = "blue"\n', "unknown setting 'colour'"),
    ("learning_day = 4\n", "setting 'learning_day' must be a string"),
    ('learning_day = "someday"\n', "'learning_day' = 'someday' is not a weekday"),
    ('categories = "tutorial"\n', "'categories' must be a list of strings"),
    ("categories = []\n", "non-empty list"),
    ('workbooks_dir = "../elsewhere"\n', "must be a folder inside the workspace"),
    ('workbooks_dir = "/tmp"\n', "must be a folder inside the workspace"),
    ("learning_day = \n", "not valid TOML"),
])
def test_bad_settings_name_the_key_and_the_file(tmp_path, monkeypatch, text, message):
    monkeypatch.delenv("LDKIT_HOME", raising=False)
    config = tmp_path / "ldkit.toml"
    config.write_text(text)
    with pytest.raises(WorkspaceError) as info:
        find_workspace(tmp_path)
    assert message in str(info.value)
    assert str(config) in str(info.value)


def test_init_makes_a_complete_workspace(tmp_path):
    made = init_workspace(tmp_path / "team")
    assert (made.root / "ldkit.toml").is_file()
    assert sorted(p.stem for p in (made.root / "templates").glob("*.ipynb")) == [
        "blank", "explore", "fundamentals", "paper", "project", "reading", "tutorial"]
    assert "digests/" in (made.root / ".gitignore").read_text()
    # the written settings file is itself valid and gives the defaults
    assert find_workspace(made.root).settings.categories == DEFAULT_CATEGORIES


def test_init_refuses_an_existing_workspace(ws, run):
    (ws.root / "templates" / "paper.ipynb").write_text("my edits")
    before = snapshot(ws.root)
    result = run("init", str(ws.root), code=2)
    assert "already an ldkit workspace" in result.stderr
    assert snapshot(ws.root) == before


def test_init_cli_prints_next_step(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("init", "team")
    assert "ldkit new" in result.stdout
    assert Path(tmp_path / "team" / "ldkit.toml").exists()


def test_init_on_a_file_is_refused(tmp_path, run):
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    assert "exists and is not a folder" in run("init", str(target), code=2).stderr
    assert target.read_text() == "mine"


def test_settings_print_is_asdict_without_its_deep_copies(ws, run):
    """The site's context digests the settings: settings_print gives what dataclasses.asdict gives, roster and teams
    included (a company's 100,000 members made asdict seconds long)."""
    import json
    from dataclasses import asdict

    from ldkit.core.workspace import find_workspace, settings_print

    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text() + '\n[teams]\nvision = { name = "Vision", webhook_env = "V_HOOK" }\n\n'
                      '[team]\nada = { name = "Ada", tz = "Europe/Berlin", team = "vision" }\nbob = { tz = "UTC" }\n')
    settings = find_workspace().settings
    assert settings.team and settings.teams
    assert json.dumps(settings_print(settings), sort_keys=True, default=str) == \
        json.dumps(asdict(settings), sort_keys=True, default=str)
