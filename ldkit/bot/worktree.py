"""The work tree, shared between the bot's answers and `--commit`'s git: many answers read and write it at once,
but none while git rewrites it. A rebase (a push was rejected) checks the remote's commit out and replays the bot's
on top, so for a moment a member's new workbook is not there; an answer read then said "you have no workbook"."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class SharedLock:
    """Held by many at once (`shared`) or by one alone (`exclusive`). A thread waiting for it alone goes before
    those that come after it, so answers arriving all the time never keep git waiting."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._sharing = 0
        self._alone = False
        self._waiting = 0  # threads waiting to hold it alone

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._changed:
            while self._alone or self._waiting:
                self._changed.wait()
            self._sharing += 1
        try:
            yield
        finally:
            with self._changed:
                self._sharing -= 1
                if not self._sharing:
                    self._changed.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._changed:
            self._waiting += 1
            try:
                while self._alone or self._sharing:
                    self._changed.wait()
            finally:
                self._waiting -= 1
            self._alone = True
        try:
            yield
        finally:
            with self._changed:
                self._alone = False
                self._changed.notify_all()


WORK_TREE = SharedLock()  # answers share it; git holds it alone while it rewrites the work tree
