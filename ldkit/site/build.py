"""`ldkit site`: every week's page, people, topics, papers and feeds, built incrementally and swapped in whole.

One stat of every file says whether anything changed at all. A week whose folder did not change is read back from
its slice (ldkit.site.slices: its numbers, what its page and the history take from it), not collected again; its
page is kept while its fingerprint (in `.ldkit-site.json`: its workbooks, weeks off, streaks and neighbours) is the
same. The pages that span weeks come from the slices only, never by rendering a notebook, and none is made while
no week changed what the history takes from it; otherwise each is made only if its key — a digest of exactly what
it shows (ldkit.writers.site_pages.page_plans) — changed. The whole site is built in a staging folder beside it
(unchanged pages carried over as hard links) and swapped in with one atomic exchange at the end, so a build
killed midway leaves the previous site whole, and a page the site no longer produces (a topic whose only workbook
became private, a deleted person) is gone.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ldkit.core import __version__
from ldkit.core.errors import InputError, LdkitError, WriteError
from ldkit.core.files import atomic_write, atomic_write_chunks, locked, make_folder
from ldkit.core.inputs import Inputs, with_files, workspace_inputs
from ldkit.core.layout import SITE_FEED, SITE_INDEX, site_link, site_person_feed, site_week_path
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace, settings_print
from ldkit.ledger.stats import known_weeks

if TYPE_CHECKING:  # the rest is imported when a build is needed: "nothing changed" is a stat of every file
    from ldkit.ledger.stats import WeekData
    from ldkit.records.week import Collected
    from ldkit.render.cache import FragmentCache
    from ldkit.render.fragment import RenderPool
    from ldkit.site.slices import Slice, SliceStore

SITE_VERSION = 2  # 2: each page's key in the manifest (pages), and the history's
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
        before = _read_manifest(folder)
        inputs = _inputs(workspace, folder, weeks, before)
        if not rebuild:
            standing = _standing(folder, weeks, before, inputs)
            if standing is not None:
                return standing
        spare = _spare(workspace, folder)
        staging, reused = _staging(folder, spare)
        result = SiteResult(folder=folder, weeks=[str(w) for w in weeks])
        from ldkit.render.fragment import RenderPool

        pool = RenderPool.take(jobs or os.cpu_count() or 1)
        pool.start()  # something changed: a notebook, most often; its worker imports while the weeks are read
        try:
            _build(workspace, folder, staging, weeks, rebuild, pool, result, show_progress,
                   keep=[w for w in known if w not in weeks], inputs=inputs, until=until)
            workspace.keep_settings()  # with the site's own caches: the next command reads them back
            if reused:
                _prune(staging)
            result.changed += _removed(folder, staging)
            first = _swap(staging, folder)
            if spare is not None and first:
                _mirror(folder, staging)
            if spare is not None:  # the previous site is the next build's staging: its folders are kept
                with contextlib.suppress(OSError):
                    os.rename(staging, spare)
        finally:
            pool.close()
            shutil.rmtree(staging, ignore_errors=True)  # a build that failed, or a previous site not kept
    return result


def standing_site(workspace: Workspace) -> SiteResult | None:
    """The workspace's site (site/, every week) as its last build left it, when nothing it shows has changed
    since — what `ldkit site` would find, without building: ldkit doctor's answer for a company's year, whose
    build into a folder of its own writes ~2,000 pages (a minute and a half). None when it would build."""
    folder = site_folder(workspace, None)
    weeks = known_weeks(workspace)
    before = _read_manifest(folder)
    if not before:
        return None
    return _standing(folder, weeks, before, _inputs(workspace, folder, weeks, before))


def _standing(folder: Path, weeks: list[Week], before: dict[str, Any], inputs: Inputs) -> SiteResult | None:
    """The site in `folder` when nothing it shows has changed (files, settings, ldkit, the date), with what its
    build said of the files it could not read; None when it must be built."""
    if before.get("inputs") != _inputs_key(inputs.digest, before.get("referenced", [])) or \
            not (folder / SITE_INDEX).is_file():
        return None
    warnings = before.get("warnings")
    return SiteResult(folder=folder, weeks=[str(w) for w in weeks], notebooks=before.get("notebooks", 0),
                      warnings=[str(w) for w in warnings] if isinstance(warnings, list) else [])


def _spare(workspace: Workspace, folder: Path) -> Path | None:
    """Where the previous site is kept for the next build to build into (in the workspace cache), or None.

    Building into it instead of a new folder spares making and removing a folder per person each build (on a
    disk mounted with `discard`, removing a folder costs milliseconds). Only for a site beside the cache (the
    workspace's own, or a company's), on the same disk: the cache never holds a copy of a folder elsewhere."""
    try:
        cache, parent = workspace.cache.resolve(), folder.parent.resolve()
        if not cache.is_relative_to(parent):
            return None
        make_folder(cache)
        if os.stat(cache).st_dev != os.stat(parent).st_dev:
            return None
    except (OSError, WriteError, ValueError):
        return None
    return cache / ("site-spare-" + hashlib.sha1(str(folder.resolve()).encode("utf-8")).hexdigest()[:12])


def _staging(folder: Path, spare: Path | None) -> tuple[Path, bool]:
    """A staging folder beside `folder`: the kept previous site if there is one (renamed, not copied; then True),
    else a new one."""
    import secrets

    if spare is not None and spare.is_dir() and not _trusted(spare):
        shutil.rmtree(spare, ignore_errors=True)  # someone else's, or links planted in it: start from a new folder
    if spare is not None and spare.is_dir():
        staging = folder.parent / f"{_staging_prefix(folder)}{secrets.token_hex(4)}"
        try:
            os.rename(spare, staging)
            return staging, True
        except OSError:
            shutil.rmtree(spare, ignore_errors=True)
    try:
        return Path(tempfile.mkdtemp(prefix=_staging_prefix(folder), dir=folder.parent)), False
    except OSError as exc:
        raise WriteError(f"cannot write the site into {folder}: {exc.strerror}") from None


def _trusted(spare: Path) -> bool:
    """A kept previous site may be built into only if everything in it is ours and nothing is a link: pages are
    written through the folders they find, and a link planted in the cache would take them out of the site."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    try:
        info = os.lstat(spare)
        if stat.S_ISLNK(info.st_mode) or (uid is not None and info.st_uid != uid):
            return False
        for here, dirs, files in os.walk(spare):
            for name in (*dirs, *files):
                info = os.lstat(os.path.join(here, name))
                if stat.S_ISLNK(info.st_mode) or (uid is not None and info.st_uid != uid):
                    return False
    except OSError:
        return False
    return True


def _prune(staging: Path) -> None:
    """Remove from `staging` what the new site does not have (a previous site's files, when it was the spare):
    its manifest lists every page it made or carried over."""
    manifest = _read_manifest(staging)
    pages, weeks = manifest.get("pages", {}), manifest.get("weeks", {})
    wanted = {MANIFEST, *(p for p in pages if p), *(site_week_path(w) for w in weeks)}
    for here, _, files in os.walk(staging, topdown=False):
        for name in files:
            path = os.path.join(here, name)
            if os.path.relpath(path, staging) not in wanted:
                with contextlib.suppress(OSError):
                    os.unlink(path)
        if here != str(staging):
            with contextlib.suppress(OSError):
                os.rmdir(here)  # only if empty: a folder that still holds a page stays


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


def _swap(staging: Path, folder: Path) -> bool:
    """Put the staged site in place in one step: `folder` is the old site or the new one, never a mix. True
    when there was no site before (`staging` is then an empty folder).

    On Linux this is renameat2(RENAME_EXCHANGE), one atomic exchange of the two folders (`staging` then holds
    the previous site, for the caller to remove). Elsewhere, two renames; a build killed between them leaves
    the previous site beside `folder`, and the next build puts it back before it starts (`_recover`)."""
    if not folder.exists():
        os.replace(staging, folder)
        staging.mkdir()  # the caller removes it
        return True
    if _exchange(staging, folder):
        return False
    aside = staging.with_name(staging.name + ".previous")
    try:
        os.replace(folder, aside)
        os.replace(staging, folder)
    except OSError as exc:
        raise WriteError(f"cannot write the site into {folder}: {exc.strerror}") from None
    os.replace(aside, staging)
    return False


def _mirror(folder: Path, spare: Path) -> None:
    """After a first build, make the kept site a copy of the new one in hard links (no bytes copied): the next
    build then finds its folders made and its unchanged pages in place, as every later build does. Without it
    the first change after a fresh site makes every person's and topic's folder again (2,100 folders at 52,000
    workbooks: 0.3 s of the 2 s a one-change site may take). Best effort: what cannot be linked is made later."""
    start = len(str(folder)) + 1
    try:
        for here, dirs, files in os.walk(folder):
            rel = here[start:]
            target = os.path.join(spare, rel) if rel else str(spare)
            for name in dirs:
                os.mkdir(os.path.join(target, name))
            for name in files:
                os.link(os.path.join(here, name), os.path.join(target, name))
    except OSError:
        shutil.rmtree(spare, ignore_errors=True)
        with contextlib.suppress(OSError):
            spare.mkdir()


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


def _inputs(workspace: Workspace, folder: Path, weeks: list[Week], before: dict[str, Any]) -> Inputs:
    """Everything a site build reads (core.inputs), the weeks asked for and where the site goes; `before` (the
    manifest) keeps each week's stamp and the watcher's answer they were taken after."""
    return workspace_inputs(workspace, [SITE_VERSION, str(folder.resolve()), [str(w) for w in weeks]],
                            {"weeks": before.get("stamps"), "watched": before.get("watched")})


def _inputs_key(inputs: str, referenced: list[str]) -> str:
    """`_inputs` and the size and mtime of each image the notebooks reference (they may lie outside workbooks/)."""
    return with_files(inputs, referenced)


def _context(workspace: Workspace, code: str) -> str:
    """What every slice depends on beyond its week's files: ldkit, its code, the settings, the workspace's view."""
    from ldkit.site.slices import digest_of

    return digest_of([SITE_VERSION, __version__, code, settings_print(workspace.settings), str(workspace.root),
                      workspace.scope, sorted(workspace.members) if workspace.members is not None else None])


def _slice(workspace: Workspace, week: Week, key: str, found: Collected, views: dict[str, Any] | None = None
           ) -> Slice:
    """What the pages need of a week just collected; `views` receives its workbooks' views (for its page)."""
    from ldkit.ledger.stats import WeekData, skips_of
    from ldkit.ledger.totals import week_totals
    from ldkit.site.slices import Slice, data_dict, digest_of, make_entries

    warnings = [*found.warnings, *(f"{p.path}: {p.reason}" for p in found.problems)]
    data = WeekData(week, week_totals((e.workbook for e in found.entries), week), skips_of(workspace, week, warnings))
    entries, raws = make_entries(workspace, week, [e.workbook for e in found.entries], views)
    shown = []
    for e in sorted(found.entries, key=lambda e: str(e.workbook.path)):
        records = e.workbook.records
        shown.append([e.key, str(e.workbook.path), e.workbook.identity, records.plan, records.outcome,
                      sorted(records.results.items())])
    problems = [[str(p.path), p.reason] for p in found.problems]
    history_entries = digest_of([e.digest for e in entries])
    found_images = {name for e in found.entries for name in e.images()}
    numbers = data_dict(data)
    return Slice(week=week, key=key, loaded=data, data_print=digest_of(numbers), skipped=data.skipped,
                 page_print=digest_of({"entries": shown, "problems": problems}),
                 history_print=digest_of([numbers, history_entries, _health_facts(found)]),
                 history_entries=history_entries,
                 notebooks=len(found.entries), authors=sorted({e.author for e in found.entries}), problems=problems,
                 warnings=warnings, referenced=sorted(found_images), entries=entries, raw_entries=raws)


def _health_facts(found: Collected) -> list[Any]:
    """What "How the day is going" reads of a week's records beyond its numbers (when each was saved, how much was
    pulled into work), private ones too: a change to them must make the index and team pages again."""
    facts = []
    for e in found.entries:
        records = e.workbook.records
        for record in [*records.history, records.plan, records.outcome]:
            if isinstance(record, dict):
                data = record["data"] if isinstance(record.get("data"), dict) else {}
                facts.append([e.workbook.author, record.get("kind"), record.get("saved_at"),
                              data.get("pulled_into_work"), bool(data.get("hours"))])
    return sorted(facts, key=str)


def _build(workspace: Workspace, folder: Path, staging: Path, weeks: list[Week], rebuild: bool, pool: RenderPool,
           result: SiteResult, show_progress: bool, keep: Sequence[Week] = (), inputs: Inputs | None = None,
           until: Week | None = None) -> None:
    """Build the whole site into `staging`, a week at a time: a week whose folder is unchanged is read back from its
    slice (ldkit.site.slices), its page made again only if what it shows changed; a page across weeks is made
    again only if its key (what it shows) changed; the rest is carried over from `folder`."""
    import datetime as dt

    from ldkit.digest.collect import collect
    from ldkit.ledger.team import team_of
    from ldkit.ledger.totals import week_open
    from ldkit.render.cache import FragmentCache
    from ldkit.site.slices import SliceStore, WeeksRead, digest_of

    inputs = inputs or _inputs(workspace, folder, weeks, _read_manifest(folder))
    manifest = _read_manifest(folder)
    old_weeks = manifest.get("weeks", {}) if isinstance(manifest.get("weeks"), dict) else {}
    index = workspace.cache / "digest" / "workbooks.sqlite"
    store = SliceStore(workspace.cache, _context(workspace, inputs.code))
    today = dt.date.today().isoformat()
    cache = FragmentCache(workspace.cache / "digest")
    templates = workspace.cache / "digest" / "templates"
    bar = _progress(show_progress)
    slices: dict[Week, Slice] = {}
    weeks_read = WeeksRead(slices)  # a week's numbers are read only when a page needs them
    fingerprints: dict[str, str] = {}
    prints: list[list[str]] = []  # each week's numbers, in order: its streaks and rates follow every week before
    try:
        for i, week in enumerate(weeks):
            key = store.key(week, inputs.weeks.get(str(week), ""), week_open(week))
            piece = None if rebuild else store.get(week, key, functools.partial(_numbers_of, workspace, week, index))
            found = None
            views: dict[str, Any] = {}  # of a week read now: its page shows the views its slice made
            if piece is None:
                found = collect(workspace, week, index, on_change=pool.start)
                piece = _slice(workspace, week, key, found, views)
                store.put(piece)
                piece.raw_entries, piece.entries = [], None  # read back when the history needs them: a cold
                # build of a company's year does not hold every week's views while it renders the weeks
            slices[week] = piece
            result.warnings.extend(piece.warnings)
            prints.append([str(week), piece.data_print])
            recent, recent_print = _recent(workspace, store, week, weeks_read,
                                           digest_of([store.context, today, prints]))
            here = site_week_path(week)
            links = {"home": site_link(here, SITE_INDEX)}
            if i > 0:
                links.update(previous=site_link(here, site_week_path(weeks[i - 1])), previous_week=str(weeks[i - 1]))
            if i + 1 < len(weeks):
                links.update(next=site_link(here, site_week_path(weeks[i + 1])), next_week=str(weeks[i + 1]))
            team = team_of(workspace, week, piece.authors)
            fingerprint = _fingerprint(piece, team, recent_print, links, store.context)
            fingerprints[str(week)] = fingerprint
            page = site_week_path(str(week))
            if not rebuild and old_weeks.get(str(week)) == fingerprint and (folder / page).is_file():
                _carry(folder / page, staging / page)
                continue
            if found is None:
                found = collect(workspace, week, index, on_change=pool.start)
            result.rebuilt.append(str(week))
            _week_page(workspace, week, found, recent, links, staging, cache,
                       templates, rebuild, pool, result, bar, views)
            result.changed += 1
    finally:
        cache.close()
        if bar:
            bar.close()
    result.notebooks = sum(piece.notebooks for piece in slices.values())
    pages = _cross_week(workspace, folder, staging, weeks, slices, weeks_read, store, manifest, inputs, today,
                        rebuild, result, until)
    kept = {str(w) for w in keep}
    for week_name in kept:
        _carry(folder / site_week_path(week_name), staging / site_week_path(week_name))
    old_prints = {w: f for w, f in old_weeks.items() if w in kept}
    referenced = sorted({name for piece in slices.values() for name in piece.referenced})
    atomic_write(staging / MANIFEST, json.dumps({"version": SITE_VERSION, "ldkit": __version__,
                                                 "weeks": {**old_prints, **fingerprints},
                                                 "inputs": _inputs_key(inputs.digest, referenced),
                                                 "referenced": referenced, "notebooks": result.notebooks,
                                                 "history": pages.pop("", ""), "pages": pages,
                                                 "stamps": inputs.weeks, "watched": inputs.watched,
                                                 "warnings": result.warnings},
                                                indent=1, sort_keys=True) + "\n")


def _numbers_of(workspace: Workspace, week: Week, index: Path) -> WeekData:
    """A week's numbers read from its files: for a slice whose numbers' file went missing since it was read."""
    from ldkit.digest.collect import collect

    return _slice(workspace, week, "", collect(workspace, week, index)).data


def _recent(workspace: Workspace, store: SliceStore, week: Week, weeks_read: Mapping[Week, WeekData],
            key: str) -> tuple[Callable[[], dict[str, Any]], str]:
    """The streaks and participation of the 8 weeks up to `week` (ledger.stats.compute over every week up to it),
    as (a function that gives the numbers, their digest). While no week up to it changed its numbers, the digest
    is read back from a small file beside them, and the numbers (100 KB for a company's week) only if its page is
    made again: a site with one workbook changed reads 52 digests, not 52 weeks of numbers."""
    from ldkit.ledger.stats import compute
    from ldkit.site.slices import digest_of

    path, mark = store.folder / f"{week}.recent.json", store.folder / f"{week}.recent-print.json"

    def counted() -> dict[str, Any]:
        return compute(workspace, since=week.shift(-7), until=week, weeks_read=weeks_read)

    def numbers() -> dict[str, Any]:
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            kept = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(kept, dict) and kept.get("key") == key and isinstance(kept.get("recent"), dict):
                return kept["recent"]
        return counted()

    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        kept = json.loads(mark.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and kept.get("key") == key and isinstance(kept.get("print"), str):
            return numbers, kept["print"]
    recent = counted()
    recent_print = digest_of(recent)
    with contextlib.suppress(OSError, LdkitError, TypeError, ValueError):
        make_folder(store.folder)
        # the numbers first: a digest is never read back without the numbers it was made of
        atomic_write(path, json.dumps({"key": key, "print": recent_print, "recent": recent}, ensure_ascii=False,
                                      separators=(",", ":")))
        atomic_write(mark, json.dumps({"key": key, "print": recent_print}))
    return lambda: recent, recent_print


def _week_page(workspace: Workspace, week: Week, found: Collected, recent: Callable[[], dict[str, Any]],
               links: dict[str, str],
               staging: Path, cache: FragmentCache, templates: Path, rebuild: bool, pool: RenderPool,
               result: SiteResult, bar: Any, views: dict[str, Any] | None = None) -> None:
    """Render what the week's page lacks (in the pool) and write the page."""
    from ldkit.model.week import build_model
    from ldkit.records.week import shared_entries
    from ldkit.render.fragment import RenderJob, render_all
    from ldkit.render.media import Place
    from ldkit.writers import page as page_writer

    jobs = [RenderJob(e.workbook.path, e.key, e.hide_kinds,
                      Place(e.workbook.path.parent, workspace.root, workspace.week_folder(week)))
            for e in shared_entries(found.entries)]
    from ldkit.digest.build import warm_up_page

    # the page's template and stylesheet load while a worker renders, not after it (~30 ms of a one-changed site)
    rendered = render_all(jobs, cache, workers=pool.workers, rebuild=rebuild,
                          progress=bar.update if bar else None, pool=pool, meanwhile=lambda: warm_up_page(workspace))
    result.rendered += sum(1 for r in rendered.values() if not r.cached)
    model = build_model(workspace, found, rendered, {}, recent(), views=views)
    model.links = links
    target = staging / site_week_path(str(week))
    make_folder(target.parent)
    page_writer.write(model, target, templates)


def _cross_week(workspace: Workspace, folder: Path, staging: Path, weeks: list[Week], slices: dict[Week, Slice],
                weeks_read: Mapping[Week, WeekData], store: SliceStore, manifest: dict[str, Any], inputs: Inputs,
                today: str, rebuild: bool, result: SiteResult, until: Week | None = None) -> dict[str, str]:
    """The pages across weeks (index, people, topics, papers, teams, feeds), from the slices only; each made again
    only when its key changed, and none at all while no week changed what the history takes from it. Returns
    each page's key (and the history's, under "")."""
    from ldkit.digest.collect import collect
    from ldkit.model.history import build_history
    from ldkit.site.slices import digest_of

    old: dict[str, str] = manifest.get("pages", {}) if isinstance(manifest.get("pages"), dict) else {}
    # "How the day is going" reads its window's weeks, also those before --since: their folders are part of the key
    # (the site's own weeks are, through what their slices took for it: _health_facts)
    from ldkit.ledger.health import WINDOW

    health_until = until or workspace.read_week("held")
    shown = {str(w) for w in weeks}
    window = [w for w in (str(health_until.shift(-back)) for back in range(WINDOW)) if w not in shown]
    # and the weeks before it: the window starts no earlier than the first workbook (ledger.health.first_week)
    start = str(health_until.shift(-(WINDOW - 1)))
    window += sorted(w for w in inputs.weeks if w < start and w not in shown)
    history_key = digest_of([inputs.code, store.context, today, workspace.settings.site_url, str(workspace.root),
                             [[str(w), slices[w].history_print] for w in weeks],
                             [[w, inputs.weeks.get(w, "")] for w in window]])
    if not rebuild and manifest.get("history") == history_key and old and \
            all((folder / path).is_file() for path in old):
        for path in old:
            _carry(folder / path, staging / path)
        return {"": history_key, **old}
    entries: dict[Week, list[Any]] = {}
    index = workspace.cache / "digest" / "workbooks.sqlite"
    for week, piece in slices.items():
        got = store.entries(piece)
        if got is None:  # its views went missing: the week is read again (its slice with them)
            piece = _slice(workspace, week, piece.key, collect(workspace, week, index))
            store.put(piece)
            got = piece.entries or []
        entries[week] = got
    history = build_history(workspace, {}, weeks_read, entries)
    history.digest = history_key
    # stamped with the newest record, not the clock: an unchanged history gives byte-identical pages
    newest = history.outcomes[0].view.outcome if history.outcomes else None
    stamp = f"{newest.saved_at[:16].replace('T', ' ')} UTC" if newest else "now (no outcomes yet)"
    from ldkit.writers import site_pages

    plans: list[Iterator[tuple[str, Any, Any]]] = []
    if workspace.settings.teams:  # a company: its teams side by side, and a page per team
        from ldkit.core.weeks import parse_week
        from ldkit.ledger.team import team_of as on_team
        from ldkit.model.company import team_histories
        from ldkit.writers import site_teams

        last = max(weeks) if weeks else parse_week("this")
        on_teams = [(t, on_team(workspace.for_team(t.slug), last, [])) for t in workspace.settings.teams]
        from ldkit.ledger.totals import day_held
        from ldkit.model.week import names_of

        held = max((w for w in weeks_read if day_held(w, workspace.weekday)), default=None)
        history.teams = team_histories(on_teams, history, weeks_read, names_of(workspace), held)
    from ldkit.model.health import attach

    attach(history, workspace, until, weeks_read)  # before the keys: the index and team pages show it
    if history.teams:
        plans.append(site_teams.page_plans(history.teams, stamp, history_key, bool(history.tracks)))
    plans.append(site_pages.page_plans(history, stamp))
    plans.append(_feeds(workspace, history))
    keys: dict[str, str] = {"": history_key}
    for plan in plans:
        for path, shows, render in plan:
            key = digest_of([inputs.code, shows])
            keys[path] = key
            if not rebuild and old.get(path) == key and (folder / path).is_file():
                _carry(folder / path, staging / path)
                continue
            target = staging / path
            make_folder(target.parent)
            content = render()
            if isinstance(content, (str, bytes)):
                atomic_write(target, content)
            else:
                atomic_write_chunks(target, content)
            result.changed += 1
    return keys


def _feeds(workspace: Workspace, history: Any) -> Iterator[tuple[str, Any, Any]]:
    """The site's feed and each person's, as (path, what it shows, how to make it)."""
    from ldkit.writers import atom
    from ldkit.writers.site_pages import entry_keys

    site_url = workspace.settings.site_url
    feed_id = "urn:ldkit:site:" + hashlib.sha1(str(workspace.root).encode("utf-8")).hexdigest()

    def feed(entries: list[Any], path: str, title: str, ident: str) -> tuple[str, Any, Any]:
        shows = ["feed", title, site_url, ident, entry_keys(entries[:atom.MAX_ENTRIES])]
        return path, shows, lambda: atom.feed(entries, title=title, path=path, site_url=site_url, feed_id=ident)

    yield feed(history.outcomes, SITE_FEED, "Learning Day", feed_id)
    by_author: dict[str, list[Any]] = {}  # once, not a filter over every outcome per person (people x outcomes)
    for entry in history.outcomes:
        by_author.setdefault(entry.author, []).append(entry)
    for person in history.people:
        yield feed(by_author.get(person.author, []), site_person_feed(person.author),
                   f"Learning Day — {person.author}", f"{feed_id}:{person.slug}")


def _removed(folder: Path, staging: Path) -> int:
    """Pages the previous site had and the new one does not (by their manifests: no page is read)."""
    def listed(manifest: dict[str, Any]) -> set[str]:
        pages, weeks = manifest.get("pages"), manifest.get("weeks")
        pages = pages if isinstance(pages, dict) else {}
        weeks = weeks if isinstance(weeks, dict) else {}
        return {p for p in pages if p} | {site_week_path(w) for w in weeks}

    before, after = _read_manifest(folder), _read_manifest(staging)
    if not before and folder.is_dir():  # an older site without a manifest to go by: count its files
        old = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST}
        return len(old - listed(after))
    return len(listed(before) - listed(after))


def _carry(source: Path, target: Path) -> None:
    """An unchanged page into the new site: a hard link (no bytes copied), else a copy. A file already at
    `target` (a previous site's, building into it) stays if it is that very file, else is replaced (never
    written into: it may be a link to a page of the live site)."""
    try:
        info = os.stat(source)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(target)
        return
    try:
        there = os.lstat(target)
    except OSError:
        make_folder(target.parent)
    else:
        if (there.st_ino, there.st_dev) == (info.st_ino, info.st_dev):
            return
        with contextlib.suppress(OSError):
            os.unlink(target)
    try:
        os.link(source, target)
    except OSError:
        try:
            shutil.copy2(source, target)
        except OSError as exc:
            raise WriteError(f"cannot write {target}: {exc.strerror}") from None


def _fingerprint(piece: Slice, team: list[str], recent_print: str, links: dict[str, str], context: str) -> str:
    """Everything a week's page shows, so an unchanged week keeps its page; `context` (the settings, the roster)
    because the page shows members' names, the site's address and the learning day."""
    from ldkit.site.slices import digest_of

    return digest_of({"entries": piece.page_print, "skipped": piece.skipped, "team": team,
                      "recent": recent_print, "links": links, "site": SITE_VERSION, "ldkit": __version__,
                      "context": context})


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == SITE_VERSION else {}


def _progress(enabled: bool) -> Any:
    if not enabled:
        return None
    import sys

    from tqdm import tqdm

    return tqdm(desc="render", unit="nb", file=sys.stderr, leave=False)
