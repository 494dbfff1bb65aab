"""ldkit.render.sanitize's parking: a figure's base64 is moved out of the way of every pass (localise's and the
sanitizer's) and put back after, byte for byte — whether nbconvert wrote it (an output) or localise embedded it
(a local image) — and a placeholder a notebook wrote itself puts back nothing it did not name."""
import base64
import json

from ldkit.render.fragment import render_notebook
from ldkit.render.media import Place, localise
from ldkit.render.sanitize import PARKED_FROM, park, sanitize

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def notebook(*cells) -> bytes:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": list(cells)}).encode()


def test_a_page_with_parked_figures_is_the_page_without(tmp_path):
    (tmp_path / "figure.png").write_bytes(PNG)
    output = base64.b64encode(PNG[::-1]).decode()
    raw = notebook(
        {"cell_type": "markdown", "metadata": {}, "source": "A figure: ![plot](figure.png) and [a file](data.csv)"},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "plot()",
         "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": output}}]})
    place = Place(tmp_path, tmp_path)
    page = render_notebook(raw, place=place)
    assert base64.b64encode(PNG).decode() in page and output in page
    assert "ld-parked" not in page

    # the same passes with nothing parked: the same bytes
    import nbformat

    from ldkit.render.fragment import _get_exporter, prepare
    from ldkit.render.jupyter import rejoin_lines

    node = nbformat.from_dict(json.loads(raw))
    rejoin_lines(node)
    prepare(node)
    html, _ = _get_exporter().from_notebook_node(node)
    assert sanitize(localise(html, place)) == page


def test_only_long_payloads_are_parked():
    short, long = "A" * (PARKED_FROM - 4), "B" * PARKED_FROM
    parked: list[str] = []
    written = f'<img src="data:image/png;base64,{short}"><img src="data:image/png;base64,{long}">'
    html = park(written, parked)
    assert parked == [long] and short in html and long not in html
    assert sanitize(html, parked) == written


def test_a_placeholder_a_notebook_wrote_puts_back_nothing_it_did_not_name():
    written = ('<img src="data:image/png;base64,ld-parked-7">'
               '<img src="data:image/png;base64,' + "C" * PARKED_FROM + '">')
    clean = sanitize(written)
    assert "ld-parked-7" in clean  # no payload 7: a broken image, not a crash or another's pixels
    assert "C" * PARKED_FROM in clean
    assert "<script" not in sanitize('<img src="data:image/png;base64,ld-parked-0"><script>alert(1)</script>')
