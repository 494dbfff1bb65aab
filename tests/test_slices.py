"""The site's slices (ldkit.site.slices) and page keys: an incremental build makes again exactly the pages whose
inputs changed, and gives the same bytes as a full rebuild; a broken or foreign slice is only a slower build."""
import json
import re
from pathlib import Path

import pytest

from ldkit.records.schema import make_record
from ldkit.records.workbook import save_record
from tests.test_site import SECRETS, WEEKS, team  # noqa: F401 - the fixture

_MADE_AT = re.compile(rb"Made by ldkit at [^.<]*\.")


def files(folder: Path) -> dict[str, bytes]:
    """Every page's bytes; a week page's "made at" instant (the clock's, when it was made) left out."""
    return {str(p.relative_to(folder)): _MADE_AT.sub(b"", p.read_bytes()) for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".ldkit-site")}


def inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def rebuilt_whole(run, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "whole"
    run("site", "--quiet", "--rebuild", "--out", out)
    return files(out)


def test_a_body_change_makes_again_only_its_week_page(ws, run, team, tmp_path):  # noqa: F811
    run("site", "--quiet")
    site = ws.root / "site"
    before = inodes(site)
    nb = json.loads(team[("alice", "2026-W47")].read_text())
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "One more thought."})
    team[("alice", "2026-W47")].write_text(json.dumps(nb))
    result = run("site", "--quiet")
    assert "(1 made again)" in result.stdout and "(1 rendered)" in result.stdout and "1 file updated" in result.stdout
    after = inodes(site)
    assert {k for k in after if after[k] != before.get(k)} == {"weeks/2026-W47/index.html", ".ldkit-site.json"}
    assert "One more thought." in (site / "weeks/2026-W47/index.html").read_text()
    assert files(site) == rebuilt_whole(run, tmp_path)


@pytest.mark.parametrize("change", ["category", "private"])
def test_a_record_change_makes_again_the_pages_that_show_it_and_they_equal_a_full_rebuild(
        ws, run, team, tmp_path, change):  # noqa: F811
    run("site", "--quiet")
    site = ws.root / "site"
    before, old = inodes(site), files(site)
    path = team[("chen", "2026-W48")]
    if change == "category":
        run("log", "plan", path, "--goal", "Chen's new plan", "--category", "paper-reading")
    else:
        run("log", "plan", path, "--goal", SECRETS[0], "--category", "fundamentals", "--private")
    run("site", "--quiet")
    after, new = inodes(site), files(site)
    made = {k for k in after if after[k] != before.get(k)}
    differ = {k for k in new if new[k] != old.get(k)} | (set(old) - set(new))
    assert differ <= made  # no page that shows the change was left as it was
    # alice's and bob's pages and feeds, and the weeks before, show nothing of it: carried over as they were
    for untouched in ("people/alice/index.html", "people/alice/feed.xml", "people/bob/index.html",
                      "weeks/2026-W46/index.html", "weeks/2026-W47/index.html"):
        assert untouched in after and untouched not in made, untouched
    assert {"weeks/2026-W48/index.html", "people/chen/index.html"} <= differ
    if change == "category":
        assert "topics/paper-reading/index.html" in differ
    else:
        assert not any(SECRETS[0] in page.decode() for page in new.values())
    assert new == rebuilt_whole(run, tmp_path)


def test_a_result_saved_changes_the_papers_pages_like_a_full_rebuild(ws, run, team, tmp_path):  # noqa: F811
    run("site", "--quiet")
    path = team[("alice", "2026-W48")]
    wid = json.loads(path.read_text())["metadata"]["ldkit"]["id"]
    save_record(path, make_record("result", wid, "alice", {"name": "top-10", "paper": 99.0, "mine": 98.9,
                                                           "tolerance": "1%"}))
    run("site", "--quiet")
    assert "top-10" in (ws.root / "site" / "papers" / "index.html").read_text()
    assert files(ws.root / "site") == rebuilt_whole(run, tmp_path)


def test_broken_or_foreign_slices_are_only_a_slower_build(ws, run, team, tmp_path):  # noqa: F811
    run("site", "--quiet")
    kept = sorted((ws.root / ".ldkit-cache" / "site").rglob("*.json"))
    assert kept
    for n, path in enumerate(kept):  # garbage, another version, a wrong type where a list belongs
        data = json.loads(path.read_text())
        path.write_text(["{not json", json.dumps({**data, "version": 99}),
                         json.dumps({**data, "authors": 3, "entries": {"x": 1}})][n % 3])
    nb = json.loads(team[("alice", "2026-W46")].read_text())
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "Later."})
    team[("alice", "2026-W46")].write_text(json.dumps(nb))
    run("site", "--quiet")
    assert files(ws.root / "site") == rebuilt_whole(run, tmp_path)


def test_a_week_whose_numbers_went_missing_is_read_again_when_a_page_needs_them(ws, run, team, tmp_path):  # noqa: F811
    """A week's numbers are read only when a page asks (a site with one workbook changed needs no other week's):
    one whose file is gone, or damaged, is counted again from its workbooks, never shown wrong."""
    run("site", "--quiet")
    kept = ws.root / ".ldkit-cache" / "site" / "v2"
    (kept / "2026-W46.data.json").unlink()
    (kept / "2026-W47.data.json").write_text("{not json")
    for mark in kept.glob("*.recent-print.json"):
        mark.unlink()  # the streaks are counted again: over every week's numbers
    run("log", "plan", team[("chen", "2026-W48")], "--goal", "Chen's new plan", "--category", "paper-reading")
    run("site", "--quiet")
    assert files(ws.root / "site") == rebuilt_whole(run, tmp_path)
    assert "paper-reading" in (ws.root / "site" / "index.html").read_text()
    for week in ("2026-W46", "2026-W47"):  # counted again, and kept again for the next build
        assert json.loads((kept / f"{week}.data.json").read_text())["version"] == 2


def test_the_kept_previous_site_is_built_into_and_nothing_stale_of_it_is_published(ws, run, team, tmp_path):  # noqa: F811
    run("site", "--quiet")
    run("log", "outcome", team[("chen", "2026-W47")], "--summary", "Chen wrote one.", "--hours", "1")
    run("site", "--quiet")
    run("site", "--quiet", "--rebuild")  # now the first site is kept, to be built into next
    spares = list((ws.root / ".ldkit-cache").glob("site-spare-*"))
    assert len(spares) == 1 and (spares[0] / "index.html").is_file()  # the previous site, kept
    ghost = spares[0] / "people" / "ghost" / "index.html"
    ghost.parent.mkdir(parents=True)
    ghost.write_text("stale")
    stale = spares[0] / "people" / "alice" / "index.html"
    stale.unlink()  # replaced, never written into: it may be a link to the live site's page
    stale.write_text("stale")
    run("log", "outcome", team[("chen", "2026-W48")], "--summary", "And another.", "--hours", "1")
    run("site", "--quiet")
    site = ws.root / "site"
    assert not (site / "people" / "ghost").exists()
    assert files(site) == rebuilt_whole(run, tmp_path)
    assert not [p for p in ws.root.iterdir() if "ldkit-staging" in p.name]


def test_a_first_site_is_kept_as_links_and_the_next_build_never_writes_into_them(ws, run, team, tmp_path):  # noqa: F811
    """After a first build the kept site is the new one in hard links (its folders made, no bytes copied), so the
    first change builds into it as every later one does; and a page made again replaces its link, never writes
    through it: the live site holds the old page until the swap."""
    run("site", "--quiet")
    site = ws.root / "site"
    spares = list((ws.root / ".ldkit-cache").glob("site-spare-*"))
    assert len(spares) == 1 and inodes(spares[0]) == inodes(site) and inodes(site)
    week_page = Path("weeks") / "2026-W47" / "index.html"
    old = (site / week_page).read_bytes()
    nb = json.loads(team[("alice", "2026-W47")].read_text())
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "Thought Q7X."})
    team[("alice", "2026-W47")].write_text(json.dumps(nb))
    run("site", "--quiet")
    assert b"Thought Q7X." in (site / week_page).read_bytes()
    assert (spares[0] / week_page).read_bytes() == old  # the previous site, not written through
    assert files(site) == rebuilt_whole(run, tmp_path)


def test_an_entry_goes_to_json_as_asdict_would_and_comes_back_the_same():
    from dataclasses import asdict

    from ldkit.model.history import Entry
    from ldkit.model.week import Outcome, Paper, Plan, Result, WorkbookView
    from ldkit.site.slices import digest_of, entry_dict, entry_from

    paper = Paper("A paper", ["Ada"], "https://arxiv.org/abs/1", "1", "arxiv", "arxiv:1")
    view = WorkbookView(anchor="a", id="i", title="t", template="paper", path="p.ipynb", week="2026-W48",
                        paper=paper, papers=[paper], plan=Plan("g", "tutorial", ["r"], 2.0, "s"), plan_private=False,
                        outcome=Outcome("s", "done", 1.0, ["l"], "n", [{"item": "x", "amount": 1}], "t"),
                        outcome_private=False, results=[Result("top-1", 1.0, 2.0, "1%", "", "", True, True, "ok")],
                        tally={"text": "1 of 1"})
    entry = Entry("alice", "2026-W48", view, "Alice")
    raw = json.loads(json.dumps(entry_dict(entry)))
    assert raw == json.loads(json.dumps({"author": "alice", "week": "2026-W48", "name": "Alice", "view": asdict(view)}))
    back = entry_from(raw, digest_of(raw))
    assert back.view == view and (back.author, back.week, back.name) == ("alice", "2026-W48", "Alice")


def test_a_renamed_member_is_renamed_on_the_week_pages_too(ws, run, team, tmp_path):  # noqa: F811
    """A week page names its members (the roster's names): a roster edit makes it again, as a full rebuild would."""
    run("site", "--quiet")
    run("team", "add", "alice", "--name", "Alice Renamed-Q7")
    run("site", "--quiet")
    assert "Alice Renamed-Q7" in (ws.root / "site" / "weeks" / "2026-W47" / "index.html").read_text()
    assert files(ws.root / "site") == rebuilt_whole(run, tmp_path)


def test_a_change_before_since_reaches_the_health_section(ws, run, team, new_workbook, tmp_path):  # noqa: F811
    """`site --since` still shows the health of the 8 learning days up to its last week: a week before --since
    that changes must make the index again, though no week of the site changed."""
    first, last = WEEKS[1], WEEKS[-1]
    run("site", "--quiet", "--since", first, "--until", last)
    before = (ws.root / "site" / "index.html").read_text()
    early = new_workbook("blank", "Early bird", "--week", WEEKS[0], "--author", "carol")
    run("log", "outcome", early, "--summary", "s", "--hours", "1", "--pulled-into-work", "most")
    run("site", "--quiet", "--since", first, "--until", last)
    after = (ws.root / "site" / "index.html").read_text()
    assert after != before
    out = tmp_path / "whole"
    run("site", "--quiet", "--rebuild", "--since", first, "--until", last, "--out", out)
    assert _MADE_AT.sub(b"", after.encode()) == _MADE_AT.sub(b"", (out / "index.html").read_bytes())


def test_a_link_planted_in_the_kept_site_takes_no_page_out_of_the_site(ws, run, team, tmp_path):  # noqa: F811
    """The previous site kept in the cache is the next build's staging; a link planted in it (the cache is any
    user's to write) must not carry pages elsewhere: the build starts from a new folder instead."""
    run("site", "--quiet")
    run("site", "--quiet", "--rebuild")  # now the first site is kept, to be built into next
    spares = list((ws.root / ".ldkit-cache").glob("site-spare-*"))
    assert len(spares) == 1 and (spares[0] / "people").is_dir()
    victim = tmp_path / "victim"
    victim.mkdir()
    import shutil

    shutil.rmtree(spares[0] / "people")
    (spares[0] / "people").symlink_to(victim, target_is_directory=True)
    run("site", "--quiet", "--rebuild")
    assert list(victim.iterdir()) == []
    site = ws.root / "site"
    assert not (site / "people").is_symlink() and (site / "people" / "alice" / "index.html").is_file()
    assert files(site) == rebuilt_whole(run, tmp_path)
