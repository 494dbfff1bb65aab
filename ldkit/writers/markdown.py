"""digest.md: the week as chat-ready Markdown (one line per workbook, the totals); TeX stays TeX."""
from __future__ import annotations

from pathlib import Path

from ldkit.core.files import atomic_write
from ldkit.core.layout import DIGEST_MARKDOWN
from ldkit.model.week import WeekModel, one_line

FILENAME = DIGEST_MARKDOWN


def text(model: WeekModel) -> str:
    lines = [f"*Learning Day {model.week}* ({model.learning_day}): {model.totals.sentence(', ')}"]
    for person, wb in model.workbooks():
        what, note = one_line(wb)
        said = f"{what} ({note})" if what else f"({note})"
        lines.append(f"• *{_plain(person.author)}* — {_plain(wb.title)}: {_plain(said)}")
    missing = model.accountability.no_workbook
    if missing:
        lines.append(f"No workbook this week: {', '.join(_plain(a) for a in missing)}")
    if model.problems:
        lines.append(f"{len(model.problems)} file(s) could not be read; see the digest.")
    if model.page_url:
        lines.append(f"Full digest: {model.page_url}")
    return "\n".join(lines) + "\n"


def _plain(value: str) -> str:
    """Chat text is plain: neutralise markup and mentions (<!channel>, @here) a summary could carry."""
    return str(value).replace("<", "‹").replace(">", "›").replace("@", "@\u200b").replace("*", "∗")


def write(model: WeekModel, path: Path, cache: Path | None = None) -> Path:
    atomic_write(path, text(model))
    return path
