"""A digest whose inputs are all as they were when it was written would be the same files again: `ldkit digest`
leaves them as they stand and says its lines again (a warm week of 40 notebooks: the cost of a stat per file, not
of reading the week and writing its page).

What is compared: everything a build reads (core.inputs: every file under workbooks/, the settings, ldkit's code,
today's date), the digest's options (week, team, formats, where it writes) and the workspace's view (its team,
its members); then each file it wrote and each image its notebooks referenced, by size and mtime, so a page that
was edited or removed is made again. Never for --execute (a run depends on more than files) or --post (posting is
the point); --rebuild builds, and its files stand for the next run. A missing, damaged or foreign record is only
a build.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldkit.core.errors import WriteError
from ldkit.core.inputs import with_files, workspace_inputs
from ldkit.core.weeks import Week
from ldkit.core.workspace import Workspace

VERSION = 1
Line = tuple[bool, str]  # (to stderr, the message as the command said it)
_handed: tuple[str, str] | None = None  # (which digest, its inputs): Unchanged.hand_over


@dataclass
class Said:
    """What the build said, to be said again: its lines and its exit code."""

    lines: list[Line]
    exit_code: int


class Unchanged:
    """The inputs of one digest (a week, into one folder, for one view), taken before it is built."""

    def __init__(self, workspace: Workspace, week: Week, folder: Path, formats: tuple[str, ...],
                 team: str | None, strict: bool) -> None:
        global _handed
        where = str(folder.resolve())
        view = [workspace.scope, sorted(workspace.members) if workspace.members is not None else None]
        extra = ["digest", VERSION, str(week), where, sorted(set(formats)), team, strict, view]
        self._key = json.dumps([str(workspace.root), extra], default=str)
        handed, _handed = _handed, None
        if handed is not None and handed[0] == self._key:
            self.inputs = handed[1]  # taken moments ago in this process, by ldkit.cli.entry's replay
        else:
            self.inputs = workspace_inputs(workspace, extra).digest
        name = hashlib.sha1(json.dumps([where, team]).encode("utf-8", "surrogateescape")).hexdigest()[:16]
        self.record = workspace.cache / "digest" / "unchanged" / f"{name}.json"
        self._workspace = workspace

    def hand_over(self) -> None:
        """Let the next Unchanged of the same digest in this process (the command's, after the replay missed) use
        these inputs instead of taking them again: one stat of the workspace per run. Used once."""
        global _handed
        _handed = (self._key, self.inputs)

    def said(self) -> Said | None:
        """The lines and exit code of the last build, if nothing it read or wrote has changed since."""
        try:
            data = json.loads(self.record.read_text(encoding="utf-8"))
            if data.get("version") != VERSION:
                return None
            files = [str(n) for n in data["files"]]
            if data["key"] != with_files(self.inputs, files):
                return None
            lines = [(bool(err), str(text)) for err, text in data["lines"]]
            return Said(lines, int(data["exit"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def keep(self, said: Said, written: list[Path], referenced: list[str]) -> None:
        """Keep what this build said, keyed by the inputs taken before it and the files as it left them."""
        files = sorted({*map(str, written), *referenced})
        data: dict[str, Any] = {"version": VERSION, "key": with_files(self.inputs, files), "files": files,
                                "lines": [list(line) for line in said.lines], "exit": said.exit_code}
        from ldkit.core.files import atomic_write  # not on the way of `said` (tempfile, shutil: ~10 ms)

        try:
            self.record.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.record, json.dumps(data))
        except (OSError, WriteError):  # a cache that cannot be written is only a build next time
            return
        self._workspace.keep_settings()  # the next run's replay then reads them back instead of importing tomllib
