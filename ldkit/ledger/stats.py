"""Looking back: weeks off (`ldkit skip`), streaks, participation and totals across weeks."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.core import layout
from ldkit.core.errors import InputError
from ldkit.core.files import atomic_path, atomic_write, make_folder
from ldkit.core.weeks import Week, parse_week
from ldkit.core.workspace import Workspace
from ldkit.ledger.totals import WeekTotals, day_held, week_totals
from ldkit.records.index import index_path
from ldkit.records.scan import Problem, notebook_stamps, read_stamped
from ldkit.records.schema import now_rfc3339

SKIP_FILE = layout.SKIP_FILE
_WEEK_DIR = re.compile(r"^\d{4}-W\d{2}$")


def skip_week(workspace: Workspace, week: Week, author: str, reason: str = "") -> Path:
    """A week off: neither counts nor breaks a streak. Marking it again updates the reason."""
    folder = workspace.week_folder(week) / author
    if not workspace.contains(folder):
        raise InputError(f"refusing to write outside the workspace: {folder}")
    make_folder(folder)
    path = folder / SKIP_FILE
    atomic_write(path, json.dumps({"schema": 1, "week": str(week), "author": author, "reason": reason.strip(),
                                   "saved_at": now_rfc3339()}, ensure_ascii=False, indent=1) + "\n")
    return path


SKIP_SCHEMA = Path(__file__).resolve().parent.parent / "records" / "skip.schema.json"
_skip_validator: Any = None


def skips_of(workspace: Workspace, week: Week, warnings: list[str] | None = None) -> dict[str, str]:
    """author -> reason for the week's weeks off; a skip.json that breaks its schema still counts, with a warning."""
    global _skip_validator
    from ldkit.records.schema import SchemaProblem, compile_schema

    found: dict[str, str] = {}
    for path in sorted(workspace.week_folder(week).glob(f"*/{SKIP_FILE}")):
        if not workspace.counts(path.parent.name):
            continue  # another team's week off
        if not workspace.contains(path):  # a link out of the workspace is not followed (the week's reader says so)
            continue
        problem = None
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            data, problem = None, "it is not readable JSON"
        if problem is None:
            if _skip_validator is None:
                _skip_validator = compile_schema(SKIP_SCHEMA)
            try:
                _skip_validator(data)
            except SchemaProblem as exc:
                problem = str(exc)
        if problem and warnings is not None:
            warnings.append(f"{path}: read as a week off, but {problem}; mark it again with `ldkit skip`")
        reason = data.get("reason") if isinstance(data, dict) else None
        found[path.parent.name] = reason if isinstance(reason, str) else ""
    return found


def known_weeks(workspace: Workspace) -> list[Week]:
    weeks = []
    if workspace.workbooks.is_dir():
        for child in workspace.workbooks.iterdir():
            if child.is_dir() and _WEEK_DIR.match(child.name):
                try:
                    weeks.append(parse_week(child.name))
                except InputError:
                    continue
    return sorted(weeks)


@dataclass
class WeekData:
    """One week for looking back: its totals (from ldkit.ledger.totals, like every output) and weeks off."""

    week: Week
    totals: WeekTotals = field(default_factory=WeekTotals)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def people(self) -> set[str]:
        return self.totals.people

    @property
    def planned(self) -> set[str]:
        return self.totals.planned

    @property
    def summarized(self) -> set[str]:
        return self.totals.summarized

    @property
    def hours(self) -> float:
        return self.totals.hours


def read_week(workspace: Workspace, week: Week, workbooks: list[Any] | None = None) -> WeekData:
    """A week's numbers; `workbooks` already read (the digest has them) saves reading them twice."""
    if workbooks is None:
        return _walked_week(workspace, week)[0]
    return WeekData(week=week, totals=week_totals(workbooks, week), skipped=skips_of(workspace, week))


def _walked_week(workspace: Workspace, week: Week) -> tuple[WeekData, str]:
    """A week's numbers from one walk of its folder, and that walk's digest (week_cache.walk_digest)."""
    from ldkit.ledger import week_cache

    folder = workspace.week_folder(week)
    walked = Walked()
    walked.stamps = notebook_stamps(folder, workspace.root, walked.problems, workspace.members, others=walked.others)
    data = week_numbers(workspace, week, walked, lambda: read_stamped(
        folder, walked.stamps, workspace.root, index_path(workspace.cache), walked.problems))
    return data, week_cache.walk_digest(walked.stamps, walked.others)


@dataclass
class Walked:
    """What one walk of a week's folder found (records.scan.notebook_stamps): the notebooks with their stamps, the
    stamps of every other file, and what could not be read."""

    stamps: list[tuple[str, str]] = field(default_factory=list)
    others: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def week_numbers(workspace: Workspace, week: Week, walked: Walked, workbooks: Callable[[], Iterable[Any]]) -> WeekData:
    """THE cached reading of a week's numbers: read back from the week cache when nothing the walk saw changed,
    else computed from `workbooks()` (read after the walk, as every reader does) and kept. Whoever reads a
    week — stats, the site's and digest's collect, an export — keeps its numbers for the next one."""
    from ldkit.ledger import week_cache

    key = week_cache.week_key(workspace, week, walked.stamps, walked.others)
    known = week_cache.cached(workspace, week, key)
    if known is not None:  # nothing in the week's folder changed: its numbers as they were
        return WeekData(week=week, totals=known[0], skipped=known[1])
    # what the site, the digest or an export read already is read back from the records index
    data = WeekData(week=week, totals=week_totals(workbooks(), week), skipped=skips_of(workspace, week))
    week_cache.keep(workspace, week, key, data.totals, data.skipped)
    return data


def weeks_between(since: Week, until: Week) -> list[Week]:
    weeks, week = [], since
    while week <= until:
        weeks.append(week)
        week = week.next()
    return weeks


def week_off(week: WeekData, author: str) -> bool:
    """A week off counts only where there is no outcome: an outcome always wins over `ldkit skip`."""
    return author in week.skipped and author not in week.summarized


def streaks(history: list[WeekData], author: str, current: Week) -> tuple[int, int]:
    """(current, best): consecutive weeks with an outcome; a week off neither counts nor breaks it, and the
    current week without an outcome yet does not break it either."""
    best = run = 0
    for week in history:
        if author in week.summarized:
            run += 1
            best = max(best, run)
        elif week_off(week, author):
            continue
        elif week.week != current:
            run = 0
    return run, best


def participation(history: list[WeekData], author: str, joined: Week, weekday: int,
                  today: dt.date | None = None) -> tuple[int, int]:
    """THE participation rule, as (learning days held with an outcome, learning days held since `joined`):
    weeks off are left out, and a learning day counts only once it has begun (the coming one does not)."""
    held = [w for w in history if w.week >= joined and not week_off(w, author) and day_held(w.week, weekday, today)]
    return sum(1 for w in held if author in w.summarized), len(held)


def rate(part: tuple[int, int]) -> float:
    done, held = part
    return round(done / held, 3) if held else 0.0


def _read_weeks(workspace: Workspace, weeks: list[Week]) -> list[WeekData]:
    """Each week's numbers, in order; a company's year (a thousand people's workbooks a week) is read by a process
    per core (core.forked), each reading whole weeks and keeping their numbers in the week cache. A watcher that
    runs beside the workspace (core.watch, started by `ldkit search`) names the weeks changed since the walks kept
    last time: the others are not walked again (52,000 workbooks are 156,000 stats, seconds on a cold cache)."""
    from ldkit.core import forked, watch
    from ldkit.ledger import week_cache

    answer, trusted = None, {}
    if watch.enabled() and not workspace.has_team_workspaces:  # a joined view's links give no events
        since, walks = week_cache.kept_walks(workspace)
        answer = watch.ask(workspace.workbooks, since)  # asked before any walk: a later change is in the next answer
        changed = watch.changed_weeks(workspace.workbooks, answer)
        if changed is not None:
            trusted = {week: walk for week, walk in walks.items() if week not in changed}

    def one(i: int) -> tuple[WeekData, str]:
        week, walk = weeks[i], trusted.get(str(weeks[i]))
        if walk is not None:
            known = week_cache.cached(workspace, week, week_cache.key_of_walk(workspace, week, walk))
            if known is not None:
                return WeekData(week=week, totals=known[0], skipped=known[1]), walk
        return _walked_week(workspace, week)

    large = forked.subfolders([workspace.week_folder(week) for week in weeks]) >= forked.PARALLEL_FROM
    read = forked.shared_map(one, len(weeks), None if large else 1)
    if answer is not None:
        week_cache.keep_walks(workspace, answer, {str(week): walk for week, (_, walk) in zip(weeks, read, strict=True)})
    return [data for data, _ in read]


def compute(workspace: Workspace, since: Week | None = None, until: Week | None = None,
            known: WeekData | None = None, weeks_read: Mapping[Week, WeekData] | None = None) -> dict[str, Any]:
    """Per week and per person, over [since, until] (streaks look at every week up to `until`).

    `known` (one week) or `weeks_read` (many: the site has every week already) spare reading them again."""
    until = until or parse_week("this")
    weeks = sorted(weeks_read) if weeks_read is not None else known_weeks(workspace)
    start = min(weeks[0], until) if weeks else until
    since = since or start
    if since > until:
        raise InputError(f"--since {since} is after --until {until}", hint="swap them, or leave one out")

    def week_data(week: Week) -> WeekData:
        if known is not None and known.week == week:
            return known
        if weeks_read is not None:
            return weeks_read.get(week) or WeekData(week=week)
        return read_week(workspace, week)

    between = weeks_between(min(start, since), until)
    history = _read_weeks(workspace, between) if known is None and weeks_read is None else \
        [week_data(week) for week in between]
    in_range = [w for w in history if w.week >= since]
    roster = {m.slug for m in workspace.settings.team}
    everyone = sorted(roster.union(*(w.people | set(w.skipped) for w in history)) if history else roster)
    people = []
    for author in everyone:
        first = next((w.week for w in history if author in w.people or author in w.skipped), None)
        if author not in roster and (first is None or not any(author in w.people or author in w.skipped
                                                              for w in in_range)):
            continue
        current, best = streaks(history, author, until)
        # a roster member with no workbook yet has been on the team for the whole range: 0%, not left out
        joined = max(first, since) if first is not None else since
        people.append({"author": author, "weeks_with_outcome": sum(1 for w in in_range if author in w.summarized),
                       "current_streak": current, "best_streak": best,
                       "participation_rate": rate(participation(in_range, author, joined, workspace.weekday))})
    resources: Counter = Counter()
    papers: Counter = Counter()
    for w in in_range:
        resources.update(w.totals.resources)
        papers.update(w.totals.papers)
    return {
        "since": str(since), "until": str(until),
        "people": people,
        "weeks": [{"week": str(w.week), **{k: v for k, v in w.totals.as_dict().items() if k != "results"},
                   "categories": dict(w.totals.categories), "skipped": sorted(a for a in w.skipped if week_off(w, a))}
                  for w in in_range],
        "top_resources": [{"resource": r, "count": n} for r, n in resources.most_common(10)],
        "top_papers": [{"paper": p, "count": n} for p, n in papers.most_common(10)],
        "tracks": track_stats(in_range),
    }


def track_stats(weeks: list[WeekData]) -> list[dict[str, Any]]:
    """Per track (ldkit.records.workbook.track_key), over `weeks`: weeks, people, workbooks, hours and outcomes by
    status. A private workbook counts (its week, its hours, one "private" outcome) and shows nothing: its status is
    not told, its author is not named, and a track only private workbooks hold is left out (its name is theirs)."""
    from ldkit.ledger.totals import track_rows
    from ldkit.records.workbook import track_key

    found: dict[tuple[str, str], dict[str, Any]] = {}
    for week, item in track_rows((w.week, w.totals) for w in weeks):  # the workbook a track continues included
        key = track_key(item)
        track = found.setdefault(key, {"slug": item["slug"], "name": "", "weeks": set(), "people": set(),
                                       "workbooks": 0, "private": 0, "hours": 0.0, "outcomes": Counter(),
                                       "first": week, "last": week})
        track["weeks"].add(week)
        track["workbooks"] += 1
        track["hours"] += item["hours"]
        track["first"], track["last"] = min(track["first"], week), max(track["last"], week)
        if item["private"]:
            track["private"] += 1
            if item.get("outcome"):
                track["outcomes"]["private"] += 1
            continue
        track["name"] = item["name"]  # the newest shown spelling
        track["people"].add(item["author"])
        if item.get("status"):
            track["outcomes"][item["status"]] += 1
    rows = [{**t, "weeks": len(t["weeks"]), "people": sorted(t["people"]), "hours": round(t["hours"], 2),
             "outcomes": dict(sorted(t["outcomes"].items()))}
            for t in found.values() if t["name"]]
    return sorted(rows, key=lambda t: (t["last"], t["name"]), reverse=True)


PLOT_SUFFIXES = (".svg", ".png")


def check_plot_path(path: Path) -> str:
    """The picture's kind by its extension, checked before the weeks are read."""
    suffix = Path(path).suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise InputError(f"--plot {path}: use a file ending in .svg or .png")
    return suffix


def plot(stats: dict[str, Any], path: Path) -> None:
    """Weekly participation and hours, drawn by matplotlib (SVG or PNG by the file's extension)."""
    check_plot_path(path)
    try:
        import matplotlib
    except ImportError:
        raise InputError("--plot needs matplotlib, which is not installed",
                         hint="pip install 'ldkit[plot]' (or pip install matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    weeks = [w["week"] for w in stats["weeks"]]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(max(6, 0.5 * len(weeks) + 2), 6), sharex=True)
    top.bar(weeks, [w["people"] for w in stats["weeks"]], color="#1f6feb", label="took part")
    top.bar(weeks, [w["summarized"] for w in stats["weeks"]], color="#1a7f37", label="summarized", width=0.5)
    top.set_ylabel("people")
    top.legend(loc="upper left")
    top.set_title(f"Learning Day {stats['since']} to {stats['until']}")
    bottom.plot(weeks, [w["hours"] for w in stats["weeks"]], marker="o", color="#9a6700")
    bottom.set_ylabel("hours")
    bottom.tick_params(axis="x", rotation=60)
    fig.tight_layout()
    try:
        with atomic_path(Path(path)) as tmp:
            fig.savefig(tmp)
    finally:
        plt.close(fig)
