"""The timer sweep: fire every due timer exactly once, safe with several workers.

A worker leases a batch of due timers (a short write; ``SKIP LOCKED`` on PostgreSQL), runs the batch's
cases in SpiffWorkflow outside any write transaction, then writes the whole batch in one transaction in
which each case is updated only at the version it was read at. A case someone changed meanwhile is left
for the next sweep (never fired twice); a case whose state or process fails is recorded as an incident
(``engine.incidents``) and skipped without stopping the others.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

from sqlalchemy import Table
from sqlalchemy import select
from sqlalchemy import update

from engine import audit
from engine import incidents
from engine import spiff
from engine.clock import aware
from engine.context import Context
from engine.deployment import Deployment
from engine.errors import EngineError
from engine.models import Case
from engine.models import OpenTask
from engine.models import Timer
from engine.store import Plan
from engine.store import Store
from engine.store import note_stall

SWEEP_BATCH = 100     # due timers a sweeping worker leases and writes per transaction
LEASE_SECONDS = 60    # how long a leased timer is left to its worker before another may take it
_TIMERS = cast(Table, Timer.__table__)


class TimerSweep:
    def __init__(self, ctx: Context, deployment: Deployment, store: Store):
        self.ctx = ctx
        self.deployment = deployment
        self.store = store

    def fire_due_timers(self, limit: int = 10_000, batch: int = SWEEP_BATCH) -> int:
        """Fire every due timer once; safe with several workers. Returns the number of cases advanced."""
        advanced = 0
        skip: set[str] = set()
        token = str(uuid.uuid4())
        try:
            while advanced < limit:
                now = self.ctx.now()
                case_ids = self.lease_due(now, token, min(batch, limit - advanced), skip)
                if not case_ids:
                    break
                plans = self.plans(case_ids, now, skip)
                if plans:
                    advanced += self.apply_plans(plans, now, skip)
        finally:
            if skip:
                self.release_leases(token)
        return advanced

    def lease_due(self, now: dt.datetime, token: str, batch: int, skip: set[str]) -> list[str]:
        """Lease up to ``batch`` due timers not leased by a live worker; the ids of their cases."""
        def due_query(*cols):
            q = select(*cols).where(Timer.due_at <= now,
                                    (Timer.leased_until.is_(None)) | (Timer.leased_until < now))
            if skip:
                q = q.where(Timer.case_id.not_in(skip))
            return q.where(Timer.case_id.not_in(incidents.backing_off(now)))   # failing: retried with backoff

        db = self.ctx.db
        with db.read() as s:   # the common case, nothing due, costs one indexed read and no lock
            if s.execute(due_query(Timer.id).limit(1)).first() is None:
                return []
        with db.write() as s:
            pick = due_query(Timer.id).order_by(Timer.due_at).limit(batch)
            if not db.is_sqlite:
                pick = pick.with_for_update(skip_locked=True)
            lease = (update(_TIMERS).where(_TIMERS.c.id.in_(pick.scalar_subquery()))
                     .values(leased_by=token, leased_until=now + dt.timedelta(seconds=LEASE_SECONDS)))
            if s.get_bind().dialect.update_returning:
                ids = set(s.execute(lease.returning(_TIMERS.c.case_id)).scalars())
            else:   # (an SQLite older than 3.35)
                s.execute(lease)
                ids = set(s.execute(select(Timer.case_id).where(Timer.leased_by == token)).scalars())
            return sorted(ids - skip)

    def release_leases(self, token: str) -> None:
        """Give back the leases a sweep holds on timers it skipped, so the next sweep retries them at once."""
        with self.ctx.db.write() as s:
            s.execute(update(_TIMERS).where(_TIMERS.c.leased_by == token).values(leased_by=None, leased_until=None))

    def plans(self, case_ids: list[str], now: dt.datetime, skip: set[str]) -> list[Plan]:
        """Run each leased case's due timers in SpiffWorkflow (reads only); the writes to make."""
        deployment, store = self.deployment, self.store
        plans = []
        failures: list[tuple[str, str]] = []
        with self.ctx.db.read() as s:
            cases = list(s.execute(select(Case).where(Case.id.in_(case_ids), Case.status == "open")).scalars())
            stored = {c.id: spiff.Stored(set(), {}) for c in cases}   # the rows as they are (not as they should be)
            due: dict[str, list[Timer]] = {}
            for t in s.execute(select(Timer).where(Timer.case_id.in_(case_ids))).scalars():
                if t.case_id in stored:
                    stored[t.case_id].timers[t.id] = (t.due_at, t.attached_to)
                if t.due_at <= now:
                    due.setdefault(t.case_id, []).append(t)
            for cid, tid in s.execute(select(OpenTask.case_id, OpenTask.id).where(OpenTask.case_id.in_(case_ids))):
                if cid in stored:
                    stored[cid].tasks.add(tid)
            for case in cases:
                try:
                    lv = deployment.loaded_id(s, case.process_version_id)
                    wf = deployment.load(case, lv)
                    deployment.advance(wf)
                    fired = due.get(case.id, [])
                    plan = store.plan(s, case, wf, lv, stored[case.id],
                                      {t.attached_to for t in fired if t.attached_to})
                except Exception as exc:   # never stops the sweep: recorded as an incident, retried later
                    skip.add(case.id)
                    failures.append((case.id, exc.message if isinstance(exc, EngineError) else spiff.describe(exc)))
                    continue
                still_due = {t["id"] for t in plan.all_timers if t["due_at"] <= now}
                if still_due:
                    skip.add(case.id)   # SpiffWorkflow did not fire it: not again in this sweep
                plan.events = [audit.Event(now, "timer-worker", "timer.fire", case.id, t.id,
                                           {"event": t.event_name, "due_at": aware(t.due_at).isoformat(),
                                            "guarded_task": t.attached_to})
                               for t in fired if t.id not in still_due]
                plans.append(plan)
            skip.update(set(case_ids) - {c.id for c in cases})
        for case_id, error in failures:
            incidents.record_failure(self.ctx, case_id, error, now)
        return plans

    def apply_plans(self, plans: list[Plan], now: dt.datetime, skip: set[str]) -> int:
        """Write a batch of timer plans in one transaction; cases changed since they were read are skipped."""
        with self.ctx.db.write() as s:
            applied = self.store.store_batch(s, plans)
            written = {p.case.id for p in applied}
            skip.update(p.case.id for p in plans if p.case.id not in written)
            incidents.clear(s, written)
            for p in applied:
                note_stall(s, p, now)
        return len(applied)
