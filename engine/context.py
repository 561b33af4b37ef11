"""What every engine service shares: the database, the process registry and the clock; and who acts.

``Engine`` (``engine.runtime``) builds one ``Context`` and hands it to each service, so a clock swapped on
the engine (``engine.clock = ...``) is the clock every service reads next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.clock import Clock
from engine.db import Database
from engine.process import ProcessRegistry


@dataclass(frozen=True)
class Actor:
    """Who acts. ``agency_id`` is None for system actors (the timer worker, the CLI)."""

    username: str
    user_id: int | None = None
    agency_id: int | None = None
    role: str = "system"

    @property
    def label(self) -> str:
        return self.username


@dataclass
class Context:
    db: Database
    registry: ProcessRegistry
    clock: Clock

    def now(self) -> dt.datetime:
        return self.clock.now()
