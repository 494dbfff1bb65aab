"""Logging a plan or outcome from the command line, and the `show` view of a workbook."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError, WorkspaceError
from ldkit.core.layout import link_target
from ldkit.core.workspace import Workspace, find_workspace
from ldkit.records.claims import reproduced, tally, verdict
from ldkit.records.journal import journal_path
from ldkit.records.schema import make_record
from ldkit.records.workbook import Workbook, load_workbook, save_record


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
    """Validate against the workbook, then save to its journal (never rewriting the notebook: see save_record).

    Returns the record and a warning to say (None: nothing to warn about)."""
    workbook = load_workbook(Path(notebook))
    record = make_record(kind, workbook.id, workbook.author, data)
    save_record(Path(notebook), record)
    return record, None


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
