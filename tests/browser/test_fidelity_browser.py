"""The fidelity workbook's digest in headless chromium: maths laid out as MathML, figures drawn, nothing loaded."""
from __future__ import annotations

from tests.fidelity import make_fidelity_workbook

WEEK = "2026-W48"


def test_maths_and_figures_render_in_a_real_browser(ws, run, new_workbook, browser, artifacts):
    path = new_workbook("paper", "MAML fidelity", "--week", WEEK)
    new_workbook("blank", "Other work", "--week", WEEK, "--author", "bob")
    make_fidelity_workbook(path, ws.root)
    run("log", "outcome", path, "--summary", r"Got $\alpha = 0.01$ to work.", "--hours", "3")
    run("digest", "--week", WEEK, "--quiet")
    index = ws.root / "digests" / WEEK / "index.html"
    for width, name in ((1100, "digest-fidelity.png"), (390, "digest-fidelity-phone.png")):
        page = browser.new_page(viewport={"width": width, "height": 900})
        requests: list[str] = []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        try:
            page.goto(index.as_uri())
            page.wait_for_load_state("load")
            for details in page.locator("details").all():
                details.evaluate("el => el.open = true")
            page.wait_for_timeout(300)
            # MathML is laid out natively: a fraction is taller than a line, a matrix has rows
            frac = page.locator("mfrac").first.bounding_box()
            assert frac and frac["height"] > 18
            rows = page.locator("mtable").first.locator("mtr")
            assert rows.count() == 2
            boxes = [rows.nth(i).bounding_box() for i in range(2)]
            assert boxes[1]["y"] > boxes[0]["y"]  # the second row of `align` sits below the first
            # every embedded figure decoded (a broken image has naturalWidth 0)
            widths = page.evaluate("[...document.images].map(i => i.naturalWidth)")
            assert len(widths) >= 3 and all(w > 0 for w in widths)
            assert page.get_by_text("image: remote figure").is_visible()
            # no horizontal scrolling of the whole page on a phone
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
            page.screenshot(path=str(artifacts / name), full_page=True)
        finally:
            page.close()
