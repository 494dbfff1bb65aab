"""Who is learning: --author, LDKIT_AUTHOR, the workspace's author, git's user.name, the login name."""
from __future__ import annotations

import getpass
import os
import subprocess

from ldkit.core.errors import InputError
from ldkit.core.text import author_slug
from ldkit.core.workspace import Workspace


def resolve_author(given: str | None, workspace: Workspace) -> str:
    """The author's slug, from the first source that names one."""
    for candidate in (given, os.environ.get("LDKIT_AUTHOR"), workspace.settings.author):
        if candidate is not None and candidate != "":
            return author_slug(candidate)
    if given == "":
        return author_slug(given)
    name = _git_user_name(workspace)
    if name:
        slug = author_slug_or_none(name)
        if slug:
            return slug
    return author_slug(_login_name())


def author_slug_or_none(name: str) -> str | None:
    try:
        return author_slug(name)
    except InputError:
        return None


def _git_user_name(workspace: Workspace) -> str | None:
    try:
        done = subprocess.run(["git", "config", "user.name"], cwd=workspace.root, capture_output=True,
                              text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "someone"
