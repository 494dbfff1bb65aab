"""A delivery saved once: every request's key (its service and a hash of its raw body) is claimed in SQLite.

The first claim wins and saves; a retry (Slack's `X-Slack-Retry-Num`, a payload sent again, a second server on
the same workspace) finds the key and gets the first answer back instead of saving again. Keys older than a day
are dropped, so the file stays small.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from pathlib import Path

KEEP_SECONDS = 24 * 3600


def delivery_key(service: str, body: bytes) -> str:
    return service + ":" + hashlib.sha256(body).hexdigest()


class Deliveries:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS delivery (key TEXT PRIMARY KEY, at REAL, answer TEXT)")
            db.execute("DELETE FROM delivery WHERE at < ?", (time.time() - KEEP_SECONDS,))

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: a claim survives a crash of the bot without an fsync
            self._local.db = db
        return db

    def claim(self, key: str) -> bool:
        """True for the first delivery with this key (the caller saves it); False for a repeat."""
        cursor = self._db().execute("INSERT OR IGNORE INTO delivery (key, at, answer) VALUES (?, ?, NULL)",
                                    (key, time.time()))
        return cursor.rowcount == 1

    def answer_of(self, key: str) -> str | None:
        row = self._db().execute("SELECT answer FROM delivery WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def answered(self, key: str, answer: str) -> None:
        self._db().execute("UPDATE delivery SET answer = ? WHERE key = ?", (answer, key))
