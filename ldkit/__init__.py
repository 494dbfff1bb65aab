"""ldkit: a team's weekly Learning Day in Jupyter (plan, work, summarize, share).

Nothing heavy is imported here: `ldkit --help` and `import ldkit` in a kernel must stay fast.
"""
from __future__ import annotations

from typing import Any

from ldkit.core import __version__

__all__ = ["plan", "outcome", "result", "home", "__version__"]


def plan(**values: Any) -> Any:
    """Show the plan form (Goal, Category, Resources, Planned hours, Private); with values, save at once."""
    from ldkit.notebook.forms import plan as _plan

    return _plan(**values)


def outcome(**values: Any) -> Any:
    """Show the outcome form (Summary, Status, Hours, Links, Next steps, Expenses, Pulled into work, Private)."""
    from ldkit.notebook.forms import outcome as _outcome

    return _outcome(**values)


def result(name: str, paper: float, mine: float, tolerance: float | str | None = None, higher_is_better: bool = True,
           unit: str = "", note: str = "", **where: Any) -> Any:
    """Record "the paper said `paper`, I got `mine`"; reproduced when |mine - paper| <= tolerance ('5%' is relative)."""
    from ldkit.notebook.results import result as _result

    return _result(name, paper, mine, tolerance, higher_is_better, unit, note, **where)


def home() -> Any:
    """The home notebook's panel: start this week's workbook, my week and the team's, build the digest."""
    from ldkit.notebook.home import home as _home

    return _home()
