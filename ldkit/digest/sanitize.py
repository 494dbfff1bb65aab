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
    "*": {"class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "ol": {"start", "type"},
    "input": {"type", "checked", "disabled"},  # Markdown task lists
    "math": {"display", "xmlns"},
    "annotation": {"encoding"},
    "mo": {"stretchy", "fence", "separator"},
    "mfrac": {"linethickness"},
    "mstyle": {"displaystyle", "scriptlevel"},
}
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp|svg\+xml|bmp);base64,[A-Za-z0-9+/=\s]*$", re.I)
_SAFE_LINK = re.compile(r"^(https?:|mailto:|#)", re.I)


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _DATA_IMAGE.match(value) else None  # nothing loads from the network
    if tag == "a" and attribute == "href":
        return value if _SAFE_LINK.match(value.strip()) else None
    if tag == "input" and attribute == "type":
        return value if value.lower() == "checkbox" else None
    return value


def sanitize(html: str) -> str:
    """Allow-listed tags and attributes only: no script, handlers, javascript: URLs, frames, forms, or loads."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_filter,
                     url_schemes={"http", "https", "mailto", "data"}, strip_comments=True,
                     clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template"},
                     link_rel="noopener noreferrer nofollow")
