"""The write path: what a case's new workflow state implies (a ``Plan``: case columns, open tasks and timers
to add, drop and flag) and writing it at the version the case was read at.

Two ``Writer`` implementations keep the same contract (``tests/engine/test_store_contract.py``): the
generic one, one statement per table (SQLite; also the timer sweep's batches on PostgreSQL), and
``PostgresWriter``, one statement per case (``engine.pgwrite``). A write whose case row moved on since
it was read writes nothing and reports it, so the caller raises ``Conflict`` or skips the case.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol
from typing import cast

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine import audit
from engine import case_waits
from engine import incidents
from engine import pgwrite
from engine import serializer
from engine import spiff
from engine.calendars import Calendars
from engine.context import Context
from engine.deployment import LoadedVersion
from engine.errors import Conflict
from engine.models import Case
from engine.models import CaseStep
from engine.models import OpenTask
from engine.models import Timer
from engine.notify import outbox
from engine.process import ProcessConfig
from engine.routing import Router
from engine.status import stall
from engine.workdays import parse_instant

_log = logging.getLogger("bvte.timers")
# Core tables for the hot writes (no ORM unit of work)
_CASES = cast(Table, Case.__table__)
_TASKS = cast(Table, OpenTask.__table__)
_TIMERS = cast(Table, Timer.__table__)
_STEPS = cast(Table, CaseStep.__table__)
_UPDATE_CASE = update(_CASES).where(_CASES.c.id == bindparam("b_id"))   # SET from each row's keys
_INSERT_STEP = insert(_STEPS)


@dataclass
class Plan:
    """What storing one case's new workflow state writes (see ``Store.plan``)."""

    case: Case
    values: dict[str, Any]
    drop: set[str]
    escalate: set[str]
    new_tasks: list[dict]
    drop_timers: set[str]
    timers: list[dict]          # timers to insert (new or moved)
    all_timers: list[dict]      # every waiting timer after the change
    events: list[audit.Event] = field(default_factory=list)
    stalled: tuple[str, str] | None = None   # (where, sentence) when the new state cannot move at all
    waits: tuple[set, set, bool] = (set(), set(), False)   # case_waits rows: drop, add, replace all


class Writer(Protocol):
    """Writes plans in the caller's transaction, each only if its case row is still at the version read."""

    def write(self, s: Session, plan: Plan, step: dict | None, events: list[audit.Event]) -> bool:
        """One case with its step and audit events; False (nothing written) if the case moved on."""

    def write_batch(self, s: Session, plans: list[Plan]) -> list[Plan]:
        """Several cases with each plan's own ``events``; the plans written (the others' cases moved on)."""


class GenericWriter:
    """One statement per table, for any database; the batch locks its case rows in id order where the
    database has row locks (two sweepers never deadlock)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def write(self, s: Session, plan: Plan, step: dict | None, events: list[audit.Event]) -> bool:
        if step is not None:
            s.execute(_INSERT_STEP, step)
        written = self.update_case(s, plan)
        if written:
            self.apply(s, [plan])
            audit.append_many(s, events, {plan.case.id: plan.values["province_code"]})
        return written

    def write_batch(self, s: Session, plans: list[Plan]) -> list[Plan]:
        applied = self.update_cases(s, plans)
        self.apply(s, applied)
        audit.append_many(s, [e for p in applied for e in p.events],
                          {p.case.id: p.values["province_code"] for p in applied})
        return applied

    @staticmethod
    def update_case(s: Session, plan: Plan) -> bool:
        """Update the case row at the version it was read at; False if someone changed it since."""
        case = plan.case
        result = s.execute(update(_CASES).where(_CASES.c.id == case.id, _CASES.c.version == case.version)
                           .values(**plan.values))
        if getattr(result, "rowcount", 0) != 1:
            return False
        mark_written(plan)
        return True

    def update_cases(self, s: Session, plans: list[Plan]) -> list[Plan]:
        """Update a batch of case rows, each only at the version it was read at: the batch's rows are
        locked (in id order, so two sweepers never deadlock), checked, and written in one executemany."""
        q = select(_CASES.c.id, _CASES.c.version).where(_CASES.c.id.in_([p.case.id for p in plans]))
        if not self.ctx.db.is_sqlite:
            q = q.order_by(_CASES.c.id).with_for_update()
        current = {row.id: row.version for row in s.execute(q)}
        applied = [p for p in plans if current.get(p.case.id) == p.case.version]
        if applied:
            s.execute(_UPDATE_CASE, [dict(p.values, b_id=p.case.id) for p in applied])
        for plan in applied:
            mark_written(plan)
        return applied

    def apply(self, s: Session, plans: list[Plan]) -> None:
        """The open-task and timer rows of several planned cases, in a few set-based statements."""
        if not plans:
            return
        now = self.ctx.now()
        gone = [tid for p in plans for tid in p.drop]
        if gone:
            s.execute(delete(_TASKS).where(_TASKS.c.id.in_(gone)))
        flagged = [tid for p in plans for tid in p.escalate]
        if flagged:
            s.execute(update(_TASKS).where(_TASKS.c.id.in_(flagged)).values(escalated_at=now))
        new_rows = [row for p in plans for row in p.new_tasks]
        if new_rows:
            s.execute(insert(_TASKS), new_rows)
        gone_timers = [tid for p in plans for tid in p.drop_timers]
        if gone_timers:
            s.execute(delete(_TIMERS).where(_TIMERS.c.id.in_(gone_timers)))
        timers = [row for p in plans for row in p.timers]
        if timers:
            s.execute(insert(_TIMERS), timers)
        write_waits(s, plans)


class PostgresWriter(GenericWriter):
    """A case's whole write in one statement (``engine.pgwrite``); batches as the generic writer."""

    def write(self, s: Session, plan: Plan, step: dict | None, events: list[audit.Event]) -> bool:
        case = plan.case
        written = pgwrite.write_case(
            s, case.id, case.version, plan.values, self.ctx.now(), steps=[step] if step else [], drop_tasks=plan.drop,
            flag_tasks=plan.escalate, new_tasks=plan.new_tasks, drop_timers=plan.drop_timers, timers=plan.timers,
            events=audit.chain(s, events, {case.id: plan.values["province_code"]}))
        if written:
            mark_written(plan)
            write_waits(s, [plan])
        return written


def write_waits(s: Session, plans: list[Plan]) -> None:
    """The ``case_waits`` rows that changed (``engine.case_waits``), in the caller's transaction."""
    rows = [(p.case.id, *p.waits) for p in plans if any(p.waits)]
    if rows:
        case_waits.write(s, rows)


def mark_written(plan: Plan) -> None:
    """The case object now holds what its row holds (without marking it dirty for the ORM)."""
    for key, value in plan.values.items():
        set_committed_value(plan.case, key, value)


class Store:
    """Plans a case's rows from its workflow state and writes them through the database's ``Writer``."""

    def __init__(self, ctx: Context, router: Router, calendars: Calendars, writer: Writer | None = None):
        self.ctx = ctx
        self.router = router
        self.calendars = calendars
        self.writer: Writer = writer or (GenericWriter(ctx) if ctx.db.is_sqlite else PostgresWriter(ctx))

    def store(self, s: Session, case: Case, wf: BpmnWorkflow, lv: LoadedVersion,
              escalated: set[str] | None = None, *, bump: bool = True, process_version_id: int | None = None,
              before: spiff.Stored | None = None, step: dict | None = None,
              events: list[audit.Event] | None = None) -> None:
        """Write the case's new state, its open tasks and its waiting timers in the caller's transaction,
        with the ``step`` completed (a ``case_steps`` row) and the audit ``events`` it makes.

        ``before``: the open tasks and timers of the state as loaded (``spiff.stored_rows`` before running
        it), which are the rows stored with it; only the difference is written. Without it they are read.
        Raises ``Conflict`` (nothing written) when the case row changed since ``case`` was read.
        """
        if before is None:
            before = spiff.Stored(set(), {}) if not bump else spiff.Stored(
                set(s.execute(select(OpenTask.id).where(OpenTask.case_id == case.id)).scalars()),
                {tid: (due, None) for tid, due in s.execute(select(Timer.id, Timer.due_at)
                                                            .where(Timer.case_id == case.id))})
        plan = self.plan(s, case, wf, lv, before, escalated or set(), bump=bump,
                         process_version_id=process_version_id)
        commune_before = case.commune_code
        events = with_state_hash(events or [], plan, self.ctx.now())
        if not self.writer.write(s, plan, step, events):
            raise Conflict("hồ sơ vừa được người khác cập nhật / the case was changed by someone else")
        outbox.enqueue_for_plan(s, self.ctx, plan, commune_before, lv.config.notify)   # same transaction
        note_stall(s, plan, self.ctx.now())

    def store_batch(self, s: Session, plans: list[Plan]) -> list[Plan]:
        """Write planned cases (each with its ``events``) in the caller's transaction; the plans written."""
        communes = {p.case.id: p.case.commune_code for p in plans}
        for p in plans:
            p.events = with_state_hash(p.events, p, self.ctx.now())
        applied = self.writer.write_batch(s, plans)
        for p in applied:   # their notifications, in the same transaction
            outbox.enqueue_for_plan(s, self.ctx, p, communes[p.case.id])
        return applied

    def plan(self, s: Session, case: Case, wf: BpmnWorkflow, lv: LoadedVersion, before: spiff.Stored,
             escalated: set[str], *, bump: bool = True, process_version_id: int | None = None) -> Plan:
        """The rows a case's new workflow state implies: open tasks and timers to add and drop, case columns."""
        now = self.ctx.now()
        cfg = lv.config
        router = self.router
        existing = before.tasks
        keep: set[str] = set()
        new_rows = []
        commune_now = case.commune_code
        for task in spiff.ready_manual(wf):
            tid = str(task.id)
            keep.add(tid)
            commune = task.data.get(cfg.commune_field) or case.commune_code
            commune_now = commune
            if tid in existing:
                continue
            agency_type = router.level_agency(s, cfg, task.task_spec.name, router.agency_type(lv, task), commune, now)
            name = spiff.task_key(task)
            rule_name = cfg.task_deadlines.get(name)
            new_rows.append({"id": tid, "case_id": case.id, "task_name": name,
                             "title": task.task_spec.bpmn_name or task.task_spec.name, "lane": task.task_spec.lane,
                             "agency_type": agency_type,
                             "agency_id": router.agency_for(s, agency_type, commune, task.task_spec.name),
                             "commune_code": commune, "due_at": self.task_due(cfg, rule_name, task.data, commune),
                             "deadline_rule": rule_name, "claimed_by": None, "claimed_at": None,
                             "escalated_at": None, "created_at": now})
        timers = {str(t.id): {"id": str(t.id), "case_id": case.id, "event_name": t.task_spec.name,
                              "attached_to": attached, "due_at": due_at, "leased_by": None, "leased_until": None}
                  for t, due_at, attached in spiff.waiting_timers(wf)}
        unchanged = {tid for tid, row in timers.items() if tid in before.timers
                     and before.timers[tid][0] == row["due_at"]}
        serializer.compact(wf)
        values: dict[str, Any] = {"state": serializer.dump_state(wf), "serializer_version": serializer.VERSION,
                                  "updated_at": now, "version": case.version + (1 if bump else 0),
                                  "process_version_id": process_version_id or case.process_version_id,
                                  "commune_code": case.commune_code, "province_code": case.province_code,
                                  "status": case.status, "closed_at": case.closed_at}
        if commune_now != case.commune_code:
            new_commune = router.commune(s, commune_now)
            if new_commune is not None:
                values["commune_code"], values["province_code"] = new_commune
        if wf.is_completed():
            values["status"], values["closed_at"] = "closed", now
        stalled = None
        if not keep and not timers and values["status"] == "open":   # rare: only then is it worth a look
            stalled = stall(wf, "open")
        return Plan(case, values, existing - keep, escalated & existing & keep, new_rows,
                    drop_timers=set(before.timers) - unchanged,
                    timers=[row for tid, row in timers.items() if tid not in unchanged], all_timers=list(timers.values()),
                    stalled=stalled, waits=case_waits.changes(before.waits, case_waits.of_state(wf)))

    def task_due(self, cfg: ProcessConfig, rule_name: str | None, data: dict,
                 commune: str | None = None) -> dt.datetime | None:
        """The due instant of a new task under its deadline rule (None without a rule or a start), on the
        calendar of the province of the task's commune."""
        if not rule_name:
            return None
        rule = cfg.deadlines[rule_name]
        start = data.get(rule.start_field)
        if not start:
            return None
        return rule.due(parse_instant(start), self.calendars.current(commune))


def with_state_hash(events: list[audit.Event], plan: Plan, now: dt.datetime) -> list[audit.Event]:
    """The write's audit events, the last of the case's carrying the SHA-256 of the state written, so that
    ``audit.verify`` finds a ``cases.state`` edited in the database (issue #18.6)."""
    digest = audit.state_digest(plan.values["state"])
    mine = [i for i, e in enumerate(events) if e.case_id == plan.case.id]
    if not mine:
        return [*events, audit.Event(now, "engine", "case.state", plan.case.id, detail={"state_sha256": digest})]
    i = mine[-1]
    last = events[i]
    marked = audit.Event(last.at, last.actor, last.action, last.case_id, last.task_id,
                         {**(last.detail or {}), "state_sha256": digest})
    return [*events[:i], marked, *events[i + 1:]]


def note_stall(s: Session, plan: Plan, now: dt.datetime) -> None:
    """Record the incident of a case whose new state cannot move at all."""
    if plan.stalled is not None:
        incidents.record(s, plan.case.id, "stalled", plan.stalled[0], plan.stalled[1], now)
        _log.error("case %s stalled: %s", plan.case.id, plan.stalled[1])
