"""`ldkit doctor`: check a workspace before a learning day."""
from __future__ import annotations

import click

from ldkit.cli.base import say


@click.command()
def doctor() -> None:
    """Check the workspace as an organizer would before a learning day.

    \b
    Settings valid, roster time zones valid, templates valid, the kernel
    installed, the chat webhook set (LEARNING_DAY_WEBHOOK; never printed),
    the CI workflow present and written for this ldkit, and the site builds.
    One line per check; exit 1 if any fails. A check that does not apply
    says "skipped" and why.

    \b
    Example:
      LEARNING_DAY_WEBHOOK=… ldkit doctor
    """
    from ldkit.core.fastimport import skip_slow_optional_imports

    skip_slow_optional_imports()
    from ldkit.core.workspace import find_workspace
    from ldkit.team.doctor import run_checks

    checks = run_checks(find_workspace())
    for check in checks:
        say(f"{check.state:<8} {check.name:<10} {check.detail}")
    failed = [c.name for c in checks if c.state == "fail"]
    if failed:
        say(f"\n{len(failed)} check(s) failed: {', '.join(failed)}")
        click.get_current_context().exit(1)
    say("\nready for a learning day")
