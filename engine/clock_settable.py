"""A clock that can be set and frozen, shared by every process of a test or demo run.

The setting is kept in a small file so that every server worker and the timer worker share it:
either an offset from the real clock (``offset <seconds>``: time runs on) or a frozen instant
(``frozen <ISO instant>``: time stands still until set again). ``BVTE_TEST_NOW`` (an ISO instant)
freezes the clock there until the file says otherwise, so a server or worker started as a
subprocess by a test never reads the real date. Only enabled with BVTE_TEST_CLOCK=1, which
production mode refuses.
"""

from __future__ import annotations

import datetime as dt
import os

UTC = dt.timezone.utc
DEFAULT_PATH = os.path.join("instance", "test-clock")


def parse_aware(text: str, what: str = "instant") -> dt.datetime:
    """An ISO 8601 instant with an offset; ``ValueError`` naming ``what`` otherwise."""
    try:
        instant = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what}: '{text}' is not an ISO 8601 instant") from None
    if instant.tzinfo is None:
        raise ValueError(f"{what}: '{text}' needs a timezone offset (e.g. +07:00)")
    return instant


class SettableClock:
    def __init__(self, path: str = DEFAULT_PATH, start: dt.datetime | None = None):
        self.path = path
        self._mtime: int | None = None
        self._default = ("frozen", start) if start is not None else ("offset", dt.timedelta(0))
        self._setting: tuple[str, object] = self._default

    def _load(self) -> tuple[str, object]:
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            return self._default
        if mtime != self._mtime:
            with open(self.path) as fh:
                kind, _, value = fh.read().strip().partition(" ")
            if kind == "frozen":
                self._setting = ("frozen", parse_aware(value, self.path))
            elif kind == "offset":
                self._setting = ("offset", dt.timedelta(seconds=float(value or 0)))
            else:   # the bare offset written by earlier versions
                self._setting = ("offset", dt.timedelta(seconds=float(kind or 0)))
            self._mtime = mtime
        return self._setting

    def now(self) -> dt.datetime:
        kind, value = self._load()
        if kind == "frozen":
            return value   # type: ignore[return-value]
        return dt.datetime.now(UTC) + value   # type: ignore[operator]

    def set(self, instant: dt.datetime, frozen: bool | None = None) -> None:
        """Move the clock to ``instant``; it stays frozen there if it was frozen (or ``frozen=True``)."""
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware")
        if frozen is None:
            frozen = self._load()[0] == "frozen"
        text = (f"frozen {instant.astimezone(UTC).isoformat()}" if frozen
                else f"offset {(instant - dt.datetime.now(UTC)).total_seconds()!r}")
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        tmp = self.path + f".{os.getpid()}.tmp"
        with open(tmp, "w") as fh:
            fh.write(text)
        os.replace(tmp, self.path)

    def advance(self, delta: dt.timedelta) -> None:
        self.set(self.now() + delta)


def clock_from_env(environ=os.environ):
    """The clock a server or CLI process runs on: the system clock, or (``BVTE_TEST_CLOCK=1``) the
    shared settable clock at ``BVTE_TEST_CLOCK_FILE`` (default instance/test-clock), frozen at
    ``BVTE_TEST_NOW`` when that is given."""
    from engine.clock import SystemClock

    if environ.get("BVTE_TEST_CLOCK") != "1":
        return SystemClock()
    start = environ.get("BVTE_TEST_NOW")
    return SettableClock(environ.get("BVTE_TEST_CLOCK_FILE") or DEFAULT_PATH,
                         parse_aware(start, "BVTE_TEST_NOW") if start else None)
