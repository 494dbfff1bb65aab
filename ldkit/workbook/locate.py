"""Which workbook a kernel belongs to: by the injected `workbook_id`, else by the path Jupyter gives."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ldkit.core.errors import FormError, LdkitError, NotebookError, WorkspaceError  # noqa: F401 - FormError re-exported
from ldkit.core.workspace import find_workspace
from ldkit.records.notebook import identity, read_notebook


def saving_disabled() -> bool:
    """True inside `ldkit digest --execute`: a run for the digest shows forms and results but saves nothing."""
    return bool(os.environ.get("LDKIT_DIGEST_RUN"))


def kernel_namespace() -> dict[str, Any]:
    """The running kernel's user namespace, or {} outside IPython (without importing IPython there)."""
    import sys

    if "IPython" not in sys.modules:
        return {}
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _workbook_id_of(path: Path) -> str | None:
    try:
        return str(identity(read_notebook(path), path)["id"])
    except (NotebookError, KeyError):
        return None


def locate_workbook(namespace: dict[str, Any], cwd: Path, explicit: str | os.PathLike | None = None) -> Path:
    """The workbook this form saves to: by the injected `workbook_id`, else by the notebook path Jupyter gives.

    Never guesses: when neither leads to an ldkit workbook, a FormError says how to fix it.
    """
    if explicit is not None:
        path = Path(explicit)
        identity(read_notebook(path), path)  # raises a clear NotebookError if it is not a workbook
        return path
    wanted = namespace.get("workbook_id")
    wanted = wanted if isinstance(wanted, str) and wanted else None
    session = namespace.get("__session__") or os.environ.get("JPY_SESSION_NAME")
    from_session: list[Path] = []
    if session:
        given = Path(str(session))
        from_session = [given if given.is_absolute() else cwd / given, cwd / given.name]
    for path in from_session:
        if path.is_file():
            found = _workbook_id_of(path)
            if found and (wanted is None or found == wanted):
                return path
    if wanted:
        for path in _nearby_notebooks(namespace, cwd):
            if _workbook_id_of(path) == wanted:
                return path
        raise FormError(f"cannot find the workbook with workbook_id {wanted} near {cwd}; nothing was saved",
                        hint="open the notebook from its workspace folder, or call ldkit.plan(notebook='path')")
    raise FormError("this form cannot tell which workbook it belongs to (no workbook_id parameter, and Jupyter "
                    "did not say which notebook this is); nothing was saved",
                    hint="run the parameters cells above first, start the workbook with `ldkit new`, "
                         "or call ldkit.plan(notebook='path/to/workbook.ipynb')")


def _nearby_notebooks(namespace: dict[str, Any], cwd: Path) -> list[Path]:
    """The folder the kernel runs in, then the week's and author's folder of the workspace."""
    found = sorted(cwd.glob("*.ipynb"))
    try:
        workspace = find_workspace(cwd)
    except WorkspaceError:
        return found
    week, author = namespace.get("week"), namespace.get("author")
    if isinstance(week, str) and week:
        folder = workspace.week_folder(week)
        folder = folder / author if isinstance(author, str) and author and (folder / author).is_dir() else folder
        found += sorted(folder.rglob("*.ipynb"))
    return found
