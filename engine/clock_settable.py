"""A clock that runs with real time but can be moved, for demos and HTTP-level deadline checks.

The offset is kept in a small file so that every server worker and the timer worker share it.
Only enabled with BVTE_TEST_CLOCK=1, which production mode refuses.
"""

from __future__ import annotations

import datetime as dt
import os

UTC = dt.timezone.utc


class SettableClock:
    def __init__(self, path: str):
        self.path = path
        self._mtime: int | None = None
        self._offset = dt.timedelta(0)

    def _load(self) -> dt.timedelta:
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            return dt.timedelta(0)
        if mtime != self._mtime:
            with open(self.path) as fh:
                self._offset = dt.timedelta(seconds=float(fh.read().strip() or 0))
            self._mtime = mtime
        return self._offset

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC) + self._load()

    def set(self, instant: dt.datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware")
        offset = (instant - dt.datetime.now(UTC)).total_seconds()
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as fh:
            fh.write(repr(offset))
        os.replace(tmp, self.path)

    def advance(self, delta: dt.timedelta) -> None:
        self.set(self.now() + delta)
