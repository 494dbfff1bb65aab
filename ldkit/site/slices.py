"""What a site build learned of each week, kept in the workspace cache for the next build (`.ldkit-cache/site/`).

A week's *slice* is what the site's pages need of it once its workbooks were read: its numbers (ledger.stats
WeekData), digests of what its page and the history show, and each team-visible workbook as the history shows it
(model.history.Entry, a display-safe view). A week whose files did not change is read back from its slice instead
of being collected again; its numbers are read only when a page needs them (a company's week holds 130 KB of
them, and a site with one notebook's body changed needs them of no other week), its views only when a page across weeks
must be made again.

The slices are plain JSON, checked field by field as they are read back (never pickle: the cache is a folder any
user can write to). Each carries its format's version and the key it was made under; anything else — another
ldkit, a changed file, a broken file — is no slice, only a slower build.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ldkit.core.errors import LdkitError
from ldkit.core.files import atomic_write, make_folder
from ldkit.core.weeks import Week
from ldkit.ledger.stats import WeekData
from ldkit.ledger.totals import WeekTotals
from ldkit.model.history import Entry
from ldkit.model.week import Outcome, Paper, Plan, Result, WorkbookView

VERSION = 2  # 2: a week's numbers in a file of their own, their digest and its weeks off in the head
_SETS = ("people", "planned", "summarized")
_COUNTERS = ("private", "categories", "resources", "papers")


def digest_of(value: Any) -> str:
    """THE digest of a JSON-able value (keys sorted), for every key a site build compares."""
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def data_dict(data: WeekData) -> dict[str, Any]:
    """A week's numbers as JSON: sets sorted, counters in their order (most_common breaks ties by it)."""
    totals: dict[str, Any] = {name: getattr(data.totals, name) for name in data.totals.__dataclass_fields__}
    for name in _SETS:
        totals[name] = sorted(totals[name])
    for name in _COUNTERS:
        totals[name] = [[k, v] for k, v in totals[name].items()]
    totals["hours_by_author"] = [[k, v] for k, v in totals["hours_by_author"].items()]
    return {"totals": totals, "skipped": [[k, v] for k, v in data.skipped.items()]}


def data_from(week: Week, raw: dict[str, Any]) -> WeekData:
    values = dict(raw["totals"])
    for name in _SETS:
        values[name] = {_text(a) for a in values[name]}
    for name in _COUNTERS:
        values[name] = Counter({_text(k): int(v) for k, v in values[name]})
    values["hours_by_author"] = {_text(k): float(v) for k, v in values["hours_by_author"]}
    if set(values) != set(WeekTotals.__dataclass_fields__):
        raise ValueError("not the fields of WeekTotals")
    return WeekData(week, WeekTotals(**values), {_text(k): _text(v) for k, v in raw["skipped"]})


def entry_dict(entry: Entry) -> dict[str, Any]:
    """An entry as JSON: what dataclasses.asdict gives, made field by field (asdict deep-copies every value, and a
    company's week has a thousand of them)."""
    v = entry.view
    if v.failure is not None:
        return {"author": entry.author, "week": entry.week, "name": entry.name, "view": asdict(v)}
    view = dict(vars(v))
    view["plan"] = dict(vars(v.plan)) if v.plan is not None else None
    view["outcome"] = dict(vars(v.outcome)) if v.outcome is not None else None
    view["paper"] = dict(vars(v.paper)) if v.paper is not None else None
    view["papers"] = [dict(vars(p)) for p in v.papers]
    view["results"] = [dict(vars(r)) for r in v.results]
    return {"author": entry.author, "week": entry.week, "name": entry.name, "view": view}


def entry_from(raw: dict[str, Any], digest: str) -> Entry:
    v = dict(raw["view"])
    v["plan"] = Plan(**v["plan"]) if v["plan"] is not None else None
    v["outcome"] = Outcome(**v["outcome"]) if v["outcome"] is not None else None
    v["paper"] = Paper(**v["paper"]) if v["paper"] is not None else None
    v["papers"] = [Paper(**p) for p in v["papers"]]
    v["results"] = [Result(**r) for r in v["results"]]
    if v.get("failure") is not None:
        raise ValueError("a history view has no run failure")
    view = WorkbookView(**v)
    return Entry(_text(raw["author"]), _text(raw["week"]), view, _text(raw["name"]), digest=_text(digest))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value


@dataclass
class Slice:
    """One week as the site's pages need it."""

    week: Week
    key: str  # what it was made from (SliceStore.key)
    page_print: str  # what its page shows of its workbooks and unreadable files (site.build._fingerprint)
    history_print: str  # what the history takes from it: its numbers and its views
    history_entries: str  # the digest of its views alone
    notebooks: int
    authors: list[str]
    problems: list[list[str]]
    warnings: list[str]
    referenced: list[str]  # image files its notebooks reference
    data_print: str  # the digest of its numbers (data_dict): what later weeks' streaks follow
    skipped: dict[str, str]  # who took the week off, and why (its page shows them)
    entries: list[Entry] | None = None  # the history's entries of it (newest week first order), read on demand
    raw_entries: list[dict[str, Any]] = field(default_factory=list)
    loaded: WeekData | None = None  # its numbers, once read
    load: Callable[[], WeekData] | None = field(default=None, repr=False, compare=False)

    @property
    def data(self) -> WeekData:
        """Its numbers (ledger.stats.WeekData), read on first use."""
        if self.loaded is None:
            if self.load is None:
                raise ValueError(f"the slice of {self.week} has no numbers")
            self.loaded = self.load()
        return self.loaded


class WeeksRead(Mapping[Week, WeekData]):
    """week -> its numbers, of the slices read so far: what ledger.stats.compute and the history take, each week's
    numbers read only when one of them asks."""

    def __init__(self, slices: Mapping[Week, Slice]) -> None:
        self.slices = slices

    def __getitem__(self, week: Week) -> WeekData:
        return self.slices[week].data

    def __iter__(self) -> Iterator[Week]:
        return iter(self.slices)

    def __len__(self) -> int:
        return len(self.slices)

    def __contains__(self, week: object) -> bool:  # Mapping's would read the week's numbers
        return week in self.slices

    def get(self, week: Week, default: Any = None) -> Any:  # Mapping's would take a KeyError in a read for "none"
        return self[week] if week in self.slices else default


class SliceStore:
    """The slices of one workspace's site, one pair of files per week (its head, and its views)."""

    def __init__(self, cache: Path, context: str) -> None:
        self.folder = cache / "site" / f"v{VERSION}"
        self.context = context

    def key(self, week: Week, stamp: str, open_: bool) -> str:
        return digest_of([VERSION, self.context, str(week), stamp, open_])

    def _head(self, week: Week) -> Path:
        return self.folder / f"{week}.json"

    def _views(self, week: Week) -> Path:
        return self.folder / f"{week}.views.json"

    def _numbers(self, week: Week) -> Path:
        return self.folder / f"{week}.data.json"

    def get(self, week: Week, key: str, remake: Callable[[], WeekData]) -> Slice | None:
        """The week's slice kept under `key`, or None; `remake` gives its numbers should their file have gone
        missing or bad since (they are read only when asked for)."""
        try:
            raw = json.loads(self._head(week).read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or raw.get("version") != VERSION or raw.get("key") != key:
                return None
            found = Slice(week=week, key=key, page_print=_text(raw["page_print"]),
                          history_print=_text(raw["history_print"]),
                          history_entries=_text(raw["history_entries"]), notebooks=int(raw["notebooks"]),
                          authors=[_text(a) for a in raw["authors"]],
                          problems=[[_text(p), _text(r)] for p, r in raw["problems"]],
                          warnings=[_text(w) for w in raw["warnings"]],
                          referenced=[_text(r) for r in raw["referenced"]], data_print=_text(raw["data_print"]),
                          skipped={_text(k): _text(v) for k, v in raw["skipped"]},
                          load=lambda: self._read_numbers(week, key) or self._keep_numbers(week, key, remake()))
            if _images(found.referenced) != raw["images"]:
                return None  # an image a notebook shows changed: its week is read again
            return found
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def _read_numbers(self, week: Week, key: str) -> WeekData | None:
        try:
            raw = json.loads(self._numbers(week).read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or raw.get("version") != VERSION or raw.get("key") != key:
                return None
            return data_from(week, raw["data"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def _keep_numbers(self, week: Week, key: str, data: WeekData) -> WeekData:
        """Numbers counted again (their file went missing or bad): kept again, so the next build reads them."""
        with contextlib.suppress(OSError, LdkitError, TypeError, ValueError):
            atomic_write(self._numbers(week), json.dumps({"version": VERSION, "key": key, "data": data_dict(data)},
                                                         ensure_ascii=False, separators=(",", ":")))
        return data

    def entries(self, piece: Slice) -> list[Entry] | None:
        """The week's history entries, read back (None if they are gone or are not those of this slice)."""
        if piece.entries is not None:
            return piece.entries
        try:
            raw = json.loads(self._views(piece.week).read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or raw.get("version") != VERSION or raw.get("key") != piece.key:
                return None
            entries = [entry_from(e, d) for e, d in zip(raw["entries"], raw["digests"], strict=True)]
            if digest_of([e.digest for e in entries]) != raw["print"] or raw["print"] != piece.history_entries:
                return None
            return entries
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def put(self, piece: Slice) -> None:
        """Keep the slice; a cache that cannot be written is only a slower next build."""
        numbers = {"version": VERSION, "key": piece.key, "data": data_dict(piece.data)}
        head = {"version": VERSION, "key": piece.key, "page_print": piece.page_print, "data_print": piece.data_print,
                "skipped": [[k, v] for k, v in piece.skipped.items()],
                "history_print": piece.history_print, "history_entries": piece.history_entries,
                "notebooks": piece.notebooks, "authors": piece.authors,
                "problems": piece.problems, "warnings": piece.warnings, "referenced": piece.referenced,
                "images": _images(piece.referenced)}
        entries = piece.entries or []
        views = {"version": VERSION, "key": piece.key, "entries": piece.raw_entries,
                 "digests": [e.digest for e in entries], "print": digest_of([e.digest for e in entries])}
        with contextlib.suppress(OSError, LdkitError, TypeError, ValueError):
            make_folder(self.folder)
            # the views and numbers first: a head is never read back without those it was made with
            atomic_write(self._views(piece.week), json.dumps(views, ensure_ascii=False, separators=(",", ":")))
            atomic_write(self._numbers(piece.week), json.dumps(numbers, ensure_ascii=False, separators=(",", ":")))
            atomic_write(self._head(piece.week), json.dumps(head, ensure_ascii=False, separators=(",", ":")))


def _images(names: list[str]) -> list[str]:
    import os

    out = []
    for name in names:
        try:
            info = os.stat(name)
            out.append(f"{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            out.append("-")
    return out


def make_entries(workspace: Any, week: Week, workbooks: list[Any], views: dict[str, Any] | None = None
                 ) -> tuple[list[Entry], list[dict[str, Any]]]:
    """The history's entries of a week (model.history's rule: team-visible workbooks, by author and path), with
    their JSON form and digest; `views` receives their views by path (model.history.history_entries)."""
    from ldkit.model.history import history_entries

    entries = history_entries(workspace, week, workbooks, views)
    raws = []
    for e in entries:
        raw = entry_dict(e)
        e.digest = digest_of(raw)
        raws.append(raw)
    return entries, raws
