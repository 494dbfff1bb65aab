"""A workbook's paper, one rule: fetched metadata, else the arXiv id, else the DOI it was started with."""
from pathlib import Path
from types import SimpleNamespace

from ldkit.ledger.totals import week_totals
from ldkit.records.papers import paper_of, papers_of


def workbook(identity):
    return SimpleNamespace(author="ada", identity=identity, path=Path("w.ipynb"),
                           records=SimpleNamespace(plan=None, outcome=None, results={}))


def test_fetched_metadata_wins_then_arxiv_then_doi():
    fetched = {"id": "1803.02999", "title": "On First-Order Meta-Learning", "source": "arxiv"}
    assert paper_of({"paper": fetched, "parameters": {"arxiv_id": "9999.00001"}}) == fetched
    assert paper_of({"parameters": {"arxiv_id": "1803.02999", "doi": "10.1/x"}})["abs_url"] == \
        "https://arxiv.org/abs/1803.02999"
    assert paper_of({"parameters": {"doi": "10.1000/xyz"}})["source"] == "doi"
    assert paper_of({"paper": {"title": "no id"}, "parameters": {}}) is None
    assert [p["id"] for p in papers_of({"paper": fetched, "papers": [{"id": "10.1/y"}, "junk"]})] == \
        ["1803.02999", "10.1/y"]


def test_a_paper_workbook_made_offline_counts_its_paper_too():
    totals = week_totals([workbook({"parameters": {"arxiv_id": "1803.02999"}}),
                          workbook({"paper": {"id": "1706.03762", "title": "Attention"}})])
    assert dict(totals.papers) == {"1803.02999": 1, "Attention": 1}
