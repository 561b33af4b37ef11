"""A procedure's own correction of the data a running case carries forward, e.g. a follow-up's review schedule
after the province changed the interval: the steps still to come read the new values, the steps done keep
theirs. Not a user action (there is no route to it): a procedure's service calls it, with its reason, audited.

The data of a BPMN case lives on its tasks; the tasks the case waits at (READY, WAITING, STARTED) hand theirs on to
whatever comes next, and take it again from the step they continue from (their nearest completed ancestor) each
time they are updated. ``amend`` reads that data, asks ``change`` what to set, sets it on every waiting task and
its ancestors up to that step, stores the case (one transaction, the case row locked first as every writer
does) and audits ``case.amend`` with the fields, old and new values and the reason.
"""

from __future__ import annotations

from typing import Callable

from SpiffWorkflow.util.task import TaskState

from engine import audit
from engine import spiff
from engine.context import Actor
from engine.errors import Conflict
from engine.models import Case

WAITING = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def amend(engine, case_id: str, change: Callable[[dict], dict | None], actor: Actor, reason: str,
          summary: dict | None = None) -> bool:
    """``change(data)`` -> the fields to set (None or {}: nothing to do) on the waiting tasks of the open case;
    ``summary``: keys merged into the case's summary with them. True when the case was changed; ``NotFound``,
    ``Conflict`` (closed)."""
    from engine.cases import json_safe

    now = engine.now()
    with engine.db.write() as s:
        case: Case = engine.cases.case_for_update(s, case_id)
        if case.status != "open":
            raise Conflict("hồ sơ đã đóng / the case is closed")
        lv = engine.deployment.loaded_id(s, case.process_version_id)
        wf = engine.deployment.load(case, lv)
        waiting = [t for t in spiff.all_tasks(wf) if t.state & WAITING]
        if not waiting:
            return False
        data = {**spiff.merged_data(wf), **waiting[-1].data}
        fields = json_safe(change(dict(data)) or {})
        fields = {k: v for k, v in fields.items() if data.get(k) != v}
        if not fields:
            return False
        before = spiff.stored_rows(wf)
        for task in waiting:   # a waiting task takes its parent's data again each time it is updated (Spiff's
            t = task           # TaskSpec._update_hook): the new values go up to the step it continues from
            while t is not None:
                t.data.update(fields)
                if t.state == TaskState.COMPLETED:
                    break
                t = t.parent
        if summary:
            case.summary = {**(case.summary or {}), **json_safe(summary)}
        engine.store.store(s, case, wf, lv, before=before, events=[audit.Event(
            now, actor.label, "case.amend", case.id, None,
            {"fields": sorted(fields), "old": {k: data.get(k) for k in fields}, "new": fields, "reason": reason})])
    return True
