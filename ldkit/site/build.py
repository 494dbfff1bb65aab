"""`ldkit site`: every week's page, people, topics, papers and feeds, built incrementally and swapped in whole.

A week whose workbooks, records, weeks off and neighbours did not change keeps its page (its fingerprint is in
`.ldkit-site.json`); the pages that span weeks are made again from the collected records only, never by rendering
a notebook. Everything is built in a staging folder inside the site first and moved into place at the end, so a
build that is killed midway leaves the previous site whole.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ldkit import __version__
from ldkit.atomic import atomic_write, make_folder
from ldkit.digest.cache import FragmentCache
from ldkit.digest.collect import Collected, collect, shared_entries
from ldkit.digest.media import Place
from ldkit.digest.model import build_model
from ldkit.digest.render import RenderJob, RenderPool, render_all
from ldkit.errors import InputError, WriteError
from ldkit.site.history import build_history, person_page, week_page
from ldkit.stats import WeekData, compute, known_weeks, skips_of
from ldkit.totals import week_totals
from ldkit.weeks import Week
from ldkit.workspace import Workspace

SITE_VERSION = 1
MANIFEST = ".ldkit-site.json"


@dataclass
class SiteResult:
    folder: Path
    weeks: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)  # weeks whose page was made again
    changed: int = 0  # files replaced or added
    notebooks: int = 0
    rendered: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


def site_folder(workspace: Workspace, out: Path | None) -> Path:
    return Path(out) if out is not None else workspace.site


def build_site(workspace: Workspace, out: Path | None = None, since: Week | None = None, until: Week | None = None,
               rebuild: bool = False, jobs: int | None = None, show_progress: bool = False) -> SiteResult:
    folder = site_folder(workspace, out)
    if since is not None and until is not None and since > until:
        raise InputError(f"--since {since} is after --until {until}", hint="swap them, or leave one out")
    weeks = [w for w in known_weeks(workspace) if (since is None or w >= since) and (until is None or w <= until)]
    make_folder(folder)
    with _site_lock(folder):
        for stale in folder.glob(".ldkit-staging-*"):  # left by a build that was killed: never half-moved
            shutil.rmtree(stale, ignore_errors=True)
        try:
            staging = Path(tempfile.mkdtemp(prefix=".ldkit-staging-", dir=folder))
        except OSError as exc:
            raise WriteError(f"cannot write the site into {folder}: {exc.strerror}") from None
        result = SiteResult(folder=folder, weeks=[str(w) for w in weeks])
        pool = RenderPool(jobs or os.cpu_count() or 1)
        try:
            _build(workspace, folder, staging, weeks, rebuild, pool, result, show_progress)
        finally:
            pool.close()
            shutil.rmtree(staging, ignore_errors=True)
    return result


@contextlib.contextmanager
def _site_lock(folder: Path) -> Iterator[None]:
    """One build of a site folder at a time; a second waits for the first (it then finds little to do)."""
    try:
        handle = open(folder / ".ldkit-site.lock", "a+b")
    except OSError as exc:
        raise WriteError(f"cannot write the site into {folder}: {exc.strerror}") from None
    with handle:
        try:
            import fcntl

            # a POSIX record lock, not flock: render workers forked during the build must not inherit it, so a
            # build killed midway never leaves the folder locked behind it
            fcntl.lockf(handle.fileno(), fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows
            pass
        yield


def _build(workspace: Workspace, folder: Path, staging: Path, weeks: list[Week], rebuild: bool, pool: RenderPool,
           result: SiteResult, show_progress: bool) -> None:
    manifest = _read_manifest(folder)
    index = workspace.cache / "digest" / "workbooks.sqlite"
    collected: dict[Week, Collected] = {}
    for week in weeks:
        collected[week] = collect(workspace, week, index, on_change=pool.start)
        result.warnings.extend(collected[week].warnings)
        result.warnings.extend(f"{p.path}: {p.reason}" for p in collected[week].problems)
    weeks_read = {week: WeekData(week, week_totals((e.workbook for e in found.entries), week),
                                 skips_of(workspace, week, result.warnings))
                  for week, found in collected.items()}
    result.notebooks = sum(len(found.entries) for found in collected.values())

    # which week pages must be made again
    plans: list[tuple[Week, dict[str, Any], dict[str, str], str]] = []
    fingerprints: dict[str, str] = {}
    for i, week in enumerate(weeks):
        recent = compute(workspace, since=week.shift(-7), until=week, weeks_read=weeks_read)
        links = {"home": "../../index.html"}
        if i > 0:
            links.update(previous=f"../{weeks[i - 1]}/index.html", previous_week=str(weeks[i - 1]))
        if i + 1 < len(weeks):
            links.update(next=f"../{weeks[i + 1]}/index.html", next_week=str(weeks[i + 1]))
        fingerprint = _fingerprint(collected[week], weeks_read[week], recent, links)
        fingerprints[str(week)] = fingerprint
        page = folder / week_page(str(week))
        if rebuild or manifest.get("weeks", {}).get(str(week)) != fingerprint or not page.is_file():
            plans.append((week, recent, links, fingerprint))
    result.rebuilt = [str(week) for week, *_ in plans]

    # render what those weeks lack, all weeks at once (one pool, one cache)
    jobs = [RenderJob(e.workbook.path, e.key, e.hide_kinds,
                      Place(e.workbook.path.parent, workspace.root, workspace.week_folder(week)))
            for week, *_ in plans for e in shared_entries(collected[week].entries)]
    cache = FragmentCache(workspace.cache / "digest")
    try:
        bar = _progress(len(jobs), show_progress)
        rendered = render_all(jobs, cache, workers=pool.workers, rebuild=rebuild,
                              progress=bar.update if bar else None, pool=pool)
        if bar:
            bar.close()
    finally:
        cache.close()
    result.rendered = sum(1 for r in rendered.values() if not r.cached)
    from ldkit.writers import page

    templates = workspace.cache / "digest" / "templates"
    for week, recent, links, _ in plans:
        model = build_model(workspace, collected[week], rendered, {}, recent)
        model.links = links
        target = staging / week_page(str(week))
        make_folder(target.parent)
        page.write(model, target, templates)

    # the pages across weeks, from the records only
    from ldkit.writers import atom, site_pages

    history = build_history(workspace, {w: [e.workbook for e in c.entries] for w, c in collected.items()},
                            weeks_read)
    # stamped with the newest record, not the clock: an unchanged history gives byte-identical pages
    newest = history.outcomes[0].view.outcome if history.outcomes else None
    stamp = f"{newest.saved_at[:16].replace('T', ' ')} UTC" if newest else "now (no outcomes yet)"
    site_pages.write_all(history, staging, stamp)
    site_url = workspace.settings.site_url
    feed_id = "urn:ldkit:site:" + hashlib.sha1(str(workspace.root).encode("utf-8")).hexdigest()
    atom.write(history.outcomes, staging, "feed.xml", title="Learning Day", site_url=site_url, feed_id=feed_id)
    for person in history.people:
        feed_path = person_page(person.author).replace("index.html", "feed.xml")
        atom.write([e for e in history.outcomes if e.author == person.author], staging, feed_path,
                   title=f"Learning Day — {person.author}", site_url=site_url, feed_id=f"{feed_id}:{person.slug}")
    result.changed = _commit(staging, folder)
    atomic_write(folder / MANIFEST, json.dumps({"version": SITE_VERSION, "ldkit": __version__,
                                                "weeks": {**manifest.get("weeks", {}), **fingerprints}},
                                               indent=1, sort_keys=True) + "\n")


def _fingerprint(found: Collected, data: WeekData, recent: dict[str, Any], links: dict[str, str]) -> str:
    """Everything a week's page shows, so an unchanged week keeps its page."""
    entries = []
    for e in sorted(found.entries, key=lambda e: str(e.workbook.path)):
        records = e.workbook.records
        entries.append([e.key, str(e.workbook.path), e.workbook.identity, records.plan, records.outcome,
                        sorted(records.results.items())])
    blob = json.dumps({"entries": entries, "skipped": data.skipped, "team": found.team,
                       "problems": [[str(p.path), p.reason] for p in found.problems], "recent": recent,
                       "links": links, "site": SITE_VERSION, "ldkit": __version__},
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _commit(staging: Path, folder: Path) -> int:
    """Move every staged file whose bytes differ into place (each move atomic); returns how many moved."""
    moved = 0
    for path in sorted(staging.rglob("*")):
        if not path.is_file():
            continue
        target = folder / path.relative_to(staging)
        try:
            if target.is_file() and target.stat().st_size == path.stat().st_size and \
                    target.read_bytes() == path.read_bytes():
                continue
        except OSError:
            pass
        make_folder(target.parent)
        try:
            os.replace(path, target)
        except OSError as exc:
            raise WriteError(f"cannot write {target}: {exc.strerror}") from None
        moved += 1
    return moved


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == SITE_VERSION else {}


def _progress(total: int, enabled: bool) -> Any:
    if not enabled or total == 0:
        return None
    import sys

    from tqdm import tqdm

    return tqdm(total=total, desc="render", unit="nb", file=sys.stderr, leave=False)
