"""The week's page (index.html): one self-contained, script-free HTML file, each notebook streamed from the cache."""
from __future__ import annotations

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
    """A notebook's sanitized HTML, read from the cache only when the page reaches it."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def html(self) -> Any:
        from markupsafe import Markup

        if not self.path:
            return Markup("")
        try:
            return Markup(Path(self.path).read_text(encoding="utf-8"))  # sanitized when it was rendered
        except OSError:
            return Markup("<p class='ld-missing'>This notebook's rendering went missing; build the digest again.</p>")


def template(cache: Path | None = None) -> Any:
    return environment(cache).get_template("week.html.j2")


def chunks(model: WeekModel, cache: Path | None = None) -> Iterator[str]:
    """The page, streamed: each notebook's fragment is read from disk as it is written out."""
    notebooks = [{"author": person.author, "wb": wb, "body": Fragment(wb.fragment)}
                 for person, wb in model.workbooks()]
    return template(cache).generate(d=model, notebooks=notebooks, chart=chart(model.categories),
                                    pygments_css=pygments_css())


def write(model: WeekModel, path: Path, cache: Path | None = None) -> Path:
    atomic_write_chunks(path, chunks(model, cache))
    return path
