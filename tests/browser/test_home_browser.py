"""The home notebook in a real JupyterLab and headless chromium: start a paper workbook (arXiv faked on 127.0.0.1),
follow the link into a JupyterLab tab, and build the digest."""
from __future__ import annotations

from tests.browser.conftest import keep_log
from tests.browser.test_forms_browser import IDLE, command

TITLE = "On First-Order Meta-Learning Algorithms"  # from the fake arXiv answer for 1803.02999


def test_start_a_workbook_and_build_the_digest_from_the_home_notebook(ws, paper_services, browser, jupyter_lab,
                                                                      artifacts):
    lab = jupyter_lab(ws.root)  # started after paper_services: its kernels ask the fake arXiv
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    try:
        page.goto(lab.url("Learning Day.ipynb"))
        page.get_by_text(IDLE).wait_for(timeout=90_000)
        command(page, "notebook:run-all-cells")
        start = page.locator(".widget-button", has_text="Start").first
        try:
            start.wait_for(timeout=60_000)
        finally:
            page.screenshot(path=str(artifacts / "home-panel.png"), full_page=True)
        chosen = page.get_by_label("Template").evaluate("el => el.options[el.selectedIndex].text")
        assert chosen.replace("\xa0", " ").startswith("paper — ")  # the paper template is offered first
        page.get_by_label("arXiv id").fill("1803.02999")
        start.click()
        made = page.get_by_text("✔ Made")
        made.wait_for(timeout=60_000)
        page.screenshot(path=str(artifacts / "home-started.png"), full_page=True)
        link = page.get_by_role("link", name=TITLE).first
        link.click()
        # the new workbook opens in a JupyterLab tab, with the paper's title in its header cell
        page.get_by_role("tab", name="on-first-order-meta-learning-algorithms.ipynb").wait_for(timeout=60_000)
        page.locator(".jp-RenderedMarkdown h1", has_text=TITLE).first.wait_for(timeout=60_000)
        page.screenshot(path=str(artifacts / "home-opened-workbook.png"))
        assert list(ws.root.glob("workbooks/*/alice/on-first-order-meta-learning-algorithms.ipynb"))
        page.get_by_role("tab", name="Learning Day.ipynb").click()
        page.get_by_role("button", name="Build digest").click()
        page.get_by_role("link", name="this week’s digest").wait_for(timeout=120_000)
        page.screenshot(path=str(artifacts / "home-built.png"), full_page=True)
        assert list(ws.root.glob("digests/*/index.html"))
    finally:
        keep_log(lab, artifacts, "home")
        page.close()
