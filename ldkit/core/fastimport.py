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
