"""Who is learning: --author, LDKIT_AUTHOR, the roster member whose email is git's user.email, the workspace's
author, git's user.name, the login name — always slugged; with a roster, someone not on it is refused by `new`."""
from __future__ import annotations

import getpass
import os
import subprocess

from ldkit.core.errors import InputError
from ldkit.core.text import author_slug
from ldkit.core.workspace import Workspace


def resolve_author(given: str | None, workspace: Workspace) -> str:
    """The author's slug, from the first source that names one (the one rule; see the module's first line)."""
    for candidate in (given, os.environ.get("LDKIT_AUTHOR")):
        if candidate is not None and candidate != "":
            return author_slug(candidate)
    if given == "":
        return author_slug(given)
    member = member_by_email(workspace, _git_config(workspace, "user.email"))
    if member:
        return member
    if workspace.settings.author:
        return author_slug(workspace.settings.author)
    name = _git_config(workspace, "user.name")
    if name:
        slug = author_slug_or_none(name)
        if slug:
            return slug
    return author_slug(_login_name())


def member_by_email(workspace: Workspace, email: str | None) -> str | None:
    """The roster member whose `email` is `email` (case does not matter), if any."""
    if not email:
        return None
    wanted = email.strip().lower()
    for member in workspace.settings.team:
        if member.email and member.email.lower() == wanted:
            return str(member.slug)
    return None


def check_on_roster(author: str, workspace: Workspace) -> None:
    """With a roster, an author who is not on it is refused, with the three ways to fix it."""
    roster = [m.slug for m in workspace.settings.team]
    if roster and author not in set(roster):
        email = _git_config(workspace, "user.email")
        shown = ", ".join(roster[:10]) + (f", … {len(roster) - 10} more" if len(roster) > 10 else "")
        raise InputError(
            f"{author!r} is not on the team's roster ({shown}); nothing was written",
            hint=f"pass --author NAME or set LDKIT_AUTHOR=NAME, or add yourself: ldkit team add {author} --email "
                 f"{email or 'YOU@EXAMPLE.ORG'}")


def author_slug_or_none(name: str) -> str | None:
    try:
        return author_slug(name)
    except InputError:
        return None


def _git_config(workspace: Workspace, key: str) -> str | None:
    try:
        done = subprocess.run(["git", "config", key], cwd=workspace.root, capture_output=True,
                              text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "someone"
