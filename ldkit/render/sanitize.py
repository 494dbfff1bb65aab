"""The one HTML sanitizer of the digest (nh3): keeps real rendering, removes every way to run script or load."""
from __future__ import annotations

import re

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "input",
    # MathML, which browsers render natively (no script)
    "math", "mi", "mn", "mo", "ms", "mtext", "mrow", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot",
    "mtable", "mtr", "mtd", "munder", "mover", "munderover", "mspace", "mstyle", "mpadded", "mphantom",
    "menclose", "semantics", "annotation",
}
ATTRIBUTES = {
    "*": {"title", "lang", "dir"},  # "class" is allowed per tag, by allowed_classes() below
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "ol": {"start", "type"},
    "input": {"type", "checked", "disabled"},  # Markdown task lists
    # MathML presentation attributes (none can load or run anything)
    "math": {"display", "xmlns"},
    "annotation": {"encoding"},
    "mi": {"mathvariant"},
    "mo": {"stretchy", "fence", "separator", "form", "lspace", "rspace", "minsize", "maxsize", "largeop",
           "movablelimits", "symmetric", "accent"},
    "mfrac": {"linethickness"},
    "mstyle": {"displaystyle", "scriptlevel"},
    "mtable": {"columnalign", "rowspacing", "columnspacing", "displaystyle", "columnlines", "rowlines"},
    "mtr": {"columnalign"},
    "mtd": {"columnalign", "columnspan", "rowspan"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "munderover": {"accent", "accentunder"},
    "mspace": {"width", "height", "depth"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "menclose": {"notation"},
}
# inline styles pandas and nbconvert's 256-colour ANSI use; none of these properties can load, run or overlay
STYLE_PROPERTIES = {
    "text-align", "vertical-align", "display", "float", "width", "min-width", "max-width", "height", "color",
    "background-color", "font-weight", "font-style", "white-space", "text-decoration", "border", "border-top",
    "border-bottom", "border-left", "border-right", "border-collapse", "border-color", "border-style",
    "border-width", "padding", "padding-left", "padding-right", "margin", "margin-left", "margin-right",
}
for _tag in ("table", "thead", "tbody", "tr", "td", "th", "div", "span", "p"):
    ATTRIBUTES.setdefault(_tag, set()).add("style")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp|svg\+xml|bmp);base64,"
                         r"(?:[A-Za-z0-9+/=\s]*|ld-parked-\d+)$", re.I)
_SAFE_LINK = re.compile(r"^(https?:|mailto:|#)", re.I)


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _DATA_IMAGE.match(value) else None  # nothing loads from the network
    if tag == "a" and attribute == "href":
        return value if _SAFE_LINK.match(value.strip()) else None
    if tag == "input" and attribute == "type":
        return value if value.lower() == "checkbox" else None
    return value


# the classes the page's stylesheet styles; nbconvert's other wrapper classes only add weight
_ANSI = {f"ansi-{colour}{intense}-{ground}" for colour in ("black", "red", "green", "yellow", "blue", "magenta",
                                                          "cyan", "white")
         for intense in ("", "-intense") for ground in ("fg", "bg")}
_LAYOUT = {"cell", "input_area", "output_area", "output_error", "output_stderr", "highlight", "ansi-bold",
           "ansi-underline", "ansi-default-inverse-fg", "ansi-default-inverse-bg", *_ANSI}
# ldkit's own classes in fragments (maths, figures, local links): all namespaced, so none meets Pygments' or ours
_OWN = {"ld-math", "ld-tex", "ld-math-fallback", "ld-web-image", "ld-missing-image", "ld-local-link"}


def _token_classes() -> set[str]:
    """The highlighting classes the page's (pygments default) stylesheet gives a colour to."""
    from ldkit.render.highlight import stylesheet

    return set(re.findall(r"\.highlight \.([\w-]+)", stylesheet()))


_classes: dict[str, set[str]] | None = None


def allowed_classes() -> dict[str, set[str]]:
    """Per tag, the classes kept; built on first use (reading Pygments' stylesheet costs a few ms)."""
    global _classes
    if _classes is None:
        found = {tag: _LAYOUT | _OWN for tag in ("div", "p", "pre", "table", "li", "ul", "code", "td", "a")}
        found["span"] = _LAYOUT | _OWN | _token_classes()
        found["table"] = found["table"] | {"dataframe"}
        _classes = found
    return _classes


_BARE_SPAN = re.compile(r"<span>([^<]*)</span>")
_DEAD_LINK = re.compile(r"<a(?![^>]*\bhref=)[^>]*>(.*?)</a>", re.S)
_EMPTY_CLASS = re.compile(r' class=""')


# case-sensitive on purpose: nbconvert and ldkit write these in lower case, and re.I made this scan of every
# payload byte ~9x slower (a tenth of a figure-heavy render); an upper-case one is simply not parked (nh3 reads it)
PARKED_FROM = 256  # base64 characters: a shorter payload is cheaper to leave where it is
_DATA_PAYLOAD = re.compile(r"""(src=["']data:image/(?:png|jpeg|jpg|gif|webp|svg\+xml|bmp);base64,)"""
                           r"""([A-Za-z0-9+/=\s]{""" + str(PARKED_FROM) + r""",})(?=["'])""")
_PARKED = re.compile(r"(data:image/[\w+.-]+;base64,)ld-parked-(\d+)(?=\")")


def park(html: str, parked: list[str]) -> str:
    """`html` with each long image payload (base64) moved to `parked`, a placeholder in its place: the passes
    that follow (localise's, the sanitizer's, the regexes') then read the markup, not the pixels."""

    def one(match: re.Match[str]) -> str:
        parked.append(match.group(2))
        return f"{match.group(1)}ld-parked-{len(parked) - 1}"

    return _DATA_PAYLOAD.sub(one, html)


def sanitize(html: str, parked: list[str] | None = None) -> str:
    """Allow-listed tags and attributes only: no script, handlers, javascript: URLs, frames, forms, or loads.

    Image payloads (base64, often most of a fragment's bytes) are parked while the sanitizer and the regex passes
    run, and put back after: the pattern that parks them admits only base64 characters (and `parked`, those parked
    before, by `park` or an embedded image's base64), so nothing else rides along. It halves the time of a
    figure-heavy notebook. A placeholder that names no parked payload stays a broken image."""
    parked = [] if parked is None else parked
    clean = _clean(park(html, parked))
    if parked:
        clean = _PARKED.sub(lambda m: m.group(1) + parked[int(m.group(2))] if int(m.group(2)) < len(parked)
                            else m.group(0), clean)
    return clean


def _clean(html: str) -> str:
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_filter,
                      allowed_classes=allowed_classes(),
                      url_schemes={"http", "https", "mailto", "data"}, strip_comments=True,
                      clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template"},
                      link_rel="noopener noreferrer nofollow", filter_style_properties=STYLE_PROPERTIES)
    # a link whose address was refused must not look like a link: its text stays, as text
    clean = _DEAD_LINK.sub(r"\1", clean)
    # weight only: a span left with no class styles nothing (its text stays), and class="" says nothing
    return compact(_BARE_SPAN.sub(r"\1", _EMPTY_CLASS.sub("", clean)))


_PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.S)
_INDENT = re.compile(r"\s*\n\s*")
_BEFORE_BLOCK = re.compile(r"\n(?=</?(?:div|p|h[1-6]|ul|ol|li|table|thead|tbody|tfoot|tr|td|th|blockquote|pre|hr|br)"
                           r"[\s>/])")


def compact(html: str) -> str:
    """Fold runs of white space that hold a line break into one line break, and drop it before a block tag,
    outside <pre>: the browser renders them the same (white-space: normal), and nbconvert's indentation is a
    tenth of a fragment's weight."""
    parts = _PRE.split(html)
    return "".join(part if i % 2 else _BEFORE_BLOCK.sub("", _INDENT.sub("\n", part)) for i, part in enumerate(parts))
