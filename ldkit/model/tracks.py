"""Tracks across weeks: the workbooks `--track NAME` / `--continue WORKBOOK` tied together (ldkit.workbook.carry),
as the site's track pages and the person pages show them — built from the history's team-visible entries only.

A private workbook of a track is only counted (`private_workbooks`): its week, hours and text appear nowhere, and a
track whose every workbook is private has no page at all (its name would be the private workbook's words).
Two tracks whose names differ but whose slugs agree get pages of their own: the one seen first keeps the plain
slug, the other gets its name's hash appended, so neither overwrites the other.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ldkit.core.layout import site_track_path, url_slug
from ldkit.core.text import display_text
from ldkit.records.claims import tally
from ldkit.records.workbook import track_key

Key = tuple[str, str]  # (the page's slug, the name folded): what makes two workbooks one track (track_key)


@dataclass
class TrackStep:
    """One workbook of a track, in the track's order, with the hours up to and including it."""

    entry: Any  # ldkit.model.history.Entry (its link is the week page's anchor)
    hours: float
    hours_so_far: float

    @property
    def status(self) -> str:
        """The outcome's status; "planned" with a plan only; "started" with neither."""
        view = self.entry.view
        if view.outcome is not None:
            return str(view.outcome.status)
        return "planned" if view.plan is not None else "started"


@dataclass
class Track:
    slug: str  # unique on the site (the page's folder)
    name: str
    steps: list[TrackStep] = field(default_factory=list)  # oldest first
    private_workbooks: int = 0  # counted, never shown
    key: Key = ("", "")

    @property
    def link(self) -> str:
        return site_track_path(self.slug)

    @property
    def weeks(self) -> list[str]:
        return sorted({s.entry.week for s in self.steps})

    @property
    def first(self) -> str:
        return self.weeks[0] if self.steps else ""

    @property
    def last(self) -> str:
        return self.weeks[-1] if self.steps else ""

    @property
    def hours(self) -> float:
        return self.steps[-1].hours_so_far if self.steps else 0.0

    @property
    def people(self) -> list[tuple[str, str, str]]:
        """(slug, name, person page) of everyone with a workbook of the track shown, in order of joining."""
        seen: dict[str, tuple[str, str, str]] = {}
        for s in self.steps:
            seen.setdefault(s.entry.author, (s.entry.author, s.entry.name or s.entry.author, s.entry.author_link))
        return list(seen.values())

    @property
    def authors(self) -> set[str]:
        return {s.entry.author for s in self.steps}

    @property
    def latest_status(self) -> str:
        return self.steps[-1].status if self.steps else ""

    @property
    def latest_saved(self) -> str:
        return max((_saved(s.entry) for s in self.steps), default="")

    @property
    def outcomes(self) -> dict[str, int]:
        """Outcomes shown, by status."""
        counts: dict[str, int] = {}
        for s in self.steps:
            if s.entry.view.outcome is not None:
                counts[s.status] = counts.get(s.status, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def results(self) -> list[tuple[Any, Any]]:
        """(entry, result) for every claim recorded in the track: what the paper said, what we got."""
        return [(s.entry, r) for s in self.steps for r in s.entry.view.results]

    @property
    def tally(self) -> dict[str, Any]:
        return tally([asdict(r) for _, r in self.results])

    def of_person(self, author: str) -> tuple[list[str], float, str]:
        """The weeks, hours and latest status of `author` in the track (shown workbooks only)."""
        mine = [s for s in self.steps if s.entry.author == author]
        return sorted({s.entry.week for s in mine}), sum(s.hours for s in mine), mine[-1].status if mine else ""


def _saved(entry: Any) -> str:
    view = entry.view
    return max((r.saved_at for r in (view.plan, view.outcome) if r is not None), default="")


def build_tracks(entries: Iterable[Any], rows: Iterable[dict[str, Any]]) -> list[Track]:
    """Every track with a team-visible workbook, newest activity first. `entries` are the history's (private
    workbooks already left out); `rows` are the weeks' track rows (ledger.totals.track_rows: every workbook of a
    track, the private ones and the workbook a track continues too, by workbook id), so the site can build them
    from the numbers it keeps between builds."""
    track_by_id: dict[str, dict[str, str]] = {}
    private: dict[Key, int] = {}
    for row in rows:
        named = {"slug": str(row["slug"]), "name": str(row["name"])}
        if row.get("private"):
            private[track_key(named)] = private.get(track_key(named), 0) + 1
        elif row.get("workbook"):
            track_by_id[str(row["workbook"])] = named
    groups: dict[Key, list[Any]] = {}
    names: dict[Key, tuple[tuple[str, str], str]] = {}  # the newest workbook's spelling of the name
    for entry in entries:
        track = track_by_id.get(entry.view.id)
        if track is None:
            continue
        key = track_key(track)
        groups.setdefault(key, []).append(entry)
        stamp = (entry.week, _saved(entry))
        if key not in names or stamp >= names[key][0]:
            names[key] = (stamp, track["name"])
    tracks: list[Track] = []
    for key, members in groups.items():
        members.sort(key=lambda e: (e.week, _saved(e), e.author, e.view.path))
        steps: list[TrackStep] = []
        so_far = 0.0
        for e in members:
            hours = float(e.view.outcome.hours or 0) if e.view.outcome is not None else 0.0
            so_far += hours
            steps.append(TrackStep(e, hours, round(so_far, 2)))
        tracks.append(Track(slug="", name=display_text(names[key][1])[:200], steps=steps,
                            private_workbooks=private.get(key, 0), key=key))
    _give_slugs(tracks)
    tracks.sort(key=lambda t: (t.last, t.latest_saved, t.name), reverse=True)
    return tracks


def _give_slugs(tracks: list[Track]) -> None:
    """A page slug each, none shared: in order of first week (then name), a slug taken already gets the name's
    hash appended, so an older track keeps its address when a newer one with a like name appears."""
    used: set[str] = set()
    for track in sorted(tracks, key=lambda t: (t.first, t.key)):
        base = url_slug(track.key[0])
        slug = base
        if slug in used:
            slug = url_slug(f"{base[:50]}-{hashlib.sha1(track.key[1].encode('utf-8')).hexdigest()[:8]}")
        n = 2
        while slug in used:
            slug = url_slug(f"{base[:50]}-{n}")
            n += 1
        used.add(slug)
        track.slug = slug
