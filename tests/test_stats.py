import json
import shutil
import xml.etree.ElementTree as ET

from ldkit.core.weeks import parse_week
from ldkit.ledger.stats import WeekData, compute, streaks


def week_with(ws, run, new_workbook, week, author, outcome=True):
    path = new_workbook("blank", f"{author} {week}", "--week", week, "--author", author)
    run("log", "plan", path, "--goal", "g", "--category", "tutorial", "-r", "https://docs.jax.dev")
    if outcome:
        run("log", "outcome", path, "--summary", "s", "--hours", "2")
    return path


def test_streak_rules():
    w = [parse_week(f"2026-W{n:02d}") for n in range(40, 49)]
    history = [WeekData(week) for week in w]
    for i in (0, 1, 2, 4, 5, 6, 7):
        history[i].summarized.add("a")
    history[3].skipped["a"] = "holiday"  # a week off neither counts nor breaks it
    assert streaks(history, "a", w[-1]) == (7, 7)  # this week (W48) has no outcome yet: not broken
    history[5].summarized.discard("a")
    assert streaks(history, "a", w[-1]) == (2, 4)


def test_stats_json_and_text(ws, run, new_workbook):
    for week in ("2026-W45", "2026-W46", "2026-W48"):
        week_with(ws, run, new_workbook, week, "alice")
    week_with(ws, run, new_workbook, "2026-W46", "bob", outcome=False)
    run("skip", "--week", "2026-W47", "--author", "alice", "--reason", "on call")
    data = json.loads(run("stats", "--until", "2026-W48", "--json").stdout)
    assert set(data) >= {"people", "weeks"}
    alice = next(p for p in data["people"] if p["author"] == "alice")
    assert alice == {"author": "alice", "weeks_with_outcome": 3, "current_streak": 3, "best_streak": 3,
                     "participation_rate": 1.0}
    bob = next(p for p in data["people"] if p["author"] == "bob")
    assert bob["weeks_with_outcome"] == 0 and bob["participation_rate"] == 0.0  # a plan alone is not an outcome
    w46 = next(w for w in data["weeks"] if w["week"] == "2026-W46")
    assert w46 == {"week": "2026-W46", "people": 1, "workbooks": 2, "planned": 2, "summarized": 1, "hours": 2,
                   "categories": {"tutorial": 2}, "skipped": []}
    assert data["top_resources"][0] == {"resource": "https://docs.jax.dev", "count": 4}
    text = run("stats", "--until", "2026-W48").stdout
    assert "2026-W46" in text and "alice" in text and "100%" in text


def test_empty_range_is_an_honest_empty_answer(ws, run):
    data = json.loads(run("stats", "--since", "2026-W01", "--until", "2026-W03", "--json").stdout)
    assert data["people"] == [] and [w["people"] for w in data["weeks"]] == [0, 0, 0]
    assert "No workbooks from 2026-W01 to 2026-W03" in run("stats", "--since", "2026-W01", "--until",
                                                           "2026-W03").stdout


def test_since_after_until(ws, run):
    result = run("stats", "--since", "2026-W48", "--until", "2026-W40", code=2)
    assert "--since 2026-W48 is after --until 2026-W40" in result.stderr
    assert "invalid week 'soon'" in run("stats", "--since", "soon", code=2).stderr


def test_plot(ws, run, new_workbook, tmp_path):
    week_with(ws, run, new_workbook, "2026-W47", "alice")
    week_with(ws, run, new_workbook, "2026-W48", "bob")
    target = tmp_path / "participation.svg"
    run("stats", "--since", "2026-W47", "--until", "2026-W48", "--plot", target)
    root = ET.parse(target).getroot()
    assert root.tag.endswith("svg")
    png = tmp_path / "p.png"
    run("stats", "--until", "2026-W48", "--plot", png)
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "use a file ending in .svg or .png" in run("stats", "--plot", tmp_path / "p.gif", code=2).stderr


def test_skip_is_shown_by_streaks_in_the_digest(ws, run, new_workbook):
    week_with(ws, run, new_workbook, "2026-W47", "alice")
    run("skip", "--week", "2026-W48", "--reason", "conference")
    assert (ws.root / "workbooks" / "2026-W48" / "alice" / "skip.json").exists()
    data = compute(ws, until=parse_week("2026-W49"))
    assert next(p for p in data["people"] if p["author"] == "alice")["current_streak"] == 1


def test_the_numbers_a_digest_read_are_what_stats_reads_back_and_a_change_is_seen(ws, run, new_workbook,
                                                                                  monkeypatch):
    from ldkit.ledger import stats as stats_module

    path = week_with(ws, run, new_workbook, "2026-W46", "alice", outcome=False)
    run("digest", "--week", "2026-W46", "--quiet")  # its collect keeps the week's numbers
    assert list((ws.cache / "weeks").glob("2026-W46.*.json"))
    computed = stats_module.week_totals
    monkeypatch.setattr(stats_module, "week_totals", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    week = next(w for w in json.loads(run("stats", "--until", "2026-W46", "--json").stdout)["weeks"]
                if w["week"] == "2026-W46")
    assert week["planned"] == 1 and week["summarized"] == 0  # read back: nothing was computed again
    monkeypatch.setattr(stats_module, "week_totals", computed)
    run("log", "outcome", path, "--summary", "s", "--hours", "2")
    week = next(w for w in json.loads(run("stats", "--until", "2026-W46", "--json").stdout)["weeks"]
                if w["week"] == "2026-W46")
    assert week["summarized"] == 1 and week["hours"] == 2


def test_track_stats_take_the_workbook_a_track_continues_by_the_rules():
    """ledger.totals.track_rows: a workbook without a track joins the track of the first workbook that continues it
    (`continues`: same author, earlier week, a continuing workbook that is not private); nothing else joins."""
    from ldkit.ledger.stats import track_stats
    from ldkit.ledger.totals import WeekTotals

    def step(workbook, author="ada", hours=1.0, private=False, status="done"):
        return {"workbook": workbook, "author": author, "private": private, "outcome": True, "hours": hours,
                "status": None if private else status}

    course = {"slug": "course", "name": "Course"}
    w46, w47, w48 = (WeekData(parse_week(f"2026-W{n}"), WeekTotals()) for n in (46, 47, 48))
    def loose(workbook, **kw):  # an untracked row, as week_totals keeps it
        row = step(workbook, **kw)
        return [row["workbook"], row["author"], row["private"], row["status"], row["outcome"], row["hours"]]

    w46.totals.untracked += [loose("first", hours=6, status="partial"), loose("bobs", author="bob"),
                             loose("late"), loose("hidden")]
    w47.totals.tracks += [{**course, **step("second", hours=7), "continues": "first"},
                          {**course, **step("again"), "continues": "first"},  # the first step counted once
                          {**course, **step("other", author="bob"), "continues": "bobs"},  # bob continues bob's
                          {**course, **step("secret", private=True), "continues": "hidden"}]  # private: tells nothing
    w48.totals.tracks += [{**course, **step("wrong", author="bob"), "continues": "late"}]  # not bob's to continue
    w47.totals.untracked += [loose("future")]
    w46.totals.tracks += [{**course, **step("back"), "continues": "future"}]  # a later week is not continued
    (track,) = track_stats([w46, w47, w48])
    assert track["name"] == "Course" and track["first"] == "2026-W46" and track["last"] == "2026-W48"
    assert track["workbooks"] == 8 and track["private"] == 1  # back, first, bobs + second, again, other, secret, wrong
    assert track["hours"] == 6 + 1 + 1 + 7 + 1 + 1 + 1 + 1
    assert track["outcomes"] == {"done": 6, "partial": 1, "private": 1} and track["people"] == ["ada", "bob"]
    assert track_stats([w47, w48])[0]["workbooks"] == 5  # W46 outside the weeks: its workbooks are not counted


def test_a_companys_year_is_read_by_a_process_per_core_with_the_same_numbers(ws, run, new_workbook, monkeypatch):
    """Weeks shared out to forked readers (core.forked) give the numbers one process gives, and keep them in the
    week cache as one process would: the next stats reads them back the same."""
    from ldkit.core import forked

    for week, author in (("2026-W45", "alice"), ("2026-W46", "alice"), ("2026-W46", "bob"), ("2026-W47", "chen"),
                         ("2026-W48", "alice")):
        week_with(ws, run, new_workbook, week, author, outcome=author != "bob")
    run("skip", "--week", "2026-W47", "--author", "alice", "--reason", "on call")
    alone = run("stats", "--until", "2026-W48", "--json").stdout
    shutil.rmtree(ws.cache / "weeks")
    workers = []
    real = forked._fork_worker
    monkeypatch.setattr(forked, "PARALLEL_FROM", 0)
    monkeypatch.setattr(forked, "other_threads", lambda: False)  # as in a command: no thread of an earlier test
    monkeypatch.setattr(forked, "cores", lambda: 2)
    monkeypatch.setattr(forked, "_fork_worker", lambda work, share: workers.append(share) or real(work, share))
    assert run("stats", "--until", "2026-W48", "--json").stdout == alone
    assert workers == [[1, 3]]  # every other week read by the forked reader
    assert sorted(p.name for p in (ws.cache / "weeks").iterdir()) == sorted(
        f"2026-W{n}.all.json" for n in (45, 46, 47, 48))
    assert run("stats", "--until", "2026-W48", "--json").stdout == alone  # read back from what the reader kept
