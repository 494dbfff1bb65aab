"""Reading the roster (`[team]` in ldkit.toml): each member checked — name, chat id, time zone, email, team (editing:
ldkit.team.roster)."""
from __future__ import annotations

import re
from itertools import chain, repeat
from typing import NamedTuple, cast

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
_EMAIL_TEXT = r"[^@\s\x00-\x1f]+@[^\s\x00-\x1f]*[^@\s\x00-\x1f]"
_EMAIL = re.compile(_EMAIL_TEXT)  # one @, not at either end
# a whole roster's keys, or its emails, joined by newlines (which neither may hold) and checked in one match
_PLAIN_KEYS = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*\n)*[a-z0-9]+(?:-[a-z0-9]+)*")
_EMAILS = re.compile(rf"(?:{_EMAIL_TEXT}\n)*{_EMAIL_TEXT}")


def check_email(email: str, where: str) -> str:
    text = email.strip()
    if not _EMAIL.fullmatch(text) and ("@" not in text or any(ch.isspace() or ord(ch) < 32 for ch in text)
                                       or text.startswith("@") or text.endswith("@")):
        raise InputError(f"{where}: {email!r} is not an email address", hint="e.g. ada@example.org, as in "
                         "`git config user.email`")
    return text


def parse_team(table: object, where: str) -> tuple[Member, ...]:
    """The `[team]` table -> members, each checked: a slug key, known fields, strings, a real time zone, an email
    no other member has. A company roster has 100,000 members, so a roster is first checked as a whole, in C
    (`_plain_members`); when any of it is in doubt, member by member, which says what is wrong and where."""
    if not isinstance(table, dict):
        raise WorkspaceError(f"{where}: 'team' must be a table of members, e.g. "
                             'ada = { name = "Ada L.", chat = "U024BE7LH", tz = "Europe/Berlin" }')
    plain = _plain_members(table)
    members = plain if plain is not None else _members_one_by_one(table, where)
    members.sort()  # by slug: the first field, and no two members share one
    return tuple(members)


def _plain_members(table: dict[object, object]) -> list[Member] | None:
    """The members when every one of them passes each check of `_members_one_by_one` the plain way (a short slug
    key, plain emails, a zone that is one); else None, and the checks are made one by one. Each test is a whole
    column at once: a join, a set, a map — no Python code runs per member."""
    if not table:
        return []
    if not {str}.issuperset(map(type, table)) or not {dict}.issuperset(map(type, table.values())):
        return None
    plain = cast("dict[str, dict[object, object]]", table)
    keys, values = list(plain), list(plain.values())
    if max(map(len, keys)) > 40 or not _each_matches(_PLAIN_KEYS, keys):
        return None
    if not _KNOWN.issuperset(chain.from_iterable(values)):
        return None
    if not {str}.issuperset(map(type, chain.from_iterable(map(dict.values, values)))):
        return None
    fields = cast("list[dict[str, str]]", values)
    columns = [list(map(dict.get, fields, repeat(field), repeat(""))) for field in MEMBER_KEYS]
    zones, emails = columns[2], [email for email in columns[3] if email]
    for zone in set(zones) - {""}:
        try:
            check_zone(zone, "")
        except WorkspaceError:
            return None
    if emails and (not _each_matches(_EMAILS, emails) or len(set(map(str.lower, emails))) != len(emails)):
        return None  # an email to check the long way, or two members with one: said one by one
    return list(map(tuple.__new__, repeat(Member), zip(keys, *columns, strict=True)))


_KNOWN = frozenset(MEMBER_KEYS)


def _each_matches(joined_pattern: re.Pattern[str], texts: list[str]) -> bool:
    """Whether every text matches, in one match of their join: none may hold the newline that joins them."""
    joined = "\n".join(texts)
    return joined.count("\n") == len(texts) - 1 and joined_pattern.fullmatch(joined) is not None


def _members_one_by_one(table: dict[object, object], where: str) -> list[Member]:
    """Each member checked in turn: the first one wrong is named, with what is wrong with it."""
    members: list[Member] = []
    emails: dict[str, str] = {}  # email -> the first member with it
    zones: set[str] = set()  # the zones already checked
    for key, value in table.items():
        slug = key if isinstance(key, str) and len(key) <= 40 and _PLAIN_KEY.fullmatch(key) \
            else author_slug(str(key))
        if slug != key:
            raise WorkspaceError(f"{where}: team member {key!r} must be written as its slug {slug!r}")
        if not isinstance(value, dict):
            raise WorkspaceError(f"{where}: team member {key!r} must be a table such as "
                                 '{ name = "Ada L.", tz = "Europe/Berlin" }')
        if not _KNOWN.issuperset(value):
            unknown = sorted(set(value) - _KNOWN)
            raise WorkspaceError(f"{where}: team member {key!r} has unknown field {unknown[0]!r}",
                                 hint="known fields: " + ", ".join(MEMBER_KEYS))
        field = next((f for f in MEMBER_KEYS if f in value and not isinstance(value[f], str)), None)
        if field is not None:
            raise WorkspaceError(f"{where}: team member {key!r}: {field} must be a string")
        zone = value.get("tz", "")
        if zone and zone not in zones:
            check_zone(zone, f"{where}: team member {key!r}")
            zones.add(zone)
        email = value.get("email", "")
        if email:
            try:
                check_email(email, f"{where}: team member {key!r}")
            except InputError as exc:
                raise WorkspaceError(exc.message, hint=exc.hint) from None
            twin = emails.setdefault(email.strip().lower(), key)
            if twin != key:
                raise WorkspaceError(f"{where}: team members {twin!r} and {key!r} have the same email "
                                     f"{email!r}", hint="an email names one person; remove one of them")
        members.append(Member(slug, value.get("name", ""), value.get("chat", ""), zone, email.strip(),
                              value.get("team", "")))
    return members
