"""digest.md: the week as chat-ready Markdown (the totals, one line per person who took part); TeX stays TeX."""
from __future__ import annotations

from pathlib import Path

from ldkit.core.files import atomic_write
from ldkit.core.layout import DIGEST_MARKDOWN
from ldkit.core.text import plural
from ldkit.model.week import WeekModel, person_lines

FILENAME = DIGEST_MARKDOWN


def text(model: WeekModel) -> str:
    lines = [f"*{model.heading(_plain)}* ({model.learning_day}): {model.totals.sentence(', ')}"]
    for person, line in person_lines(model, _plain, lambda said: f"({_plain(said)})"):
        lines.append(f"• *{_plain(model.name_of(person.author))}* — {line}")
    waiting = [model.name_of(a) for a in model.accountability.planned_no_outcome]
    if waiting:
        lines.append(f"Planned, no outcome yet: {', '.join(_plain(a) for a in waiting)}")
    missing = [model.name_of(a) for a in model.accountability.no_workbook]
    if missing:
        lines.append(f"No workbook this week: {', '.join(_plain(a) for a in missing)}")
    if model.problems:
        lines.append(f"{plural(len(model.problems), 'file')} could not be read; see the digest.")
    if model.page_url:
        lines.append(f"Full digest: {model.page_url}")
    return "\n".join(lines) + "\n"


def _plain(value: str) -> str:
    """Chat text is plain: neutralise markup and mentions (<!channel>, @here) a summary could carry."""
    return str(value).replace("<", "‹").replace(">", "›").replace("@", "@\u200b").replace("*", "∗")


def write(model: WeekModel, path: Path, cache: Path | None = None) -> Path:
    atomic_write(path, text(model))
    return path
