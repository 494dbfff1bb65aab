import json
import signal
import subprocess
import sys
import textwrap
from html.parser import HTMLParser

import pytest

from ldkit.render.sanitize import sanitize
from ldkit.writers.environment import CSP
from tests.conftest import ldkit_process, snapshot
from tests.hostile import PAYLOADS, make_hostile

WEEK = "2026-W48"


def build(run, *args, code=0):
    return run("digest", "--week", WEEK, "--quiet", *args, code=code)


def page(ws) -> str:
    return (ws.root / "digests" / WEEK / "index.html").read_text()


class Elements(HTMLParser):
    """Every real element and attribute of a page (text that merely looks like HTML is not an element)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {k.lower(): (v or "") for k, v in attrs}))

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in {"script", "iframe", "object", "embed", "form", "base", "link", "frame", "applet"}, tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if tag == "meta":
            assert attrs.get("http-equiv", "").lower() != "refresh"
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            value = attrs.get(name, "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:text")), (tag, attrs)
        if "src" in attrs:
            assert attrs["src"].startswith("data:image/"), (tag, attrs)  # nothing loads from the network


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitizer_neutralises_each_payload(payload):
    assert_inert(sanitize(payload))


def test_sanitizer_keeps_real_rendering():
    html = ('<h1>T</h1><p>p <em>e</em></p><ul><li>x</li></ul>'
            '<table><tbody><tr><th>a</th><td colspan="2">b</td></tr></tbody></table>'
            '<div class="highlight"><pre><span class="k">def</span></pre></div><img alt="plot" src="data:image/png;'
            'base64,iVBORw0KGgo="><math><mi>x</mi></math>')
    assert sanitize(html) == html


def test_hostile_workbook_renders_inert(ws, run, new_workbook):
    path = new_workbook("blank", "Hostile", "--week", WEEK)
    make_hostile(path)
    new_workbook("blank", "Friendly", "--week", WEEK, "--author", "bob")
    result = build(run, "--format", "md", "--format", "json")
    html = page(ws)
    assert_inert(html)
    assert f'content="{CSP}"' in html and "default-src 'none'" in CSP
    assert "{{ 7*7 }}" in html and "&lt;/title&gt;&lt;script&gt;" in html  # shown as text, never evaluated
    assert "<title>Learning Day 2026-W48 — team digest</title>" in html
    assert "Learned <strong>hostile</strong> things." in html
    assert "https://ok.example" in html
    assert "a JavaScript or widget output is not shown" in html
    assert 'src="data:image/svg+xml;base64,' in html  # the SVG output became an image: its script cannot run
    assert result.stdout.strip().endswith(f"2 notebooks, 2 people → digests/{WEEK}/index.html")
    md = (ws.root / "digests" / WEEK / "digest.md").read_text()
    assert "<script" not in md and "@here" not in md
    data = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    assert data["totals"]["workbooks"] == 2 and "fragment" not in data["people"][0]["workbooks"][0]


def test_private_records_never_appear(ws, run, new_workbook):
    path = new_workbook("blank", "Secret", "--week", WEEK)
    run("log", "plan", path, "--goal", "SECRET-GOAL", "--private")
    run("log", "outcome", path, "--summary", "SECRET-SUMMARY", "--private", "--hours", "3")
    build(run, "--format", "md", "--format", "json")
    folder = ws.root / "digests" / WEEK
    for name in ("index.html", "digest.md", "digest.json"):
        text = (folder / name).read_text()
        assert "SECRET" not in text, name
    data = json.loads((folder / "digest.json").read_text())
    # a private workbook is counted, nothing more: no title, no view, one line that it exists
    assert data["totals"]["people"] == 1 and data["people"][0]["workbooks"] == []
    assert data["people"][0]["private_workbooks"] == 1 and "1 private workbook" in page(ws)
    assert "Secret" not in page(ws)


def test_form_outputs_with_private_records_are_removed_from_the_notebook(ws, run, new_workbook):
    from ldkit.records.schema import make_record, plan_data
    from tests.hostile import record_output

    path = new_workbook("blank", "Form secret", "--week", WEEK)
    nb = json.loads(path.read_text())
    rec = make_record("plan", nb["metadata"]["ldkit"]["id"], "alice",
                      plan_data("FORM-SECRET", private=True, categories=["other"]))
    nb["cells"][3]["outputs"] = [record_output(rec) | {"data": {**record_output(rec)["data"],
                                                                 "text/markdown": "FORM-SECRET card"}}]
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"x": "FORM-SECRET"}}}
    path.write_text(json.dumps(nb))
    build(run)
    assert "FORM-SECRET" not in page(ws)


BAD_FILES = {
    "notjson.ipynb": (b"{ nope", "invalid JSON"),
    "truncated.ipynb": (b'{"cells": [{"cell_type": "code", "sou', "invalid JSON"),
    "v3.ipynb": (b'{"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}', "nbformat 3"),
    "empty.ipynb": (b"", "is empty"),
    "list.ipynb": (b"[1, 2, 3]", "JSON is a list"),
    "latin1.ipynb": ("{\"cells\": [], \"x\": \"caf\xe9\"}".encode("latin-1"), "not UTF-8"),
    "plain.ipynb": (b'{"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {}}', "not an ldkit workbook"),
}


def test_unreadable_files_are_named_and_the_rest_is_built(ws, run, new_workbook):
    new_workbook("blank", "Fine", "--week", WEEK)
    folder = ws.root / "workbooks" / WEEK / "mallory"
    folder.mkdir(parents=True)
    for name, (content, _) in BAD_FILES.items():
        (folder / name).write_bytes(content)
    before = snapshot(ws.root / "workbooks")
    result = build(run)
    html = page(ws)
    for name, (_, reason) in BAD_FILES.items():
        assert name in html and name in result.stderr
        assert reason in html, reason
    assert "1 notebook, 1 person" in result.stdout
    assert snapshot(ws.root / "workbooks") == before  # the digest never modifies a workbook


def test_big_outputs_are_cut_and_many_cells_render(ws, run, new_workbook):
    path = new_workbook("blank", "Big", "--week", WEEK)
    nb = json.loads(path.read_text())
    nb["cells"][-1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * 10_000_000}]
    nb["cells"] += [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
                     "outputs": [], "source": f"x = {i}"} for i in range(5000)]
    path.write_text(json.dumps(nb))
    build(run)
    html = page(ws)
    assert "output cut: 10,000,000 characters is over the 1 MB limit" in html
    assert "x = 4999" in html or "4999" in html
    assert len(html) < 6_000_000


def test_an_empty_week_is_an_honest_empty_digest(ws, run):
    result = build(run)
    assert "0 notebooks, 0 people" in result.stdout
    assert "No workbooks this week yet" in page(ws)


def test_read_only_output_folder_fails_and_keeps_the_old_page(ws, run, new_workbook, read_only):
    new_workbook("blank", "Fine", "--week", WEEK)
    build(run)
    old = page(ws)
    new_workbook("blank", "Later", "--week", WEEK)  # something to write: an unchanged week writes nothing
    read_only(ws.root / "digests" / WEEK)
    result = build(run, code=1)
    assert "cannot write" in result.stderr and "index.html" in result.stderr
    assert page(ws) == old


def test_renders_are_cached_by_content(ws, run, new_workbook, monkeypatch):
    from ldkit.digest import build as build_module

    paths = [new_workbook("blank", f"Book {i}", "--week", WEEK) for i in range(3)]
    seen = []
    real = build_module.render_all

    def spy(jobs, cache, workers, rebuild=False, progress=None, **kw):
        done = real(jobs, cache, 1, rebuild, progress, **kw)
        seen.append(sorted(r.cached for r in done.values()))
        return done

    monkeypatch.setattr(build_module, "render_all", spy)
    build(run)
    build(run)  # nothing changed: the page stands (ldkit.digest.unchanged), nothing is rendered or even looked up
    run("log", "plan", paths[0], "--goal", "changed")  # a record in the metadata changes no rendering
    build(run)
    nb = json.loads(paths[0].read_text())
    nb["cells"][-1]["source"] = "print('a real edit')"
    paths[0].write_text(json.dumps(nb))
    build(run)
    build(run, "--rebuild")
    assert seen == [[False] * 3, [True] * 3, [False, True, True], [False] * 3]
    # a corrupt read index and deleted fragments are rebuilt, never fatal
    cache = ws.root / ".ldkit-cache" / "digest"
    (cache / "workbooks.sqlite").write_bytes(b"this is not sqlite")
    for fragment in (cache / "fragments").glob("*.html"):
        fragment.unlink()
    build(run)
    assert seen[-1] == [False] * 3 and "Book 2" in page(ws)


KILLED = textwrap.dedent("""
    import os, sys, time
    from ldkit.core import files as atomic
    def slow(fd):
        print("writing", flush=True)
        time.sleep(60)
    atomic.os.fsync = slow
    from ldkit.cli.main import cli
    cli(["digest", "--week", sys.argv[1], "--quiet"])
""")


def test_a_digest_killed_midway_leaves_the_previous_page_whole(ws, run, new_workbook):
    new_workbook("blank", "First", "--week", WEEK)
    build(run)
    old = page(ws)
    new_workbook("blank", "Second", "--week", WEEK)
    proc = subprocess.Popen([sys.executable, "-c", KILLED, WEEK], cwd=ws.root, stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert page(ws) == old


def test_markdown_for_chat(ws, run, new_workbook):
    a = new_workbook("paper", "MAML", "--week", WEEK)
    run("log", "plan", a, "--goal", "Reproduce it")
    run("log", "outcome", a, "--summary", "Reproduced **1-shot**. Then 5-shot failed.", "--hours", "5",
        "--status", "partial")
    b = new_workbook("blank", "Rust", "--week", WEEK, "--author", "bob")
    run("log", "plan", b, "--goal", "Learn lifetimes")
    build(run, "--format", "md")
    md = (ws.root / "digests" / WEEK / "digest.md").read_text().splitlines()
    # the week has ended: bob's plan alone is not taking part; one line per person who took part
    assert md[0] == "*Learning Day 2026-W48* (2026-11-26): 1 took part, 2 planned, 1 summarized, 5 h"
    assert md[1] == "• *alice* — MAML: Reproduced 1-shot. (partial, 5 h)"
    assert md[2] == "Planned, no outcome yet: bob"


def test_accountability_and_expenses(ws, run, new_workbook):
    old = new_workbook("blank", "Last week", "--week", "2026-W47", "--author", "carol")
    a = new_workbook("blank", "Planned only", "--week", WEEK)
    run("log", "plan", a, "--goal", "g")
    b = new_workbook("blank", "Spent", "--week", WEEK, "--author", "bob")
    run("log", "outcome", b, "--summary", "s", "--expense", "book=45.90EUR", "--expense", "course=10usd")
    build(run, "--format", "json")
    data = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    assert data["accountability"] == {"planned_no_outcome": ["alice"], "no_workbook": ["carol"], "skipped": {},
                                      "not_on_roster": []}
    assert data["expense_totals"] == {"EUR": 45.9, "USD": 10.0}
    html = page(ws)
    assert "45.90 EUR" in html and "No workbook this week: carol" in html
    assert old.exists()
    run("skip", "--week", WEEK, "--author", "carol", "--reason", "holiday <3")
    build(run, "--format", "json")
    data = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    assert data["accountability"]["no_workbook"] == [] and data["accountability"]["skipped"] == {"carol": "holiday <3"}
    assert "carol (holiday &lt;3)" in page(ws)


def test_a_save_to_the_journal_alone_reaches_the_next_digest(ws, run, new_workbook):
    from ldkit.records.schema import make_record, outcome_data
    from ldkit.records.workbook import save_record

    path = new_workbook("blank", "Journal only", "--week", WEEK)
    build(run)
    wid = json.loads(path.read_text())["metadata"]["ldkit"]["id"]
    save_record(path, make_record("outcome", wid, "alice", outcome_data("FROM-THE-FORM")))
    build(run)
    assert "FROM-THE-FORM" in page(ws)
    (ws.root / ".ldkit-cache" / "digest" / "workbooks.sqlite").write_bytes(b"garbage, not sqlite")
    build(run)
    assert "FROM-THE-FORM" in page(ws)


def test_an_unwritable_cache_is_only_slower(ws, run, new_workbook, read_only):
    new_workbook("blank", "No cache", "--week", WEEK)
    (ws.root / ".ldkit-cache").mkdir()
    read_only(ws.root / ".ldkit-cache")
    result = build(run)
    assert "1 notebook, 1 person" in result.stdout and "No cache" in page(ws)


def test_an_unwritable_cache_leaves_no_throwaway_folder_behind(ws, new_workbook, read_only, tmp_path):
    new_workbook("blank", "No cache", "--week", WEEK)
    (ws.root / ".ldkit-cache").mkdir()
    read_only(ws.root / ".ldkit-cache")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = ldkit_process("digest", "--week", WEEK, "--quiet", cwd=ws.root,
                         env={"TMPDIR": str(scratch), "LDKIT_HOME": str(ws.root)})
    assert done.returncode == 0, done.stderr
    assert "No cache" in page(ws)
    assert list(scratch.iterdir()) == []  # the fragments lived in a throwaway folder, removed as the run ended


def test_each_notebook_goes_into_the_page_as_its_cache_files_bytes_and_nothing_else_is_replaced(
        ws, run, new_workbook):
    """The page carries each fragment's bytes where the template marked its place (writers.page); text that looks
    like a mark is escaped like any text, and a fragment gone missing between render and write is said so."""
    from ldkit.writers import page as page_writer

    a = new_workbook("blank", "Ada <!--ldkit-fragment:00:0--> week", "--week", "2026-W48", "--author", "ada")
    new_workbook("blank", "Bob week", "--week", "2026-W48", "--author", "bob")
    run("log", "plan", a, "--goal", "Look for <!--ldkit-fragment:00:1-->", "--category", "tutorial")
    run("digest", "--week", "2026-W48", "--quiet")
    html = (ws.root / "digests" / "2026-W48" / "index.html").read_bytes()
    fragments = sorted((ws.root / ".ldkit-cache" / "digest" / "fragments").glob("*.html"))
    assert len(fragments) == 2
    for fragment in fragments:
        assert html.count(fragment.read_bytes()) == 1
    assert b"<!--ldkit-fragment" not in html  # every mark was filled, and no text was taken for one
    assert b"&lt;!--ldkit-fragment:00:0--&gt; week" in html and b"Look for &lt;!--ldkit-fragment:00:1--&gt;" in html
    assert page_writer.Fragment(str(fragments[0]) + ".gone", "x").data() == page_writer.MISSING
    assert page_writer.Fragment(None, "x").data() == b""
