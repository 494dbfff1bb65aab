"""core.tomlread: a roster read by the shortcut is exactly what tomllib reads, and anything outside its subset is
tomllib's, errors and all."""
from __future__ import annotations

import random

import pytest
import tomllib

from ldkit.core import tomlread

HEAD = 'learning_day = "thursday"\ncategories = ["a", "b"]\n\n[teams]\nt00 = { name = "T" }\n'


def _roster(lines: list[str]) -> str:
    return HEAD + "\n[team]\n" + "".join(line + "\n" for line in lines)


@pytest.mark.parametrize("literal", [True, False], ids=["with literal strings", "basic strings only"])
def test_a_generated_roster_reads_the_same_both_ways(literal):
    """With a ' anywhere, members are read one by one; without, every line and its pairs are found in one pass,
    each pair in groups of its own."""
    rng = random.Random(7)
    email, name = ("'m{}@example.org'", '"Ada\tL. \'x\' #1"') if literal else ('"m{}@example.org"', '"Ada\tL. = {{x}}"')
    notes = ["", "   ", "# a comment = { x = 'y' }", "\t# ünïcödé"] if literal else ["", "  ", '# x = { y = "z" }']
    lines = []
    for i in range(2000):
        fields = ['tz = "UTC"', f"email = {email.format(i)}", 'team = "t00"', f"name = {name.format()}", 'chat = ""']
        rng.shuffle(fields)
        spaces = rng.choice(["", " ", "  ", "\t"])
        comment = rng.choice(["", " # a comment", "\t#"])
        end = rng.choice(["", "\r"])
        lines.append(f"{spaces}m{i:05d}{spaces}={spaces}{{{spaces}{', '.join(fields[:rng.randint(0, 5)])}"
                     f"{spaces}}}{comment}{end}")
        if i % 97 == 0:
            lines.append(rng.choice(notes))
    text = _roster(lines)
    assert ("'" in text) == literal and tomlread._plain_roster(text) is not None  # the shortcut was taken
    assert tomlread.loads(text) == tomllib.loads(text)
    assert list(tomlread.loads(text)) == list(tomllib.loads(text))


@pytest.mark.parametrize("line", [
    'ada = { tz = "UTC", }',  # a trailing comma: not TOML 1.0
    'ada = { tz = "UTC", tz = "UTC" }',  # a repeated field
    "ada = { tz = 'UTC', tz = 'UTC' }",  # a repeated field, literal strings
    'ada = { tz = "UTC" }\nbob = { chat = "x", chat = "y" }',  # a repeated field, after a member without
    'ada = { name = "A\\u00e9" }',  # an escape: tomllib decodes it
    'ada = { name = "x" } trailing',
    'ada = { "name" = "x" }',  # a quoted key
    'ada = { name = """x""" }',
    'ada = { name.first = "x" }',
    '"ada" = { name = "x" }',
    'ada.name = "x"',
    '[team.bob]',
    '[other]\nx = 1',
    'ada = { name = "x\x01" }',  # a control character
    'ada = { name = "x" }\rbob = { name = "y" }',  # a lone carriage return
    'ada = { name = "x" }\nada = { name = "y" }',  # a repeated member
    'ada = { "name":"x" }',
    'ada = {\n name = "x" }',
    'ada = { name = "x" } bob = { name = "y" }',  # two members on a line: each line is counted once
    '   # a comment\n  junk',
    'ada = { a = "1", b = "2", c = "3", d = "4", e = "5", f = "6" }',  # more pairs than a member has fields
])
def test_anything_outside_the_subset_is_read_by_tomllib_errors_and_all(line):
    text = _roster(["zed = { tz = \"UTC\" }", line])
    assert tomlread._plain_roster(text) is None
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        with pytest.raises(tomllib.TOMLDecodeError) as raised:
            tomlread.loads(text)
        assert str(raised.value) == str(exc)
    else:
        assert tomlread.loads(text) == expected


@pytest.mark.parametrize("head", ['team = { ada = { tz = "UTC" } }\n', '[team.x]\n', 'x = """\n', 'x = [\n'])
def test_a_head_that_already_holds_team_or_is_cut_is_read_by_tomllib(head):
    text = head + "[team]\nada = { tz = \"UTC\" }\n"
    assert tomlread._plain_roster(text) is None
    try:
        expected = tomllib.loads(text)  # [team.x] before [team] is TOML; the others are not
    except tomllib.TOMLDecodeError as exc:
        with pytest.raises(tomllib.TOMLDecodeError, match=str(exc).replace("(", r"\(").replace(")", r"\)")):
            tomlread.loads(text)
    else:
        assert tomlread.loads(text) == expected


def test_a_file_without_a_roster_is_tomllibs():
    assert tomlread.loads(HEAD) == tomllib.loads(HEAD)
    assert tomlread.loads(_roster([])) == tomllib.loads(_roster([])) == {**tomllib.loads(HEAD), "team": {}}
