"""`ldkit ci github|gitlab`: the CI workflow that turns the team's repository into the site, reminders and posts.

On a push to the main branch and on a schedule it installs a pinned ldkit, restores `.ldkit-cache` from the CI
cache, builds the site and publishes it (Pages), reminds on the learning day and posts the week just held once the
day has ended in every zone. The reminder schedule is hourly over the three UTC days that overlap the learning day
somewhere from UTC-12 to UTC+14; `ldkit remind --at-local` decides who is due (plan at 09:00 on their day, outcome
at 16:00, in their own zone), so every member is reached whatever their zone and nobody on another day. A rerun
that finds the week already posted says so and stays green. The webhook is read from a CI secret
(LEARNING_DAY_WEBHOOK), never from a file.
"""
from __future__ import annotations

import json
import shlex
from pathlib import Path

from ldkit.core import __version__
from ldkit.core.errors import InputError
from ldkit.core.files import atomic_write, make_folder
from ldkit.core.weeks import parse_weekday
from ldkit.core.workspace import Workspace

TARGETS = {"github": ".github/workflows/learning-day.yml", "gitlab": ".gitlab-ci.yml"}
MARK = "# ldkit-ci-version:"


PLAN_AT, OUTCOME_AT = "09:00", "16:00"  # each member's local time on their learning day


def _cron_days(workspace: Workspace) -> tuple[int, int]:
    """(the learning day, the day after) as cron weekdays (0 = Sunday)."""
    day = (parse_weekday(workspace.settings.learning_day) + 1) % 7  # Python's Monday=0 -> cron's Monday=1
    return day, (day + 1) % 7


def schedules(workspace: Workspace) -> tuple[str, str]:
    """(the reminders' cron, the digest's cron), in UTC.

    The learning day begins first at UTC+14 (the UTC day before, 10:00) and ends last at UTC-12 (the UTC day after,
    12:00): reminders run hourly over those three UTC days, and the digest of the week just held at 12:00 UTC the
    day after, when the day has ended everywhere."""
    day, after = _cron_days(workspace)
    before = (day - 1) % 7
    return f"15 * * * {before},{day},{after}", f"0 12 * * {after}"


def _run(command: str) -> str:
    """A shell line as a YAML scalar: JSON's double-quoted string is valid YAML, whatever the line holds."""
    return json.dumps(command)


def check_install(spec: str) -> str:
    """What the workflow installs: one argument for pip, refused when it cannot be written down safely."""
    if not spec.strip():
        raise InputError("--install needs a package spec, e.g. ldkit==0.1.0 or a git URL; nothing was written")
    bad = next((ch for ch in spec if ord(ch) < 32 or 0x7f <= ord(ch) < 0xa0 or ch in "\u2028\u2029"), None)
    if bad is not None:
        raise InputError(f"--install must be one line without control characters (found U+{ord(bad):04X}); "
                         "nothing was written")
    if "${{" in spec:
        raise InputError("--install must not hold '${{': GitHub would expand it before the shell sees it; "
                         "nothing was written")
    return spec


def install_line(spec: str) -> str:
    return f"python -m pip install {shlex.quote(check_install(spec))}"


def team_secrets(workspace: Workspace, indent: str) -> str:
    """A company's team webhooks, each from the CI secret of the same name as its `webhook_env`."""
    names = sorted({t.webhook_env for t in workspace.settings.teams if t.webhook_env})
    return "".join(f"\n{indent}{name}: ${{{{ secrets.{name} }}}}" for name in names)


SITE_CRON = "45 5 * * *"  # a company of several repositories: a team's push reaches the site by the next morning
READ_TOKEN = "TEAMS_READ_TOKEN"  # GitHub: reads the teams' repositories when they are private


def secrets_needed(workspace: Workspace, target: str) -> list[str]:
    """The CI secrets (GitHub) or variables (GitLab) the recipe reads, for the line `ldkit ci` ends with."""
    names = ["LEARNING_DAY_WEBHOOK", *sorted({t.webhook_env for t in workspace.settings.teams if t.webhook_env})]
    if target == "github" and any(t.workspace and t.repository for t in workspace.settings.teams):
        names.append(f"{READ_TOKEN} (only if the teams' repositories are private)")
    return names


def _team_repositories(workspace: Workspace) -> list[tuple[str, str]]:
    return [(t.repository, t.workspace) for t in workspace.settings.teams if t.workspace and t.repository]


def gitlab_clone_url(repository: str) -> str:
    """A team's `repository` as GitLab's job clones it: a URL (or scp-like git@host:path) as it is; a project path
    (group/project) from this GitLab with the job's token (the project must allow it: CI/CD job token access)."""
    if "://" in repository or (repository.startswith("git@") and ":" in repository):
        return shlex.quote(repository)
    return f'"https://gitlab-ci-token:${{CI_JOB_TOKEN}}@${{CI_SERVER_HOST}}/"{shlex.quote(repository + ".git")}'


def team_checkouts(workspace: Workspace) -> str:
    """For a company of several repositories: each team's repository checked out where its `workspace` says
    (inside this one), read with TEAMS_READ_TOKEN when the repositories are private."""
    steps = []
    for repository, where in _team_repositories(workspace):
        steps.append(f"""
      - uses: actions/checkout@v4
        with:
          repository: {_run(repository)}
          path: {_run(where)}
          token: ${{{{ secrets.{READ_TOKEN} || github.token }}}}""")
    return "".join(steps)


def _github_setup(install: str) -> str:
    """The steps both jobs start with: Python, the "already posted" markers kept in the cache, ldkit itself."""
    return f"""      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - uses: actions/cache@v4
        with:
          path: .ldkit-cache
          key: ldkit-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}
          restore-keys: ldkit-
      - name: Install ldkit
        run: {_run(install_line(install))}
"""


def github(workspace: Workspace, install: str) -> str:
    remind, digest = schedules(workspace)
    secrets_remind = team_secrets(workspace, "          ")
    checkouts = team_checkouts(workspace)
    setup = _github_setup(install)
    daily = ("\n    # the teams' repositories are read from here: their pushes reach the company's site every morning"
             f'\n    - cron: "{SITE_CRON}"') if checkouts else ""
    return f"""{MARK} {__version__}
# Written by `ldkit ci github`; run it again after upgrading ldkit or changing the learning day (ldkit doctor says
# when). Secrets: LEARNING_DAY_WEBHOOK (Slack, Mattermost or Teams: the workspace's `chat` setting says which).
# Pages: Settings -> Pages -> Source: GitHub Actions.
name: Learning Day
on:
  push:
    branches: [main]
  schedule:
    # hourly over the UTC days that overlap the learning day in some zone (UTC-12 ... UTC+14): reminders, each
    # member on their own learning day (plan from {PLAN_AT}, outcome from {OUTCOME_AT} their time)
    - cron: "{remind}"
    # when the learning day has ended in every zone: the digest of the week just held
    - cron: "{digest}"{daily}
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: learning-day
  cancel-in-progress: false
jobs:
  remind:
    if: github.event_name == 'schedule' && github.event.schedule == '{remind}'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4{checkouts}
{setup}      - name: Remind who has not planned or summarized
        env:
          LEARNING_DAY_WEBHOOK: ${{{{ secrets.LEARNING_DAY_WEBHOOK }}}}{secrets_remind}
        run: |
          ldkit remind plan --week held --post "$LEARNING_DAY_WEBHOOK" --at-local {PLAN_AT}
          ldkit remind outcome --week held --post "$LEARNING_DAY_WEBHOOK" --at-local {OUTCOME_AT}
  site:
    if: github.event_name != 'schedule' || github.event.schedule != '{remind}'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4{checkouts}
{setup}      - name: Post the digest of the week just held
        if: github.event_name == 'schedule' && github.event.schedule == '{digest}'
        env:
          LEARNING_DAY_WEBHOOK: ${{{{ secrets.LEARNING_DAY_WEBHOOK }}}}{secrets_remind}
        run: ldkit digest --week held --quiet --post "$LEARNING_DAY_WEBHOOK"
      - name: Build the site
        run: ldkit site --quiet
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
  deploy:
    needs: site
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def gitlab(workspace: Workspace, install: str) -> str:
    remind, digest = schedules(workspace)
    names = sorted({t.webhook_env for t in workspace.settings.teams if t.webhook_env})
    variables = "".join(f", {name}" for name in names)
    schedules_at = " Pipeline schedules (Build -> Pipeline schedules, UTC):" if not names else \
        "\n# Pipeline schedules (Build -> Pipeline schedules, UTC):"  # one team's file reads as it always has
    repositories = _team_repositories(workspace)
    # python:3.11-slim has no git: installed first when the teams' repositories are cloned
    clones = ("\n    - apt-get update -qq && apt-get install -y -qq --no-install-recommends git ca-certificates"
              if repositories else "") + "".join(
        f"\n    - git clone --depth 1 {gitlab_clone_url(repository)} {shlex.quote(where)}"
        for repository, where in repositories)
    return f"""{MARK} {__version__}
# Written by `ldkit ci gitlab`; run it again after upgrading ldkit or changing the learning day (ldkit doctor says
# when). CI/CD variables: LEARNING_DAY_WEBHOOK{variables} (masked).{schedules_at}
#   "{remind}" with variable LEARNING_DAY_TASK=remind   (hourly over every zone's learning day)
#   "{digest}" with variable LEARNING_DAY_TASK=digest   (when the day has ended everywhere)
default:
  image: python:3.11-slim
  cache:
    key: ldkit
    paths: [.ldkit-cache/]
  before_script:
    - {_run(install_line(install))}{clones}

pages:
  stage: deploy
  script:
    - ldkit site --quiet --out public
  artifacts:
    paths: [public]
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $LEARNING_DAY_TASK != "remind"

remind:
  stage: deploy
  script:
    - ldkit remind plan --week held --post "$LEARNING_DAY_WEBHOOK" --at-local {PLAN_AT}
    - ldkit remind outcome --week held --post "$LEARNING_DAY_WEBHOOK" --at-local {OUTCOME_AT}
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule" && $LEARNING_DAY_TASK == "remind"

digest:
  stage: deploy
  script:
    - ldkit digest --week held --quiet --post "$LEARNING_DAY_WEBHOOK"
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule" && $LEARNING_DAY_TASK == "digest"
"""


def write_ci(workspace: Workspace, target: str, install: str | None = None, force: bool = False) -> Path:
    if target not in TARGETS:
        raise InputError(f"unknown CI {target!r}", hint="use github or gitlab")
    path = workspace.root / TARGETS[target]
    if path.exists() and not force:
        text = path.read_text(encoding="utf-8", errors="replace")
        if MARK not in text:
            raise InputError(f"{path} exists and was not written by ldkit; nothing was changed",
                             hint="pass --force to replace it, or merge the steps by hand")
    spec = f"ldkit=={__version__}" if install is None else install
    text = render_ci(workspace, target, spec)  # a bad --install is refused before anything is written
    make_folder(path.parent)
    atomic_write(path, text)
    return path


def render_ci(workspace: Workspace, target: str, install: str | None = None) -> str:
    """The workflow `ldkit ci TARGET` writes now (doctor compares the file with it)."""
    spec = f"ldkit=={__version__}" if install is None else install
    return (github if target == "github" else gitlab)(workspace, spec)


def ci_version(workspace: Workspace) -> tuple[Path, str] | None:
    """The CI file and the ldkit version it was written for, if there is one."""
    for relative in TARGETS.values():
        path = workspace.root / relative
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith(MARK):
                    return path, line[len(MARK):].strip()
            return path, "?"
    return None
