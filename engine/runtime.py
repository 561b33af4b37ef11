"""The engine: deploy process versions, start cases, complete tasks, fire timers.

Every public write is one database transaction that locks the case row (always first, so writers
never deadlock), loads its SpiffWorkflow state, runs it, stores the new state, writes the rows of
``open_tasks`` and ``timers`` that changed, records the step and appends to the audit log. A case
is guarded by a version counter: a write made against a stale version raises ``Conflict`` (or, in
the timer sweep, is left for the next sweep) and leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import cast

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Row
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine import audit
from engine import incidents
from engine import pgwrite
from engine import serializer
from engine.clock import Clock
from engine.clock import SystemClock
from engine.clock import using_clock
from engine.db import Database
from engine.db import require
from engine.errors import Conflict
from engine.errors import EngineError
from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.errors import WorkflowFailure
from engine.loader import ParsedBundle
from engine.loader import parse_bundle
from engine.models import Agency
from engine.models import CalendarDay
from engine.models import Case
from engine.models import CaseLink
from engine.models import CaseStep
from engine.models import Commune
from engine.models import IdempotencyKey
from engine.models import OpenTask
from engine.models import ProcessVersion
from engine.models import Timer
from engine.process import ProcessConfig
from engine.process import ProcessRegistry
from engine.scripting import make_script_engine
from engine.workdays import VN_TZ
from engine.workdays import WorkCalendar
from engine.workdays import parse_instant

UTC = dt.timezone.utc
SWEEP_BATCH = 100     # due timers a sweeping worker leases and writes per transaction
LEASE_SECONDS = 60    # how long a leased timer is left to its worker before another may take it
_MAX_EXTRA_PASSES = 8  # engine passes after a timer came due while stepping (guards against a loop)
CALENDAR_TTL = 30.0   # seconds: how soon a calendar change made in another process is seen
_log = logging.getLogger("bvte.timers")
# Core tables for the hot writes (no ORM unit of work)
_CASES = cast(Table, Case.__table__)
_TASKS = cast(Table, OpenTask.__table__)
_TIMERS = cast(Table, Timer.__table__)
_STEPS = cast(Table, CaseStep.__table__)
_UPDATE_CASE = update(_CASES).where(_CASES.c.id == bindparam("b_id"))   # SET from each row's keys
_INSERT_STEP = insert(_STEPS)
_TASK_AND_CASE = (select(OpenTask, Case).join(Case, Case.id == OpenTask.case_id)
                  .where(OpenTask.id == bindparam("task_id")).execution_options(populate_existing=True))
_TASK_AND_CASE_LOCKED = _TASK_AND_CASE.with_for_update(of=Case)
_LOCK_CASE_OF_TASK = (select(_CASES.c.id).where(_CASES.c.id == select(_TASKS.c.case_id)
                      .where(_TASKS.c.id == bindparam("task_id")).scalar_subquery()).with_for_update())
_CASE_TASKS = select(_TASKS).where(_TASKS.c.case_id == bindparam("case_id")).order_by(_TASKS.c.created_at)


@dataclass(frozen=True)
class Actor:
    """Who acts. ``agency_id`` is None for system actors (the timer worker, the CLI)."""

    username: str
    user_id: int | None = None
    agency_id: int | None = None
    role: str = "system"

    @property
    def label(self) -> str:
        return self.username


@dataclass
class LoadedVersion:
    row_id: int
    process_id: str
    bundle: ParsedBundle
    config: ProcessConfig
    script_engine: Any


@dataclass
class _Stored:
    """A case's rows in ``open_tasks`` and ``timers`` (ids; timers with due instant and guarded task)."""

    tasks: set[str]
    timers: dict[str, tuple[dt.datetime, str | None]]


@dataclass
class _Plan:
    """What storing one case's new workflow state writes (see ``Engine._plan``)."""

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


class Engine:
    """Facade over storage and SpiffWorkflow. Build one per process (``make_engine``)."""

    def __init__(self, db: Database, registry: ProcessRegistry, clock: Clock | None = None):
        self.db = db
        self.registry = registry
        self.clock = clock or SystemClock()
        self._versions: dict[int, LoadedVersion] = {}
        self._agencies: dict[tuple[str, str], int] = {}
        self._calendar_state: tuple[WorkCalendar | None, float] = (None, 0.0)

    # ------------------------------------------------------------------ time and calendar
    def now(self) -> dt.datetime:
        return self.clock.now()

    def calendar(self, session: Session | None = None) -> WorkCalendar:
        def load(s):
            return {row.day: row.working for row in s.execute(select(CalendarDay)).scalars()}
        if session is not None:
            return WorkCalendar(load(session))
        with self.db.read() as s:
            return WorkCalendar(load(s))

    def work_calendar(self) -> WorkCalendar:
        """The calendar deadlines are computed on, reloaded at most every CALENDAR_TTL seconds (and at
        once after a change made through this engine), so an action does not query it every time."""
        cal, loaded = self._calendar_state
        if cal is None or time.monotonic() - loaded > CALENDAR_TTL:
            cal = self.calendar()
            self._calendar_state = (cal, time.monotonic())
        return cal

    def set_calendar_day(self, day: dt.date, working: bool, note: str, actor: Actor) -> None:
        with self.db.write() as s:
            row = s.get(CalendarDay, day) or CalendarDay(day=day)
            row.working, row.note, row.changed_by, row.changed_at = working, note, actor.label, self.now()
            s.add(row)
            audit.append(s, self.now(), actor.label, "calendar.set", detail={"day": day.isoformat(),
                                                                           "working": working, "note": note})
        self._calendar_state = (None, 0.0)

    def clear_calendar_day(self, day: dt.date, actor: Actor) -> bool:
        with self.db.write() as s:
            row = s.get(CalendarDay, day)
            if row is None:
                return False
            s.delete(row)
            audit.append(s, self.now(), actor.label, "calendar.clear", detail={"day": day.isoformat()})
        self._calendar_state = (None, 0.0)
        return True

    # ------------------------------------------------------------------ process versions
    def validate(self, files: dict[str, bytes], run_guards: bool = True, main_id: str | None = None) -> ParsedBundle:
        """Parse and validate a bundle (main process: ``main_id``, else the first file's first executable
        process); raises ``InvalidProcess`` listing every problem."""
        return parse_bundle(files, self.registry, main_id=main_id, run_guards=run_guards)

    def deploy(self, files: dict[str, bytes], actor: Actor, guard_override: dict | None = None,
               main_id: str | None = None) -> ProcessVersion:
        """Store a validated bundle as a new immutable version (or return the identical one).

        ``guard_override`` ({"reason", "requested_by", "approved_by"}) skips only the statutory guards.
        """
        bundle = self.validate(files, run_guards=guard_override is None, main_id=main_id)
        with self.db.write() as s:
            existing = s.execute(select(ProcessVersion).where(
                ProcessVersion.process_id == bundle.main_id,
                ProcessVersion.content_hash == bundle.content_hash)).scalar()
            if existing is not None:
                return existing
            last = s.execute(select(ProcessVersion.version).where(
                ProcessVersion.process_id == bundle.main_id).order_by(ProcessVersion.version.desc())
                .limit(1)).scalar() or 0
            row = ProcessVersion(process_id=bundle.main_id, version=last + 1, content_hash=bundle.content_hash,
                                 files=bundle.files, deployed_by=actor.label, deployed_at=self.now())
            s.add(row)
            s.flush()
            audit.append(s, self.now(), actor.label, "process.deploy",
                         detail={"process_id": row.process_id, "version": row.version,
                                 "hash": row.content_hash, "files": sorted(bundle.files),
                                 "guard_override": guard_override})
        return row

    def versions(self, process_id: str | None = None) -> list[ProcessVersion]:
        with self.db.read() as s:
            q = select(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version)
            if process_id:
                q = q.where(ProcessVersion.process_id == process_id)
            return list(s.execute(q).scalars())

    def latest_version(self, session: Session, process_id: str) -> ProcessVersion:
        row = session.execute(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                              .order_by(ProcessVersion.version.desc()).limit(1)).scalar()
        if row is None:
            raise NotFound(f"quy trình '{process_id}' chưa được triển khai / process not deployed")
        return row

    def loaded(self, version: ProcessVersion) -> LoadedVersion:
        """Parsed specs and script engine of a version, built once per process and cached."""
        cached = self._versions.get(version.id)
        if cached is not None:
            return cached
        files = {name: text.encode("utf-8") for name, text in version.files.items()}
        bundle = parse_bundle(files, self.registry, main_id=version.process_id, check_forms=False,
                              run_guards=False)   # checked (or overridden) when it was deployed
        cfg = self.registry.config_for(version.process_id)
        lv = LoadedVersion(version.id, version.process_id, bundle, cfg, self._script_engine(cfg))
        self._versions[version.id] = lv
        return lv

    def _script_engine(self, cfg: ProcessConfig):
        def due_factory(context: dict):
            def due(rule_name: str) -> str:
                rule = cfg.deadlines.get(rule_name)
                if rule is None:
                    raise ValueError(f"unknown deadline rule {rule_name!r}")
                start = context.get(rule.start_field)
                if not start:
                    raise ValueError(f"deadline {rule_name}: start field {rule.start_field!r} is not set")
                calendar = self._calendar_state[0] or self.work_calendar()   # loaded before the step
                return rule.due(parse_instant(start), calendar).isoformat()
            return due
        return make_script_engine(helpers={"now_iso": lambda: self.now().isoformat()},
                                  context_helpers={"due": due_factory})

    # ------------------------------------------------------------------ cases
    def start_case(self, process_id: str, data: dict, actor: Actor, *, incident_commune: str,
                   residence_commune: str | None = None, received_at: dt.datetime | None = None,
                   summary: dict | None = None, dedup_key: str | None = None,
                   idempotency: tuple[int, str, str] | None = None, reference: str | None = None) -> Case:
        """Create a case on the latest version of ``process_id`` and run it to its first waits.

        ``idempotency`` = (user id, key, request hash): recorded in the same transaction as the case,
        so a retried request can never create a second case (see ``replay``).
        """
        now = self.now()
        received_at = received_at or now
        if received_at.tzinfo is None:
            raise InvalidTaskData({"received_at": ["cần múi giờ / needs a timezone offset"]})
        if received_at > now + dt.timedelta(minutes=5):
            raise InvalidTaskData({"received_at": ["thời điểm tiếp nhận ở tương lai / receipt time is in the future"]})
        with self.db.write() as s:
            commune = s.get(Commune, incident_commune)
            if commune is None:
                raise InvalidTaskData({"incident_commune": [f"không có xã mã '{incident_commune}' / unknown commune"]})
            if residence_commune and s.get(Commune, residence_commune) is None:
                raise InvalidTaskData({"residence_commune": [f"không có xã mã '{residence_commune}' / unknown commune"]})
            version = self.latest_version(s, process_id)
            lv = self.loaded(version)
            case_id = str(uuid.uuid4())
            payload = _json_safe(dict(data))
            payload.update({"case_id": case_id, "received_at": received_at.isoformat(),
                            "incident_commune": incident_commune,
                            "residence_commune": residence_commune or incident_commune,
                            lv.config.commune_field: incident_commune})
            wf = serializer.Workflow(lv.bundle.spec, lv.bundle.subprocess_specs, script_engine=lv.script_engine)
            wf.get_next_task(state=TaskState.READY).data.update(payload)
            self._advance(wf)
            for _attempt in range(8):   # a generated reference that collides (24 random bits) is drawn again
                case = Case(id=case_id, reference=reference or _reference(commune.code, now),
                            process_version_id=version.id, status="open", commune_code=commune.code,
                            province_code=commune.province_code, incident_commune_code=incident_commune,
                            residence_commune_code=residence_commune, dedup_key=dedup_key,
                            summary=_json_safe(summary or {}), state="", serializer_version=serializer.VERSION,
                            version=1, received_at=received_at, created_at=now, updated_at=now)
                if reference is not None or not self._reference_taken(s, case.reference):
                    break
            s.add(case)
            s.flush()
            self._store(s, case, wf, lv, bump=False, events=[audit.Event(
                now, actor.label, "case.start", case_id,
                detail={"process": process_id, "version": version.version, "reference": case.reference})])
            if idempotency is not None:
                user_id, key, request_hash = idempotency
                s.add(IdempotencyKey(user_id=user_id, key=key, request_hash=request_hash, status=201,
                                     body={"case_id": case_id}, created_at=now))
                s.flush()   # a concurrent retry fails here on the unique key and rolls back whole
        return case

    @staticmethod
    def _reference_taken(s: Session, reference: str) -> bool:
        return s.execute(select(_CASES.c.id).where(_CASES.c.reference == reference)).first() is not None

    def replay(self, user_id: int, key: str) -> IdempotencyKey | None:
        """The stored outcome of an earlier request with this Idempotency-Key, if any."""
        with self.db.read() as s:
            return s.execute(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                          IdempotencyKey.key == key)).scalar()

    def complete_task(self, task_id: str, data: dict, actor: Actor, expected_version: int | None = None) -> Case:
        """Validate ``data`` with the task's form, complete it and run the case on; one transaction."""
        return self.complete(task_id, data, actor, expected_version, with_tasks=False)[0]

    def complete(self, task_id: str, data: dict, actor: Actor, expected_version: int | None = None,
                 *, with_tasks: bool = True) -> tuple[Case, list[Row]]:
        """``complete_task``, also returning the case's open tasks as the same transaction left them:
        ``open_tasks`` rows, with the attributes of ``OpenTask`` (``with_tasks=False``: an empty list, one
        query fewer)."""
        now = self.now()
        _check_task_id(task_id)
        with self.db.write() as s:
            # the case row is the lock every writer of the case takes first (SQLite: the write lock)
            q = _TASK_AND_CASE if self.db.is_sqlite else _TASK_AND_CASE_LOCKED
            row = s.execute(q, {"task_id": task_id}).first()
            if row is None:
                raise self._task_gone(s, task_id, actor)
            ot, case = row
            self._check_may_act(ot, actor)
            if ot.claimed_by is not None and ot.claimed_by != actor.user_id:
                raise Conflict("nhiệm vụ đã được người khác nhận / the task is claimed by someone else")
            if expected_version is not None and case.version != expected_version:
                raise Conflict("hồ sơ đã được người khác cập nhật, hãy tải lại / the case changed since you opened it")
            lv = self._loaded_id(s, case.process_version_id)
            form = lv.config.forms.get(ot.task_name)
            clean = form.validate(data) if form is not None else _json_safe(dict(data))
            wf = self._load(case, lv)
            task = wf.get_task_from_id(uuid.UUID(task_id))
            if task is None or task.state != TaskState.READY:
                raise self._task_gone(s, task_id, actor, still_open=True)
            before = _stored_rows(wf)
            stamps = {f"{ot.task_name}_completed_at": now.isoformat(),
                      f"{ot.task_name}_completed_by": actor.label}
            task.data.update(clean)
            task.data.update(stamps)
            self.work_calendar()   # read before any script runs: due() never queries inside a time limit
            try:
                with using_clock(self.clock):   # timers reached by this completion start from the engine's now
                    task.run()
            except EngineError:
                raise
            except Exception as exc:   # SpiffWorkflow's, a sandboxed script's, or anything else: never a 500
                raise WorkflowFailure(f"quy trình lỗi ở bước {ot.task_name} / process error at step "
                                      f"{ot.task_name}: {_describe(exc)}") from None
            self._advance(wf)
            step = dict(case_id=case.id, task_id=task_id, task_name=ot.task_name, title=ot.title,
                        agency_id=ot.agency_id, user_id=actor.user_id, user_name=actor.label, opened_at=ot.created_at,
                        completed_at=now, due_at=ot.due_at, deadline_rule=ot.deadline_rule,
                        on_time=None if ot.due_at is None else now <= _aware(ot.due_at))
            self._store(s, case, wf, lv, before=before, step=step, events=[audit.Event(
                now, actor.label, "task.complete", case.id, task_id,
                {"task": ot.task_name, "fields": sorted(clean), "data": clean})])
            tasks = list(s.execute(_CASE_TASKS, {"case_id": case.id})) if with_tasks else []
        return case, tasks

    def claim(self, task_id: str, actor: Actor) -> None:
        with self.db.write() as s:
            ot = self._open_task_for_update(s, task_id)
            self._check_may_act(ot, actor)
            if ot.claimed_by not in (None, actor.user_id):
                raise Conflict("nhiệm vụ đã được người khác nhận / the task is claimed by someone else")
            ot.claimed_by, ot.claimed_at = actor.user_id, self.now()
            audit.append(s, self.now(), actor.label, "task.claim", case_id=ot.case_id, task_id=task_id)

    def unclaim(self, task_id: str, actor: Actor) -> None:
        with self.db.write() as s:
            ot = self._open_task_for_update(s, task_id)
            self._check_may_act(ot, actor)
            if ot.claimed_by not in (None, actor.user_id) and actor.role != "chairman":
                raise Conflict("chỉ người đã nhận mới trả lại được / only the claimant can release the task")
            ot.claimed_by, ot.claimed_at = None, None
            audit.append(s, self.now(), actor.label, "task.release", case_id=ot.case_id, task_id=task_id)

    # ------------------------------------------------------------------ timers
    def fire_due_timers(self, limit: int = 10_000, batch: int = SWEEP_BATCH) -> int:
        """Fire every due timer once; safe with several workers. Returns the number of cases advanced.

        A worker leases a batch of due timers (a short write; ``SKIP LOCKED`` on PostgreSQL), runs the
        batch's cases in SpiffWorkflow outside any write transaction, then writes the whole batch in one
        transaction in which each case is updated only at the version it was read at. A case someone
        changed meanwhile is left for the next sweep (never fired twice); a case whose state or process
        fails is logged and skipped without stopping the others.
        """
        advanced = 0
        skip: set[str] = set()
        token = str(uuid.uuid4())
        try:
            while advanced < limit:
                now = self.now()
                case_ids = self._lease_due(now, token, min(batch, limit - advanced), skip)
                if not case_ids:
                    break
                plans = self._timer_plans(case_ids, now, skip)
                if plans:
                    advanced += self._apply_timer_plans(plans, now, skip)
        finally:
            if skip:
                self._release_leases(token)
        return advanced

    def _lease_due(self, now: dt.datetime, token: str, batch: int, skip: set[str]) -> list[str]:
        """Lease up to ``batch`` due timers not leased by a live worker; the ids of their cases."""
        def due_query(*cols):
            q = select(*cols).where(Timer.due_at <= now,
                                    (Timer.leased_until.is_(None)) | (Timer.leased_until < now))
            if skip:
                q = q.where(Timer.case_id.not_in(skip))
            return q.where(Timer.case_id.not_in(incidents.backing_off(now)))   # failing: retried with backoff

        with self.db.read() as s:   # the common case, nothing due, costs one indexed read and no lock
            if s.execute(due_query(Timer.id).limit(1)).first() is None:
                return []
        with self.db.write() as s:
            pick = due_query(Timer.id).order_by(Timer.due_at).limit(batch)
            if not self.db.is_sqlite:
                pick = pick.with_for_update(skip_locked=True)
            lease = (update(_TIMERS).where(_TIMERS.c.id.in_(pick.scalar_subquery()))
                     .values(leased_by=token, leased_until=now + dt.timedelta(seconds=LEASE_SECONDS)))
            if s.get_bind().dialect.update_returning:
                ids = set(s.execute(lease.returning(_TIMERS.c.case_id)).scalars())
            else:   # (an SQLite older than 3.35)
                s.execute(lease)
                ids = set(s.execute(select(Timer.case_id).where(Timer.leased_by == token)).scalars())
            return sorted(ids - skip)

    def _release_leases(self, token: str) -> None:
        """Give back the leases a sweep holds on timers it skipped, so the next sweep retries them at once."""
        with self.db.write() as s:
            s.execute(update(_TIMERS).where(_TIMERS.c.leased_by == token).values(leased_by=None, leased_until=None))

    def _timer_plans(self, case_ids: list[str], now: dt.datetime, skip: set[str]) -> list[_Plan]:
        """Run each leased case's due timers in SpiffWorkflow (reads only); the writes to make."""
        plans = []
        failures: list[tuple[str, str]] = []
        with self.db.read() as s:
            cases = list(s.execute(select(Case).where(Case.id.in_(case_ids), Case.status == "open")).scalars())
            stored = {c.id: _Stored(set(), {}) for c in cases}   # the rows as they are (not as they should be)
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
                    lv = self._loaded_id(s, case.process_version_id)
                    wf = self._load(case, lv)
                    self._advance(wf)
                    fired = due.get(case.id, [])
                    plan = self._plan(s, case, wf, lv, stored[case.id],
                                      {t.attached_to for t in fired if t.attached_to})
                except Exception as exc:   # never stops the sweep: recorded as an incident, retried later
                    skip.add(case.id)
                    failures.append((case.id, exc.message if isinstance(exc, EngineError) else _describe(exc)))
                    continue
                still_due = {t["id"] for t in plan.all_timers if t["due_at"] <= now}
                if still_due:
                    skip.add(case.id)   # SpiffWorkflow did not fire it: not again in this sweep
                plan.events = [audit.Event(now, "timer-worker", "timer.fire", case.id, t.id,
                                           {"event": t.event_name, "due_at": _aware(t.due_at).isoformat(),
                                            "guarded_task": t.attached_to})
                               for t in fired if t.id not in still_due]
                plans.append(plan)
            skip.update(set(case_ids) - {c.id for c in cases})
        for case_id, error in failures:
            incidents.record_failure(self, case_id, error, now)
        return plans

    def _apply_timer_plans(self, plans: list[_Plan], now: dt.datetime, skip: set[str]) -> int:
        """Write a batch of timer plans in one transaction; cases changed since they were read are skipped."""
        with self.db.write() as s:
            applied = self._update_cases(s, plans)
            written = {p.case.id for p in applied}
            skip.update(p.case.id for p in plans if p.case.id not in written)
            self._apply(s, applied)
            audit.append_many(s, [e for p in applied for e in p.events])
            incidents.clear(s, written)
            for p in applied:
                self._note_stall(s, p, now)
        return len(applied)

    @staticmethod
    def _note_stall(s: Session, plan: _Plan, now: dt.datetime) -> None:
        if plan.stalled is not None:
            incidents.record(s, plan.case.id, "stalled", plan.stalled[0], plan.stalled[1], now)
            _log.error("case %s stalled: %s", plan.case.id, plan.stalled[1])

    # ------------------------------------------------------------------ reads
    def inbox(self, agency_id: int, *, claimed: str = "all", user_id: int | None = None,
              task_name: str | None = None, commune: str | None = None, limit: int = 50,
              offset: int = 0) -> list[OpenTask]:
        with self.db.read() as s:
            q = select(OpenTask).where(OpenTask.agency_id == agency_id)
            if claimed == "mine":
                q = q.where(OpenTask.claimed_by == user_id)
            elif claimed == "unclaimed":
                q = q.where(OpenTask.claimed_by.is_(None))
            if task_name:
                q = q.where(OpenTask.task_name == task_name)
            if commune:
                q = q.where(OpenTask.commune_code == commune)
            q = q.order_by(OpenTask.due_at.is_(None), OpenTask.due_at, OpenTask.created_at)
            return list(s.execute(q.limit(limit).offset(offset)).scalars())

    def form_for(self, task: OpenTask, case: Case | None = None):
        """The form (validator) the task's process declares for it, or None for a confirm-only task
        (``case``: the task's case when the caller has it; no query once the version is loaded)."""
        if case is None or case.id != task.case_id:
            case = self.get_case(task.case_id)
        return self._version_of(case.process_version_id).config.forms.get(task.task_name)

    def open_tasks(self, case_id: str) -> list[OpenTask]:
        with self.db.read() as s:
            return list(s.execute(select(OpenTask).where(OpenTask.case_id == case_id)
                                  .order_by(OpenTask.created_at)).scalars())

    def get_case(self, case_id: str) -> Case:
        with self.db.read() as s:
            case = s.get(Case, case_id)
            if case is None:
                raise NotFound("không tìm thấy hồ sơ / case not found")
            return case

    def case_data(self, case_id: str) -> dict:
        """The case's merged data as of its latest completed task (for case views)."""
        case = self.get_case(case_id)
        wf = self._load(case, self._version_of(case.process_version_id))
        merged: dict = {}
        for task in sorted((t for t in wf.tasks.values() if t.state == TaskState.COMPLETED),
                           key=lambda t: t.last_state_change):
            merged.update(task.data)
        merged.update(wf.data)
        return merged

    def workflow(self, case: Case) -> BpmnWorkflow:
        """The case's SpiffWorkflow state, restored (read only: nothing is written back)."""
        return self._load(case, self._version_of(case.process_version_id))

    def task_with_case(self, task_id: str) -> tuple[OpenTask, Case] | None:
        """An open task and its case in one read; None for an unknown or malformed task id."""
        try:
            _check_task_id(task_id)
        except NotFound:
            return None
        with self.db.read() as s:
            row = s.execute(_TASK_AND_CASE, {"task_id": task_id}).first()
        return (row[0], row[1]) if row is not None else None

    def task_data(self, task_id: str, case: Case | None = None) -> dict:
        """The data a READY task will start from (``case``: the task's case when the caller has read it)."""
        if case is None:
            found = self.task_with_case(task_id)
            if found is None:
                raise NotFound("không tìm thấy nhiệm vụ / task not found")
            case = found[1]
        wf = self._load(case, self._version_of(case.process_version_id))
        task = wf.get_task_from_id(uuid.UUID(task_id))
        return dict(task.data) if task is not None else {}

    def open_cases_with_key(self, key: str | None, exclude: str | None = None) -> list[Case]:
        """Open cases with the same duplicate key (the same person, to offer linking; never merged silently)."""
        if not key:
            return []
        with self.db.read() as s:
            q = select(Case).where(Case.dedup_key == key, Case.status == "open")
            if exclude:
                q = q.where(Case.id != exclude)
            return list(s.execute(q.order_by(Case.received_at)).scalars())

    def link_cases(self, case_id: str, other_id: str, actor: Actor) -> bool:
        """Record an officer's decision that two cases concern the same child. False if already linked."""
        if case_id == other_id:
            raise InvalidTaskData({"other_case_id": ["không thể liên kết hồ sơ với chính nó / same case"]})
        with self.db.write() as s:
            require(s, Case, case_id, "hồ sơ / case")
            if s.get(Case, other_id) is None:
                raise InvalidTaskData({"other_case_id": ["không tìm thấy hồ sơ / no such case"]})
            pair = sorted([case_id, other_id])
            exists = s.execute(select(CaseLink.id).where(CaseLink.case_id == pair[0],
                                                         CaseLink.other_case_id == pair[1])).first()
            if exists:
                return False
            s.add(CaseLink(case_id=pair[0], other_case_id=pair[1], linked_by=actor.label, linked_at=self.now()))
            audit.append(s, self.now(), actor.label, "case.link", case_id=case_id, detail={"other_case": other_id})
        return True

    def linked_cases(self, case_id: str) -> list[Case]:
        with self.db.read() as s:
            ids = [b if a == case_id else a for a, b in s.execute(
                select(CaseLink.case_id, CaseLink.other_case_id).where(
                    (CaseLink.case_id == case_id) | (CaseLink.other_case_id == case_id)))]
            return list(s.execute(select(Case).where(Case.id.in_(ids))).scalars()) if ids else []

    def steps(self, case_id: str) -> list[CaseStep]:
        with self.db.read() as s:
            return list(s.execute(select(CaseStep).where(CaseStep.case_id == case_id)
                                  .order_by(CaseStep.completed_at, CaseStep.id)).scalars())

    def waiting_timers(self, case_id: str) -> list[Timer]:
        with self.db.read() as s:
            return list(s.execute(select(Timer).where(Timer.case_id == case_id).order_by(Timer.due_at)).scalars())

    # ------------------------------------------------------------------ internals
    def _open_task_for_update(self, s: Session, task_id: str) -> OpenTask:
        """An open task, its case row locked first like every writer of a case (a case's writers lock
        its row, then its task and timer rows, then the audit head: never the other way round)."""
        _check_task_id(task_id)
        q = select(OpenTask).where(OpenTask.id == task_id)
        if not self.db.is_sqlite:
            s.execute(_LOCK_CASE_OF_TASK, {"task_id": task_id})
            q = q.with_for_update()   # a statement of its own: it sees the task as the last writer left it
        ot = s.execute(q).scalar()
        if ot is None:
            raise self._task_gone(s, task_id, None)
        return ot

    @staticmethod
    def _task_gone(s: Session, task_id: str, actor: Actor | None, still_open: bool = False) -> EngineError:
        """Why a task cannot be acted on: completed by someone (named to its own agency), or unknown."""
        done = s.execute(select(CaseStep.user_name, CaseStep.agency_id).where(CaseStep.task_id == task_id)).first()
        if done is not None and (actor is None or actor.agency_id is None or actor.agency_id == done.agency_id):
            return Conflict(f"nhiệm vụ đã được {done.user_name} hoàn thành / someone else ({done.user_name}) "
                            f"completed this task")
        if still_open:
            return Conflict("nhiệm vụ không còn mở / the task is no longer open")
        return NotFound("không tìm thấy nhiệm vụ / task not found")

    @staticmethod
    def _check_may_act(ot: OpenTask, actor: Actor) -> None:
        if actor.agency_id != ot.agency_id:
            raise Forbidden("nhiệm vụ này thuộc cơ quan khác / this task belongs to another agency")

    def _case_for_update(self, s: Session, case_id: str) -> Case:
        """The case, locked for this transaction (a row lock on PostgreSQL; SQLite write transactions are
        exclusive). Every writer locks the case before its task and timer rows, so writers never deadlock."""
        q = select(Case).where(Case.id == case_id)
        if not self.db.is_sqlite:
            q = q.with_for_update()
        case = s.execute(q.execution_options(populate_existing=True)).scalar()
        if case is None:
            raise NotFound(f"không tìm thấy hồ sơ / case not found: {case_id}")
        return case

    def _version_of(self, version_id: int) -> LoadedVersion:
        """A process version, parsed once per process: no query once it is loaded."""
        cached = self._versions.get(version_id)
        if cached is not None:
            return cached
        with self.db.read() as s:
            return self._loaded_id(s, version_id)

    def _loaded_id(self, s: Session, version_id: int) -> LoadedVersion:
        cached = self._versions.get(version_id)
        return cached if cached is not None else self.loaded(require(s, ProcessVersion, version_id))

    def _load(self, case: Case, lv: LoadedVersion) -> BpmnWorkflow:
        try:
            with using_clock(self.clock):
                return serializer.load_state(case.state, case.serializer_version, lv.bundle.spec,
                                             lv.bundle.subprocess_specs, lv.script_engine)
        except Exception as exc:   # a damaged or foreign state: refuse clearly, never act on it
            raise WorkflowFailure(f"hồ sơ {case.reference}: trạng thái không đọc được / case state does not "
                                  f"load: {type(exc).__name__}: {exc}") from None

    def _advance(self, wf: BpmnWorkflow) -> None:
        """Run the case's engine steps until only waits remain (capped per action); every failure is a
        ``WorkflowFailure`` naming the element, and nothing of the action is written."""
        self.work_calendar()   # loaded before any script runs: due() never reads the database inside a limit
        wf.steps_left = serializer.MAX_ENGINE_STEPS
        try:
            with using_clock(self.clock):
                wf.refresh_timers()
                wf.do_engine_steps()
                # do_engine_steps ends by refreshing timers: run on only if that made an event ready
                for _ in range(_MAX_EXTRA_PASSES):
                    if not any(t.state == TaskState.READY for t in wf.event_manager.tasks.values()):
                        break
                    wf.do_engine_steps()
        except EngineError:
            raise
        except Exception as exc:   # SpiffWorkflow's, a sandboxed script's, the step cap, anything else
            raise WorkflowFailure(f"quy trình lỗi / process error: {_describe(exc)}") from None

    def _store(self, s: Session, case: Case, wf: BpmnWorkflow, lv: LoadedVersion,
               escalated: set[str] | None = None, *, bump: bool = True, process_version_id: int | None = None,
               before: _Stored | None = None, step: dict | None = None, events: list[audit.Event] | None = None) -> None:
        """Write the case's new state, its open tasks and its waiting timers in the caller's transaction,
        with the ``step`` completed (a ``case_steps`` row) and the audit ``events`` it makes.

        ``before``: the open tasks and timers of the state as loaded (``_stored_rows`` before running it),
        which are the rows stored with it; only the difference is written. Without it they are read.
        On PostgreSQL all of it is one statement (``engine.pgwrite``); on SQLite one statement per table.
        """
        if before is None:
            before = _Stored(set(), {}) if not bump else _Stored(
                set(s.execute(select(OpenTask.id).where(OpenTask.case_id == case.id)).scalars()),
                {tid: (due, None) for tid, due in s.execute(select(Timer.id, Timer.due_at)
                                                            .where(Timer.case_id == case.id))})
        plan = self._plan(s, case, wf, lv, before, escalated or set(), bump=bump,
                          process_version_id=process_version_id)
        if self.db.is_sqlite:
            if step is not None:
                s.execute(_INSERT_STEP, step)
            written = self._update_case(s, plan)
            if written:
                self._apply(s, [plan])
                audit.append_many(s, events or [])
        else:
            written = pgwrite.write_case(
                s, case.id, case.version, plan.values, self.now(), steps=[step] if step else [], drop_tasks=plan.drop,
                flag_tasks=plan.escalate, new_tasks=plan.new_tasks, drop_timers=plan.drop_timers, timers=plan.timers,
                events=audit.chain(s, events or []))
            if written:
                _mark_written(plan)
        if not written:
            raise Conflict("hồ sơ vừa được người khác cập nhật / the case was changed by someone else")
        self._note_stall(s, plan, self.now())

    def _plan(self, s: Session, case: Case, wf: BpmnWorkflow, lv: LoadedVersion, before: _Stored,
              escalated: set[str], *, bump: bool = True, process_version_id: int | None = None) -> _Plan:
        """The rows a case's new workflow state implies: open tasks and timers to add and drop, case columns."""
        now = self.now()
        cfg = lv.config
        existing = before.tasks
        keep: set[str] = set()
        new_rows = []
        commune_now = case.commune_code
        for task in _ready_manual(wf):
            tid = str(task.id)
            keep.add(tid)
            commune = task.data.get(cfg.commune_field) or case.commune_code
            commune_now = commune
            if tid in existing:
                continue
            agency_type = self._agency_type(lv, task)
            name = task_key(task)
            rule_name = cfg.task_deadlines.get(name)
            new_rows.append({"id": tid, "case_id": case.id, "task_name": name,
                             "title": task.task_spec.bpmn_name or task.task_spec.name, "lane": task.task_spec.lane,
                             "agency_type": agency_type,
                             "agency_id": self._agency_for(s, agency_type, commune, task.task_spec.name),
                             "commune_code": commune, "due_at": self._task_due(cfg, rule_name, task.data),
                             "deadline_rule": rule_name, "claimed_by": None, "claimed_at": None,
                             "escalated_at": None, "created_at": now})
        timers = {str(t.id): {"id": str(t.id), "case_id": case.id, "event_name": t.task_spec.name,
                              "attached_to": attached, "due_at": due_at, "leased_by": None, "leased_until": None}
                  for t, due_at, attached in _waiting_timers(wf)}
        unchanged = {tid for tid, row in timers.items() if tid in before.timers
                     and before.timers[tid][0] == row["due_at"]}
        serializer.compact(wf)
        values: dict[str, Any] = {"state": serializer.dump_state(wf), "serializer_version": serializer.VERSION,
                                  "updated_at": now, "version": case.version + (1 if bump else 0),
                                  "process_version_id": process_version_id or case.process_version_id,
                                  "commune_code": case.commune_code, "province_code": case.province_code,
                                  "status": case.status, "closed_at": case.closed_at}
        if commune_now != case.commune_code:
            new_commune = self._commune(s, commune_now)
            if new_commune is not None:
                values["commune_code"], values["province_code"] = new_commune
        if wf.is_completed():
            values["status"], values["closed_at"] = "closed", now
        stalled = None
        if not keep and not timers and values["status"] == "open":   # rare: only then is it worth a look
            from engine.status import stall

            stalled = stall(wf, "open")
        return _Plan(case, values, existing - keep, escalated & existing & keep, new_rows,
                     drop_timers=set(before.timers) - unchanged,
                     timers=[row for tid, row in timers.items() if tid not in unchanged], all_timers=list(timers.values()),
                     stalled=stalled)

    def _commune(self, s: Session, code: str) -> tuple[str, str] | None:
        row = s.get(Commune, code)
        return (row.code, row.province_code) if row is not None else None

    @staticmethod
    def _update_case(s: Session, plan: _Plan) -> bool:
        """Update the case row at the version it was read at; False if someone changed it since."""
        case = plan.case
        result = s.execute(update(_CASES).where(_CASES.c.id == case.id, _CASES.c.version == case.version)
                           .values(**plan.values))
        if getattr(result, "rowcount", 0) != 1:
            return False
        _mark_written(plan)
        return True

    def _update_cases(self, s: Session, plans: list[_Plan]) -> list[_Plan]:
        """Update a batch of case rows, each only at the version it was read at: the batch's rows are
        locked (in id order, so two sweepers never deadlock), checked, and written in one executemany."""
        q = select(_CASES.c.id, _CASES.c.version).where(_CASES.c.id.in_([p.case.id for p in plans]))
        if not self.db.is_sqlite:
            q = q.order_by(_CASES.c.id).with_for_update()
        current = {row.id: row.version for row in s.execute(q)}
        applied = [p for p in plans if current.get(p.case.id) == p.case.version]
        if applied:
            s.execute(_UPDATE_CASE, [dict(p.values, b_id=p.case.id) for p in applied])
        for plan in applied:
            _mark_written(plan)
        return applied

    def _apply(self, s: Session, plans: list[_Plan]) -> None:
        """The open-task and timer rows of several planned cases, in a few set-based statements."""
        if not plans:
            return
        now = self.now()
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

    def _agency_type(self, lv: LoadedVersion, task) -> str:
        process_id = task.workflow.spec.name
        lane_name = task.task_spec.lane
        lane_id = lv.bundle.lane_id_for(process_id, lane_name)
        agency_type = self.registry.lane_agency(lv.config, lane_id, lane_name)
        if agency_type is None and lane_name is None and not any(
                lane.process_id == process_id for lane in lv.bundle.lanes):
            agency_type = self.registry.default_agency   # a process drawn without lanes
        if agency_type is None:
            raise WorkflowFailure(f"nhiệm vụ {task.task_spec.name}: làn '{lane_name}' chưa gắn cơ quan / "
                                  f"lane not mapped to an agency")
        return agency_type

    def _agency_for(self, s: Session, agency_type: str, commune_code: str, task_name: str) -> int:
        key = (agency_type, commune_code)
        if key in self._agencies:
            return self._agencies[key]
        commune = s.get(Commune, commune_code)
        if commune is None:
            raise WorkflowFailure(f"nhiệm vụ {task_name}: không có xã '{commune_code}' / unknown commune")
        province_code = commune.province_code
        agency_id = s.execute(select(Agency.id).where(Agency.agency_type == agency_type,
                                                      Agency.commune_code == commune_code)).scalar()
        if agency_id is None:
            agency_id = s.execute(select(Agency.id).where(Agency.agency_type == agency_type,
                                                          Agency.province_code == province_code,
                                                          Agency.commune_code.is_(None))).scalar()
        if agency_id is None:
            raise WorkflowFailure(f"nhiệm vụ {task_name}: xã {commune_code} chưa có cơ quan loại "
                                  f"'{agency_type}' / no agency of this type serves the commune")
        self._agencies[key] = agency_id
        return agency_id

    def _task_due(self, cfg: ProcessConfig, rule_name: str | None, data: dict) -> dt.datetime | None:
        if not rule_name:
            return None
        rule = cfg.deadlines[rule_name]
        start = data.get(rule.start_field)
        if not start:
            return None
        return rule.due(parse_instant(start), self.work_calendar())


def _mark_written(plan: _Plan) -> None:
    """The case object now holds what its row holds (without marking it dirty for the ORM)."""
    for key, value in plan.values.items():
        set_committed_value(plan.case, key, value)


def _check_task_id(task_id: str) -> None:
    try:
        uuid.UUID(str(task_id))
    except ValueError:
        raise NotFound("không tìm thấy nhiệm vụ / task not found") from None


def task_key(task) -> str:
    """The BPMN element id of a task (loop and multi-instance children share their parent's id)."""
    return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


def _all_tasks(wf: BpmnWorkflow):
    """Every task of the case, its subprocesses' included, in creation order: a flat scan of the task
    dicts (``get_tasks`` walks the tree, resolving each parent by id; several times dearer)."""
    yield from wf.tasks.values()
    for sub in wf.subprocesses.values():
        yield from sub.tasks.values()


def _ready_manual(wf: BpmnWorkflow) -> list:
    """The case's READY user tasks: ``wf.get_tasks(state=READY, manual=True)``, same tasks, same order
    (``_plan`` takes the case's commune from the last of them)."""
    return [t for t in serializer.ready_tasks(wf) if t.task_spec.manual]


def _stored_rows(wf: BpmnWorkflow) -> _Stored:
    """The open-task and timer rows a stored state has (what ``_store`` wrote for it)."""
    return _Stored({str(t.id) for t in _ready_manual(wf)},
                   {str(t.id): (due, attached) for t, due, attached in _waiting_timers(wf)})


def _waiting_timers(wf: BpmnWorkflow):
    """(timer task, due instant, guarded task id or None) for every waiting timer event."""
    from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit

    for task in _all_tasks(wf):
        if task.state != TaskState.WAITING:
            continue
        spec = task.task_spec
        if not isinstance(spec, CatchingEvent) or not _waits_on_timer(spec.event_definition):
            continue
        value = task.internal_data.get("event_value")
        if isinstance(value, dict):
            value = value.get("next")
        if not value:
            continue
        try:
            due = TimerEventDefinition.get_datetime(str(value))
        except ValueError:
            due = None
        if due is None:
            continue
        attached = None
        if task.parent is not None and isinstance(task.parent.task_spec, BoundaryEventSplit):
            for sibling in task.parent.children:
                if sibling is not task and not isinstance(sibling.task_spec, CatchingEvent):
                    attached = str(sibling.id)
        yield task, due.astimezone(UTC), attached


def _describe(exc: Exception) -> str:
    """One sentence for a failure inside a step, naming the BPMN element where SpiffWorkflow knows it."""
    if isinstance(exc, serializer.StepLimitExceeded):
        return f"{exc} (vòng lặp không dừng? / a loop that never ends?)"
    task = getattr(exc, "task", None)
    spec = getattr(task, "task_spec", None)
    element = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
    text = str(exc) if isinstance(exc, SpiffWorkflowException) else f"{type(exc).__name__}: {exc}"
    return f"{element}: {text}" if element and element not in text else text


def _waits_on_timer(definition) -> bool:
    """A timer, or a set of events one of which is a timer (an event-based gateway, a multiple event):
    SpiffWorkflow keeps that timer's due instant in the task's ``event_value`` either way."""
    if isinstance(definition, TimerEventDefinition):
        return True
    return any(isinstance(d, TimerEventDefinition) for d in getattr(definition, "event_definitions", ()))


def _aware(instant: dt.datetime) -> dt.datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _json_safe(data: dict) -> dict:
    try:
        return json.loads(json.dumps(data, ensure_ascii=False, default=_default))
    except (TypeError, ValueError) as exc:
        raise InvalidTaskData({"_schema": [f"dữ liệu không tuần tự hoá được / not JSON data: {exc}"]}) from None


def _default(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _reference(commune_code: str, now: dt.datetime) -> str:
    return f"{commune_code}-{now.astimezone(VN_TZ):%y%m%d}-{secrets.token_hex(3).upper()}"


def agencies_involved(session: Session, case_id: str) -> set[int]:
    """Agencies that hold or held a task of the case (need-to-know scope for partners)."""
    held = session.execute(select(OpenTask.agency_id).where(OpenTask.case_id == case_id)).scalars()
    done = session.execute(select(CaseStep.agency_id).where(CaseStep.case_id == case_id)).scalars()
    return {a for a in list(held) + list(done) if a is not None}
