"""Figures and links in rendered HTML: local images embedded, web images and local links made honest.

The page loads nothing, so an `<img>` must carry its pixels. An image referenced by a relative path that resolves
inside the workspace (symlinks followed, then checked), is a real PNG/JPEG/GIF/WebP/SVG by its first bytes and is
at most 5 MB is embedded as a `data:` URI (SVG stays an <img>, never inline). A web image becomes a visible link
("image: ALT — host/path"); anything else says why it is not shown. A relative link becomes plain text, or a link to
that notebook's place in the digest when it is one of the week's workbooks.
"""
from __future__ import annotations

import base64
import hashlib
import html
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from ldkit.core.layout import inside
from ldkit.render.sanitize import PARKED_FROM

MAX_IMAGE = 5 * 1024 * 1024
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.I | re.S)
_ATTR = re.compile(r"""([A-Za-z_:][\w:.-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


@dataclass(frozen=True)
class Place:
    """Where a notebook's relative paths start (its source folder, not an executed copy's) and may reach."""

    folder: Path
    root: Path  # the workspace: nothing outside it is read
    week: Path | None = None  # the week's folder: links to notebooks in it point into the digest


def notebook_anchor(relative_path: str) -> str:
    """The id of a notebook's section in the digest, from its workspace-relative path (stable across weeks)."""
    return "ld-nb-" + hashlib.sha1(relative_path.replace(os.sep, "/").encode("utf-8")).hexdigest()[:12]


def _attributes(tag: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in _ATTR.findall(tag):
        if value[:1] in "\"'":
            value = value[1:-1]
        found.setdefault(name.lower(), html.unescape(value))
    return found


def sniff(head: bytes) -> str | None:
    """The image type by its first bytes (never by its name)."""
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in head.lower()):
        return "image/svg+xml"
    return None


@lru_cache(maxsize=4096)
def _real(path: str) -> str:
    """Path.resolve's answer (os.path.realpath: an lstat per component), once per path and process: a book's
    navigation links name the same notebooks in every chapter. What is then read is this resolved path, never
    the link again, so a link changed meanwhile cannot lead outside the workspace."""
    return os.path.realpath(path)


def _resolve(url: str, place: Place) -> tuple[Path | None, str]:
    """The file a relative URL names, or None and why it is not read."""
    parsed = urlparse(url)
    relative = unquote(parsed.path)
    if not relative or relative.startswith("/"):
        return None, "an absolute path"
    try:
        target = Path(_real(str(place.folder / relative)))
    except (OSError, RuntimeError, ValueError):
        return None, "a path that cannot be resolved"
    if not inside(target, place.root):
        return None, "outside the workspace"
    if not target.is_file():
        return None, "not found"
    return target, ""


def _embed(url: str, place: Place | None, parked: list[str] | None) -> tuple[str | None, str]:
    """A data: URI for a local image, or None and the reason it is not shown; with `parked`, a long payload is
    parked there (render.sanitize.park), for the sanitizer to put back."""
    if place is None:
        return None, "a local file"
    target, why = _resolve(url, place)
    if target is None:
        return None, why
    try:
        size = target.stat().st_size
        if size > MAX_IMAGE:
            return None, f"{size / 1e6:.1f} MB, over the {MAX_IMAGE // 1_000_000} MB limit"
        data = target.read_bytes()
    except OSError as exc:
        return None, f"unreadable ({exc.strerror})"
    mime = sniff(data[:512])
    if mime is None:
        return None, "not a PNG, JPEG, GIF, WebP or SVG image"
    payload = base64.b64encode(data).decode("ascii")
    if parked is not None and len(payload) >= PARKED_FROM:
        parked.append(payload)
        return f"data:{mime};base64,ld-parked-{len(parked) - 1}", ""
    return f"data:{mime};base64,{payload}", ""


def _image(match: re.Match[str], place: Place | None, parked: list[str] | None) -> str:
    tag = match.group(0)
    attrs = _attributes(tag)
    src = attrs.get("src", "").strip()
    alt = attrs.get("alt", "").strip()
    if src.lower().startswith("data:"):
        return tag
    scheme = urlparse(src).scheme.lower()
    if scheme in ("http", "https") or src.startswith("//"):
        parsed = urlparse(src if scheme else "https:" + src)
        shown = f"{parsed.netloc}{parsed.path}"
        href = src if scheme else "https:" + src
        label = f"image: {alt} — {shown}" if alt else f"image: {shown}"
        return (f'<a class="ld-web-image" href="{html.escape(href, quote=True)}" '
                f'title="A web image; the digest loads nothing from the network">{html.escape(label)}</a>')
    uri, why = (None, f"a {scheme}: address") if scheme else _embed(src, place, parked)
    if uri is None:
        label = f"image not shown: {alt or src} ({why})"
        return f'<span class="ld-missing-image">{html.escape(label)}</span>'
    rest = {k: v for k, v in attrs.items() if k in ("alt", "width", "height", "title")}
    extra = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in rest.items())
    return f'<img src="{uri}"{extra}>'


def _link(match: re.Match[str], place: Place | None) -> str:
    attrs = _attributes(match.group(1))
    href = attrs.get("href", "").strip()
    if not href or href.startswith("#") or urlparse(href).scheme:
        return match.group(0)  # in-page, web and mail links are the sanitizer's to judge
    body = match.group(2)
    if place is not None and place.week is not None:
        target, _ = _resolve(href, place)
        week = place.week.resolve()
        if target is not None and target.suffix == ".ipynb" and week in target.parents:
            anchor = notebook_anchor(str(target.relative_to(place.root.resolve())))
            return f'<a href="#{anchor}" title="this notebook in the digest">{body}</a>'
    return f'<span class="ld-local-link" title="{html.escape("a local file: " + href, quote=True)}">{body}</span>'


def localise(fragment: str, place: Place | None, parked: list[str] | None = None) -> str:
    """Every <img> carries its pixels or says why not; relative links become text or in-digest links. With
    `parked`, what it embeds is parked there for render.sanitize.sanitize to put back (the link pass and the
    sanitizer then never read the pixels)."""
    fragment = _IMG.sub(lambda m: _image(m, place, parked), fragment)
    return _LINK.sub(lambda m: _link(m, place), fragment)


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?")
_HTML_IMAGE = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.I)


def referenced_files(nb: dict, folder: Path) -> list[str]:
    """Relative image paths a notebook's markdown names: their size and mtime join its render cache key."""
    found: set[str] = set()
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if "<img" not in source and "![" not in source:
            continue
        for url in _MD_IMAGE.findall(source) + _HTML_IMAGE.findall(source):
            if not urlparse(url).scheme and not url.startswith(("/", "#")):
                found.add(unquote(urlparse(url).path))
    return sorted(found)


def stamp(folder: Path, names: list[str]) -> str:
    """What the referenced files look like now (size and mtime), for the cache key."""
    parts = []
    for name in names:
        try:
            info = (folder / name).stat()
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
    return "|".join(parts)
