"""Record fields: build, validate and upgrade plan / outcome / result records (schema in record.schema.json).

Validation is written out here rather than run through jsonschema: importing jsonschema costs ~1 s, which a
form's save cannot afford. The tests check every record built here against the JSON Schema file.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ldkit.core.errors import RecordError, SchemaProblem, UpgradeError  # noqa: F401 - re-exported

SCHEMA_VERSION = 2  # 2: an outcome may say whether the day was pulled into work
SCHEMA_FILE = Path(__file__).with_name("record.schema.json")
KINDS = ("plan", "outcome", "result")
_SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))  # the one source of the lists below
STATUSES: tuple[str, ...] = tuple(_SCHEMA["$defs"]["outcome"]["properties"]["status"]["enum"])
VISIBILITIES: tuple[str, ...] = tuple(_SCHEMA["$defs"]["visibility"]["enum"])  # ("team", "private")
PULLED_INTO_WORK: tuple[str, ...] = tuple(_SCHEMA["$defs"]["outcome"]["properties"]["pulled_into_work"]["enum"])
PRIVATE = "private"
MAX_HOURS = 24
MAX_GOAL = 5000
MAX_SUMMARY = 50000
MAX_NEXT = 5000

_EXPENSE_RE = re.compile(
    r"^\s*(?P<item>[^=]*?)\s*=\s*(?P<amount>[0-9]+(?:[.,][0-9]+)?)\s*(?P<currency>[A-Za-z]{3})?\s*$")
EXPENSE_FORM = "item = amount currency, e.g. 'Deep Learning book = 45.90 EUR'"


def now_rfc3339() -> str:
    """UTC with microseconds, so two saves in one second still order."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_private_data(data: object) -> bool:
    """The privacy rule: a plan or outcome marked private. Its workbook's title, notebook, records and notes then
    stay out of every shared output; it is only counted."""
    return isinstance(data, dict) and data.get("visibility") == PRIVATE


def make_record(kind: str, workbook: str, author: str, data: dict[str, Any],
                saved_at: str | None = None) -> dict[str, Any]:
    if kind not in KINDS:
        raise RecordError(f"unknown record kind {kind!r}; expected one of {', '.join(KINDS)}")
    return {"schema": SCHEMA_VERSION, "kind": kind, "workbook": workbook,
            "saved_at": saved_at or now_rfc3339(), "author": author, "data": data}


# ---------------------------------------------------------------- fields a person types

def parse_hours(value: object, label: str = "Hours") -> float | None:
    """'' or None -> None; '2.5' -> 2.5; anything outside 0..24 is an error naming the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise RecordError(f"{label}: {value!r} is not a number of hours", field=label)
    try:
        hours = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise RecordError(f"{label}: {value!r} is not a number of hours",
                          hint=f"give a number from 0 to {MAX_HOURS}, such as 3.5", field=label) from None
    if math.isnan(hours) or not 0 <= hours <= MAX_HOURS:
        raise RecordError(f"{label}: {value!r} is outside 0 to {MAX_HOURS} hours",
                          hint="a learning day has at most 24 hours; give the hours you spent or plan", field=label)
    return int(hours) if hours.is_integer() else round(hours, 2)


def split_lines(value: object) -> list[str]:
    """A text area (one entry per line) or a list -> the non-empty entries, stripped."""
    if value is None:
        return []
    items: Iterable[object] = value.splitlines() if isinstance(value, str) else value  # type: ignore[assignment]
    return [str(item).strip() for item in items if str(item).strip()]


def check_currency(code: str, where: str = "") -> str:
    """An ISO 4217 code finance can pay in (EUR, USD, JPY, ...); babel, a JupyterLab dependency, knows the list."""
    from babel.numbers import list_currencies

    if code not in list_currencies():
        raise RecordError(f"Expenses: {where or code!r}: {code!r} is not an ISO 4217 currency code",
                          hint="use a code such as EUR, USD, GBP or JPY", field="Expenses")
    return code


def parse_expense(line: str, default_currency: str = "EUR") -> dict[str, Any]:
    """'book=25', 'book = 25.50 EUR', 'book=12usd' -> {item, amount, currency}."""
    match = _EXPENSE_RE.match(str(line))
    if not match or not match.group("item"):
        raise RecordError(f"Expenses: cannot read {str(line).strip()!r}", hint=f"write {EXPENSE_FORM}",
                          field="Expenses")
    amount = float(match.group("amount").replace(",", "."))
    if not amount > 0:
        raise RecordError(f"Expenses: {str(line).strip()!r} has no amount to reimburse",
                          hint="give what it cost, more than 0, e.g. 'course = 12.50 EUR'", field="Expenses")
    currency = check_currency((match.group("currency") or default_currency).upper(), str(line).strip())
    return {"item": match.group("item"), "amount": int(amount) if amount.is_integer() else round(amount, 2),
            "currency": currency}


def _text(value: object, label: str, limit: int, required: bool, hint: str) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise RecordError(f"{label} is required", hint=hint, field=label)
    if len(text) > limit:
        raise RecordError(f"{label} is {len(text):,} characters long; the limit is {limit:,}",
                          hint="shorten it, or link to a longer write-up", field=label)
    return text


def plan_data(goal: object, category: object = None, resources: object = None, planned_hours: object = None,
              private: bool = False, categories: Iterable[str] = (), default_category: str | None = None
              ) -> dict[str, Any]:
    """Validate what a learner typed into the plan form or `ldkit log plan`."""
    cats = list(categories)
    goal_text = _text(goal, "Goal", MAX_GOAL, True, "say in a sentence or two what you plan to learn today")
    fallback = "other" if not cats or "other" in cats else cats[0]
    chosen = (str(category).strip() if category else "") or default_category or fallback
    if cats and chosen not in cats:
        raise RecordError(f"Category: unknown category {chosen!r}", hint="choose one of: " + ", ".join(cats),
                          field="Category")
    return {"goal": goal_text, "category": chosen, "resources": split_lines(resources),
            "planned_hours": parse_hours(planned_hours, "Planned hours"),
            "visibility": PRIVATE if private else "team"}


def outcome_data(summary: object, status: object = "done", hours: object = None, links: object = None,
                 next_steps: object = None, expenses: object = None, private: bool = False,
                 default_currency: str = "EUR", pulled_into_work: object = None) -> dict[str, Any]:
    """Validate what a learner typed into the outcome form or `ldkit log outcome`; `pulled_into_work` (no, some,
    most; optional) is how much of the day daily work took, the seed's first failure mode."""
    summary_text = _text(summary, "Summary", MAX_SUMMARY, True, "write a few lines on what you learned (Markdown)")
    state = str(status or "done").strip().lower()
    if state not in STATUSES:
        raise RecordError(f"Status: {status!r} is not a status", hint="use one of: " + ", ".join(STATUSES),
                          field="Status")
    lines = split_lines(expenses)
    data = {"summary": summary_text, "status": state, "hours": parse_hours(hours, "Hours"),
            "links": split_lines(links),
            "next_steps": _text(next_steps, "Next steps", MAX_NEXT, False, ""),
            "expenses": [parse_expense(line, default_currency) for line in lines],
            "visibility": PRIVATE if private else "team"}
    work = str(pulled_into_work or "").strip().lower()
    if work:
        if work not in PULLED_INTO_WORK:
            raise RecordError(f"Pulled into work: {pulled_into_work!r} is not an answer",
                              hint="use one of: " + ", ".join(PULLED_INTO_WORK), field="Pulled into work")
        data["pulled_into_work"] = work
    return data


# ---------------------------------------------------------------- reading stored records
#
# A stored record is upgraded step by step (one small function per version, nbgrader-style), then checked
# against record.schema.json: the same file the tests hold every written record to. A record newer than this
# ldkit is kept as it is and never rewritten.



def _from_v0(old: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (before `schema` was written) kept the fields flat beside `kind` and named the time `timestamp`."""
    kind = old.get("kind")
    if kind not in KINDS:
        raise UpgradeError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    reserved = {"kind", "workbook", "timestamp", "saved_at", "author", "schema"}
    data = dict(old["data"]) if isinstance(old.get("data"), dict) else {
        k: v for k, v in old.items() if k not in reserved}
    if kind == "plan":
        data.setdefault("resources", [])
        data.setdefault("planned_hours", data.pop("hours", None))
        data.setdefault("visibility", "team")
    elif kind == "outcome":
        for key, empty in (("links", []), ("expenses", []), ("next_steps", ""), ("hours", None),
                           ("visibility", "team"), ("status", "done")):
            data.setdefault(key, empty)
    return {"schema": 1, "kind": kind, "workbook": str(old.get("workbook", "")),
            "saved_at": _utc(old.get("saved_at") or old.get("timestamp")), "author": str(old.get("author", "")),
            "data": data}


def _utc(stamp: object) -> str:
    """Version 0 wrote times with any offset; version 1 keeps UTC with a Z."""
    text = str(stamp or "")
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text  # the schema check names it
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _from_v1(old: dict[str, Any]) -> dict[str, Any]:
    """Version 2 only adds an optional field (an outcome's pulled_into_work): a version-1 record is one as it is."""
    return {**old, "schema": 2}


# version n -> the step that turns a version-n record into version n + 1
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _from_v0, 1: _from_v1}


def record_version(record: dict[str, Any]) -> int:
    version = record.get("schema", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise UpgradeError(f"schema must be a whole number, not {version!r}")
    return version


def upgrade(record: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(the record at SCHEMA_VERSION, False), or (the record untouched, True) when a newer ldkit wrote it."""
    version = record_version(record)
    if version > SCHEMA_VERSION:
        return record, True
    while version < SCHEMA_VERSION:
        step = UPGRADES.get(version)
        if step is None:  # pragma: no cover - a missing step is a bug caught by the tests
            raise UpgradeError(f"no upgrade from schema {version}")
        record = step(record)
        version += 1
    return record, False


_validator: Any = None


def validate_current(record: dict[str, Any]) -> None:
    """Raise SchemaProblem when a current-version record breaks record.schema.json."""
    global _validator
    if _validator is None:
        _validator = compile_schema(SCHEMA_FILE)
    _validator(record)


def compile_schema(path: Path) -> Callable[[Any], Any]:
    """A fast validator for one of ldkit's schema files: the one generated from it ahead of time (ldkit.records.checks)
    while the file is as it was generated from, else fastjsonschema's (~25 ms to import and compile, µs to run).

    jsonschema itself costs ~1 s to import; fastjsonschema comes with nbformat and reads the same files."""
    from ldkit.records.checks import _ValueProblem, generated

    check = generated(Path(path))
    broken: type[Exception] = _ValueProblem
    if check is None:
        import json

        import fastjsonschema

        check = fastjsonschema.compile(json.loads(Path(path).read_text(encoding="utf-8")))
        broken = fastjsonschema.JsonSchemaValueException

    def validate(value: Any) -> Any:
        try:
            return check(value)
        except broken as exc:
            raise _problem(exc) from None

    return validate


def _problem(exc: Any) -> SchemaProblem:
    # fastjsonschema names the place as "data.data.hours"; a person wants "hours"
    parts = [str(p) for p in (exc.path or [])][1:]
    if parts[:1] == ["data"] and len(parts) > 1:
        parts = parts[1:]
    field = ".".join(parts)
    if exc.rule == "required" and isinstance(exc.value, dict):
        missing = [k for k in (exc.definition or {}).get("required", []) if k not in exc.value]
        if missing:
            return SchemaProblem(".".join([*parts, missing[0]]) if parts and parts != ["data"] else missing[0],
                                 "is missing" + (f" (and {', '.join(missing[1:])})" if missing[1:] else ""))
    message = str(exc.message)
    name = str(exc.name or "")
    if message.startswith(name):
        message = message[len(name):].strip()
    if exc.rule not in ("required", "additionalProperties") and exc.value is not None or exc.rule == "type":
        shown = repr(exc.value)
        message += f" (it is {shown if len(shown) <= 60 else shown[:57] + '...'})"
    return SchemaProblem(field, message)
