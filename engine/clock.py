"""Injectable clocks, and the bridge that makes SpiffWorkflow's timers read the engine's clock.

SpiffWorkflow's timer module calls ``datetime.now(timezone.utc)`` with no hook (SPIFF_NOTES P4).
``bind_spiff_clock`` swaps that module's ``datetime`` once for a subclass whose ``now`` asks the
clock bound in a context variable, so tests move time instead of sleeping, and two engines with
different clocks in one process do not interfere.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
from typing import Iterator
from typing import Protocol

UTC = dt.timezone.utc


def aware(instant: dt.datetime) -> dt.datetime:
    """``instant`` with UTC as its zone when it has none (SQLite gives stored instants back naive)."""
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware."""


class SystemClock:
    """The real wall clock, in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests, features and benchmarks."""

    def __init__(self, start: dt.datetime):
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware start")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        return self._now

    def set(self, instant: dt.datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware")
        with self._lock:
            self._now = instant

    def advance(self, delta: dt.timedelta) -> None:
        with self._lock:
            self._now = self._now + delta


_current: contextvars.ContextVar[Clock | None] = contextvars.ContextVar("bvte_clock", default=None)
_real_datetime = dt.datetime


class _ClockDateTime(dt.datetime):
    """``datetime`` whose ``now`` follows the clock bound by ``using_clock``."""

    @classmethod
    def now(cls, tz=None):
        clock = _current.get()
        if clock is None:
            return _real_datetime.now(tz)
        instant = clock.now()
        return instant.astimezone(tz) if tz else instant.astimezone().replace(tzinfo=None)


_patched = False


def bind_spiff_clock() -> None:
    """Route SpiffWorkflow's timer clock through ``using_clock``. Idempotent."""
    global _patched
    if _patched:
        return
    import SpiffWorkflow.bpmn.specs.event_definitions.timer as timer_mod

    timer_mod.datetime = _ClockDateTime
    _patched = True


@contextlib.contextmanager
def using_clock(clock: Clock) -> Iterator[None]:
    """Run SpiffWorkflow timer computations inside this block against ``clock``."""
    bind_spiff_clock()
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)
