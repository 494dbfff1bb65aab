"""The page head (CSP, referrer, viewport, styles) is written once: the week's page and the site's pages share it."""
from ldkit.writers.charts import category_bars, scale
from ldkit.writers.environment import TEMPLATES


def test_every_page_template_extends_the_one_base():
    heads = [p.name for p in TEMPLATES.glob("*.j2") if "Content-Security-Policy" in p.read_text()]
    assert heads == ["page_base.html.j2"]
    for name in ("week.html.j2", "site_base.html.j2"):
        assert (TEMPLATES / name).read_text().startswith('{% extends "page_base.html.j2" %}')


def test_the_digest_and_a_site_page_have_the_same_head(ws, run, new_workbook):
    path = new_workbook("blank", "Head", "--week", "2026-W48")
    run("log", "outcome", path, "--summary", "Same head.")
    run("digest", "--week", "2026-W48", "--quiet")
    run("site", "--quiet")

    def head(page):
        text = page.read_text()
        return text[:text.index("<title>")]

    digest = ws.root / "digests" / "2026-W48" / "index.html"
    assert head(digest) == head(ws.root / "site" / "index.html") == head(ws.root / "site" / "people" / "index.html")


def test_bars_scale_against_the_largest():
    assert scale(5, 10, 300) == 150 and scale(3, 0, 300) == 0
    assert [b["width"] for b in category_bars({"a": 4, "b": 1, "c": 0})["bars"]] == [300, 75, 0]
