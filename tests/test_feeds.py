"""The Atom feeds are valid XML 1.0 whatever people typed: U+FFFE/U+FFFF, lone surrogates, C0 controls."""
import json

import pytest
from defusedxml.ElementTree import fromstring

from ldkit.writers.atom import xml_text

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "A\ufffeB\uffffC\x01D\x0bE\x1fF\ud800G\udfffH\x00I"


def test_xml_text_keeps_what_xml_can_hold():
    assert xml_text(HOSTILE) == "ABCDEFGHI"
    assert xml_text("tab\tnew\nline\r é 注意 \U0001f600 \ufffd") == "tab\tnew\nline\r é 注意 \U0001f600 \ufffd"


@pytest.mark.parametrize("where", ["summary", "title"])
def test_hostile_characters_leave_every_feed_valid(ws, run, new_workbook, where):
    path = new_workbook("blank", "Feeds", "--week", "2026-W40", "--author", "alice")
    run("log", "plan", path, "--goal", "g", "--category", "tutorial")
    run("log", "outcome", path, "--summary", "Plain summary.", "--hours", "1")
    # what a hand edit or another tool can leave: JSON escapes that decode to characters XML 1.0 forbids
    journal = path.with_name(path.stem + ".ldkit.jsonl")
    nb = json.loads(path.read_text())
    if where == "title":
        nb["metadata"]["ldkit"]["title"] = "Title " + HOSTILE
        path.write_text(json.dumps(nb))  # ensure_ascii: a lone surrogate is stored as \ud800
    else:
        record = json.loads(journal.read_text().splitlines()[-1])
        record["data"]["summary"] = "Summary " + HOSTILE
        record["saved_at"] = "2030-01-01T00:00:00Z"
        with journal.open("a") as handle:
            handle.write(json.dumps(record) + "\n")
    before = {p: p.read_bytes() for p in path.parent.iterdir()}
    run("site", "--quiet")
    for feed in (ws.root / "site" / "feed.xml", ws.root / "site" / "people" / "alice" / "feed.xml"):
        root = fromstring(feed.read_bytes())  # raises on invalid XML
        entry = root.find(f"{ATOM}entry")
        text = entry.find(f"{ATOM}title").text + entry.find(f"{ATOM}content").text
        assert "ABCDEFGHI" in text or "Title ABC" in text
    assert {p: p.read_bytes() for p in path.parent.iterdir()} == before  # the workbook is untouched
