"""`ldkit paper --refresh WORKBOOK`: fill a paper workbook made offline, once the service answers.

The paper's metadata (and each reading-list paper's) is asked again; the identity gets it, and the cells ldkit wrote
for the missing metadata (the paper block, the references, a header naming the paper by its id) are rewritten —
but only those the learner has not edited since. Every other cell, output and record stays as it was; the write
happens under the journal's lock, as `ldkit log`'s does, and is atomic.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError
from ldkit.core.files import atomic_write
from ldkit.records import journal
from ldkit.records.notebook import identity as read_identity
from ldkit.records.notebook import read_notebook
from ldkit.records.workbook import dump_notebook
from ldkit.workbook.papers import PaperRef, fetch, paper_markdown, parse_paper_id
from ldkit.workbook.scaffold import header_paper_line, header_title_line

NOT_FETCHED_BIB = "% metadata not fetched: add the BibTeX entry by hand"


@dataclass
class Refreshed:
    path: Path
    papers: list[str] = field(default_factory=list)  # titles now known
    kept: list[str] = field(default_factory=list)  # cells left alone because the learner edited them
    title: str | None = None  # the workbook's new title, when it was only the paper's id


def _ref(meta: Any, params: dict[str, Any]) -> PaperRef | None:
    if isinstance(meta, dict) and meta.get("id"):
        return parse_paper_id(f"{meta['id']}{meta.get('version') or ''}" if meta.get("source") == "arxiv"
                              else f"doi:{meta['id']}")
    for name in ("arxiv_id", "doi"):
        if str(params.get(name) or "").strip():
            return parse_paper_id(("doi:" if name == "doi" else "") + str(params[name]).strip())
    return None


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _replace(cell: dict[str, Any], written: str, new: str, kept: list[str]) -> None:
    """Rewrite a cell ldkit wrote, unless the learner changed it since."""
    if _source(cell) == written:
        cell["source"] = new
    elif _source(cell) != new:
        kept.append(str(cell.get("id") or "a cell"))


def refresh_workbook(path: Path) -> Refreshed:
    """Ask the services again for every paper of the workbook and fill what was missing. Raises InputError for a
    workbook with no paper id (exit 2) and NetworkError when the service still does not answer (exit 1); either
    way nothing is written."""
    path = Path(path)
    nb = read_notebook(path)
    ident = read_identity(nb, path)
    given = ident.get("parameters")
    params: dict[str, Any] = given if isinstance(given, dict) else {}
    main = _ref(ident.get("paper"), params)
    reading = [(n, _ref(meta, {})) for n, meta in enumerate(ident.get("papers") or [], start=1)]
    if main is None and not any(ref for _, ref in reading):
        raise InputError(f"{path.name} has no paper id to fetch (it was started with --title only); nothing changed",
                         hint="start a paper workbook with --arxiv ID or --doi DOI, or look a paper up with "
                              "`ldkit paper ID`")
    fetched_main = fetch(main, use_cache=False) if main is not None else None
    fetched = {n: fetch(ref, use_cache=False) for n, ref in reading if ref is not None}  # all asked before writing
    done = Refreshed(path)
    with journal.locked(journal.journal_path(path)):
        nb = read_notebook(path)  # again, under the lock: a record saved meanwhile is kept
        meta = nb.setdefault("metadata", {}).setdefault("ldkit", {})
        cells = [c for c in nb.get("cells", []) if isinstance(c, dict)]
        by_id = {str(c.get("id")): c for c in cells}
        if fetched_main is not None and main is not None:
            old = meta.get("paper") if isinstance(meta.get("paper"), dict) else None
            if old is not None and "paper" in by_id:
                _replace(by_id["paper"], paper_markdown(old), paper_markdown(fetched_main), done.kept)
            if "references" in by_id and fetched_main.get("bibtex"):
                _replace(by_id["references"], f"## References\n\n```bibtex\n{NOT_FETCHED_BIB}\n```",
                         f"## References\n\n```bibtex\n{fetched_main['bibtex']}\n```", done.kept)
            header = next((c for c in cells if (c.get("metadata", {}).get("ldkit") or {}).get("role")
                           == "header"), None)
            if header is not None and old is not None:
                text = _source(header).replace(header_paper_line(old), header_paper_line(fetched_main))
                offline_title = main.id + main.version
                if str(meta.get("title") or "") == offline_title and fetched_main.get("title"):
                    done.title = str(fetched_main["title"])[:200]  # it was named by the id only: now by the title
                    meta["title"] = done.title
                    first = header_title_line(offline_title) + "\n"
                    if text.startswith(first):
                        text = header_title_line(done.title) + "\n" + text[len(first):]
                header["source"] = text
            meta["paper"] = fetched_main
            done.papers.append(str(fetched_main.get("title") or main.id))
        papers = list(meta.get("papers") or [])
        for n, new in fetched.items():
            old = papers[n - 1]
            if f"paper-{n}" in by_id and isinstance(old, dict):
                _replace(by_id[f"paper-{n}"], paper_markdown(old, heading="###"), paper_markdown(new, heading="###"),
                         done.kept)
            papers[n - 1] = new
            done.papers.append(str(new.get("title") or new.get("id")))
        if papers:
            meta["papers"] = papers
        atomic_write(path, dump_notebook(nb))
    return done
