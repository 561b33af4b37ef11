"""Cheap reads for monitoring (``/metrics``, ``/ready``): indexed counts, the schema's revision, and the
timer worker's heartbeat.

The heartbeat needs no table of its own (no migration): a sweeping worker upserts one reserved row of
``idempotency_keys`` (user id 0, which no user has, and a key no client can send under that id), whose
``created_at`` is the instant of the last completed sweep and whose body names the worker.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from engine.db import Database
from engine.models import Case
from engine.models import CaseIncident
from engine.models import IdempotencyKey
from engine.models import OpenTask
from engine.models import Timer

HEARTBEAT_USER = 0                      # no user has id 0 (ids start at 1): never an API client's row
HEARTBEAT_KEY = "bvte:timer-worker:last-sweep"


@dataclass
class Gauges:
    """What the scraper is told about the work (counts, no case data)."""

    open_tasks: int
    overdue_tasks: int
    due_timers: int
    oldest_due_lateness: float          # seconds the oldest due timer waits past its instant (0 when none)
    incidents: dict[str, int] = field(default_factory=dict)   # kind ("failing", "stalled") -> open cases


def gauges(engine) -> Gauges:
    """Open and overdue tasks, due timers and the oldest one's lateness, cases that cannot move."""
    now = engine.now()
    with engine.db.read() as s:
        open_tasks = s.execute(select(func.count()).select_from(OpenTask)).scalar_one()
        overdue = s.execute(select(func.count()).select_from(OpenTask).where(OpenTask.due_at < now)).scalar_one()
        due, oldest = s.execute(select(func.count(), func.min(Timer.due_at)).where(Timer.due_at <= now)).one()
        moving = (select(CaseIncident.kind, func.count()).join(Case, Case.id == CaseIncident.case_id)   # as listed
                  .where(Case.status == "open", Case.updated_at <= CaseIncident.last_seen).group_by(CaseIncident.kind))
        kinds: dict[str, int] = {kind: n for kind, n in s.execute(moving)}
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.timezone.utc)
    lateness = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    return Gauges(open_tasks, overdue, due, lateness, {"failing": 0, "stalled": 0, **kinds})


def record_sweep(engine, worker: str | None = None) -> None:
    """The timer worker finished a sweep now: one small upsert (the heartbeat ``/ready`` reads)."""
    now = engine.now()
    body = {"worker": worker or f"{socket.gethostname()}:{os.getpid()}", "at": now.isoformat()}
    try:
        with engine.db.write() as s:
            done = s.execute(update(IdempotencyKey)
                             .where(IdempotencyKey.user_id == HEARTBEAT_USER, IdempotencyKey.key == HEARTBEAT_KEY)
                             .values(created_at=now, body=body)).rowcount
            if not done:
                s.add(IdempotencyKey(user_id=HEARTBEAT_USER, key=HEARTBEAT_KEY, request_hash="-", status=0,
                                     body=body, created_at=now))
    except IntegrityError:   # another worker inserted it at the same moment: its heartbeat is as good
        pass


def last_sweep(engine) -> dt.datetime | None:
    """When a timer worker last finished a sweep (None: never)."""
    with engine.db.read() as s:
        return s.execute(select(IdempotencyKey.created_at).where(IdempotencyKey.user_id == HEARTBEAT_USER,
                                                                 IdempotencyKey.key == HEARTBEAT_KEY)).scalar()


def ping(db: Database) -> None:
    """Raise if the database does not answer."""
    with db.read() as s:
        s.execute(text("SELECT 1"))


@lru_cache(maxsize=1)
def _script_heads() -> tuple[str, ...]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from engine.migrate import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    return tuple(sorted(ScriptDirectory.from_config(cfg).get_heads()))


def schema_revisions(db: Database) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the database's Alembic revisions, the code's heads): equal when the schema is up to date."""
    from alembic.runtime.migration import MigrationContext

    with db.read_engine.connect() as conn:
        current = tuple(sorted(MigrationContext.configure(conn).get_current_heads()))
    return current, _script_heads()
