"""The digest shows what the notebook shows: maths, figures, tables, code, colours and links, checked element by
element with an HTML parser (the screenshot is in tests/browser/test_fidelity_browser.py)."""
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ldkit.render.markdown import render
from ldkit.render.mathml import math_html, tex_to_mathml
from ldkit.render.media import notebook_anchor
from tests.conftest import snapshot
from tests.fidelity import make_fidelity_workbook, png
from tests.test_digest import assert_inert

WEEK = "2026-W48"
SNAPSHOTS = Path(__file__).with_name("snapshots")


class Tree(HTMLParser):
    """Elements with their attributes and the text directly inside each, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def parse(html: str) -> Tree:
    tree = Tree()
    tree.feed(html)
    return tree


@pytest.fixture
def fidelity(ws, run, new_workbook):
    path = new_workbook("paper", "MAML fidelity", "--week", WEEK)
    other = new_workbook("blank", "Other work", "--week", WEEK, "--author", "bob")
    made = make_fidelity_workbook(path, ws.root)
    run("log", "outcome", path, "--summary", r"Got $\alpha = 0.01$ to work; it cost $5 and $10.", "--hours", "3",
        "--next", r"Try $\beta_2 = 0.99$.")
    return path, other, made


def test_a_paper_workbook_reads_as_it_does_in_jupyterlab(ws, run, fidelity):
    path, other, made = fidelity
    before = snapshot(ws.root / "workbooks")
    result = run("digest", "--week", WEEK, "--quiet", "--rebuild", "--format", "md")
    html = (ws.root / "digests" / WEEK / "index.html").read_text()
    tree = parse(html)
    assert_inert(html)
    text = " ".join(tree.text)

    # maths: every form typeset, none left as TeX, prices and code untouched, one honest fallback
    maths = tree.all("math")
    assert len([m for m in maths if m.get("display") == "block"]) == 6  # $$, \[, align, pmatrix, cases, latex out
    assert len([m for m in maths if m.get("display") != "block"]) >= 4  # summary, next steps, two in the cell
    for raw in (r"$$v_j", r"\frac{1}{N}", r"\begin{align}", r"\nabla_\theta", r"\(", r"\alpha"):
        assert raw not in text, raw
    assert "the GPU cost $5 and $10 a day" in text
    assert "export PATH=$HOME/bin:$PATH" in re.sub(r"<[^>]+>", "", html)
    assert len(tree.all("mtable")) >= 3 and tree.all("mtd", columnalign="right")
    assert "an escaped $ sign" in text
    fallback = tree.all("code", **{"class": "ld-tex"})
    assert len(fallback) == 1 and "could not be typeset" in fallback[0]["title"]
    assert r"$\unknowncommand{x}$" in text
    assert "$\\hat" not in text

    # figures: local, SVG and attachment embedded; the rest said plainly; nothing loads
    images = [a["src"] for a in tree.all("img")]
    assert sum(src.startswith("data:image/png;base64,") for src in images) >= 2  # loss.png, the attachment
    assert any(src.startswith("data:image/svg+xml;base64,") for src in images)
    assert "image: remote figure — example.org/figures/remote.png" in text
    assert [a for a in tree.all("a") if a.get("href") == "https://example.org/figures/remote.png"]
    for reason in ("image not shown: outside (outside the workspace)",
                   "image not shown: through a link (outside the workspace)",
                   "image not shown: not an image (not a PNG, JPEG, GIF, WebP or SVG image)"):
        assert reason in text
    outside_pixels = __import__("base64").b64encode(made["outside"].read_bytes()).decode()
    assert outside_pixels not in html

    # tables, code, colours, links
    frames = tree.all("table", **{"class": "dataframe"})
    assert len(frames) == 3 and sum(1 for f in frames if f.get("style") == "display:inline") == 2
    assert "table.dataframe td { text-align:right;" in html
    classes = {c for _, a in tree.elements for c in a.get("class", "").split()}
    assert {"ansi-red-fg", "ansi-green-fg", "ansi-red-intense-fg", "ansi-green-intense-fg",
            "ansi-blue-intense-fg", "ansi-magenta-intense-fg", "ansi-bold"} <= classes
    from ldkit.render.highlight import stylesheet

    css = html[html.index("<style>"):html.index("</style>")].replace(stylesheet(), "")
    own = {m for m in re.findall(r"\.([A-Za-z][\w-]*)", css) if not m.startswith(("ld-", "ansi-"))}
    assert own <= {"input_area", "output_area", "output_error", "output_stderr", "cell", "dataframe"}, own
    assert '<span class="k">for</span> j <span class="ow">in</span> <span class="nb">range</span>(n):' in html
    anchor = notebook_anchor(str(other.relative_to(ws.root)))
    assert tree.all("a", href=f"#{anchor}") and tree.all("details", id=anchor)
    data_link = [a for a in tree.all("span") if a.get("title") == "a local file: data.csv"]
    assert data_link and not tree.all("a", href="data.csv")
    assert not [a for t, a in tree.elements if t == "a" and "href" not in a]  # nothing looks like a dead link

    # chat text keeps TeX as TeX; the sources were only read
    md = (ws.root / "digests" / WEEK / "digest.md").read_text()
    assert r"Got $\alpha = 0.01$ to work; it cost $5 and $10." in md
    assert "Warning" not in result.stderr and "warn" not in result.stderr.lower()
    assert snapshot(ws.root / "workbooks") == before


def test_a_cold_rebuild_prints_no_library_warning(ws, fidelity):
    done = subprocess.run([sys.executable, "-m", "ldkit", "digest", "--week", WEEK, "--rebuild", "--quiet"],
                          cwd=ws.root, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "default"})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_a_changed_figure_renders_again(ws, run, fidelity):
    path, _, made = fidelity
    run("digest", "--week", WEEK, "--quiet")
    figure = made["figures"] / "loss.png"
    old = __import__("base64").b64encode(figure.read_bytes()).decode()
    figure.write_bytes(png(width=40, rgb=(0, 0, 0)))
    os.utime(figure, ns=(figure.stat().st_atime_ns, figure.stat().st_mtime_ns + 10_000_000))
    run("digest", "--week", WEEK, "--quiet")
    html = (ws.root / "digests" / WEEK / "index.html").read_text()
    assert __import__("base64").b64encode(figure.read_bytes()).decode() in html and old not in html


@pytest.mark.parametrize("text, expected", [
    (r"$a^2$", "<math"),
    (r"\(x\)", "<math"),
    (r"$$x$$", 'display="block"'),
    ("price $5 and $10", "price $5 and $10"),
    ("`$x$`", "<code>$x$</code>"),
    ("```\n$x$\n```", "$x$"),
    (r"\$5", "$5"),
    (r"$\begin{aligned} a &= b \end{aligned}$", "<mtable"),
])
def test_markdown_maths_rules(text, expected):
    assert expected in render(text, escape=True)


@pytest.mark.parametrize("tex", [r"\frac{1}{", r"\unknowncommand x", "", "x" * 6000])
def test_a_formula_that_cannot_be_typeset_shows_its_source(tex):
    assert tex_to_mathml(tex, False) is None
    if tex.strip():
        assert "could not be typeset" in math_html(tex, False)


def test_snapshot_of_a_small_fragment():
    """A mirror file, the way jupytext keeps them: an unintended change of the rendering shows as a diff.
    Refresh it deliberately with LDKIT_UPDATE_SNAPSHOTS=1."""
    from ldkit.render.fragment import render_notebook

    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"language_info": {"name": "python"}}, "cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {},
         "source": "# Small\n\nEuler: $e^{i\\pi} + 1 = 0$, a **bold** word, and $5.\n\n$$\\sum_{k=1}^n k$$"},
        {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": 1, "source": "print(1 + 1)",
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "2\n"}]},
    ]}
    fragment = render_notebook(json.dumps(nb).encode())
    mirror = SNAPSHOTS / "small-fragment.html"
    if os.environ.get("LDKIT_UPDATE_SNAPSHOTS") or not mirror.exists():
        mirror.parent.mkdir(exist_ok=True)
        mirror.write_text(fragment)
    assert fragment == mirror.read_text()
