"""What `ldkit new` adds to a template from links: paper metadata, a reading list, a tutorial's source."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ldkit.core.net import NetworkError
from ldkit.core.text import escape_markdown
from ldkit.workbook.papers import PaperRef, fetch, is_paper_link, paper_markdown, parse_paper_id, unfetched
from ldkit.workbook.templates import Template


@dataclass
class Enrichment:
    params: dict[str, Any] = field(default_factory=dict)
    paper: dict[str, Any] | None = None
    papers: list[dict[str, Any]] = field(default_factory=list)
    roles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # role -> cells replacing it
    title: str | None = None
    offline_title: str | None = None  # the paper's id: names the workbook when its title could not be fetched
    warnings: list[str] = field(default_factory=list)


def markdown_cell(cell_id: str, source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": source}


def _meta(ref: PaperRef, warnings: list[str]) -> dict[str, Any]:
    try:
        return fetch(ref)
    except NetworkError as exc:
        warnings.append(f"paper metadata for {ref.key} not fetched: {exc.message}; the workbook has the id and "
                        "links, the rest is marked missing")
        return unfetched(ref, exc.message)


def enrich(template: Template, arxiv: str | None, doi: str | None, url: str | None,
           params: dict[str, Any], title: str | None = None) -> Enrichment:
    """Parse every id first (a bad one is exit 2 before anything is fetched or written), then fetch."""
    out = Enrichment()
    own = {p.name for p in template.parameters}
    refs: list[PaperRef] = []
    if arxiv:
        refs.append(parse_paper_id(arxiv))
    if doi:
        refs.append(parse_paper_id(doi))
    if url and is_paper_link(url):
        refs.append(parse_paper_id(url))
    elif url:
        out.params["tutorial_url" if "tutorial_url" in own or "paper_url" not in own else "paper_url"] = url
    reading = [parse_paper_id(x) for x in str(params.get("papers", "")).split(",") if x.strip()] \
        if template.name == "reading" or "papers" in own else []

    if refs:
        ref = refs[0]
        meta = _meta(ref, out.warnings)
        out.paper = meta
        if ref.kind == "arxiv":
            out.params["arxiv_id"] = ref.id + ref.version
        if meta.get("doi") or ref.kind == "doi":
            out.params["doi"] = meta.get("doi") or ref.id
        out.params.setdefault("paper_url", meta.get("abs_url") or ref.links()["abs"])
        out.title = meta.get("title") or None
        out.offline_title = ref.id + ref.version
        out.roles["paper"] = [markdown_cell("paper", paper_markdown(meta))]
        bib = meta.get("bibtex") or "% metadata not fetched: add the BibTeX entry by hand"
        out.roles["references"] = [markdown_cell("references", f"## References\n\n```bibtex\n{bib}\n```")]
    if reading:
        cells: list[dict[str, Any]] = [markdown_cell("papers", "## Papers")]
        for n, ref in enumerate(reading, start=1):
            meta = _meta(ref, out.warnings)
            out.papers.append(meta)
            cells.append(markdown_cell(f"paper-{n}", paper_markdown(meta, heading="###")))
            cells.append(markdown_cell(f"paper-{n}-notes", "#### What it claims\n\n*…*\n\n#### Why it matters\n\n"
                                                           "*…*\n\n#### Open questions\n\n*…*"))
        out.roles["papers"] = cells
        out.roles["notes"] = []  # each paper has its own notes now
    source_url = out.params.get("tutorial_url")
    if source_url and "tutorial_url" in own:
        name = params.get("tutorial_title") or title or "the tutorial"
        out.roles["source"] = [markdown_cell("source", f"## Source\n\n[{escape_markdown(str(name))}](<{source_url}>)")]
    return out
