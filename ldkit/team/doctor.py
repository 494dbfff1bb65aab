"""`ldkit doctor`: a workspace checked as an organizer would before a learning day, one line per check.

Every check runs and is reported, whatever failed before it: a bad setting is named (each one) and the other
checks run with its default. A check that does not apply (no roster, no chat, no CI file) says "skipped" and why,
and does not fail; "warn" names something that works but will surprise (no site_url, authors not on the roster).
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ldkit.core import __version__
from ldkit.core.errors import LdkitError
from ldkit.core.text import plural
from ldkit.core.workspace import Workspace

WEBHOOK_ENV = "LEARNING_DAY_WEBHOOK"


@dataclass
class Check:
    name: str
    state: str  # ok, fail, warn, skipped
    detail: str


def lenient_workspace(root: Path, config: Path) -> tuple[Workspace, list[str]]:
    """The workspace with every valid setting, and a message for each invalid one (its default is used instead)."""
    from ldkit.core.tomlread import loads, tomllib
    from ldkit.core.workspace import parse_settings
    from ldkit.team.roster import parse_team

    where = f"{config} [tool.ldkit]" if config.name == "pyproject.toml" else str(config)
    try:
        data = loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        return Workspace(root, config_file=config), [f"{config} cannot be read as TOML: {exc}"]
    table = data.get("tool", {}).get("ldkit", {}) if config.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        return Workspace(root, config_file=config), [f"{where}: the ldkit settings must be a table"]
    try:  # valid as a whole, as most are: read as every command reads it (a company roster's 100,000 members at once)
        return Workspace(root, parse_settings(table, where), config), []
    except LdkitError:
        pass  # each setting, and each member, on its own: every one that is wrong is named
    errors: list[str] = []
    good: dict[str, object] = {}
    # [teams] before [team]: a member's `team` is checked against the teams that are valid
    for key, value in sorted(table.items(), key=lambda item: item[0] == "team"):
        teams = {"teams": good["teams"]} if key == "team" and "teams" in good else {}
        if key == "team" and isinstance(value, dict):
            members = {}
            for slug, entry in value.items():
                try:
                    parse_team({slug: entry}, where)
                    parse_settings({"team": {slug: entry}, **teams}, where)
                    members[slug] = entry
                except LdkitError as exc:
                    errors.append(exc.message)
            value = members
        try:
            parse_settings({key: value, **teams}, where)
            good[key] = value
        except LdkitError as exc:
            errors.append(exc.message)
    try:
        settings = parse_settings(good, where)
    except LdkitError as exc:  # what only the whole table shows (one email for two members)
        errors.append(exc.message)
        good.pop("team", None)
        settings = parse_settings(good, where)
    return Workspace(root, settings, config), errors


def _settings(ws: Workspace, errors: list[str] | None = None) -> list[Check]:
    if errors:
        return [Check("settings", "fail", f"{message} (its default is used for the other checks)")
                for message in errors]
    return [Check("settings", "ok", f"{ws.config_file} is valid; learning day {ws.settings.learning_day}")]


def _workbooks(ws: Workspace) -> Check:
    where = ws.workbooks
    if where.is_symlink() and not ws.contains(where):
        return Check("workbooks", "fail", f"{where} links outside the workspace: workbooks must live in it")
    if where.exists() and not where.is_dir():
        return Check("workbooks", "fail", f"{where} is a file, not a folder: `ldkit new` cannot write workbooks "
                                          f"there (move it away, or set workbooks_dir)")
    if not where.exists():
        return Check("workbooks", "ok", f"{ws.settings.workbooks_dir}/ does not exist yet: `ldkit new` makes it")
    weeks = len(_week_folders(ws))
    if ws.sources is not None:  # a company of several repositories: its view's folder is a cache, no one's to open
        named = ", ".join(f"{ws.shown(folder)}/" for folder in ws.sources.folders()) or "none yet"
        return Check("workbooks", "ok", f"the team repositories' workbooks ({named}) hold {weeks} week folder(s)")
    return Check("workbooks", "ok", f"{ws.settings.workbooks_dir}/ holds {weeks} week folder(s)")


def _week_folders(ws: Workspace) -> list[Path]:
    from ldkit.core.weeks import parse_week

    found = []
    for child in sorted(ws.workbooks.iterdir()) if ws.workbooks.is_dir() else ():
        try:
            parse_week(child.name)
        except LdkitError:
            continue
        if child.is_dir() and not child.is_symlink():
            found.append(child)
    return found


def _site_url(ws: Workspace) -> Check:
    if not ws.settings.site_url:
        return Check("site_url", "warn", "site_url is not set: chat posts link to a local path no one else can "
                                         "open; set it to where the site is published (e.g. the Pages address)")
    return Check("site_url", "ok", f"posts and feeds link to {ws.settings.site_url}")


def _authors(ws: Workspace) -> Check:
    roster = {m.slug for m in ws.settings.team}
    if not roster:
        return Check("authors", "skipped", "no roster: every author counts")
    weeks: dict[str, list[str]] = {}
    for week in _week_folders(ws):  # one listing per folder (a company's year is 52,000 of them), no glob
        for person in sorted(_folders(week)):
            if _holds_notebook(week / person):
                weeks.setdefault(person, []).append(week.name)
    strangers = sorted(set(weeks) - roster)
    if strangers:
        return Check("authors", "warn", "not on the roster: " + ", ".join(
            f"{who} ({len(weeks[who])} week{'s' if len(weeks[who]) != 1 else ''}, last {weeks[who][-1]})"
            for who in strangers) + " — add them (`ldkit team add NAME --email ...`) or fix git's user.email")
    return Check("authors", "ok", f"every author of a workbook is on the roster ({len(weeks)} found)")


def _folders(folder: Path) -> list[str]:
    """The names of the real folders (not links) in `folder`."""
    try:
        with os.scandir(folder) as entries:
            return [e.name for e in entries if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def _holds_notebook(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(e.name.endswith(".ipynb") and not e.name.startswith(".") for e in entries)  # as "*.ipynb"
    except OSError:
        return False


def _roster(ws: Workspace) -> Check:
    if not ws.settings.team:
        return Check("roster", "skipped", "no [team] roster: the team is whoever had a workbook lately")
    zones = sum(1 for m in ws.settings.team if m.tz)
    return Check("roster", "ok", f"{plural(len(ws.settings.team), 'member')}, {zones} with a valid time zone")


def _templates(ws: Workspace) -> Check:
    from ldkit.workbook.templates import catalog

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
    from ldkit.team.ci import TARGETS, ci_version, render_ci

    found = ci_version(ws)
    if found is None:
        return Check("ci", "skipped", "no CI workflow: `ldkit ci github` or `ldkit ci gitlab` writes one")
    path, version = found
    if version != __version__:
        return Check("ci", "fail", f"{path.name} was written for ldkit {version}, this is {__version__}: run "
                                   "`ldkit ci github|gitlab --force` again")
    target = next(t for t, relative in TARGETS.items() if ws.root / relative == path)
    difference = _ci_difference(path.read_text(encoding="utf-8", errors="replace"), render_ci(ws, target))
    if difference:
        return Check("ci", "fail", f"{path.relative_to(ws.root)} is not what `ldkit ci {target}` writes now "
                                   f"({difference}): run `ldkit ci {target} --force` (add --install as before)")
    return Check("ci", "ok", f"{path.relative_to(ws.root)} matches ldkit {__version__} and the learning day")


def _ci_difference(have: str, want: str) -> str:
    """The first line that differs, the install lines aside (--install may name another spec); "" when none."""
    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.splitlines() if "pip install" not in line]

    for mine, theirs in zip(lines(have), lines(want), strict=False):
        if mine != theirs:
            return f"has {mine.strip()!r} where it would write {theirs.strip()!r}"
    if len(lines(have)) != len(lines(want)):
        return "lines were added or removed"
    return ""


def _site(ws: Workspace) -> Check:
    """Whether the site builds: a site/ that nothing has changed since its build says so itself (a company's year
    is ~2,000 pages to write again); else a build into a folder of its own, on every core."""
    from ldkit.site.build import build_site, standing_site

    result = standing_site(ws)
    where = f" ({ws.site.name}/ is up to date)" if result is not None else ""
    if result is None:
        with tempfile.TemporaryDirectory(prefix="ldkit-doctor-site-") as tmp:
            try:
                result = build_site(ws, Path(tmp) / "site")
            except LdkitError as exc:
                return Check("site", "fail", exc.message)
    problems = len(result.warnings)
    return Check("site", "ok" if not problems else "fail",
                 f"builds: {plural(len(result.weeks), 'week')}, {plural(result.notebooks, 'notebook')}{where}"
                 + (f"; {problems} file(s) need attention (ldkit site names them)" if problems else ""))


CHECKS: tuple[Callable[[Workspace], Check], ...] = (_roster, _templates, _kernel, _chat, _ci, _site, _workbooks,
                                                    _site_url, _authors)


def run_checks(ws: Workspace, settings_errors: list[str] | None = None,
               more: Iterable[Callable[[Workspace], Check]] = ()) -> list[Check]:
    """Every check, each reported; `settings_errors` are the settings lenient_workspace could not use; `more` are
    checks of the layers above (the bot's), handed in by the command so that this module never imports them."""
    out = _settings(ws, settings_errors)
    for check in (*CHECKS, *more):
        if check is _site and not ws.workbooks.is_dir() and ws.workbooks.exists():
            out.append(Check("site", "skipped", "the workbooks folder is not a folder (see workbooks)"))
            continue
        try:
            out.append(check(ws))
        except Exception as exc:  # a check that breaks is a failed check, said plainly
            out.append(Check(check.__name__.strip("_"), "fail", f"{type(exc).__name__}: {exc}"))
    return out
