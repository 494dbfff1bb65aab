import json

import jsonschema
import pytest

from ldkit.core.errors import RecordError
from ldkit.core.workspace import DEFAULT_CATEGORIES
from ldkit.records.schema import (
    SCHEMA_FILE,
    UpgradeError,
    make_record,
    outcome_data,
    parse_expense,
    parse_hours,
    plan_data,
    upgrade,
)

VALIDATOR = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))
WB = "0b6d8d2e-8a5c-4d33-9a0e-3f1c3c1d2e4f"


def test_plan_and_outcome_records_match_the_json_schema():
    plan = plan_data("Learn JAX", "tutorial", "https://jax.dev\n\n book ", "2.5", False, DEFAULT_CATEGORIES)
    outcome = outcome_data("Did it", "partial", 3, ["https://x"], "more", ["book = 12.50 usd", "course=3"], True)
    result = {"name": "acc", "paper": 76.1, "mine": 75.0, "tolerance": "1%", "higher_is_better": True,
              "unit": "%", "note": ""}
    for kind, data in (("plan", plan), ("outcome", outcome), ("result", result)):
        VALIDATOR.validate(make_record(kind, WB, "alice", data))
    assert plan["resources"] == ["https://jax.dev", "book"] and plan["planned_hours"] == 2.5
    assert outcome["expenses"] == [{"item": "book", "amount": 12.5, "currency": "USD"},
                                   {"item": "course", "amount": 3, "currency": "EUR"}]
    assert outcome["visibility"] == "private"


def test_schema_rejects_what_the_validator_rejects():
    bad = make_record("plan", WB, "alice", {"goal": "", "category": "x", "resources": [], "planned_hours": 30,
                                            "visibility": "team"})
    assert not VALIDATOR.is_valid(bad)


@pytest.mark.parametrize("call, message", [
    (lambda: plan_data("", categories=DEFAULT_CATEGORIES), "Goal is required"),
    (lambda: plan_data("  \n ", categories=DEFAULT_CATEGORIES), "Goal is required"),
    (lambda: plan_data("x", "cooking", categories=DEFAULT_CATEGORIES), "Category: unknown category 'cooking'"),
    (lambda: outcome_data(""), "Summary is required"),
    (lambda: outcome_data("x" * 100_000), "Summary is 100,000 characters long"),
    (lambda: outcome_data("ok", status="finished"), "Status: 'finished' is not a status"),
    (lambda: parse_hours("-1"), "outside 0 to 24"),
    (lambda: parse_hours("30"), "outside 0 to 24"),
    (lambda: parse_hours("abc"), "'abc' is not a number"),
    (lambda: parse_hours("nan"), "outside 0 to 24"),
    (lambda: parse_expense("book=abc"), "Expenses: cannot read 'book=abc'"),
    (lambda: parse_expense("=12"), "Expenses: cannot read"),
    (lambda: parse_expense("just words"), "item = amount currency"),
])
def test_bad_fields_name_the_field(call, message):
    with pytest.raises(RecordError) as info:
        call()
    assert message in str(info.value)


def test_unknown_category_lists_the_choices():
    with pytest.raises(RecordError) as info:
        plan_data("x", "cooking", categories=DEFAULT_CATEGORIES)
    assert "paper-reimplementation" in str(info.value) and info.value.field == "Category"


def test_hours_accept_commas_and_blanks():
    assert parse_hours("2,5") == 2.5 and parse_hours("") is None and parse_hours(0) == 0


def test_old_records_are_upgraded_on_read():
    old = {"kind": "outcome", "workbook": WB, "timestamp": "2026-01-08T11:00:00+01:00", "author": "bob",
           "summary": "Read the paper", "status": "done"}
    new, newer = upgrade(old)
    VALIDATOR.validate(new)
    assert not newer
    assert new["data"]["summary"] == "Read the paper" and new["saved_at"] == "2026-01-08T10:00:00.000000Z"


def test_a_newer_record_is_returned_untouched():
    record = {"schema": 99, "kind": "plan", "whatever": [1]}
    assert upgrade(record) == (record, True)


@pytest.mark.parametrize("version", ["1", -1, 1.5, True])
def test_a_version_that_is_not_a_whole_number_is_an_upgrade_error(version):
    with pytest.raises(UpgradeError, match="schema must be a whole number"):
        upgrade({"schema": version, "kind": "plan"})


def test_statuses_and_visibilities_are_the_schema_files():
    import json

    from ldkit.records import schema

    doc = json.loads(schema.SCHEMA_FILE.read_text())
    assert schema.STATUSES == ("done", "partial", "stuck", "dropped")
    assert list(schema.STATUSES) == doc["$defs"]["outcome"]["properties"]["status"]["enum"]
    assert schema.VISIBILITIES == ("team", "private")


def test_the_privacy_rule(run):
    from ldkit.records.privacy import is_private
    from ldkit.records.schema import is_private_data

    assert is_private({"data": {"visibility": "private"}}) and not is_private({"data": {"visibility": "team"}})
    assert not is_private(None) and not is_private_data("private")
    assert "[done|partial|stuck|dropped]" in run("log", "outcome", "--help").stdout
