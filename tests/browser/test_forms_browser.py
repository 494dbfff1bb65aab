"""The plan and outcome forms in a real JupyterLab, in a real headless chromium.

The path a learner takes: open the workbook, run all, fill the plan, save; reload the page and, without re-running
anything, fill and save the outcome; restart the kernel, run all, and find both forms filled in again.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from ldkit.records.notebook import MIME
from tests.browser.conftest import keep_log

IDLE = "Python 3 (ipykernel) | Idle"


def ldkit_show(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "ldkit", "show", str(path), "--json"], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def wait_for(check, timeout: float = 30, what: str = "condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def command(page, name: str) -> None:
    # not awaited: a command that opens a dialog resolves only once the dialog is answered
    page.evaluate("(name) => { window.jupyterapp.commands.execute(name); }", name)


def open_notebook(page, lab, path: Path) -> None:
    page.goto(lab.url(str(path.relative_to(lab.root))))
    page.get_by_text(IDLE).wait_for(timeout=90_000)


def form(page, button: str):
    return page.locator(".widget-vbox", has=page.get_by_role("button", name=button)).first


def save_notebook(page) -> None:
    page.locator(".jp-InputPrompt").first.click()  # focus out of the widget, or Ctrl+S goes to the text box
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")


def test_plan_and_outcome_forms_in_jupyterlab(ws, run, browser, jupyter_lab, artifacts):
    made = json.loads(run("new", "blank", "--title", "Browser day", "--json").stdout)
    path = Path(made["path"])
    lab = jupyter_lab(ws.root)
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    try:
        open_notebook(page, lab, path)
        command(page, "notebook:run-all-cells")
        plan = form(page, "Save plan")
        plan.wait_for(timeout=60_000)

        # an empty goal is refused in the form, and nothing is saved
        plan.get_by_role("button", name="Save plan").click()
        plan.get_by_text("Goal is required").wait_for(timeout=15_000)
        assert ldkit_show(path)["plan"] is None

        plan.get_by_label("Goal").fill("Learn how <b>jit</b> traces Python")
        plan.get_by_label("Category").select_option("tutorial")
        plan.get_by_label("Resources").fill("https://docs.jax.dev\nJAX book")
        plan.get_by_label("Planned hours").fill("4.5")
        plan.get_by_role("button", name="Save plan").click()
        plan.get_by_text("Saved at").wait_for(timeout=15_000)
        plan.screenshot(path=str(artifacts / "plan-form.png"))

        shown = ldkit_show(path)["plan"]
        assert shown["goal"] == "Learn how <b>jit</b> traces Python" and shown["category"] == "tutorial"
        assert shown["resources"] == ["https://docs.jax.dev", "JAX book"] and shown["planned_hours"] == 4.5

        save_notebook(page)
        saved = wait_for(lambda: MIME in path.read_text() and json.loads(path.read_text()), what="the saved .ipynb")
        outputs = [o for c in saved["cells"] for o in c.get("outputs", []) if MIME in o.get("data", {})]
        assert outputs[0]["data"][MIME]["data"]["goal"] == "Learn how <b>jit</b> traces Python"
        assert "Learn how \\<b\\>jit\\</b\\> traces Python" in "".join(outputs[0]["data"]["text/markdown"])

        # reload the page; without re-running a cell, the outcome form still saves (the journal gets it)
        page.reload()
        page.get_by_text(IDLE).wait_for(timeout=90_000)
        outcome = form(page, "Save outcome")
        outcome.wait_for(timeout=60_000)
        outcome.get_by_label("Summary").fill("jit traces once per **shape**; <script>alert(1)</script> stays text")
        outcome.get_by_label("Status").select_option("partial")
        outcome.get_by_label("Hours", exact=True).fill("4")
        outcome.get_by_label("Links").fill("https://github.com/alice/jax-notes")
        outcome.get_by_label("Next steps").fill("Try pmap")
        outcome.get_by_label("Expenses").fill("JAX book = 39.90 EUR")
        outcome.get_by_role("button", name="Save outcome").click()
        got = wait_for(lambda: ldkit_show(path)["outcome"], what="the outcome in ldkit show")
        assert got["status"] == "partial" and got["hours"] == 4 and got["next_steps"] == "Try pmap"
        assert got["expenses"] == [{"item": "JAX book", "amount": 39.9, "currency": "EUR"}]
        outcome.get_by_text("Saved at").wait_for(timeout=15_000)
        outcome.screenshot(path=str(artifacts / "outcome-form.png"))

        # restart the kernel and run all: both forms come back filled in from the saved records
        command(page, "notebook:restart-run-all")
        page.locator(".jp-Dialog-button.jp-mod-accept").click()
        page.get_by_text(IDLE).wait_for(timeout=90_000)
        plan, outcome = form(page, "Save plan"), form(page, "Save outcome")
        outcome.wait_for(timeout=60_000)
        wait_for(lambda: plan.get_by_label("Goal").input_value() == "Learn how <b>jit</b> traces Python",
                 what="the plan form prefilled")
        assert plan.get_by_label("Category").input_value() == "tutorial"
        assert plan.get_by_label("Planned hours").input_value() == "4.5"
        assert outcome.get_by_label("Summary").input_value().startswith("jit traces once per **shape**")
        assert outcome.get_by_label("Status").input_value() == "partial"
        assert outcome.get_by_label("Expenses").input_value() == "JAX book = 39.9 EUR"
        assert plan.get_by_text("Saved at").is_visible() and outcome.get_by_text("Saved at").is_visible()
        page.screenshot(path=str(artifacts / "workbook-after-restart.png"), full_page=True)
    finally:
        page.close()
        keep_log(lab, artifacts, "forms")
