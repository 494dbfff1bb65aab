"""Atom feeds (RFC 4287): the team's and each person's, one entry per team-visible outcome.

With `site_url` every link is absolute; without it links are relative to the feed, which feed readers resolve
against the feed's own address.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

from ldkit.core.layout import SITE_INDEX
from ldkit.model.history import Entry

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100


def feed(entries: list[Entry], *, title: str, path: str, site_url: str | None, feed_id: str) -> bytes:
    """The feed at `path` (relative to the site root), newest first."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    depth = "../" * path.count("/")

    def href(relative: str) -> str:
        return urljoin(site_url, relative) if site_url else depth + relative

    ET.SubElement(root, f"{{{ATOM}}}title").text = title
    ET.SubElement(root, f"{{{ATOM}}}id").text = urljoin(site_url, path) if site_url else feed_id
    shown = entries[:MAX_ENTRIES]
    updated = max((e.view.outcome.saved_at for e in shown if e.view.outcome), default="1970-01-01T00:00:00Z")
    ET.SubElement(root, f"{{{ATOM}}}updated").text = _rfc3339(updated)
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=href(path))
    ET.SubElement(root, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=href(SITE_INDEX))
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "ldkit"
    ET.SubElement(root, f"{{{ATOM}}}generator").text = "ldkit"
    from ldkit.render.markdown import learner_html

    for e in shown:
        outcome = e.view.outcome
        if outcome is None:
            continue
        item = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(item, f"{{{ATOM}}}title").text = f"{e.author} — {e.view.title} ({outcome.status})"
        ET.SubElement(item, f"{{{ATOM}}}id").text = f"urn:uuid:{e.view.id}" if _uuid(e.view.id) else \
            f"urn:ldkit:{hashlib.sha1(e.view.id.encode()).hexdigest()}"
        ET.SubElement(item, f"{{{ATOM}}}updated").text = _rfc3339(outcome.saved_at)
        ET.SubElement(item, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=href(e.link))
        who = ET.SubElement(item, f"{{{ATOM}}}author")
        ET.SubElement(who, f"{{{ATOM}}}name").text = e.author
        if e.view.plan is not None:
            ET.SubElement(item, f"{{{ATOM}}}category", term=e.view.plan.category)
        content = ET.SubElement(item, f"{{{ATOM}}}content", type="html")
        content.text = learner_html(outcome.summary)  # sanitized HTML, escaped as text by the serializer
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
