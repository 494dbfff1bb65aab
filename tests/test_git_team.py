"""A shared git repository as the team's workspace: two people push and pull without conflicts or lost records,
and a third clone runs the generated CI workflow's steps and gets the site."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ldkit.records.schema import make_record, outcome_data
from ldkit.records.workbook import save_record
from tests.fakeserver import Reply

WEEK = "2026-W48"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def ldkit(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "ldkit", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "LDKIT_HOME": str(cwd), **(env or {})})
    assert done.returncode == 0, f"ldkit {' '.join(args)}: {done.stderr}"
    return done


def person(tmp: Path, remote: Path, name: str) -> Path:
    clone = tmp / name
    git(tmp, "clone", "-q", str(remote), name)
    git(clone, "config", "user.name", name)
    git(clone, "config", "user.email", f"{name}@example.org")
    git(clone, "config", "pull.rebase", "false")
    return clone


@pytest.fixture
def team_repo(tmp_path, monkeypatch):
    monkeypatch.delenv("LDKIT_AUTHOR", raising=False)
    remote = tmp_path / "team.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    seed = person(tmp_path, remote, "seed")
    git(seed, "checkout", "-q", "-b", "main")
    ldkit(seed, "init", "--git", ".")
    ldkit(seed, "ci", "github", "--install", "ldkit")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "Learning Day workspace")
    git(seed, "push", "-q", "-u", "origin", "main")
    return tmp_path, remote


def test_two_people_share_a_repository_without_conflicts_or_lost_records(team_repo):
    tmp, remote = team_repo
    ada, bob = person(tmp, remote, "ada"), person(tmp, remote, "bob")
    shared = Path(ldkit(ada, "new", "project", "--title", "Reading group", "--week", WEEK, "--author", "ada").stdout
                  .strip())
    git(ada, "add", "-A")
    git(ada, "commit", "-q", "-m", "ada: reading group")
    git(ada, "push", "-q")
    git(bob, "pull", "-q")
    mine = {}
    for who, clone in (("ada", ada), ("bob", bob)):
        path = Path(ldkit(clone, "new", "blank", "--title", f"{who} alone", "--week", WEEK, "--author", who)
                    .stdout.strip())
        ldkit(clone, "log", "plan", str(path), "--goal", f"{who}'s own plan")
        ldkit(clone, "log", "outcome", str(path), "--summary", f"{who}'s own outcome")
        mine[who] = path
        # both save into the one shared workbook's journal (as its forms do): the same file, two histories
        local = clone / shared.relative_to(ada)
        wid = json.loads(local.read_text())["metadata"]["ldkit"]["id"]
        for n in range(3):
            save_record(local, make_record("outcome", wid, who, outcome_data(f"{who} note {n}")))
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "-m", "bob's week")
    git(bob, "push", "-q")
    git(ada, "add", "-A")
    git(ada, "commit", "-q", "-m", "ada's week")
    git(ada, "pull", "-q", "--no-edit")  # a merge: the journal unions, nothing conflicts
    assert "Unmerged" not in git(ada, "status")
    git(ada, "push", "-q")
    git(bob, "pull", "-q")
    for clone in (ada, bob):
        local = clone / shared.relative_to(ada)
        view = json.loads(ldkit(clone, "show", str(local), "--json").stdout)
        summaries = {r["data"]["summary"] for r in view["history"]} | {view["outcome"]["summary"]}
        assert summaries == {f"{who} note {n}" for who in ("ada", "bob") for n in range(3)}
        assert "warning" not in ldkit(clone, "show", str(local)).stderr
        for who, path in mine.items():
            own = json.loads(ldkit(clone, "show", str(clone / path.relative_to(ada if who == "ada" else bob)),
                                   "--json").stdout)
            assert own["plan"]["goal"] == f"{who}'s own plan" and own["outcome"]["summary"] == f"{who}'s own outcome"


def test_a_third_clone_runs_the_workflow_steps_and_gets_the_site(team_repo, fake_server):
    tmp, remote = team_repo
    ada = person(tmp, remote, "ada")
    path = Path(ldkit(ada, "new", "blank", "--title", "Ada's week", "--week", "held", "--author", "ada").stdout
                .strip())
    ldkit(ada, "log", "outcome", str(path), "--summary", "Ada learned things.")
    git(ada, "add", "-A")
    git(ada, "commit", "-q", "-m", "ada")
    git(ada, "push", "-q")
    ci = person(tmp, remote, "ci")
    workflow = yaml.safe_load((ci / ".github" / "workflows" / "learning-day.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"] and len(triggers["schedule"]) == 2
    steps = workflow["jobs"]["site"]["steps"] + workflow["jobs"]["remind"]["steps"]
    assert any(s.get("uses", "").startswith("actions/cache") and s["with"]["path"] == ".ldkit-cache" for s in steps)
    assert all("LEARNING_DAY_WEBHOOK" not in json.dumps(s.get("run", "")) or "secrets.LEARNING_DAY_WEBHOOK" in
               json.dumps(s.get("env", {})) for s in steps)
    fake_server.route("/hook", Reply(body=b"ok"), method="POST")
    env = {"LEARNING_DAY_WEBHOOK": fake_server.url + "/hook", "PATH": f"{Path(sys.executable).parent}:"
                                                                         f"{os.environ['PATH']}"}
    for step in steps:
        run_lines = step.get("run")
        if not run_lines or "pip install" in run_lines:
            continue  # ldkit is installed here already
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", run_lines], cwd=ci, capture_output=True, text=True,
                              env={**os.environ, **env, "LDKIT_HOME": str(ci)})
        assert done.returncode == 0, f"{step.get('name')}: {done.stderr}"
    assert (ci / "site" / "index.html").is_file() and "Ada learned things." in \
        (ci / "site" / "people" / "ada" / "index.html").read_text()
    posts = [json.loads(r.body) for r in fake_server.requests]
    assert any("Learning Day" in json.dumps(p) for p in posts)  # the digest of last week went to the webhook
    assert "?" not in git(ci, "status", "--porcelain").replace("?? site/", "")  # nothing generated is tracked


def test_ci_never_replaces_a_workflow_it_did_not_write(ws, run):
    target = ws.root / ".gitlab-ci.yml"
    target.write_text("stages: [mine]\n")
    result = run("ci", "gitlab", code=2)
    assert "was not written by ldkit" in result.stderr and target.read_text() == "stages: [mine]\n"
    run("ci", "gitlab", "--force")
    assert "ldkit site --quiet --out public" in target.read_text()


@pytest.fixture
def default_git(tmp_path, monkeypatch):
    """git with its default settings: no global or system configuration from this machine."""
    config = tmp_path / "gitconfig"
    config.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("LDKIT_AUTHOR", raising=False)
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_readme_s_run_it_for_a_team_works_as_written_on_a_default_git(default_git):
    tmp = default_git
    remote = tmp / "learning-day.git"
    git(tmp, "init", "-q", "--bare", str(remote))
    git(remote, "symbolic-ref", "HEAD", "refs/heads/main")  # as a new GitHub repository: its default branch, main
    done = subprocess.run([sys.executable, "-m", "ldkit", "init", "--git", "team-learning-day"], cwd=tmp,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    organizer = tmp / "team-learning-day"
    assert git(organizer, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    git(organizer, "config", "user.name", "Org Anizer")
    git(organizer, "config", "user.email", "org@example.org")
    ldkit(organizer, "team", "add", "ada", "--name", "Ada L.", "--chat", "U024BE7LH", "--tz", "Europe/Berlin")
    ldkit(organizer, "ci", "github")
    git(organizer, "add", "-A")
    git(organizer, "commit", "-m", "Learning Day")
    git(organizer, "remote", "add", "origin", str(remote))
    git(organizer, "push", "-u", "origin", "main")  # exactly as the README says
    for name in ("ada", "bob"):
        git(tmp, "clone", "-q", str(remote), name)
        assert git(tmp / name, "branch", "--show-current").strip() == "main"
        assert (tmp / name / ".github" / "workflows" / "learning-day.yml").is_file()
    workflow = yaml.safe_load((tmp / "ada" / ".github" / "workflows" / "learning-day.yml").read_text())
    assert workflow.get("on", workflow.get(True))["push"]["branches"] == ["main"]


def test_init_git_makes_main_on_an_old_git_without_init_b(default_git, monkeypatch):
    """git before 2.28 has no `init -b`: HEAD is pointed at main by hand."""
    real = subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip()
    shim = default_git / "bin"
    shim.mkdir()
    (shim / "git").write_text("#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = -b ] && [ \"$1\" = init ] && "
                              "{ echo 'error: unknown switch `b' >&2; exit 129; }; done\n"
                              f"exec {real} \"$@\"\n")
    (shim / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}:{os.environ['PATH']}")
    done = subprocess.run([sys.executable, "-m", "ldkit", "init", "--git", "old"], cwd=default_git,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert git(default_git / "old", "symbolic-ref", "HEAD").strip() == "refs/heads/main"


def test_two_clones_know_their_author_from_git_s_user_email(default_git):
    tmp = default_git
    remote = tmp / "team.git"
    git(tmp, "init", "-q", "--bare", str(remote))
    git(remote, "symbolic-ref", "HEAD", "refs/heads/main")
    organizer = tmp / "org"
    ldkit(tmp, "init", "--git", str(organizer))
    git(organizer, "config", "user.name", "Org")
    git(organizer, "config", "user.email", "org@example.org")
    ldkit(organizer, "team", "add", "ada", "--name", "Ada L.", "--email", "ada@example.org")
    ldkit(organizer, "team", "add", "bob", "--name", "Bob M.", "--email", "bob@example.org")
    git(organizer, "add", "-A")
    git(organizer, "commit", "-q", "-m", "roster")
    git(organizer, "remote", "add", "origin", str(remote))
    git(organizer, "push", "-q", "-u", "origin", "main")
    clones = {}
    for slug, name, email in (("bob", "Bob Marley", "bob@example.org"), ("ada", "Ada Lovelace", "ADA@example.org"),
                              ("carol", "Carol Danvers", "carol@example.org")):
        git(tmp, "clone", "-q", str(remote), slug)
        git(tmp / slug, "config", "user.name", name)
        git(tmp / slug, "config", "user.email", email)
        clones[slug] = tmp / slug
    for slug in ("bob", "ada"):
        made = json.loads(ldkit(clones[slug], "new", "blank", "--title", "Mine", "--week", WEEK, "--json").stdout)
        assert made["author"] == slug and f"/{slug}/" in made["path"]  # not bob-marley, not ada-lovelace
    # LDKIT_AUTHOR and --author still come first
    made = json.loads(ldkit(clones["bob"], "new", "blank", "--title", "For ada", "--week", WEEK, "--json",
                            env={"LDKIT_AUTHOR": "ada"}).stdout)
    assert made["author"] == "ada"
    # someone not on the roster is refused, with the fix, and nothing is written
    done = subprocess.run([sys.executable, "-m", "ldkit", "new", "blank", "--title", "Mine", "--week", WEEK],
                          cwd=clones["carol"], capture_output=True, text=True,
                          env={**os.environ, "LDKIT_HOME": str(clones["carol"])})
    assert done.returncode == 2 and "'carol-danvers' is not on the team's roster (ada, bob)" in done.stderr
    assert "ldkit team add carol-danvers --email carol@example.org" in done.stderr and "Traceback" not in done.stderr
    assert not (clones["carol"] / "workbooks").exists() or not any((clones["carol"] / "workbooks").rglob("*.ipynb"))


def two_clones_and_a_shared_workbook(tmp: Path) -> tuple[dict[str, Path], Path]:
    """A bare remote, a roster of ada and bob (by email), their two clones on a default git, and one workbook of
    ada's that both have; returns the clones and the workbook's path inside a clone."""
    remote = tmp / "team.git"
    git(tmp, "init", "-q", "--bare", str(remote))
    git(remote, "symbolic-ref", "HEAD", "refs/heads/main")
    organizer = tmp / "org"
    ldkit(tmp, "init", "--git", str(organizer))
    for slug, name in (("ada", "Ada L."), ("bob", "Bob M.")):
        ldkit(organizer, "team", "add", slug, "--name", name, "--email", f"{slug}@example.org")
    git(organizer, "config", "user.name", "Org")
    git(organizer, "config", "user.email", "org@example.org")
    git(organizer, "add", "-A")
    git(organizer, "commit", "-q", "-m", "roster")
    git(organizer, "remote", "add", "origin", str(remote))
    git(organizer, "push", "-q", "-u", "origin", "main")
    clones = {}
    for slug, name in (("ada", "Ada Lovelace"), ("bob", "Bob Marley")):
        git(tmp, "clone", "-q", str(remote), slug)
        git(tmp / slug, "config", "user.name", name)
        git(tmp / slug, "config", "user.email", f"{slug}@example.org")
        clones[slug] = tmp / slug
    made = json.loads(ldkit(clones["ada"], "new", "project", "--title", "Reading group", "--week", WEEK,
                            "--json").stdout)
    relative = Path(made["path"]).relative_to(clones["ada"])
    git(clones["ada"], "add", "-A")
    git(clones["ada"], "commit", "-q", "-m", "ada: reading group")
    git(clones["ada"], "push", "-q")
    git(clones["bob"], "pull", "-q", "--no-rebase")
    return clones, relative


def test_two_teammates_log_to_one_workbook_from_two_clones_without_a_conflict(default_git):
    """`ldkit log` appends to the journal (merged by union) and never rewrites the .ipynb, so git merges cleanly."""
    clones, relative = two_clones_and_a_shared_workbook(default_git)
    committed = (clones["ada"] / relative).read_bytes()
    for slug in ("ada", "bob"):  # bob logs last: his is the newest save
        ldkit(clones[slug], "log", "plan", str(clones[slug] / relative), "--goal", f"{slug}'s plan")
        ldkit(clones[slug], "log", "outcome", str(clones[slug] / relative), "--summary", f"{slug}'s summary")
        assert (clones[slug] / relative).read_bytes() == committed  # the notebook is untouched
    git(clones["bob"], "add", "-A")
    git(clones["bob"], "commit", "-q", "-m", "bob logs")
    git(clones["bob"], "push", "-q")
    git(clones["ada"], "add", "-A")
    git(clones["ada"], "commit", "-q", "-m", "ada logs")
    git(clones["ada"], "pull", "-q", "--no-rebase", "--no-edit")  # a real merge of two histories
    assert "Unmerged" not in git(clones["ada"], "status") and not git(clones["ada"], "diff", "--name-only",
                                                                        "--diff-filter=U")
    git(clones["ada"], "push", "-q")
    git(clones["bob"], "pull", "-q", "--no-rebase")
    for clone in clones.values():
        assert (clone / relative).read_bytes() == committed
        done = ldkit(clone, "show", str(clone / relative), "--json")
        view = json.loads(done.stdout)
        assert view["plan"]["goal"] == "bob's plan" and view["outcome"]["summary"] == "bob's summary"  # newest
        assert {h["data"].get("goal") or h["data"].get("summary") for h in view["history"]} == {
            "ada's plan", "ada's summary"}
        assert done.stderr == ""
        status = json.loads(ldkit(clone, "status", "--week", WEEK, "--json").stdout)
        assert status["problems"] == [] and status["totals"]["summarized"] == 1


def test_a_notebook_with_git_conflict_markers_is_named_and_its_records_still_count(default_git):
    clones, relative = two_clones_and_a_shared_workbook(default_git)
    for slug in ("ada", "bob"):  # both edit the notebook's body (and log): a real conflict in the .ipynb
        path = clones[slug] / relative
        nb = json.loads(path.read_text())
        nb["cells"][0]["source"] = f"{slug}'s own first cell"
        path.write_text(json.dumps(nb, indent=1, sort_keys=True) + "\n")
        ldkit(clones[slug], "log", "plan", str(path), "--goal", f"{slug}'s plan")
        ldkit(clones[slug], "log", "outcome", str(path), "--summary", f"{slug}'s summary")
        git(clones[slug], "add", "-A")
        git(clones[slug], "commit", "-q", "-m", f"{slug} edits")
    git(clones["bob"], "push", "-q")
    merged = subprocess.run(["git", "pull", "-q", "--no-rebase", "--no-edit"], cwd=clones["ada"],
                            capture_output=True, text=True)
    assert merged.returncode != 0 and "CONFLICT" in merged.stdout + merged.stderr
    assert git(clones["ada"], "diff", "--name-only", "--diff-filter=U").split() == [str(relative)]  # not the journal
    path = clones["ada"] / relative
    assert "<<<<<<<" in path.read_text()
    before = path.read_bytes()
    named = "has git conflict markers (from a merge); resolve it with `git checkout --theirs"
    status = json.loads(ldkit(clones["ada"], "status", "--week", WEEK, "--json").stdout)
    assert [p["path"] for p in status["problems"]] == [str(path)] and named in status["problems"][0]["error"]
    assert "invalid JSON" not in json.dumps(status) and status["totals"]["summarized"] == 1
    shown = ldkit(clones["ada"], "show", str(path), "--json")
    view = json.loads(shown.stdout)
    assert view["outcome"]["summary"] == "bob's summary"  # the newest of both clones' journals (merged by union)
    assert {h["data"].get("goal") or h["data"].get("summary") for h in view["history"]} == {
        "ada's plan", "ada's summary"}
    assert shown.stderr.count(named) == 1 and "invalid JSON" not in shown.stderr
    done = ldkit(clones["ada"], "digest", "--week", WEEK, "--format", "md")
    assert done.stderr.count("git conflict markers") <= 1 and "invalid JSON" not in done.stderr
    page = (clones["ada"] / "digests" / WEEK / "index.html").read_text()
    markdown = (clones["ada"] / "digests" / WEEK / "digest.md").read_text()
    assert "bob&#x27;s summary" in page or "bob's summary" in page
    assert "git conflict markers" in page and "bob's summary" in markdown
    assert "own first cell" not in page  # the body is not shown until resolved
    assert path.read_bytes() == before  # nothing resolved behind the user's back
    git(clones["ada"], "checkout", "--theirs", str(relative))  # the fix the message gives
    git(clones["ada"], "add", "-A")
    git(clones["ada"], "commit", "-q", "--no-edit")
    status = json.loads(ldkit(clones["ada"], "status", "--week", WEEK, "--json").stdout)
    assert status["problems"] == [] and status["totals"]["summarized"] == 1
