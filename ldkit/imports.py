"""Keeping ldkit's own processes fast to start: the optional imports they can do without."""
from __future__ import annotations

import sys


def skip_slow_optional_imports() -> None:
    """Spare ~1.2 s in processes that import nbformat, nbconvert or papermill.

    jsonschema imports the optional `rfc3987_syntax` at import time, which builds a Lark grammar (~1.2 s) only to
    check the "iri" string formats that no notebook schema uses. Marking it absent makes jsonschema skip that
    check, as it does wherever the package is not installed. Only for ldkit's command-line and worker processes:
    never called in a user's kernel.
    """
    if "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]


def skip_unused_render_imports() -> None:
    """Spare ~0.25 s in a render worker: nbconvert imports nbclient (to execute) and bs4 (for a pass ldkit skips)
    at import time, though rendering uses neither. Stand-ins take their place in that worker process only; any use
    of them fails loudly rather than quietly."""
    import types

    if any(name in sys.modules for name in ("nbclient", "bs4")):
        return

    def unavailable(*args: object, **kwargs: object) -> None:
        raise RuntimeError("not available in an ldkit render worker")

    class NotebookClient:  # nbconvert's ExecutePreprocessor subclasses it; exporters build one, disabled
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def execute(self, *args: object, **kwargs: object) -> None:
            unavailable()

    class CellExecutionError(Exception):
        pass

    stubs = {
        "nbclient": {"NotebookClient": NotebookClient, "execute": unavailable},
        "nbclient.client": {"NotebookClient": NotebookClient, "execute": unavailable},
        "nbclient.exceptions": {"CellExecutionError": CellExecutionError},
        "bs4": {"BeautifulSoup": unavailable},
    }
    for name, attributes in stubs.items():
        module = types.ModuleType(name, "a stand-in: not used to render")
        module.__dict__.update(attributes)
        sys.modules[name] = module


def render_worker_init() -> None:
    """A render worker: the slow optional imports skipped, and library warnings kept off the user's terminal."""
    import warnings

    skip_slow_optional_imports()
    skip_unused_render_imports()
    warnings.filterwarnings("ignore")
