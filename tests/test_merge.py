from ldkit.records.merge import merge
from ldkit.records.schema import make_record

WB = "0b6d8d2e-8a5c-4d33-9a0e-3f1c3c1d2e4f"


def plan(goal, at):
    return make_record("plan", WB, "a", {"goal": goal, "category": "other", "resources": [],
                                         "planned_hours": None, "visibility": "team"}, saved_at=at)


def result(name, mine, at):
    return make_record("result", WB, "a", {"name": name, "paper": 1.0, "mine": mine}, saved_at=at)


def test_newest_wins_and_the_rest_is_history():
    old, new = plan("old", "2026-11-26T09:00:00.000000Z"), plan("new", "2026-11-26T10:00:00.000000Z")
    merged = merge([new, old])
    assert merged.plan == new and merged.history == [old]


def test_one_save_seen_in_three_places_counts_once():
    one = plan("goal", "2026-11-26T09:00:00.000000Z")
    merged = merge([one, dict(one), dict(one)])
    assert merged.plan == one and merged.history == []


def test_results_are_per_name():
    a1 = result("acc", 0.5, "2026-11-26T09:00:00.000000Z")
    a2 = result("acc", 0.9, "2026-11-26T10:00:00.000000Z")
    b = result("loss", 0.1, "2026-11-26T09:30:00.000000Z")
    merged = merge([a2, b, a1])
    assert merged.results == {"acc": a2, "loss": b} and merged.history == [a1]


def test_other_workbooks_are_left_out():
    mine = plan("mine", "2026-11-26T09:00:00.000000Z")
    other = {**plan("theirs", "2026-11-26T11:00:00.000000Z"), "workbook": "another"}
    merged = merge([mine, other], workbook_id=WB)
    assert merged.plan == mine


def test_instants_are_compared_as_times_not_text():
    whole = plan("whole second", "2026-11-26T10:00:00Z")
    later = plan("half a second later", "2026-11-26T10:00:00.5Z")
    assert merge([later, whole]).plan == later and merge([whole, later]).plan == later


def test_equal_instants_pick_the_same_record_whatever_the_order():
    a, b = plan("a", "2026-11-26T10:00:00.000000Z"), plan("b", "2026-11-26T10:00:00Z")
    assert merge([a, b]).plan == merge([b, a]).plan
