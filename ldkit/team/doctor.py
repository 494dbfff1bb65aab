"""`ldkit doctor`: a workspace checked as an organizer would before a learning day, one line per check.

A check that does not apply (no roster, no chat, no CI file) says "skipped" and why, and does not fail.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ldkit import __version__
from ldkit.errors import LdkitError
from ldkit.workspace import Workspace

WEBHOOK_ENV = "LEARNING_DAY_WEBHOOK"


@dataclass
class Check:
    name: str
    state: str  # ok, fail, skipped
    detail: str


def _settings(ws: Workspace) -> Check:
    return Check("settings", "ok", f"{ws.config_file} is valid; learning day {ws.settings.learning_day}")


def _roster(ws: Workspace) -> Check:
    if not ws.settings.team:
        return Check("roster", "skipped", "no [team] roster: the team is whoever had a workbook lately")
    zones = sum(1 for m in ws.settings.team if m.tz)
    return Check("roster", "ok", f"{len(ws.settings.team)} members, {zones} with a valid time zone")


def _templates(ws: Workspace) -> Check:
    from ldkit.templates import catalog

    found = catalog(ws.templates)
    broken = [f"{t.name} ({t.problem})" for t in found.values() if t.problem]
    if broken:
        return Check("templates", "fail", "broken: " + "; ".join(broken))
    return Check("templates", "ok", f"{len(found)} templates: {', '.join(found)}")


def _kernel(ws: Workspace) -> Check:
    from ldkit.digest.execute import installed_kernels

    kernels = installed_kernels()
    if ws.settings.kernel not in kernels:
        return Check("kernel", "fail", f"the kernel {ws.settings.kernel!r} is not installed (have: "
                                       f"{', '.join(sorted(kernels))})")
    return Check("kernel", "ok", f"{ws.settings.kernel} is installed")


def _chat(ws: Workspace) -> Check:
    from ldkit.chat.poster import check_webhook

    url = os.environ.get(WEBHOOK_ENV)
    if not url:
        return Check("chat", "skipped", f"no webhook in {WEBHOOK_ENV}: reminders and posts need one "
                                        f"({ws.settings.chat})")
    try:
        check_webhook(url, WEBHOOK_ENV)
    except LdkitError as exc:
        return Check("chat", "fail", exc.message)
    return Check("chat", "ok", f"{WEBHOOK_ENV} is set for {ws.settings.chat} (not shown)")


def _ci(ws: Workspace) -> Check:
    from ldkit.team.ci import ci_version

    found = ci_version(ws)
    if found is None:
        return Check("ci", "skipped", "no CI workflow: `ldkit ci github` or `ldkit ci gitlab` writes one")
    path, version = found
    if version != __version__:
        return Check("ci", "fail", f"{path.name} was written for ldkit {version}, this is {__version__}: run "
                                   "`ldkit ci github|gitlab --force` again")
    return Check("ci", "ok", f"{path.relative_to(ws.root)} matches ldkit {__version__}")


def _site(ws: Workspace) -> Check:
    from ldkit.site.build import build_site

    with tempfile.TemporaryDirectory(prefix="ldkit-doctor-site-") as tmp:
        try:
            result = build_site(ws, Path(tmp) / "site", jobs=1)
        except LdkitError as exc:
            return Check("site", "fail", exc.message)
    problems = len(result.warnings)
    return Check("site", "ok" if not problems else "fail",
                 f"builds: {len(result.weeks)} weeks, {result.notebooks} notebooks"
                 + (f"; {problems} file(s) need attention (ldkit site names them)" if problems else ""))


def _bot(ws: Workspace) -> Check:
    from ldkit.bot.check import bot_settings

    state, detail = bot_settings(ws)
    return Check("bot", state, detail)


CHECKS: tuple[Callable[[Workspace], Check], ...] = (_settings, _roster, _templates, _kernel, _chat, _ci, _site, _bot)


def run_checks(ws: Workspace) -> list[Check]:
    out = []
    for check in CHECKS:
        try:
            out.append(check(ws))
        except Exception as exc:  # a check that breaks is a failed check, said plainly
            out.append(Check(check.__name__.strip("_"), "fail", f"{type(exc).__name__}: {exc}"))
    return out
