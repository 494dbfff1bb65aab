import json

import nbformat
import pytest

from ldkit.core.errors import TemplateError
from ldkit.workbook.templates import builtin_dir, catalog, get_template, read_parameters
from tests.conftest import snapshot

NAMES = ["blank", "explore", "fundamentals", "paper", "project", "reading", "tutorial"]


def test_seven_builtin_templates_that_are_valid_notebooks():
    found = catalog(None)
    assert list(found) == NAMES
    for template in found.values():
        assert template.problem is None, template.problem
        nb = nbformat.read(template.path, as_version=4)
        nbformat.validate(nb)
        assert template.description and template.display_name
        sources = [c.source for c in nb.cells if c.cell_type == "code"]
        assert any("ldkit.plan()" in s for s in sources) and "ldkit.outcome()" in sources[-1]
        assert {"title", "author", "week", "learning_day", "workbook_id"} <= {p.name for p in template.parameters}


def test_paper_template_has_the_reproducibility_sections():
    text = builtin_dir().joinpath("paper.ipynb").read_text()
    for section in ("Scope of reproducibility", "Methodology", "Implementation", "Results", "Discussion",
                    "What was easy", "What was difficult", "Communication with original authors", "References"):
        assert section in text


def test_parameters_are_read_the_papermill_way():
    params = read_parameters('alpha = 0.5  # learning rate\nname: str = "x"\nflag = True\nitems = [1, 2]\n')
    assert [(p.name, p.type, p.default, p.help) for p in params] == [
        ("alpha", "float", "0.5", "learning rate"), ("name", "str", '"x"', ""),
        ("flag", "bool", "True", ""), ("items", "list", "[1, 2]", "")]


@pytest.mark.parametrize("statement", ["import os", "x, y = 1, 2", "print('hi')", "for i in []: pass"])
def test_a_parameters_cell_that_is_not_plain_assignments_is_reported(ws, run, statement):
    nb = json.loads((ws.templates / "blank.ipynb").read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = 'topic = ""\n' + statement + "\n"
    (ws.templates / "odd.ipynb").write_text(json.dumps(nb))
    listed = {t["name"]: t for t in json.loads(run("templates", "--json").stdout)}
    assert "plain assignments" in listed["odd"]["problem"] and "line 2" in listed["odd"]["problem"]
    before = snapshot(ws.root)
    result = run("new", "odd", "--title", "x", code=2)
    assert "plain assignments" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(ws.root) == before


def test_workspace_copy_wins(ws):
    mine = json.loads((ws.templates / "blank.ipynb").read_text())
    mine["metadata"]["ldkit_template"]["description"] = "Our team's blank"
    (ws.templates / "blank.ipynb").write_text(json.dumps(mine))
    found = catalog(ws.templates)
    assert found["blank"].source == "workspace" and found["blank"].description == "Our team's blank"


def test_broken_templates_are_reported_by_name(ws, run):
    (ws.templates / "notjson.ipynb").write_text("{not json")
    nb = json.loads((ws.templates / "blank.ipynb").read_text())
    for cell in nb["cells"]:
        cell["metadata"].pop("tags", None)
    (ws.templates / "untagged.ipynb").write_text(json.dumps(nb))
    result = run("templates")
    assert "notjson" in result.stdout and "BROKEN: not a notebook" in result.stdout
    assert "template 'untagged'" in result.stderr and "no cell tagged 'parameters'" in result.stderr
    listed = json.loads(run("templates", "--json").stdout)
    assert {t["name"]: bool(t["problem"]) for t in listed}["untagged"] is True
    failed = run("new", "untagged", "--title", "x", code=2)
    assert "no cell tagged 'parameters'" in failed.stderr


def test_unknown_template_suggests_the_close_one():
    with pytest.raises(TemplateError) as info:
        get_template("papr")
    assert "unknown template 'papr'" in str(info.value) and "did you mean 'paper'" in str(info.value)


def test_a_template_is_read_alone_and_its_workspace_copy_wins(ws, monkeypatch):
    """Starting a workbook reads its one template, not the whole catalog (a chat plan made 14 parses of it)."""
    from ldkit.workbook import templates

    mine = json.loads((ws.templates / "blank.ipynb").read_text())
    mine["metadata"]["ldkit_template"]["description"] = "Our team's blank"
    (ws.templates / "blank.ipynb").write_text(json.dumps(mine))
    read = []
    real = templates.load_template
    monkeypatch.setattr(templates, "load_template", lambda path, source: read.append(path.name) or real(path, source))
    chosen = get_template("blank", ws.templates)
    assert chosen.source == "workspace" and chosen.description == "Our team's blank" and read == ["blank.ipynb"]
    assert get_template("paper", ws.templates).path.parent in (ws.templates, builtin_dir())


@pytest.mark.parametrize("name", ["../blank", "/etc/passwd", ".", "..", "", "bl\x00ank", ".hidden", "sub/blank"])
def test_a_template_name_that_is_a_path_is_refused_as_unknown(ws, name):
    (ws.root / "blank.ipynb").write_text((ws.templates / "blank.ipynb").read_text())  # ../blank from templates/
    with pytest.raises(TemplateError, match="unknown template"):
        get_template(name, ws.templates)


def test_templates_json_lists_parameters(ws, run):
    listed = {t["name"]: t for t in json.loads(run("templates", "--json").stdout)}
    assert listed["reading"]["category"] == "paper-reading"
    assert "papers" in [p["name"] for p in listed["reading"]["parameters"]]
