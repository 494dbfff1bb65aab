"""`ldkit paper ID`: a paper's metadata, BibTeX or JSON; `ldkit paper --refresh WORKBOOK` fills a workbook."""
from __future__ import annotations

from pathlib import Path

import click

from ldkit.cli.base import LdkitCommand, say


@click.command(cls=LdkitCommand)
@click.argument("paper_id", metavar="ID|WORKBOOK")
@click.option("--bibtex", "as_bibtex", is_flag=True, help="Print only the BibTeX entry.")
@click.option("--json", "as_json", is_flag=True, help="Print the metadata as one JSON document.")
@click.option("--refresh", is_flag=True, help="Ask the service again instead of using the cache; given a "
              "workbook (a .ipynb path), fill its paper's metadata.")
def paper(paper_id: str, as_bibtex: bool, as_json: bool, refresh: bool) -> None:
    """Print a paper's metadata from arXiv or its DOI.

    ID is an arXiv id or link (1803.02999, arXiv:1803.02999v2,
    https://arxiv.org/abs/1803.02999, hep-th/9901001) or a DOI (10.1000/xyz,
    https://doi.org/10.1000/xyz). Answers are cached (LDKIT_CACHE_DIR); a
    failing service is exit 1 with the reason.

    With --refresh, ID is asked again (the cache is renewed). When the
    argument is a workbook (a path ending in .ipynb), --refresh fills a paper
    workbook made offline: title, authors, abstract, links and BibTeX, in its
    metadata and in the cells ldkit wrote; cells you edited, and every
    record, are kept.

    \b
    Examples:
      ldkit paper 1803.02999
      ldkit paper 10.1038/nature14539 --bibtex >> references.bib
      ldkit paper --refresh workbooks/2026-W49/alice/1803-02999.ipynb
    """
    from ldkit.cli.base import emit_json
    from ldkit.core.errors import InputError
    from ldkit.workbook.papers import fetch, parse_paper_id

    if as_bibtex and as_json:
        raise InputError("give --bibtex or --json, not both")
    if paper_id.lower().endswith(".ipynb") or Path(paper_id).is_file():
        _refresh_workbook(Path(paper_id), refresh, as_bibtex, as_json)
        return
    meta = fetch(parse_paper_id(paper_id), use_cache=not refresh)
    if as_json:
        emit_json(meta)
    elif as_bibtex:
        say(meta.get("bibtex", ""))
    else:
        say(meta["title"])
        say(", ".join(meta.get("authors", [])))
        facts = [meta.get("published", ""), ", ".join(meta.get("categories", [])), meta.get("venue", "")]
        say(" · ".join(f for f in facts if f))
        say(meta.get("abs_url", ""))
        if meta.get("pdf_url"):
            say(meta["pdf_url"])
        say("")
        say(meta.get("abstract", ""))


def _refresh_workbook(path: Path, refresh: bool, as_bibtex: bool, as_json: bool) -> None:
    from ldkit.cli.base import emit_json, warn
    from ldkit.core.errors import InputError
    from ldkit.workbook.refresh import refresh_workbook

    if not refresh:
        raise InputError(f"{path} is a workbook, not a paper id",
                         hint=f"to fill its paper's metadata: ldkit paper --refresh {path}")
    if as_bibtex:
        raise InputError("--bibtex prints a paper's entry; give the paper's id, not a workbook")
    if not path.is_file():
        raise InputError(f"no workbook at {path}", hint="give the path `ldkit new` printed (ldkit status lists "
                                                        "this week's workbooks)")
    done = refresh_workbook(path)
    for cell in done.kept:
        warn(f"cell {cell!r} was edited since it was made: kept as it is")
    if as_json:
        emit_json({"path": str(path), "papers": done.papers, "title": done.title, "kept": done.kept})
    else:
        say(f"{path}: filled {'; '.join(done.papers)}")
