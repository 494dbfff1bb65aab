"""Writers: one small module per output format, each taking the typed model. A new format is one module here.

`writer(name)` finds a week writer (html, md, json, and any registered in ldkit.core.registry.WRITERS) by the name
`ldkit digest --format` uses; the site's pages and feeds have their own modules (site_pages, atom).
"""
from __future__ import annotations

from typing import Any

from ldkit.core.registry import WRITERS


def writer(name: str) -> Any:
    return WRITERS.get(name)
