"""The week's page (index.html): one self-contained, script-free HTML file, each notebook streamed from the cache."""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ldkit.core.files import atomic_write_chunks
from ldkit.core.layout import DIGEST_PAGE
from ldkit.model.week import WeekModel
from ldkit.writers.charts import category_bars as chart
from ldkit.writers.environment import environment, pygments_css

FILENAME = DIGEST_PAGE


class Fragment:
    """Where a notebook's sanitized HTML goes in the page: the template writes a mark, and `write` puts the
    cache file's bytes there as they are (a week of real notebooks is 40 MB: decoding it, wrapping it as Markup and
    encoding it again was a sixth of a digest with one notebook changed)."""

    def __init__(self, path: str | None, mark: str) -> None:
        self.path = path
        self.mark = mark

    def html(self) -> Any:
        from markupsafe import Markup

        return Markup(self.mark)

    def data(self) -> bytes:
        if not self.path:
            return b""
        try:
            return Path(self.path).read_bytes()  # sanitized when it was rendered
        except OSError:
            return MISSING


MISSING = b"<p class='ld-missing'>This notebook's rendering went missing; build the digest again.</p>"


def template(cache: Path | None = None) -> Any:
    return environment(cache).get_template("week.html.j2")


def chunks(model: WeekModel, cache: Path | None = None) -> Iterator[bytes]:
    """The page, streamed: each notebook's fragment is read from disk, as bytes, when the page reaches it (the
    page around them is rendered as one text first).

    A fragment's place is an HTML comment holding a random token made for this page: escaped text can hold no
    "<", and the sanitized fragments hold no comments, so only the template's marks are ever replaced."""
    token = secrets.token_hex(16)
    bodies = [Fragment(wb.fragment, f"<!--ldkit-fragment:{token}:{n}-->")
              for n, (_, wb) in enumerate(model.workbooks())]
    notebooks = [{"author": person.author, "wb": wb, "body": body}
                 for (person, wb), body in zip(model.workbooks(), bodies, strict=True)]
    mark = re.compile(f"<!--ldkit-fragment:{token}:([0-9]+)-->")
    # rendered whole, then cut at the marks: without the fragments a company's week is ~2 MB of text, and taking
    # Jinja's ~57,000 pieces one by one (a search, an encode and a write each) was a tenth of a one-changed site
    text = template(cache).render(d=model, notebooks=notebooks, chart=chart(model.categories),
                                  pygments_css=pygments_css())
    start = 0
    for found in mark.finditer(text):
        yield text[start:found.start()].encode("utf-8")
        yield bodies[int(found.group(1))].data()
        start = found.end()
    yield text[start:].encode("utf-8")


def write(model: WeekModel, path: Path, cache: Path | None = None) -> Path:
    atomic_write_chunks(path, chunks(model, cache))
    return path
