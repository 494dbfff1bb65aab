"""`-p NAME VALUE`: names are identifiers, values are literals, and nothing typed becomes code — even on --execute."""
import ast
import json
from pathlib import Path

import pytest

from ldkit.core.errors import InputError
from ldkit.records.parameters import check_name, literal
from tests.conftest import snapshot

WEEK = "2026-W48"


@pytest.mark.parametrize("name, rule", [
    ("a-b", "must be a Python identifier"),
    ("1abc", "must be a Python identifier"),
    ("", "must be a Python identifier"),
    ("topic\nimport os", "must be a Python identifier"),
    ("tópico", "must be a Python identifier"),
    ("class", "cannot be a Python keyword"),
    ("match", "cannot be a Python keyword"),
    ("title", "is set by ldkit itself"),
    ("workbook_id", "is set by ldkit itself"),
])
def test_a_bad_name_is_refused_with_the_rule(ws, run, name, rule):
    before = snapshot(ws.root)
    result = run("new", "fundamentals", "--title", "T", "-p", name, "x", code=2)
    assert rule in result.stderr and "Traceback" not in result.stderr
    assert snapshot(ws.root) == before


def injected(path: Path) -> dict:
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    tree = ast.parse("".join(cell["source"]))
    assert all(isinstance(node, ast.Assign) for node in tree.body)  # only assignments, whatever was typed
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body}


HOSTILE_VALUE = 'x"\nopen("pwned-by-value", "w")\n#\'\\\n""" + __import__("os").system("touch pwned2") + """'


def test_a_value_is_only_ever_a_literal(ws, run):
    path = Path(run("new", "fundamentals", "--title", "T", "-p", "topic", HOSTILE_VALUE, "-p", "ratio", "nan",
                    "-p", "steps", "12").stdout.strip())
    values = injected(path)
    assert values["topic"] == HOSTILE_VALUE and values["ratio"] == "nan" and values["steps"] == 12


def test_execute_runs_nothing_a_value_or_a_stored_name_carried(ws, run, tmp_path):
    path = Path(run("new", "fundamentals", "--title", "T", "--week", WEEK, "-p", "topic", HOSTILE_VALUE)
                .stdout.strip())
    nb = json.loads(path.read_text())
    code = next(c for c in nb["cells"] if c["cell_type"] == "code" and not c["metadata"].get("tags")
                and "ldkit." not in "".join(c["source"]))
    code["source"] = "print(repr(topic))"
    path.write_text(json.dumps(nb))
    # a second workbook whose stored identity was edited to carry code in a parameter name
    other = Path(run("new", "blank", "--title", "Edited", "--week", WEEK, "--author", "bob").stdout.strip())
    edited = json.loads(other.read_text())
    edited["metadata"]["ldkit"]["parameters"]["x = 1\nopen('pwned-by-name', 'w')\ny"] = 1
    other.write_text(json.dumps(edited))
    result = run("digest", "--week", WEEK, "--execute", "--quiet", "--format", "json", "--timeout", "60")
    assert "its identity (metadata.ldkit) is not valid" in result.stderr  # not run, named
    leftovers = [p for p in tmp_path.rglob("pwned*")]
    assert leftovers == []
    model = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    assert model["people"][0]["workbooks"][0]["failure"] is None
    executed = [json.loads(p.read_text()) for p in (ws.root / ".ldkit-cache").rglob("executed.ipynb")]
    printed = [o.get("text", "") for nb in executed for c in nb["cells"] for o in c.get("outputs", [])]
    assert any(repr(HOSTILE_VALUE) in "".join(text) for text in printed)  # it ran, with the value as a string


@pytest.mark.parametrize("value, source", [
    (None, "None"), (True, "True"), (3, "3"), (2.5, "2.5"), ("a'b\n", repr("a'b\n")),
    ([1, "x", {"k": [None]}], "[1, 'x', {'k': [None]}]"),
])
def test_literals_round_trip(value, source):
    assert literal(value) == source and ast.literal_eval(source) == value


@pytest.mark.parametrize("value", [float("nan"), float("inf"), object(), {1: "x"}, b"bytes"])
def test_values_without_a_literal_are_refused(value):
    with pytest.raises(InputError):
        literal(value)


def test_ldkit_may_write_its_own_names():
    assert check_name("title", reserved=False) == "title"
