"""Chat: one module per service turns the week's model (or a reminder) into that service's payload; `poster` sends
it once. `service(name)` finds the module (ldkit.core.registry.CHAT_SERVICES): slack (Block Kit), mattermost
(Markdown), teams (an Adaptive Card), and any registered there."""
from __future__ import annotations

from typing import Any

from ldkit.core.registry import CHAT_SERVICES


def service(name: str) -> Any:
    return CHAT_SERVICES.get(name)
