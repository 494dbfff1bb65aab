"""Build a week's digest: collect, render (cached, in workers), model, and write every format atomically."""
from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.core.files import make_folder
from ldkit.core.layout import relative
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace
from ldkit.digest.collect import collect
from ldkit.model.failure import FailureKind, RunFailure
from ldkit.model.week import WeekModel, build_model, recent_weeks
from ldkit.records.index import index_path
from ldkit.records.week import Entry, shared_entries
from ldkit.render.cache import FragmentCache
from ldkit.render.fragment import RenderJob, RenderPool, render_all
from ldkit.render.media import Place


@dataclass
class DigestResult:
    folder: Path
    files: dict[str, Path]
    model: WeekModel
    notebooks: int
    people: int
    render_errors: int
    problems: int
    warnings: list[str] = field(default_factory=list)
    executed: int = 0  # ran to the end
    failed: int = 0  # ran and failed (shown up to the failure)
    not_run: int = 0  # not started: unsafe parameters, a folder too large
    cached: int = 0
    referenced: list[str] = field(default_factory=list)  # the images its notebooks embed (ldkit.digest.unchanged)


def output_folder(workspace: Workspace, week: Week, out: Path | None) -> Path:
    return Path(out) if out is not None else workspace.digest_folder(week)


def build_digest(workspace: Workspace, week: Week, *, out: Path | None = None, formats: tuple[str, ...] = ("html",),
                 jobs: int | None = None, rebuild: bool = False, show_progress: bool = False,
                 execute: bool = False, timeout: float = 600, notebook_timeout: float = 3600,
                 scheduler: str | None = None, pool: RenderPool | None = None) -> DigestResult:
    """The page is always written; `md` and `json` are added on request. No workbook is ever modified.

    `pool`: render workers to share (a company's digests, one per team); the caller closes it."""
    folder = output_folder(workspace, week, out)
    make_folder(folder)
    workers = jobs or os.cpu_count() or 1
    own = pool is None
    pool = RenderPool.take(workers) if pool is None else pool
    try:
        return _build(workspace, week, folder, pool, formats, workers, rebuild, show_progress, execute, timeout,
                      notebook_timeout, scheduler)
    finally:
        if own:
            pool.close()


def _build(workspace: Workspace, week: Week, folder: Path, pool: RenderPool, formats: tuple[str, ...], workers: int,
           rebuild: bool, show_progress: bool, execute: bool, timeout: float,
           notebook_timeout: float, scheduler: str | None = None) -> DigestResult:
    # a changed notebook starts rendering as soon as collect has read it (below: `early`), which starts the first
    # worker with it; a second starts only for a second notebook (not one more worker's start on the way of a
    # single changed one). Not with --execute, whose runs come first and take the CPUs.
    week_folder = workspace.week_folder(week)
    cache = FragmentCache(workspace.cache / "digest")

    def job_of(e: Entry) -> RenderJob:
        return RenderJob(e.render_path or e.workbook.path, e.key, e.hide_kinds,
                         Place(e.workbook.path.parent, workspace.root, week_folder))

    def early(entry: Entry) -> None:
        # a notebook the cache lacks starts rendering as soon as it is read, while the rest of the week is read
        # (a private one is never rendered: the same rule as below, one entry at a time)
        if shared_entries([entry]) and (rebuild or cache.get(entry.key) is None):
            pool.prefetch(job_of(entry), cache.folder)

    found = collect(workspace, week, index_path(workspace.cache), on_entry=early if not execute else None)
    failures: dict[str, RunFailure] = {}
    card_notes: dict[str, list[str]] = {}
    notes: list[str] = []
    executed = 0
    if execute:
        executed, notes = _execute(workspace, found, failures, card_notes, workers, rebuild, show_progress, timeout,
                                   notebook_timeout, scheduler)
    try:
        jobs_list = [job_of(e) for e in shared_entries(found.entries)]  # a private workbook is never rendered
        bar = _progress(len(jobs_list), "render", show_progress)
        prepared: dict[str, Any] = {}

        def meanwhile() -> None:
            # what the page needs anyway, done while the workers render
            warm_up_page(workspace)
            prepared["recent"] = recent_weeks(workspace, found)

        rendered = render_all(jobs_list, cache, workers=workers, rebuild=rebuild,
                              progress=bar.update if bar else None, meanwhile=meanwhile, pool=pool)
        if bar:
            bar.close()
    finally:
        cache.close()
    model = build_model(workspace, found, rendered, failures, prepared.get("recent"), card_notes)
    files = write_formats(model, folder, ("html", *formats), workspace.cache / "digest" / "templates")
    return DigestResult(folder=folder, files=files, model=model, notebooks=len(found.entries),
                        people=len(model.people),  # with a workbook (the page says who took part)
                        render_errors=sum(1 for r in rendered.values() if r.error),
                        problems=len(found.problems), warnings=found.warnings + notes,
                        executed=executed, not_run=sum(1 for f in failures.values() if not f.ran),
                        failed=sum(1 for f in failures.values() if f.ran),
                        cached=sum(1 for r in rendered.values() if r.cached),
                        referenced=sorted({name for e in found.entries for name in e.images()}))


def _execute(workspace: Workspace, found: Any, failures: dict[str, RunFailure], notes: dict[str, list[str]],
             workers: int, rebuild: bool, show_progress: bool, timeout: float,
             notebook_limit: float, scheduler: str | None = None) -> tuple[int, list[str]]:
    """Run every workbook into the build folder and point each entry at its executed copy.

    Returns (how many ran, warnings); `failures` and `notes` (per render key) are filled for the cards."""
    from ldkit.core.errors import InputError
    from ldkit.digest.execute import (
        ExecJob,
        FolderTooLarge,
        Remote,
        execute_all,
        execution_key,
        folder_files,
        installed_kernels,
    )
    from ldkit.records.notebook import read_notebook
    from ldkit.records.parameters import assignment_lines
    from ldkit.render.fragment import job_key

    kernels = installed_kernels()
    warnings: list[str] = []
    jobs: list[tuple[Any, ExecJob, list[str]]] = []
    for entry in shared_entries(found.entries):  # a private workbook is never run (nor shown)
        nb = read_notebook(entry.workbook.path)
        wanted = str(nb.get("metadata", {}).get("kernelspec", {}).get("name") or workspace.settings.kernel)
        kernel = wanted if wanted in kernels else workspace.settings.kernel
        said = []
        if wanted != kernel:
            said.append(f"its kernel '{wanted}' is not installed here; it ran with {kernel}")
            warnings.append(f"{relative(entry.workbook.path, workspace.root)}: {said[-1]}")
        params = dict(entry.workbook.identity.get("parameters") or {})
        try:
            assignment_lines(params)  # the identity's schema checked the names; no value may become code either
            files = folder_files(entry.workbook.path, workspace.root)
        except InputError as exc:
            failures[entry.key] = RunFailure(FailureKind.NOT_RUN, f"not run: its stored parameters are unsafe ({exc})")
            continue
        except FolderTooLarge as exc:
            failures[entry.key] = RunFailure(FailureKind.NOT_RUN, f"not run: {exc}")
            continue
        jobs.append((entry, ExecJob(entry.workbook.path, entry.workbook.id, params, kernel,
                                    execution_key(nb, params, kernel, timeout, files), timeout, notebook_limit,
                                    workspace.root), said))
    bar = _progress(len(jobs), "execute", show_progress)
    remote: Remote | None = None
    if scheduler:
        from ldkit.digest.cluster import execute_on_cluster  # dask is imported only here

        address = scheduler
        remote = lambda todo, build, progress: execute_on_cluster(todo, build, address, progress)  # noqa: E731
    done = execute_all([job for _, job, _ in jobs], workspace.cache / "digest" / "build", workers, rebuild,
                       progress=bar.update if bar else None, remote=remote)
    if bar:
        bar.close()
    for entry, job, said in jobs:
        result = done[job.key]
        if result.output is not None:
            entry.render_path = result.output
            entry.key = job_key(hashlib.sha256(result.output.read_bytes()).hexdigest(), entry.hide_kinds,
                                entry.files)
        if result.failure:
            failures[entry.key] = result.failure
        if result.worker and result.worker != "local":
            said = [*said, f"ran on {result.worker}"]
        if said:
            notes[entry.key] = said
    return sum(1 for _, job, _ in jobs if done[job.key].failure is None), warnings


def write_formats(model: WeekModel, folder: Path, formats: tuple[str, ...], templates: Path) -> dict[str, Path]:
    """Each requested format by its writer (ldkit.writers), into `folder`."""
    from ldkit.writers import writer

    files: dict[str, Path] = {}
    for name in dict.fromkeys(formats):
        module = writer(name)
        files[name] = module.write(model, folder / module.FILENAME, templates)
    return files


def warm_up_page(workspace: Workspace) -> None:
    """Load the page's libraries, compiled template and stylesheet before they are needed (while workers render)."""
    from ldkit.render.highlight import stylesheet
    from ldkit.render.markdown import learner_html
    from ldkit.writers.page import template

    learner_html("")
    template(workspace.cache / "digest" / "templates")
    stylesheet()


def _progress(total: int, what: str, enabled: bool) -> Any:
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=what, unit="nb", file=sys.stderr, leave=False)


def summary_line(result: DigestResult, workspace: Workspace) -> str:
    where = relative(result.files["html"], workspace.root)
    return (f"{result.notebooks} notebook{'s' if result.notebooks != 1 else ''}, {result.people} "
            f"{'person' if result.people == 1 else 'people'} → {where}")
