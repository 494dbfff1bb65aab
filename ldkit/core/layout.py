"""Where things are: every path rule of a workspace (workbooks, journals, digests, the site's URLs), defined once.

The file layout is public (README, DESIGN.md): workbooks/<YYYY-Www>/<author>/<slug>.ipynb with its journal beside it,
digests/<week>/index.html (+ digest.md, digest.json), and the site's pages, each naming its index.html so the site
browses from file:// too.
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import stat
from functools import lru_cache
from pathlib import Path

from ldkit.core.text import slugify, title_slug

# ---------------------------------------------------------------- workbooks and journals
JOURNAL_SUFFIX = ".ldkit.jsonl"
SKIP_FILE = "skip.json"  # a week off (ldkit skip), in the author's folder of that week


def week_folder(workbooks: Path, week: object) -> Path:
    """`workbooks/<YYYY-Www>`: every author's folder of a week."""
    return Path(workbooks) / str(week)


def workbook_path(workbooks: Path, week: object, author: str, title: str) -> Path:
    """`workbooks/<week>/<author>/<slug of the title>.ipynb`."""
    return week_folder(workbooks, week) / author / f"{title_slug(title)}.ipynb"


def journal_path(notebook: Path) -> Path:
    """`week/author/slug.ipynb` -> `week/author/slug.ldkit.jsonl`."""
    notebook = Path(notebook)
    return notebook.with_name(notebook.stem + JOURNAL_SUFFIX)


# ---------------------------------------------------------------- digests
DIGEST_PAGE = "index.html"
DIGEST_MARKDOWN = "digest.md"
DIGEST_JSON = "digest.json"


def digest_folder(digests: Path, week: object) -> Path:
    """`digests/<week>`: the week's page and its other formats."""
    return Path(digests) / str(week)


# ---------------------------------------------------------------- the site (paths relative to its root, also URLs)
SITE_INDEX = "index.html"
PEOPLE_INDEX = "people/index.html"
TOPICS_INDEX = "topics/index.html"
PAPERS_INDEX = "papers/index.html"
TEAMS_INDEX = "teams/index.html"  # a company's teams side by side (only with [teams])
TRACKS_INDEX = "tracks/index.html"  # every track (only when there is one)
SITE_FEED = "feed.xml"


def url_slug(name: str) -> str:
    """A file-system-safe name for a person's or topic's folder, whatever a hand-edited record says."""
    return slugify(str(name), 60) or "x-" + hashlib.sha1(str(name).encode("utf-8")).hexdigest()[:8]


def site_week_path(week: object) -> str:
    """Where a week's page sits in the site."""
    return f"weeks/{week}/{SITE_INDEX}"


def site_person_path(author: str) -> str:
    return f"people/{url_slug(author)}/{SITE_INDEX}"


def site_person_feed(author: str) -> str:
    return f"people/{url_slug(author)}/{SITE_FEED}"


def site_team_path(team: str) -> str:
    """A company team's page on the site."""
    return f"teams/{url_slug(team)}/{SITE_INDEX}"


def site_topic_path(category: str) -> str:
    return f"topics/{url_slug(category)}/{SITE_INDEX}"


def site_track_path(slug: str) -> str:
    """A track's page; `slug` is the one ldkit.model.tracks gave it (unique on the site), made safe once more here."""
    return f"tracks/{url_slug(slug)}/{SITE_INDEX}"


def site_link(source: str, target: str) -> str:
    """The relative link from the site page `source` to the site page `target` (both paths from the site's root)."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


# ---------------------------------------------------------------- the wall
def inside(path: Path, root: Path) -> bool:
    """True when `path`, with every link and '..' resolved, lies in `root` (or is it): THE rule of what ldkit may
    read or write. A link that leads out of the workspace is never followed, by any reader or writer."""
    try:
        Path(path).resolve().relative_to(Path(root).resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a link loop (Python < 3.13)
        return False
    return True


def outside_link(path: Path, root: Path) -> Path | None:
    """The first link on the way from `root` down to `path` that leads out of `root` (the one a warning should
    name: a week's or an author's folder, or the file itself), or None when `path` stays inside."""
    path = Path(path)
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None if inside(path, root) else path
    step = Path(root)
    for part in parts:
        step = step / part
        if step.is_symlink() and not inside(step, root):
            return step
    return None if inside(path, root) else path


def link_target(path: Path) -> str:
    """Where a link points, for a message."""
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return "?"


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


# ---------------------------------------------------------------- templates
@lru_cache(maxsize=1)
def builtin_templates_dir() -> Path:
    """The built-in templates: a wheel ships templates/ as ldkit/builtin_templates; an editable install reads the
    source tree's templates/. Where ldkit is installed does not change while it runs: found once (a resolve and a
    glob, which a search index build of 52,000 workbooks made for each one)."""
    shipped = Path(__file__).resolve().parent.parent / "builtin_templates"
    if any(shipped.glob("*.ipynb")):
        return shipped
    return Path(__file__).resolve().parent.parent.parent / "templates"


def template_files(name: str, workspace_templates: Path | None = None) -> list[tuple[Path, float]]:
    """The template files a workbook of template `name` may have been made from — the built-in one and the
    workspace's copy, whichever exist — each with its modification time (one stat: a caller keeps what it read
    of a template by it)."""
    if not name:
        return []
    found = []
    for folder in (builtin_templates_dir(), *([workspace_templates] if workspace_templates is not None else [])):
        path = folder / f"{name}.ipynb"
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            continue
        if stat.S_ISREG(info.st_mode):
            found.append((path, info.st_mtime))
    return found


class Sources:
    """Where each file of a joined view really is (ldkit.site.join): a company of several repositories reads the
    teams' workbooks through links under `.ldkit-cache/joined/`, but a person told of a file must be sent to the
    team repository's own, the one to open and fix (a write through a link may never reach it)."""

    def __init__(self, view: Path, files: dict[str, Path]) -> None:
        self.view = view  # the view's workbooks folder
        self.files = files  # a path relative to `view` -> the file it is a link of
        self._by_folder: dict[str, list[str]] | None = None

    def real(self, path: Path) -> Path:
        """The team repository's file behind `path`; any other path as it is."""
        try:
            rel = Path(path).relative_to(self.view).as_posix()
        except ValueError:
            return Path(path)
        return self.files.get(rel, Path(path))

    def text(self, text: str, root: Path) -> str:
        """`text` with each path into the view (absolute, or relative to `root`) as the path of its real file."""
        relative_view = posixpath.join(*self.view.relative_to(root).parts) if self.view.is_relative_to(root) else ""
        if not text or (str(self.view) not in text and (not relative_view or relative_view not in text)):
            return text
        for prefix, absolute in ((f"{self.view}/", True), (f"{relative_view}/", False)):
            if prefix == "/" or prefix not in text:
                continue
            head, *pieces = text.split(prefix)
            out = [head]
            for piece in pieces:
                rel = self._known_start(piece)
                if rel is None:
                    out.append(prefix + piece)
                    continue
                real = self.files[rel]
                out.append((str(real) if absolute else relative(real, root)) + piece[len(rel):])
            text = "".join(out)
        return text

    def folders(self) -> list[Path]:
        """The team repositories' own workbooks folders behind the view, sorted: where a person adds or fixes one."""
        found = set()
        for rel, real in self.files.items():
            depth = rel.count("/") + 1
            if len(real.parts) > depth:
                found.add(real.parents[depth - 1])
        return sorted(found)

    def _known_start(self, text: str) -> str | None:
        """The longest path of the view that `text` starts with (a week folder, an author's, a file in it)."""
        if self._by_folder is None:
            self._by_folder = {}
            for rel in self.files:
                self._by_folder.setdefault("/".join(rel.split("/")[:2]), []).append(rel)
        found = [rel for rel in self._by_folder.get("/".join(text.split("/")[:2]), ()) if text.startswith(rel)]
        return max(found, key=len) if found else None
