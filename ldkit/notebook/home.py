"""The home notebook's panel (`ldkit.home()`): start this week's workbook, see my week and the team's, build the
digest — without a terminal.

Start runs the same code as `ldkit new` (ldkit.workbook.start), so it makes the same workbook and says the same errors,
inline. Building the digest runs in a background thread with the button disabled, so the kernel stays free.
Links are rendered as HTML output relative to the notebook, so JupyterLab opens them in its own tabs.
"""
from __future__ import annotations

import html
import os
import threading
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML, display

from ldkit.core.errors import LdkitError
from ldkit.core.layout import DIGEST_PAGE, SITE_INDEX
from ldkit.core.text import plural
from ldkit.core.workspace import Workspace, find_workspace

LABEL = {"description_width": "120px"}
# the template fields that make sense here: (label, option of ldkit new), by template
FIELDS = {"paper": (("arXiv id", "arxiv"), ("DOI", "doi"), ("URL", "url")), "tutorial": (("URL", "url"),)}
HOME_NOTEBOOK = "Learning Day.ipynb"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _link(target: Path, label: str) -> str:
    """A link relative to the kernel's folder (the notebook's, in JupyterLab): it opens there, in a tab."""
    href = os.path.relpath(target, Path.cwd())
    return f'<a href="{html.escape(href.replace(os.sep, "/"), quote=True)}">{html.escape(label)}</a>'


class HomePanel:
    def __init__(self, workspace: Workspace | None = None) -> None:
        from ldkit.core.weeks import parse_week
        from ldkit.workbook.people import resolve_author
        from ldkit.workbook.templates import catalog

        self.workspace = workspace or find_workspace()
        self.templates = {name: t for name, t in catalog(self.workspace.templates).items() if not t.problem}
        self.template = widgets.Dropdown(
            options=[(_short(f"{name} — {t.description}"), name) for name, t in self.templates.items()],
            value="paper" if "paper" in self.templates else next(iter(self.templates), None), description="Template",
            style=LABEL,
            layout=widgets.Layout(width="100%", max_width="720px"))
        self.title = widgets.Text(description="Title", placeholder="What you will study", style=LABEL,
                                  layout=widgets.Layout(width="100%", max_width="720px"))
        self.extra = {option: widgets.Text(description=label, style=LABEL, layout=widgets.Layout(width="460px"))
                      for label, option in {f for fields in FIELDS.values() for f in fields}}
        self.week = widgets.Text(value=str(parse_week("this")), description="Week", style=LABEL,
                                 layout=widgets.Layout(width="300px"))
        self.author = widgets.Text(value=resolve_author(None, self.workspace), description="Author", style=LABEL,
                                   layout=widgets.Layout(width="300px"))
        self.start_button = widgets.Button(description="Start", button_style="primary", icon="play",
                                           layout=widgets.Layout(margin="6px 0 0 126px"))
        self.start_message = widgets.Output()
        self.last_time = widgets.HTML()  # last time's next steps, offered as this week's goal (workbook/carry)
        self.continue_track = widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(display="none"))
        self.offered: dict[str, Any] | None = None
        self.continue_from: Path | None = None
        self.fields_box = widgets.VBox()
        self.mine = widgets.Output()
        self.team = widgets.Output()
        self.build_button = widgets.Button(description="Build digest", icon="newspaper-o")
        self.build_message = widgets.Output()
        self.building: threading.Thread | None = None
        self.template.observe(lambda change: self._show_fields(), names="value")
        for field in (self.week, self.author):  # another week or author: another last time
            field.observe(lambda change: self._reoffer(), names="value")
        self.start_button.on_click(lambda _b: self.start())
        self.build_button.on_click(lambda _b: self.build())
        self._show_fields()
        self.refresh()
        self._widget: widgets.Widget | None = None

    # ------------------------------------------------------------ views

    def widget(self) -> widgets.Widget:
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _build(self) -> widgets.Widget:
        heading = widgets.HTML
        start = widgets.VBox([heading("<h3>Start this week's workbook</h3>"), self.last_time, self.template,
                              self.title, self.fields_box, self.week, self.author, self.continue_track,
                              self.start_button, self.start_message])
        week = widgets.VBox([heading("<h3>My week</h3>"), self.mine, heading("<h3>The team this week</h3>"),
                             self.team, self.build_button, self.build_message])
        note = heading("<p style='color:#5b6670'>To change a template for everyone, edit "
                       "<code>templates/NAME.ipynb</code> on purpose (check it with <code>ldkit templates --check"
                       "</code>); opening one to work in it changes the template itself.</p>")
        return widgets.VBox([start, week, note])

    def _show_fields(self) -> None:
        self.fields_box.children = [self.extra[option] for _, option in FIELDS.get(self.template.value, ())]

    def offer(self, week: Any, author: str) -> None:
        """Last time's next steps, offered as the goal of the week being started (the rule is workbook/carry's:
        what `ldkit new` carries over, so the plan form offers the same); a workbook of a track may be continued."""
        from ldkit.records.workbook import track_of
        from ldkit.workbook.carry import carry_from, last_workbook

        previous = last_workbook(self.workspace, author, week)
        self.offered = carry_from(previous) if previous is not None else None
        track = track_of(previous.identity) if previous is not None else None
        self.continue_from = previous.path if previous is not None and track else None
        if self.offered is None:
            self.last_time.value = ""
        else:
            self.last_time.value = (
                f"<p><b>Last time ({html.escape(self.offered['week'] or 'before')}):</b> "
                f"{html.escape(self.offered['next_steps'])}<br><span style='color:#5b6670'>offered as this week's "
                "goal: the plan form starts with it; change it as you like.</span></p>")
        self.continue_track.description = f"Continue the track “{track['name']}”" if track else ""
        self.continue_track.layout.display = None if track else "none"
        if not track:
            self.continue_track.value = False

    def refresh(self) -> None:
        """My workbooks this week (offered first), my streak and hours; the team's state; built pages."""
        from ldkit.ledger.stats import compute
        from ldkit.ledger.status import week_status
        from ldkit.ledger.totals import Numbers

        week = self.workspace.read_week(self.week.value or "this", self.author.value)
        report = week_status(self.workspace, week)
        me = self.author.value
        self._reoffer()
        mine = next((p for p in report["authors"] if p["author"] == me), None)
        self.mine.clear_output()
        with self.mine:
            if mine and mine["workbooks"]:
                def named(wb: dict[str, Any]) -> str:  # a private workbook is only counted, even here
                    return _link(self.workspace.root / wb["path"], wb["title"]) if wb["path"] else str(wb["title"])

                rows = "".join(
                    f"<li>{named(wb)} — plan: "
                    f"{'yes' if wb['plan'] else 'not yet'}, outcome: {wb['outcome'] or 'not yet'}</li>"
                    for wb in mine["workbooks"])
                display(HTML(f"<p>You already have a workbook in {week}: open it to go on.</p><ul>{rows}</ul>"))
            else:
                display(HTML(f"<p>No workbook yet in {week}: start one above.</p>"))
            stats = compute(self.workspace, until=week)
            me_stats = next((p for p in stats["people"] if p["author"] == me), None)
            hours = sum(w["hours"] or 0 for w in (mine or {}).get("workbooks", []))
            if me_stats:
                streak = plural(me_stats["current_streak"], "week")
                display(HTML(f"<p>Streak: {streak} (best {me_stats['best_streak']}) · "
                             f"{hours:g} h this week</p>"))
        self.team.clear_output()
        with self.team:
            numbers = Numbers.from_dict(report["totals"])
            missing = report.get("missing") or []
            display(HTML(f"<p>{html.escape(numbers.sentence())}"
                         + (f" · no workbook yet: {html.escape(', '.join(missing))}" if missing else "")
                         + "</p>" + self._built_links(week)))

    def _reoffer(self) -> None:
        from ldkit.core.text import author_slug

        try:
            self.offer(self.workspace.read_week(self.week.value or "this", self.author.value),
                       author_slug(self.author.value))
        except LdkitError:
            self.offer_none()

    def offer_none(self) -> None:
        self.offered, self.continue_from, self.last_time.value = None, None, ""
        self.continue_track.layout.display = "none"

    def _built_links(self, week: Any) -> str:
        links = []
        digest = self.workspace.digest_folder(week) / DIGEST_PAGE
        if digest.is_file():
            links.append(_link(digest, "this week's digest"))
        site = self.workspace.site / SITE_INDEX
        if site.is_file():
            links.append(_link(site, "the team's site"))
        return f"<p>{' · '.join(links)}</p>" if links else ""

    # ------------------------------------------------------------ actions

    def start(self) -> Path | None:
        """Make the workbook exactly as `ldkit new` does; errors shown here, never a traceback."""
        from ldkit.core.text import author_slug
        from ldkit.workbook.start import start_workbook

        self.start_message.clear_output()
        with self.start_message:
            try:
                options: dict[str, Any] = {option: (self.extra[option].value.strip() or None)
                           for _, option in FIELDS.get(self.template.value, ())}
                made, warnings = start_workbook(
                    self.workspace, self.template.value, title=self.title.value.strip() or None,
                    week=self.workspace.read_week(self.week.value, author_slug(self.author.value)),
                    author=author_slug(self.author.value),
                    continue_from=self.continue_from if self.continue_track.value else None, **options)
            except LdkitError as exc:
                display(HTML(f"<p style='color:#cf222e'>⚠ {html.escape(str(exc))}</p>"))
                return None
            notes = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
            display(HTML(f"<p>✔ Made {_link(made.path, made.title)} — open it to plan and work.</p>"
                         + (f"<ul>{notes}</ul>" if notes else "")))
        self.refresh()
        return made.path

    def build(self) -> threading.Thread:
        """Build the week's digest in the background (the same code as `ldkit digest`)."""
        self.build_button.disabled = True
        self.build_message.clear_output()
        with self.build_message:
            display(HTML("<p>Building the digest…</p>"))

        def work() -> None:
            from ldkit.digest.build import build_digest

            try:
                week = self.workspace.read_week(self.week.value)
                result = build_digest(self.workspace, week)
                text = f"<p>✔ Built: {_link(result.files['html'], 'this week’s digest')} ({result.notebooks} " \
                       f"notebooks)</p>"
            except LdkitError as exc:
                text = f"<p style='color:#cf222e'>⚠ {html.escape(str(exc))}</p>"
            except Exception as exc:  # shown, never a traceback in the learner's face
                text = f"<p style='color:#cf222e'>⚠ could not build: {html.escape(type(exc).__name__)}: " \
                       f"{html.escape(str(exc))}</p>"
            self.build_message.outputs = ()  # from this thread, not clear_output(): that needs the cell's context
            self.build_message.append_display_data(HTML(text))
            self.build_button.disabled = False

        self.building = threading.Thread(target=work, name="ldkit-build-digest", daemon=True)
        self.building.start()
        return self.building


    def _ipython_display_(self) -> None:
        display(self.widget())


def home() -> HomePanel:
    """The panel; shown by being the cell's value (the home notebook's one line is `ldkit.home()`)."""
    return HomePanel()
