"""Code highlighting for the digest: one Pygments formatter and one lexer per language, per process.

nbconvert builds a new HtmlFormatter (and lexer) for every code cell; both are stateless between calls.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

CSS_CLASS = "highlight"


@lru_cache(maxsize=1)
def formatter() -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(cssclass=CSS_CLASS)


@lru_cache(maxsize=1)
def _notebook_python_lexer() -> Any:
    """Python with IPython's line magics, shell escapes and help marks as their own tokens.

    IPython's own lexer costs ~90 ms to import (it imports IPython); code cells need only these few rules."""
    from pygments.lexer import bygroups, inherit
    from pygments.lexers.python import PythonLexer
    from pygments.token import Keyword, Operator, Text, Whitespace

    class NotebookPythonLexer(PythonLexer):
        name = "Python (notebook)"
        aliases: list[str] = []
        tokens = {"root": [
            (r"(?m)^(\s*)(%%?[A-Za-z_]\w*)(.*)$", bygroups(Whitespace, Keyword, Text)),
            (r"(?m)^(\s*)(!!?)(.*)$", bygroups(Whitespace, Operator, Text)),
            (r"(?m)^(\s*[\w.]+)(\?\??)(\s*)$", bygroups(Text, Operator, Whitespace)),
            inherit,
        ]}

    return NotebookPythonLexer()


@lru_cache(maxsize=64)
def lexer(language: str) -> Any:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    if language in ("ipython3", "ipython", "python", "python3", "py"):
        return _notebook_python_lexer()
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        from pygments.lexers.special import TextLexer

        return TextLexer()


def highlight_html(source: str, language: str | None = "ipython3", metadata: Any = None) -> str:
    """`<div class="highlight"><pre>…</pre></div>` for a code cell or a fenced block."""
    from pygments import highlight

    language = (language or "ipython3").strip().lower()
    if language.startswith("ipython") and metadata and "magics_language" in metadata:
        language = str(metadata["magics_language"])
    return highlight(source or " ", lexer(language), formatter())


def stylesheet() -> str:
    return formatter().get_style_defs(f".{CSS_CLASS}")
