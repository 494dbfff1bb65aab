"""Hostile content for the digest tests: every payload would set window.__canary or open a dialog if it ran."""
from __future__ import annotations

import base64
import json
from pathlib import Path

from ldkit.records.notebook import MIME
from ldkit.records.schema import make_record
from ldkit.records.workbook import dump_notebook, save_record

PAYLOADS = [
    "<script>window.__canary = 'script'; alert(1)</script>",
    "<img src=x onerror=\"window.__canary = 'img'; alert(2)\">",
    "[click me](javascript:window.__canary='link')",
    "<svg onload=\"window.__canary = 'svg'\"><circle r=5 /></svg>",
    "</title><script>window.__canary = 'title'</script>",
    "{{ 7*7 }} {% raw %}",
    "<iframe src=\"javascript:parent.__canary='iframe'\"></iframe>",
    "<a href=\"data:text/html,<script>alert(3)</script>\">data link</a>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(4)\">",
    "<form action=\"https://example.org\"><button>go</button></form>",
]
SUMMARY = "Learned **hostile** things. " + " ".join(PAYLOADS)
EVIL_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__canary=\'svg-output\'">'
            '<script>window.__canary=\'svg-script\'</script><circle cx="5" cy="5" r="4"/></svg>')


def hostile_outputs() -> list[dict]:
    return [
        {"output_type": "display_data", "metadata": {}, "data": {
            "text/html": "<p>table</p><script>window.__canary='html-output'</script>"
                         "<iframe src='https://example.org'></iframe><img src=x onerror=\"window.__canary='o'\">",
            "text/plain": "html"}},
        {"output_type": "display_data", "metadata": {}, "data": {
            "application/javascript": "window.__canary='js-output'; alert(5)"}},
        {"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": EVIL_SVG}},
        {"output_type": "display_data", "metadata": {}, "data": {
            "text/vnd.mermaid": "graph TD; A-->B </pre><img src=x onerror=\"window.__canary='mermaid'\">",
            "text/plain": "mermaid"}},
        {"output_type": "display_data", "metadata": {}, "data": {
            "image/png": base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode()}},
    ]


def make_hostile(path: Path, author_text: str = "<img src=x onerror=alert(6)>") -> None:
    """Poison a workbook made by `ldkit new`: title, author, outputs, and plan/outcome records."""
    nb = json.loads(path.read_text())
    ident = nb["metadata"]["ldkit"]
    ident["title"] = "</title><script>window.__canary='page-title'</script> {{ 7*7 }}"
    ident["author"] = author_text
    code = next(c for c in nb["cells"] if c["cell_type"] == "code" and not c["metadata"].get("tags"))
    code["outputs"] = hostile_outputs()
    nb["cells"].append({"cell_type": "markdown", "id": "evil-md", "metadata": {},
                        "source": "## Notes\n\n" + "\n\n".join(PAYLOADS)})
    path.write_text(dump_notebook(nb))
    wid = ident["id"]
    save_record(path, make_record("plan", wid, author_text, {
        "goal": "Plan " + PAYLOADS[1], "category": "other", "resources": ["javascript:alert(7)", "https://ok.example"],
        "planned_hours": 2, "visibility": "team"}))
    save_record(path, make_record("outcome", wid, author_text, {
        "summary": SUMMARY, "status": "done", "hours": 2, "links": ["javascript:alert(8)"],
        "next_steps": PAYLOADS[0], "expenses": [{"item": PAYLOADS[1], "amount": 3, "currency": "EUR"}],
        "visibility": "team"}))


def record_output(record: dict) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {MIME: record, "text/markdown": "card"}}
