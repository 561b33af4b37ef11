"""Incidents: cases that cannot move. A case whose engine run fails in the timer sweep is recorded with
the step and the error and retried with a doubling backoff (not every sweep forever); a case that stops
with nothing to wait for is recorded the moment it stops. Both stay listed (``bvte check``, the "Sự cố"
page) until the case moves again; an operator's retry is audited.

While a case fails, its overdue steps are still flagged as escalated (``open_tasks.escalated_at``), so
an incident never hides a missed statutory limit from the inboxes that show overdue work.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine import audit
from engine.models import Case
from engine.models import CaseIncident
from engine.models import OpenTask
from engine.models import ProcessVersion
from engine.models import Timer

BACKOFF_START = 30.0      # seconds before the first retry of a failing case
BACKOFF_MAX = 3600.0      # never wait longer than an hour between retries
_log = logging.getLogger("bvte.incidents")


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(BACKOFF_START * 2 ** max(attempts - 1, 0), BACKOFF_MAX))


def record(s: Session, case_id: str, kind: str, step: str, error: str, now: dt.datetime) -> CaseIncident:
    """Create or update a case's incident in the caller's transaction."""
    row = s.get(CaseIncident, case_id)
    if row is None:
        row = CaseIncident(case_id=case_id, kind=kind, step=step[:200], error=error, first_seen=now, last_seen=now,
                           attempts=1, next_attempt_at=now + backoff(1))
        s.add(row)
    else:
        row.kind, row.step, row.error, row.last_seen = kind, step[:200], error, now
        row.attempts += 1
        row.next_attempt_at = now + backoff(row.attempts)
    s.flush()
    return row


def record_failure(engine, case_id: str, error: str, now: dt.datetime) -> None:
    """A case the sweep could not run: recorded (its own transaction), its due steps flagged escalated."""
    with engine.db.write() as s:
        due = list(s.execute(select(Timer.attached_to).where(Timer.case_id == case_id, Timer.due_at <= now,
                                                             Timer.attached_to.is_not(None))).scalars())
        steps = list(s.execute(select(OpenTask.task_name).where(OpenTask.case_id == case_id)).scalars())
        row = record(s, case_id, "failing", ", ".join(steps) or "-", error, now)
        if due:
            fresh = list(s.execute(select(OpenTask.id).where(OpenTask.id.in_(due), OpenTask.escalated_at.is_(None)))
                         .scalars())
            s.execute(update(OpenTask).where(OpenTask.id.in_(due), OpenTask.escalated_at.is_(None))
                      .values(escalated_at=now))
            if fresh:
                _escalate_without_engine(engine, s, case_id, fresh, now)
    _log.error("case %s failing (attempt %d, next try %s): %s", case_id, row.attempts,
               row.next_attempt_at.isoformat(), error)


def _escalate_without_engine(engine, s: Session, case_id: str, task_ids: list[str], now: dt.datetime) -> int:
    """The case cannot run, so its escalation timers cannot open the supervising body's task: that body
    (the rule's ``escalate_to`` lane, routed as the engine routes tasks) and the agency holding the step are
    told at once, in this transaction, that the limit passed while the case is stuck (issue #14.4)."""
    from engine.notify import outbox
    from engine.routing import Router

    router = getattr(engine, "router", None) or Router(getattr(engine, "ctx", engine))
    case = s.get(Case, case_id)
    if case is None:
        return 0
    process_id = s.execute(select(ProcessVersion.process_id)
                           .where(ProcessVersion.id == case.process_version_id)).scalar()
    cfg = engine.registry.config_for(process_id)
    settings = cfg.notify
    events = []
    for task in s.execute(select(OpenTask).where(OpenTask.id.in_(task_ids))).scalars():
        emergency = settings.is_emergency(task.task_name, task.deadline_rule)
        agencies = {task.agency_id}
        rule = cfg.deadlines.get(task.deadline_rule or "")
        lane = getattr(rule, "escalate_to", None)
        agency_type = engine.registry.lane_agency(cfg, lane, None) if lane else None
        if agency_type is not None:
            try:
                agencies.add(router.agency_for(s, agency_type, case.commune_code, task.task_name))
            except Exception as exc:   # no such agency serves the commune: the holder and the incidents page know
                _log.warning("case %s: no %s agency to tell of the stuck limit: %s", case_id, agency_type, exc)
        events += [outbox.Event(f"task:{task.id}:stuck:{agency}", "stuck_overdue", agency, task.title, emergency,
                                "/incidents", task.id, task.due_at) for agency in sorted(agencies)]
    return outbox.enqueue(s, now, case, events)


def clear(s: Session, case_ids) -> None:
    ids = list(case_ids)
    if ids:
        s.execute(delete(CaseIncident).where(CaseIncident.case_id.in_(ids)))


def backing_off(now: dt.datetime):
    """Cases the sweep leaves alone until their retry time comes (a subquery of case ids)."""
    return select(CaseIncident.case_id).where(CaseIncident.kind == "failing", CaseIncident.next_attempt_at > now)


@dataclass
class Incident:
    case_id: str
    reference: str
    process: str
    kind: str
    step: str
    error: str
    since: dt.datetime
    attempts: int
    next_attempt_at: dt.datetime


def listing(engine, province: str | None = None) -> list[Incident]:
    """Open incidents, oldest first (a case written since its incident was recorded has moved: left out)."""
    with engine.db.read() as s:
        q = (select(CaseIncident, Case.reference, ProcessVersion.process_id)
             .join(Case, Case.id == CaseIncident.case_id)
             .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
             .where(Case.status == "open", Case.updated_at <= CaseIncident.last_seen)   # not moved since
             .order_by(CaseIncident.first_seen))
        if province:
            q = q.where(Case.province_code == province)
        return [Incident(i.case_id, ref, pid, i.kind, i.step, i.error, i.first_seen, i.attempts, i.next_attempt_at)
                for i, ref, pid in s.execute(q)]


def retry(engine, case_id: str, actor) -> int:
    """An operator asks for the case to be run again now (audited); returns the cases the sweep advanced."""
    now = engine.now()
    with engine.db.write() as s:
        row = s.get(CaseIncident, case_id)
        if row is None:
            from engine.errors import NotFound

            raise NotFound("không có sự cố cho hồ sơ này / no incident for this case")
        row.next_attempt_at = now
        s.execute(update(Timer).where(Timer.case_id == case_id).values(leased_by=None, leased_until=None))
        audit.append(s, now, actor.label, "incident.retry", case_id=case_id,
                     detail={"kind": row.kind, "attempts": row.attempts})
    return engine.fire_due_timers()
