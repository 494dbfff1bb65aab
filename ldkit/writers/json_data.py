"""digest.json: the week's model as JSON, for scripts (private records read "private"; no rendered notebooks)."""
from __future__ import annotations

import json
from pathlib import Path

from ldkit.core.files import atomic_write
from ldkit.core.layout import DIGEST_JSON
from ldkit.model.week import WeekModel

FILENAME = DIGEST_JSON


def text(model: WeekModel) -> str:
    return json.dumps(model.as_dict(), ensure_ascii=False, indent=2) + "\n"


def write(model: WeekModel, path: Path, cache: Path | None = None) -> Path:
    atomic_write(path, text(model))
    return path
