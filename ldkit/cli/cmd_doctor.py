"""`ldkit doctor`: check a workspace before a learning day."""
from __future__ import annotations

import click

from ldkit.cli.base import say, show_paths_of


@click.command()
def doctor() -> None:
    """Check the workspace as an organizer would before a learning day.

    \b
    Settings valid (each bad one named), roster time zones valid, templates
    valid, the kernel installed, the chat webhook set (LEARNING_DAY_WEBHOOK;
    never printed), the CI workflow what `ldkit ci` writes now (version,
    schedule for the learning day), the site builds, the workbooks folder
    is a folder. It warns when site_url is unset (posts would link to a
    local path) and when authors of workbooks are not on the roster.
    Every check runs, one line each; exit 1 if any fails. A check that does
    not apply says "skipped" and why.

    \b
    Example:
      LEARNING_DAY_WEBHOOK=… ldkit doctor
    """
    from ldkit.core.fastimport import skip_slow_optional_imports

    skip_slow_optional_imports()
    from ldkit.bot.check import bot_check
    from ldkit.core.workspace import find_config
    from ldkit.team.doctor import lenient_workspace, run_checks

    workspace, errors = lenient_workspace(*find_config())
    if workspace.has_team_workspaces:  # a company of several repositories: read joined
        from ldkit.core.errors import LdkitError
        from ldkit.site.join import join_workspaces

        try:
            workspace = show_paths_of(join_workspaces(workspace).workspace)
        except LdkitError as exc:
            errors = [*errors, exc.message]
    checks = run_checks(workspace, errors, more=(bot_check,))
    for check in checks:
        say(f"{check.state:<8} {check.name:<10} {check.detail}")
    failed = list(dict.fromkeys(c.name for c in checks if c.state == "fail"))
    warned = [c.name for c in checks if c.state == "warn"]
    if failed:
        say(f"\n{len(failed)} check(s) failed: {', '.join(failed)}")
        click.get_current_context().exit(1)
    say("\nready for a learning day" + (f" ({len(warned)} warning{'s' if len(warned) != 1 else ''}: "
                                         f"{', '.join(warned)})" if warned else ""))
