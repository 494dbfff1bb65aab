"""A digest built from hostile content, opened in headless chromium: no script runs, every summary shows."""
from __future__ import annotations

import json

from tests.hostile import make_hostile

WEEK = "2026-W48"


def test_hostile_digest_runs_no_script(ws, run, new_workbook, browser, artifacts):
    evil = new_workbook("blank", "Hostile", "--week", WEEK)
    make_hostile(evil, author_text="<img src=x onerror=\"window.__canary='author'\">")
    friendly = new_workbook("paper", "MAML first-order", "--week", WEEK, "--author", "bob")
    run("log", "plan", friendly, "--goal", "Reproduce 1-shot Omniglot", "--hours", "5")
    run("log", "outcome", friendly, "--summary", "Bob's summary: **reproduced** within one point.",
        "--hours", "5")
    run("digest", "--week", WEEK, "--quiet")
    index = ws.root / "digests" / WEEK / "index.html"

    page = browser.new_page(viewport={"width": 1100, "height": 1600})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(index.as_uri())
        page.wait_for_load_state("load")
        for details in page.locator("details").all():
            details.evaluate("el => el.open = true")  # open every notebook: hidden payloads get their chance
        page.wait_for_timeout(500)
        for link in page.get_by_text("click me").all():
            link.click()
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__canary") == "undefined"
        assert dialogs == []
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
        assert page.title() == "Learning Day 2026-W48 — team digest"
        assert page.get_by_text("Bob's summary:").is_visible()
        assert page.get_by_text("Learned hostile things.", exact=False).first.is_visible()
        page.screenshot(path=str(artifacts / "digest-hostile.png"), full_page=True)
    finally:
        page.close()
    assert json.loads(run("show", friendly, "--json").stdout)["outcome"]["hours"] == 5
