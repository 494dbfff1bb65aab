"""The user's own cache folder, shared by every workspace: what does not depend on any workspace's content
(paper metadata fetched once, templates compiled once). `LDKIT_CACHE_DIR` moves it (tests, CI)."""
from __future__ import annotations

import os
from pathlib import Path


def user_cache() -> Path:
    override = os.environ.get("LDKIT_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ldkit"))
