"""A workbook's papers, one rule (records/papers.workbook_papers): fetched metadata, else the arXiv id, else the DOI
it was started with, else a paper template's title; then its reading list."""
from pathlib import Path
from types import SimpleNamespace

from ldkit.ledger.totals import week_totals
from ldkit.records.papers import workbook_papers


def workbook(identity):
    return SimpleNamespace(author="ada", identity=identity, path=Path("w.ipynb"), id="wb-1",
                           records=SimpleNamespace(plan=None, outcome=None, results={}))


def test_fetched_metadata_wins_then_arxiv_then_doi():
    fetched = {"id": "1803.02999", "title": "On First-Order Meta-Learning", "source": "arxiv"}
    [paper] = workbook_papers({"paper": fetched, "parameters": {"arxiv_id": "9999.00001"}})
    assert (paper.source, paper.id, paper.label) == ("arxiv", "1803.02999", "On First-Order Meta-Learning")
    [paper] = workbook_papers({"parameters": {"arxiv_id": "1803.02999", "doi": "10.1/x"}})
    assert paper.abs_url == "https://arxiv.org/abs/1803.02999" and paper.label == "1803.02999"
    assert workbook_papers({"parameters": {"doi": "10.1000/xyz"}})[0].source == "doi"
    assert workbook_papers({"template": "blank", "paper": {"title": "no id"}, "parameters": {}}) == []
    papers = workbook_papers({"paper": fetched, "papers": [{"id": "10.1/y", "source": "doi"}, "junk", fetched]})
    assert [p.id for p in papers] == ["1803.02999", "10.1/y"]


def test_a_paper_workbook_made_offline_counts_its_paper_too():
    totals = week_totals([workbook({"parameters": {"arxiv_id": "1803.02999"}}),
                          workbook({"paper": {"id": "1706.03762", "title": "Attention", "source": "arxiv"}})])
    assert dict(totals.papers) == {"1803.02999": 1, "Attention": 1}
