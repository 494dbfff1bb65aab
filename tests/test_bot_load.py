"""The load run: 200 signed commands from 20 concurrent clients, each resent once → 200 records, none doubled."""
from __future__ import annotations

from ldkit.records.workbook import load_workbook
from ldkit.team.roster import add_member
from tests.botkit import journal_lines, load_members, load_run


def test_200_commands_from_20_clients_make_200_records_none_doubled(make_bot, roster):
    for slug, (name, chat, tz) in load_members(20).items():
        add_member(roster.config_file, slug, name, chat, tz)
    server = make_bot()
    times = load_run(server.url, clients=20, per_client=10, retries=1)
    assert len(times) == 200
    records = journal_lines(roster.root)
    assert len(records) == 200
    assert len({(r["author"], r["kind"], str(r["data"])) for r in records}) == 200  # none doubled
    for n in range(20):
        workbooks = list((roster.root / "workbooks" / "2026-W49" / f"m{n:02d}").glob("*.ipynb"))
        assert len(workbooks) == 1  # one plan made one workbook; every outcome went to it
        merged = load_workbook(workbooks[0])
        assert merged.records.outcome["data"]["summary"] == f"Load summary {n}.9"
        assert len(merged.records.history) == 8
