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
    assert result.stdout.strip().splitlines()[-1] == "2 ran, 3 failed, 0 not run"
    data = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    failure = {p["author"]: p["workbooks"][0]["failure"] for p in data["people"]}
    assert failure["alice"] is None and failure["erin"] is None
    # the cell as JupyterLab numbers it (all cells, 1-based, the parameter cells included), with its first line
    cells = json.loads(week_of_runs["error"].read_text())["cells"]
    number = next(i for i, c in enumerate(cells, 1) if "raise ValueError" in "".join(c["source"]))
    assert failure["bob"]["message"] == (f"failed at cell {number} (`x = 1`): ValueError: bad shape (3, 4)")
    assert failure["chen"]["message"] == "kernel died"
    assert failure["dana"]["message"] == "timed out after 5 s (one cell)"
    assert "its kernel 'julia-1.9' is not installed here; it ran with python3" in result.stderr
    erin = next(p for p in data["people"] if p["author"] == "erin")["workbooks"][0]
    assert erin["notes"] == ["its kernel 'julia-1.9' is not installed here; it ran with python3"]
    html = (ws.root / "digests" / WEEK / "index.html").read_text()
    assert "answer 42" in html and "ran anyway" in html  # executed outputs are rendered
    assert "bad shape (3, 4)" in html  # the failure is shown up to the error
    # the sources never change, and what notebooks write lands in the build folder
    assert snapshot(ws.root / "workbooks") == before
    assert not list(ws.root.glob("workbooks/**/made-by-notebook.txt"))
    assert list((ws.root / ".ldkit-cache" / "digest" / "build").glob("*/work/made-by-notebook.txt"))


def test_strict_exits_1_and_runs_are_cached(ws, run, week_of_runs):
    for key in ("dies", "loops", "kernel"):
        week_of_runs[key].unlink()
    failed = run("digest", "--week", WEEK, "--execute", "--timeout", "5", "--quiet", "--strict", code=1)
    assert failed.stdout.strip().endswith("1 ran, 1 failed, 0 not run")
    build = ws.root / ".ldkit-cache" / "digest" / "build"
    stamps = {p: p.stat().st_mtime for p in build.glob("*/result.json")}
    assert len(stamps) == 1  # only the success is kept
    run("digest", "--week", WEEK, "--execute", "--timeout", "5", "--quiet")
    assert {p: p.stat().st_mtime for p in build.glob("*/result.json")} == stamps  # the success did not run again
    with_code(week_of_runs["error"], "print('fixed')")
    assert run("digest", "--week", WEEK, "--execute", "--timeout", "5", "--quiet", "--strict").stdout.strip().endswith(
        "2 ran, 0 failed, 0 not run")


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
    assert result.stdout.strip().endswith("0 ran, 1 failed, 0 not run")


def test_a_run_sees_its_folder_and_writes_nothing_back(ws, run, new_workbook, tmp_path):
    path = with_code(new_workbook("blank", "Reads data", "--week", WEEK),
                     "import csv, pathlib\n"
                     "rows = list(csv.reader(open('data.csv')))\n"
                     "print('rows', len(rows), open('notes/x.txt').read())\n"
                     "pathlib.Path('out').mkdir(exist_ok=True)\n"
                     "pathlib.Path('out/result.txt').write_text('made')\n"
                     "print('outside', pathlib.Path('escape.txt').exists())")
    folder = path.parent
    (folder / "data.csv").write_text("a,b\n1,2\n3,4\n")
    (folder / "notes").mkdir()
    (folder / "notes" / "x.txt").write_text("note-text")
    secret = tmp_path / "outside-secret.txt"
    secret.write_text("never copied")
    (folder / "escape.txt").symlink_to(secret)  # a link out of the workspace is not followed
    before = snapshot(ws.root / "workbooks")
    run("digest", "--week", WEEK, "--execute", "--quiet")
    html = (ws.root / "digests" / WEEK / "index.html").read_text()
    assert "rows 3 note-text" in html and "outside False" in html
    assert snapshot(ws.root / "workbooks") == before and not (folder / "out").exists()
    made = list((ws.root / ".ldkit-cache" / "digest" / "build").glob("*/work/out/result.txt"))
    assert len(made) == 1 and made[0].read_text() == "made"
    # a changed data file runs the notebook again; an unchanged one does not
    stamps = {p: p.stat().st_mtime for p in (ws.root / ".ldkit-cache" / "digest" / "build").glob("*/result.json")}
    run("digest", "--week", WEEK, "--execute", "--quiet")
    assert {p: p.stat().st_mtime for p in (ws.root / ".ldkit-cache" / "digest" / "build").glob(
        "*/result.json")} == stamps
    (folder / "data.csv").write_text("a,b\n1,2\n")
    run("digest", "--week", WEEK, "--execute", "--quiet")
    assert "rows 2 note-text" in (ws.root / "digests" / WEEK / "index.html").read_text()


def test_a_folder_too_large_is_not_run_and_says_why(ws, run, new_workbook, monkeypatch):
    from ldkit.digest import execute

    monkeypatch.setattr(execute, "MAX_FOLDER", 1000)
    path = with_code(new_workbook("blank", "Big data", "--week", WEEK), "print('never')")
    (path.parent / "big.bin").write_bytes(b"x" * 5000)
    result = run("digest", "--week", WEEK, "--execute", "--quiet", "--format", "json")
    assert result.stdout.strip().endswith("0 ran, 0 failed, 1 not run")
    data = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    assert "not run: its folder holds more than" in data["people"][0]["workbooks"][0]["failure"]["message"]


def test_a_failure_runs_again_when_the_environment_is_fixed(ws, run, new_workbook, monkeypatch):
    """The fix is outside the notebook (an environment variable here, a package installed in real life): the
    run's key is unchanged, so only not caching failures lets the next digest see the fix."""
    monkeypatch.delenv("LDKIT_TEST_ENV_FIXED", raising=False)
    with_code(new_workbook("blank", "Needs the environment", "--week", WEEK),
              "import os\nassert os.environ.get('LDKIT_TEST_ENV_FIXED') == '1', 'not set up yet'")
    first = run("digest", "--week", WEEK, "--execute", "--quiet")
    assert first.stdout.strip().endswith("0 ran, 1 failed, 0 not run")
    monkeypatch.setenv("LDKIT_TEST_ENV_FIXED", "1")
    assert run("digest", "--week", WEEK, "--execute", "--quiet").stdout.strip().endswith("1 ran, 0 failed, 0 not run")


@pytest.mark.parametrize("said", ["Kernel died before replying to kernel_info", "ZMQError: Address already in use"])
def test_a_kernel_that_lost_the_race_for_its_ports_is_started_once_more(tmp_path, said):
    """Two kernels started at once in two worker processes may pick the same free port: the one that loses dies
    before any cell ran (seen under a loaded CI run). That run is started once more; any other failure is not."""
    from types import SimpleNamespace

    from ldkit.digest.execute import ExecJob, _papermill_with_retry

    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        Path(args[1]).write_text("{}")  # papermill writes the output's first copy before the kernel starts
        if len(calls) == 1:
            raise RuntimeError(said)

    job = ExecJob(tmp_path / "a.ipynb", "id", {}, "python3", "key", 10, 60, tmp_path)
    _papermill_with_retry(SimpleNamespace(execute_notebook=flaky), tmp_path / "a.ipynb", tmp_path / "out.ipynb",
                          job, tmp_path)
    assert len(calls) == 2

    def always(*args, **kwargs):
        calls.append(args)
        raise RuntimeError(said)

    calls.clear()
    with pytest.raises(RuntimeError, match=said.split(":")[-1].strip()):
        _papermill_with_retry(SimpleNamespace(execute_notebook=always), tmp_path / "a.ipynb",
                              tmp_path / "out.ipynb", job, tmp_path)
    assert len(calls) == 2  # once more, not forever

    def broken(*args, **kwargs):
        calls.append(args)
        raise ValueError("bad shape")

    calls.clear()
    with pytest.raises(ValueError):
        _papermill_with_retry(SimpleNamespace(execute_notebook=broken), tmp_path / "a.ipynb",
                              tmp_path / "out.ipynb", job, tmp_path)
    assert len(calls) == 1  # a notebook's own failure runs once
