"""Find the workspace (ldkit.toml or [tool.ldkit]) and read its settings."""
from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError, WorkspaceError
from ldkit.core.layout import Sources, digest_folder, inside, relative, site_week_path, week_folder
from ldkit.core.registry import CHAT_SERVICES
from ldkit.core.weeks import WEEKDAYS, parse_weekday

CONFIG_FILE = "ldkit.toml"
CACHE_DIR = ".ldkit-cache"
NO_TEAM = "_no-team"  # the scope of members without a team: never a team slug (slugs have no "_")
WITHOUT_TEAM = "Without a team"  # how pages name that scope
DEFAULT_CATEGORIES = (
    "paper-reading", "paper-reimplementation", "tutorial", "side-project", "fundamentals",
    "ml-fundamentals", "engineering", "management", "mechanical", "other",
)


@dataclass(frozen=True)
class Settings:
    """What ldkit.toml says, checked: read once per file's bytes (core.settings_cache)."""

    learning_day: str = "thursday"
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    author: str | None = None
    workbooks_dir: str = "workbooks"
    digests_dir: str = "digests"
    currency: str = "EUR"
    kernel: str = "python3"
    site_url: str | None = None  # where the team's site is published (ends with "/"); links in chat and feeds
    scheduler: str | None = None  # a Dask scheduler address (or local:N) for `digest --execute`
    team: tuple[Any, ...] = ()  # the roster (ldkit.core.roster.Member), empty when there is none
    chat: str = "slack"  # the chat service webhooks speak: slack, mattermost or teams
    teams: tuple[Any, ...] = ()  # a company's teams (ldkit.core.teams.Team), empty when there are none


def settings_print(settings: Settings) -> dict[str, Any]:
    """The settings as JSON-able values, equal to dataclasses.asdict's: the roster's members are named tuples of
    strings already, and asdict deep-copied each of a company's 100,000 (seconds, on every site build)."""
    from dataclasses import fields

    from ldkit.core.plain import plain

    out = {f.name: getattr(settings, f.name) for f in fields(settings)}
    out["teams"] = plain(settings.teams)
    return out


_TYPES: dict[str, type | tuple[type, ...]] = {
    "learning_day": str, "categories": list, "author": str, "workbooks_dir": str,
    "digests_dir": str, "currency": str, "kernel": str, "site_url": str, "scheduler": str, "team": dict, "chat": str,
    "teams": dict,
}


@dataclass(frozen=True)
class Workspace:
    """A workspace as one command reads it: its folder and settings, and which view of it (a team's, a joined
    company's)."""

    root: Path
    settings: Settings = field(default_factory=Settings)
    config_file: Path | None = None
    scope: str | None = None  # a team's slug: this view of the workspace holds only that team's members
    members: frozenset[str] | None = None  # with a scope: the authors whose workbooks count
    sources: Sources | None = None  # a joined view's: where its files really are (ldkit.site.join)

    def shown(self, path: Path) -> str:
        """How a person is told of `path`: relative to the root, and a joined view's file as the team repository's
        own (the one to open)."""
        return relative(self.sources.real(path) if self.sources is not None else path, self.root)

    def shown_text(self, text: str) -> str:
        """`text` (a message) with every path into a joined view as the team repository's file."""
        return self.sources.text(text, self.root) if self.sources is not None else text

    def for_team(self, slug: str | None) -> Workspace:
        """The workspace as one team sees it: its roster members only (their workbooks, weeks off, the team
        rule). `None` is the whole workspace; an unknown slug is refused in one line naming the teams."""
        if slug is None:
            return self
        from dataclasses import replace

        from ldkit.core.teams import unknown_team

        if slug not in {t.slug for t in self.settings.teams}:
            raise unknown_team(slug, self.settings.teams)
        roster = tuple(m for m in self.settings.team if m.team == slug)
        return replace(self, settings=replace(self.settings, team=roster), scope=slug,
                       members=frozenset(m.slug for m in roster))

    def without_team(self) -> Workspace:
        """The roster members no team names (a company's reminders for them go to the workspace's webhook)."""
        from dataclasses import replace

        roster = tuple(m for m in self.settings.team if not m.team)
        return replace(self, settings=replace(self.settings, team=roster), scope=NO_TEAM,
                       members=frozenset(m.slug for m in roster))

    def team_info(self, slug: str) -> Any:
        """The `Team` named `slug` (ldkit.core.teams.Team)."""
        for found in self.settings.teams:
            if found.slug == slug:
                return found
        from ldkit.core.teams import unknown_team

        raise unknown_team(slug, self.settings.teams)

    @property
    def has_team_workspaces(self) -> bool:
        """Whether a company keeps teams in repositories of their own (its readers then read them joined:
        ldkit.site.join)."""
        return any(t.workspace for t in self.settings.teams)

    def team_by_author(self) -> dict[str, str]:
        """author -> their company team's slug, for the roster members a team names."""
        return {m.slug: m.team for m in self.settings.team if m.team}

    def team_titles(self) -> dict[str, str]:
        """team slug -> how pages and the terminal name it (Team.title: its `name`, else its slug)."""
        return {t.slug: t.title for t in self.settings.teams}

    def counts(self, author: str) -> bool:
        """Whether `author`'s workbooks belong to this view (always, unless it is scoped to a team)."""
        return self.members is None or author in self.members

    @property
    def workbooks(self) -> Path:
        return self.root / self.settings.workbooks_dir

    @property
    def digests(self) -> Path:
        return self.root / self.settings.digests_dir

    @property
    def site(self) -> Path:
        return self.root / "site"

    def week_url(self, week: object) -> str | None:
        """The week's page on the published site, when `site_url` says where the site is."""
        from urllib.parse import urljoin

        return urljoin(self.settings.site_url, site_week_path(week)) if self.settings.site_url else None

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def cache(self) -> Path:
        return self.root / CACHE_DIR

    def keep_settings(self) -> None:
        """Keep the settings this process read for the next command to read back (core.settings_cache). For a
        build, which writes the workspace's caches anyway."""
        if self.config_file is not None:
            from ldkit.core import settings_cache

            settings_cache.keep_read(self.cache, self.config_file)

    @property
    def listings(self) -> Path:
        """What each folder under workbooks/ held when last listed (core.treestamp), shared by the site and search."""
        return self.cache / "listings.sqlite"

    @property
    def weekday(self) -> int:
        return parse_weekday(self.settings.learning_day)

    def time_zones(self, author: str | None = None) -> tuple[str, ...]:
        """The zones whose learning day counts: `author`'s own when the roster gives one, else every member's (UTC
        for a member without one); empty without a roster (then UTC)."""
        members = self.settings.team
        own = [m.tz for m in members if author and m.slug == author and m.tz]
        return tuple(own) if own else tuple(m.tz or "UTC" for m in members)

    def read_week(self, text: str | None, author: str | None = None, now: Any = None) -> Any:
        """A week as a user types it, `held` read with this workspace's learning day and zones (see time_zones)."""
        from ldkit.core.weeks import parse_week

        return parse_week(text, weekday=self.weekday, zones=self.time_zones(author), now=now)

    def week_folder(self, week: object) -> Path:
        return week_folder(self.workbooks, week)

    def digest_folder(self, week: object) -> Path:
        return digest_folder(self.digests, week)

    def contains(self, path: Path) -> bool:
        """True when `path`, with links and '..' resolved, lies inside the workspace (layout.inside)."""
        return inside(path, self.root)




def find_workspace(start: Path | None = None) -> Workspace:
    """`LDKIT_HOME` if set, else the nearest folder upward holding ldkit.toml or [tool.ldkit]."""
    return load_workspace(*find_config(start))


def find_config(start: Path | None = None) -> tuple[Path, Path]:
    """(the workspace's root, its settings file), found as find_workspace finds them, without reading settings."""
    home = os.environ.get("LDKIT_HOME")
    if home:
        root = Path(home).expanduser()
        found = config_in(root)
        if found is None:
            raise WorkspaceError(f"LDKIT_HOME={home} is not an ldkit workspace (no {CONFIG_FILE} there)",
                                 hint=f"run `ldkit init {home}` or unset LDKIT_HOME")
        return root.resolve(), found
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        found = config_in(folder)
        if found is not None:
            return folder, found
    raise WorkspaceError(f"no ldkit workspace here: neither {here} nor a folder above it holds {CONFIG_FILE}",
                         hint="run `ldkit init PATH` to make one, cd into one, or set LDKIT_HOME")


def config_in(folder: Path) -> Path | None:
    config = folder / CONFIG_FILE
    if config.is_file():
        return config
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        from ldkit.core.tomlread import tomllib

        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            return None
        if isinstance(data.get("tool"), dict) and "ldkit" in data["tool"]:
            return pyproject
    return None


def load_workspace(root: Path, config: Path) -> Workspace:
    from ldkit.core import settings_cache

    try:
        raw = config.read_bytes()
    except OSError as exc:
        raise WorkspaceError(f"cannot read {config}: {exc}") from None
    key = settings_cache.key_of(raw, config)
    large = len(raw) >= settings_cache.KEEP_FROM_BYTES
    settings = settings_cache.recalled(config, key)
    if settings is not None:  # read in this process before, from the same bytes
        return Workspace(root=root, settings=settings, config_file=config)
    with _collector_paused(large):
        settings = settings_cache.cached(root / CACHE_DIR, key, Settings)
        kept = settings is not None
        if settings is None:  # else read and checked before: the same bytes give the same settings
            settings = _read_settings(raw, config)
            if large:
                settings_cache.keep(root / CACHE_DIR, key, settings)
                kept = True
        settings_cache.remember(config, key, settings, kept)
    return Workspace(root=root, settings=settings, config_file=config)


def _read_settings(raw: bytes, config: Path) -> Settings:
    from ldkit.core.tomlread import loads, tomllib

    try:
        data = loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{config} is not valid TOML: {exc}", hint="fix the file and try again") from None
    except UnicodeDecodeError as exc:
        raise WorkspaceError(f"cannot read {config}: {exc}") from None
    table = data.get("tool", {}).get("ldkit", {}) if config.name == "pyproject.toml" else data
    where = f"{config} [tool.ldkit]" if config.name == "pyproject.toml" else str(config)
    return parse_settings(table, where)


_freeze_after_large_reads = True  # off in a process that runs for long (long_running)


def long_running() -> None:
    """Say that this process serves for long (`ldkit bot serve`): a large read then leaves the collector as it
    found it. gc.freeze keeps whatever is alive at that moment for the process's life, cyclic garbage included —
    right for a command that exits within seconds, a slow leak for a server that reads the roster on each edit."""
    global _freeze_after_large_reads
    _freeze_after_large_reads = False


@contextmanager
def _collector_paused(large: bool) -> Iterator[None]:
    """For a large roster, no cyclic garbage collection while it is read: its 100,000 members are 300,000 new
    objects that all stay alive and hold no cycle, and the collector walked them again and again (a fifth of the
    read). It runs as usual afterwards; in a command (not a server: long_running), after a read that succeeded,
    it never walks what is alive then again (gc.freeze): every collection after the read walked the members once
    more, and the last one, at the process's exit, was ~0.1 s of a 100,000-member roster's read."""
    if not large or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
        if _freeze_after_large_reads:
            gc.freeze()
    finally:
        gc.enable()


def parse_settings(table: object, where: str) -> Settings:
    """Validate a settings table; an unknown key or a wrong type names the key and the file."""
    if not isinstance(table, dict):
        raise WorkspaceError(f"{where}: the ldkit settings must be a table")
    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in _TYPES:
            raise WorkspaceError(f"{where}: unknown setting '{key}'",
                                 hint="known settings: " + ", ".join(sorted(_TYPES)))
        expected = _TYPES[key]
        if not isinstance(value, expected):
            kind = "a list of strings" if expected is list else "a string"
            raise WorkspaceError(f"{where}: setting '{key}' must be {kind}, not {type(value).__name__}")
        values[key] = value
    if "learning_day" in values:
        try:
            values["learning_day"] = WEEKDAYS[parse_weekday(str(values["learning_day"]))]
        except InputError:
            raise WorkspaceError(f"{where}: setting 'learning_day' = {values['learning_day']!r} is not a weekday",
                                 hint="use a weekday name such as thursday") from None
    if "categories" in values:
        cats: Any = values["categories"]
        if not cats or not all(isinstance(c, str) and c.strip() for c in cats):
            raise WorkspaceError(f"{where}: setting 'categories' must be a non-empty list of non-empty strings")
        values["categories"] = tuple(c.strip() for c in cats)
    for key in ("workbooks_dir", "digests_dir"):
        if key in values:
            rel = Path(str(values[key]))
            if rel.is_absolute() or ".." in rel.parts or not str(values[key]).strip():
                raise WorkspaceError(f"{where}: setting '{key}' must be a folder inside the workspace, "
                                     f"not {values[key]!r}", hint="use a relative path such as 'workbooks'")
    if "chat" in values and values["chat"] not in CHAT_SERVICES:
        raise WorkspaceError(f"{where}: setting 'chat' must be {CHAT_SERVICES.spoken()}, not {values['chat']!r}")
    if "team" in values:
        from ldkit.core.roster import parse_team

        values["team"] = parse_team(values["team"], where)
    if "teams" in values:
        from ldkit.core.teams import parse_teams

        values["teams"] = parse_teams(values["teams"], where)
    if values.get("team"):
        from ldkit.core.teams import check_members_teams

        check_members_teams(values["team"], values.get("teams", ()), where)  # type: ignore[arg-type]
    if "site_url" in values:
        from urllib.parse import urlparse

        url = str(values["site_url"]).strip()
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise WorkspaceError(f"{where}: setting 'site_url' must be an http(s) address, not {url!r}",
                                 hint="e.g. site_url = \"https://team.pages.example.com/learning-day/\"")
        values["site_url"] = url if url.endswith("/") else url + "/"
    return Settings(**values)  # type: ignore[arg-type]


def settings_file_text() -> str:
    """The ldkit.toml that `ldkit init` writes: every setting, with its default, explained."""
    cats = ",\n    ".join(f'"{c}"' for c in DEFAULT_CATEGORIES)
    return f'''# ldkit workspace settings. Every key is optional; the values below are the defaults.

# The team's Learning Day (a weekday name).
learning_day = "thursday"

# Categories a plan can name.
categories = [
    {cats},
]

# Who you are, when neither --author nor LDKIT_AUTHOR nor a roster member's email (git's user.email) says;
# else git's user.name, else your login.
# author = "your-name"

# Where workbooks and digests go, relative to this file.
workbooks_dir = "workbooks"
digests_dir = "digests"

# Currency for self-study expenses logged without one.
currency = "EUR"

# The chat service your webhooks go to: slack, mattermost or teams.
chat = "slack"

# A Dask scheduler for `ldkit digest --execute` (tcp://host:8786, or local:N for N workers here).
# scheduler = "tcp://dask-scheduler.example.org:8786"

# Where the team's site (ldkit site) is published; chat posts and feeds then link to it.
# site_url = "https://your-team.pages.example.com/learning-day/"

# The roster: who is expected on a learning day. Keep it last in this file (a [table] runs to the end), and edit
# it with `ldkit team add NAME --name "Full Name" --chat CHAT_ID --tz Europe/Berlin --email NAME@example.org` or
# `ldkit team remove NAME`.
# [team]
# ada = {{ name = "Ada L.", chat = "U024BE7LH", tz = "Europe/Berlin", email = "ada@example.org" }}
'''
