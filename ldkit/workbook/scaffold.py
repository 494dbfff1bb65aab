"""Make a workbook from a template: parameters injected the papermill way, identity in metadata.ldkit."""
from __future__ import annotations

import copy
import datetime as dt
import math
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldkit.core import layout
from ldkit.core.errors import InputError, WriteError
from ldkit.core.files import atomic_write, make_folder
from ldkit.core.text import escape_markdown
from ldkit.core.weeks import Week, learning_day_of
from ldkit.core.workspace import Workspace
from ldkit.records.journal import journal_path
from ldkit.records.parameters import RESERVED, assignment_lines, check_name
from ldkit.records.schema import now_rfc3339
from ldkit.records.workbook import dump_notebook
from ldkit.workbook.templates import Template, cell_tags, parameters_cell_index

IDENTITY_SCHEMA = 1
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


@dataclass
class NewWorkbook:
    path: Path
    id: str
    week: str
    author: str
    template: str
    title: str
    backup: Path | None = None
    backup_journal: Path | None = None
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {"path": str(self.path), "id": self.id, "week": self.week, "author": self.author,
                "template": self.template, "title": self.title}


def coerce_parameter(name: str, raw: str, template: Template) -> object:
    """A `-p NAME VALUE` string -> the type of the template's default (papermill's guesses otherwise)."""
    check_name(name)
    declared = {p.name: p.type for p in template.parameters}.get(name)
    if declared == "str":
        return raw
    if declared == "bool":
        lowered = raw.strip().lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
        raise InputError(f"parameter '{name}' expects true or false, not {raw!r}")
    if declared in ("int", "float"):
        try:
            return int(raw) if declared == "int" else float(raw)
        except ValueError:
            raise InputError(f"parameter '{name}' expects a{'n' if declared == 'int' else ''} {declared}, "
                             f"not {raw!r}") from None
    # papermill's -p rules: True/False/None, then int, then float, else the text itself
    if raw in ("True", "False"):
        return raw == "True"
    if raw == "None":
        return None
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        number = float(raw)
    except ValueError:
        return raw
    return number if math.isfinite(number) else raw  # "nan" and "inf" stay text: they have no literal


def injected_cell(parameters: dict[str, Any], existing_ids: set[str]) -> dict[str, Any]:
    """The `injected-parameters` cell papermill would write: a comment line, then `name = repr(value)`."""
    lines = ["# Parameters", *assignment_lines(parameters)]
    cell_id = "injected-parameters"
    while cell_id in existing_ids:
        cell_id = f"injected-parameters-{uuid.uuid4().hex[:6]}"
    return {"cell_type": "code", "execution_count": None, "id": cell_id,
            "metadata": {"tags": ["injected-parameters"]}, "outputs": [], "source": "\n".join(lines)}


def build_notebook(template: Template, identity: dict[str, Any], parameters: dict[str, Any],
                   roles: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """A clean copy of the template with the injected cell, the header filled and the identity set."""
    assert template.notebook is not None
    nb = copy.deepcopy(template.notebook)
    cells = [c for c in nb["cells"] if "injected-parameters" not in cell_tags(c)]
    for cell in cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb["cells"] = cells
    index = parameters_cell_index(nb)
    assert index is not None
    cells.insert(index + 1, injected_cell(parameters, {str(c.get("id")) for c in cells}))
    replacements = {"header": [{**_role_cell(cells, "header"), "source": header_markdown(identity, template)}],
                    **(roles or {})}
    nb["cells"] = fill_roles(cells, replacements)
    metadata = nb.setdefault("metadata", {})
    metadata.pop("ldkit_template", None)
    metadata["kernelspec"] = dict(KERNELSPEC)
    metadata["language_info"] = {"name": "python"}
    metadata["ldkit"] = identity
    nb["nbformat"], nb["nbformat_minor"] = 4, max(5, int(nb.get("nbformat_minor", 5)))
    return nb


def _role_cell(cells: list[dict[str, Any]], role: str) -> dict[str, Any]:
    for cell in cells:
        if _role(cell) == role:
            return cell
    return {"cell_type": "markdown", "id": role, "metadata": {}, "source": ""}


def _role(cell: dict[str, Any]) -> str | None:
    meta = cell.get("metadata", {}).get("ldkit")
    return meta.get("role") if isinstance(meta, dict) else None


def fill_roles(cells: list[dict[str, Any]], replacements: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Replace each cell marked `metadata.ldkit.role` with the cells given for that role (ids kept unique)."""
    taken = {str(c.get("id")) for c in cells if _role(c) not in replacements}
    out: list[dict[str, Any]] = []
    for cell in cells:
        role = _role(cell)
        if role not in replacements:
            out.append(cell)
            continue
        for new in replacements[role]:
            new = {**new, "metadata": {**new.get("metadata", {}), "ldkit": {"role": role}}}
            base, n = str(new.get("id") or role), 1
            while new.get("id") in taken or not new.get("id"):
                n += 1
                new["id"] = f"{base}-{n}"
            taken.add(new["id"])
            out.append(new)
    return out


def header_markdown(identity: dict[str, Any], template: Template) -> str:
    text = (f"{header_title_line(identity['title'])}\n\n"
            f"**{escape_markdown(identity['author'])}** · {identity['week']} · learning day "
            f"{identity['learning_day']} · *{escape_markdown(template.display_name)}*\n\n"
            f"{escape_markdown(template.description)}")
    paper = identity.get("paper")
    if isinstance(paper, dict):
        text += "\n\n" + header_paper_line(paper)
    return text


def header_title_line(title: str) -> str:
    return f"# {escape_markdown(title)}"


def header_paper_line(paper: dict[str, Any]) -> str:
    """The header's line naming the paper: its title linked, authors and year."""
    name = escape_markdown(paper.get("title") or paper.get("id", ""))
    link = f"[{name}](<{paper['abs_url']}>)" if paper.get("abs_url") else name
    authors = ", ".join(paper.get("authors") or [])
    year = (paper.get("published") or "")[:4]
    details = " · ".join(escape_markdown(x) for x in (authors, year) if x)
    return f"**Paper:** {link}" + (f" · {details}" if details else "")


def workbook_path(workspace: Workspace, week: Week, author: str, title: str) -> Path:
    path = layout.workbook_path(workspace.workbooks, week, author, title)
    if not workspace.contains(path):
        raise InputError(f"refusing to write {path}: it lies outside the workspace {workspace.root}")
    return path


def create_workbook(workspace: Workspace, template: Template, *, title: str | None, week: Week, author: str,
                    params: dict[str, Any] | None = None, force: bool = False,
                    paper: dict[str, Any] | None = None, papers: list[dict[str, Any]] | None = None,
                    roles: dict[str, list[dict[str, Any]]] | None = None) -> NewWorkbook:
    """Write a new workbook atomically; an existing file is kept (exit 2) unless `force`, then backed up."""
    title = template.display_name if title is None else title
    title = " ".join(title.split()) if title.strip() else title
    path = workbook_path(workspace, week, author, title)
    warnings: list[str] = []
    known = {p.name for p in template.parameters}
    extra = dict(params or {})
    for name in extra:
        check_name(name)
    unknown = sorted(set(extra) - known - set(RESERVED))
    if unknown:
        listed = ", ".join(p.name for p in template.parameters if p.name not in RESERVED) or "none"
        warnings.append(f"template '{template.name}' has no parameter {', '.join(map(repr, unknown))}; "
                        f"injected anyway. Its own parameters: {listed}")
    day = learning_day_of(week, workspace.weekday)
    workbook_id = str(uuid.uuid4())
    parameters: dict[str, Any] = {"title": title, "author": author, "week": str(week),
                                  "learning_day": day.isoformat(), "workbook_id": workbook_id, **extra}
    identity: dict[str, Any] = {"schema": IDENTITY_SCHEMA, "id": workbook_id, "template": template.name,
                                "title": title, "week": str(week), "learning_day": day.isoformat(),
                                "author": author, "created": now_rfc3339(), "parameters": parameters}
    if paper is not None:
        identity["paper"] = paper
    if papers:
        identity["papers"] = papers
    nb = build_notebook(template, identity, parameters, roles)
    backup = backup_journal = None
    if path.exists() or path.is_symlink():
        if not force:
            raise InputError(f"{path} already exists; nothing was written",
                             hint="choose another --title, or pass --force to replace it (the old file is kept "
                                  "as a backup beside it)")
        backup, backup_journal = _backup(path)
    make_folder(path.parent)
    check_writable(path.parent, author)
    try:
        atomic_write(path, dump_notebook(nb))
    except WriteError:
        if backup_journal is not None:  # the old notebook is still in place: give it its journal back
            os.replace(backup_journal, journal_path(path))
        raise
    return NewWorkbook(path=path, id=workbook_id, week=str(week), author=author, template=template.name,
                       title=title, backup=backup, backup_journal=backup_journal, warnings=tuple(warnings))


def check_writable(folder: Path, author: str) -> None:
    """Refuse before anything is written when the author's folder is not ours to write (a shared hub folder)."""
    import tempfile

    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".ldkit-probe-"):
            pass
    except OSError as exc:
        raise WriteError(f"cannot start a workbook in {folder}: {exc.strerror}; nothing was written",
                         hint=f"this folder is {author}'s: on a shared hub everyone writes their own folder, so check "
                              "--author (or LDKIT_AUTHOR), or ask the organizer to give you write access") from None


def _backup(path: Path) -> tuple[Path, Path | None]:
    """Keep the old workbook whole beside the new one: `<slug>.bak-<time>.ipynb` and its journal.

    The notebook is copied (it survives even if the new write fails); the journal is moved, because its records
    belong to the old workbook's id and the new workbook starts with none."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    backup = path.with_name(f"{path.stem}.bak-{stamp}.ipynb")
    n = 1
    while backup.exists() or journal_path(backup).exists():
        n += 1
        backup = path.with_name(f"{path.stem}.bak-{stamp}-{n}.ipynb")
    atomic_write(backup, path.read_bytes())
    old_journal, new_journal = journal_path(path), journal_path(backup)
    if not old_journal.exists():
        return backup, None
    try:
        os.replace(old_journal, new_journal)
    except OSError as exc:
        raise WriteError(f"cannot move {old_journal} beside the backup {backup}: {exc.strerror}; "
                         "the workbook was not replaced") from None
    return backup, new_journal
