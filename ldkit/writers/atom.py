"""Atom feeds (RFC 4287): the team's and each person's, one entry per team-visible outcome.

With `site_url` every link is absolute; without it links are relative to the feed, which feed readers resolve
against the feed's own address.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

from ldkit.core.layout import SITE_INDEX
from ldkit.model.history import Entry

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100
# what XML 1.0 cannot hold at all, escaped or not: C0 controls but tab, newline and carriage return, lone
# surrogates, and U+FFFE/U+FFFF (the `Char` production of XML 1.0, section 2.2)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """`value` as text an XML 1.0 document can hold: every character it cannot is dropped."""
    return _NOT_XML.sub("", str(value))


def _el(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    """THE one way text enters a feed: every element's text and attributes pass `xml_text`."""
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def feed(entries: list[Entry], *, title: str, path: str, site_url: str | None, feed_id: str) -> bytes:
    """The feed at `path` (relative to the site root), newest first."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    depth = "../" * path.count("/")

    def href(relative: str) -> str:
        return urljoin(site_url, relative) if site_url else depth + relative

    _el(root, "title", title)
    _el(root, "id", urljoin(site_url, path) if site_url else feed_id)
    shown = entries[:MAX_ENTRIES]
    updated = max((e.view.outcome.saved_at for e in shown if e.view.outcome), default="1970-01-01T00:00:00Z")
    _el(root, "updated", _rfc3339(updated))
    _el(root, "link", rel="self", href=href(path))
    _el(root, "link", rel="alternate", type="text/html", href=href(SITE_INDEX))
    author = _el(root, "author")
    _el(author, "name", "ldkit")
    _el(root, "generator", "ldkit")
    from ldkit.render.markdown import learner_html

    for e in shown:
        outcome = e.view.outcome
        if outcome is None:
            continue
        item = _el(root, "entry")
        _el(item, "title", f"{e.name or e.author} — {e.view.title} ({outcome.status})")
        _el(item, "id", f"urn:uuid:{e.view.id}" if _uuid(e.view.id) else
            f"urn:ldkit:{hashlib.sha1(e.view.id.encode('utf-8', 'surrogatepass')).hexdigest()}")
        _el(item, "updated", _rfc3339(outcome.saved_at))
        _el(item, "link", rel="alternate", type="text/html", href=href(e.link))
        who = _el(item, "author")
        _el(who, "name", e.name or e.author)
        if e.view.plan is not None:
            _el(item, "category", term=e.view.plan.category)
        _el(item, "content", learner_html(outcome.summary), type="html")  # sanitized HTML, escaped as text
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _rfc3339(stamp: str) -> str:
    """Atom wants seconds at most to the microsecond with a zone: the records' UTC stamps are that already."""
    return stamp if stamp.endswith("Z") else stamp + "Z"


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def write(entries: list[Entry], folder: Path, path: str, **kw: object) -> Path:
    from ldkit.core.files import atomic_write, make_folder

    target = Path(folder) / path
    make_folder(target.parent)
    atomic_write(target, feed(entries, path=path, **kw))  # type: ignore[arg-type]
    return target
