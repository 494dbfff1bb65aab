"""The file layout is public (README, DESIGN.md): each path rule, defined once in ldkit.core.layout, pinned here."""
from pathlib import Path

from ldkit.core import layout


def test_workbooks_journals_and_digests():
    assert layout.workbook_path(Path("workbooks"), "2026-W48", "ada", "Attention Is All You Need") == \
        Path("workbooks/2026-W48/ada/attention-is-all-you-need.ipynb")
    assert layout.journal_path(Path("w/ada/maml.ipynb")) == Path("w/ada/maml.ldkit.jsonl")
    assert layout.digest_folder(Path("digests"), "2026-W48") / layout.DIGEST_PAGE == Path("digests/2026-W48/index.html")
    assert (layout.DIGEST_MARKDOWN, layout.DIGEST_JSON) == ("digest.md", "digest.json")


def test_site_paths_name_their_index_html_and_link_relatively():
    assert layout.site_week_path("2026-W48") == "weeks/2026-W48/index.html"
    assert layout.site_person_path("Ada L.") == "people/ada-l/index.html"
    assert layout.site_person_feed("ada") == "people/ada/feed.xml"
    assert layout.site_topic_path("paper-reading") == "topics/paper-reading/index.html"
    here = layout.site_week_path("2026-W48")
    assert layout.site_link(here, layout.SITE_INDEX) == "../../index.html"
    assert layout.site_link(here, layout.site_week_path("2026-W47")) == "../2026-W47/index.html"


def test_a_name_with_no_letters_still_gets_a_folder():
    assert layout.url_slug("???").startswith("x-") and layout.url_slug("???") != layout.url_slug("!!!")


def test_a_joined_views_paths_are_said_as_the_team_repositorys_files(tmp_path):
    root = tmp_path / "company"
    view = root / ".ldkit-cache" / "joined" / "workbooks"
    ada = root / "teams" / "robotics" / "workbooks" / "2026-W48" / "ada" / "x.ipynb"
    ada_journal = ada.with_name("x.ldkit.jsonl")
    own = root / "workbooks" / "2026-W48" / "bo" / "y.ipynb"
    sources = layout.Sources(view, {"2026-W48/ada/x.ipynb": ada, "2026-W48/ada/x.ldkit.jsonl": ada_journal,
                                    "2026-W48/bo/y.ipynb": own})
    assert sources.real(view / "2026-W48" / "ada" / "x.ipynb") == ada
    assert sources.real(root / "elsewhere.ipynb") == root / "elsewhere.ipynb"
    text = (f"{view}/2026-W48/ada/x.ipynb: {view}/2026-W48/ada/x.ipynb is not a notebook; "
            f"see .ldkit-cache/joined/workbooks/2026-W48/ada/x.ldkit.jsonl and .ldkit-cache/joined/workbooks/"
            f"2026-W48/bo/y.ipynb")
    assert sources.text(text, root) == (f"{ada}: {ada} is not a notebook; see "
                                        "teams/robotics/workbooks/2026-W48/ada/x.ldkit.jsonl and "
                                        "workbooks/2026-W48/bo/y.ipynb")
    # a path the view does not hold (a folder, a removed file), and text without paths, are left as they are
    for same in (f"{view}/ holds 1 week", ".ldkit-cache/joined/workbooks/2026-W48/zed/z.ipynb: gone", "no paths",
                 ""):
        assert sources.text(same, root) == same
