"""ldkit.cli.entry: the `ldkit` command says an unchanged digest again before click loads — the same lines, streams
and exit code as the click command — and leaves every other form, and every miss, to click, with the inputs it
took handed over (one stat of the workspace per run)."""
import json
import subprocess
import sys

import pytest

from tests.conftest import ldkit_process

WEEK = "2026-W48"

# the real entry point in a subprocess, reporting whether click was loaded and how often the inputs were taken
PROBE = """
import json, sys
import ldkit.digest.unchanged as unchanged
taken = []
real = unchanged.workspace_inputs
def counted(*args, **kwargs):
    taken.append(1)
    return real(*args, **kwargs)
unchanged.workspace_inputs = counted
from ldkit.render.fragment import RenderPool
early, took = [], []
real_early, real_take = RenderPool.started_early.__func__, RenderPool.take.__func__
def started_early(cls, workers):
    early.append(real_early(cls, workers))
    return early[-1]
def take(cls, workers):
    took.append(real_take(cls, workers))
    return took[-1]
RenderPool.started_early, RenderPool.take = classmethod(started_early), classmethod(take)
sys.argv = ["ldkit", *sys.argv[1:]]
from ldkit.cli.entry import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
early_used = bool(early) and any(t is e for t in took for e in early)
print("PROBE" + json.dumps({"click": "click" in sys.modules, "taken": len(taken), "code": code,
                            "early": early_used, "started": len(early)}), file=sys.stderr)
"""


def probe(*args, cwd):
    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], cwd=cwd, capture_output=True, text=True)
    lines = done.stderr.splitlines()
    report = json.loads([x for x in lines if x.startswith("PROBE")][-1][len("PROBE"):])
    stderr = "\n".join(x for x in lines if not x.startswith("PROBE"))
    return report, done.stdout, stderr


@pytest.fixture
def week(ws, new_workbook):
    new_workbook("blank", "Fine", "--week", WEEK)
    (ws.root / "workbooks" / WEEK / "alice" / "broken.ipynb").write_text("{not json")  # a warning on stderr
    return ws


def test_an_unchanged_digest_is_said_again_without_click(week):
    args = ["digest", "--week", WEEK, "--quiet", "--format", "md"]
    first, out1, err1 = probe(*args, cwd=week.root)
    # a build: the replay missed and handed over its inputs and the render workers it started
    assert first == {"click": True, "taken": 1, "code": 0, "early": True, "started": 1}
    page = week.root / "digests" / WEEK / "index.html"
    before = page.stat().st_mtime_ns
    again, out2, err2 = probe(*args, cwd=week.root)
    assert again == {"click": False, "taken": 1, "code": 0, "early": False, "started": 0}
    assert (out2, err2) == (out1, err1)
    assert "broken.ipynb" in err2 and "1 notebook" in out2 and "digest.md" in out2
    assert page.stat().st_mtime_ns == before
    # the same options in their other spellings are the same digest
    third, out3, _ = probe("digest", f"--week={WEEK}", "-q", "--format=md", cwd=week.root)
    assert third["click"] is False and out3 == out1


def test_the_exit_code_and_strict_are_said_again(week):
    """--strict's exit 1 (a notebook that failed to render) is kept with the lines: the replay exits 1 too."""
    from ldkit.core.weeks import parse_week
    from ldkit.core.workspace import find_workspace
    from ldkit.digest.unchanged import Said, Unchanged

    assert ldkit_process("digest", "--week", WEEK, "--quiet", "--strict", cwd=week.root).returncode == 0
    workspace = find_workspace()
    the_week = parse_week(WEEK)
    unchanged = Unchanged(workspace, the_week, workspace.digest_folder(the_week), (), None, True)
    unchanged.keep(Said([(True, "ldkit: warning: 1 notebook could not be rendered"), (False, "the line")], 1),
                   [week.root / "digests" / WEEK / "index.html"], [])
    again, out, err = probe("digest", "--week", WEEK, "--quiet", "--strict", cwd=week.root)
    assert again == {"click": False, "taken": 1, "code": 1, "early": False, "started": 0}
    assert (out, err) == ("the line\n", "ldkit: warning: 1 notebook could not be rendered")
    without, _, _ = probe("digest", "--week", WEEK, "--quiet", cwd=week.root)  # another digest: built
    assert without["click"] is True and without["code"] == 0


@pytest.mark.parametrize("args", [
    ["--jobs", "1"],  # an option the replay does not read
    ["--week", WEEK, "--week", WEEK],  # given twice
    ["-qw", WEEK],  # short options run together
    ["--execute", "--week", WEEK],  # runs come first: no workers are started before the command
])
def test_other_forms_go_to_click(week, args):
    probe("digest", "--week", WEEK, "--quiet", cwd=week.root)
    report, _, _ = probe("digest", "--quiet", *args, cwd=week.root)
    assert report["click"] is True and report["code"] == 0 and report["early"] is False


def test_rebuild_builds_with_the_workers_started_early(week):
    probe("digest", "--week", WEEK, "--quiet", cwd=week.root)
    page = week.root / "digests" / WEEK / "index.html"
    before = page.stat().st_mtime_ns
    report, out, _ = probe("digest", "--week", WEEK, "--quiet", "--rebuild", cwd=week.root)
    assert report == {"click": True, "taken": 1, "code": 0, "early": True, "started": 1}
    assert page.stat().st_mtime_ns != before and "1 notebook" in out
    # a render worker is a fork of the probe (its command line is the probe's): none is left running
    assert subprocess.run(["pgrep", "-f", "def started_early"], capture_output=True).returncode == 1


def test_early_workers_of_another_size_are_closed_not_used():
    from ldkit.render.fragment import RenderPool

    early = RenderPool.started_early(1)
    pool = RenderPool.take(2)
    assert pool is not early and pool.workers == 2 and early.executor is None
    assert RenderPool.take(2) is not pool  # taken once


def test_a_bad_value_is_clicks_to_refuse(week):
    for args, message in [(["--week", "bogus"], "invalid week 'bogus'"),
                          (["--format", "xyz"], "'xyz' is not one of"),
                          (["--week"], "requires an argument")]:
        done = ldkit_process("digest", "--quiet", *args, cwd=week.root)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr and done.stderr.startswith("ldkit: error:")


def test_an_unknown_format_starts_no_render_worker(week):
    """The replay leaves an unknown format to click before it would start workers for a build that never comes."""
    report, _, err = probe("digest", "--week", WEEK, "--quiet", "--format", "pdf", cwd=week.root)
    assert report["code"] == 2 and "'pdf' is not one of" in err
    assert report["started"] == 0 and report["click"] is True


def test_outside_a_workspace_click_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("LDKIT_HOME", raising=False)
    done = ldkit_process("digest", "--week", WEEK, "--quiet", cwd=tmp_path)
    assert done.returncode != 0 and "ldkit: error:" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_team_digest_is_said_again(ws, run):
    run("team", "add-team", "vision", "--name", "Vision")
    run("team", "add", "alice", "--team", "vision")
    run("new", "blank", "--title", "Fine", "--week", WEEK)
    first = ldkit_process("digest", "--week", WEEK, "--quiet", "--team", "vision", cwd=ws.root)
    assert first.returncode == 0, first.stderr
    assert (ws.root / "digests" / WEEK / "vision" / "index.html").exists()
    again, out, _ = probe("digest", "--week", WEEK, "--quiet", "--team", "vision", cwd=ws.root)
    assert again["click"] is False and out == first.stdout
    other, _, _ = probe("digest", "--week", WEEK, "--quiet", cwd=ws.root)  # the company's: another digest
    assert other["click"] is True


def test_ctrl_c_during_the_replay_is_said_as_the_command_says_it(week, monkeypatch, capsys):
    from ldkit.cli import entry
    from ldkit.digest.unchanged import Unchanged

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(Unchanged, "said", interrupted)
    monkeypatch.setattr(sys, "argv", ["ldkit", "digest", "--week", WEEK, "--quiet"])
    with pytest.raises(SystemExit) as info:
        entry.main()
    assert info.value.code == 130 and capsys.readouterr().err == "ldkit: interrupted\n"
