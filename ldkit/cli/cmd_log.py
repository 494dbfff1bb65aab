"""`ldkit log plan|outcome` and `ldkit show`."""
from __future__ import annotations

from pathlib import Path

import click

from ldkit.cli.base import LdkitGroup, say
from ldkit.cli.options import json_option, pulled_into_work_choice, status_choice

notebook_argument = click.argument("notebook", type=click.Path(path_type=Path, dir_okay=False))
# `log plan|outcome` also take a workbook of this week by its slug or title (ldkit.workbook.find)
workbook_argument = click.argument("notebook", metavar="WORKBOOK", type=click.Path(path_type=Path, dir_okay=False))


def _this_weeks(notebook: Path) -> Path:
    """A path as given, else the author's workbook of this week named by its slug or title."""
    from ldkit.workbook.find import find_workbook, looks_like_path

    text = str(notebook)
    if notebook.is_file() or looks_like_path(text):
        return notebook
    from ldkit.core.workspace import find_workspace
    from ldkit.workbook.people import resolve_author

    workspace = find_workspace()
    who = resolve_author(None, workspace)
    return find_workbook(workspace, text, workspace.read_week(None, who), who)


@click.group(cls=LdkitGroup)
def log() -> None:
    """Record a plan or an outcome in a workbook from the command line.

    The record is appended to the workbook's journal (<name>.ldkit.jsonl);
    the notebook file is never rewritten, so two clones logging to one
    workbook merge in git without a conflict. The forms in the notebook
    (ldkit.plan(), ldkit.outcome()) save the same records.
    """


@log.command("plan")
@workbook_argument
@click.option("--goal", "-g", metavar="G", required=True, help="What you plan to learn (required).")
@click.option("--category", "-c", metavar="C", default=None,
              help="One of the workspace's categories. Default: the template's.")
@click.option("--resource", "-r", "resources", metavar="R", multiple=True,
              help="A link, book title or arXiv id (repeatable).")
@click.option("--hours", metavar="H", default=None, help="Planned hours, 0 to 24.")
@click.option("--private", is_flag=True, help="Keep this plan out of the shared digest.")
def log_plan(notebook: Path, goal: str, category: str | None, resources: tuple[str, ...], hours: str | None,
             private: bool) -> None:
    """Save the plan of WORKBOOK: its path, or one of your workbooks of
    this week by its slug (maml) or title ("MAML").

    \b
    Example:
      ldkit log plan workbooks/2026-W48/alice/maml.ipynb \\
          --goal "Reproduce MAML's 5-way 1-shot Omniglot result" \\
          --category paper-reimplementation -r 1703.03400 --hours 6
      ldkit log plan maml --goal "Reproduce MAML's 1-shot result"
    """
    notebook = _this_weeks(notebook)
    from ldkit.records.log import copy_warning, log_record, workspace_of
    from ldkit.records.notebook import identity, read_notebook
    from ldkit.records.schema import plan_data
    from ldkit.workbook.templates import catalog

    workspace = workspace_of(notebook)
    ident = identity(read_notebook(notebook), notebook)
    template = catalog(workspace.templates).get(str(ident.get("template")))
    default = template.category if template and template.category in workspace.settings.categories else None
    data = plan_data(goal, category, list(resources), hours, private, workspace.settings.categories, default)
    record, problem = log_record(notebook, "plan", data)
    if problem:
        from ldkit.cli.base import warn

        warn(problem)
        return
    say(f"Saved the plan of {notebook} at {record['saved_at']}")
    copied = copy_warning(notebook, record["workbook"])
    if copied:
        from ldkit.cli.base import warn

        warn(copied)


@log.command("outcome")
@workbook_argument
@click.option("--summary", "-s", metavar="S", default=None, help="What you learned, in Markdown.")
@click.option("--summary-file", metavar="F", default=None, help="Read the summary from a file (- for stdin).")
@click.option("--status", type=status_choice(), default="done",
              show_default=True, help="How it went.")
@click.option("--hours", metavar="H", default=None, help="Hours spent, 0 to 24.")
@click.option("--link", "links", metavar="L", multiple=True, help="A link to your work (repeatable).")
@click.option("--next", "next_steps", metavar="N", default=None, help="What you would do next.")
@click.option("--expense", "expenses", metavar="ITEM=AMOUNT[CUR]", multiple=True,
              help="A self-study expense, e.g. book=45.90EUR (repeatable).")
@click.option("--private", is_flag=True, help="Keep this outcome out of the shared digest.")
@click.option("--pulled-into-work", "pulled", type=pulled_into_work_choice(), default=None,
              help="Was the day pulled into daily work? no, some or most (the organizer sees the share).")
@click.option("--force", is_flag=True, help="Save it although its week is still to come.")
def log_outcome(notebook: Path, summary: str | None, summary_file: str | None, status: str, hours: str | None,
                links: tuple[str, ...], next_steps: str | None, expenses: tuple[str, ...], private: bool,
                pulled: str | None, force: bool) -> None:
    """Save the outcome of WORKBOOK: its path, or one of your workbooks of
    this week by its slug (maml) or title ("MAML").

    \b
    Example:
      ldkit log outcome workbooks/2026-W48/alice/maml.ipynb \\
          --summary "Reproduced 1-shot within 1%; 5-shot still 3% short." \\
          --status partial --hours 6 --expense "course=12.50EUR"
      ldkit log outcome maml --summary "Reproduced 1-shot within 1%."
    """
    notebook = _this_weeks(notebook)
    from ldkit.core.errors import InputError
    from ldkit.records.log import copy_warning, log_record, read_text_argument, workspace_of
    from ldkit.records.schema import outcome_data

    text = read_text_argument(summary, summary_file, "summary")
    if text is None:
        raise InputError("an outcome needs a summary", hint="give --summary TEXT or --summary-file FILE")
    workspace = workspace_of(notebook)
    data = outcome_data(text, status, hours, list(links), next_steps, list(expenses), private,
                        workspace.settings.currency, pulled)
    if not force:
        from ldkit.ledger.health import refuse_future_week
        from ldkit.records.notebook import identity, read_notebook

        refuse_future_week(workspace, identity(read_notebook(notebook), notebook))
    record, problem = log_record(notebook, "outcome", data)
    if problem:
        from ldkit.cli.base import warn

        warn(problem)
        return
    say(f"Saved the outcome of {notebook} at {record['saved_at']}")
    copied = copy_warning(notebook, record["workbook"])
    if copied:
        from ldkit.cli.base import warn

        warn(copied)


@click.command()
@notebook_argument
@json_option
def show(notebook: Path, as_json: bool) -> None:
    """Show a workbook's identity, current plan, outcome, results and history.

    \b
    Examples:
      ldkit show workbooks/2026-W48/alice/maml.ipynb
      ldkit show workbooks/2026-W48/alice/maml.ipynb --json | jq .outcome.summary
    """
    from ldkit.cli.base import emit_json, warn
    from ldkit.records.log import show_lines, show_view
    from ldkit.records.workbook import load_workbook

    workbook = load_workbook(notebook)
    for message in workbook.warnings:
        warn(message)
    view = show_view(workbook)
    if as_json:
        emit_json(view)
        return
    for line in show_lines(view, notebook):
        say(line)
