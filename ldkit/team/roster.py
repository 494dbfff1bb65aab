"""The roster: `[team]` in ldkit.toml — who is expected on a learning day, their name, chat id, time zone and email
(git's user.email, which tells ldkit who is at the keyboard).

With a roster, "missing" means a member with no workbook (not merely someone seen in the last weeks), and authors
not on it are named. It is edited with `ldkit team add|remove` through tomlkit, so the file keeps its comments.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError, WorkspaceError
from ldkit.core.roster import MEMBER_KEYS, Member, check_email, check_zone, parse_team  # noqa: F401 - re-exported
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
    from ldkit.core.workspace import parse_settings, tomllib

    text = tomlkit.dumps(doc)
    data = tomllib.loads(text)  # the file as ldkit will read it: checked before it is written
    parse_settings(data.get("tool", {}).get("ldkit", {}) if config.name == "pyproject.toml" else data, str(config))
    atomic_write(config, text)


def add_member(config: Path | None, who: str, name: str | None = None, chat: str | None = None,
               tz: str | None = None, email: str | None = None) -> Member:
    """Add or update a member; the rest of the file (comments, order) stays as it was."""
    config = _settings_file(config)
    import tomlkit

    slug = author_slug(who)
    if tz:
        check_zone(tz, "--tz")
    if email:
        email = check_email(email, "--email")
    doc, table = _document(config)
    team = table.get("team")
    if team is None:
        team = tomlkit.table()
        table.add("team", team)
    entry = team.get(slug)
    values = dict(entry) if isinstance(entry, dict) else {}
    for field, value in (("name", name), ("chat", chat), ("tz", tz), ("email", email)):
        if value is not None:
            values[field] = value
    inline = tomlkit.inline_table()
    inline.update({k: values[k] for k in MEMBER_KEYS if values.get(k)})
    team[slug] = inline
    _save(config, doc)
    return Member(slug, values.get("name", ""), values.get("chat", ""), values.get("tz", ""), values.get("email", ""))


def remove_member(config: Path | None, who: str) -> str:
    config = _settings_file(config)
    slug = author_slug(who)
    doc, table = _document(config)
    team = table.get("team")
    if team is None or slug not in team:
        raise InputError(f"{slug} is not on the roster; nothing was changed", hint="ldkit team list shows it")
    del team[slug]
    _save(config, doc)
    return slug
