"""Assemble the digest: one self-contained HTML page (Jinja2, strict CSP), Markdown for chat, and JSON."""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from ldkit.digest.model import one_line
from ldkit.digest.sanitize import sanitize

TEMPLATES = Path(__file__).with_name("templates")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; form-action 'none'; base-uri 'none'"
_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.I)


_MARKUP = re.compile(r"[\\`*_#\[\]<>!$|~&=+\-\n]|^\s*\d+[.)]|https?:|www\.|@")


@lru_cache(maxsize=4096)
def markdown_html(text: str) -> str:
    """A learner's Markdown -> sanitized HTML, maths as MathML (raw HTML in it shows as text; images as links)."""
    text = text or ""
    if not _MARKUP.search(text):  # plain words (most one-line goals): no parser, and nothing to sanitize
        return f"<p>{html.escape(text.strip(), quote=False)}</p>" if text.strip() else ""
    from ldkit.digest.markdown import render
    from ldkit.digest.media import localise

    return sanitize(localise(render(text, escape=True), None))


def _environment(cache: Path | None = None) -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    from ldkit.digest.cache import bytecode_cache

    bytecode = bytecode_cache(cache) if cache is not None else None  # compiling the page costs ~50 ms a run
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True, bytecode_cache=bytecode)
    env.filters["markdown"] = lambda text: Markup(markdown_html(text))
    env.filters["safe_url"] = lambda url: url if isinstance(url, str) and _SAFE_URL.match(url.strip()) else None
    env.filters["hours"] = lambda h: "" if h is None else f"{h:g} h"
    env.filters["amount"] = lambda a: f"{float(a):,.2f}"
    return env


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
            return Markup("<p class='missing'>This notebook's rendering went missing; build the digest again.</p>")


def _pygments_css() -> str:
    from ldkit.digest.highlight import stylesheet

    return stylesheet()


def chart(categories: dict[str, int]) -> dict[str, Any]:
    """Bar geometry for the inline SVG chart of categories."""
    top = max(categories.values(), default=0)
    bars = [{"name": name, "count": count, "width": 0 if not top else round(300 * count / top)}
            for name, count in categories.items()]
    return {"bars": bars, "height": 26 * len(bars) + 8}


_template: Any = None


def page_template(cache: Path | None = None) -> Any:
    global _template
    if _template is None:
        _template = _environment(cache).get_template("digest.html.j2")
    return _template


def html_chunks(model: dict[str, Any], cache: Path | None = None) -> Iterator[str]:
    """The page, streamed: each notebook's fragment is read from disk as it is written out."""
    notebooks = [{"author": p["author"], **wb, "body": Fragment(wb["fragment"])}
                 for p in model["people"] for wb in p["workbooks"]]
    from markupsafe import Markup

    template = page_template(cache)
    # the CSP is our constant: Markup keeps its quotes literal in the attribute
    return template.generate(d=model, notebooks=notebooks, csp=Markup(CSP), chart=chart(model["categories"]),
                             pygments_css=_pygments_css())


def markdown_text(model: dict[str, Any]) -> str:
    """Chat-ready: one line per person (first sentence of the summary, status, hours) and the totals."""
    t = model["totals"]
    lines = [f"*Learning Day {model['week']}* ({model['learning_day']}): {t['people']} took part, "
             f"{t['planned']} planned, {t['summarized']} summarized, {t['hours']:g} h"]
    if t["results"]["total"]:
        lines[0] += f", {t['results']['text']}"
    for person in model["people"]:
        for wb in person["workbooks"]:
            what, note = one_line(wb)
            text = f"{what} ({note})" if what else f"({note})"
            lines.append(f"• *{_md(person['author'])}* — {_md(wb['title'])}: {_md(text)}")
    missing = model["accountability"]["no_workbook"]
    if missing:
        lines.append(f"No workbook this week: {', '.join(_md(a) for a in missing)}")
    if model["problems"]:
        lines.append(f"{len(model['problems'])} file(s) could not be read; see the digest.")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Chat text is plain: neutralise markup and mentions (<!channel>, @here) a summary could carry."""
    return str(text).replace("<", "‹").replace(">", "›").replace("@", "@\u200b").replace("*", "∗")


def json_text(model: dict[str, Any]) -> str:
    clean = {k: v for k, v in model.items()}
    clean["people"] = [{**p, "workbooks": [{k: v for k, v in wb.items() if k != "fragment"}
                                           for wb in p["workbooks"]]} for p in model["people"]]
    return json.dumps(clean, ensure_ascii=False, indent=2) + "\n"
