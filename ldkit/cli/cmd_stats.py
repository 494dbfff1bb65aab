"""`ldkit stats`: weeks, streaks and participation; with --health, how the day is going."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ldkit.cli.base import say
from ldkit.cli.options import json_option, team_option
from ldkit.cli.types import WEEK


@click.command()
@click.option("--since", type=WEEK, metavar="W", default=None, help="First week (default: the first with a workbook).")
@click.option("--until", type=WEEK, metavar="W", default=None,
              help="Last week (default: this week; with --health, the week just held).")
@json_option
@click.option("--plot", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="Draw weekly participation and hours to FILE.svg or FILE.png (needs matplotlib).")
@team_option
@click.option("--health", is_flag=True,
              help="How the day is going over the last 8 learning days up to --until (default: the week just "
                   "held): used for work, leaking into other days, fading; names who to invite back.")
def stats(since: str | None, until: str | None, as_json: bool, plot: Path | None, team: str | None,
          health: bool) -> None:
    """Per week: people, plans, outcomes, hours, categories. Per person: streaks and participation. Per track:
    weeks, people, hours and outcomes by status.

    \b
    With --health, the organizer's view of the three ways a Learning Day
    dies: the share of outcomes saying the day was pulled into work, of
    saves made outside the learning day (in each author's zone), the
    participation trend, and who planned without an outcome, or had no
    workbook, 3 learning days running (names only here, never on pages).

    \b
    A streak is consecutive weeks with an outcome; a week off (ldkit skip)
    neither counts nor breaks it, and this week without an outcome yet does
    not break it either.

    \b
    Examples:
      ldkit stats
      ldkit stats --since 2026-W40 --json
      ldkit stats --plot participation.svg
      ldkit stats --team robotics --json
    """
    from ldkit.cli.base import emit_json, reading_workspace
    from ldkit.core.errors import InputError
    from ldkit.ledger.stats import check_plot_path, compute
    from ldkit.ledger.stats import plot as draw

    if plot is not None:
        check_plot_path(plot)
    workspace = reading_workspace(team)
    if health:
        if since or plot:
            raise InputError("--health looks at the last 8 learning days up to --until; --since and --plot do not "
                             "go with it", hint="ldkit stats --health --until 2026-W49")
        show_health(workspace, workspace.read_week(until or "held"), as_json)
        return
    data = compute(workspace, workspace.read_week(since) if since else None,
                   workspace.read_week(until) if until else None)
    if plot is not None:
        draw(data, plot)
    if as_json:
        emit_json(data)
        return
    if not data["weeks"] or not any(w["people"] for w in data["weeks"]):
        say(f"No workbooks from {data['since']} to {data['until']}.")
    else:
        say(f"{'week':<10} {'people':>6} {'planned':>8} {'summarized':>11} {'hours':>7}  categories")
        for w in data["weeks"]:
            cats = ", ".join(f"{k} {v}" for k, v in w["categories"].items())
            say(f"{w['week']:<10} {w['people']:>6} {w['planned']:>8} {w['summarized']:>11} "
                       f"{w['hours']:>7g}  {cats}")
        say(f"\n{'person':<20} {'outcomes':>8} {'streak':>7} {'best':>5} {'participation':>14}")
        for p in data["people"]:
            say(f"{p['author']:<20} {p['weeks_with_outcome']:>8} {p['current_streak']:>7} "
                       f"{p['best_streak']:>5} {p['participation_rate']:>13.0%}")
        if data["top_resources"]:
            say("\nMost used resources: " + "; ".join(f"{r['resource']} ({r['count']})"
                                                          for r in data["top_resources"][:5]))
        if data["top_papers"]:
            say("Most read papers: " + "; ".join(f"{p['paper']} ({p['count']})" for p in data["top_papers"][:5]))
        if data["tracks"]:
            show_tracks(data["tracks"])
    if plot is not None:
        say(f"wrote {plot}")


def show_tracks(tracks: list[dict[str, Any]]) -> None:
    """One line per track: weeks, people, hours, outcomes by status (private ones only counted)."""
    from ldkit.core.text import display_text

    tracks = [{**t, "name": display_text(t["name"])} for t in tracks]  # no terminal escapes from a hand-edited name
    width = min(30, max(len("track"), *(len(t["name"]) for t in tracks)))
    say(f"\n{'track':<{width}} {'weeks':>5} {'people':>6} {'hours':>7}  outcomes")
    for t in tracks:
        name = t["name"] if len(t["name"]) <= width else t["name"][:width - 1] + "…"
        outcomes = ", ".join(f"{status} {n}" for status, n in t["outcomes"].items()) or "-"
        say(f"{name:<{width}} {t['weeks']:>5} {len(t['people']):>6} {t['hours']:>7g}  {outcomes}")


def show_health(workspace: Any, until: Any, as_json: bool) -> None:
    """The health report in words (or JSON): the numbers are ldkit.ledger.health's."""
    from ldkit.cli.base import emit_json
    from ldkit.core.text import plural
    from ldkit.ledger.health import RUNNING, health

    report = health(workspace, until)
    if as_json:
        emit_json(report.as_dict(names=True))
        return
    if not report.days:  # the window starts at the first workbook (of the team, with --team)
        say(f"How the day is going: no learning day up to {report.until} since the first workbook here, "
            "nothing to measure yet.")
        return
    say(f"How the day is going, {plural(len(report.days), 'learning day')} up to {report.until}: "
        f"participation is {report.trend}.")

    def share(part: int, whole: int, word: str, words: str | None = None) -> str:
        return f"{part} of {plural(whole, word, words)}" if whole else "-"

    rows = [("week", "took part", "used for work", "saved off the day", "hours before it")]
    rows += [(d.week, share(d.took_part, d.team, "person", "people"), share(d.pulled_into_work, d.outcomes, "outcome"),
              share(d.saved_off_day, d.saves, "save"), str(d.hours_before_day)) for d in report.days]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:  # each column as wide as its widest cell, so the figures line up whatever they say
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if report.days:
        last = report.days[-1]
        say(f"\n{last.week}: used for work: {share(last.pulled_into_work, last.outcomes, 'outcome')} in {last.week}; "
            f"saved outside the learning day: {share(last.saved_off_day, last.saves, 'save')} in {last.week}")
    for names, what in ((report.plan_no_outcome, "planned but no outcome"), (report.no_workbook, "no workbook")):
        if names:
            say(f"invite back — {what} {RUNNING} learning days running: {', '.join(names)}")
