"""Logging a plan or outcome from the command line, and the `show` view of a workbook."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError, WorkspaceError
from ldkit.core.layout import link_target
from ldkit.core.text import plural
from ldkit.core.workspace import Workspace, find_workspace
from ldkit.records.claims import reproduced, tally, verdict
from ldkit.records.journal import journal_path
from ldkit.records.schema import make_record
from ldkit.records.workbook import Workbook, author_of, read_identity, save_record


def workspace_of(notebook: Path) -> Workspace:
    """The workspace holding `notebook`; writing to a file outside every workspace is refused."""
    path = Path(notebook).resolve()
    try:
        workspace = find_workspace(path.parent)
    except WorkspaceError:
        raise WorkspaceError(f"{notebook} is not inside an ldkit workspace; nothing was written",
                             hint="log to a workbook made by `ldkit new` inside a workspace") from None
    if not workspace.contains(path):
        raise WorkspaceError(f"{notebook} lies outside the workspace {workspace.root}; nothing was written")
    jpath = journal_path(Path(notebook))
    if not workspace.contains(jpath):
        raise WorkspaceError(f"{jpath} is a link to {link_target(jpath)}, outside the workspace {workspace.root}; "
                             "nothing was written", hint="replace the link with the journal file itself")
    return workspace


def log_record(notebook: Path, kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Make the record for the workbook (its id and author, from its identity alone: its records are the readers' to
    check), then save it to its journal (never rewriting the notebook: see save_record).

    Returns the record and a warning to say (None: nothing to warn about)."""
    ident = read_identity(Path(notebook))
    record = make_record(kind, str(ident["id"]), author_of(ident, Path(notebook)), data)
    save_record(Path(notebook), record)
    return record, None


def copy_warning(notebook: Path, workbook_id: str) -> str | None:
    """What to tell a person who logged to a notebook copied by hand (it carries the id of another in its folder):
    the record is saved as asked, but the copy counts as a workbook of its own, not as the next step of that one."""
    twin = _same_id(Path(notebook), workbook_id)
    if twin is None:
        return None
    return (f"{notebook} has the workbook id of {twin}: one is a copy of the other, and the digest, site and export "
            "count each as a workbook of its own. To go on from a workbook, start the next one with "
            f"`ldkit new TEMPLATE --continue {twin}`")


def _same_id(notebook: Path, workbook_id: str) -> Path | None:
    """Another notebook in `notebook`'s folder with the same workbook id (a hand copy), or None."""
    from ldkit.core.errors import LdkitError
    from ldkit.records.notebook import identity, read_notebook
    from ldkit.records.scan import notebook_files

    here = notebook.resolve()
    for other in notebook_files(notebook.parent):
        if other.resolve() == here:
            continue
        try:
            if identity(read_notebook(other), other).get("id") == workbook_id:
                return other
        except (LdkitError, OSError):
            continue
    return None


def flat(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """A record's data fields at the top level, with `saved_at` (and `author`)."""
    if record is None:
        return None
    return {**record["data"], "saved_at": record["saved_at"], "author": record.get("author")}


def show_view(workbook: Workbook) -> dict[str, Any]:
    results = []
    for record in workbook.records.results.values():
        entry = flat(record)
        assert entry is not None
        entry["reproduced"] = reproduced(record["data"])
        entry["verdict"] = verdict(record["data"])
        results.append(entry)
    return {"workbook": {**workbook.identity, "path": str(workbook.path)},
            "plan": flat(workbook.records.plan), "outcome": flat(workbook.records.outcome),
            "results": results, "tally": tally([r["data"] for r in workbook.records.results.values()]),
            "history": list(workbook.records.history),
            "newer": list(workbook.records.newer)}


def read_text_argument(value: str | None, file: str | None, label: str) -> str | None:
    """`--summary S` or `--summary-file F` (`-` for stdin), never both."""
    if value is not None and file is not None:
        raise InputError(f"give --{label} or --{label}-file, not both")
    if file is None:
        return value
    import sys

    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"--{label}-file: no such file: {file}") from None
    except UnicodeDecodeError:
        raise InputError(f"--{label}-file: {file} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"--{label}-file: cannot read {file}: {exc.strerror}") from None


def show_lines(view: dict[str, Any], notebook: object) -> list[str]:
    """`ldkit show` in words: the workbook's identity, current plan and outcome, results and history."""
    lines: list[str] = []
    ident = view["workbook"]
    lines.append(f"{ident.get('title')}  ({ident.get('template')}, {ident.get('week')}, {ident.get('author')})")
    lines.append(f"  {notebook}")
    plan = view["plan"]
    if plan:
        lines.append(f"\nPlan ({plan['visibility']}, saved {plan['saved_at']})")
        lines.append(f"  goal:      {plan['goal']}")
        lines.append(f"  category:  {plan['category']}")
        if plan["planned_hours"] is not None:
            lines.append(f"  hours:     {plan['planned_hours']:g}")
        for resource in plan["resources"]:
            lines.append(f"  resource:  {resource}")
    else:
        lines.append("\nPlan: none yet (ldkit log plan, or the form in the notebook)")
    outcome = view["outcome"]
    if outcome:
        lines.append(f"\nOutcome: {outcome['status']} ({outcome['visibility']}, saved {outcome['saved_at']})")
        if outcome["hours"] is not None:
            lines.append(f"  hours:     {outcome['hours']:g}")
        lines.append("  summary:   " + outcome["summary"].replace("\n", "\n             "))
        for link in outcome["links"]:
            lines.append(f"  link:      {link}")
        if outcome["next_steps"]:
            lines.append(f"  next:      {outcome['next_steps']}")
        for cost in outcome["expenses"]:
            lines.append(f"  expense:   {cost['item']}: {cost['amount']:g} {cost['currency']}")
    else:
        lines.append("\nOutcome: none yet")
    if view["results"]:
        lines.append(f"\nResults: {view['tally']['text']}")
        for r in view["results"]:
            tolerance = "" if r.get("tolerance") in (None, "") else f" ± {r['tolerance']}"
            lines.append(f"  {r['name']}: paper {r['paper']:g}, mine {r['mine']:g}{tolerance} -> {r['verdict']}")
    if view["history"]:
        lines.append(f"\nHistory: {plural(len(view['history']), 'earlier record')}")
    if view["newer"]:
        kinds = ", ".join(sorted({str(r.get("kind", "?")) for r in view["newer"]}))
        lines.append(f"\nWritten by a newer ldkit: {plural(len(view['newer']), 'record')} ({kinds}), kept as they "
                     "are and not counted; upgrade ldkit to read them")
    return lines
