"""THE rule of a workbook's papers, and the read side of the paper-metadata cache it names them from.

A workbook's papers are: the paper it was started for (`metadata.ldkit.paper`, else the `arxiv_id` or `doi` it was
given), else — a paper template started with only `--title` — the paper named by its title; then every paper of its
reading list (`metadata.ldkit.papers`). A paper whose metadata was not fetched when the workbook was made is titled
from the cache (`ldkit paper ID` or `ldkit paper --refresh WORKBOOK` fill it), else shown by its id. The digest, the
totals, the site's papers log, search and export all ask `workbook_papers`; none reads the identity's paper keys.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldkit.core.usercache import user_cache

PAPER_TEMPLATES = ("paper",)  # templates whose workbook is about one paper even without an id
PAPER_PARAMETERS = ("arxiv_id", "doi", "paper_url")  # a template with one of these is a paper template too


@dataclass(frozen=True)
class PaperOf:
    """One paper of a workbook, as every output names it."""

    source: str  # "arxiv", "doi", or "" for a paper known only by the workbook's title
    id: str  # without its arXiv version; "" when only the title names it
    title: str  # the paper's title (fetched or cached), else "" (show `label`)
    authors: tuple[str, ...] = ()
    abs_url: str = ""

    @property
    def key(self) -> str:
        """The same paper in two workbooks has the same key: its id, else its title in lower case."""
        return f"{self.source}:{self.id}" if self.id else "title:" + " ".join(self.title.lower().split())

    @property
    def label(self) -> str:
        """How a page heads it: its title when known, else its id."""
        return self.title or self.id


def cache_dir() -> Path:
    """Where paper metadata is cached: the user's cache, shared by their workspaces (one answer per paper)."""
    return user_cache()


def cache_file(key: str) -> Path:
    """`arxiv:1803.02999` -> the file that caches its metadata."""
    return cache_dir() / "papers" / (re.sub(r"[^A-Za-z0-9._-]", "_", key) + ".json")


def cached_meta(key: str) -> dict[str, Any] | None:
    """The cached metadata for a paper key (`arxiv:ID[vN]`, `doi:DOI`), or None (missing or corrupt)."""
    try:
        data = json.loads(cache_file(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("title") else None


def _split_version(source: str, ident: str) -> tuple[str, str]:
    ident = re.sub(r"^arxiv:", "", ident.strip(), flags=re.I) if source == "arxiv" else ident.strip()
    match = re.match(r"^(.*?)(v\d+)$", ident) if source == "arxiv" else None
    return (match.group(1), match.group(2)) if match else (ident, "")


def _paper(meta: dict[str, Any]) -> PaperOf | None:
    source = str(meta.get("source") or "")
    ident, version = _split_version(source, str(meta.get("id") or ""))
    if not ident:
        return None
    version = str(meta.get("version") or version)
    title, authors, url = str(meta.get("title") or ""), meta.get("authors") or [], str(meta.get("abs_url") or "")
    if not title:
        hit = cached_meta(f"{source}:{ident}{version}") or (cached_meta(f"{source}:{ident}") if version else None)
        if hit:
            title, authors, url = str(hit.get("title") or ""), hit.get("authors") or authors, url or hit.get(
                "abs_url", "")
    if not url:
        url = f"https://arxiv.org/abs/{ident}{version}" if source == "arxiv" else f"https://doi.org/{ident}"
    return PaperOf(source, ident, " ".join(title.split()),
                   tuple(str(a) for a in authors if a) if isinstance(authors, list) else (), url)


def _parameters(identity: dict[str, Any]) -> dict[str, Any]:
    params = identity.get("parameters")
    return params if isinstance(params, dict) else {}


def is_paper_workbook(identity: dict[str, Any]) -> bool:
    params = _parameters(identity)
    return (str(identity.get("template") or "") in PAPER_TEMPLATES or isinstance(identity.get("paper"), dict)
            or any(params.get(name) for name in PAPER_PARAMETERS))


def workbook_papers(identity: dict[str, Any]) -> list[PaperOf]:
    """Every paper of a workbook (by its identity), the one it is about first; see the module's rule."""
    found: list[PaperOf] = []
    params = _parameters(identity)
    main = identity.get("paper")
    first = _paper(main) if isinstance(main, dict) else None
    if first is None:
        arxiv, doi = str(params.get("arxiv_id") or "").strip(), str(params.get("doi") or "").strip()
        if arxiv:
            first = _paper({"source": "arxiv", "id": arxiv})
        elif doi:
            first = _paper({"source": "doi", "id": doi})
    if first is None and is_paper_workbook(identity) and str(identity.get("title") or "").strip():
        first = PaperOf("", "", " ".join(str(identity["title"]).split()), (), str(params.get("paper_url") or ""))
    if first is not None:
        found.append(first)
    for meta in identity.get("papers") or []:
        paper = _paper(meta) if isinstance(meta, dict) else None
        if paper is not None and paper.key not in {p.key for p in found}:
            found.append(paper)
    return found
