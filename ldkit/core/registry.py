"""Registries: the output formats and the chat services, each found by name; the names feed click and settings.

A registry maps a name to the module that does the work, given as a dotted path (imported only when used, so
`ldkit --help` stays light) or as a module object (a plug-in, a test). `ldkit digest --format`, `--chat` and the
`chat` setting all read the names from here, so a new format or service is one module and one `register` call.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from ldkit.core.errors import InputError


class Registry:
    def __init__(self, what: str, builtin: dict[str, str]) -> None:
        self.what = what
        self._entries: dict[str, str | ModuleType] = dict(builtin)

    def register(self, name: str, module: str | ModuleType) -> None:
        """Offer `name`; `module` is a dotted path or the module (any object with the registry's functions)."""
        self._entries[name] = module

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def spoken(self) -> str:
        """The names as a sentence says them: "slack, mattermost or teams"."""
        names = self.names()
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def get(self, name: str) -> Any:
        """The module registered as `name`; an unknown name is an InputError listing the known ones."""
        if name not in self._entries:
            raise InputError(f"unknown {self.what} {name!r}", hint="use one of: " + ", ".join(self.names()))
        entry = self._entries[name]
        return importlib.import_module(entry) if isinstance(entry, str) else entry


# format name -> the module that writes it: FILENAME, and write(model, path, cache) -> Path
WRITERS = Registry("output format", {"html": "ldkit.writers.page", "md": "ldkit.writers.markdown",
                                     "json": "ldkit.writers.json_data"})
# service name -> the module: digest_payload(model, digest_path), reminder_payload(text, mentions) and, for a
# company, company_payload(company_week, digest_path) (without it the summary is sent as a reminder's text)
CHAT_SERVICES = Registry("chat service", {"slack": "ldkit.chat.slack", "mattermost": "ldkit.chat.mattermost",
                                          "teams": "ldkit.chat.teams"})
