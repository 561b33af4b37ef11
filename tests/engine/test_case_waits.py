"""The index of awaited messages and signals (``case_waits``, migration 0023): kept in step with every write of
a case, read by a signal broadcast instead of restoring every open case; cases indexed before it are marked
unknown and indexed when first looked at."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select

from engine import messages
from engine.case_waits import CaseWait
from engine.context import Actor
from tests.engine.test_messages import SIGNAL
from tests.support.diff_bpmn import event_gateway
from tests.support.samples import actor_for
from tests.support.samples import open_task


def _rows(engine, case_id=None):
    with engine.db.read() as s:
        q = select(CaseWait.case_id, CaseWait.kind, CaseWait.name)
        if case_id:
            q = q.where(CaseWait.case_id == case_id)
        return sorted(tuple(r) for r in s.execute(q))


def test_each_write_keeps_the_index_in_step_with_the_state(engine):
    engine.deploy(event_gateway(), Actor("test"), main_id="event_gw")
    case = engine.start_case("event_gw", {}, Actor("test"), incident_commune="X01")
    assert _rows(engine, case.id) == []                       # first a user task: nothing awaited
    officer = actor_for(engine, "canbo.x01")
    engine.complete_task(open_task(engine, case.id, "ask").id, {}, officer)
    assert _rows(engine, case.id) == [(case.id, "message", "answer")]   # the gateway races a message and a timer
    messages.deliver(engine, case.id, "message", "answer", {"reply": "ok"}, officer)
    assert _rows(engine, case.id) == []                       # delivered: no longer awaited


def test_a_broadcast_reads_the_index_and_reaches_only_waiting_cases(engine):
    engine.deploy(SIGNAL, Actor("test"), main_id="wait_signal")
    engine.deploy(event_gateway(), Actor("test"), main_id="event_gw")
    waiting = [engine.start_case("wait_signal", {}, Actor("test"), incident_commune="X01").id for _ in range(3)]
    others = [engine.start_case("event_gw", {}, Actor("test"), incident_commune="X01").id for _ in range(4)]
    restored = []
    real = engine.deployment.workflow
    engine.deployment.workflow = lambda case: restored.append(case.id) or real(case)
    assert sorted(messages.waiting_cases(engine, "signal", "case_withdrawn", None, 100)) == sorted(waiting)
    assert restored == []                                     # no case state restored to find them
    engine.deployment.workflow = real
    reached = messages.broadcast(engine, "case_withdrawn", {}, Actor("system", role="system"))
    assert sorted(reached) == sorted(waiting)   # one clock instant: oldest first ties
    assert [r for r in _rows(engine) if r[0] in waiting] == []
    assert all(engine.open_tasks(cid)[0].task_name == "close" for cid in waiting)
    assert {r[0] for r in _rows(engine)} <= set(others)


def test_cases_indexed_before_the_migration_are_found_and_indexed_on_first_look(engine):
    engine.deploy(SIGNAL, Actor("test"), main_id="wait_signal")
    old = [engine.start_case("wait_signal", {}, Actor("test"), incident_commune="X01").id for _ in range(2)]
    with engine.db.write() as s:   # as migration 0023 leaves a case it could not read: marked unknown
        s.execute(delete(CaseWait))
        s.execute(insert(CaseWait), [{"case_id": cid, "kind": "*", "name": "*"} for cid in old])
    assert sorted(messages.waiting_cases(engine, "signal", "case_withdrawn", "X01", 100)) == sorted(old)
    assert _rows(engine) == sorted((cid, "signal", "case_withdrawn") for cid in old)
    assert messages.waiting_cases(engine, "signal", "other", None, 100) == []
