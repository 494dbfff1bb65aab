"""The forms' Python side (set values, save) without a browser, and headless runs in a real kernel."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ldkit.core.errors import LdkitError
from ldkit.notebook.cards import record_card
from ldkit.notebook.forms import OutcomeForm, PlanForm, _open
from ldkit.records import journal
from ldkit.records.notebook import MIME
from ldkit.records.workbook import load_workbook
from ldkit.workbook.locate import FormError, locate_workbook
from tests.conftest import snapshot


def open_form(cls, path: Path):
    return cls(path, settings=None, workbook=load_workbook(path)) if path else cls(None)


def workbook_id(path: Path) -> str:
    return json.loads(path.read_text())["metadata"]["ldkit"]["id"]


def test_locate_by_workbook_id_in_the_kernels_folder(new_workbook):
    path = new_workbook()
    assert locate_workbook({"workbook_id": workbook_id(path)}, path.parent) == path


def test_locate_by_workbook_id_from_the_workspace_root(new_workbook, ws):
    path = new_workbook()
    ns = {"workbook_id": workbook_id(path), "week": path.parent.parent.name, "author": "alice"}
    assert locate_workbook(ns, ws.root) == path


def test_locate_by_the_notebook_path_jupyter_gives(new_workbook, ws):
    path = new_workbook()
    assert locate_workbook({"__session__": str(path)}, ws.root) == path
    assert locate_workbook({"__session__": str(path.relative_to(ws.root))}, path.parent) == path


def test_no_way_to_tell_the_workbook_says_how_to_fix(new_workbook, ws):
    new_workbook()
    with pytest.raises(FormError) as info:
        locate_workbook({}, ws.root)
    assert "cannot tell which workbook" in str(info.value) and "ldkit new" in str(info.value)
    with pytest.raises(FormError, match="cannot find the workbook with workbook_id nope"):
        locate_workbook({"workbook_id": "nope"}, ws.root)


def test_an_unlinked_form_saves_nothing(ws, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    before = snapshot(ws.root)
    form = _open(PlanForm, None)
    assert form.path is None and form.button.disabled
    form.set(goal="x")
    assert form.save() is None and "cannot tell which workbook" in form.message.value
    assert snapshot(ws.root) == before


def test_labels_are_the_documented_words(new_workbook):
    path = new_workbook()
    assert list(open_form(PlanForm, path).fields) == ["Goal", "Category", "Resources", "Planned hours", "Private"]
    assert list(open_form(OutcomeForm, path).fields) == [
        "Summary", "Status", "Hours", "Links", "Next steps", "Expenses", "Pulled into work", "Private"]
    assert open_form(PlanForm, path).button.description == "Save plan"
    assert open_form(OutcomeForm, path).button.description == "Save outcome"


def test_category_defaults_to_the_templates(new_workbook):
    assert open_form(PlanForm, new_workbook("paper")).fields["Category"].value == "paper-reimplementation"
    assert open_form(PlanForm, new_workbook("tutorial", "T")).fields["Category"].value == "tutorial"


def test_save_then_reopen_prefills(new_workbook):
    path = new_workbook()
    form = open_form(PlanForm, path)
    form.set(goal="Learn vmap", category="tutorial", resources=["a", "b"], planned_hours="2.5", private=True)
    record = form.save()
    assert record is not None and "Saved at" in form.message.value
    assert [value for _, value in journal.read_lines(journal.journal_path(path))[0]] == [record]
    again = open_form(PlanForm, path)
    values = {label: w.value for label, w in again.fields.items()}
    assert values == {"Goal": "Learn vmap", "Category": "tutorial", "Resources": "a\nb", "Planned hours": "2.5",
                      "Private": True}
    assert "Saved at" in again.message.value and "on 20" in again.message.value


@pytest.mark.parametrize("values, message", [
    ({"goal": ""}, "Goal is required"),
    ({"goal": "x", "planned_hours": "abc"}, "Planned hours: &#x27;abc&#x27; is not a number"),
    ({"goal": "x", "planned_hours": "-2"}, "outside 0 to 24"),
])
def test_plan_problems_are_said_in_the_form_and_keep_the_values(new_workbook, values, message):
    path = new_workbook()
    form = open_form(PlanForm, path)
    form.set(resources="kept resource", **values)
    assert form.save() is None
    assert message in form.message.value
    assert form.fields["Resources"].value == "kept resource"
    assert not journal.journal_path(path).exists()


@pytest.mark.parametrize("values, message", [
    ({"summary": ""}, "Summary is required"),
    ({"summary": "x" * 100_000}, "Summary is 100,000 characters long"),
    ({"summary": "x", "expenses": "book = 12\nlunch for free"}, "Expenses: cannot read &#x27;lunch for free&#x27;"),
    ({"summary": "x", "hours": "abc"}, "Hours: &#x27;abc&#x27; is not a number"),
])
def test_outcome_problems_are_said_in_the_form(new_workbook, values, message):
    path = new_workbook()
    form = open_form(OutcomeForm, path)
    form.set(next_steps="kept", **values)
    assert form.save() is None and message in form.message.value
    assert form.fields["Next steps"].value == "kept"
    assert not journal.journal_path(path).exists()


@pytest.fixture
def two_zones(ws, run):
    """ada in Los Angeles (UTC-8 in December), bob in Tokyo (UTC+9); the learning day is Thursday."""
    run("team", "add", "ada", "--tz", "America/Los_Angeles")
    run("team", "add", "bob", "--tz", "Asia/Tokyo")
    return ws


def test_an_outcome_for_a_week_still_to_come_is_refused_in_the_form(two_zones, new_workbook, clock):
    """The rule of `ldkit log outcome` (ldkit.ledger.health.refuse_future_week), said in the form's message area;
    nothing is saved and every typed value stays."""
    path = new_workbook("blank", "Next week", "--week", "2026-W50", "--author", "ada")  # its day: Thu 2026-12-10
    clock.at("2026-12-01T18:00:00Z", tz="America/Los_Angeles")  # the Tuesday of the week before, in ada's zone
    before = snapshot(two_zones.root)
    form = open_form(OutcomeForm, path)
    form.set(summary="Too early", hours="3", next_steps="kept")
    assert form.save() is None
    assert "2026-W50 is still to come (its learning day is 2026-12-10)" in form.message.value
    assert "nothing was saved" in form.message.value and "on or after the day" in form.message.value
    assert "--force" not in form.message.value  # a form has no --force to offer
    assert form.fields["Next steps"].value == "kept" and form.record is None
    assert snapshot(two_zones.root) == before
    # a headless run (outcome(summary=...)) goes through commit(): it fails loudly, and saves nothing either
    with pytest.raises(LdkitError, match="still to come"):
        form.commit()
    assert snapshot(two_zones.root) == before


def test_a_digest_run_of_a_future_weeks_workbook_does_not_fail(two_zones, new_workbook, clock, monkeypatch):
    """`ldkit digest --execute` saves nothing, so it has nothing to refuse: the run goes on."""
    path = new_workbook("blank", "Next week", "--week", "2026-W50", "--author", "ada")
    clock.at("2026-12-01T18:00:00Z")
    monkeypatch.setenv("LDKIT_DIGEST_RUN", "1")
    form = open_form(OutcomeForm, path)
    form.set(summary="Shown, not saved")
    assert form.commit() is not None and "run for the digest" in form.message.value
    assert not journal.journal_path(path).exists()


@pytest.mark.parametrize("author, tz, instant", [
    ("ada", "America/Los_Angeles", "2026-12-10T09:00:00Z"),  # 01:00 on the day in Los Angeles (UTC-8)
    ("bob", "Asia/Tokyo", "2026-12-09T16:00:00Z"),  # 01:00 on the day in Tokyo (UTC+9): still Wednesday in UTC
])
def test_on_the_learning_day_in_the_authors_zone_the_form_saves(two_zones, new_workbook, clock, author, tz, instant):
    path = new_workbook("blank", "Held", "--week", "2026-W50", "--author", author)
    clock.at(instant, tz=tz)
    form = open_form(OutcomeForm, path)
    form.set(summary="Learned it", hours="4")
    record = form.save()
    assert record is not None and "Saved at 01:00" in form.message.value
    assert [value for _, value in journal.read_lines(journal.journal_path(path))[0]] == [record]


def test_the_week_begins_in_the_authors_zone(two_zones, new_workbook, clock):
    """Sunday evening in UTC is already Monday of the next week in Tokyo, still Sunday in Los Angeles; a save in
    the week itself before its day is taken (as the command line takes it) and counted as leaking."""
    ada = new_workbook("blank", "Ada", "--week", "2026-W50", "--author", "ada")
    bob = new_workbook("blank", "Bob", "--week", "2026-W50", "--author", "bob")
    clock.at("2026-12-06T20:00:00Z")
    refused, taken = open_form(OutcomeForm, ada), open_form(OutcomeForm, bob)
    for form in (refused, taken):
        form.set(summary="Early", hours="1")
    assert refused.save() is None and "still to come" in refused.message.value
    assert taken.save() is not None and not journal.journal_path(ada).exists()


def test_journal_deleted_while_the_kernel_runs_is_recreated(new_workbook):
    path = new_workbook()
    form = open_form(OutcomeForm, path)
    form.set(summary="first")
    form.save()
    journal.journal_path(path).unlink()
    form.set(summary="second")
    assert form.save() is not None
    assert load_workbook(path).records.outcome["data"]["summary"] == "second"


def test_read_only_folder_shows_the_error_and_a_retry_works(new_workbook, read_only):
    path = new_workbook()
    form = open_form(PlanForm, path)
    form.set(goal="typed with care")
    folder = read_only(path.parent)
    assert form.save() is None and "cannot save to" in form.message.value
    assert form.fields["Goal"].value == "typed with care"
    import os
    import subprocess
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o755)
    assert form.save() is not None


def test_script_in_a_summary_is_text_in_the_markdown_view(new_workbook):
    path = new_workbook()
    form = open_form(OutcomeForm, path)
    form.set(summary="**bold** <script>alert(1)</script> <img src=x onerror=alert(2)>")
    card = record_card(form.save())
    assert "<script>" not in card and "<img" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card and "**bold**" in card


# ---------------------------------------------------------------- a real kernel

def execute(path: Path, replace: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for old, new in replace.items():
            if cell.cell_type == "code" and cell.source.strip().endswith(old):
                cell.source = cell.source.replace(old, new)
    client = NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def test_headless_run_saves_the_given_values(new_workbook, run):
    path = new_workbook("tutorial", "Headless")
    nb = execute(path, {
        "ldkit.plan()": 'ldkit.plan(goal="Learn pmap", category="tutorial", hours=2)',
        "ldkit.outcome()": 'ldkit.outcome(summary="Done <script>x</script>", status="partial", hours=1.5)'})
    shown = json.loads(run("show", path, "--json").stdout)
    assert shown["plan"]["goal"] == "Learn pmap" and shown["plan"]["planned_hours"] == 2
    assert shown["outcome"]["status"] == "partial"
    bundles = [o["data"] for c in nb.cells for o in c.get("outputs", []) if MIME in o.get("data", {})]
    assert [b[MIME]["kind"] for b in bundles] == ["plan", "outcome"]
    # where widgets do not render, nbconvert's HTML still shows the saved records through the Markdown view
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter(template_name="basic").from_notebook_node(nb)
    assert "Learn pmap" in page and "Outcome: partial" in page
    assert "<script>x</script>" not in page
    plain = [o["data"]["text/plain"] for c in nb.cells for o in c.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert plain[0] == "Plan form: open this notebook in JupyterLab to fill it in."


def test_running_the_untouched_template_shows_empty_forms(new_workbook, run):
    path = new_workbook("paper", "Untouched")
    nb = execute(path, {})
    texts = [o["data"].get("text/markdown", "") for c in nb.cells for o in c.get("outputs", []) if "data" in o]
    assert any("No plan saved yet" in t for t in texts) and any("No outcome saved yet" in t for t in texts)
    assert json.loads(run("show", path, "--json").stdout)["plan"] is None


def test_a_bad_value_in_a_headless_run_fails_the_cell_clearly(new_workbook):
    path = new_workbook("blank", "Bad")
    with pytest.raises(CellExecutionError) as info:
        execute(path, {"ldkit.plan()": 'ldkit.plan(goal="x", hours=-2)'})
    assert "Planned hours: '-2' is outside 0 to 24" in str(info.value)
    assert "Traceback" not in str(info.value)  # IPython shows ldkit's message, not a stack
    assert not journal.journal_path(path).exists()


def test_two_kernels_saving_in_turn_lose_nothing(new_workbook):
    path = new_workbook("blank", "Two kernels")
    code = textwrap.dedent(f"""
        import ldkit
        form = ldkit.outcome(notebook={str(path)!r})
        def save(text):
            form.set(summary=text)
            assert form.save() is not None, form.message.value
    """)
    kernels = [start_new_kernel(kernel_name="python3", cwd=str(path.parent)) for _ in range(2)]
    try:
        for _, client in kernels:
            assert client.execute_interactive(code, timeout=60)["content"]["status"] == "ok"
        for n in range(3):
            for k, (_, client) in enumerate(kernels):
                reply = client.execute_interactive(f"save('kernel {k} save {n}')", timeout=60)
                assert reply["content"]["status"] == "ok"
    finally:
        for manager, client in kernels:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    records = load_workbook(path).records
    assert records.outcome["data"]["summary"] == "kernel 1 save 2"
    assert len(records.history) == 5
