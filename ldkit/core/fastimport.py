"""Keeping ldkit's own processes fast to start: the optional imports they can do without."""
from __future__ import annotations

import sys


def skip_slow_optional_imports() -> None:
    """Spare ~1.3 s in processes that import nbformat, nbconvert or papermill.

    jsonschema imports the optional `rfc3987_syntax` at import time, which builds a Lark grammar (~1.2 s) only to
    check the "iri" string formats that no notebook schema uses. Marking it absent makes jsonschema skip that
    check, as it does wherever the package is not installed. Only for ldkit's command-line and worker processes:
    never called in a user's kernel.
    """
    if "jsonschema" in sys.modules:
        return
    # the same holds for the other optional format checkers jsonschema tries at import: "duration" (isoduration,
    # which pulls in arrow, ~22 ms), "uri", "date-time", "color", "json-pointer", "uri-template", "hostname"
    for name in ("rfc3987_syntax", "isoduration", "rfc3986_validator", "rfc3339_validator", "webcolors",
                 "jsonpointer", "uri_template", "fqdn"):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


# Modules nbconvert imports at import time that rendering never uses: nbclient and jupyter_client (to execute),
# bs4 (for a pass ldkit skips), bleach (its sanitizer is off: nh3 is the one). ~0.15 s of a worker's start.
_UNUSED_BY_RENDERING = ("nbclient", "nbclient.client", "nbclient.exceptions", "jupyter_client",
                        "jupyter_client.manager", "bs4", "bleach")


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

    return {
        "nbclient": {"NotebookClient": NotebookClient, "execute": unavailable},
        "nbclient.client": {"NotebookClient": NotebookClient, "execute": unavailable},
        "nbclient.exceptions": {"CellExecutionError": CellExecutionError},
        "jupyter_client": {"KernelManager": KernelManager},
        "jupyter_client.manager": {"KernelManager": KernelManager},
        "bs4": {"BeautifulSoup": unavailable},
        "bleach": {"ALLOWED_TAGS": frozenset(), "ALLOWED_ATTRIBUTES": {}, "ALLOWED_STYLES": frozenset(),
                   "clean": unavailable},
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
    skip_slow_optional_imports()
    import_nbconvert_for_rendering()
