"""Reading ldkit.toml: tomllib's result, always; a company roster's 100,000 `[team]` lines of the one plain shape that
`ldkit team add` writes are read by one regular expression instead of tomllib's Python parser (seconds).

The shortcut reads only a strict subset of TOML it cannot get wrong: the `[team]` header is the file's last table,
and every line after it is blank, a comment, or `bare-key = { bare-key = "string", ... }` with basic strings that
hold no escape or control character (literal strings likewise; of basic strings only, at most SLOTS pairs a line,
each caught by a group of its own). Anything else anywhere, and any error, is the
whole file read by tomllib — so the values, and every error message, are tomllib's own.
"""
from __future__ import annotations

import re
import sys
from operator import itemgetter
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

_WS = r"[ \t]*"
_KEY = r"[A-Za-z0-9_-]+"
_TEXT = r"[^\x00-\x08\x0a-\x1f\x7f"  # what a TOML string or comment may hold: no control character but tab
_STRING = rf"\"({_TEXT}\"\\]*)\"|'({_TEXT}']*)'"
_PAIR = re.compile(rf"({_KEY}){_WS}={_WS}(?:{_STRING})")
_PAIR_TEXT = rf"{_KEY}{_WS}={_WS}(?:\"{_TEXT}\"\\]*\"|'{_TEXT}']*')"
_COMMENT = rf"(?:#{_TEXT}]*)?"
# every line is a member's or blank (or a comment), never both: one pass finds them all, a blank line with an empty
# key, and every line is of one kind exactly when the matches number the lines
_LINE = re.compile(rf"^{_WS}(?:({_KEY}){_WS}={_WS}\{{{_WS}((?:{_PAIR_TEXT}{_WS},{_WS})*{_PAIR_TEXT})?{_WS}\}}{_WS})?"
                   rf"{_COMMENT}\r?$", re.MULTILINE)
# as _LINE, for basic strings only, each of up to SLOTS pairs caught in its own groups: (key, name1, text1, …)
SLOTS = 5  # the fields a member may have (ldkit.core.roster.MEMBER_KEYS): a line with more is tomllib's


def _pairs(count: int) -> str:
    pair = rf"({_KEY}){_WS}={_WS}\"({_TEXT}\"\\]*)\""
    return pair if count == 1 else rf"{pair}(?:{_WS},{_WS}{_pairs(count - 1)})?"


_BASIC_LINE = re.compile(rf"^{_WS}(?:({_KEY}){_WS}={_WS}\{{{_WS}(?:{_pairs(SLOTS)})?{_WS}\}}{_WS})?{_COMMENT}\r?$",
                         re.MULTILINE)
_HEADER = re.compile(rf"^{_WS}\[{_WS}team{_WS}\]{_WS}{_COMMENT}\r?$", re.MULTILINE)


def loads(text: str) -> dict[str, Any]:
    """`tomllib.loads(text)`, the same values and the same errors, in a fraction of the time for a large roster."""
    fast = _plain_roster(text)
    return fast if fast is not None else tomllib.loads(text)


def _members(body: str) -> tuple[list[str], list[dict[str, str]]] | None:
    """The members' keys and tables of a roster of basic strings, or None when a line is outside the subset or a
    member repeats a field."""
    rows = _BASIC_LINE.findall(body)  # (key, name1, text1, … nameN, textN) of every line; all "" for a blank one
    if len(rows) != body.count("\n") + 1:
        return None  # a line neither a member nor blank, or with more than SLOTS pairs
    blank = ("",) * (1 + 2 * SLOTS)
    if blank in rows:
        rows = [row for row in rows if row[0]]
    count = len(rows)
    # how many members fill each slot: the groups nest, so a member's pairs are the first slots
    filled = [count - list(map(itemgetter(1 + 2 * slot), rows)).count("") for slot in range(SLOTS)]
    used = sum(1 for n in filled if n)
    values = list(map(dict, map(zip, map(itemgetter(slice(1, 1 + 2 * used, 2)), rows),
                                map(itemgetter(slice(2, 2 + 2 * used, 2)), rows))))
    if any(n != count for n in filled[:used]):  # members of fewer pairs than others: their empty slots go
        for table in values:
            table.pop("", None)
    if sum(map(len, values)) != sum(filled):
        return None  # a repeated field: tomllib says where
    return list(map(itemgetter(0), rows)), values


def _plain_roster(text: str) -> dict[str, Any] | None:
    """The file read by the shortcut, or None when any part of it is outside the subset it reads."""
    header = _HEADER.search(text)
    if header is None:
        return None
    tail = text[header.end():]
    if tail.endswith("\r"):
        return None  # a carriage return that ends no line
    body = tail[1:]
    if "'" in body:  # a literal string somewhere: (name, basic, literal) triples, read member by member
        lines = _LINE.findall(body)  # (key, inner) of every line, found in C; ("", "") for a blank one
        if len(lines) != body.count("\n") + 1:
            return None  # a line neither a member nor blank: another table, a multi-line value, an escape
        if ("", "") in lines:
            lines = [line for line in lines if line[0]]
        keys = [key for key, _ in lines]
        pairs = [_PAIR.findall(inner) for _, inner in lines]
        values = [{name: text or literal for name, text, literal in found} for found in pairs]
        if sum(map(len, values)) != sum(map(len, pairs)):
            return None  # a repeated field: tomllib says where
    else:  # basic strings only, as `ldkit team add` writes: every line and its pairs found in one pass, in C
        found = _members(body)
        if found is None:
            return None
        keys, values = found
    team = dict(zip(keys, values, strict=True))
    if len(team) != len(keys):
        return None  # a repeated member: tomllib says where
    try:
        head = tomllib.loads(text[:header.start()])
    except tomllib.TOMLDecodeError:
        return None
    if "team" in head:
        return None  # `team` defined before its header: an error tomllib words
    head["team"] = team
    return head
