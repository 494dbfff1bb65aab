"""Reading the roster (`[team]` in ldkit.toml): each member checked — name, chat id, time zone, email, team (editing:
ldkit.team.roster)."""
from __future__ import annotations

import re
from typing import NamedTuple

from ldkit.core.errors import InputError, WorkspaceError
from ldkit.core.text import author_slug

MEMBER_KEYS = ("name", "chat", "tz", "email", "team")


class Member(NamedTuple):
    """One roster member. A named tuple, not a frozen dataclass: a company roster makes 100,000 of them on every
    read, and a frozen dataclass's __init__ (one object.__setattr__ per field) was a fifth of that read."""

    slug: str
    name: str = ""
    chat: str = ""  # the id used for mentions (Slack U024BE7LH, a Mattermost username, a Teams UPN)
    tz: str = ""  # an IANA zone, e.g. Europe/Berlin
    email: str = ""  # git's user.email on their machine: `ldkit new` then knows them without --author
    team: str = ""  # the slug of their team (a table of `[teams]`), for a company

    def as_dict(self) -> dict[str, str]:
        data = self._asdict()
        if not self.team:  # a workspace without [teams] reads as it always has
            data.pop("team")
        return data


def display_name(slug: str, members: tuple[Member, ...] | list[Member] = ()) -> str:
    """THE rule of how a person is named on every page, digest and chat post: their roster `name`, else their
    slug (links and folders always use the slug)."""
    for member in members:
        if member.slug == slug and member.name.strip():
            return " ".join(member.name.split())
    return slug


def check_zone(zone: str, where: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise WorkspaceError(f"{where}: time zone {zone!r} is not an IANA zone",
                             hint="use a name such as Europe/Berlin, America/New_York or UTC") from None
    return zone


_PLAIN_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # a key that is its own slug (core.text's plain slug)
_EMAIL = re.compile(r"[^@\s\x00-\x1f]+@[^\s\x00-\x1f]*[^@\s\x00-\x1f]")  # one @, not at either end


def check_email(email: str, where: str) -> str:
    text = email.strip()
    if not _EMAIL.fullmatch(text) and ("@" not in text or any(ch.isspace() or ord(ch) < 32 for ch in text)
                                       or text.startswith("@") or text.endswith("@")):
        raise InputError(f"{where}: {email!r} is not an email address", hint="e.g. ada@example.org, as in "
                         "`git config user.email`")
    return text


def parse_team(table: object, where: str) -> tuple[Member, ...]:
    """The `[team]` table -> members, each checked: a slug key, known fields, strings, a real time zone.

    A company roster has 100,000 members: each zone is checked once, and nothing is looked up per member that a
    set or a dict can answer."""
    if not isinstance(table, dict):
        raise WorkspaceError(f"{where}: 'team' must be a table of members, e.g. "
                             'ada = { name = "Ada L.", chat = "U024BE7LH", tz = "Europe/Berlin" }')
    members: list[Member] = []
    emails: dict[str, str] = {}  # email -> the first member with it
    zones: set[str] = set()  # the zones already checked
    known, only_str = frozenset(MEMBER_KEYS), frozenset({str})
    plain_slug, plain_email = _PLAIN_KEY.fullmatch, _EMAIL.fullmatch  # the common case, without a call each
    new = tuple.__new__  # a Member made by the tuple type itself: no Python-level __new__ per member
    for key, value in table.items():
        slug = key if len(key) <= 40 and plain_slug(key) else author_slug(str(key))
        if slug != key:
            raise WorkspaceError(f"{where}: team member {key!r} must be written as its slug {slug!r}")
        if not isinstance(value, dict):
            raise WorkspaceError(f"{where}: team member {key!r} must be a table such as "
                                 '{ name = "Ada L.", tz = "Europe/Berlin" }')
        if not known.issuperset(value):
            unknown = sorted(set(value) - known)
            raise WorkspaceError(f"{where}: team member {key!r} has unknown field {unknown[0]!r}",
                                 hint="known fields: " + ", ".join(MEMBER_KEYS))
        if not only_str.issuperset(map(type, value.values())):  # every value a string, checked in C
            field = next(f for f in MEMBER_KEYS if f in value and not isinstance(value[f], str))
            raise WorkspaceError(f"{where}: team member {key!r}: {field} must be a string")
        zone = value.get("tz", "")
        if zone and zone not in zones:
            check_zone(zone, f"{where}: team member {key!r}")
            zones.add(zone)
        email = value.get("email", "")
        if email:
            if plain_email(email) is None:  # else surely an address (check_email's first test)
                try:
                    check_email(email, f"{where}: team member {key!r}")
                except InputError as exc:
                    raise WorkspaceError(exc.message, hint=exc.hint) from None
            twin = emails.setdefault(email.strip().lower(), key)
            if twin != key:
                raise WorkspaceError(f"{where}: team members {twin!r} and {key!r} have the same email "
                                     f"{email!r}", hint="an email names one person; remove one of them")
        members.append(new(Member, (slug, value.get("name", ""), value.get("chat", ""), zone, email.strip(),
                                    value.get("team", ""))))
    members.sort()  # by slug: the first field, and no two members share one
    return tuple(members)
