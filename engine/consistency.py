"""``bvte check``: the case states, the open-task table and the timer table must agree, and no open case may
be stalled (unable to move: ``engine.status``)."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.db import require
from engine.models import Case
from engine.models import OpenTask
from engine.models import ProcessVersion
from engine.models import Timer
from engine.runtime import Engine
from engine.spiff import waiting_timers
from engine.status import stall_problem


def check(engine: Engine, batch: int = 500) -> tuple[list[str], int]:
    """Return (problems, number of cases checked). Reads only; safe against a live database."""
    problems: list[str] = []
    checked = 0
    last_id = ""
    while True:
        with engine.db.read() as s:
            cases = list(s.execute(select(Case).where(Case.id > last_id).order_by(Case.id).limit(batch)).scalars())
            if not cases:
                break
            ids = [c.id for c in cases]
            open_rows: dict[str, set[str]] = {}
            for tid, cid in s.execute(select(OpenTask.id, OpenTask.case_id).where(OpenTask.case_id.in_(ids))):
                open_rows.setdefault(cid, set()).add(tid)
            timer_rows: dict[str, set[str]] = {}
            for tid, cid in s.execute(select(Timer.id, Timer.case_id).where(Timer.case_id.in_(ids))):
                timer_rows.setdefault(cid, set()).add(tid)
            versions = {c.process_version_id: require(s, ProcessVersion, c.process_version_id) for c in cases}
        for case in cases:
            checked += 1
            last_id = case.id
            try:
                wf = engine.deployment.load(case, engine.loaded(versions[case.process_version_id]))
            except Exception as exc:
                problems.append(f"{case.reference}: state does not load: {exc}")
                continue
            ready = {str(t.id) for t in wf.get_tasks(state=TaskState.READY, manual=True)}
            waiting = {str(t.id) for t, _due, _att in waiting_timers(wf)}
            have_tasks = open_rows.get(case.id, set())
            have_timers = timer_rows.get(case.id, set())
            if ready != have_tasks:
                problems.append(f"{case.reference}: open tasks differ: state has {sorted(ready - have_tasks)} "
                                f"missing from table, table has {sorted(have_tasks - ready)} not ready in state")
            if waiting != have_timers:
                problems.append(f"{case.reference}: timers differ: state {sorted(waiting)} vs table {sorted(have_timers)}")
            stalled = stall_problem(wf, case.status)
            if stalled:
                problems.append(f"{case.reference}: {stalled}")
            if (case.status == "closed") != wf.is_completed():
                problems.append(f"{case.reference}: status '{case.status}' but workflow completed={wf.is_completed()}")
    from engine.incidents import listing

    for inc in listing(engine):
        if inc.kind == "failing":
            problems.append(f"{inc.reference}: engine runs keep failing at {inc.step} since "
                            f"{inc.since.isoformat()} ({inc.attempts} attempt(s)): {inc.error}")
    return problems, checked
