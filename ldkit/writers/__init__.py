"""Writers: one small module per output format, each taking the typed model. A new format is one module here.

`writer(name)` finds a week writer (html, md, json) by the name `ldkit digest --format` uses; the site's pages and
feeds have their own modules (site_pages, atom) that the site build calls.
"""
from __future__ import annotations

import importlib
from typing import Any

# format name -> the module that writes it (each has FILENAME and write(model, path, context))
WEEK_WRITERS = {"html": "ldkit.writers.page", "md": "ldkit.writers.markdown", "json": "ldkit.writers.json_data"}


def writer(name: str) -> Any:
    return importlib.import_module(WEEK_WRITERS[name])
