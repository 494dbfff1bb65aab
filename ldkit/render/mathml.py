"""TeX to MathML at build time, so a page that runs no script still shows typeset maths (browsers render MathML).

latex2mathml is the converter: pure Python, well kept, ~0.1 ms a formula, and it covers what notebooks use (fractions,
sums, accents, matrices, `align`, `cases`). Where it cannot typeset a formula — it raises, or its output still holds
a raw `\\command` — the TeX source is shown in a <code> element saying so, never a silently broken formula.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

from ldkit.render.cache import KeptConversions, StoreSlot

# environments latex2mathml lacks, said in ones it has (alignment points and rows keep their meaning)
_ENV_ALIASES = {  # JupyterLab's MathJax numbers no equations: neither do we
    "align": "align*", "aligned": "align*", "alignat": "align*", "alignat*": "align*", "split": "align*",
    "eqnarray": "align*", "eqnarray*": "align*", "flalign": "align*", "flalign*": "align*",
    "gather": "gathered", "gather*": "gathered", "multline": "gathered", "multline*": "gathered",
    "equation": "", "equation*": "", "displaymath": "", "math": "",
}
_BEGIN_END = re.compile(r"\\(begin|end)\{([A-Za-z]+\*?)\}(\{\d+\})?")
_DROP = re.compile(r"\\(?:label|nonumber|notag|nolimits|vspace\*?|hspace\*?)(?![A-Za-z])(?:\{[^{}]*\})?")
_OPERATOR_NAMES = re.compile(r"\\(arg)(?![A-Za-z])")  # log-like names the converter lacks
# a sized delimiter given as a command (\big\vert): the converter passes the command through as text
_SIZED = re.compile(r"(\\(?:big|Big|bigg|Bigg)[lrm]?)\s*\\(vert|Vert|\||lvert|rvert|lVert|rVert|langle|rangle|"
                    r"lbrace|rbrace|\{|\}|lfloor|rfloor|lceil|rceil)(?![A-Za-z])")
_DELIMITERS = {"vert": "|", "lvert": "|", "rvert": "|", "Vert": "‖", "|": "‖", "lVert": "‖", "rVert": "‖",
               "langle": "⟨", "rangle": "⟩", "lbrace": "{", "rbrace": "}", "{": "{", "}": "}", "lfloor": "⌊",
               "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉"}
_RAW_COMMAND = re.compile(r">[^<]*\\[A-Za-z]+[^<]*<")  # a command the converter passed through as text
_STRAY_AMPERSAND = re.compile(r"<m[io]>&amp;</m[io]>|<m[io]>&</m[io]>")
MAX_TEX = 5000


def _normalise(tex: str) -> str:
    tex = _OPERATOR_NAMES.sub(r"\\operatorname{\1}", _DROP.sub("", tex))
    tex = _SIZED.sub(lambda m: m.group(1) + _DELIMITERS[m.group(2)], tex)

    def swap(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        if name not in _ENV_ALIASES:
            return match.group(0)
        new = _ENV_ALIASES[name]
        if new == "gathered":  # one centred column, one row per line
            return r"\begin{array}{c}" if kind == "begin" else r"\end{array}"
        return f"\\{kind}{{{new}}}" if new else ""

    return _BEGIN_END.sub(swap, tex).strip()


MATHML_VERSION = 3  # of the rules here; part of every stored conversion's key
MAX_LOADED = 50_000  # stored conversions read into memory at once (~25 MB at most)


class FormulaStore(KeptConversions):
    """Formulas converted before (~0.1 ms each, most of a maths-heavy render), by their TeX and mode."""

    def __init__(self, path: Path) -> None:
        try:
            from importlib.metadata import version

            prefix = f"{MATHML_VERSION}/{version('latex2mathml')}/"
        except Exception:
            prefix = f"{MATHML_VERSION}/?/"
        super().__init__(path, "formulas", "mathml", prefix, preload=MAX_LOADED)

    def key(self, tex: str, display: bool) -> str:
        return f"{self.prefix}{'D' if display else 'I'}:{tex}"


_slot = StoreSlot(FormulaStore)  # this process's kept conversions (render workers open it)
use_store, flush_store = _slot.use, _slot.flush


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool) -> str | None:
    """MathML for one formula, or None when it cannot be typeset faithfully."""
    if not tex.strip() or len(tex) > MAX_TEX:
        return None
    store: FormulaStore | None = _slot.store
    if store is None:
        return _convert(tex, display)
    key = store.key(tex, display)
    known = store.get(key)
    if known is not None:
        return known or None  # "" records "cannot be typeset"
    out = _convert(tex, display)
    store.new[key] = out or ""
    return out


def _convert(tex: str, display: bool) -> str | None:
    from latex2mathml.converter import convert

    try:
        out = convert(_normalise(tex), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds of errors for TeX it does not know
        return None
    if _RAW_COMMAND.search(out) or _STRAY_AMPERSAND.search(out):
        return None
    # in HTML the parser puts <math> in the MathML namespace itself, inline is the default display, <math> is an
    # mrow of its own, and characters need no numeric references: the same maths in about half the bytes
    out = out.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "").replace(' display="inline"', "")
    out = _OUTER_MROW.sub(r"\1\2</math>", out)
    return _CHAR_REF.sub(_char, out)


_OUTER_MROW = re.compile(r"^(<math[^>]*>)<mrow>(.*)</mrow></math>$", re.S)
_CHAR_REF = re.compile(r"&#x([0-9A-Fa-f]+);")


def _char(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    if code in (0x26, 0x3C, 0x3E, 0x22) or code < 0x20:  # &, <, >, " and controls stay references
        return match.group(0)
    return chr(code)


def math_html(tex: str, display: bool) -> str:
    """The formula as MathML, or its TeX source in a <code> that says it could not be typeset."""
    out = tex_to_mathml(tex.strip(), display)
    if out is not None:
        return out
    fence = "$$" if display else "$"
    code = (f'<code class="ld-tex" title="This formula could not be typeset; its TeX source is shown">'
            f"{html.escape(fence + tex.strip() + fence)}</code>")
    return f'<p class="ld-math-fallback">{code}</p>' if display else code


_LATEX_OUTPUT = re.compile(r"^\s*(\$\$|\$|\\\[|\\\()(.*?)(\$\$|\$|\\\]|\\\))\s*$", re.S)


def latex_output_html(latex: str) -> str:
    """A `text/latex` output (sympy, IPython.display.Math) as display maths."""
    match = _LATEX_OUTPUT.match(latex)
    body = match.group(2) if match else latex
    body = re.sub(r"^\\displaystyle\s*", "", body.strip())
    return math_html(body, display=True)
