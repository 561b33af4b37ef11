"""Reopening a wrongly completed step: SpiffWorkflow's ``reset_from_task_id`` puts the completed user task
back to READY (the steps that followed it are undone), with a written reason; one transaction that locks
the case, stores the new state, its open tasks and timers, and its audit event.

Built on the engine's services (``Engine.deployment``, ``Engine.store``) so the split modules stay as they
are; the call into SpiffWorkflow's reset would belong in ``engine.spiff`` (the one place that walks its
state) once that module may change.
"""

from __future__ import annotations

import uuid

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import audit
from engine import spiff
from engine.clock import using_clock
from engine.context import Actor
from engine.errors import Conflict
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import AuditEvent
from engine.models import Case
from engine.models import CaseStep

MIN_REASON = 20


def reopenable(engine, case_id: str) -> list[CaseStep]:
    """The completed steps of the case whose task can still be put back (newest first)."""
    wf = None
    out = []
    for step in reversed(engine.steps(case_id)):
        if wf is None:
            wf = engine.workflow(engine.get_case(case_id))
        task = _find(wf, step.task_id)
        if task is not None and task.state == TaskState.COMPLETED:
            out.append(step)
    return out


def _find(wf, task_id: str):
    try:
        tid = uuid.UUID(task_id)
    except ValueError:
        return None
    if tid in wf.tasks:
        return wf.tasks[tid]
    for sub in wf.subprocesses.values():
        if tid in sub.tasks:
            return sub.tasks[tid]
    return None


def reopen_step(engine, case_id: str, step_id: int, reason: str, actor: Actor) -> str:
    """Put the step's task back to READY (the steps after it undone) and record why; returns the task id.

    Raises ``InvalidTaskData`` for a reason shorter than ``MIN_REASON``, ``NotFound`` for a step not of the
    case, ``Conflict`` when its task can no longer be reset (its branch has ended or was replaced).
    """
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise InvalidTaskData({"reason": [f"Lý do phải cụ thể (ít nhất {MIN_REASON} ký tự) / "
                                          f"Give a specific reason (at least {MIN_REASON} characters)"]})
    now = engine.now()
    with engine.db.write() as s:
        q = select(Case).where(Case.id == case_id)
        case = s.execute(q if engine.db.is_sqlite else q.with_for_update()).scalar()
        step = s.get(CaseStep, step_id)
        if case is None or step is None or step.case_id != case_id:
            raise NotFound("không tìm thấy bước / step not found")
        lv = engine.deployment.loaded_id(s, case.process_version_id)
        wf = engine.deployment.load(case, lv)
        task = _find(wf, step.task_id)
        if task is None or task.state != TaskState.COMPLETED:
            raise Conflict("bước này không thể mở lại nữa / this step can no longer be reopened")
        before = spiff.stored_rows(wf)
        reset(wf, task, engine.clock)
        engine.deployment.advance(wf)
        engine.store.store(s, case, wf, lv, before=before, events=[audit.Event(
            now, actor.label, "task.reopen", case.id, step.task_id,
            {"task": step.task_name, "title": step.title, "completed_by": step.user_name,
             "completed_at": step.completed_at.isoformat(), "reason": reason})])
    return step.task_id


def reset(wf, task, clock) -> None:
    """SpiffWorkflow's ``reset_from_task_id`` with two mends its 3.2.0 needs: the waiting events of the
    undone branch are dropped from the event manager (else the next timer refresh touches deleted tasks),
    and a boundary timer the reset left READY waits again (else it fires at once, due or not)."""
    wf.reset_from_task_id(task.id)
    with using_clock(clock):
        for w in (wf, *wf.subprocesses.values()):
            for t in list(w.tasks.values()):
                if t.state == TaskState.READY and isinstance(t.task_spec, CatchingEvent) and not t.task_spec.manual:
                    t.task_spec.event_definition.reset(t)
                    t._set_state(TaskState.FUTURE)
                    t.task_spec._update(t)
    live = set(wf.tasks) | {tid for sub in wf.subprocesses.values() for tid in sub.tasks}
    for tid in [tid for tid in wf.event_manager.tasks if tid not in live]:
        del wf.event_manager.tasks[tid]


def reopenings(engine, case_id: str) -> list[AuditEvent]:
    """The case's reopened steps, oldest first (who, when, why: from the audit trail)."""
    with engine.db.read() as s:
        return list(s.execute(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                       AuditEvent.action == "task.reopen")
                              .order_by(AuditEvent.id)).scalars())
