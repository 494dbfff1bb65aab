"""The team's site in headless chromium at desktop and phone widths: every page readable, nothing loaded."""
from __future__ import annotations

import json

from ldkit.records.schema import make_record
from ldkit.records.workbook import save_record

WEEKS = ["2026-W46", "2026-W47", "2026-W48"]
PAGES = ["index.html", "weeks/2026-W48/index.html", "people/alice/index.html", "papers/index.html",
         "topics/tutorial/index.html"]


def test_site_pages_in_a_real_browser(ws, run, new_workbook, browser, artifacts):
    for n, week in enumerate(WEEKS):
        for author, category in (("alice", "paper-reimplementation"), ("bob", "tutorial")):
            path = new_workbook("paper" if author == "alice" else "tutorial", f"{author} {week}", "--week", week,
                                "--author", author, *(["-p", "arxiv_id", "1703.03400"] if author == "alice" else []))
            run("log", "plan", path, "--goal", f"{author}'s plan for {week}", "--category", category, "--hours", "3")
            run("log", "outcome", path, "--summary", rf"Learned $\beta_{n}$ and more in {week}.", "--hours", str(2 + n))
            if author == "alice":
                wid = json.loads(path.read_text())["metadata"]["ldkit"]["id"]
                save_record(path, make_record("result", wid, "alice", {"name": f"accuracy {week}", "paper": 97.7,
                                                                      "mine": 96.9 + n / 2, "tolerance": "1%"}))
    run("site", "--quiet")
    root = ws.root / "site"
    for width, suffix in ((1100, ""), (390, "-phone")):
        page = browser.new_page(viewport={"width": width, "height": 900})
        requests: list[str] = []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        try:
            for relative in PAGES:
                page.goto((root / relative).as_uri())
                page.wait_for_load_state("load")
                # nothing wider than the screen: a reader never scrolls sideways to read a page
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), relative
                name = relative.replace("/index.html", "").replace("/", "-").replace(".html", "")
                page.screenshot(path=str(artifacts / f"site-{name}{suffix}.png"), full_page=True)
            page.goto((root / "index.html").as_uri())
            page.get_by_role("link", name="2026-W47").first.click()
            page.wait_for_load_state("load")
            assert page.url.endswith("weeks/2026-W47/index.html")
            page.get_by_role("link", name="2026-W48 →").click()
            page.wait_for_load_state("load")
            assert page.url.endswith("weeks/2026-W48/index.html")
            assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
        finally:
            page.close()
