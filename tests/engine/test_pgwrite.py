"""PostgreSQL's one-statement case write (engine.pgwrite): moved timers, stale versions, the audit head,
the lock order that keeps it free of deadlocks."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from engine import audit
from engine import pgwrite
from engine.models import AuditHead
from engine.models import Case
from engine.models import CaseStep
from engine.models import OpenTask
from engine.models import Timer
from tests.support.samples import REPORT
from tests.support.samples import open_task
from workflows.child_protection.process import open_case

pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)


def _values(case: Case, **changes) -> dict:
    values = {c: getattr(case, c) for c in pgwrite.CASE_COLUMNS}
    values.update(changes)
    return values


def _step(case: Case, now: dt.datetime) -> dict:
    return dict(case_id=case.id, task_id="t-1", task_name="x", title="X", agency_id=None, user_id=None,
                user_name="test", opened_at=now, completed_at=now, due_at=None, deadline_rule=None, on_time=None)


def test_a_moved_timer_is_updated_in_place_and_its_lease_cleared(engine, as_user, clock):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    with engine.db.write() as s:
        timer = s.execute(select(Timer).where(Timer.case_id == case.id)).scalars().first()
        timer.leased_by, timer.leased_until = "worker-1", clock.now()
    moved_to = clock.now() + dt.timedelta(days=3)
    row = {"id": timer.id, "case_id": case.id, "event_name": timer.event_name, "attached_to": timer.attached_to,
           "due_at": moved_to, "leased_by": None, "leased_until": None}
    with engine.db.write() as s:
        current = s.get(Case, case.id)
        events = audit.chain(s, [audit.Event(clock.now(), "test", "test.write", case.id)])
        assert pgwrite.write_case(s, case.id, current.version, _values(current, version=current.version + 1),
                                  clock.now(), steps=[_step(case, clock.now())], drop_tasks=set(), flag_tasks=set(),
                                  new_tasks=[], drop_timers={timer.id}, timers=[row], events=events)
    with engine.db.read() as s:
        stored = s.get(Timer, timer.id)
        assert (stored.due_at, stored.leased_by, stored.leased_until) == (moved_to, None, None)
        assert s.get(Case, case.id).version == case.version + 1
        assert s.execute(select(func.count()).select_from(CaseStep).where(CaseStep.task_id == "t-1")).scalar() == 1
        assert s.get(AuditHead, events[-1]["chain"]).hash == events[-1]["hash"] and events[-1]["chain"] == "P01"
        assert audit.verify(s) == []


def test_a_stale_version_writes_nothing(engine, as_user, clock):
    case = open_case(engine, REPORT, as_user("tongdai111"))

    class Stale(Exception):
        pass

    with pytest.raises(Stale):
        with engine.db.write() as s:
            events = audit.chain(s, [audit.Event(clock.now(), "test", "test.write", case.id)])
            if not pgwrite.write_case(s, case.id, case.version - 1, _values(case, state="{}"), clock.now(),
                                      steps=[_step(case, clock.now())], drop_tasks=set(), flag_tasks=set(),
                                      new_tasks=[], drop_timers=set(), timers=[], events=events):
                raise Stale   # what the engine does (Conflict): the transaction rolls back whole
    with engine.db.read() as s:
        assert s.get(Case, case.id).state == case.state
        assert s.execute(select(func.count()).select_from(CaseStep)).scalar() == 0
        assert audit.verify(s) == []


def test_case_columns_must_be_exactly_the_written_ones(engine, as_user, clock):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    with pytest.raises(ValueError, match="case columns"):
        with engine.db.write() as s:
            pgwrite.write_case(s, case.id, case.version, {"state": "{}"}, clock.now(), steps=[], drop_tasks=set(),
                               flag_tasks=set(), new_tasks=[], drop_timers=set(), timers=[], events=[])


def test_claim_takes_the_case_lock_first_like_every_writer(engine, as_user):
    """Lock order case -> task rows -> audit head for every writer: a claim that locked its task row first
    could hold it while waiting for the audit head, which a completion of the same case holds while it
    deletes that row (a deadlock)."""
    case = open_case(engine, REPORT, as_user("tongdai111"))
    task = open_task(engine, case.id, "initial_assessment")
    officer = as_user("canbo.x01")
    claimed = threading.Event()

    def claim():
        engine.claim(task.id, officer)
        claimed.set()

    with engine.db.write() as s:
        s.execute(select(Case.id).where(Case.id == case.id).with_for_update())   # a writer of the case
        worker = threading.Thread(target=claim)
        worker.start()
        blocked = False
        with engine.db.read_engine.connect() as watch:
            for _ in range(200):
                blocked = watch.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'")).scalar() > 0
                if blocked or claimed.is_set():
                    break
                claimed.wait(0.05)
        assert blocked and not claimed.is_set()   # the claim waits for the case row
    worker.join(30)
    assert claimed.is_set()
    with engine.db.read() as s:
        assert s.get(OpenTask, task.id).claimed_by == officer.user_id
