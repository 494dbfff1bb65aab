"""Starting a workbook: the one path `ldkit new` and the home notebook's Start button both take."""
from __future__ import annotations

from typing import Any

from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace
from ldkit.workbook.scaffold import NewWorkbook, coerce_parameter, create_workbook
from ldkit.workbook.templates import get_template


def start_workbook(workspace: Workspace, template: str, *, title: str | None, week: Week, author: str,
                   arxiv: str | None = None, doi: str | None = None, url: str | None = None,
                   params: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (),
                   force: bool = False) -> tuple[NewWorkbook, list[str]]:
    """Make the workbook (metadata fetched for papers and tutorials); returns it and the warnings to show."""
    chosen = get_template(template, workspace.templates)
    values = {name: coerce_parameter(name, value, chosen) for name, value in params}
    warnings: list[str] = []
    extra: Any = None
    # `-p arxiv_id ID` / `-p doi DOI` are the same request as --arxiv / --doi: the metadata is fetched for them too
    if arxiv is None and doi is None and url is None:
        arxiv = str(values.get("arxiv_id") or "").strip() or None
        doi = None if arxiv else str(values.get("doi") or "").strip() or None
        if arxiv or doi:
            values.pop("arxiv_id" if arxiv else "doi")  # enrich writes the id back in its normal form
    if arxiv or doi or url or "papers" in values:
        from ldkit.workbook.enrich import enrich

        extra = enrich(chosen, arxiv, doi, url, values, title)
        warnings.extend(extra.warnings)
    if title is None and extra is not None and (extra.title or extra.offline_title):
        title = (extra.title or extra.offline_title)[:200]  # offline: named by the paper's id, not the template
    made = create_workbook(workspace, chosen, title=title, week=week, author=author,
                           params={**(extra.params if extra else {}), **values}, force=force,
                           paper=extra.paper if extra else None, papers=extra.papers if extra else None,
                           roles=extra.roles if extra else None)
    warnings.extend(made.warnings)
    return made, warnings
