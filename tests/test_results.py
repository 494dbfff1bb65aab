import json
import math

import nbformat
import pytest
from nbclient import NotebookClient

from ldkit.core.errors import RecordError
from ldkit.notebook.results import result
from ldkit.records.claims import reproduced, result_data, results_markdown, tally, verdict
from ldkit.records.notebook import MIME


@pytest.mark.parametrize("kwargs, state, text", [
    ({"paper": 76.1, "mine": 75.4, "tolerance": 1}, True, "reproduced"),
    ({"paper": 76.1, "mine": 74.0, "tolerance": 1}, False, "not reproduced"),
    ({"paper": 76.1, "mine": 78.0, "tolerance": 1}, False, "not reproduced (better than the paper)"),
    ({"paper": 0.30, "mine": 0.25, "tolerance": 0.01, "higher_is_better": False}, False,
     "not reproduced (better than the paper)"),
    ({"paper": 100, "mine": 96, "tolerance": "5%"}, True, "reproduced"),
    ({"paper": 100, "mine": 94, "tolerance": "5%"}, False, "not reproduced"),
    ({"paper": 1.0, "mine": 1.0}, None, "compare by eye"),
    ({"paper": 1.0, "mine": 1.1, "tolerance": 0.1}, True, "reproduced"),
])
def test_verdicts(kwargs, state, text):
    data = result_data("claim", **kwargs)
    assert reproduced(data) is state and verdict(data) == text


@pytest.mark.parametrize("kwargs, message", [
    ({"paper": "abc", "mine": 1}, "paper must be a number, not 'abc'"),
    ({"paper": 1, "mine": None}, "mine must be a number"),
    ({"paper": 1, "mine": math.nan}, "mine is nan; give a finite number"),
    ({"paper": math.inf, "mine": 1}, "paper is inf"),
    ({"paper": 1, "mine": 1, "tolerance": -0.5}, "it cannot be negative"),
    ({"paper": 1, "mine": 1, "tolerance": "abc%"}, "tolerance must be a number"),
    ({"paper": True, "mine": 1}, "paper must be a number, not True"),
])
def test_bad_results(kwargs, message):
    with pytest.raises(RecordError, match=message.replace("(", r"\(").replace(")", r"\)")):
        result_data("acc", **kwargs)


def test_table_and_tally():
    rows = [result_data("a", 1, 1, 0.1), result_data("b", 1, 2, 0.1), result_data("c", 1, 1.05, "10%"),
            result_data("d", 1, 3)]
    assert tally(rows)["text"] == "2 of 3 claims reproduced (1 to compare by eye)"
    table = results_markdown(rows)
    assert "| b | 1 | 2 | +1 | 0.1 | not reproduced (better than the paper) |" in table


def test_result_saves_and_show_tallies(new_workbook, run):
    path = new_workbook("paper", "Claims")
    assert result("top-1", paper=76.1, mine=75.4, tolerance="1%", unit="%", notebook=path).reproduced is True
    result("top-5", paper=93.0, mine=90.0, tolerance=1, notebook=path)
    result("top-5", paper=93.0, mine=92.5, tolerance=1, notebook=path, note="after the lr fix")
    result("params", paper=25.6, mine=25.6, notebook=path)
    result("loss", paper=0.2, mine=0.22, tolerance=0.05, higher_is_better=False, notebook=path)
    result("speed", paper=100, mine=50, tolerance="10%", unit="img/s", notebook=path)
    view = json.loads(run("show", path, "--json").stdout)
    assert view["tally"]["text"] == "3 of 4 claims reproduced (1 to compare by eye)"
    top5 = next(r for r in view["results"] if r["name"] == "top-5")
    assert top5["mine"] == 92.5 and top5["note"] == "after the lr fix" and top5["reproduced"] is True
    assert [h["data"]["mine"] for h in view["history"] if h["kind"] == "result"] == [90.0]
    assert "3 of 4 claims reproduced" in run("show", path).stdout


def test_result_in_a_real_kernel_shows_the_table(new_workbook, run):
    path = new_workbook("paper", "Kernel claims")
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "results-code")
    cell.source = ('import ldkit\nldkit.result("acc", paper=0.9, mine=0.88, tolerance=0.05)\n'
                   'ldkit.result("f1", paper=0.8, mine=0.6, tolerance="5%")')
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for o in cell.outputs if MIME in o.get("data", {})]
    assert [o["data"][MIME]["data"]["name"] for o in outputs] == ["acc", "f1"]
    assert "**1 of 2 claims reproduced**" in outputs[-1]["data"]["text/markdown"]
    assert len([o for o in cell.outputs if o["output_type"] == "execute_result"]) == 0  # no stray Out[]
    assert json.loads(run("show", path, "--json").stdout)["tally"]["reproduced"] == 1
