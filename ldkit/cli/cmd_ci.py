"""`ldkit ci github|gitlab`: write the team's CI workflow."""
from __future__ import annotations

import click

from ldkit.cli.base import say


@click.command()
@click.argument("target", type=click.Choice(["github", "gitlab"]))
@click.option("--install", metavar="SPEC", default=None,
              help="What the workflow installs (default: this version of ldkit, pinned), e.g. a git URL; written "
                   "as one quoted argument (a control character is refused).")
@click.option("--force", is_flag=True, help="Replace a workflow file that ldkit did not write.")
def ci(target: str, install: str | None, force: bool) -> None:
    """Write the CI workflow that builds and publishes the site, reminds and posts.

    \b
    github -> .github/workflows/learning-day.yml (GitHub Actions + Pages)
    gitlab -> .gitlab-ci.yml (GitLab CI + Pages; schedules set in the UI)
    On a push to the main branch and on a schedule: install ldkit (pinned),
    restore .ldkit-cache, build the site, publish it. Reminders run hourly
    over the UTC days that overlap the learning day in some zone (UTC-12 to
    UTC+14): each member is reminded to plan from 09:00 and to summarize
    from 16:00 on the learning day in their own zone. When the day has
    ended everywhere (12:00 UTC the day after) it posts the digest of the
    week just held (--week held). A rerun that finds a week already posted
    says so and stays green. The webhook comes from the CI secret
    LEARNING_DAY_WEBHOOK, never from a file.

    For a company ([teams] in ldkit.toml) each team's webhook comes from
    the secret its webhook_env names, and the company summary from
    LEARNING_DAY_WEBHOOK. Teams that keep their own repositories (a team's
    `repository` and `workspace`) are checked out side by side in the
    company's job, read with TEAMS_READ_TOKEN when private, and the site is
    also built every morning so their pushes reach it.

    \b
    Examples:
      ldkit ci github
      ldkit ci gitlab --install "ldkit @ git+https://git.example.org/tools/ldkit@v0.1.0"
    """
    from ldkit.core.workspace import find_workspace
    from ldkit.team.ci import secrets_needed, write_ci

    workspace = find_workspace()
    path = write_ci(workspace, target, install, force)
    names = secrets_needed(workspace, target)
    kind = "secret" if target == "github" else "masked CI/CD variable"
    say(f"wrote {path}; commit it, then set the {kind}{'s' if len(names) > 1 else ''} {', '.join(names)}")
