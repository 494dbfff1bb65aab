"""`ldkit site`: every week's page, people, topics, papers and feeds, built incrementally and swapped in whole.

A week whose workbooks, records, weeks off and neighbours did not change keeps its page (its fingerprint is in
`.ldkit-site.json`); the pages that span weeks are made again from the collected records only, never by rendering
a notebook. The whole site is built in a staging folder beside it (unchanged pages carried over as hard links) and
swapped in with one atomic exchange at the end, so a build killed midway leaves the previous site whole, and a
page the site no longer produces (a topic whose only workbook became private, a deleted person) is gone.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.core import __version__
from ldkit.core.errors import InputError, WriteError
from ldkit.core.files import atomic_write, locked, make_folder, stamp_tree
from ldkit.core.layout import SITE_FEED, SITE_INDEX, site_link, site_person_feed, site_week_path
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace
from ldkit.digest.collect import collect
from ldkit.ledger.stats import WeekData, compute, known_weeks, skips_of
from ldkit.ledger.totals import week_totals
from ldkit.model.history import build_history, week_page
from ldkit.model.week import build_model
from ldkit.records.week import Collected, shared_entries
from ldkit.render.cache import FragmentCache
from ldkit.render.fragment import RenderJob, RenderPool, render_all
from ldkit.render.media import Place

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
        return self.folder / SITE_INDEX


def site_folder(workspace: Workspace, out: Path | None) -> Path:
    return Path(out) if out is not None else workspace.site


def build_site(workspace: Workspace, out: Path | None = None, since: Week | None = None, until: Week | None = None,
               rebuild: bool = False, jobs: int | None = None, show_progress: bool = False) -> SiteResult:
    folder = site_folder(workspace, out)
    if since is not None and until is not None and since > until:
        raise InputError(f"--since {since} is after --until {until}", hint="swap them, or leave one out")
    known = known_weeks(workspace)
    weeks = [w for w in known if (since is None or w >= since) and (until is None or w <= until)]
    make_folder(folder.parent)
    with _site_lock(workspace, folder):
        _recover(folder)
        inputs = _inputs(workspace, folder, weeks)
        before = _read_manifest(folder)
        if not rebuild and before.get("inputs") == _inputs_key(inputs, before.get("referenced", [])) \
                and (folder / SITE_INDEX).is_file():
            # nothing the site shows has changed (files, settings, ldkit, the date): the site stands as it is
            return SiteResult(folder=folder, weeks=[str(w) for w in weeks], notebooks=before.get("notebooks", 0))
        try:
            staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(folder), dir=folder.parent))
        except OSError as exc:
            raise WriteError(f"cannot write the site into {folder}: {exc.strerror}") from None
        result = SiteResult(folder=folder, weeks=[str(w) for w in weeks])
        pool = RenderPool(jobs or os.cpu_count() or 1)
        try:
            _build(workspace, folder, staging, weeks, rebuild, pool, result, show_progress,
                   keep=[w for w in known if w not in weeks], inputs=inputs, until=until)
            result.changed = _differences(staging, folder)
            _swap(staging, folder)
        finally:
            pool.close()
            shutil.rmtree(staging, ignore_errors=True)  # after the swap it holds the previous site
    return result


def _staging_prefix(folder: Path) -> str:
    return f".{folder.name}.ldkit-staging-"


def _recover(folder: Path) -> None:
    """Clean up after a build that was killed: staging folders go; a previous site set aside by a swap that had
    no atomic exchange (see `_swap`) and was killed between its two renames is put back."""
    for stale in sorted(folder.parent.glob(_staging_prefix(folder) + "*")):
        if stale.name.endswith(".previous") and not folder.exists():
            os.replace(stale, folder)
        else:
            shutil.rmtree(stale, ignore_errors=True)
    for stale in folder.glob(".ldkit-staging-*"):  # left inside the site by ldkit before 0.x: never published
        shutil.rmtree(stale, ignore_errors=True)


def _swap(staging: Path, folder: Path) -> None:
    """Put the staged site in place in one step: `folder` is the old site or the new one, never a mix.

    On Linux this is renameat2(RENAME_EXCHANGE), one atomic exchange of the two folders (`staging` then holds
    the previous site, for the caller to remove). Elsewhere, two renames; a build killed between them leaves
    the previous site beside `folder`, and the next build puts it back before it starts (`_recover`)."""
    if not folder.exists():
        os.replace(staging, folder)
        staging.mkdir()  # the caller removes it
        return
    if _exchange(staging, folder):
        return
    aside = staging.with_name(staging.name + ".previous")
    try:
        os.replace(folder, aside)
        os.replace(staging, folder)
    except OSError as exc:
        raise WriteError(f"cannot write the site into {folder}: {exc.strerror}") from None
    os.replace(aside, staging)


def _exchange(a: Path, b: Path) -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, ImportError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _differences(staging: Path, folder: Path) -> int:
    """Files the new site adds, changes or no longer has, against the previous one."""
    new = {p.relative_to(staging) for p in staging.rglob("*") if p.is_file()}
    old = {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()
    changed = len(old - new)
    for relative in new:
        if str(relative) == MANIFEST:
            continue
        try:
            before, after = folder / relative, staging / relative
            if relative in old and before.stat().st_size == after.stat().st_size and \
                    before.read_bytes() == after.read_bytes():
                continue
        except OSError:
            pass
        changed += 1
    return changed


@contextlib.contextmanager
def _site_lock(workspace: Workspace, folder: Path) -> Iterator[None]:
    """One build of a site folder at a time; a second waits for the first (it then finds little to do).
    The lock lives outside the folder, since the folder itself is swapped."""
    name = "site-" + hashlib.sha1(str(folder.resolve()).encode("utf-8")).hexdigest()[:12] + ".lock"
    place = workspace.cache
    try:
        make_folder(place)
    except WriteError:
        place = folder.parent  # a read-only cache: beside the site, still outside the swapped folder
        name = f".{folder.name}.ldkit-site.lock"
    with locked(place / name, doing="write the site: cannot lock"):
        yield


def _inputs(workspace: Workspace, folder: Path, weeks: list[Week]) -> str:
    """A digest of everything a site build reads, at the cost of one stat per file: every file under workbooks/
    (notebooks, journals, weeks off, images beside them), the settings file, ldkit's own code and templates, the
    weeks asked for, where the site goes, and today's date (a week's open days and held days follow the date)."""
    import datetime as dt

    digest = hashlib.sha256()
    digest.update(json.dumps([__version__, SITE_VERSION, str(folder.resolve()), [str(w) for w in weeks],
                              dt.date.today().isoformat()]).encode())
    if workspace.config_file is not None:
        with contextlib.suppress(OSError):
            digest.update(workspace.config_file.read_bytes())
    package = Path(__file__).resolve().parent.parent
    for top in (package, workspace.workbooks):
        stamp_tree(digest, top)
    return digest.hexdigest()


def _inputs_key(inputs: str, referenced: list[str]) -> str:
    """`_inputs` and the size and mtime of each image the notebooks reference (they may lie outside workbooks/)."""
    digest = hashlib.sha256(inputs.encode())
    for name in referenced:
        try:
            info = os.stat(name)
            digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
        except OSError:
            digest.update(f"{name}\0-\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _referenced(collected: dict[Week, Collected]) -> list[str]:
    """Every image file the collected notebooks reference, as a path."""
    found = set()
    for found_week in collected.values():
        for e in found_week.entries:
            for part in filter(None, e.files.split("|")):
                found.add(str(e.workbook.path.parent / part.rsplit(":", 2)[0]))
    return sorted(found)


def _build(workspace: Workspace, folder: Path, staging: Path, weeks: list[Week], rebuild: bool, pool: RenderPool,
           result: SiteResult, show_progress: bool, keep: Sequence[Week] = (), inputs: str = "",
           until: Week | None = None) -> None:
    """Build the whole site into `staging`: pages made again, unchanged week pages (and those of weeks outside
    --since/--until) carried over from `folder`; whatever the site no longer produces is simply not there."""
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
        here = site_week_path(week)
        links = {"home": site_link(here, SITE_INDEX)}
        if i > 0:
            links.update(previous=site_link(here, site_week_path(weeks[i - 1])), previous_week=str(weeks[i - 1]))
        if i + 1 < len(weeks):
            links.update(next=site_link(here, site_week_path(weeks[i + 1])), next_week=str(weeks[i + 1]))
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
    from ldkit.writers import page as page_writer

    templates = workspace.cache / "digest" / "templates"
    for week, recent, links, _ in plans:
        model = build_model(workspace, collected[week], rendered, {}, recent)
        model.links = links
        target = staging / week_page(str(week))
        make_folder(target.parent)
        page_writer.write(model, target, templates)

    # the pages across weeks, from the records only
    from ldkit.writers import atom, site_pages

    history = build_history(workspace, {w: [e.workbook for e in c.entries] for w, c in collected.items()},
                            weeks_read)
    # stamped with the newest record, not the clock: an unchanged history gives byte-identical pages
    newest = history.outcomes[0].view.outcome if history.outcomes else None
    stamp = f"{newest.saved_at[:16].replace('T', ' ')} UTC" if newest else "now (no outcomes yet)"
    if workspace.settings.teams:  # a company: its teams side by side, and a page per team
        from ldkit.core.weeks import parse_week
        from ldkit.ledger.team import team_of
        from ldkit.model.company import team_histories
        from ldkit.writers import site_teams

        last = max(weeks) if weeks else parse_week("this")
        on_teams = [(t, team_of(workspace.for_team(t.slug), last, [])) for t in workspace.settings.teams]
        history.teams = team_histories(on_teams, history, weeks_read)
    from ldkit.model.health import attach

    attach(history, workspace, until, {w: [e.workbook for e in c.entries] for w, c in collected.items()}, weeks_read)
    if history.teams:
        site_teams.write_all(history.teams, staging, stamp)
    site_pages.write_all(history, staging, stamp)
    site_url = workspace.settings.site_url
    feed_id = "urn:ldkit:site:" + hashlib.sha1(str(workspace.root).encode("utf-8")).hexdigest()
    atom.write(history.outcomes, staging, SITE_FEED, title="Learning Day", site_url=site_url, feed_id=feed_id)
    by_author: dict[str, list[Any]] = {}  # once, not a filter over every outcome per person (people x outcomes)
    for entry in history.outcomes:
        by_author.setdefault(entry.author, []).append(entry)
    for person in history.people:
        feed_path = site_person_feed(person.author)
        atom.write(by_author.get(person.author, []), staging, feed_path,
                   title=f"Learning Day — {person.author}", site_url=site_url, feed_id=f"{feed_id}:{person.slug}")
    made = {str(week) for week, *_ in plans}
    carried = [str(w) for w in weeks if str(w) not in made] + [str(w) for w in keep]
    for week_name in carried:
        _carry(folder / week_page(week_name), staging / week_page(week_name))
    kept = {str(w) for w in keep}
    old_prints = {w: f for w, f in manifest.get("weeks", {}).items() if w in kept}
    referenced = _referenced(collected)
    atomic_write(staging / MANIFEST, json.dumps({"version": SITE_VERSION, "ldkit": __version__,
                                                 "weeks": {**old_prints, **fingerprints},
                                                 "inputs": _inputs_key(inputs, referenced), "referenced": referenced,
                                                 "notebooks": result.notebooks},
                                                indent=1, sort_keys=True) + "\n")


def _carry(source: Path, target: Path) -> None:
    """An unchanged page into the new site: a hard link (no bytes copied), else a copy."""
    if not source.is_file():
        return
    make_folder(target.parent)
    try:
        os.link(source, target)
    except OSError:
        try:
            shutil.copy2(source, target)
        except OSError as exc:
            raise WriteError(f"cannot write {target}: {exc.strerror}") from None


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
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


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
