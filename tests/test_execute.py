"""`ldkit digest --execute` with a real kernel: failures are flagged, sources never change, runs are cached."""
import json
from pathlib import Path

import pytest

from tests.conftest import snapshot

WEEK = "2026-W48"


def with_code(path: Path, code: str, kernel: str | None = None) -> Path:
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and not c["metadata"].get("tags")
                and "ldkit." not in "".join(c["source"]))
    cell["source"] = code
    if kernel:
        nb["metadata"]["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    path.write_text(json.dumps(nb, indent=1))
    return path


@pytest.fixture
def week_of_runs(ws, new_workbook):
    books = {
        "ok": with_code(new_workbook("blank", "Fine", "--week", WEEK),
                        "print('answer', 6 * 7)\nopen('made-by-notebook.txt', 'w').write('x')"),
        "error": with_code(new_workbook("blank", "Broken", "--week", WEEK, "--author", "bob"),
                           "x = 1\nraise ValueError('bad shape (3, 4)')"),
        "dies": with_code(new_workbook("blank", "Dies", "--week", WEEK, "--author", "chen"),
                          "import os\nos._exit(1)"),
        "loops": with_code(new_workbook("blank", "Loops", "--week", WEEK, "--author", "dana"),
                           "while True:\n    pass"),
        "kernel": with_code(new_workbook("blank", "Julia", "--week", WEEK, "--author", "erin"),
                            "print('ran anyway')", kernel="julia-1.9"),
    }
    return books


def test_failures_are_flagged_and_the_rest_runs(ws, run, week_of_runs):
    before = snapshot(ws.root / "workbooks")
    result = run("digest", "--week", WEEK, "--execute", "--timeout", "5", "--jobs", "2", "--quiet",
                 "--format", "json")
    assert result.stdout.strip().splitlines()[-1] == "2 rendered, 3 failed"
    data = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    failure = {p["author"]: p["workbooks"][0]["failure"] for p in data["people"]}
    assert failure["alice"] is None and failure["erin"] is None
    assert failure["bob"]["message"].startswith("failed at cell") and "ValueError: bad shape (3, 4)" in \
        failure["bob"]["message"]
    assert failure["chen"]["message"] == "kernel died"
    assert failure["dana"]["message"] == "timed out after 5 s (one cell)"
    assert "its kernel 'julia-1.9' is not installed; ran it with python3" in result.stderr
    html = (ws.root / "digests" / WEEK / "index.html").read_text()
    assert "answer 42" in html and "ran anyway" in html  # executed outputs are rendered
    assert "bad shape (3, 4)" in html  # the failure is shown up to the error
    # the sources never change, and what notebooks write lands in the build folder
    assert snapshot(ws.root / "workbooks") == before
    assert not list(ws.root.glob("workbooks/**/made-by-notebook.txt"))
    assert list((ws.root / ".ldkit-cache" / "digest" / "build").glob("*/made-by-notebook.txt"))


def test_strict_exits_1_and_runs_are_cached(ws, run, week_of_runs):
    for key in ("dies", "loops", "kernel"):
        week_of_runs[key].unlink()
    failed = run("digest", "--week", WEEK, "--execute", "--timeout", "5", "--quiet", "--strict", code=1)
    assert failed.stdout.strip().endswith("1 rendered, 1 failed")
    build = ws.root / ".ldkit-cache" / "digest" / "build"
    stamps = {p: p.stat().st_mtime for p in build.glob("*/result.json")}
    run("digest", "--week", WEEK, "--execute", "--timeout", "5", "--quiet")
    assert {p: p.stat().st_mtime for p in build.glob("*/result.json")} == stamps  # nothing ran again
    with_code(week_of_runs["error"], "print('fixed')")
    assert run("digest", "--week", WEEK, "--execute", "--timeout", "5", "--quiet", "--strict").stdout.strip().endswith(
        "2 rendered, 0 failed")


def test_forms_save_nothing_during_a_digest_run(ws, run, new_workbook):
    path = new_workbook("blank", "Headless values", "--week", WEEK)
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if "".join(cell["source"]).strip().endswith("ldkit.plan()"):
            cell["source"] = 'import ldkit\nldkit.plan(goal="from a digest run")'
    path.write_text(json.dumps(nb))
    run("digest", "--week", WEEK, "--execute", "--quiet")
    assert json.loads(run("show", path, "--json").stdout)["plan"] is None


def test_whole_notebook_limit(ws, run, new_workbook):
    with_code(new_workbook("blank", "Slow", "--week", WEEK), "import time\ntime.sleep(60)")
    result = run("digest", "--week", WEEK, "--execute", "--timeout", "120", "--notebook-timeout", "3", "--quiet",
                 "--format", "json")
    data = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    assert data["people"][0]["workbooks"][0]["failure"]["message"] == "timed out after 3 s (whole notebook)"
    assert result.stdout.strip().endswith("0 rendered, 1 failed")
