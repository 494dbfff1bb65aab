import json
from pathlib import Path

import nbformat
import pytest

from tests.conftest import snapshot


def test_new_writes_a_parameterized_workbook(ws, run):
    result = run("new", "paper", "--title", "MAML: first-order", "--week", "2026-W48", "--json")
    made = json.loads(result.stdout)
    assert set(made) == {"path", "id", "week", "author", "template", "title"}
    path = Path(made["path"])
    assert path == ws.root / "workbooks" / "2026-W48" / "alice" / "maml-first-order.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    ident = nb.metadata.ldkit
    assert ident.id == made["id"] and ident.template == "paper" and ident.learning_day == "2026-11-26"
    assert ident.parameters["workbook_id"] == made["id"]
    assert nb.metadata.kernelspec.name == "python3"
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    i = tags.index(["parameters"])
    assert tags[i + 1] == ["injected-parameters"]
    injected = nb.cells[i + 1].source
    assert "title = 'MAML: first-order'" in injected and f"workbook_id = '{made['id']}'" in injected
    assert nb.cells[0].source.startswith("# MAML: first-order")


def test_new_prints_the_path(ws, run):
    out = run("new", "blank", "--title", "Rust lifetimes").stdout.strip()
    assert Path(out).is_file() and out.endswith("rust-lifetimes.ipynb")


def test_parameters_and_unknown_parameter_warning(ws, run):
    result = run("new", "reading", "--title", "Two papers", "-p", "papers", "1803.02999,1703.03400",
                 "-p", "colour", "blue", "--json")
    nb = json.loads(Path(json.loads(result.stdout)["path"]).read_text())
    assert nb["metadata"]["ldkit"]["parameters"]["papers"] == "1803.02999,1703.03400"
    assert "no parameter 'colour'" in result.stderr and "Its own parameters: papers" in result.stderr
    assert result.stdout.lstrip().startswith("{")  # --json keeps stdout pure


def test_never_overwrites_without_force(ws, run):
    first = Path(run("new", "paper", "--title", "Same").stdout.strip())
    first.write_text(first.read_text().replace("Reimplement", "My own words"))
    before = snapshot(ws.root)
    result = run("new", "paper", "--title", "Same", code=2)
    assert str(first) in result.stderr and "--force" in result.stderr
    assert snapshot(ws.root) == before
    run("new", "paper", "--title", "Same", "--force")
    backups = list(first.parent.glob("same.bak-*.ipynb"))
    assert len(backups) == 1 and "My own words" in backups[0].read_text()


def test_force_keeps_the_old_workbook_whole_with_its_journal(ws, run):
    first = Path(run("new", "paper", "--title", "Same").stdout.strip())
    run("log", "plan", first, "--goal", "the old plan")
    run("log", "outcome", first, "--summary", "the old outcome", "--hours", "2")
    result = run("new", "paper", "--title", "Same", "--force")
    backup = next(first.parent.glob("same.bak-*.ipynb"))
    backup_journal = backup.with_name(backup.stem + ".ldkit.jsonl")
    assert str(backup) in result.stderr and backup_journal.name in result.stderr
    assert backup_journal.exists() and not (first.parent / "same.ldkit.jsonl").exists()
    old = json.loads(run("show", backup, "--json").stdout)
    assert old["plan"]["goal"] == "the old plan" and old["outcome"]["summary"] == "the old outcome"
    new = json.loads(run("show", first, "--json").stdout)
    assert new["plan"] is None and new["outcome"] is None and new["workbook"]["id"] != old["workbook"]["id"]
    # the backup is not a second workbook of the week
    status = json.loads(run("status", "--json").stdout)
    assert [len(p["workbooks"]) for p in status["authors"]] == [1]


def test_new_workbook_entry_point_is_the_same_command(ws):
    from click.testing import CliRunner

    from ldkit.cli.main import new_workbook

    result = CliRunner().invoke(new_workbook, ["tutorial", "--title", "JAX basics", "--url", "https://x.org/j"])
    assert result.exit_code == 0, result.output
    nb = json.loads(Path(result.stdout.strip()).read_text())
    assert nb["metadata"]["ldkit"]["parameters"]["tutorial_url"] == "https://x.org/j"


@pytest.mark.parametrize("args, message", [
    (["paperz", "--title", "x"], "unknown template 'paperz'"),
    (["paper", "--title", "x", "--week", "2026-W54"], "2026 has 53 ISO weeks"),
    (["paper", "--title", "x", "--week", "2025-W00"], "2025 has 52 ISO weeks"),
    (["paper", "--title", "x", "--week", "banana"], "invalid week 'banana'"),
    (["paper", "--title", ""], "the title is empty"),
    (["paper", "--title", "?!?"], "has no letters or digits"),
    (["paper", "--title", "x" * 2000], "the limit is 200"),
    (["paper", "--title", "x", "--author", "../"], "no letters or digits to name a folder"),
    (["paper", "--title", "x", "-p", "title", "y"], "-p title is set by ldkit itself"),
])
def test_bad_input_exits_2_and_writes_nothing(ws, run, args, message):
    before = snapshot(ws.root)
    result = run("new", *args, code=2)
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(ws.root) == before


@pytest.mark.parametrize("title, name", [
    ("../../etc/passwd", "etc-passwd.ipynb"),
    ("Résumé — 注意", "resume-注意.ipynb"),
])
def test_odd_titles_stay_inside_the_workspace(ws, run, title, name):
    path = Path(run("new", "blank", "--title", title).stdout.strip())
    assert path.name == name and path.parent == ws.root / "workbooks" / path.parent.parent.name / "alice"
    assert json.loads(path.read_text())["metadata"]["ldkit"]["title"] == title


def test_path_like_author_is_slugged_inside_the_workspace(ws, run, tmp_path):
    result = run("new", "blank", "--title", "x", "--author", "../root")
    path = Path(result.stdout.strip())
    assert path.parent.name == "root" and ws.contains(path)
    assert "not a plain name" in result.stderr
    assert not (tmp_path / "root").exists()


def test_read_only_workbooks_folder_fails_clearly(ws, run, read_only):
    read_only(ws.root / "workbooks")
    result = run("new", "blank", "--title", "x", code=1)
    assert "cannot create folder" in result.stderr and "permissions" in result.stderr
    assert list((ws.root / "workbooks").iterdir()) == []


def test_outside_a_workspace(tmp_path, run, monkeypatch):
    monkeypatch.delenv("LDKIT_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run("new", "blank", "--title", "x", code=2)
    assert "no ldkit workspace here" in result.stderr and "ldkit init" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_author_resolution_order(ws, run, monkeypatch):
    monkeypatch.delenv("LDKIT_AUTHOR")
    (ws.root / "ldkit.toml").write_text('author = "Team Lead"\n')
    assert "/team-lead/" in run("new", "blank", "--title", "a").stdout
    monkeypatch.setenv("LDKIT_AUTHOR", "Env Person")
    assert "/env-person/" in run("new", "blank", "--title", "b").stdout
    assert "/given/" in run("new", "blank", "--title", "c", "--author", "Given").stdout


def test_parameter_of_the_wrong_type(ws, run):
    nb = json.loads((ws.templates / "blank.ipynb").read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] += "\nseed = 0  # random seed\nfast = False"
    (ws.templates / "seeded.ipynb").write_text(json.dumps(nb))
    before = snapshot(ws.root / "workbooks")
    assert "parameter 'seed' expects an int, not 'abc'" in run("new", "seeded", "-p", "seed", "abc", code=2).stderr
    assert "parameter 'fast' expects true or false" in run("new", "seeded", "-p", "fast", "maybe", code=2).stderr
    assert snapshot(ws.root / "workbooks") == before
    made = json.loads(run("new", "seeded", "-p", "seed", "7", "-p", "fast", "yes", "--json").stdout)
    params = json.loads(Path(made["path"]).read_text())["metadata"]["ldkit"]["parameters"]
    assert params["seed"] == 7 and params["fast"] is True


def test_every_way_of_starting_a_workbook_applies_the_roster(ws, run):
    """The home notebook and the chat bot start workbooks through start_workbook too: the roster rule is there."""
    from ldkit.core.errors import InputError
    from ldkit.core.weeks import parse_week
    from ldkit.core.workspace import find_workspace
    from ldkit.workbook.start import start_workbook

    run("team", "add", "ada")
    before = snapshot(ws.root)
    with pytest.raises(InputError, match="'guest' is not on the team's roster"):
        start_workbook(find_workspace(), "blank", title="Sneaky", week=parse_week("2026-W48"), author="guest")
    assert snapshot(ws.root) == before
