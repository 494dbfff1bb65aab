"""Every option with a constrained value is refused up front: exit 2, one line on stderr, nothing written.

"Up front" means before a workspace is read or a week collected: the checks hold in an empty week, and in a
folder that is not a workspace at all (where anything read would fail differently).
"""
from __future__ import annotations

import pytest

from tests.conftest import ldkit_process, snapshot

BAD = [
    (["digest", "--execute", "--scheduler", "local:0"], "local:N with N from 1"),
    (["digest", "--execute", "--scheduler", "local:two"], "local:N with N from 1"),
    (["digest", "--execute", "--scheduler", "local:100000"], "local:N with N from 1"),
    (["digest", "--execute", "--scheduler", "ftp://host:8786"], "is not a Dask scheduler address"),
    (["digest", "--execute", "--scheduler", "tcp://host:99999"], "port 99999 is out of range"),
    (["digest", "--execute", "--scheduler", "tcp://has space:8786"], "is not a Dask scheduler address"),
    (["digest", "--scheduler", "local:2"], "--scheduler goes with --execute"),
    (["digest", "--jobs", "0"], "0 is not in the range"),
    (["digest", "--jobs", "two"], "'two' is not a valid integer"),
    (["site", "--jobs", "-1"], "-1 is not in the range"),
    (["digest", "--execute", "--timeout", "0"], "0 is not in the range"),
    (["digest", "--execute", "--timeout", "soon"], "'soon' is not a valid float"),
    (["digest", "--execute", "--notebook-timeout", "0.5"], "0.5 is not in the range"),
    (["digest", "--week", "2026-W54"], "2026 has 53 ISO weeks"),
    (["status", "--week", "2027-W53"], "2027 has 52 ISO weeks"),
    (["status", "--week", "soon"], "invalid week 'soon'"),
    (["new", "blank", "--title", "x", "--week", "2026-02-30"], "not a real date"),
    (["search", "x", "--week", "W48"], "invalid week 'W48'"),
    (["skip", "--week", "2026-W00"], "2026 has 53 ISO weeks"),
    (["remind", "plan", "--dry-run", "--week", "nextweek"], "invalid week 'nextweek'"),
    (["remind", "plan", "--dry-run", "--at-local", "25:00"], "'25:00' is not a time"),
    (["remind", "plan", "--dry-run", "--at-local", "9am"], "'9am' is not a time"),
    (["remind", "plan", "--dry-run", "--at-local", "09:7"], "'09:7' is not a time"),
    (["stats", "--since", "sometime"], "invalid week 'sometime'"),
    (["stats", "--until", "2026-W60"], "2026 has 53 ISO weeks"),
    (["site", "--since", "yesterday"], "invalid week 'yesterday'"),
    (["site", "--until", "2026-13-01"], "invalid week '2026-13-01'"),
    (["stats", "--plot", "chart.gif"], "use a file ending in .svg or .png"),
    (["search", "x", "--limit", "0"], "0 is not in the range"),
    (["search", "x", "--limit", "100000"], "100000 is not in the range"),
    (["digest", "--format", "pdf"], "'pdf' is not one of"),
    (["remind", "plan", "--dry-run", "--chat", "irc"], "'irc' is not one of"),
    (["remind", "lunch", "--dry-run"], "'lunch' is not one of"),
    (["log", "outcome", "x.ipynb", "--summary", "s", "--status", "finished"], "'finished' is not one of"),
    (["digest", "--frobnicate"], "No such option '--frobnicate'"),
    (["frobnicate"], "No such command 'frobnicate'"),
]


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"wanted one line, got:\n{stderr}"
    assert lines[0].startswith("ldkit: error: ") and "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("args, message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_a_bad_value_is_refused_up_front_in_an_empty_week(args, message, ws, run):
    before = snapshot(ws.root)
    result = run(*args, code=2)
    line = _one_line(result.stderr)
    assert message in line
    if args[0] != "stats":  # click's own refusals say where to read more; ldkit's give the fix instead
        assert "--help" in line or " — " in line, "the line says what to do"
    assert result.stdout == ""
    assert snapshot(ws.root) == before, "a refused command wrote nothing"


@pytest.mark.parametrize("args, message", [b for b in BAD if b[0][0] != "log"][:12])
def test_the_check_comes_before_the_workspace_is_looked_for(args, message, tmp_path, run, monkeypatch):
    """Outside any workspace, a bad option is still the error reported (not 'no workspace')."""
    monkeypatch.delenv("LDKIT_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert message in _one_line(run(*args, code=2).stderr)
    assert list(tmp_path.iterdir()) == []


def test_the_scheduler_from_settings_or_environment_is_checked_before_collecting(ws, run, monkeypatch):
    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text() + '\nscheduler = "local:0"\n')
    line = _one_line(run("digest", "--execute", code=2).stderr)
    assert "the `scheduler` setting in ldkit.toml 'local:0'" in line
    config.write_text(config.read_text().replace('\nscheduler = "local:0"\n', ""))
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "gopher://x")
    assert "DASK_SCHEDULER_ADDRESS 'gopher://x' is not a Dask scheduler address" in _one_line(
        run("digest", "--execute", code=2).stderr)
    assert not (ws.root / "digests").exists()


def test_the_real_command_exits_2_with_one_line(ws):
    """The console entry point, not only click's runner: `ldkit digest --execute --scheduler local:0`."""
    done = ldkit_process("digest", "--execute", "--scheduler", "local:0", cwd=ws.root)
    assert done.returncode == 2
    assert "local:N with N from 1" in _one_line(done.stderr)


def test_good_values_still_pass(ws, run, clock):
    clock.at("2026-12-03T10:00:00Z")
    run("remind", "plan", "--dry-run", "--at-local", "9:30")
    run("stats", "--since", "last", "--until", "this")
    run("status", "--week", "2026-w49")
    run("search", "nothing", "--limit", "1000", "--week", "2026-12-03")
