"""`ldkit who`: who has studied a topic, a paper or a word — in every team, with weeks and hours."""
from __future__ import annotations

import click

from ldkit.cli.base import say
from ldkit.cli.options import json_option, team_option


@click.command()
@click.argument("query", nargs=-1, required=True)
@team_option
@json_option
def who(query: tuple[str, ...], team: str | None, as_json: bool) -> None:
    """Who has studied QUERY: a topic (a category), a paper (arXiv id, DOI or title words) or any word.

    \b
    One line per person, most hours first: their team (for a company), the
    weeks and the hours of the outcomes of the matching workbooks. Private
    workbooks are never counted. The answer comes from the search index
    (.ldkit-cache/search.sqlite), refreshed from the workbooks that changed.

    \b
    Examples:
      ldkit who diffusion
      ldkit who paper-reimplementation --team robotics
      ldkit who 1803.02999 --json
    """
    from ldkit.cli.base import emit_json, reading_workspace, warn
    from ldkit.site.search import who as find_who

    text = " ".join(query)
    rows, warnings = find_who(reading_workspace(team), text)
    for message in warnings:
        warn(message)
    if as_json:
        emit_json({"query": text, "team": team, "people": [r.as_dict() for r in rows]})
        return
    if not rows:
        say(f"Nobody has studied {text!r} yet" + (f" in {team}." if team else "."))
        return
    hours = sum(r.hours for r in rows)
    say(f"Who has studied {text!r}: {len(rows)} {'person' if len(rows) == 1 else 'people'}, {hours:g} h")
    lines = []
    for r in rows:
        person = r.name if r.name == r.author else f"{r.name} ({r.author})"  # the name, and the slug to type
        weeks = ", ".join(r.weeks[-4:]) + (f" (+{len(r.weeks) - 4} earlier)" if len(r.weeks) > 4 else "")
        lines.append(f"  {person:<24} {r.team_name:<14} {r.hours:>6g} h  {weeks}".rstrip())
    say("\n".join(lines))
