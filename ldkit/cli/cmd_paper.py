"""`ldkit paper ID`: a paper's metadata, BibTeX or JSON."""
from __future__ import annotations

import click

from ldkit.cli.base import LdkitCommand, say


@click.command(cls=LdkitCommand)
@click.argument("paper_id", metavar="ID")
@click.option("--bibtex", "as_bibtex", is_flag=True, help="Print only the BibTeX entry.")
@click.option("--json", "as_json", is_flag=True, help="Print the metadata as one JSON document.")
@click.option("--refresh", is_flag=True, help="Ask the service again instead of using the cache.")
def paper(paper_id: str, as_bibtex: bool, as_json: bool, refresh: bool) -> None:
    """Print a paper's metadata from arXiv or its DOI.

    ID is an arXiv id or link (1803.02999, arXiv:1803.02999v2,
    https://arxiv.org/abs/1803.02999, hep-th/9901001) or a DOI (10.1000/xyz,
    https://doi.org/10.1000/xyz). Answers are cached (LDKIT_CACHE_DIR); a
    failing service is exit 1 with the reason.

    \b
    Examples:
      ldkit paper 1803.02999
      ldkit paper 10.1038/nature14539 --bibtex >> references.bib
    """
    from ldkit.cli.base import emit_json
    from ldkit.core.errors import InputError
    from ldkit.workbook.papers import fetch, parse_paper_id

    if as_bibtex and as_json:
        raise InputError("give --bibtex or --json, not both")
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
