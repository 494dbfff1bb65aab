"""Where things are: every path rule of a workspace (workbooks, journals, digests, the site's URLs)."""
from __future__ import annotations

from pathlib import Path


def relative(path: Path, root: Path) -> str:
    """`path` relative to the workspace root; resolving links only when the plain paths do not say (it costs)."""
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        pass
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)

