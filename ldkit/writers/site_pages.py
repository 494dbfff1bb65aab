"""The site's pages that span weeks (index, people, topics, papers, tracks), each rendered from the History model."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ldkit.core.layout import PAPERS_INDEX, PEOPLE_INDEX, SITE_INDEX, TOPICS_INDEX, TRACKS_INDEX
from ldkit.model.history import History, person_page, slug, topic_page
from ldkit.writers.charts import week_bars
from ldkit.writers.environment import environment, pygments_css

# colours for categories in charts, in a fixed order (readable on white, distinct in greyscale too)
PALETTE = ["#1f6feb", "#1a7f37", "#9a6700", "#cf222e", "#8250df", "#0a7ea4", "#bf3989", "#57606a", "#6e7781",
           "#953800"]


def charts(history: History) -> dict[str, Any]:
    weeks = history.weeks
    ordered = list(reversed(weeks))
    categories = sorted({c for w in weeks for c in w.categories})
    colours = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}
    return {
        "participation": week_bars("People who took part, per week", weeks,
                                {"summarized": [w.summarized for w in ordered],
                                 "planned only": [max(0, w.people - w.summarized) for w in ordered]},
                                {"summarized": "#1a7f37", "planned only": "#9a6700"}),
        "hours": week_bars("Hours per week", weeks, {"hours": [w.hours for w in ordered]}, {"hours": "#1f6feb"},
                        " h"),
        "categories": week_bars("Plans per category, per week", weeks,
                             {c: [w.categories.get(c, 0) for w in ordered] for c in categories}, colours),
    }


Render = Callable[[], "str | Iterator[str]"]


def _people(p: Any) -> list[Any]:
    """What a person page and the people index show of a person, beyond their entries."""
    return [p.author, p.name, p.current_streak, p.best_streak, p.participation_rate, p.hours, p.private_workbooks,
            p.categories_by_week]


def entry_keys(entries: list[Any]) -> list[Any]:
    """The entries as a page's key holds them: their digests, kept by the site (else their whole view)."""
    from dataclasses import asdict

    return [e.digest or [e.author, e.week, e.name, asdict(e.view)] for e in entries]


def page_plans(history: History, generated_at: str | None = None) -> Iterator[tuple[str, Any, Render]]:
    """Every cross-week page as (relative path, what it shows, how to make it): `key` is JSON-able and holds
    everything the page shows, so a site build calls `render` (HTML or its chunks) only when the key changed.
    A page that sums up the whole history (the index, the listings) has the history's digest for its key."""
    from dataclasses import asdict

    env = environment()
    stamp = generated_at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    common = {"generated_at": stamp, "pygments_css": pygments_css(), "has_teams": bool(history.teams),
              "has_tracks": bool(history.tracks)}
    whole = ["history", history.digest, stamp]
    topic_links = {name: topic_page(name) for name in history.topics}

    def index() -> str:
        latest_entries = sorted((e for p in history.people for e in p.entries
                                 if history.latest and e.week == history.latest.week), key=lambda e: e.author)
        return env.get_template("site_index.html.j2").render(
            h=history, root="", charts=charts(history), latest_entries=latest_entries[:12], topic_links=topic_links,
            **common)

    yield SITE_INDEX, [SITE_INDEX, *whole, asdict(history.health) if history.health else None], index
    person = env.get_template("site_person.html.j2")
    listing = env.get_template("site_list.html.j2")

    def person_page_of(p: Any, tracks: list[Any]) -> Render:
        def render() -> Iterator[str]:
            weeks = [w for w in history.weeks if w.week in p.categories_by_week] or []
            categories = sorted({c for counts in p.categories_by_week.values() for c in counts})
            colours = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}
            ordered = list(reversed(weeks))
            chart = week_bars(f"{p.author}'s plans per category", weeks,
                              {c: [p.categories_by_week.get(w.week, {}).get(c, 0) for w in ordered]
                               for c in categories}, colours)
            return person.generate(p=p, root="../../", chart=chart, tracks=tracks, **common)
        return render

    for p in history.people:
        shown = [w.week for w in history.weeks if w.week in p.categories_by_week]  # the chart shows their names
        tracks = [(t, *t.of_person(p.author)) for t in history.tracks if p.author in t.authors]
        yield person_page(p.author), ["person", _people(p), entry_keys(p.entries), shown, _track_keys(tracks),
                                      common], person_page_of(p, tracks)
    yield PEOPLE_INDEX, [PEOPLE_INDEX, *whole], lambda: listing.render(
        heading="People", intro="Everyone who has taken part, with their streak and what they studied.", root="../",
        links=[(p.author, f"{slug(p.author)}/{SITE_INDEX}",
                f"{p.workbooks} workbook{'s' if p.workbooks != 1 else ''} · streak {p.current_streak} "
                f"(best {p.best_streak})") for p in history.people], entries=[], **common)

    def topic_of(name: str, entries: list[Any], who: list[Any]) -> Render:
        return lambda: listing.generate(heading=f"Topic: {name}", intro="Everything studied in this category, "
                                        "newest first.", root="../../", links=[], entries=entries, who=who, **common)

    for name, entries in history.topics.items():
        who = history.who(entries) if history.teams else []
        yield topic_page(name), ["topic", name, entry_keys(entries), [asdict(w) for w in who], common], \
            topic_of(name, entries, who)
    yield TOPICS_INDEX, [TOPICS_INDEX, *whole], lambda: listing.render(
        heading="Topics", intro="What the team studied, by category.", root="../",
        links=[(name, f"{slug(name)}/{SITE_INDEX}", f"{len(entries)} workbook{'s' if len(entries) != 1 else ''}")
               for name, entries in history.topics.items()], entries=[], **common)
    yield PAPERS_INDEX, [PAPERS_INDEX, *whole], lambda: env.get_template("site_papers.html.j2").render(
        papers=history.papers, root="../", who=history.who, **common)
    if history.tracks:  # no tracks, no page: nothing would link to it
        yield TRACKS_INDEX, [TRACKS_INDEX, *whole], lambda: env.get_template("site_tracks.html.j2").render(
            tracks=history.tracks, root="../", **common)
        one = env.get_template("site_track.html.j2")
        for track in history.tracks:
            yield track.link, ["track", _track_key(track), common], _track_page(one, track, common)


def _track_key(track: Any) -> list[Any]:
    """What a track's page shows: its name, its private count and each step's entry and figures."""
    return [track.slug, track.name, track.private_workbooks,
            [[key, s.hours, s.hours_so_far, s.status]
             for s, key in zip(track.steps, entry_keys([s.entry for s in track.steps]), strict=True)]]


def _track_keys(tracks: list[Any]) -> list[Any]:
    """A person page's tracks: each one's name, link and the person's weeks, hours and latest status in it."""
    return [[t.slug, t.name, weeks, hours, status] for t, weeks, hours, status in tracks]


def _track_page(template: Any, track: Any, common: dict[str, Any]) -> Render:
    return lambda: template.render(t=track, root="../../", **common)


def each_page(history: History, generated_at: str | None = None) -> Iterator[tuple[str, str | Iterator[str]]]:
    """Every cross-week page as (relative path, HTML or its chunks), one at a time: a company's topic and person
    pages are large, and the site streams each to its file before the next is made."""
    for path, _, render in page_plans(history, generated_at):
        yield path, render()


def pages(history: History, generated_at: str | None = None) -> dict[str, str]:
    """Every cross-week page as relative path -> HTML."""
    return {path: html if isinstance(html, str) else "".join(html) for path, html in each_page(history, generated_at)}


def write_all(history: History, folder: Path, generated_at: str | None = None) -> list[Path]:
    from ldkit.core.files import atomic_write, atomic_write_chunks, make_folder

    written = []
    for relative, html in each_page(history, generated_at):
        path = Path(folder) / relative
        make_folder(path.parent)
        if isinstance(html, str):
            atomic_write(path, html)
        else:
            atomic_write_chunks(path, html)
        written.append(path)
    return written
