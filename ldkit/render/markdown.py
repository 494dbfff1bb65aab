"""The one Markdown renderer of the digest (mistune): markdown cells and learner text, maths typeset as MathML.

Maths follows what JupyterLab accepts: `$…$` and `\\(…\\)` inline, `$$…$$`, `\\[…\\]` and bare
`\\begin{align|equation|gather|cases|…}` blocks as display. A `$` opens maths only when text follows it at once and
closes only after text and not before a digit (pandoc's rule), so prices such as "$5 and $10" stay text; code
spans and code blocks are never read as maths. Raw HTML in a markdown cell is kept (the whole fragment goes through
nh3 afterwards); in learner text (summaries, goals) it shows as typed.
"""
from __future__ import annotations

import base64
import html
import re
from functools import lru_cache
from typing import Any

from ldkit.render.highlight import highlight_html
from ldkit.render.mathml import math_html

_ENVIRONMENTS = ("align", "align*", "aligned", "alignat", "alignat*", "equation", "equation*", "gather",
                 "gather*", "gathered", "multline", "multline*", "split", "eqnarray", "eqnarray*", "cases",
                 "matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "array")
_ENV_NAMES = "|".join(re.escape(name) for name in _ENVIRONMENTS)

BLOCK_MATH = (
    r"^ {0,3}\$\$(?P<dollars>[\s\S]+?)\$\$[ \t]*(?:\n|$)|"
    r"^ {0,3}\\\[(?P<brackets>[\s\S]+?)\\\][ \t]*(?=\n|$)|"
    r"^ {0,3}(?P<environment>\\begin\{(?P<env>" + _ENV_NAMES + r")\}[\s\S]*?\\end\{(?P=env)\})[ \t]*(?=\n|$)"
)
INLINE_MATH = (
    r"\$\$(?P<display>(?:[^$\\]|\\.)+?)\$\$|"
    r"\$(?!\$)(?=\S)(?P<inline>(?:[^$\\\n]|\\.)+?)(?<=\S)\$(?!\d)|"
    r"\\\((?P<paren>[\s\S]+?)\\\)|"
    r"\\\[(?P<bracket>[\s\S]+?)\\\]"
)


def _parse_block_math(block: Any, m: re.Match[str], state: Any) -> int:
    tex = m.group("dollars") or m.group("brackets") or m.group("environment") or ""
    state.append_token({"type": "block_math", "raw": tex})
    return m.end()


def _parse_inline_math(inline: Any, m: re.Match[str], state: Any) -> int:
    display = m.group("display") or m.group("bracket")
    if display is not None:
        state.append_token({"type": "display_math", "raw": display})
    else:
        state.append_token({"type": "inline_math", "raw": m.group("inline") or m.group("paren") or ""})
    return m.end()


def math_plugin(md: Any) -> None:
    md.block.register("block_math", BLOCK_MATH, _parse_block_math, before="list")
    for rules in (md.block.block_quote_rules, md.block.list_rules):
        md.block.insert_rule(rules, "block_math", before="list")
    md.inline.register("inline_math", INLINE_MATH, _parse_inline_math, before="escape")


def _renderer_class() -> Any:
    import mistune

    class Renderer(mistune.HTMLRenderer):
        """HTML with MathML, highlighted code blocks, and cell attachments as data: URIs."""

        def __init__(self, escape: bool, attachments: dict[str, Any] | None = None) -> None:
            super().__init__(escape=escape)
            self.attachments = attachments or {}

        def block_math(self, text: str) -> str:
            return f'<div class="ld-math">{math_html(text, display=True)}</div>\n'

        def display_math(self, text: str) -> str:
            return math_html(text, display=True)

        def inline_math(self, text: str) -> str:
            return math_html(text, display=False)

        def block_code(self, code: str, info: str | None = None) -> str:
            language = (info or "").strip().split(None, 1)[0] if info and info.strip() else "text"
            return highlight_html(code, language)

        def image(self, text: str, url: str, title: str | None = None) -> str:
            if url.startswith("attachment:"):
                url = _attachment_uri(self.attachments, url[len("attachment:"):]) or url
            return super().image(text, url, title)

    return Renderer


def _attachment_uri(attachments: dict[str, Any], name: str) -> str | None:
    from urllib.parse import unquote

    bundle = attachments.get(name) or attachments.get(unquote(name))
    if not isinstance(bundle, dict):
        return None
    for mime in ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"):
        data = bundle.get(mime)
        if isinstance(data, list):
            data = "".join(data)
        if not isinstance(data, str):
            continue
        if mime == "image/svg+xml" and not data.lstrip().startswith(("PHN2", "PD94")):  # stored as text
            data = base64.b64encode(data.encode("utf-8")).decode("ascii")
        return f"data:{mime};base64,{''.join(data.split())}"
    return None


_parsers: dict[bool, Any] = {}
PLUGINS = ["strikethrough", "table", "task_lists", "url"]


def _markdown(escape: bool, attachments: dict[str, Any] | None) -> Any:
    import mistune

    renderer = _renderer_class()(escape=escape, attachments=attachments)
    return mistune.create_markdown(renderer=renderer, plugins=[*PLUGINS, math_plugin])


def render(text: str, *, escape: bool, attachments: dict[str, Any] | None = None) -> str:
    """Markdown -> HTML (not yet sanitized). One parser per escape mode is kept; attachments get their own."""
    if attachments:
        return str(_markdown(escape, attachments)(text or ""))
    return _render(text or "", escape)


@lru_cache(maxsize=2048)
def _render(text: str, escape: bool) -> str:
    """The same text gives the same HTML (no attachments): a collection's repeated cells (a book's header and
    navigation in every chapter) are parsed once per worker."""
    parser = _parsers.get(escape)
    if parser is None:
        parser = _parsers[escape] = _markdown(escape, None)
    return str(parser(text))


_MARKUP = re.compile(r"[\\`*_#\[\]<>!$|~&=+\-\n]|^\s*\d+[.)]|https?:|www\.|@")


@lru_cache(maxsize=4096)
def learner_html(text: str) -> str:
    """A learner's Markdown (summary, goal, next steps, a result's note) -> sanitized HTML, maths as MathML.

    Raw HTML in it shows as typed, images become links or text (it has no folder of its own)."""
    text = text or ""
    if not _MARKUP.search(text):  # plain words (most one-line goals): no parser, and nothing to sanitize
        return f"<p>{html.escape(text.strip(), quote=False)}</p>" if text.strip() else ""
    from ldkit.render.media import localise
    from ldkit.render.sanitize import sanitize

    return sanitize(localise(render(text, escape=True), None))
