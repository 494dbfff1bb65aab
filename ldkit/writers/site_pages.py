"""The site's pages that span weeks (index, people, topics, papers, tracks), each rendered from the History model."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
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


def each_page(history: History, generated_at: str | None = None) -> Iterator[tuple[str, str | Iterator[str]]]:
    """Every cross-week page as (relative path, HTML or its chunks), one at a time: a company's topic and person
    pages are large, and the site streams each to its file before the next is made."""
    env = environment()
    stamp = generated_at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    common = {"generated_at": stamp, "pygments_css": pygments_css(), "has_teams": bool(history.teams),
              "has_tracks": bool(history.tracks)}
    topic_links = {name: topic_page(name) for name in history.topics}
    latest_entries = sorted((e for p in history.people for e in p.entries
                             if history.latest and e.week == history.latest.week), key=lambda e: e.author)
    yield SITE_INDEX, env.get_template("site_index.html.j2").render(
        h=history, root="", charts=charts(history), latest_entries=latest_entries[:12], topic_links=topic_links,
        **common)
    person = env.get_template("site_person.html.j2")
    listing = env.get_template("site_list.html.j2")
    for p in history.people:
        weeks = [w for w in history.weeks if w.week in p.categories_by_week] or []
        categories = sorted({c for counts in p.categories_by_week.values() for c in counts})
        colours = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}
        ordered = list(reversed(weeks))
        chart = week_bars(f"{p.author}'s plans per category", weeks,
                       {c: [p.categories_by_week.get(w.week, {}).get(c, 0) for w in ordered] for c in categories},
                       colours)
        tracks = [(t, *t.of_person(p.author)) for t in history.tracks if p.author in t.authors]
        yield person_page(p.author), person.generate(p=p, root="../../", chart=chart, tracks=tracks, **common)
    yield PEOPLE_INDEX, listing.render(
        heading="People", intro="Everyone who has taken part, with their streak and what they studied.", root="../",
        links=[(p.author, f"{slug(p.author)}/{SITE_INDEX}",
                f"{p.workbooks} workbook{'s' if p.workbooks != 1 else ''} · streak {p.current_streak} "
                f"(best {p.best_streak})") for p in history.people], entries=[], **common)
    for name, entries in history.topics.items():
        yield topic_page(name), listing.generate(heading=f"Topic: {name}", intro="Everything studied in this "
                                               "category, newest first.", root="../../", links=[], entries=entries,
                                               who=history.who(entries) if history.teams else [], **common)
    yield TOPICS_INDEX, listing.render(
        heading="Topics", intro="What the team studied, by category.", root="../",
        links=[(name, f"{slug(name)}/{SITE_INDEX}", f"{len(entries)} workbook{'s' if len(entries) != 1 else ''}")
               for name, entries in history.topics.items()], entries=[], **common)
    yield PAPERS_INDEX, env.get_template("site_papers.html.j2").render(papers=history.papers, root="../",
                                                                            who=history.who, **common)
    if history.tracks:  # no tracks, no page: nothing would link to it
        yield TRACKS_INDEX, env.get_template("site_tracks.html.j2").render(tracks=history.tracks, root="../",
                                                                                **common)
        one = env.get_template("site_track.html.j2")
        for track in history.tracks:
            yield track.link, one.render(t=track, root="../../", **common)


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
