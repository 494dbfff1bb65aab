"""The roster: `[team]` in ldkit.toml — who is expected on a learning day, their name, chat id, time zone and email
(git's user.email, which tells ldkit who is at the keyboard).

With a roster, "missing" means a member with no workbook (not merely someone seen in the last weeks), and authors
not on it are named. It is edited with `ldkit team add|remove` through tomlkit, so the file keeps its comments.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ldkit.errors import InputError, WorkspaceError
from ldkit.text import author_slug

MEMBER_KEYS = ("name", "chat", "tz", "email")


@dataclass(frozen=True)
class Member:
    slug: str
    name: str = ""
    chat: str = ""  # the id used for mentions (Slack U024BE7LH, a Mattermost username, a Teams UPN)
    tz: str = ""  # an IANA zone, e.g. Europe/Berlin
    email: str = ""  # git's user.email on their machine: `ldkit new` then knows them without --author

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def check_zone(zone: str, where: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise WorkspaceError(f"{where}: time zone {zone!r} is not an IANA zone",
                             hint="use a name such as Europe/Berlin, America/New_York or UTC") from None
    return zone


def check_email(email: str, where: str) -> str:
    text = email.strip()
    if "@" not in text or any(ch.isspace() or ord(ch) < 32 for ch in text) or text.startswith("@") \
            or text.endswith("@"):
        raise InputError(f"{where}: {email!r} is not an email address", hint="e.g. ada@example.org, as in "
                         "`git config user.email`")
    return text


def parse_team(table: object, where: str) -> tuple[Member, ...]:
    """The `[team]` table -> members, each checked: a slug key, known fields, strings, a real time zone."""
    if not isinstance(table, dict):
        raise WorkspaceError(f"{where}: 'team' must be a table of members, e.g. "
                             'ada = { name = "Ada L.", chat = "U024BE7LH", tz = "Europe/Berlin" }')
    members = []
    for key, value in table.items():
        slug = author_slug(str(key))
        if slug != key:
            raise WorkspaceError(f"{where}: team member {key!r} must be written as its slug {slug!r}")
        if not isinstance(value, dict):
            raise WorkspaceError(f"{where}: team member {key!r} must be a table such as "
                                 '{ name = "Ada L.", tz = "Europe/Berlin" }')
        unknown = sorted(set(value) - set(MEMBER_KEYS))
        if unknown:
            raise WorkspaceError(f"{where}: team member {key!r} has unknown field {unknown[0]!r}",
                                 hint="known fields: " + ", ".join(MEMBER_KEYS))
        for field in MEMBER_KEYS:
            if field in value and not isinstance(value[field], str):
                raise WorkspaceError(f"{where}: team member {key!r}: {field} must be a string")
        if value.get("tz"):
            check_zone(value["tz"], f"{where}: team member {key!r}")
        if value.get("email"):
            try:
                check_email(value["email"], f"{where}: team member {key!r}")
            except InputError as exc:
                raise WorkspaceError(exc.message, hint=exc.hint) from None
            twin = [m.slug for m in members if m.email.lower() == value["email"].strip().lower()]
            if twin:
                raise WorkspaceError(f"{where}: team members {twin[0]!r} and {key!r} have the same email "
                                     f"{value['email']!r}", hint="an email names one person; remove one of them")
        members.append(Member(slug, value.get("name", ""), value.get("chat", ""), value.get("tz", ""),
                              value.get("email", "").strip()))
    return tuple(sorted(members, key=lambda m: m.slug))


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

    from ldkit.atomic import atomic_write
    from ldkit.workspace import parse_settings, tomllib

    text = tomlkit.dumps(doc)
    data = tomllib.loads(text)  # the file as ldkit will read it: checked before it is written
    parse_settings(data.get("tool", {}).get("ldkit", {}) if config.name == "pyproject.toml" else data, str(config))
    atomic_write(config, text)


def add_member(config: Path, who: str, name: str | None = None, chat: str | None = None,
               tz: str | None = None, email: str | None = None) -> Member:
    """Add or update a member; the rest of the file (comments, order) stays as it was."""
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


def remove_member(config: Path, who: str) -> str:
    slug = author_slug(who)
    doc, table = _document(config)
    team = table.get("team")
    if team is None or slug not in team:
        raise InputError(f"{slug} is not on the roster; nothing was changed", hint="ldkit team list shows it")
    del team[slug]
    _save(config, doc)
    return slug
