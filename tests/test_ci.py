"""`ldkit ci`: the generated workflow, parsed as YAML and run at its cron instants against a fake webhook, posts the
week just held once, reminds every member on their own learning day, and writes --install as one safe argument."""
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import CLOCK_DIR, snapshot
from tests.fakeserver import Reply

UTC = dt.timezone.utc
WORKFLOW = Path(".github") / "workflows" / "learning-day.yml"


def cron_matches(expression: str, at: dt.datetime) -> bool:
    """The cron fields the workflow uses: numbers, `*` and comma lists (weekday 0 = Sunday)."""
    minute, hour, day, month, weekday = expression.split()
    values = (at.minute, at.hour, at.day, at.month, (at.weekday() + 1) % 7)
    return all(field == "*" or value in {int(v) for v in field.split(",")}
               for field, value in zip((minute, hour, day, month, weekday), values, strict=True))


def holds(condition: str | None, schedule: str) -> bool:
    """A job's or step's `if:` for a scheduled run of `schedule` (the two forms the workflow writes)."""
    if not condition:
        return True
    if "github.event.schedule == " in condition:
        return condition.split("github.event.schedule == ")[1].strip().strip("'") == schedule
    if "github.event.schedule != " in condition:
        return condition.split("github.event.schedule != ")[1].strip().strip("'") != schedule
    raise AssertionError(f"unexpected condition {condition!r}")


def scheduled_steps(workflow: dict, schedule: str) -> list[dict]:
    steps = []
    for job in workflow["jobs"].values():
        if holds(job.get("if"), schedule):
            steps += [s for s in job.get("steps", []) if s.get("run") and holds(s.get("if"), schedule)]
    return steps


@pytest.fixture
def team_week(ws, run, new_workbook):
    """Three zones; ben plans and summarizes, kei only plans, lee does nothing; learning day Thursday 2026-12-03."""
    run("team", "add", "lee", "--tz", "America/Los_Angeles")
    run("team", "add", "ben", "--tz", "Europe/Berlin")
    run("team", "add", "kei", "--tz", "Asia/Tokyo")
    ben = new_workbook("blank", "Ben's day", "--week", "2026-W49", "--author", "ben")
    run("log", "plan", ben, "--goal", "Read about CRDTs")
    run("log", "outcome", ben, "--summary", "CRDTs converge.")
    run("log", "plan", new_workbook("blank", "Kei's day", "--week", "2026-W49", "--author", "kei"), "--goal", "Rust")
    run("ci", "github", "--install", "ldkit")
    return yaml.safe_load((ws.root / WORKFLOW).read_text())


def test_the_workflow_at_its_cron_instants_reminds_each_member_on_their_day_and_posts_the_week_once(
        ws, run, team_week, fake_server):
    import time_machine

    workflow = team_week
    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    url = fake_server.url + "/hook"
    crons = [entry["cron"] for entry in workflow.get("on", workflow.get(True))["schedule"]]
    seen = []  # (instant, what was posted)
    at = dt.datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # Tuesday, to the Saturday after
    while at < dt.datetime(2026, 12, 6, tzinfo=UTC):
        for schedule in [c for c in crons if cron_matches(c, at)]:
            for step in scheduled_steps(workflow, schedule):
                for line in step["run"].splitlines():
                    words = shlex.split(line.replace("$LEARNING_DAY_WEBHOOK", url))
                    if words[:1] != ["ldkit"] or words[1] == "site":
                        continue  # pip install (ldkit is here already); the site is tested elsewhere
                    before = len(fake_server.requests)
                    with time_machine.travel(at, tick=False):
                        result = run(*words[1:])
                    seen += [(at, json.loads(r.body)) for r in fake_server.requests[before:]]
                    assert "nobody to remind" in result.stdout or "reminded" in result.stdout or \
                        "posted 2026-W49" in result.stdout, result.stdout
        at += dt.timedelta(minutes=15)
    texts = [(when, json.dumps(body)) for when, body in seen]
    digests = [(when, text) for when, text in texts if "header" in text]
    reminders = [(when, text) for when, text in texts if "header" not in text]
    assert [when for when, _ in digests] == [dt.datetime(2026, 12, 4, 12, 0, tzinfo=UTC)]  # once, the day after
    assert "Learning Day 2026-W49" in digests[0][1] and "CRDTs converge." in digests[0][1]
    local = {"lee": "America/Los_Angeles", "ben": "Europe/Berlin", "kei": "Asia/Tokyo"}
    named = sorted((when.astimezone(__import__("zoneinfo").ZoneInfo(local[who])).strftime("%a %H:%M"), who,
                    "plan" if "what will you learn" in text else "outcome")
                   for when, text in reminders for who in local if who in text)
    assert named == [("Thu 09:15", "lee", "plan"), ("Thu 16:15", "kei", "outcome"),
                     ("Thu 16:15", "lee", "outcome")], named  # ben is done; kei planned; each on their own day
    assert all("2026-W49" in text for _, text in reminders)
    # the job run again: "already posted" is said, nothing is sent, and the job stays green
    with time_machine.travel(dt.datetime(2026, 12, 4, 12, 5, tzinfo=UTC), tick=False):
        again = run("digest", "--week", "held", "--quiet", "--post", url)
    assert "already posted" in again.stdout and len(fake_server.requests) == len(seen)


def test_the_workflow_s_run_lines_in_bash_with_a_pinned_clock_post_the_week_held(ws, run, team_week, fake_server,
                                                                                  tmp_path):
    """The real lines in bash, each ldkit a new process whose clock a sitecustomize pins (time-machine)."""
    workflow = team_week
    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    site = CLOCK_DIR  # tests/clock/sitecustomize.py: each process starts at LDKIT_TEST_NOW
    crons = [entry["cron"] for entry in workflow.get("on", workflow.get(True))["schedule"]]
    digest_cron = next(c for c in crons if c.startswith("0 "))
    remind_cron = next(c for c in crons if c.startswith("15 "))

    def run_steps(schedule: str, at: dt.datetime) -> list[subprocess.CompletedProcess]:
        assert cron_matches(schedule, at)
        outer = {k: v for k, v in os.environ.items() if k != "LDKIT_TEST_CLOCK_ANCHOR"}
        env = {**outer, "LDKIT_HOME": str(ws.root), "LDKIT_TEST_NOW": at.isoformat(),
               "LEARNING_DAY_WEBHOOK": fake_server.url + "/hook",
               "PYTHONPATH": os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]),
               "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
        done = []
        for step in scheduled_steps(workflow, schedule):
            if "pip install" in step["run"] or step["run"].startswith("ldkit site"):
                continue
            done.append(subprocess.run(["bash", "-euo", "pipefail", "-c", step["run"]], cwd=ws.root, env=env,
                                       capture_output=True, text=True))
            assert done[-1].returncode == 0, f"{step['name']}: {done[-1].stderr}"
        return done

    # Thu 2026-12-03 17:15 UTC = 09:15 in Los Angeles: lee's plan reminder of W49
    run_steps(remind_cron, dt.datetime(2026, 12, 3, 17, 15, tzinfo=UTC))
    [reminder] = [json.loads(r.body) for r in fake_server.requests]
    assert "2026-W49" in json.dumps(reminder) and "lee" in json.dumps(reminder)
    # Friday 12:00 UTC: the digest of W49 (`last` would have been W48), then a rerun that stays green
    [first] = run_steps(digest_cron, dt.datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    assert "posted 2026-W49" in first.stdout
    [rerun] = run_steps(digest_cron, dt.datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    assert "already posted" in rerun.stdout
    posts = [json.loads(r.body) for r in fake_server.requests]
    assert len(posts) == 2 and "Learning Day 2026-W49" in json.dumps(posts[1])


@pytest.mark.parametrize("target", ["github", "gitlab"])
def test_install_is_one_shell_argument_in_valid_yaml(ws, run, tmp_path, target):
    spec = '"; rm -rf / # $HOME `id` \'quoted\': yes'
    path = Path(run("ci", target, "--install", spec).stdout.split("wrote ")[1].split(";")[0])
    data = yaml.safe_load(path.read_text())
    if target == "github":
        lines = [s["run"] for job in data["jobs"].values() for s in job.get("steps", []) if "pip" in s.get("run", "")]
    else:
        lines = data["default"]["before_script"]
    assert lines
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "python").write_text(f"#!{sys.executable}\nimport json, sys\nprint(json.dumps(sys.argv[1:]))\n")
    (shim / "python").chmod(0o755)
    for line in lines:
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", line], capture_output=True, text=True,
                              env={**os.environ, "PATH": f"{shim}:{os.environ['PATH']}"})
        assert done.returncode == 0 and json.loads(done.stdout) == ["-m", "pip", "install", spec], done


@pytest.mark.parametrize("bad", ["ldkit\nrm -rf /", "ldkit\r", "ldkit\t==0.1", "ldkit\x1b[31m", "ldkit\u2028x",
                                 "", "ldkit ${{ secrets.LEARNING_DAY_WEBHOOK }}"])
def test_an_install_spec_that_cannot_be_written_safely_is_refused(ws, run, bad):
    before = snapshot(ws.root)
    result = run("ci", "github", "--install", bad, code=2)
    assert len(result.stderr.strip().splitlines()) == 1 and "--install" in result.stderr
    assert snapshot(ws.root) == before


@pytest.mark.parametrize("day, remind, digest", [
    ("thursday", "15 * * * 3,4,5", "0 12 * * 5"),
    ("monday", "15 * * * 0,1,2", "0 12 * * 2"),
    ("sunday", "15 * * * 6,0,1", "0 12 * * 1"),
])
def test_the_schedule_covers_the_learning_day_from_utc_plus_14_to_utc_minus_12(ws, day, remind, digest):
    from ldkit.core.weeks import parse_weekday
    from ldkit.core.workspace import Settings, Workspace
    from ldkit.team.ci import schedules

    workspace = Workspace(ws.root, Settings(learning_day=day))
    assert schedules(workspace) == (remind, digest)
    weekday = parse_weekday(day)
    start = dt.datetime(2026, 11, 30, tzinfo=UTC)
    hours = [start + dt.timedelta(hours=h, minutes=15) for h in range(24 * 7)]
    for offset in range(-12, 15):  # every whole-hour zone: each hour of its learning day has a run
        zone = dt.timezone(dt.timedelta(hours=offset))
        on_the_day = [h for h in hours if h.astimezone(zone).weekday() == weekday]
        assert len(on_the_day) == 24 and all(cron_matches(remind, h) for h in on_the_day), offset
    [when] = [h.replace(minute=0) for h in hours if cron_matches(digest, h.replace(minute=0))
              and h.minute == 15]
    assert all(when.astimezone(dt.timezone(dt.timedelta(hours=o))).weekday() != weekday for o in range(-12, 15))
