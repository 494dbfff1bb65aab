"""A dataclass tree as plain dicts and lists, for a digest to compare: what dataclasses.asdict gives, without
its deep copy of every value (a company team's page of 100,000 people spent seconds in it, per key)."""
from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def plain(value: Any) -> Any:
    """Dataclasses become dicts of their fields, lists and tuples lists, dicts dicts; anything else is itself
    (a digest's JSON names it, as it would asdict's copy)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in _names(type(value))}
    return value
