"""Paper metadata from arXiv (Atom API) and DOI (content negotiation), with a disk cache and polite limits.

Network and XML libraries are imported only when a request is really made: a warm cache costs a file read.
"""
from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError, LdkitError, PaperFetchError
from ldkit.core.files import atomic_write, locked, make_folder
from ldkit.core.net import NetworkError, request
from ldkit.core.text import escape_markdown
from ldkit.records.papers import cache_dir, cache_file, cached_meta

ARXIV_API = "http://export.arxiv.org/api/query"
DOI_RESOLVER = "https://doi.org"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"

_NEW_ID = re.compile(r"^(?P<yymm>\d{4})\.(?P<num>\d{4,5})(?P<version>v\d+)?$")
_OLD_ID = re.compile(r"^(?P<archive>[a-z][a-z\-]*(?:\.[A-Z]{2})?)/(?P<num>\d{7})(?P<version>v\d+)?$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
ID_FORMS = ("an arXiv id (1803.02999, 1803.02999v2, arXiv:1803.02999, hep-th/9901001, an arxiv.org/abs or /pdf "
            "link) or a DOI (10.1000/xyz, a doi.org link)")


@dataclass(frozen=True)
class PaperRef:
    kind: str  # "arxiv" or "doi"
    id: str  # without version for arXiv
    version: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}{self.version}"

    def links(self) -> dict[str, str]:
        if self.kind == "arxiv":
            full = self.id + self.version
            return {"abs": f"https://arxiv.org/abs/{full}", "pdf": f"https://arxiv.org/pdf/{full}"}
        return {"abs": f"https://doi.org/{self.id}"}


def parse_arxiv_id(text: str) -> PaperRef:
    raw = str(text).strip()
    value = re.sub(r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/", "", raw, flags=re.I)
    value = re.sub(r"^arxiv:", "", value, flags=re.I)
    value = re.sub(r"\.pdf$", "", value).strip("/")
    match = _NEW_ID.match(value)
    if match:
        yymm, num = match.group("yymm"), match.group("num")
        month = int(yymm[2:])
        if not 1 <= month <= 12:
            raise InputError(f"'{raw}' is not an arXiv id: {yymm} is not a year and month (YYMM)",
                             hint=f"give {ID_FORMS}")
        digits = 5 if int(yymm) >= 1501 else 4
        if len(num) != digits:
            raise InputError(f"'{raw}' is not an arXiv id: ids from {'2015 on' if digits == 5 else 'before 2015'} "
                             f"have {digits} digits after the dot", hint=f"give {ID_FORMS}")
        return PaperRef("arxiv", f"{yymm}.{num}", match.group("version") or "")
    match = _OLD_ID.match(value)
    if match:
        return PaperRef("arxiv", f"{match.group('archive')}/{match.group('num')}", match.group("version") or "")
    raise InputError(f"'{raw}' is not an arXiv id", hint=f"give {ID_FORMS}")


def parse_doi(text: str) -> PaperRef:
    raw = str(text).strip()
    value = re.sub(r"^(?:https?://)?(?:dx\.)?doi\.org/", "", raw, flags=re.I)
    value = re.sub(r"^doi:\s*", "", value, flags=re.I)
    if not _DOI.match(value):
        raise InputError(f"'{raw}' is not a DOI", hint=f"give {ID_FORMS}")
    if value.lower().startswith("10.48550/arxiv."):
        return parse_arxiv_id(value.split(".", 2)[2])  # arXiv's own DOIs: ask arXiv
    return PaperRef("doi", value)


def parse_paper_id(text: str) -> PaperRef:
    """Any form a learner pastes: arXiv ids and links, DOIs and doi.org links."""
    raw = str(text).strip()
    if re.match(r"^(?:https?://)?(?:dx\.)?doi\.org/|^doi:|^10\.", raw, flags=re.I):
        return parse_doi(raw)
    return parse_arxiv_id(raw)


def is_paper_link(url: str) -> bool:
    return bool(re.match(r"^(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)/|(?:dx\.)?doi\.org/)", url,
                         flags=re.I))


# ---------------------------------------------------------------- cache

def _cache_file(ref: PaperRef) -> Path:
    return cache_file(ref.key)


def cached(ref: PaperRef) -> dict[str, Any] | None:
    return cached_meta(ref.key)  # a missing or corrupt cache entry is fetched again


def _store(ref: PaperRef, meta: dict[str, Any]) -> None:
    try:
        make_folder(_cache_file(ref).parent)
        atomic_write(_cache_file(ref), json.dumps(meta, ensure_ascii=False, indent=1))
    except LdkitError:
        pass  # a cache we cannot write only costs a request next time


# ---------------------------------------------------------------- fetching

def fetch(ref: PaperRef, use_cache: bool = True) -> dict[str, Any]:
    """Metadata for a paper: from the cache, else from arXiv or the DOI resolver. Raises PaperFetchError."""
    if use_cache:
        hit = cached(ref)
        if hit is not None:
            return hit
    meta = _fetch_arxiv(ref) if ref.kind == "arxiv" else _fetch_doi(ref)
    _store(ref, meta)
    return meta


def _arxiv_interval() -> float:
    try:
        return max(0.0, float(os.environ.get("LDKIT_ARXIV_INTERVAL", "3")))
    except ValueError:
        return 3.0


def _wait_for_arxiv_turn() -> None:
    """arXiv's terms: at most one request every 3 s, across every ldkit process on this machine."""
    stamp = cache_dir() / "arxiv-last-request"
    try:
        make_folder(stamp.parent)
        with locked(stamp, "a+") as handle:
            handle.seek(0)
            try:
                last = float(handle.read().strip() or 0)
            except ValueError:
                last = 0.0
            pause = last + _arxiv_interval() - time.time()
            if pause > 0:
                time.sleep(min(pause, _arxiv_interval()))
            handle.seek(0)
            handle.truncate()
            handle.write(str(time.time()))
    except (OSError, LdkitError):
        return


def http_get(url: str, params: dict[str, str] | None = None, headers: dict[str, str] | None = None,
             service: str = "the service", before_each: Any = None) -> tuple[int, bytes, str]:
    status, body, answer = request("GET", url, service=service, params=params, headers=headers,
                                   before_each=before_each)
    return status, body, answer.get("Content-Type", "")


def _fetch_arxiv(ref: PaperRef) -> dict[str, Any]:
    api = os.environ.get("LDKIT_ARXIV_API", ARXIV_API)
    status, body, _ = http_get(api, params={"id_list": ref.id + ref.version, "max_results": "1"},
                               service="arXiv", before_each=_wait_for_arxiv_turn)
    if status != 200:
        raise PaperFetchError(f"arXiv answered HTTP {status} for {ref.id}")
    return parse_atom(body, ref)


def parse_atom(body: bytes, ref: PaperRef) -> dict[str, Any]:
    """arXiv's Atom feed -> metadata; XML entities are refused (defusedxml), errors say what was wrong."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(body)
    except DefusedXmlException as exc:
        raise PaperFetchError(f"arXiv's answer was refused: it declares XML entities or a DTD ({type(exc).__name__}),"
                              " which could expand without limit") from None
    except ParseError as exc:
        raise PaperFetchError(f"arXiv's answer is not valid XML ({exc}); it may have been cut short") from None
    if root.tag != f"{ATOM}feed":
        raise PaperFetchError("arXiv answered with something that is not an Atom feed (an HTML page?)")
    entries = root.findall(f"{ATOM}entry")
    total = root.findtext(f"{OPENSEARCH}totalResults")
    if not entries or total == "0":
        raise PaperFetchError(f"arXiv does not know the paper {ref.id}{ref.version}")
    entry = entries[0]
    title = _clean(entry.findtext(f"{ATOM}title"))
    entry_id = entry.findtext(f"{ATOM}id") or ""
    if title.lower() == "error" or "/api/errors" in entry_id:
        raise PaperFetchError(f"arXiv does not know the paper {ref.id}{ref.version}: "
                              f"{_clean(entry.findtext(f'{ATOM}summary'))}")
    answered = re.sub(r"^https?://(www\.|export\.)?arxiv\.org/abs/", "", entry_id.strip())
    answered_id = re.sub(r"v\d+$", "", answered)
    if answered_id != ref.id:  # versions aside: asking for v2 may answer with the newest
        raise PaperFetchError(f"arXiv answered with the paper {answered or '(no id)'} when asked for "
                              f"{ref.id}{ref.version}; its metadata was not used")
    links = {"abs": "", "pdf": ""}
    for link in entry.findall(f"{ATOM}link"):
        if link.get("title") == "pdf":
            links["pdf"] = link.get("href", "")
        elif link.get("rel") == "alternate":
            links["abs"] = link.get("href", "")
    links = {k: re.sub(r"^http://(www\.)?arxiv\.org/", "https://arxiv.org/", v) or ref.links()[k]
             for k, v in links.items()}
    primary = entry.find(f"{ARXIV_NS}primary_category")
    version = re.search(r"v\d+$", entry_id)
    meta = {
        "source": "arxiv", "id": ref.id, "version": ref.version or (version.group(0) if version else ""),
        "title": title,
        "authors": [_clean(a.findtext(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author")],
        "abstract": _clean(entry.findtext(f"{ATOM}summary")),
        "published": (entry.findtext(f"{ATOM}published") or "")[:10],
        "categories": [c.get("term", "") for c in entry.findall(f"{ATOM}category") if c.get("term")],
        "primary_category": primary.get("term", "") if primary is not None else "",
        "abs_url": links["abs"], "pdf_url": links["pdf"],
        "doi": _clean(entry.findtext(f"{ARXIV_NS}doi")),
    }
    meta["bibtex"] = arxiv_bibtex(meta)
    return meta


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def arxiv_bibtex(meta: dict[str, Any]) -> str:
    """An @misc entry with eprint, archivePrefix and primaryClass, as arXiv recommends."""
    year = (meta.get("published") or "")[:4]
    first = (meta.get("authors") or ["anon"])[0].split()[-1] if meta.get("authors") else "anon"
    word = next((w for w in re.findall(r"[A-Za-z]+", meta.get("title", "")) if len(w) > 3), "paper")
    key = re.sub(r"[^A-Za-z0-9]", "", f"{first}{year}{word}").lower() or "paper"
    fields = [("title", meta.get("title", "")), ("author", " and ".join(meta.get("authors", []))), ("year", year),
              ("eprint", meta["id"]), ("archivePrefix", "arXiv"), ("primaryClass", meta.get("primary_category", "")),
              ("url", meta.get("abs_url", ""))]
    if meta.get("doi"):
        fields.append(("doi", meta["doi"]))
    body = ",\n".join(f"  {name} = {{{_bib_escape(value)}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}"


def _bib_escape(value: str) -> str:
    return value.replace("{", "\\{").replace("}", "\\}") if value.count("{") != value.count("}") else value


def _fetch_doi(ref: PaperRef) -> dict[str, Any]:
    base = os.environ.get("LDKIT_DOI_RESOLVER", DOI_RESOLVER).rstrip("/")
    url = f"{base}/{ref.id}"
    status, body, _ = http_get(url, headers={"Accept": "application/vnd.citationstyles.csl+json"},
                               service="the DOI resolver")
    if status == 404:
        raise PaperFetchError(f"the DOI resolver does not know {ref.id} (HTTP 404)")
    if status != 200:
        raise PaperFetchError(f"the DOI resolver answered HTTP {status} for {ref.id}")
    try:
        csl = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PaperFetchError(f"the DOI resolver's answer for {ref.id} is not CSL JSON") from None
    if not isinstance(csl, dict):
        raise PaperFetchError(f"the DOI resolver's answer for {ref.id} is not CSL JSON")
    answered = str(csl.get("DOI") or "").strip()
    if answered and answered.lower() != ref.id.lower():
        raise PaperFetchError(f"the DOI resolver answered with {answered} when asked for {ref.id}; "
                              "its metadata was not used")
    meta = csl_to_meta(csl, ref)
    try:
        status, bib, _ = http_get(url, headers={"Accept": "application/x-bibtex"}, service="the DOI resolver")
        if status == 200 and bib.strip().startswith(b"@"):
            meta["bibtex"] = bib.decode("utf-8", "replace").strip()
    except NetworkError:
        pass  # the CSL answer is enough; the BibTeX below is made from it
    if not meta.get("bibtex"):
        meta["bibtex"] = doi_bibtex(meta)
    return meta


def csl_to_meta(csl: dict[str, Any], ref: PaperRef) -> dict[str, Any]:
    def names(people: Any) -> list[str]:
        out = []
        for person in people if isinstance(people, list) else []:
            if isinstance(person, dict):
                out.append(_clean(" ".join(str(person.get(k, "")) for k in ("given", "family"))) or
                           _clean(str(person.get("literal", ""))))
        return [n for n in out if n]

    title = csl.get("title")
    title = title[0] if isinstance(title, list) and title else title
    issued = csl.get("issued", {}).get("date-parts", [[]]) if isinstance(csl.get("issued"), dict) else [[]]
    parts = issued[0] if issued and isinstance(issued[0], list) else []
    published = "-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts[:3])) if parts else ""
    abstract = re.sub(r"<[^>]+>", "", str(csl.get("abstract", "")))
    return {"source": "doi", "id": ref.id, "version": "", "title": _clean(str(title or "")),
            "authors": names(csl.get("author")), "abstract": _clean(abstract), "published": published,
            "categories": [str(s) for s in csl.get("subject", [])] if isinstance(csl.get("subject"), list) else [],
            "primary_category": "", "abs_url": str(csl.get("URL") or f"https://doi.org/{ref.id}"), "pdf_url": "",
            "doi": ref.id, "venue": _clean(str(csl.get("container-title") or ""))}


def doi_bibtex(meta: dict[str, Any]) -> str:
    year = (meta.get("published") or "")[:4]
    first = meta["authors"][0].split()[-1] if meta.get("authors") else "anon"
    key = re.sub(r"[^A-Za-z0-9]", "", f"{first}{year}").lower() or "paper"
    fields = [("title", meta.get("title", "")), ("author", " and ".join(meta.get("authors", []))), ("year", year),
              ("journal", meta.get("venue", "")), ("doi", meta["id"]), ("url", meta.get("abs_url", ""))]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@article{{{key},\n{body}\n}}"


def unfetched(ref: PaperRef, reason: str) -> dict[str, Any]:
    """What a workbook records when the service could not be asked: the id, the links, the gap said plainly."""
    links = ref.links()
    return {"source": ref.kind, "id": ref.id, "version": ref.version, "title": "", "authors": [], "abstract": "",
            "published": "", "categories": [], "primary_category": "", "abs_url": links["abs"],
            "pdf_url": links.get("pdf", ""), "doi": ref.id if ref.kind == "doi" else "", "bibtex": "",
            "missing": reason}


# ---------------------------------------------------------------- showing a paper in a notebook

def paper_markdown(meta: dict[str, Any], heading: str = "##") -> str:
    """The paper's block for a Markdown cell; every value escaped so $, *, _ and < show as typed."""
    ident = f"arXiv:{meta['id']}{meta.get('version', '')}" if meta.get("source") == "arxiv" else f"doi:{meta['id']}"
    missing = "*not fetched*"
    title = escape_markdown(meta["title"]) if meta.get("title") else f"{escape_markdown(ident)} ({missing})"
    lines = [f"{heading} Paper: {title}", ""]
    lines.append(f"- **Authors:** {escape_markdown(', '.join(meta['authors'])) if meta.get('authors') else missing}")
    lines.append(f"- **Published:** {meta.get('published') or missing}")
    lines.append(f"- **Id:** {escape_markdown(ident)}")
    if meta.get("categories"):
        lines.append(f"- **Categories:** {escape_markdown(', '.join(meta['categories']))}")
    if meta.get("venue"):
        lines.append(f"- **Venue:** {escape_markdown(meta['venue'])}")
    links = [f"[abstract](<{meta['abs_url']}>)"] if meta.get("abs_url") else []
    links += [f"[PDF](<{meta['pdf_url']}>)"] if meta.get("pdf_url") else []
    if meta.get("doi") and meta.get("source") == "arxiv":
        links.append(f"[DOI](<https://doi.org/{meta['doi']}>)")
    lines.append(f"- **Links:** {' · '.join(links) if links else missing}")
    if meta.get("missing"):
        lines += ["", f"> Metadata could not be fetched ({escape_markdown(meta['missing'])}). Fill in what you need "
                      "by hand, or run `ldkit paper ID` later."]
    lines += ["", "**Abstract.** " + (escape_markdown(meta["abstract"]) if meta.get("abstract") else missing)]
    return "\n".join(lines)
