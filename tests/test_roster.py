"""core.roster: a roster checked as a whole gives exactly the members, and a wrong one exactly the error, of the
member-by-member check."""
from __future__ import annotations

import random

import pytest

from ldkit.core import roster
from ldkit.core.errors import WorkspaceError


def _both(table: dict) -> tuple[object, object]:
    """(what parse_team gives or raises, what the member-by-member check gives or raises), each as comparable text."""
    def outcome(read) -> object:
        try:
            return sorted(read())
        except WorkspaceError as exc:
            return ("error", exc.message, exc.hint)
    return outcome(lambda: roster.parse_team(table, "ldkit.toml")), \
        outcome(lambda: roster._members_one_by_one(dict(table), "ldkit.toml"))


def _generated(n: int, seed: int) -> dict:
    rng = random.Random(seed)
    table = {}
    for i in range(n):
        fields = {"name": f"Member {i}", "chat": f"U{i:06d}", "tz": rng.choice(["UTC", "Europe/Berlin", ""]),
                  "email": f"m{i}@example.org", "team": rng.choice(["t00", "t01", ""])}
        table[f"m-{i:05d}"] = {k: v for k, v in fields.items() if rng.random() < 0.7}
    return table


def test_a_plain_roster_is_checked_as_a_whole_and_reads_as_one_by_one():
    table = _generated(3000, 1)
    assert roster._plain_members(table) is not None  # the whole-roster check took it
    fast, slow = _both(table)
    assert fast == slow and len(fast) == 3000
    assert roster.parse_team(table, "x") == tuple(sorted(roster._members_one_by_one(table, "x")))
    assert roster.parse_team({}, "x") == ()


@pytest.mark.parametrize("member, message", [
    ({"tz": "Nowhere/Land"}, "is not an IANA zone"),
    ({"colour": "red"}, "unknown field 'colour'"),
    ({"tz": 3}, "tz must be a string"),
    ({"name": ["x"]}, "name must be a string"),
    ({"email": "not-an-address"}, "is not an email address"),
    ({"email": "@example.org"}, "is not an email address"),
    ({"email": "M17@Example.org"}, "have the same email"),  # m17's, in other letters
    ("Ada", "must be a table"),
])
def test_one_wrong_member_among_many_is_named_with_what_is_wrong(member, message):
    table = _generated(400, 2)
    table["m-00017"]["email"] = "m17@example.org"
    table["zz-wrong"] = member
    assert roster._plain_members(table) is None
    fast, slow = _both(table)
    assert fast == slow and fast[0] == "error"
    assert message in fast[1] and "'zz-wrong'" in fast[1]


@pytest.mark.parametrize("key, message", [
    ("Ada L", "must be written as its slug 'ada-l'"),
    ("ada--l", "must be written as its slug 'ada-l'"),
    ("-ada", "must be written as its slug 'ada'"),
    ("a" * 41, "must be written as its slug"),
    ("ada\nbob", "must be written as its slug 'ada-bob'"),  # a newline cannot pass the joined check either
])
def test_a_key_that_is_not_its_slug_is_refused_the_same_way(key, message):
    table = _generated(50, 3)
    table[key] = {"tz": "UTC"}
    assert roster._plain_members(table) is None
    fast, slow = _both(table)
    assert fast == slow and fast[0] == "error" and message in fast[1]


def test_emails_in_the_long_form_are_kept_stripped_and_their_twins_found():
    table = {"ada": {"email": " ada@example.org "}, "bob": {"email": "bob@example.org"}}
    assert roster._plain_members(table) is None  # spaces: checked one by one, and kept without them
    assert [m.email for m in roster.parse_team(table, "x")] == ["ada@example.org", "bob@example.org"]
    table["cy"] = {"email": "ADA@example.org"}
    fast, slow = _both(table)
    assert fast == slow and "'ada' and 'cy' have the same email" in fast[1]


def test_an_email_with_a_newline_is_not_two_plain_ones():
    table = {"ada": {"email": "ada@example.org\nbob@example.org"}}
    assert roster._plain_members(table) is None
    fast, slow = _both(table)
    assert fast == slow and "is not an email address" in fast[1]
