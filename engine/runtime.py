"""The engine: deploy process versions, start cases, complete tasks, fire timers.

Every public write is one database transaction that locks the case row (always first, so writers
never deadlock), loads its SpiffWorkflow state, runs it, stores the new state, writes the rows of
``open_tasks`` and ``timers`` that changed, records the step and appends to the audit log. A case
is guarded by a version counter: a write made against a stale version raises ``Conflict`` (or, in
the timer sweep, is left for the next sweep) and leaves nothing behind.

``Engine`` is the façade the web UI, the CLI, the workflows and the tests use. It composes one service
per responsibility, all sharing one ``Context`` (database, registry, clock):

- ``calendars`` (``engine.calendars``): the working-day calendar;
- ``deployment`` (``engine.deployment``): process versions, their script engines, restoring and running
  a case's workflow (``engine.spiff`` walks SpiffWorkflow's states);
- ``router`` (``engine.routing``): the agency a task goes to;
- ``store`` (``engine.store``): planning and writing a case's rows (SQLite and PostgreSQL writers);
- ``cases`` (``engine.cases``): starting cases, completing, claiming and releasing tasks, linking cases;
- ``timers`` (``engine.timers``): the timer sweep;
- ``queries`` (``engine.queries``): every read.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import Row
from sqlalchemy.orm import Session

from engine.calendars import CALENDAR_TTL
from engine.calendars import Calendars
from engine.cases import Cases
from engine.clock import Clock
from engine.clock import SystemClock
from engine.context import Actor
from engine.context import Context
from engine.db import Database
from engine.deployment import Deployment
from engine.deployment import LoadedVersion
from engine.loader import ParsedBundle
from engine.models import Case
from engine.models import CaseStep
from engine.models import IdempotencyKey
from engine.models import OpenTask
from engine.models import ProcessVersion
from engine.models import Timer
from engine.process import ProcessRegistry
from engine.queries import Queries
from engine.queries import agencies_involved
from engine.routing import Router
from engine.spiff import task_key
from engine.store import Store
from engine.timers import LEASE_SECONDS
from engine.timers import SWEEP_BATCH
from engine.timers import TimerSweep
from engine.workdays import WorkCalendar

UTC = dt.timezone.utc
__all__ = ["CALENDAR_TTL", "LEASE_SECONDS", "SWEEP_BATCH", "UTC", "Actor", "Engine", "LoadedVersion", "OpenTask",
           "agencies_involved", "task_key"]


class Engine:
    """Facade over storage and SpiffWorkflow. Build one per process (``make_engine``)."""

    def __init__(self, db: Database, registry: ProcessRegistry, clock: Clock | None = None):
        self.ctx = ctx = Context(db, registry, clock or SystemClock())
        self.calendars = Calendars(ctx)
        self.deployment = Deployment(ctx, self.calendars)
        self.router = Router(ctx)
        self.store = Store(ctx, self.router, self.calendars)
        self.cases = Cases(ctx, self.calendars, self.deployment, self.store)
        self.cases.on_thrown = self._deliver_thrown
        self.timers = TimerSweep(ctx, self.deployment, self.store)
        self.queries = Queries(ctx, self.deployment)

    @property
    def db(self) -> Database:
        return self.ctx.db

    @db.setter
    def db(self, db: Database) -> None:
        self.ctx.db = db

    @property
    def registry(self) -> ProcessRegistry:
        return self.ctx.registry

    @registry.setter
    def registry(self, registry: ProcessRegistry) -> None:
        self.ctx.registry = registry

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.ctx.clock = clock

    def _deliver_thrown(self, case_id: str, events: list) -> None:
        from engine.messages import deliver_thrown

        deliver_thrown(self, case_id, events)

    # ------------------------------------------------------------------ time and calendar
    def now(self) -> dt.datetime:
        return self.ctx.clock.now()

    def calendar(self, session: Session | None = None, province: str | None = None) -> WorkCalendar:
        """The calendar of ``province`` (None: the national one), read now."""
        return self.calendars.calendar(session, province)

    def work_calendar(self, province: str | None = None) -> WorkCalendar:
        """The calendar deadlines are computed on (cached; ``engine.calendars``)."""
        return self.calendars.work_calendar(province)

    def set_calendar_day(self, day: dt.date, working: bool, note: str, actor: Actor) -> None:
        self.calendars.set_calendar_day(day, working, note, actor)

    def clear_calendar_day(self, day: dt.date, actor: Actor) -> bool:
        return self.calendars.clear_calendar_day(day, actor)

    # ------------------------------------------------------------------ process versions
    def validate(self, files: dict[str, bytes], run_guards: bool = True, main_id: str | None = None) -> ParsedBundle:
        """Parse and validate a bundle; raises ``InvalidProcess`` listing every problem."""
        return self.deployment.validate(files, run_guards, main_id)

    def deploy(self, files: dict[str, bytes], actor: Actor, guard_override: dict | None = None,
               main_id: str | None = None) -> ProcessVersion:
        """Store a validated bundle as a new immutable version (or return the identical one)."""
        return self.deployment.deploy(files, actor, guard_override, main_id)

    def versions(self, process_id: str | None = None) -> list[ProcessVersion]:
        return self.deployment.versions(process_id)

    def latest_version(self, session: Session, process_id: str) -> ProcessVersion:
        return self.deployment.latest_version(session, process_id)

    def loaded(self, version: ProcessVersion) -> LoadedVersion:
        """Parsed specs and script engine of a version, built once per process and cached."""
        return self.deployment.loaded(version)

    # ------------------------------------------------------------------ cases
    def start_case(self, process_id: str, data: dict, actor: Actor, *, incident_commune: str,
                   residence_commune: str | None = None, received_at: dt.datetime | None = None,
                   summary: dict | None = None, dedup_key: str | None = None,
                   idempotency: tuple[int, str, str] | None = None, reference: str | None = None,
                   on_start: Callable[[Session, Case], None] | None = None) -> Case:
        """Create a case on the latest version of ``process_id`` and run it to its first waits;
        ``on_start(session, case)``: the caller's writes that belong with it, in the same transaction."""
        return self.cases.start_case(process_id, data, actor, incident_commune=incident_commune,
                                     residence_commune=residence_commune, received_at=received_at,
                                     summary=summary, dedup_key=dedup_key, idempotency=idempotency,
                                     reference=reference, on_start=on_start)

    def replay(self, user_id: int, key: str) -> IdempotencyKey | None:
        """The stored outcome of an earlier request with this Idempotency-Key, if any."""
        return self.cases.replay(user_id, key)

    def complete_task(self, task_id: str, data: dict, actor: Actor, expected_version: int | None = None) -> Case:
        """Validate ``data`` with the task's form, complete it and run the case on; one transaction."""
        return self.complete(task_id, data, actor, expected_version, with_tasks=False)[0]

    def complete(self, task_id: str, data: dict, actor: Actor, expected_version: int | None = None,
                 *, with_tasks: bool = True) -> tuple[Case, list[Row]]:
        """``complete_task``, also returning the case's open tasks as the same transaction left them."""
        return self.cases.complete(task_id, data, actor, expected_version, with_tasks=with_tasks)

    def claim(self, task_id: str, actor: Actor) -> None:
        self.cases.claim(task_id, actor)

    def unclaim(self, task_id: str, actor: Actor) -> None:
        self.cases.unclaim(task_id, actor)

    def link_cases(self, case_id: str, other_id: str, actor: Actor) -> bool:
        """Record an officer's decision that two cases concern the same child. False if already linked."""
        return self.cases.link_cases(case_id, other_id, actor)

    # ------------------------------------------------------------------ timers
    def fire_due_timers(self, limit: int = 10_000, batch: int = SWEEP_BATCH) -> int:
        """Fire every due timer once; safe with several workers. Returns the number of cases advanced."""
        return self.timers.fire_due_timers(limit, batch)

    # ------------------------------------------------------------------ reads
    def inbox(self, agency_id: int, *, claimed: str = "all", user_id: int | None = None,
              task_name: str | None = None, commune: str | None = None, limit: int = 50,
              offset: int = 0) -> list[OpenTask]:
        return self.queries.inbox(agency_id, claimed=claimed, user_id=user_id, task_name=task_name,
                                  commune=commune, limit=limit, offset=offset)

    def form_for(self, task: OpenTask, case: Case | None = None):
        """The form (validator) the task's process declares for it, or None for a confirm-only task."""
        return self.queries.form_for(task, case)

    def open_tasks(self, case_id: str) -> list[OpenTask]:
        return self.queries.open_tasks(case_id)

    def get_case(self, case_id: str) -> Case:
        return self.queries.get_case(case_id)

    def case_data(self, case_id: str) -> dict:
        """The case's merged data as of its latest completed task (for case views)."""
        return self.queries.case_data(case_id)

    def workflow(self, case: Case) -> BpmnWorkflow:
        """The case's SpiffWorkflow state, restored (read only: nothing is written back)."""
        return self.deployment.workflow(case)

    def task_with_case(self, task_id: str) -> tuple[OpenTask, Case] | None:
        """An open task and its case in one read; None for an unknown or malformed task id."""
        return self.queries.task_with_case(task_id)

    def task_data(self, task_id: str, case: Case | None = None) -> dict:
        """The data a READY task will start from (``case``: the task's case when the caller has read it)."""
        return self.queries.task_data(task_id, case)

    def open_cases_with_key(self, key: str | None, exclude: str | None = None) -> list[Case]:
        """Open cases with the same duplicate key (the same person, to offer linking)."""
        return self.queries.open_cases_with_key(key, exclude)

    def linked_cases(self, case_id: str) -> list[Case]:
        return self.queries.linked_cases(case_id)

    def steps(self, case_id: str) -> list[CaseStep]:
        return self.queries.steps(case_id)

    def waiting_timers(self, case_id: str) -> list[Timer]:
        return self.queries.waiting_timers(case_id)
