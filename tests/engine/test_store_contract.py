"""The write path's contract (engine.store), run against each writer: the generic one (one statement per
table) on SQLite and on PostgreSQL, and PostgreSQL's one-statement writer (engine.pgwrite).

Whatever the writer, a case's rows after a write are the rows its stored state implies, a write made at a
stale case version writes nothing, a batch writes only its fresh cases, and a moved timer is replaced with
its lease cleared."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from engine import audit
from engine import pgwrite
from engine import spiff
from engine.clock import aware
from engine.errors import Conflict
from engine.models import AuditEvent
from engine.models import Case
from engine.models import CaseStep
from engine.models import OpenTask
from engine.models import Timer
from engine.runtime import Actor
from engine.store import GenericWriter
from engine.store import Plan
from engine.store import PostgresWriter
from engine.store import Store
from tests.support.diff_bpmn import boundary_timers

pytestmark = pytest.mark.parametrize(("db_url", "writer_kind"), [
    ("sqlite", "generic"), ("postgres", "generic"), ("postgres", "one_statement")], indirect=True)
SYSTEM = Actor("test")


@pytest.fixture
def writer_kind(request):
    return request.param


@pytest.fixture
def store(engine, writer_kind) -> Store:
    writer = GenericWriter(engine.ctx) if writer_kind == "generic" else PostgresWriter(engine.ctx)
    return Store(engine.ctx, engine.router, engine.calendars, writer)


def _start(engine) -> Case:
    """A case waiting at user task ``work`` with two boundary timers (3 h non-interrupting, 12 h)."""
    engine.deploy(boundary_timers(), SYSTEM, main_id="boundary")
    return engine.start_case("boundary", {}, SYSTEM, incident_commune="X01")


def _rows(engine, case_id: str) -> tuple[set[str], dict[str, dt.datetime]]:
    with engine.db.read() as s:
        tasks = set(s.execute(select(OpenTask.id).where(OpenTask.case_id == case_id)).scalars())
        timers = {tid: aware(due) for tid, due in s.execute(select(Timer.id, Timer.due_at)
                                                             .where(Timer.case_id == case_id))}
    return tasks, timers


def _implied(engine, case_id: str) -> tuple[set[str], dict[str, dt.datetime]]:
    """The rows the case's stored state implies."""
    stored = spiff.stored_rows(engine.workflow(engine.get_case(case_id)))
    return stored.tasks, {tid: due for tid, (due, _attached) in stored.timers.items()}


def _count(engine, model, *where) -> int:
    with engine.db.read() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar()


def _step(case: Case, task_id: str, now: dt.datetime) -> dict:
    return dict(case_id=case.id, task_id=task_id, task_name="work", title="Xử lý", agency_id=None, user_id=None,
                user_name="test", opened_at=now, completed_at=now, due_at=None, deadline_rule=None, on_time=None)


def _complete_work(engine, store: Store, s, case: Case) -> None:
    """Complete ``work`` the way ``complete`` does, writing through ``store``."""
    now = engine.now()
    lv = engine.deployment.loaded_id(s, case.process_version_id)
    wf = engine.deployment.load(case, lv)
    before = spiff.stored_rows(wf)
    task = spiff.ready_manual(wf)[0]
    spiff.run_task(task, engine.clock, "work")
    engine.deployment.advance(wf)
    store.store(s, case, wf, lv, before=before, step=_step(case, str(task.id), now),
                events=[audit.Event(now, "test", "test.write", case.id, str(task.id))])


def test_a_write_leaves_the_rows_the_state_implies(engine, store):
    case = _start(engine)
    assert _rows(engine, case.id) == _implied(engine, case.id) and len(_rows(engine, case.id)[1]) == 2
    with engine.db.write() as s:
        locked = engine.cases.case_for_update(s, case.id)
        _complete_work(engine, store, s, locked)
        assert locked.version == case.version + 1   # the object holds what its row holds
    tasks, timers = _rows(engine, case.id)
    assert (tasks, timers) == _implied(engine, case.id) and len(tasks) == 1 and timers == {}
    assert engine.get_case(case.id).version == case.version + 1
    assert _count(engine, CaseStep, CaseStep.case_id == case.id) == 1
    assert _count(engine, AuditEvent, AuditEvent.action == "test.write") == 1
    with engine.db.read() as s:
        assert audit.verify(s) == []


def test_a_write_at_a_stale_version_writes_nothing(engine, store):
    case = _start(engine)
    before = _rows(engine, case.id)
    stale = engine.get_case(case.id)
    with engine.db.write() as s:   # someone else writes the case meanwhile
        s.execute(update(Case).where(Case.id == case.id).values(version=Case.version + 1))
    with pytest.raises(Conflict):
        with engine.db.write() as s:
            _complete_work(engine, store, s, stale)
    assert _rows(engine, case.id) == before
    assert _count(engine, CaseStep, CaseStep.case_id == case.id) == 0
    assert _count(engine, AuditEvent, AuditEvent.action == "test.write") == 0
    assert engine.get_case(case.id).version == case.version + 1


def test_a_batch_writes_its_fresh_cases_and_flags_the_guarded_task(engine, store, clock):
    fresh, moved_on = _start(engine), _start(engine)
    untouched = _rows(engine, moved_on.id)
    clock.advance(dt.timedelta(hours=3, minutes=1))   # the non-interrupting nudge on ``work`` has passed
    now = engine.now()
    plans = []
    with engine.db.read() as s:
        for case_id in (fresh.id, moved_on.id):
            case = s.get(Case, case_id)
            lv = engine.deployment.loaded_id(s, case.process_version_id)
            wf = engine.deployment.load(case, lv)
            stored = spiff.stored_rows(wf)
            engine.deployment.advance(wf)
            plan = store.plan(s, case, wf, lv, stored, {a for _due, a in stored.timers.values() if a})
            plan.events = [audit.Event(now, "timer-worker", "timer.fire", case_id)]
            plans.append(plan)
    with engine.db.write() as s:
        s.execute(update(Case).where(Case.id == moved_on.id).values(version=Case.version + 1))
    with engine.db.write() as s:
        written = store.store_batch(s, plans)
    assert [p.case.id for p in written] == [fresh.id]
    tasks, timers = _rows(engine, fresh.id)
    assert (tasks, timers) == _implied(engine, fresh.id) and len(tasks) == 2 and len(timers) == 1
    with engine.db.read() as s:
        flagged = {tid: aware(at) for tid, at in s.execute(select(OpenTask.id, OpenTask.escalated_at).where(
            OpenTask.case_id == fresh.id, OpenTask.escalated_at.is_not(None)))}
        assert audit.verify(s) == []
    assert list(flagged.values()) == [now]
    assert _rows(engine, moved_on.id) == untouched
    assert _count(engine, AuditEvent, AuditEvent.action == "timer.fire", AuditEvent.case_id == fresh.id) == 1
    assert _count(engine, AuditEvent, AuditEvent.action == "timer.fire", AuditEvent.case_id == moved_on.id) == 0


def test_a_moved_timer_is_replaced_and_its_lease_cleared(engine, store, clock):
    case = _start(engine)
    with engine.db.write() as s:
        timer = s.execute(select(Timer).where(Timer.case_id == case.id).order_by(Timer.due_at)).scalars().first()
        timer.leased_by, timer.leased_until = "worker-1", clock.now()
        timer_id, event_name, attached = timer.id, timer.event_name, timer.attached_to
    moved_to = clock.now() + dt.timedelta(days=3)
    row = {"id": timer_id, "case_id": case.id, "event_name": event_name, "attached_to": attached,
           "due_at": moved_to, "leased_by": None, "leased_until": None}
    with engine.db.write() as s:
        current = engine.cases.case_for_update(s, case.id)
        values = {c: getattr(current, c) for c in pgwrite.CASE_COLUMNS}
        values["version"] = current.version + 1
        plan = Plan(current, values, drop=set(), escalate=set(), new_tasks=[], drop_timers={timer_id},
                    timers=[row], all_timers=[row])
        assert store.writer.write(s, plan, None, [])
    with engine.db.read() as s:
        stored = s.get(Timer, timer_id)
        assert (aware(stored.due_at), stored.leased_by, stored.leased_until) == (moved_to, None, None)
        assert s.execute(select(func.count()).select_from(Timer).where(Timer.case_id == case.id)).scalar() == 2
    assert engine.get_case(case.id).version == case.version + 1
