"""Chat: one module per service turns the week's model (or a reminder) into that service's payload; `poster` sends
it once. `service(name)` finds the module: slack (Block Kit), mattermost (Markdown), teams (an Adaptive Card)."""
from __future__ import annotations

import importlib
from typing import Any

from ldkit.core.errors import InputError

SERVICES = ("slack", "mattermost", "teams")


def service(name: str) -> Any:
    if name not in SERVICES:
        raise InputError(f"unknown chat service {name!r}", hint="use one of: " + ", ".join(SERVICES))
    return importlib.import_module(f"ldkit.chat.{name}")
