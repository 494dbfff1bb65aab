"""TeX to MathML at build time, so a page that runs no script still shows typeset maths (browsers render MathML).

latex2mathml is the converter: pure Python, well kept, ~0.1 ms a formula, and it covers what notebooks use (fractions,
sums, accents, matrices, `align`, `cases`). Where it cannot typeset a formula — it raises, or its output still holds
a raw `\\command` — the TeX source is shown in a <code> element saying so, never a silently broken formula.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

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
_RAW_COMMAND = re.compile(r">[^<]*\\[A-Za-z]+[^<]*<")  # a command the converter passed through as text
_STRAY_AMPERSAND = re.compile(r"<m[io]>&amp;</m[io]>|<m[io]>&</m[io]>")
MAX_TEX = 5000


def _normalise(tex: str) -> str:
    tex = _OPERATOR_NAMES.sub(r"\\operatorname{\1}", _DROP.sub("", tex))

    def swap(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        if name not in _ENV_ALIASES:
            return match.group(0)
        new = _ENV_ALIASES[name]
        if new == "gathered":  # one centred column, one row per line
            return r"\begin{array}{c}" if kind == "begin" else r"\end{array}"
        return f"\\{kind}{{{new}}}" if new else ""

    return _BEGIN_END.sub(swap, tex).strip()


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool) -> str | None:
    """MathML for one formula, or None when it cannot be typeset faithfully."""
    if not tex.strip() or len(tex) > MAX_TEX:
        return None
    from latex2mathml.converter import convert

    try:
        out = convert(_normalise(tex), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds of errors for TeX it does not know
        return None
    if _RAW_COMMAND.search(out) or _STRAY_AMPERSAND.search(out):
        return None
    # in HTML the parser puts <math> in the MathML namespace itself, and inline is the default display
    return out.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "").replace(' display="inline"', "")


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
