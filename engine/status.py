"""What a case is waiting for, and whether it can move at all.

A case is *stalled* when it is open but nothing can ever move it: no READY human task, no waiting
timer, no awaited message or signal. Such a case is the worst failure a child-protection system can
have (a child falls through the cracks while every screen looks normal), so ``bvte check``, the
incidents page and ``bvte cases show`` all ask this module.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.util.task import TaskState

from engine.spiff import all_tasks
from engine.spiff import ready_manual
from engine.spiff import standing_starts
from engine.spiff import task_key
from engine.spiff import waiting_timers


def _kinds(definition) -> list[tuple[str, str]]:
    inner = getattr(definition, "event_definitions", None)
    if inner:
        return [k for d in inner for k in _kinds(d)]
    if isinstance(definition, TimerEventDefinition):   # its subclasses too (duration, date, cycle timers)
        return [("timer", getattr(definition, "name", None) or "")]
    kind = type(definition).__name__.replace("EventDefinition", "").lower() or "event"
    return [(kind, getattr(definition, "name", None) or "")]


def waiting_for(wf, timers: bool = False) -> list[dict]:
    """Every event the case waits on: ``{"kind": "message"|"signal"|…, "name", "element"}`` (timers only
    with ``timers=True``: they have their own list, with due instants)."""
    found: list[dict] = []
    for task in all_tasks(wf):
        if task.state == TaskState.WAITING and isinstance(task.task_spec, CatchingEvent):
            for kind, name in _kinds(task.task_spec.event_definition):
                if kind == "timer" and not timers:
                    continue
                found.append({"kind": kind, "name": name or task_key(task), "element": task_key(task)})
    seen = {(w["kind"], w["name"]) for w in found}
    for start in standing_starts(wf):   # an event sub-process: caught at any time, it does not move the rest
        for kind, name in _kinds(start.event_definition):
            if (kind, name) not in seen:
                seen.add((kind, name))
                found.append({"kind": kind, "name": name, "element": start.bpmn_id, "standing": True})
    return found


def stall(wf, status: str) -> tuple[str, str] | None:
    """None when the case can move (or is closed); else (the elements it stopped at, a sentence)."""
    if status != "open" or wf.is_completed():
        return None
    # an event sub-process that waits for its start event does not count: the case's own path must move
    if ready_manual(wf) or any(True for _ in waiting_timers(wf)) or any(
            not w.get("standing") for w in waiting_for(wf, timers=True)):
        return None
    where = ([task_key(t) for t in all_tasks(wf) if t.state == TaskState.READY]
             or [task_key(t) for t in all_tasks(wf) if t.state == TaskState.WAITING]
             or [task_key(t) for t in all_tasks(wf) if t.state == TaskState.STARTED] or ["?"])
    at = ", ".join(sorted(set(where)))
    return at, (f"hồ sơ không thể tiếp tục: không có nhiệm vụ, hẹn giờ hay sự kiện nào đang chờ (dừng ở {at}) / "
                f"the case cannot move: no open task, timer or awaited event (stopped at {at})")


def stall_problem(wf, status: str) -> str | None:
    """None when the case can move (or is closed); else a sentence saying where it stopped."""
    found = stall(wf, status)
    return found[1] if found else None


def describe(engine, case_ref: str) -> dict:
    """A case as ``bvte cases show --json`` prints it (found by id or by reference): status, open tasks,
    waiting timers, awaited events, and ``problem`` (None, or why it cannot move)."""
    from sqlalchemy import select

    from engine.clock import aware
    from engine.errors import NotFound
    from engine.models import Case

    def iso(instant):
        return aware(instant).isoformat() if instant is not None else None

    with engine.db.read() as s:
        case = s.get(Case, case_ref) or s.execute(select(Case).where(Case.reference == case_ref)).scalar()
    if case is None:
        raise NotFound(f"không tìm thấy hồ sơ / no case '{case_ref}'")
    wf = engine.workflow(case)
    version = next(v for v in engine.versions() if v.id == case.process_version_id)
    return {
        "id": case.id, "reference": case.reference, "status": case.status, "process": version.process_id,
        "version": version.version, "commune": case.commune_code,
        "open_tasks": [{"id": t.id, "name": t.task_name, "title": t.title, "agency": t.agency_type,
                        "claimed_by": t.claimed_by, "due_at": iso(t.due_at)} for t in engine.open_tasks(case.id)],
        "timers": [{"name": t.event_name, "due_at": iso(t.due_at)} for t in engine.waiting_timers(case.id)],
        "waiting_for": [{"kind": w["kind"], "name": w["name"]} for w in waiting_for(wf)],
        "problem": stall_problem(wf, case.status),
    }
