"""The plan and outcome forms (ipywidgets): save to the journal and to the cell's own record output.

A save appends to the journal first, so it survives a reload, an unsaved notebook or a crash; then it updates
the output whose display_id this cell created, so the record is in the .ipynb when JupyterLab saves it.
"""
from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from IPython import get_ipython
from IPython.display import display

from ldkit.core.errors import LdkitError, RecordError, WorkspaceError
from ldkit.core.workspace import Settings, Workspace, find_workspace
from ldkit.notebook.cards import empty_card, local_time, record_card
from ldkit.records.notebook import MIME
from ldkit.records.schema import (
    PULLED_INTO_WORK,
    STATUSES,
    is_private_data,
    make_record,
    outcome_data,
    plan_data,
)
from ldkit.records.workbook import Workbook, load_workbook, save_record
from ldkit.workbook.carry import carried
from ldkit.workbook.locate import FormError, locate_workbook, saving_disabled

LABEL_WIDTH = "130px"
FUTURE_HINT = "save it on or after the day; your values stay in the form"
FIELD_LAYOUT = {"width": "100%", "max_width": "780px"}


# ---------------------------------------------------------------- the forms

def _text(label: str, placeholder: str = "", rows: int | None = None) -> widgets.Widget:
    style = {"description_width": LABEL_WIDTH}
    if rows:
        return widgets.Textarea(description=label, placeholder=placeholder, rows=rows, style=style,
                                layout=widgets.Layout(**FIELD_LAYOUT))
    return widgets.Text(description=label, placeholder=placeholder, style=style,
                        layout=widgets.Layout(width="300px"))


class RecordForm:
    """Widgets by label, validation that names the field, and a save that lands in the journal first."""

    kind = ""
    button_label = ""
    names: dict[str, str] = {}  # keyword argument -> field label

    def __init__(self, path: Path | None, problem: str | None = None, settings: Settings | None = None,
                 workbook: Workbook | None = None, workspace: Workspace | None = None) -> None:
        self.path = path
        self.workspace = workspace
        self.problem = problem
        self.settings = settings or Settings()
        self.workbook = workbook
        self.fields: dict[str, widgets.Widget] = self._build_fields()
        self.button = widgets.Button(description=self.button_label, button_style="primary", icon="save",
                                     layout=widgets.Layout(width="auto", min_width="140px", margin="6px 0 0 136px"))
        self.message = widgets.HTML(layout=widgets.Layout(margin="6px 0 0 12px"))
        self.button.on_click(lambda _button: self.save())
        self.handle: Any = None
        self.record: dict[str, Any] | None = None
        current = getattr(workbook.records, self.kind) if workbook else None
        if current is not None:
            self.prefill(current)
        else:
            self.offer()
        if problem:
            self.say(problem, error=True)
            self.button.disabled = True
        self.box = widgets.VBox(
            [widgets.HTML(f"<b style='font-size:1.1em'>{self.kind.capitalize()}</b>"), *self.fields.values(),
             widgets.HBox([self.button, self.message], layout=widgets.Layout(align_items="center"))],
            layout=widgets.Layout(border="1px solid var(--jp-border-color1, #ccc)", padding="10px 14px",
                                  max_width="820px"))

    def refuse(self) -> None:
        """A rule of the workspace that refuses this save (raises LdkitError); none by default."""

    def _workspace(self) -> Workspace | None:
        """The workbook's workspace (its roster's zones, its learning day), found from the path if not given."""
        if self.workspace is None and self.path is not None:
            try:
                self.workspace = find_workspace(self.path.parent)
            except WorkspaceError:
                return None
        return self.workspace

    def offer(self) -> None:
        """Before anything is saved: what the form offers to start from (the plan: last time's next steps)."""

    # subclasses
    def _build_fields(self) -> dict[str, widgets.Widget]:
        raise NotImplementedError

    def _data(self) -> dict[str, Any]:
        raise NotImplementedError

    def prefill(self, record: dict[str, Any]) -> None:
        raise NotImplementedError

    # shared
    def set(self, **values: Any) -> None:
        """Set fields by their Python names (goal=..., planned_hours=...), as the keyword arguments do."""
        for name, value in values.items():
            label = self.names.get(name)
            if label is None:
                raise RecordError(f"the {self.kind} form has no field {name!r}",
                                  hint="fields: " + ", ".join(self.names))
            widget = self.fields[label]
            if isinstance(widget, widgets.Checkbox):
                widget.value = bool(value)
            elif isinstance(widget, widgets.Textarea) and isinstance(value, (list, tuple)):
                widget.value = "\n".join(str(v) for v in value)
            else:
                widget.value = "" if value is None else (value if isinstance(widget, widgets.Dropdown) else str(value))

    def say(self, text: str, error: bool = False) -> None:
        color = "var(--jp-error-color1, #c62828)" if error else "var(--jp-success-color1, #2e7d32)"
        self.message.value = f"<span style='color:{color}'>{html.escape(text)}</span>"

    def bundle(self) -> dict[str, Any]:
        carry = carried(self.workbook.identity) if self.workbook is not None and self.kind == "plan" else None
        if self.record is None:
            return {"text/markdown": empty_card(self.kind, carry)}
        return {MIME: self.record, "text/markdown": record_card(self.record, carry)}

    def commit(self) -> dict[str, Any]:
        """Validate, journal, update the record output; raises LdkitError on any problem."""
        if self.path is None:
            raise FormError(self.problem or "this form is not linked to a workbook; nothing was saved")
        record = make_record(self.kind, self._workbook_id(), self._author(), self._data())
        if saving_disabled():
            self.say("Not saved: this is a run for the digest, which never changes a workbook")
            return record
        self.refuse()  # after: a digest's run saves nothing, so it has nothing to refuse
        save_record(self.path, record)
        self.record = record
        if self.handle is not None:
            self.handle.update(self.bundle(), raw=True)
        self.say(f"Saved at {local_time(record['saved_at']):%H:%M}")
        return record

    def save(self) -> dict[str, Any] | None:
        """The button: like commit, but a problem is said in the form and every typed value is kept."""
        try:
            return self.commit()
        except LdkitError as exc:
            self.say(str(exc).replace("\n  ", " — "), error=True)
            return None

    def _ipython_display_(self) -> None:
        # `ldkit.plan()` as a cell's last line returns the form, already shown: show it only if it was not
        if self.handle is None:
            self.show()

    def _workbook_id(self) -> str:
        if self.workbook is None:
            raise FormError("this form is not linked to a workbook")
        return self.workbook.id

    def _author(self) -> str:
        return self.workbook.author if self.workbook else "unknown"

    def show(self) -> None:
        view = self.box._repr_mimebundle_() if hasattr(self.box, "_repr_mimebundle_") else None
        if isinstance(view, dict) and "application/vnd.jupyter.widget-view+json" in view:
            view["text/plain"] = f"{self.kind.capitalize()} form: open this notebook in JupyterLab to fill it in."
            display(view, raw=True)
        else:
            display(self.box)
        self.handle = display(self.bundle(), raw=True, display_id=True)


class PlanForm(RecordForm):
    kind = "plan"
    button_label = "Save plan"
    names = {"goal": "Goal", "category": "Category", "resources": "Resources", "planned_hours": "Planned hours",
             "hours": "Planned hours", "private": "Private"}

    def _build_fields(self) -> dict[str, widgets.Widget]:
        categories = list(self.settings.categories)
        default = self._default_category(categories)
        fields = {
            "Goal": _text("Goal", "What will you learn today? One or two sentences.", rows=3),
            "Category": widgets.Dropdown(description="Category", options=categories, value=default,
                                         style={"description_width": LABEL_WIDTH},
                                         layout=widgets.Layout(width="420px")),
            "Resources": _text("Resources", "One per line: links, book titles, arXiv ids", rows=3),
            "Planned hours": _text("Planned hours", "e.g. 5"),
            "Private": widgets.Checkbox(description="Private", value=False, indent=True,
                                        style={"description_width": LABEL_WIDTH}),
        }
        fields["Resources"].value = self._paper_resources()
        return fields

    def offer(self) -> None:
        """Last time's next steps (metadata.ldkit.carry_over, see workbook/carry) offered as this week's goal."""
        carry = carried(self.workbook.identity) if self.workbook else None
        if carry is not None and not self.fields["Goal"].value:
            self.fields["Goal"].value = str(carry["next_steps"])
            self.say(f"Last time ({carry.get('week') or 'before'}): your next steps are offered as "
                     "the goal; change them as you like, then save.")

    def _paper_resources(self) -> str:
        """A paper workbook's plan starts with the paper as its first resource."""
        ident = self.workbook.identity if self.workbook else {}
        papers = [ident["paper"]] if isinstance(ident.get("paper"), dict) else []
        papers += [p for p in ident.get("papers", []) if isinstance(p, dict)]
        lines = []
        for paper in papers:
            link = paper.get("abs_url") or ""
            lines.append(f"{paper['title']} — {link}" if paper.get("title") else link)
        return "\n".join(line for line in lines if line)

    def _default_category(self, categories: list[str]) -> str | None:
        if not categories:
            return None
        template = self.workbook.identity.get("template") if self.workbook else None
        if template:
            from ldkit.workbook.templates import catalog

            try:
                folder = find_workspace(self.path.parent).templates if self.path else None
            except WorkspaceError:
                folder = None
            found = catalog(folder).get(str(template))
            if found and found.category in categories:
                return found.category
        return "other" if "other" in categories else categories[0]

    def _data(self) -> dict[str, Any]:
        f = self.fields
        return plan_data(f["Goal"].value, f["Category"].value, f["Resources"].value, f["Planned hours"].value,
                         f["Private"].value, self.settings.categories)

    def prefill(self, record: dict[str, Any]) -> None:
        data = record["data"]
        self.record = record
        category = data.get("category")
        if category not in self.fields["Category"].options:
            self.fields["Category"].options = [*self.fields["Category"].options, category]
        self.set(goal=data.get("goal", ""), category=category, resources=data.get("resources", []),
                 planned_hours="" if data.get("planned_hours") is None else f"{data['planned_hours']:g}",
                 private=is_private_data(data))
        self.say(f"Saved at {local_time(record['saved_at']):%H:%M} on {local_time(record['saved_at']):%Y-%m-%d}")


class OutcomeForm(RecordForm):
    kind = "outcome"
    button_label = "Save outcome"
    names = {"summary": "Summary", "status": "Status", "hours": "Hours", "links": "Links",
             "next_steps": "Next steps", "expenses": "Expenses", "pulled_into_work": "Pulled into work",
             "private": "Private"}

    def _build_fields(self) -> dict[str, widgets.Widget]:
        return {
            "Summary": _text("Summary", "What did you learn? Markdown works. What would you tell the team?",
                             rows=7),
            "Status": widgets.Dropdown(description="Status", options=list(STATUSES), value="done",
                                       style={"description_width": LABEL_WIDTH},
                                       layout=widgets.Layout(width="300px")),
            "Hours": _text("Hours", "e.g. 5.5"),
            "Links": _text("Links", "One per line: your code, notes, slides", rows=2),
            "Next steps": _text("Next steps", "What would you do next time?", rows=2),
            "Expenses": _text("Expenses", "One per line: item = amount currency, e.g. book = 45.90 EUR", rows=2),
            # the seed's first failure mode, asked plainly; optional, and only the organizer sees the share
            "Pulled into work": widgets.Dropdown(description="Pulled into work",
                                                 options=[("(not said)", ""), *((a, a) for a in PULLED_INTO_WORK)],
                                                 value="", style={"description_width": LABEL_WIDTH},
                                                 layout=widgets.Layout(width="300px")),
            "Private": widgets.Checkbox(description="Private", value=False, indent=True,
                                        style={"description_width": LABEL_WIDTH}),
        }

    def refuse(self) -> None:
        """An outcome for a week whose learning day has not come where the author lives is refused, as
        `ldkit log outcome` refuses it (ldkit.ledger.health.refuse_future_week: one rule)."""
        from ldkit.ledger.health import refuse_future_week

        workspace = self._workspace()
        if workspace is not None and self.workbook is not None:
            refuse_future_week(workspace, self.workbook.identity, hint=FUTURE_HINT)

    def _data(self) -> dict[str, Any]:
        f = self.fields
        return outcome_data(f["Summary"].value, f["Status"].value, f["Hours"].value, f["Links"].value,
                            f["Next steps"].value, f["Expenses"].value, f["Private"].value, self.settings.currency,
                            f["Pulled into work"].value)

    def prefill(self, record: dict[str, Any]) -> None:
        data = record["data"]
        self.record = record
        expenses = [f"{e['item']} = {e['amount']:g} {e['currency']}" for e in data.get("expenses", [])]
        self.set(summary=data.get("summary", ""), status=data.get("status", "done"),
                 hours="" if data.get("hours") is None else f"{data['hours']:g}", links=data.get("links", []),
                 next_steps=data.get("next_steps", ""), expenses=expenses,
                 pulled_into_work=data.get("pulled_into_work", ""), private=is_private_data(data))
        self.say(f"Saved at {local_time(record['saved_at']):%H:%M} on {local_time(record['saved_at']):%Y-%m-%d}")


# ---------------------------------------------------------------- entry points

def _open(form_class: type[RecordForm], notebook: str | os.PathLike | None) -> RecordForm:
    shell = get_ipython()
    namespace = shell.user_ns if shell is not None else {}
    try:
        path = locate_workbook(namespace, Path.cwd(), notebook)
        workbook = load_workbook(path)
    except LdkitError as exc:
        return form_class(None, problem=str(exc).replace("\n  ", " — "))
    try:
        workspace: Workspace | None = find_workspace(path.parent)
    except WorkspaceError:
        workspace = None
    return form_class(path, settings=workspace.settings if workspace else Settings(), workbook=workbook,
                      workspace=workspace)


def _run(form_class: type[RecordForm], required: str, notebook: Any, values: dict[str, Any]) -> RecordForm:
    form = _open(form_class, notebook)
    given = {k: v for k, v in values.items() if v is not None}
    if given:
        form.set(**given)
    if required in given:
        # headless (papermill, nbclient) or scripted: save now, unless this exact record is already current;
        # a bad value raises, so a parameterized run fails loudly instead of saving nothing in silence
        current = getattr(form.workbook.records, form.kind) if form.workbook else None
        if current is None or current["data"] != form._data():
            form.commit()
    form.show()
    return form


def plan(goal: str | None = None, category: str | None = None, resources: Any = None,
         planned_hours: Any = None, private: bool | None = None, *, hours: Any = None,
         notebook: str | os.PathLike | None = None) -> PlanForm:
    """Show the plan form. Given `goal=`, it saves at once (for papermill runs), then shows the form."""
    values = {"goal": goal, "category": category, "resources": resources,
              "planned_hours": planned_hours if planned_hours is not None else hours, "private": private}
    return _run(PlanForm, "goal", notebook, values)  # type: ignore[return-value]


def outcome(summary: str | None = None, status: str | None = None, hours: Any = None, links: Any = None,
            next_steps: str | None = None, expenses: Any = None, private: bool | None = None, *,
            pulled_into_work: str | None = None, notebook: str | os.PathLike | None = None) -> OutcomeForm:
    """Show the outcome form. Given `summary=`, it saves at once (for papermill runs), then shows the form."""
    values = {"summary": summary, "status": status, "hours": hours, "links": links, "next_steps": next_steps,
              "expenses": expenses, "private": private, "pulled_into_work": pulled_into_work}
    return _run(OutcomeForm, "summary", notebook, values)  # type: ignore[return-value]

