"""Code highlighting for the digest: one Pygments formatter and one lexer per language, per process.

nbconvert builds a new HtmlFormatter (and lexer) for every code cell; both are stateless between calls.
A regex lexer's states are each matched with one compiled alternation of their rules (`fast_tokens`): the same
first-rule-wins order as Pygments' loop over the rules, in C instead of ~40 Python calls per token, so the same
tokens come out in a fraction of the time (highlighting was ~40% of a cold render of real notebooks).
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ldkit.render.cache import KeptConversions, StoreSlot

CSS_CLASS = "highlight"


@lru_cache(maxsize=1)
def formatter() -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(cssclass=CSS_CLASS)


@lru_cache(maxsize=1)
def _notebook_python_lexer() -> type:
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

    return NotebookPythonLexer


_UNSAFE_IN_ALTERNATION = re.compile(r"\\[1-9]|\(\?P[<=]|\(\?\(|\(\?[aiLmsux]+\)")
_LEADING_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


class _Shifted:
    """A match seen through one rule's groups: group i of the rule is group `at + i` of the alternation."""

    __slots__ = ("m", "at", "count")

    def __init__(self, m: re.Match[str], at: int, count: int) -> None:
        self.m, self.at, self.count = m, at, count

    def group(self, i: int = 0) -> Any:
        return self.m.group(self.at + i)

    def start(self, i: int = 0) -> int:
        return self.m.start(self.at + i)

    def end(self, i: int = 0) -> int:
        return self.m.end(self.at + i)

    def groups(self) -> tuple[Any, ...]:
        return tuple(self.m.group(self.at + 1 + k) for k in range(self.count))


def _combined(rules: list[Any], flags: int) -> tuple[str, dict[int, Any]] | None:
    """One alternation for a state's rules, with a table from the wrapping group's number to the rule; or None
    when a rule cannot sit in an alternation unchanged (back-references, named groups, conditionals)."""
    if flags & re.VERBOSE:  # a rule may end in a `# comment`, which would swallow the group's closing parenthesis
        return None
    parts, table, group = [], {}, 1
    for rexmatch, action, new_state in rules:
        compiled = getattr(rexmatch, "__self__", None)
        if not isinstance(compiled, re.Pattern) or not isinstance(compiled.pattern, str):
            return None
        pattern = compiled.pattern
        if pattern:
            if compiled.flags != re.compile(pattern, flags).flags or compiled.flags & re.VERBOSE:  # flags of its own
                return None
            leading = _LEADING_FLAGS.match(pattern)
            if leading:  # a global (?i) at its start holds for this rule only: scoped, it means the same
                pattern = f"(?{leading.group(1)}:{pattern[leading.end():]})"
            if _UNSAFE_IN_ALTERNATION.search(pattern):
                return None
        count = compiled.groups
        parts.append(f"({pattern})")
        table[group] = (group, count, action, new_state)
        group += 1 + count
    return "|".join(parts), table


def fast_tokens(lexer: Any) -> Any:
    """`lexer` with Pygments' RegexLexer loop replaced by one alternation per state (same tokens, same states);
    a lexer of another kind, or with a state that cannot be combined, is returned as it is."""
    from pygments.lexer import RegexLexer
    from pygments.token import Error, Whitespace, _TokenType

    if not isinstance(lexer, RegexLexer) or type(lexer).get_tokens_unprocessed is not \
            RegexLexer.get_tokens_unprocessed:
        return lexer
    plans = {}
    for name, rules in lexer._tokens.items():
        plan = _combined(rules, lexer.flags)
        if plan is None:
            return lexer
        plans[name] = plan

    class States(dict):
        """Each state's alternation compiled when the text first enters it: compiling them all up front cost
        more than highlighting one notebook (a process that renders one changed notebook pays it)."""

        def __missing__(self, name: str) -> Any:
            pattern, table = plans[name]
            self[name] = found = (re.compile(pattern, lexer.flags).match, table)
            return found

    states = States()

    def get_tokens_unprocessed(text: str, stack: Any = ("root",)) -> Any:
        pos = 0
        statestack = list(stack)
        match, table = states[statestack[-1]]
        while True:
            m = match(text, pos)
            if m is not None:
                at, count, action, new_state = table[m.lastindex]
                if action is not None:
                    if type(action) is _TokenType:
                        yield pos, action, m.group()
                    else:
                        yield from action(lexer, _Shifted(m, at, count))
                pos = m.end()
                if new_state is not None:
                    if isinstance(new_state, tuple):
                        for state in new_state:
                            if state == "#pop":
                                if len(statestack) > 1:
                                    statestack.pop()
                            elif state == "#push":
                                statestack.append(statestack[-1])
                            else:
                                statestack.append(state)
                    elif isinstance(new_state, int):
                        if abs(new_state) >= len(statestack):
                            del statestack[1:]
                        else:
                            del statestack[new_state:]
                    elif new_state == "#push":
                        statestack.append(statestack[-1])
                    match, table = states[statestack[-1]]
                continue
            if pos >= len(text):
                break
            if text[pos] == "\n":
                statestack = ["root"]
                match, table = states["root"]
                yield pos, Whitespace, "\n"
            else:
                yield pos, Error, text[pos]
            pos += 1

    lexer.get_tokens_unprocessed = get_tokens_unprocessed
    return lexer


# Compiling a state's alternation costs about what it saves on ~100 KB of code: a process switches to the combined
# lexers only after this much (a cold build's workers soon do; one changed notebook never pays for them)
FAST_AFTER = 150_000
_volume = 0


def lexer(language: str) -> Any:
    """This process's lexer for `language`: Pygments' own at first, the combined one (same tokens) once the
    process has highlighted FAST_AFTER characters."""
    return fast_lexer(language) if _volume >= FAST_AFTER else plain_lexer(language)


@lru_cache(maxsize=64)
def plain_lexer(language: str) -> Any:
    return _new_lexer(language)


@lru_cache(maxsize=64)
def fast_lexer(language: str) -> Any:
    return fast_tokens(_new_lexer(language))


def _new_lexer(language: str) -> Any:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    if language in ("ipython3", "ipython", "python", "python3", "py"):
        return _notebook_python_lexer()()
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        from pygments.lexers.special import TextLexer

        return TextLexer()


HIGHLIGHT_VERSION = 1  # of the lexers and formatter set up here; part of every kept highlight's key


class HighlightStore(KeptConversions):
    """Code cells highlighted before, by language and source: a notebook edited in one cell has its other cells
    from here (highlighting was ~60% of rendering a real notebook again)."""

    def __init__(self, path: Path) -> None:
        try:
            from importlib.metadata import version

            prefix = f"{HIGHLIGHT_VERSION}/{version('pygments')}/"
        except Exception:
            prefix = f"{HIGHLIGHT_VERSION}/?/"
        super().__init__(path, "highlights", "html", prefix)

    def key(self, source: str, language: str) -> str:
        return self.prefix + hashlib.sha256(f"{language}\0{source}".encode("utf-8", "surrogatepass")).hexdigest()


_slot = StoreSlot(HighlightStore)  # this process's kept conversions (render workers open it)
use_store, flush_store = _slot.use, _slot.flush


def highlight_html(source: str, language: str | None = "ipython3", metadata: Any = None) -> str:
    """`<div class="highlight"><pre>…</pre></div>` for a code cell or a fenced block."""
    from pygments import highlight

    language = (language or "ipython3").strip().lower()
    if language.startswith("ipython") and metadata and "magics_language" in metadata:
        language = str(metadata["magics_language"])
    store: HighlightStore | None = _slot.store
    key = store.key(source or " ", language) if store is not None else ""
    if store is not None:
        known = store.get(key)
        if known is not None:
            return known
    global _volume
    _volume += len(source or "")
    out = highlight(source or " ", lexer(language), formatter())
    if store is not None:
        store.new[key] = out
    return out


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The token colours' CSS: made once per process (~5 ms), for the page and for the sanitizer's classes."""
    return formatter().get_style_defs(f".{CSS_CLASS}")
