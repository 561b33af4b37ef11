"""PostgreSQL: one case's whole write (case row, step, open tasks, timers, audit rows and head) in one statement.

Completing a task writes up to eight kinds of rows. Sent one statement each, the round trips cost the
web worker and the database more CPU than SpiffWorkflow's own run of the case. Data-modifying CTEs put
them in one statement with a fixed text (rows travel as one JSON array per table, id lists as arrays),
which psycopg prepares once per connection.

All parts of the statement see the same snapshot, so no two of them may touch the same row. The plan
guarantees it: dropped, escalated and new open tasks are disjoint sets; a timer whose due instant moved
is upserted (``ON CONFLICT``) instead of deleted and inserted again.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Integer
from sqlalchemy import Table
from sqlalchemy import text
from sqlalchemy.orm import Session

from engine import audit
from engine.models import AuditEvent
from engine.models import CaseStep
from engine.models import OpenTask
from engine.models import Timer

CASE_COLUMNS = ("state", "serializer_version", "updated_at", "version", "process_version_id", "commune_code",
                "province_code", "status", "closed_at")


def _columns(model) -> list[str]:
    """The columns a row gives: all but a generated integer key."""
    table: Table = model.__table__
    return [c.name for c in table.columns if not (c.primary_key and isinstance(c.type, Integer))]


def _insert(name: str, model, param: str, conflict: str = "") -> str:
    cols = ", ".join(_columns(model))
    return (f"{name} AS (INSERT INTO {model.__tablename__} ({cols}) SELECT {cols} "
            f"FROM json_populate_recordset(NULL::{model.__tablename__}, CAST(:{param} AS json)){conflict})")


_TIMER_MOVED = (" ON CONFLICT (id) DO UPDATE SET event_name = EXCLUDED.event_name, attached_to = EXCLUDED.attached_to,"
                " due_at = EXCLUDED.due_at, leased_by = NULL, leased_until = NULL")

WRITE_CASE = text(
    "WITH " + ",\n".join([
        _insert("new_steps", CaseStep, "steps"),
        "dropped_tasks AS (DELETE FROM open_tasks WHERE id = ANY(CAST(:drop_tasks AS varchar[])))",
        "flagged_tasks AS (UPDATE open_tasks SET escalated_at = :now WHERE id = ANY(CAST(:flag_tasks AS varchar[])))",
        _insert("new_tasks", OpenTask, "new_tasks"),
        "dropped_timers AS (DELETE FROM timers WHERE id = ANY(CAST(:drop_timers AS varchar[])))",
        _insert("new_timers", Timer, "timers", _TIMER_MOVED),
        _insert("new_events", AuditEvent, "events"),
        "new_heads AS (UPDATE audit_head AS h SET hash = v.hash FROM unnest(CAST(:head_chains AS varchar[]), "
        "CAST(:head_hashes AS varchar[])) AS v(chain, hash) WHERE h.chain = v.chain)",
    ]) + "\nUPDATE cases SET " + ", ".join(f"{c} = :{c}" for c in CASE_COLUMNS)
    + " WHERE id = :case_id AND version = :read_version")


def write_case(s: Session, case_id: str, read_version: int, values: dict[str, Any], now: dt.datetime, *,
               steps: list[dict], drop_tasks: set[str], flag_tasks: set[str], new_tasks: list[dict],
               drop_timers: set[str], timers: list[dict], events: list[dict]) -> bool:
    """Write it all if the case row is still at ``read_version``; False (nothing to keep) otherwise.
    ``events``: audit rows from ``audit.chain`` (their chains' head rows are locked); each chain's last row
    becomes its head."""
    if set(values) != set(CASE_COLUMNS):
        raise ValueError(f"case columns: {sorted(values)}")
    moved = {row["id"] for row in timers}
    heads = audit.heads_of(events)
    result = s.execute(WRITE_CASE, dict(
        values, case_id=case_id, read_version=read_version, now=now, steps=_json(steps),
        drop_tasks=sorted(drop_tasks), flag_tasks=sorted(flag_tasks), new_tasks=_json(new_tasks),
        drop_timers=sorted(drop_timers - moved), timers=_json(timers), events=_json(events),
        head_chains=list(heads), head_hashes=list(heads.values())))
    return getattr(result, "rowcount", 0) == 1


def _json(rows: list[dict]) -> str:
    return json.dumps(rows, default=_instant, ensure_ascii=False, separators=(",", ":"))


def _instant(value):
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)).isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
