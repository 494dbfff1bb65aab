"""Which Dask scheduler `digest --execute` runs on: one rule for the option, the setting and DASK_SCHEDULER_ADDRESS.

Checked before anything is collected, so a typo is refused whatever the week holds; imports nothing of Dask.
"""
from __future__ import annotations

import re

from ldkit.core.errors import InputError

SCHEMES = ("tcp", "tls", "ucx", "ws", "wss", "inproc")
LOCAL_MAX = 256
EXAMPLES = "local:2, or a scheduler address such as tcp://dask.example.org:8786"

_LOCAL = re.compile(r"^local:(.*)$", re.IGNORECASE)
_ADDRESS = re.compile(r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)"
                      r"(?::(?P<port>\d{1,5}))?$")


def local_workers(address: str) -> int | None:
    """N for `local:N`, None for a scheduler address (the text is assumed checked)."""
    match = _LOCAL.match(address.strip())
    return int(match.group(1)) if match else None


def check_scheduler(text: str, source: str = "--scheduler") -> str:
    """The address as Dask takes it, or InputError naming `source` (the option, the setting, the variable)."""
    value = str(text).strip()
    local = _LOCAL.match(value)
    if local:
        count = local.group(1)
        if not count.isdigit() or not 1 <= int(count) <= LOCAL_MAX:
            raise InputError(f"{source} {value!r}: give local:N with N from 1 to {LOCAL_MAX}, e.g. local:2")
        return f"local:{int(count)}"
    match = _ADDRESS.match(value)
    if match and match.group("scheme") and match.group("scheme").lower() == "inproc":
        return value
    if not match or (match.group("scheme") and match.group("scheme").lower() not in SCHEMES):
        raise InputError(f"{source} {value!r} is not a Dask scheduler address", hint=f"use {EXAMPLES}")
    port = match.group("port")
    if port is not None and not 1 <= int(port) <= 65535:
        raise InputError(f"{source} {value!r}: port {port} is out of range (1 to 65535)", hint=f"use {EXAMPLES}")
    return value


def default_scheduler(setting: str | None) -> str | None:
    """`--execute` without `--scheduler`: the workspace's setting, else DASK_SCHEDULER_ADDRESS, else None (a local
    process pool); checked here so a bad setting is refused before the week is collected."""
    import os

    if setting:
        return check_scheduler(setting, "the `scheduler` setting in ldkit.toml")
    from_env = os.environ.get("DASK_SCHEDULER_ADDRESS", "").strip()
    return check_scheduler(from_env, "DASK_SCHEDULER_ADDRESS") if from_env else None
