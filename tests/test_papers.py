import json
import time
from pathlib import Path

import mistune
import pytest

from ldkit.core.errors import InputError
from ldkit.workbook.papers import PaperFetchError, PaperRef, fetch, paper_markdown, parse_paper_id
from tests.conftest import snapshot
from tests.fakeserver import Reply, fixture


@pytest.mark.parametrize("text, ref", [
    ("1803.02999", PaperRef("arxiv", "1803.02999")),
    ("1803.02999v2", PaperRef("arxiv", "1803.02999", "v2")),
    ("arXiv:1803.02999", PaperRef("arxiv", "1803.02999")),
    ("https://arxiv.org/abs/1803.02999v3", PaperRef("arxiv", "1803.02999", "v3")),
    ("https://arxiv.org/pdf/1803.02999.pdf", PaperRef("arxiv", "1803.02999")),
    ("http://arxiv.org/pdf/1803.02999v1", PaperRef("arxiv", "1803.02999", "v1")),
    ("hep-th/9901001", PaperRef("arxiv", "hep-th/9901001")),
    ("math.GT/0309136", PaperRef("arxiv", "math.GT/0309136")),
    ("0704.0001", PaperRef("arxiv", "0704.0001")),
    ("10.1038/nature14539", PaperRef("doi", "10.1038/nature14539")),
    ("https://doi.org/10.1038/nature14539", PaperRef("doi", "10.1038/nature14539")),
    ("doi:10.1038/nature14539", PaperRef("doi", "10.1038/nature14539")),
    ("10.48550/arXiv.1803.02999", PaperRef("arxiv", "1803.02999")),
])
def test_every_form_a_learner_pastes(text, ref):
    assert parse_paper_id(text) == ref


@pytest.mark.parametrize("text, message", [
    ("1803.0299", "ids from 2015 on have 5 digits"),
    ("1403.02999", "ids from before 2015 have 4 digits"),
    ("1813.02999", "not a year and month"),
    ("abc", "'abc' is not an arXiv id"),
    ("10.abc/x", "is not a DOI"),
])
def test_malformed_ids(text, message):
    with pytest.raises(InputError) as info:
        parse_paper_id(text)
    assert message in str(info.value) and "1803.02999" in str(info.value)


def test_new_paper_from_arxiv(ws, run, paper_services):
    made = json.loads(run("new", "paper", "--arxiv", "1803.02999", "--json").stdout)
    assert made["title"] == "On First-Order Meta-Learning Algorithms"
    nb = json.loads(Path(made["path"]).read_text())
    paper = nb["metadata"]["ldkit"]["paper"]
    assert paper["authors"] == ["Alex Nichol", "Joshua Achiam", "John Schulman"]
    assert paper["published"] == "2018-03-08" and paper["categories"] == ["cs.LG"]
    assert paper["pdf_url"] == "https://arxiv.org/pdf/1803.02999v3" and paper["abstract"].startswith("This paper")
    bib = paper["bibtex"]
    assert bib.startswith("@misc{nichol2018first") and "eprint = {1803.02999}" in bib
    assert "archivePrefix = {arXiv}" in bib and "primaryClass = {cs.LG}" in bib
    cells = {c["id"]: "".join(c["source"]) for c in nb["cells"]}
    assert cells["paper"].startswith("## Paper: On First-Order Meta-Learning Algorithms")
    assert "Alex Nichol, Joshua Achiam, John Schulman" in cells["paper"]
    assert "```bibtex\n@misc{nichol2018first" in cells["references"]
    assert nb["metadata"]["ldkit"]["parameters"]["arxiv_id"] == "1803.02999"
    header = "".join(nb["cells"][0]["source"])
    assert "**Paper:** [On First-Order Meta-Learning Algorithms](<https://arxiv.org/abs/1803.02999v3>)" in header
    assert "Alex Nichol, Joshua Achiam, John Schulman · 2018" in header


def test_the_same_paper_twice_makes_one_request(ws, run, paper_services):
    run("new", "paper", "--arxiv", "1803.02999")
    run("new", "paper", "--arxiv", "arXiv:1803.02999", "--title", "Second go")
    assert len([r for r in paper_services.requests if r.path == "/api/query"]) == 1


def test_url_forms_and_title_override(ws, run, paper_services):
    made = json.loads(run("new", "paper", "--url", "https://arxiv.org/abs/1803.02999", "--title", "Reptile",
                          "--json").stdout)
    assert made["title"] == "Reptile" and made["path"].endswith("reptile.ipynb")


def test_new_paper_from_a_doi(ws, run, paper_services):
    made = json.loads(run("new", "paper", "--doi", "10.1038/nature14539", "--json").stdout)
    nb = json.loads(Path(made["path"]).read_text())
    paper = nb["metadata"]["ldkit"]["paper"]
    assert made["title"] == "Deep learning" and paper["authors"][0] == "Yann LeCun"
    assert paper["published"] == "2015-05-27" and paper["venue"] == "Nature"
    assert paper["bibtex"].startswith("@article{LeCun_2015")
    accepts = [r.headers.get("Accept") for r in paper_services.requests]
    assert accepts == ["application/vnd.citationstyles.csl+json", "application/x-bibtex"]


def _new_with_failure(run, ws, *args):
    result = run("new", "paper", *args, "--title", "Offline", "--json")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("ldkit: warning")]
    assert len(warnings) == 1
    nb = json.loads(Path(json.loads(result.stdout)["path"]).read_text())
    return warnings[0], nb


def test_offline_still_makes_the_workbook(ws, run, monkeypatch, tmp_path):
    monkeypatch.setenv("LDKIT_ARXIV_API", "http://127.0.0.1:9/api/query")  # nothing listens on port 9
    monkeypatch.setenv("LDKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LDKIT_ARXIV_INTERVAL", "0")
    warning, nb = _new_with_failure(run, ws, "--arxiv", "1803.02999")
    assert "cannot reach arXiv" in warning and "offline" in warning
    paper = nb["metadata"]["ldkit"]["paper"]
    assert paper["abs_url"] == "https://arxiv.org/abs/1803.02999" and paper["missing"]
    cell = next("".join(c["source"]) for c in nb["cells"] if c["id"] == "paper")
    assert "*not fetched*" in cell and "https://arxiv.org/pdf/1803.02999" in cell


@pytest.mark.parametrize("replies, message", [
    ([Reply(status=500)], "arXiv answered HTTP 500 twice"),
    ([Reply(status=503, headers={"Retry-After": "3600"})], "not waiting that long"),
    ([Reply(body=fixture("arxiv-1803.02999.xml"), drip=2.0)], "did not answer within 1 s"),
    ([Reply(body=b"<html><body>Service page</body></html>", headers={"Content-Type": "text/html"})],
     "not an Atom feed"),
    ([Reply(body=fixture("arxiv-1803.02999.xml")[:700])], "not valid XML"),
    ([Reply(body=lambda: b"x" * (50 * 1024 * 1024))], "refused (the limit is"),
    ([Reply(body=b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                 b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol2;</title></feed>')],
     "declares XML entities"),
    ([Reply(delay=30)], "did not answer within 1 s"),
])
def test_failing_arxiv_is_one_warning_and_exit_0(ws, run, paper_services, monkeypatch, replies, message):
    monkeypatch.setenv("LDKIT_NET_TIMEOUT", "1")
    paper_services.arxiv["1803.02999"] = replies
    started = time.time()
    warning, nb = _new_with_failure(run, ws, "--arxiv", "1803.02999")
    assert message in warning, warning
    assert nb["metadata"]["ldkit"]["paper"]["missing"]
    assert time.time() - started < 15


@pytest.mark.parametrize("reply, message", [
    (Reply(body=fixture("arxiv-1803.02999.xml"), drip=2.0), "did not answer within 10 s"),
    (Reply(status=429, headers={"Retry-After": "3600"}), "not waiting that long"),
])
def test_a_dripping_or_stalling_server_cannot_hold_new_paper(ws, run, paper_services, monkeypatch, reply, message):
    """The default whole-request deadline: one byte every 2 s, or Retry-After: 3600, still ends within 15 s."""
    monkeypatch.delenv("LDKIT_NET_TIMEOUT")
    paper_services.arxiv["1803.02999"] = [reply]
    started = time.monotonic()
    warning, nb = _new_with_failure(run, ws, "--arxiv", "1803.02999")
    assert time.monotonic() - started <= 15
    assert message in warning and nb["metadata"]["ldkit"]["paper"]["missing"]
    started = time.monotonic()
    result = run("paper", "1803.02999", code=1)
    assert time.monotonic() - started <= 15 and message in result.stderr and "Traceback" not in result.stderr


def test_429_then_200_honours_retry_after(ws, run, paper_services):
    paper_services.arxiv["1803.02999"] = [Reply(status=429, headers={"Retry-After": "1"}),
                                          Reply(body=fixture("arxiv-1803.02999.xml"))]
    made = json.loads(run("new", "paper", "--arxiv", "1803.02999", "--json").stdout)
    assert made["title"] == "On First-Order Meta-Learning Algorithms"
    first, second = [r.at for r in paper_services.requests]
    assert second - first >= 1.0


@pytest.mark.parametrize("paper_id, message", [
    ("9912.12345", "arXiv does not know the paper 9912.12345"),
    ("2612.99999", "incorrect id format"),
])
def test_unknown_arxiv_ids(paper_services, paper_id, message):
    with pytest.raises(PaperFetchError, match=message):
        fetch(parse_paper_id(paper_id))


def test_doi_404(ws, run, paper_services):
    warning, nb = _new_with_failure(run, ws, "--doi", "10.9999/nothing")
    assert "does not know 10.9999/nothing (HTTP 404)" in warning
    assert nb["metadata"]["ldkit"]["paper"]["abs_url"] == "https://doi.org/10.9999/nothing"


def test_arxiv_requests_are_spaced(paper_services, monkeypatch):
    monkeypatch.setenv("LDKIT_ARXIV_INTERVAL", "1")
    fetch(parse_paper_id("1803.02999"))
    fetch(parse_paper_id("2101.00001"))
    first, second = [r.at for r in paper_services.requests]
    assert second - first >= 0.95


def test_bad_id_writes_nothing_and_asks_nothing(ws, run, paper_services):
    before = snapshot(ws.root)
    result = run("new", "paper", "--arxiv", "1803.0299", code=2)
    assert "5 digits" in result.stderr
    result = run("new", "reading", "-p", "papers", "1803.02999,abc", code=2)
    assert "'abc' is not an arXiv id" in result.stderr
    assert snapshot(ws.root) == before and paper_services.requests == []


def test_latex_and_unicode_render_as_themselves(paper_services):
    meta = fetch(parse_paper_id("2101.00001"))
    assert meta["title"].startswith("Sorting in $O(n \\log n)$") and meta["authors"][0] == "Zoë Ångström"
    page = mistune.html(paper_markdown(meta))
    assert "$O(n \\log n)$" in page and "*stars*" in page and "_under_scores_" in page
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert "Ünïcødé — 注意" in page


def test_paper_command(paper_services, run):
    text = run("paper", "1803.02999").stdout
    assert "On First-Order Meta-Learning Algorithms" in text and "Alex Nichol" in text
    assert run("paper", "1803.02999", "--bibtex").stdout.startswith("@misc{")
    assert json.loads(run("paper", "10.1038/nature14539", "--json").stdout)["title"] == "Deep learning"
    assert "not an arXiv id" in run("paper", "abc", code=2).stderr
    failing = run("paper", "9912.12345", code=1)
    assert "arXiv does not know the paper 9912.12345" in failing.stderr and "Traceback" not in failing.stderr


def test_reading_list(ws, run, paper_services):
    made = json.loads(run("new", "reading", "--title", "Meta-learning", "-p", "papers",
                          "1803.02999, 2101.00001", "--json").stdout)
    nb = json.loads(Path(made["path"]).read_text())
    ids = [c["id"] for c in nb["cells"]]
    assert ids.index("paper-1") < ids.index("paper-1-notes") < ids.index("paper-2") < ids.index("summary")
    assert "notes" not in ids
    assert [p["id"] for p in nb["metadata"]["ldkit"]["papers"]] == ["1803.02999", "2101.00001"]
    assert "Open questions" in "".join(nb["cells"][ids.index("paper-2-notes")]["source"])


def test_tutorial_source(ws, run):
    made = json.loads(run("new", "tutorial", "--title", "JAX *basics*", "--url", "https://example.org/jax",
                          "--json").stdout)
    nb = json.loads(Path(made["path"]).read_text())
    source = next("".join(c["source"]) for c in nb["cells"] if c["id"] == "source")
    assert source == "## Source\n\n[JAX \\*basics\\*](<https://example.org/jax>)"


def test_plan_form_is_preset_for_the_paper(ws, run, paper_services):
    from ldkit.notebook.forms import PlanForm
    from ldkit.records.workbook import load_workbook

    path = Path(json.loads(run("new", "paper", "--arxiv", "1803.02999", "--json").stdout)["path"])
    form = PlanForm(path, workbook=load_workbook(path), settings=ws.settings)
    assert form.fields["Category"].value == "paper-reimplementation"
    assert form.fields["Resources"].value == \
        "On First-Order Meta-Learning Algorithms — https://arxiv.org/abs/1803.02999v3"


def test_an_answer_about_another_paper_is_refused(ws, run, paper_services):
    paper_services.arxiv["1803.02998"] = [Reply(body=fixture("arxiv-1803.02999.xml"))]
    result = run("paper", "1803.02998", code=1)
    assert "answered with the paper 1803.02999v3 when asked for 1803.02998" in result.stderr
    assert "On First-Order" not in result.stdout
    warning, nb = _new_with_failure(run, ws, "--arxiv", "1803.02998")
    assert "asked for 1803.02998" in warning and nb["metadata"]["ldkit"]["paper"]["missing"]


def test_a_doi_answer_about_another_doi_is_refused(ws, run, paper_services):
    paper_services.doi["10.1000/other"] = paper_services.doi["10.1038/nature14539"]
    result = run("paper", "10.1000/other", code=1)
    assert "answered with 10.1038/nature14539 when asked for 10.1000/other" in result.stderr


def _offline(monkeypatch, tmp_path):
    monkeypatch.setenv("LDKIT_ARXIV_API", "http://127.0.0.1:9/api/query")  # nothing listens on port 9
    monkeypatch.setenv("LDKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LDKIT_ARXIV_INTERVAL", "0")


def test_offline_papers_are_named_by_their_id_and_do_not_collide(ws, run, monkeypatch, tmp_path):
    _offline(monkeypatch, tmp_path)
    first = json.loads(run("new", "paper", "--arxiv", "1803.02999", "--json").stdout)
    second = json.loads(run("new", "paper", "--arxiv", "1703.03400", "--json").stdout)
    assert Path(first["path"]).name == "1803-02999.ipynb" and Path(second["path"]).name == "1703-03400.ipynb"


def test_p_arxiv_id_fetches_as_arxiv_does(ws, run, paper_services):
    made = json.loads(run("new", "paper", "-p", "arxiv_id", "arXiv:1803.02999", "--json").stdout)
    nb = json.loads(Path(made["path"]).read_text())
    assert made["title"] == "On First-Order Meta-Learning Algorithms"
    assert nb["metadata"]["ldkit"]["paper"]["authors"][0] == "Alex Nichol"
    assert nb["metadata"]["ldkit"]["parameters"]["arxiv_id"] == "1803.02999"


def test_refresh_fills_an_offline_workbook_and_keeps_every_record(ws, run, paper_services, monkeypatch):
    from ldkit.records.workbook import load_workbook

    api = paper_services.url + "/api/query"
    monkeypatch.setenv("LDKIT_ARXIV_API", "http://127.0.0.1:9/api/query")
    path = Path(json.loads(run("new", "paper", "--arxiv", "1803.02999", "--json").stdout)["path"])
    run("log", "plan", path, "--goal", "Reimplement Reptile", "--category", "paper-reimplementation")
    nb = json.loads(path.read_text())
    mine = {"cell_type": "markdown", "id": "mine", "metadata": {}, "source": "My own notes"}
    nb["cells"].insert(3, mine)
    path.write_text(json.dumps(nb))
    failing = run("paper", "--refresh", path, code=1)
    assert "arXiv" in failing.stderr and json.loads(path.read_text())["cells"][3] == mine  # nothing changed
    monkeypatch.setenv("LDKIT_ARXIV_API", api)
    run("paper", "--refresh", path)
    nb = json.loads(path.read_text())
    paper = nb["metadata"]["ldkit"]["paper"]
    assert paper["title"] == "On First-Order Meta-Learning Algorithms" and "missing" not in paper
    assert paper["abstract"].startswith("This paper") and paper["bibtex"].startswith("@misc{nichol2018first")
    cells = {c["id"]: "".join(c["source"]) for c in nb["cells"]}
    assert cells["paper"].startswith("## Paper: On First-Order Meta-Learning Algorithms")
    assert "```bibtex\n@misc{nichol2018first" in cells["references"] and cells["mine"] == "My own notes"
    assert nb["metadata"]["ldkit"]["title"] == "On First-Order Meta-Learning Algorithms"
    assert cells[nb["cells"][0]["id"]].startswith("# On First-Order Meta-Learning Algorithms\n")
    assert load_workbook(path).records.plan["data"]["goal"] == "Reimplement Reptile"
    assert path.name == "1803-02999.ipynb"  # the file keeps its name


def test_refresh_a_workbook_without_an_id(ws, run, paper_services):
    path = Path(json.loads(run("new", "paper", "--title", "Reptile", "--json").stdout)["path"])
    before = path.read_bytes()
    result = run("paper", "--refresh", path, code=2)
    assert "has no paper id" in result.stderr and path.read_bytes() == before
    assert "is a workbook, not a paper id" in run("paper", path, code=2).stderr
    assert not paper_services.requests


def test_refresh_a_reading_list(ws, run, paper_services, monkeypatch):
    api = paper_services.url + "/api/query"
    monkeypatch.setenv("LDKIT_ARXIV_API", "http://127.0.0.1:9/api/query")
    path = Path(json.loads(run("new", "reading", "--title", "Meta", "-p", "papers", "1803.02999",
                               "--json").stdout)["path"])
    monkeypatch.setenv("LDKIT_ARXIV_API", api)
    run("paper", "--refresh", path)
    nb = json.loads(path.read_text())
    assert nb["metadata"]["ldkit"]["papers"][0]["title"] == "On First-Order Meta-Learning Algorithms"
    assert "### Paper: On First-Order" in next("".join(c["source"]) for c in nb["cells"] if c["id"] == "paper-1")


def test_the_papers_log_has_every_paper_with_its_title(ws, run, paper_services, monkeypatch, clock):
    """A --title-only paper workbook and each reading-list paper are in the log; an id whose metadata is cached
    is headed by its title."""
    from ldkit.site.build import build_site

    clock.at("2026-12-03T10:00:00Z", tz="Europe/Berlin")
    run("new", "paper", "--title", "Neural ODEs by hand")
    run("paper", "1803.02999")  # cached from now on
    monkeypatch.setenv("LDKIT_ARXIV_API", "http://127.0.0.1:9/api/query")
    run("new", "reading", "--title", "Meta", "-p", "papers", "1803.02999,1703.03400")
    run("new", "paper", "--arxiv", "1703.03400")
    for path in sorted(ws.workbooks.rglob("*.ipynb")):
        run("log", "outcome", path, "--summary", "Read it.", "--status", "done")
    build_site(ws, ws.root / "site")
    page = (ws.root / "site" / "papers" / "index.html").read_text()
    assert "Neural ODEs by hand" in page and "On First-Order Meta-Learning Algorithms" in page
    assert "1703.03400" in page
    assert page.count("<article") == 3  # the --title paper, 1803.02999 (reading list), 1703.03400 (both workbooks)
    assert page.count(": Meta (done)") == 2  # the reading list under each of its papers
