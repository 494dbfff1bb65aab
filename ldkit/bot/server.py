"""`ldkit bot serve`: the app under uvicorn, on one host and port, until stopped."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ldkit.bot.app import Bot, create_app
from ldkit.bot.settings import Secrets


def serve(root: Path, host: str, port: int, *, commit: bool = False, secrets: Secrets | None = None,
          public_url: str | None = None, log_level: str = "warning") -> None:
    import uvicorn

    secrets = secrets or Secrets.from_environment()
    on_saved: Any = None
    if commit:
        from ldkit.bot.gitsync import Committer

        committer = Committer(root)
        committer.check()
        on_saved = committer.saved
    bot = Bot(root, secrets, on_saved=on_saved, public_url=public_url)
    uvicorn.run(create_app(bot), host=host, port=port, log_level=log_level, access_log=False,
                timeout_graceful_shutdown=5)
