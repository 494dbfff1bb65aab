"""The one Jinja environment every HTML writer uses: autoescaping, ldkit's filters, bytecode kept across runs."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).with_name("templates")
# the page's own policy: no script, nothing loaded, styles inline, images only as data: URIs
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; form-action 'none'; "
       "base-uri 'none'")
_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.I)

_environments: dict[str, Any] = {}


def environment(cache: Path | None = None) -> Any:
    key = str(cache)
    if key not in _environments:
        from jinja2 import Environment, FileSystemLoader, select_autoescape
        from markupsafe import Markup

        from ldkit.render.cache import bytecode_cache
        from ldkit.render.markdown import learner_html

        bytecode = bytecode_cache(cache) if cache is not None else None  # compiling a page costs ~50 ms a run
        env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                          trim_blocks=True, lstrip_blocks=True, bytecode_cache=bytecode)
        env.filters["markdown"] = lambda text: Markup(learner_html(text))
        env.filters["safe_url"] = lambda url: url if isinstance(url, str) and _SAFE_URL.match(url.strip()) else None
        env.filters["hours"] = lambda h: "" if h is None else f"{h:g} h"
        env.filters["amount"] = lambda a: f"{float(a):,.2f}"
        env.globals["csp"] = Markup(CSP)  # our constant: Markup keeps its quotes literal in the attribute
        env.globals.update(site_paths())
        _environments[key] = env
    return _environments[key]


def site_paths() -> dict[str, Any]:
    """The site's paths (ldkit.core.layout) as the templates name them, prefixed there with `root`."""
    from ldkit.core import layout

    return {"site_index": layout.SITE_INDEX, "people_index": layout.PEOPLE_INDEX, "topics_index": layout.TOPICS_INDEX,
            "papers_index": layout.PAPERS_INDEX, "site_feed": layout.SITE_FEED, "week_path": layout.site_week_path,
            "teams_index": layout.TEAMS_INDEX, "team_path": layout.site_team_path,
            "tracks_index": layout.TRACKS_INDEX, "track_path": layout.site_track_path}


def pygments_css() -> str:
    from ldkit.render.highlight import stylesheet

    return stylesheet()
