"""The rules for a workbook's parameters: a name is a Python identifier, a value is written as a Python literal.

Parameters become code (the `injected-parameters` cell, papermill's cell on `digest --execute`), so nothing a
person types may reach that code except as a literal.
"""
from __future__ import annotations

import keyword
import math
from typing import Any

from ldkit.core.errors import InputError

RESERVED = ("title", "author", "week", "learning_day", "workbook_id")  # ldkit sets these itself


def check_name(name: str, reserved: bool = True) -> str:
    """The name, or an InputError saying which rule it breaks."""
    shown = repr(name)
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise InputError(f"-p {shown}: a parameter name must be a Python identifier "
                         "(ASCII letters, digits and _, not starting with a digit)",
                         hint="e.g. -p arxiv_id 1803.02999; `ldkit templates --json` lists each template's names")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise InputError(f"-p {shown}: a parameter name cannot be a Python keyword")
    if reserved and name in RESERVED:
        raise InputError(f"-p {name} is set by ldkit itself", hint="use --title, --author or --week instead")
    return name


def literal(value: Any, _depth: int = 0) -> str:
    """`value` as Python source that evaluates to it: str/int/float/bool/None, or lists and dicts of them.

    Anything else (and NaN or infinity, which have no literal) is refused rather than written as code."""
    if _depth > 20:
        raise InputError("a parameter value is nested too deeply")
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"the parameter value {value!r} has no Python literal; give a finite number or text")
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(item, _depth + 1) for item in value) + "]"
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"a parameter's dict key {key!r} is not text")
            parts.append(f"{key!r}: {literal(item, _depth + 1)}")
        return "{" + ", ".join(parts) + "}"
    raise InputError(f"a parameter value of type {type(value).__name__} cannot be written into a notebook",
                     hint="use text, a number, true/false, or a JSON-like list or dict")


def assignment_lines(parameters: dict[str, Any]) -> list[str]:
    """`name = literal` lines, each name checked (ldkit's own names are allowed here: ldkit writes them)."""
    return [f"{check_name(name, reserved=False)} = {literal(value)}" for name, value in parameters.items()]
