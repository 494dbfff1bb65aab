"""`ldkit ci github|gitlab`: the CI workflow that turns the team's repository into the site, reminders and posts.

On a push to the main branch and on a schedule it installs a pinned ldkit, restores `.ldkit-cache` from the CI
cache, builds the site and publishes it (Pages), reminds on the learning day (hourly: each member at their local
morning and afternoon) and posts the week's digest the morning after. The webhook is read from a CI secret
(LEARNING_DAY_WEBHOOK), never from a file.
"""
from __future__ import annotations

from pathlib import Path

from ldkit.core import __version__
from ldkit.core.errors import InputError
from ldkit.core.files import atomic_write, make_folder
from ldkit.core.weeks import parse_weekday
from ldkit.core.workspace import Workspace

TARGETS = {"github": ".github/workflows/learning-day.yml", "gitlab": ".gitlab-ci.yml"}
MARK = "# ldkit-ci-version:"


def _cron_days(workspace: Workspace) -> tuple[int, int]:
    """(the learning day, the day after) as cron weekdays (0 = Sunday)."""
    day = (parse_weekday(workspace.settings.learning_day) + 1) % 7  # Python's Monday=0 -> cron's Monday=1
    return day, (day + 1) % 7


def github(workspace: Workspace, install: str) -> str:
    day, after = _cron_days(workspace)
    return f"""{MARK} {__version__}
# Written by `ldkit ci github`; run it again after upgrading ldkit (ldkit doctor says when).
# Secrets: LEARNING_DAY_WEBHOOK (Slack, Mattermost or Teams: the workspace's `chat` setting says which).
# Pages: Settings -> Pages -> Source: GitHub Actions.
name: Learning Day
on:
  push:
    branches: [main]
  schedule:
    - cron: "15 * * * {day}"  # hourly on the learning day (UTC): reminders, each member at their local time
    - cron: "0 7 * * {after}"  # the morning after: the week's digest
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: learning-day
  cancel-in-progress: false
jobs:
  site:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - uses: actions/cache@v4
        with:
          path: .ldkit-cache
          key: ldkit-${{{{ github.run_id }}}}
          restore-keys: ldkit-
      - name: Install ldkit
        run: python -m pip install "{install}"
      - name: Build the site
        run: ldkit site --quiet
      - name: Remind who has not planned or summarized
        if: github.event_name == 'schedule' && github.event.schedule == '15 * * * {day}'
        env:
          LEARNING_DAY_WEBHOOK: ${{{{ secrets.LEARNING_DAY_WEBHOOK }}}}
        run: |
          ldkit remind plan --post "$LEARNING_DAY_WEBHOOK" --at-local 09:30
          ldkit remind outcome --post "$LEARNING_DAY_WEBHOOK" --at-local 16:00
      - name: Post the week's digest
        if: github.event_name == 'schedule' && github.event.schedule == '0 7 * * {after}'
        env:
          LEARNING_DAY_WEBHOOK: ${{{{ secrets.LEARNING_DAY_WEBHOOK }}}}
        run: ldkit digest --week last --quiet --post "$LEARNING_DAY_WEBHOOK"
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
    day, after = _cron_days(workspace)
    return f"""{MARK} {__version__}
# Written by `ldkit ci gitlab`; run it again after upgrading ldkit (ldkit doctor says when).
# CI/CD variables: LEARNING_DAY_WEBHOOK (masked). Pipeline schedules (Build -> Pipeline schedules):
#   "15 * * * {day}" with variable LEARNING_DAY_TASK=remind   (hourly on the learning day)
#   "0 7 * * {after}" with variable LEARNING_DAY_TASK=digest   (the morning after)
default:
  image: python:3.11-slim
  cache:
    key: ldkit
    paths: [.ldkit-cache/]
  before_script:
    - python -m pip install "{install}"

pages:
  stage: deploy
  script:
    - ldkit site --quiet --out public
  artifacts:
    paths: [public]
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

remind:
  stage: deploy
  script:
    - ldkit remind plan --post "$LEARNING_DAY_WEBHOOK" --at-local 09:30
    - ldkit remind outcome --post "$LEARNING_DAY_WEBHOOK" --at-local 16:00
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule" && $LEARNING_DAY_TASK == "remind"

digest:
  stage: deploy
  script:
    - ldkit digest --week last --quiet --post "$LEARNING_DAY_WEBHOOK"
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
    make_folder(path.parent)
    spec = install or f"ldkit=={__version__}"
    atomic_write(path, (github if target == "github" else gitlab)(workspace, spec))
    return path


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
