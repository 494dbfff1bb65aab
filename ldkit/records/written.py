"""What a person wrote in a workbook's cells: every line that is not its template's (or ldkit's) boilerplate.

A line counts as written when no cell of the workbook's template has it (compared without surrounding space), so a
cell the learner added counts whole, and an edited template cell counts by the lines the learner changed. Cells
ldkit fills itself (the header, the paper's block, the injected parameters) never count: their text reaches search
through the title and the papers.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ldkit.core.layout import template_files

GENERATED_ROLES = ("header", "paper")  # cells ldkit writes whole from the identity
GENERATED_TAGS = ("injected-parameters", "parameters")
# lines ldkit itself writes into cells of other roles (the reading list's notes, the references)
GENERATED_LINES = frozenset({"## Papers", "#### What it claims", "#### Why it matters", "#### Open questions", "*…*",
                             "## References", "```bibtex", "```", "## Source",
                             "% metadata not fetched: add the BibTeX entry by hand"})


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


@lru_cache(maxsize=64)
def _template_lines(path: Path, stamp: float) -> frozenset[str]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    cells = nb.get("cells") if isinstance(nb, dict) else None
    return frozenset(line.strip() for cell in cells or [] if isinstance(cell, dict)
                     for line in _source(cell).splitlines() if line.strip())


def boilerplate(template: str, workspace_templates: Path | None = None) -> frozenset[str]:
    """Every line of the template named `template` (the workspace's copy and the built-in one) and ldkit's own."""
    lines = set(GENERATED_LINES)
    for path, stamp in template_files(template, workspace_templates):
        lines |= _template_lines(path, stamp)
    return frozenset(lines)


def written_text(nb: dict[str, Any], template: str, workspace_templates: Path | None = None,
                 limit: int | None = None) -> str:
    """The text the learner wrote in the notebook's markdown and code cells, template lines left out."""
    known = boilerplate(template, workspace_templates)
    parts: list[str] = []
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("markdown", "code"):
            continue
        meta: dict[str, Any] = cell["metadata"] if isinstance(cell.get("metadata"), dict) else {}
        own: dict[str, Any] = meta["ldkit"] if isinstance(meta.get("ldkit"), dict) else {}
        role = own.get("role")
        tags: list[Any] = meta["tags"] if isinstance(meta.get("tags"), list) else []
        if role in GENERATED_ROLES or any(tag in GENERATED_TAGS for tag in tags):
            continue
        lines = [line for line in _source(cell).splitlines() if line.strip() and line.strip() not in known]
        if lines:
            parts.append("\n".join(lines))
    text = "\n\n".join(parts)
    return text[:limit] if limit is not None else text
