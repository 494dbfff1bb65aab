"""ldkit: a team's weekly Learning Day in Jupyter (plan, work, summarize, share).

Nothing heavy is imported here: `ldkit --help` and `import ldkit` in a kernel must stay fast.
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["plan", "outcome", "__version__"]


def plan(**values: Any) -> Any:
    """Show the plan form (Goal, Category, Resources, Planned hours, Private); with values, save at once."""
    from ldkit.forms import plan as _plan

    return _plan(**values)


def outcome(**values: Any) -> Any:
    """Show the outcome form (Summary, Status, Hours, Links, Next steps, Expenses, Private)."""
    from ldkit.forms import outcome as _outcome

    return _outcome(**values)
