"""The roster: `[team]` in ldkit.toml — who is expected on a learning day, their name, chat id, time zone, email
(git's user.email, which tells ldkit who is at the keyboard) and, for a company, their team (`[teams]`).

With a roster, "missing" means a member with no workbook (not merely someone seen in the last weeks), and authors
not on it are named. It is edited with `ldkit team add|remove` through tomlkit, so the file keeps its comments.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError, LdkitError, WorkspaceError
from ldkit.core.roster import MEMBER_KEYS, Member, check_email, check_zone, parse_team  # noqa: F401 - re-exported
from ldkit.core.teams import TEAM_KEYS, Team, check_env_name, check_team_slug
from ldkit.core.text import author_slug


def _settings_file(config: Path | None) -> Path:
    if config is None:
        raise WorkspaceError("this workspace has no settings file to hold a roster",
                             hint="ldkit init makes ldkit.toml; then ldkit team add NAME")
    return config


def _document(config: Path) -> tuple[Any, Any]:
    """(the TOML document, the table that holds ldkit's settings in it)."""
    import tomlkit

    try:
        doc = tomlkit.parse(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"cannot read {config}: {exc}") from None
    except Exception as exc:  # tomlkit's parse errors
        raise WorkspaceError(f"{config} is not valid TOML: {exc}") from None
    if config.name == "pyproject.toml":
        table = doc.setdefault("tool", tomlkit.table()).setdefault("ldkit", tomlkit.table())
    else:
        table = doc
    return doc, table


def _save(config: Path, doc: Any) -> None:
    import tomlkit

    from ldkit.core.files import atomic_write
    from ldkit.core.tomlread import tomllib
    from ldkit.core.workspace import parse_settings

    text = tomlkit.dumps(doc)
    data = tomllib.loads(text)  # the file as ldkit will read it: checked before it is written
    parse_settings(data.get("tool", {}).get("ldkit", {}) if config.name == "pyproject.toml" else data, str(config))
    atomic_write(config, text)


def member_slug(who: str, command: str = "ldkit team add") -> str:
    """The roster key of NAME as `ldkit team add|remove` was given it: its slug (the author's folder), or a refusal
    that speaks of the member's name (not of --author, which these commands do not take)."""
    try:
        return author_slug(who)
    except InputError:
        raise InputError(f"{command}: the member name {who!r} has no letters or digits to make a slug of",
                         hint=f'give the member\'s name, e.g. {command} ada' +
                              (' --name "Ada L."' if command.endswith("add") else "")) from None


def mend(edit: Callable[[Path], Any]) -> Path | None:
    """Let the command that sets a valid value repair a hand-edited settings file: when the workspace's file cannot
    be read (a webhook URL in `webhook_env`, a zone that is none, ...), `edit` is tried on it anyway, and written
    only if the file it makes is valid as a whole (every edit is checked so). The file, when it mended it; else None:
    nothing was written, and the command's usual reading of the file says what is wrong. The edit must give the same
    file when made again (an add or update does; a removal would not), as the command then makes it the usual way."""
    from ldkit.core.workspace import find_config, load_workspace

    try:
        root, config = find_config()
    except LdkitError:
        return None  # no workspace: the command's usual reading says so
    try:
        load_workspace(root, config)
        return None  # readable: the edit goes the usual way
    except WorkspaceError:
        pass
    try:
        edit(config)
    except LdkitError:
        return None
    return config


def add_member(config: Path | None, who: str, name: str | None = None, chat: str | None = None,
               tz: str | None = None, email: str | None = None, team: str | None = None) -> Member:
    """Add or update a member; the rest of the file (comments, order) stays as it was.

    NAME is written as its slug (the author's folder: "José García" -> jose-garcia); when it was more than its slug
    and no --name is given, what was typed becomes the member's `name`, how the pages name them."""
    config = _settings_file(config)
    import tomlkit

    slug = member_slug(who)
    typed = " ".join(who.split())
    if tz:
        check_zone(tz, "--tz")
    if email:
        email = check_email(email, "--email")
    doc, table = _document(config)
    roster = table.get("team")
    if roster is None:
        roster = tomlkit.table()
        table.add("team", roster)
    entry = roster.get(slug)
    values = dict(entry) if isinstance(entry, dict) else {}
    if name is None and not values.get("name") and typed != slug:
        name = typed
    for field, value in (("name", name), ("chat", chat), ("tz", tz), ("email", email), ("team", team)):
        if value is not None:
            values[field] = value
    inline = tomlkit.inline_table()
    inline.update({k: values[k] for k in MEMBER_KEYS if values.get(k)})
    roster[slug] = inline
    _save(config, doc)
    return Member(slug, values.get("name", ""), values.get("chat", ""), values.get("tz", ""), values.get("email", ""),
                  values.get("team", ""))


def remove_member(config: Path | None, who: str) -> str:
    config = _settings_file(config)
    slug = member_slug(who, "ldkit team remove")
    doc, table = _document(config)
    team = table.get("team")
    if team is None or slug not in team:
        raise InputError(f"{slug} is not on the roster; nothing was changed", hint="ldkit team list shows it")
    del team[slug]
    _save(config, doc)
    return slug


def add_team(config: Path | None, slug: str, name: str | None = None, webhook_env: str | None = None,
             chat: str | None = None) -> Team:
    """Add or update a company team (`[teams]`); the webhook itself is never written, only its variable's name."""
    config = _settings_file(config)
    import tomlkit

    slug = check_team_slug(slug, "ldkit team add-team")
    if webhook_env:
        check_env_name(webhook_env, "--webhook-env")
    doc, table = _document(config)
    teams = table.get("teams")
    if teams is None:
        teams = tomlkit.table()
        table.add("teams", teams)
    entry = teams.get(slug)
    values = dict(entry) if isinstance(entry, dict) else {}
    for field, value in (("name", name), ("webhook_env", webhook_env), ("chat", chat)):
        if value is not None:
            values[field] = value
    inline = tomlkit.inline_table()
    inline.update({k: values[k] for k in TEAM_KEYS if values.get(k)})
    teams[slug] = inline
    _save(config, doc)
    return Team(slug, values.get("name", ""), values.get("webhook_env", ""), values.get("chat", ""))


def remove_team(config: Path | None, slug: str) -> str:
    """Take a team out of `[teams]`; refused while a roster member still names it (they would name nothing)."""
    config = _settings_file(config)
    doc, table = _document(config)
    teams = table.get("teams")
    if teams is None or slug not in teams:
        raise InputError(f"{slug} is not a team; nothing was changed", hint="ldkit team teams lists them")
    named = sorted(k for k, v in (table.get("team") or {}).items() if isinstance(v, dict) and v.get("team") == slug)
    if named:
        raise InputError(f"team {slug} still has {len(named)} member(s) ({', '.join(named[:5])}"
                         f"{', …' if len(named) > 5 else ''}); nothing was changed",
                         hint="move them first: ldkit team add NAME --team OTHER")
    del teams[slug]
    _save(config, doc)
    return slug
