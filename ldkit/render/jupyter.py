"""Every place ldkit reaches into the internals of the Jupyter stack, in one module, tested against the pins.

The versions are pinned in pyproject.toml (nbconvert, nbclient, jupyter_client, nbformat, papermill: each below its
next major); tests/test_jupyter.py checks that each private name used here still exists with the shape relied on.
- the fragment exporter: nbconvert's HTMLExporter with ldkit's filters, re-doing `from_notebook_node` without the
  BeautifulSoup pass, the deep copies and the validation (private `_init_resources`, `_preprocessors`, `_language`;
  public `template`, `raw_mimetypes`, `output_mimetype` and the `exclude_*` traits);
- the kernel manager: jupyter_client's AsyncKernelManager with a shorter shutdown and the kernel's pid noted
  (private `_async_post_start_kernel`), so a whole-notebook limit can stop it;
- `rejoin_lines` from nbformat.v4.rwbase (lists of lines -> strings, as nbformat's reader does);
- stand-in modules planted in `sys.modules` so a render worker imports nbconvert without what it never uses.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

# What the pins allow; tests/test_jupyter.py holds the installed versions to them (and pyproject.toml says the same).
PINS = {"nbconvert": (7, 8), "nbclient": (0, 1), "jupyter_client": (8, 9), "nbformat": (5, 6), "papermill": (2, 3)}


def fragment_exporter(markdown2html: Callable[..., str], highlight_html: Callable[..., str]) -> Any:
    """nbconvert's basic template with ldkit's filters: Markdown with MathML, one Pygments formatter, no bleach
    pass (nh3 sanitizes the whole fragment once), and no closing BeautifulSoup pass (it only adds alt text and
    tabindex, and nh3 re-parses the fragment anyway)."""
    from nbconvert import HTMLExporter
    from nbconvert.filters.strings import strip_files_prefix
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class FragmentExporter(HTMLExporter):
        def default_filters(self) -> Any:
            for name, function in super().default_filters():
                if name not in ("markdown2html", "clean_html", "highlight_code", "strip_files_prefix"):
                    yield name, function
            yield "markdown2html", markdown2html
            yield "clean_html", lambda html: html
            yield "highlight_code", lambda source, language=None, metadata=None: highlight_html(
                source, language or self._language, metadata)
            # both of its patterns need "files/" in the text: without it, the same text back (no two regex scans
            # of every markdown cell)
            yield "strip_files_prefix", lambda text: strip_files_prefix(text) if "files/" in text else text

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            """TemplateExporter.from_notebook_node and Exporter's under it, without their two deep copies of the
            notebook, the schema normalisation and the validation after the preprocessors: the node is the
            renderer's own (read from bytes for this render, prepared by ldkit) — a sixth of a real render."""
            langinfo = nb.metadata.get("language_info", {})
            self._language = langinfo.get("pygments_lexer", langinfo.get("name", None)) or "ipython3"
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=nb.metadata, parent=self, resources=resources))
            if "language" in nb["metadata"]:
                resources["language"] = nb["metadata"]["language"].lower()
            for preprocessor in self._preprocessors:
                if type(preprocessor).__name__ == "CSSHTMLHeaderPreprocessor":
                    continue  # it only makes resources["inlining"], the stylesheet of a full page: basic has none
                nb, resources = preprocessor(nb, resources)
            resources.setdefault("raw_mimetypes", self.raw_mimetypes)
            resources.setdefault("output_mimetype", self.output_mimetype)
            resources["global_content_filter"] = {
                "include_code": not self.exclude_code_cell, "include_markdown": not self.exclude_markdown,
                "include_raw": not self.exclude_raw, "include_unknown": not self.exclude_unknown,
                "include_input": not self.exclude_input, "include_output": not self.exclude_output,
                "include_output_stdin": not self.exclude_output_stdin,
                "include_input_prompt": not self.exclude_input_prompt,
                "include_output_prompt": not self.exclude_output_prompt,
                "no_prompt": self.exclude_input_prompt and self.exclude_output_prompt,
            }
            return self.template.render(nb=nb, resources=resources).lstrip("\r\n"), resources

    return FragmentExporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_anchor_links=True, optimistic_validation=True)


def kernel_manager_class(on_start: Callable[[int], None]) -> Any:
    """An AsyncKernelManager that shuts down quickly and tells `on_start` the kernel's pid."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import Float

    class QuickShutdownKernelManager(AsyncKernelManager):
        """The default shutdown can wait ~3.4 s after the last cell; 1 s is plenty for a notebook run."""

        shutdown_wait_time = Float(1.0).tag(config=True)

        async def _async_post_start_kernel(self, **kw: Any) -> None:
            await super()._async_post_start_kernel(**kw)
            pid = getattr(getattr(self, "provisioner", None), "pid", None)
            if pid:
                on_start(pid)

    return QuickShutdownKernelManager


def rejoin_lines(node: Any) -> Any:
    """Multi-line strings stored as lists of lines (by nbformat and JupyterLab) joined, in place."""
    from nbformat.v4.rwbase import rejoin_lines as rejoin

    return rejoin(node)


# Modules nbconvert imports at import time that rendering never uses: nbclient and jupyter_client (to execute),
# bs4 (for a pass ldkit skips), bleach (its sanitizer is off: nh3 is the one), jsonschema (nbformat's validation,
# which the fragment exporter does not run: ~0.12 s with its specifications) and tornado (nbconvert's "serve"
# post-processor, already optional there: a stand-in without it reads as not installed), and nbconvert's own
# WebPDF exporter (its asyncio import alone is ~0.02 s of every worker's start). ~0.3 s of a worker's start.
_UNUSED_BY_RENDERING = ("nbclient", "nbclient.client", "nbclient.exceptions", "jupyter_client",
                        "jupyter_client.manager", "bs4", "bleach", "jsonschema", "jsonschema.exceptions", "tornado",
                        "nbconvert.exporters.webpdf")


def _stand_ins() -> dict[str, dict[str, object]]:
    def unavailable(*args: object, **kwargs: object) -> None:
        raise RuntimeError("not available in an ldkit render worker")

    class NotebookClient:  # nbconvert's ExecutePreprocessor subclasses it; exporters build one, disabled
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def execute(self, *args: object, **kwargs: object) -> None:
            unavailable()

    class KernelManager:
        pass

    class CellExecutionError(Exception):
        pass

    class WebPDFExporter:  # nbconvert.exporters imports it by name; a render worker never prints a PDF
        def __init__(self, *args: object, **kwargs: object) -> None:
            unavailable()

    class ValidationError(Exception):  # nbformat subclasses it at import time
        pass

    class Validator:  # what nbformat would validate with: never, in a render worker
        def __init__(self, *args: object, **kwargs: object) -> None:
            unavailable()

    return {
        "nbclient": {"NotebookClient": NotebookClient, "execute": unavailable},
        "nbclient.client": {"NotebookClient": NotebookClient, "execute": unavailable},
        "nbclient.exceptions": {"CellExecutionError": CellExecutionError},
        "jupyter_client": {"KernelManager": KernelManager},
        "jupyter_client.manager": {"KernelManager": KernelManager},
        "bs4": {"BeautifulSoup": unavailable},
        "bleach": {"ALLOWED_TAGS": frozenset(), "ALLOWED_ATTRIBUTES": {}, "ALLOWED_STYLES": frozenset(),
                   "clean": unavailable},
        "jsonschema": {"Draft4Validator": Validator, "ValidationError": ValidationError},
        "jsonschema.exceptions": {"ValidationError": ValidationError, "ErrorTree": dict},
        "tornado": {},
        "nbconvert.exporters.webpdf": {"WebPDFExporter": WebPDFExporter},
    }


def import_nbconvert_for_rendering() -> None:
    """Import nbconvert with stand-ins for what rendering never uses; if this nbconvert needs more of them than
    the stand-ins offer, fall back to the real modules (slower, never wrong)."""
    import types

    if "nbconvert" in sys.modules or any(name in sys.modules for name in _UNUSED_BY_RENDERING):
        import nbconvert.exporters.html  # noqa: F401 - already set up one way or the other
        return
    for name, attributes in _stand_ins().items():
        module = types.ModuleType(name, "an ldkit stand-in: not used to render")
        module.__dict__.update(attributes)
        sys.modules[name] = module
    try:
        import nbconvert.exporters.html  # noqa: F401
    except Exception:
        for name in [n for n in sys.modules if n.split(".")[0] in {"nbconvert", *_UNUSED_BY_RENDERING}]:
            del sys.modules[name]
        import nbconvert.exporters.html  # noqa: F401


def render_worker_init(parent: int | None = None, from_main_thread: bool = False) -> None:
    """A render worker: dies with its parent (`parent`'s pid; see core.procs), slow optional imports skipped,
    nbconvert imported lean, library warnings kept off the user's terminal (ldkit reports what matters itself)."""
    import warnings

    if parent is not None:
        from ldkit.core.procs import die_with_parent

        die_with_parent(parent, from_main_thread)

    warnings.filterwarnings("ignore")
    from ldkit.core.fastimport import skip_slow_optional_imports

    skip_slow_optional_imports()
    import_nbconvert_for_rendering()
