"""A workbook's papers: the metadata `ldkit new` fetched into its identity, else the arXiv id or DOI it was started
with (a paper workbook made offline). The one rule the page, the totals, the export and the site read."""
from __future__ import annotations

from typing import Any


def papers_of(identity: dict[str, Any]) -> list[dict[str, Any]]:
    """Every paper of the workbook ({id, title?, authors?, abs_url?, source?}), the main one first."""
    found = [p for p in [identity.get("paper"), *(identity.get("papers") or [])] if isinstance(p, dict) and p.get("id")]
    if found:
        return found
    params: dict[str, Any] = identity["parameters"] if isinstance(identity.get("parameters"), dict) else {}
    arxiv, doi = str(params.get("arxiv_id") or "").strip(), str(params.get("doi") or "").strip()
    if arxiv:
        return [{"id": arxiv, "source": "arxiv", "abs_url": f"https://arxiv.org/abs/{arxiv}"}]
    if doi:
        return [{"id": doi, "source": "doi", "abs_url": f"https://doi.org/{doi}"}]
    return []


def paper_of(identity: dict[str, Any]) -> dict[str, Any] | None:
    """The workbook's main paper, or None."""
    found = papers_of(identity)
    return found[0] if found else None
