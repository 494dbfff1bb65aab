"""A company's pages on the site: teams/index.html (every team side by side) and teams/<team>/index.html
(participation over weeks, topics, people), from the team histories (ldkit.model.company) only."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ldkit.core.layout import TEAMS_INDEX
from ldkit.model.company import TeamHistory
from ldkit.model.history import topic_page
from ldkit.writers.environment import environment, pygments_css


def charts(team: TeamHistory) -> dict[str, Any]:
    from ldkit.model.history import WeekSummary
    from ldkit.writers.charts import week_bars

    weeks = [WeekSummary(w.week, w.took_part, 0, w.summarized, w.hours, {}, [], {}) for w in team.weeks]
    ordered = list(reversed(team.weeks))
    return {
        "participation": week_bars(f"{team.name}: people who took part, per week", weeks,
                                {"summarized": [w.summarized for w in ordered],
                                 "planned only": [max(0, w.took_part - w.summarized) for w in ordered]},
                                {"summarized": "#1a7f37", "planned only": "#9a6700"}),
        "hours": week_bars(f"{team.name}: hours per week", weeks, {"hours": [w.hours for w in ordered]},
                        {"hours": "#1f6feb"}, " h"),
    }


def page_plans(teams: list[TeamHistory], generated_at: str, digest: str = "", has_tracks: bool = False
               ) -> Iterator[tuple[str, Any, Any]]:
    """(relative path, what it shows, how to make it) for each page, as ldkit.writers.site_pages.page_plans:
    the teams side by side is keyed by the history's `digest`, a team's page by everything on it."""
    from ldkit.core.plain import plain

    env = environment()
    common = {"generated_at": generated_at, "pygments_css": pygments_css(), "has_teams": True,
              "has_tracks": has_tracks}  # the same site menu as every other page
    yield TEAMS_INDEX, [TEAMS_INDEX, digest, plain(teams), common], \
        lambda: env.get_template("site_teams.html.j2").render(teams=teams, root="../", **common)
    page = env.get_template("site_team.html.j2")

    def team_page(team: TeamHistory) -> Any:
        topic_links = {name: topic_page(name) for name in team.topics}
        return lambda: page.render(t=team, root="../../", charts=charts(team), topic_links=topic_links, **common)

    for team in teams:
        yield team.link, ["team", plain(team), common], team_page(team)


def pages(teams: list[TeamHistory], generated_at: str) -> dict[str, str]:
    return {path: render() for path, _, render in page_plans(teams, generated_at)}


def write_all(teams: list[TeamHistory], folder: Path, generated_at: str) -> list[Path]:
    from ldkit.core.files import atomic_write, make_folder

    written = []
    for relative, html in pages(teams, generated_at).items():
        path = Path(folder) / relative
        make_folder(path.parent)
        atomic_write(path, html)
        written.append(path)
    return written
