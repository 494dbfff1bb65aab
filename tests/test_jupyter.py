"""The Jupyter internals ldkit relies on (ldkit/render/jupyter.py), checked against the installed, pinned versions.

When an upgrade breaks one of these, this file says which private name moved before a digest renders wrongly.
"""
import inspect
from importlib.metadata import version

import pytest

from ldkit.render import jupyter


def major_minor(package):
    return tuple(int(part) for part in version(package).split(".")[:2])


@pytest.mark.parametrize("package", sorted(jupyter.PINS))
def test_installed_versions_are_inside_the_pins(package):
    low, high = jupyter.PINS[package]
    assert low <= major_minor(package)[0] < high, (package, version(package))


def test_the_pins_in_pyproject_say_the_same():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    for package, (_, high) in jupyter.PINS.items():
        assert re.search(rf'"{package}>=[\d.]+,<{high}"', text), package


def test_the_exporter_internals_are_there():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    assert callable(HTMLExporter._init_resources)
    assert "resources" in inspect.signature(TemplateExporter.from_notebook_node).parameters
    # what the fragment exporter's from_notebook_node re-does from TemplateExporter's (without the copies)
    exporter = HTMLExporter(template_name="basic")
    assert all(callable(p) for p in exporter._preprocessors) and exporter.template is not None
    source = inspect.getsource(TemplateExporter.from_notebook_node)
    for name in ("raw_mimetypes", "output_mimetype", "global_content_filter", "exclude_output_stdin", "no_prompt"):
        assert name in source, name
    names = {name for name, _ in HTMLExporter().default_filters()}
    assert {"markdown2html", "clean_html"} <= names  # replaced by the fragment exporter (and highlight_code added)


def test_the_fragment_exporter_renders_with_our_filters():
    import nbformat

    seen = []
    exporter = jupyter.fragment_exporter(lambda source: f"<p>md:{source}</p>",
                                         lambda source, language, metadata: seen.append(language) or source)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("hi"), nbformat.v4.new_code_cell("x = 1")])
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    html, _ = exporter.from_notebook_node(nb)
    assert "md:hi" in html and seen == ["ipython3"] and "<html" not in html  # the basic template: a fragment


def test_the_kernel_manager_hook_is_there():
    from jupyter_client.manager import AsyncKernelManager

    assert inspect.iscoroutinefunction(AsyncKernelManager._async_post_start_kernel)
    cls = jupyter.kernel_manager_class(lambda pid: None)
    assert issubclass(cls, AsyncKernelManager) and cls().shutdown_wait_time == 1.0


def test_rejoin_lines_joins_lists_of_lines():
    import nbformat

    nb = nbformat.from_dict({"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["a\n", "b"]}],
                             "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    assert jupyter.rejoin_lines(nb).cells[0].source == "a\nb"


def test_the_exceptions_caught_by_class_exist():
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    assert issubclass(CellTimeoutError, Exception) and issubclass(DeadKernelError, Exception)
    assert {"cell_index", "ename", "evalue", "source"} <= set(inspect.signature(PapermillExecutionError).parameters)


def test_stand_ins_cover_what_nbconvert_imports_from_them():
    """In a fresh process, nbconvert imports with the stand-ins (else the worker falls back, slower)."""
    import subprocess
    import sys

    code = ("import sys; from ldkit.render.jupyter import import_nbconvert_for_rendering as f; f(); "
            "print(getattr(sys.modules['nbclient'], '__doc__', '')); "
            "print(sys.modules['nbconvert.exporters.webpdf'].__doc__); print('asyncio' in sys.modules); "
            "from nbconvert.exporters.html import HTMLExporter; print(HTMLExporter.__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert lines[:2] == ["an ldkit stand-in: not used to render"] * 2, done.stderr
    assert lines[2:] == ["False", "HTMLExporter"], done.stderr  # no asyncio (webpdf's), the exporter is real
