"""The company digest of a week (digests/<week>/index.html, digest.md, digest.json): every team side by side."""
from __future__ import annotations

import json
from pathlib import Path

from ldkit.core.files import atomic_write
from ldkit.core.layout import DIGEST_JSON, DIGEST_MARKDOWN, DIGEST_PAGE
from ldkit.model.company import CompanyWeek, summary_lines
from ldkit.writers.environment import environment

FILES = {"html": DIGEST_PAGE, "md": DIGEST_MARKDOWN, "json": DIGEST_JSON}


def html(model: CompanyWeek, cache: Path | None = None) -> str:
    return str(environment(cache).get_template("company.html.j2").render(d=model))


def markdown(model: CompanyWeek, link: str | None = None) -> str:
    """Chat-ready: the company's numbers, then one line per team (names only; nothing private is in a model), team
    names as plain as every other user text of digest.md. Posts are each chat service's `company_payload`."""
    from ldkit.writers.markdown import _plain

    lines = summary_lines(model, _plain, "*")
    if link:
        lines.append(f"Every team's digest: {link}")
    return "\n".join(lines) + "\n"


def write(model: CompanyWeek, folder: Path, formats: tuple[str, ...], cache: Path | None = None,
          link: str | None = None) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for kind in dict.fromkeys(("html", *formats)):
        if kind not in FILES:
            continue
        path = folder / FILES[kind]
        text = {"html": lambda: html(model, cache), "md": lambda: markdown(model, link),
                "json": lambda: json.dumps(model.as_dict(), ensure_ascii=False, indent=2) + "\n"}[kind]()
        atomic_write(path, text)
        files[kind] = path
    return files
