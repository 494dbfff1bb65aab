"""Render notebooks to sanitized HTML fragments: nbconvert's basic template, one exporter per process."""
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldkit.core import __version__
from ldkit.records.notebook import MIME
from ldkit.render.cache import FragmentCache
from ldkit.render.media import Place, localise
from ldkit.render.sanitize import park, sanitize

RENDER_VERSION = 3
OUTPUT_LIMIT = 1_000_000  # bytes of one output's data; more is cut with a note
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
DROPPED = ("application/javascript", "text/javascript", "application/vnd.jupyter.widget-state+json", WIDGET_VIEW)

_exporter: Any = None
_started: RenderPool | None = None  # RenderPool.started_early's, until a build takes it


@dataclass
class RenderJob:
    path: Path
    key: str
    hide_kinds: tuple[str, ...] = ()  # record kinds kept private: their outputs are removed
    place: Place | None = None  # where its relative images and links start, and may reach


@dataclass
class Rendered:
    key: str
    path: Path
    fragment: Path | None
    error: str | None = None
    cached: bool = False


def job_key(content_sha256: str, hide_kinds: Iterable[str] = (), files: str = "") -> str:
    """The render cache key: the notebook's bytes (by their hash), the images it embeds (by size and mtime), and
    everything else that changes the fragment."""
    return hashlib.sha256(json.dumps({"content": content_sha256, "render": RENDER_VERSION, "ldkit": __version__,
                                      "limit": OUTPUT_LIMIT, "hide": sorted(hide_kinds), "files": files}
                                     ).encode()).hexdigest()


def prepare(nb: dict[str, Any], hide_kinds: Iterable[str] = ()) -> dict[str, Any]:
    """Make a notebook safe and small to render: no widget state, no JavaScript, private records out, big cut."""
    hidden = set(hide_kinds)
    metadata = nb.setdefault("metadata", {})
    metadata.pop("widgets", None)  # widget state holds what was typed into forms, and pulls scripts
    # ldkit's own plumbing (parameter cells) is not the learner's work: the digest leaves it out
    nb["cells"] = [c for c in nb.get("cells", []) if not (isinstance(c, dict) and {"parameters", "injected-parameters"}
                                                          & set(c.get("metadata", {}).get("tags") or []))]
    for number, cell in enumerate(nb.get("cells", [])):
        if not isinstance(cell.get("id"), str) or not cell["id"]:
            cell["id"] = f"cell-{number}"  # nbformat 4.5 wants ids; older files lack them (and nbformat warns)
        cell.get("metadata", {}).pop("widgets", None)
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []) or []:
            fixed = _prepare_output(output, hidden)
            if fixed is not None:
                kept.append(fixed)
        cell["outputs"] = kept
    return nb


def _note(text: str) -> dict[str, Any]:
    return {"output_type": "display_data", "metadata": {}, "data": {"text/plain": text}}


def _prepare_output(output: dict[str, Any], hidden: set[str]) -> dict[str, Any] | None:
    from ldkit.records.privacy import is_private

    if not isinstance(output, dict):
        return None
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        if len(text.encode("utf-8", "replace")) > OUTPUT_LIMIT:
            output["text"] = text[:OUTPUT_LIMIT // 4] + f"\n… output cut: {len(text):,} characters is over the " \
                                                        f"{OUTPUT_LIMIT // 1_000_000} MB limit of the digest\n"
        return output
    data = output.get("data")
    if not isinstance(data, dict):
        return output
    record = data.get(MIME)
    if isinstance(record, dict) and (record.get("kind") in hidden or is_private(record)):
        return None
    for mime in DROPPED:
        data.pop(mime, None)
    data.pop(MIME, None)  # the Markdown view says it for people
    if "text/vnd.mermaid" in data:
        source = data.pop("text/vnd.mermaid")
        data.setdefault("text/plain", "".join(source) if isinstance(source, list) else str(source))
    if "text/latex" in data and not any(m in data for m in ("text/html", "text/markdown", "image/svg+xml")):
        from ldkit.render.mathml import latex_output_html

        latex = data.pop("text/latex")
        data["text/html"] = latex_output_html("".join(latex) if isinstance(latex, list) else str(latex))
    if "image/svg+xml" in data:
        svg = data.pop("image/svg+xml")
        svg = "".join(svg) if isinstance(svg, list) else str(svg)
        encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        data["text/html"] = f'<img alt="SVG figure" src="data:image/svg+xml;base64,{encoded}">'  # never inline
    for mime, value in list(data.items()):
        size = len(value) if isinstance(value, str) else len(json.dumps(value))
        if size > OUTPUT_LIMIT:
            data.clear()
            data["text/plain"] = f"[output cut: its {mime} is {size / 1_000_000:.1f} MB, over the " \
                                 f"{OUTPUT_LIMIT // 1_000_000} MB limit of the digest]"
            break
    if not data:
        return _note("[a JavaScript or widget output is not shown in the digest]")
    output["metadata"] = {k: v for k, v in (output.get("metadata") or {}).items() if k.startswith("image/")}
    return output


def _get_exporter(bytecode_dir: Path | None = None) -> Any:
    global _exporter
    if _exporter is None:
        import jinja2

        from ldkit.render.highlight import highlight_html
        from ldkit.render.jupyter import fragment_exporter
        from ldkit.render.markdown import render as render_markdown

        @jinja2.pass_context
        def markdown2html(context: Any, source: str) -> str:
            cell = context.get("cell") or {}
            attachments = cell.get("attachments") if isinstance(cell, dict) else None
            return render_markdown(source, escape=False, attachments=attachments or None)

        _exporter = fragment_exporter(markdown2html, highlight_html)
        if bytecode_dir is not None:
            # compiling nbconvert's templates costs ~40 ms per process; their bytecode keeps (ldkit.render.cache)
            from ldkit.render.cache import bytecode_cache

            _exporter.environment.bytecode_cache = bytecode_cache(Path(bytecode_dir))
    return _exporter


def render_notebook(raw: bytes, hide_kinds: Iterable[str] = (), bytecode_dir: Path | None = None,
                    place: Place | None = None) -> str:
    """bytes of an .ipynb -> a sanitized HTML fragment (raises on a notebook nbconvert cannot read)."""
    import nbformat

    from ldkit.render.jupyter import rejoin_lines

    node = nbformat.from_dict(json.loads(raw.decode("utf-8")))
    rejoin_lines(node)  # multi-line strings are stored as lists of lines by nbformat and JupyterLab
    prepare(node, hide_kinds)
    html, _ = _get_exporter(bytecode_dir).from_notebook_node(node)
    parked: list[str] = []  # the figures' base64, out of every pass's way until the fragment is clean
    return sanitize(localise(park(html, parked), place, parked), parked)


def _render_into_cache(job: RenderJob, cache_dir: Path) -> tuple[str, str | None]:
    """Worker side: render one notebook and write its fragment file; returns (key, error)."""
    from ldkit.render import highlight, mathml

    if mathml._slot.store is None:  # formulas and code cells converted before are kept (a notebook's other cells)
        mathml.use_store(Path(cache_dir) / "formulas.sqlite")
    if highlight._slot.store is None:
        highlight.use_store(Path(cache_dir) / "highlights.sqlite")
    try:
        html = render_notebook(job.path.read_bytes(), job.hide_kinds, Path(cache_dir) / "templates", job.place)
    except Exception as exc:  # any notebook nbconvert chokes on is reported, the rest goes on
        return job.key, f"{type(exc).__name__}: {exc}"
    finally:
        mathml.flush_store()
        highlight.flush_store()
    from ldkit.core.files import atomic_write

    atomic_write(Path(cache_dir) / "fragments" / f"{job.key}.html", html)
    return job.key, None


class RenderPool:
    """Worker processes for rendering, started on demand — as early as the first changed notebook is seen, so a
    worker's import of nbconvert (~0.2 s) overlaps the rest of the build instead of following it; or, when the
    command line already says a build will render (`started_early`), before the command itself has loaded."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self.executor: Any = None
        self.early: dict[str, Any] = {}  # render key -> future, for jobs started before render_all saw them

    @classmethod
    def started_early(cls, workers: int) -> RenderPool:
        """Start this process's render workers now, for the build that follows to take (`take`): ldkit.cli.entry
        knows a digest will build ~0.1 s before the command has imported what it needs to start them."""
        global _started
        _started = cls(workers)
        _started.start()
        return _started

    @classmethod
    def take(cls, workers: int) -> RenderPool:
        """The workers started early for this build if there are (as many as it asks for), else a new pool."""
        global _started
        pool, _started = _started, None
        if pool is not None and pool.workers == max(1, workers):
            return pool
        if pool is not None:
            pool.close()
        return cls(workers)

    def prefetch(self, job: RenderJob, cache_dir: Path) -> None:
        """Start rendering `job` now, while the caller is still reading the rest of the week (the caller checked
        that the cache lacks it and that it may be rendered); render_all then waits for it like any other."""
        if job.key not in self.early:
            self.early[job.key] = self.start().submit(_render_into_cache, job, cache_dir)

    def start(self) -> Any:
        if self.executor is None:
            from concurrent.futures import ProcessPoolExecutor

            from ldkit.core.procs import worker_args
            from ldkit.render.jupyter import render_worker_init

            # the workers die with this process, even when it is killed (kill -9 leaves nothing running)
            self.executor = ProcessPoolExecutor(max_workers=self.workers, initializer=render_worker_init,
                                                initargs=worker_args())
            self.executor.submit(_ready)  # the first worker starts (and imports) now
        return self.executor

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
        self.early.clear()


def _ready() -> None:
    return None


def _size(job: RenderJob) -> int:
    try:
        return job.path.stat().st_size
    except OSError:
        return 0


def render_all(jobs: list[RenderJob], cache: FragmentCache, workers: int, rebuild: bool = False,
               progress: Callable[[int], None] | None = None,
               meanwhile: Callable[[], Any] | None = None, pool: RenderPool | None = None) -> dict[str, Rendered]:
    """Render what the cache lacks in worker processes; `meanwhile` runs in this process as they work."""
    done: dict[str, Rendered] = {}
    todo: list[RenderJob] = []
    early = pool.early if pool is not None else {}
    for job in jobs:
        hit = None if rebuild or job.key in early else cache.get(job.key)
        if hit is not None:
            done[job.key] = Rendered(job.key, job.path, hit, cached=True)
            if progress:
                progress(1)
        else:
            todo.append(job)
    unique = list({job.key: job for job in todo}.values())
    by_key = {job.key: job for job in unique}

    def finish(key: str, error: str | None) -> None:
        job = by_key[key]
        done[key] = Rendered(key, job.path, None if error else cache.path(key), error)
        if progress:
            progress(1)

    if not unique:
        if meanwhile:
            meanwhile()
        return done
    from concurrent.futures import as_completed

    # even one notebook renders in a worker: importing nbconvert there overlaps `meanwhile` here
    owned = pool is None
    pool = pool or RenderPool(min(workers, len(unique)))
    try:
        executor = pool.start()
        # the largest first: the last to finish is then a small one, and no worker idles while one renders a
        # big notebook alone at the end (real collections mix 5 KB and 4 MB notebooks)
        futures = [early.pop(job.key) if job.key in early else executor.submit(_render_into_cache, job, cache.folder)
                   for job in sorted(unique, key=_size, reverse=True)]
        if meanwhile:
            meanwhile()
        for future in as_completed(futures):
            finish(*future.result())
    finally:
        if owned:
            pool.close()
    return done
