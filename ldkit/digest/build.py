"""Build a week's digest: collect, render (cached, in workers), assemble, and write every file atomically."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ldkit.atomic import atomic_write, atomic_write_chunks, make_folder
from ldkit.digest.assemble import html_chunks, json_text, markdown_text
from ldkit.digest.cache import FragmentCache
from ldkit.digest.collect import collect, relative
from ldkit.digest.model import build_model
from ldkit.digest.render import RenderJob, render_all
from ldkit.weeks import Week
from ldkit.workspace import Workspace

FORMATS = ("html", "md", "json")


@dataclass
class DigestResult:
    folder: Path
    files: dict[str, Path]
    model: dict[str, Any]
    notebooks: int
    people: int
    render_errors: int
    problems: int
    warnings: list[str] = field(default_factory=list)


def output_folder(workspace: Workspace, week: Week, out: Path | None) -> Path:
    return Path(out) if out is not None else workspace.digests / str(week)


def build_digest(workspace: Workspace, week: Week, *, out: Path | None = None, formats: tuple[str, ...] = ("html",),
                 jobs: int | None = None, rebuild: bool = False, show_progress: bool = False,
                 failures: dict[str, dict[str, Any]] | None = None,
                 on_stage: Callable[[str], None] | None = None) -> DigestResult:
    """The page is always written; `md` and `json` are added on request. No workbook is ever modified."""
    folder = output_folder(workspace, week, out)
    make_folder(folder)
    found = collect(workspace, week)
    cache = FragmentCache(workspace.cache / "digest")
    try:
        jobs_list = [RenderJob(e.workbook.path, e.key, e.hide_kinds) for e in found.entries]
        bar = _progress(len(jobs_list), "render", show_progress)
        rendered = render_all(jobs_list, cache, workers=jobs or os.cpu_count() or 1, rebuild=rebuild,
                              progress=bar.update if bar else None)
        if bar:
            bar.close()
    finally:
        cache.close()
    model = build_model(workspace, found, rendered, failures)
    files: dict[str, Path] = {}
    files["html"] = folder / "index.html"
    atomic_write_chunks(files["html"], html_chunks(model))
    if "md" in formats:
        files["md"] = folder / "digest.md"
        atomic_write(files["md"], markdown_text(model))
    if "json" in formats:
        files["json"] = folder / "digest.json"
        atomic_write(files["json"], json_text(model))
    return DigestResult(folder=folder, files=files, model=model, notebooks=len(found.entries),
                        people=model["totals"]["people"],
                        render_errors=sum(1 for r in rendered.values() if r.error),
                        problems=len(found.problems), warnings=found.warnings)


def _progress(total: int, what: str, enabled: bool) -> Any:
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=what, unit="nb", file=sys.stderr, leave=False)


def summary_line(result: DigestResult, workspace: Workspace) -> str:
    where = relative(result.files["html"], workspace.root)
    return (f"{result.notebooks} notebook{'s' if result.notebooks != 1 else ''}, {result.people} "
            f"{'person' if result.people == 1 else 'people'} → {where}")
