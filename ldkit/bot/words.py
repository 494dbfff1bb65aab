"""The words of `/learningday`: `plan GOAL`, `done|partial|stuck|dropped SUMMARY`, `skip [REASON]`, `status`, `help`.

Parsing is the same on every service; on Teams the text after the @mention is parsed. `--private` before the
text keeps the record private; `#N` before a plan or an outcome picks the member's N-th workbook of the week.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ldkit.records.schema import STATUSES

COMMAND = "/learningday"
VERBS = ("plan", *STATUSES, "skip", "status", "help")
_PICK = re.compile(r"^#(\d{1,3})\s+")


@dataclass(frozen=True)
class Words:
    verb: str  # one of VERBS, "form" (nothing typed: open the form) or "unknown"
    text: str = ""
    private: bool = False
    pick: int | None = None  # `#N`: which of several workbooks (1-based)


def parse_words(text: str) -> Words:
    raw = (text or "").strip()
    if not raw:
        return Words("form")
    head, _, rest = raw.partition(" ")
    if not _:
        head, _, rest = raw.partition("\n")
    verb = head.lower()
    if verb not in VERBS:
        return Words("unknown", raw)
    rest = rest.strip()
    private = False
    if rest.startswith("--private"):
        private, rest = True, rest[len("--private"):].strip()
    pick = None
    match = _PICK.match(rest)
    if match and verb in ("plan", *STATUSES):
        pick, rest = int(match.group(1)), rest[match.end():].strip()
    return Words(verb, rest, private, pick)


def help_text() -> str:
    return (f"*{COMMAND}* — your Learning Day, from chat (only you see these replies):\n"
            f"• `{COMMAND} plan GOAL` — what you will learn today (starts your workbook if you have none)\n"
            f"• `{COMMAND} done SUMMARY` — what you learned (also `partial`, `stuck`, `dropped`)\n"
            f"• `{COMMAND} skip [REASON]` — take this week off (it does not break a streak)\n"
            f"• `{COMMAND} status` — your week and the team's\n"
            f"• `{COMMAND}` alone — the plan or outcome form\n"
            f"Add `--private` before the text to keep it out of the shared digest; saying it again replaces it.")
