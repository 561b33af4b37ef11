"""Case writes: start a case, complete, claim and release its tasks, link two cases.

Every write is one transaction that locks the case row first (so writers never deadlock), checks who
acts, runs the case in SpiffWorkflow (``engine.deployment``) and stores the outcome (``engine.store``).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from typing import Callable
from typing import cast

from sqlalchemy import Row
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine import serializer
from engine import spiff
from engine import task_data
from engine.calendars import Calendars
from engine.clock import aware
from engine.context import Actor
from engine.context import Context
from engine.db import require
from engine.deployment import Deployment
from engine.errors import Conflict
from engine.errors import EngineError
from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import Case
from engine.models import CaseLink
from engine.models import CaseStep
from engine.models import Commune
from engine.models import IdempotencyKey
from engine.models import OpenTask
from engine.store import Store
from engine.workdays import VN_TZ

_CASES = cast(Table, Case.__table__)
_TASKS = cast(Table, OpenTask.__table__)
TASK_AND_CASE = (select(OpenTask, Case).join(Case, Case.id == OpenTask.case_id)
                 .where(OpenTask.id == bindparam("task_id")).execution_options(populate_existing=True))
_TASK_AND_CASE_LOCKED = TASK_AND_CASE.with_for_update(of=Case)
_LOCK_CASE_OF_TASK = (select(_CASES.c.id).where(_CASES.c.id == select(_TASKS.c.case_id)
                      .where(_TASKS.c.id == bindparam("task_id")).scalar_subquery()).with_for_update())
_CASE_TASKS = select(_TASKS).where(_TASKS.c.case_id == bindparam("case_id")).order_by(_TASKS.c.created_at)


class Cases:
    def __init__(self, ctx: Context, calendars: Calendars, deployment: Deployment, store: Store):
        self.ctx = ctx
        self.calendars = calendars
        self.deployment = deployment
        self.store = store
        # messages and signals a case throws that nothing in it catches, after its transaction (``Engine``
        # sets it to ``engine.messages.deliver_thrown``): (case id, [(kind, name, payload, correlations)])
        self.on_thrown: Callable[[str, list], None] | None = None

    def start_case(self, process_id: str, data: dict, actor: Actor, *, incident_commune: str,
                   residence_commune: str | None = None, received_at: dt.datetime | None = None,
                   summary: dict | None = None, dedup_key: str | None = None,
                   idempotency: tuple[int, str, str] | None = None, reference: str | None = None,
                   on_start: Callable[[Session, Case], None] | None = None) -> Case:
        """Create a case on the latest version of ``process_id`` and run it to its first waits.

        ``idempotency`` = (user id, key, request hash): recorded in the same transaction as the case,
        so a retried request can never create a second case (see ``replay``). ``on_start(session, case)``:
        the caller's own writes that belong with the new case (e.g. its link to a register record), in the
        same transaction: either both are stored or neither.
        """
        now = self.ctx.now()
        received_at = received_at or now
        if received_at.tzinfo is None:
            raise InvalidTaskData({"received_at": ["cần múi giờ / needs a timezone offset"]})
        if received_at > now + dt.timedelta(minutes=5):
            raise InvalidTaskData({"received_at": ["thời điểm tiếp nhận ở tương lai / receipt time is in the future"]})
        deployment = self.deployment
        with self.ctx.db.write() as s:
            commune = s.get(Commune, incident_commune)
            for _ in range(10):   # a merged commune's reports go to the commune that replaced it (#20.2)
                if commune is None or not commune.merged_into:
                    break
                commune = s.get(Commune, commune.merged_into)
            if commune is None:
                raise InvalidTaskData({"incident_commune": [f"không có xã mã '{incident_commune}' / unknown commune"]})
            incident_commune = commune.code
            if residence_commune and s.get(Commune, residence_commune) is None:
                raise InvalidTaskData({"residence_commune": [f"không có xã mã '{residence_commune}' / unknown commune"]})
            version = deployment.latest_version(s, process_id)
            lv = deployment.loaded(version)
            case_id = str(uuid.uuid4())
            payload = json_safe(dict(data))
            payload.update({"case_id": case_id, "received_at": received_at.isoformat(),
                            "incident_commune": incident_commune,
                            "residence_commune": residence_commune or incident_commune,
                            lv.config.commune_field: incident_commune})
            wf = spiff.new_workflow(lv.bundle, lv.script_engine, payload)
            deployment.advance(wf)
            for _attempt in range(8):   # a generated reference that collides (24 random bits) is drawn again
                case = Case(id=case_id, reference=reference or new_reference(commune.code, now),
                            process_version_id=version.id, status="open", commune_code=commune.code,
                            province_code=commune.province_code, incident_commune_code=incident_commune,
                            residence_commune_code=residence_commune, dedup_key=dedup_key,
                            summary=json_safe(summary or {}), state="", serializer_version=serializer.VERSION,
                            version=1, received_at=received_at, created_at=now, updated_at=now,
                            intake_agency_id=actor.agency_id)
                if reference is not None or not reference_taken(s, case.reference):
                    break
            s.add(case)
            s.flush()
            self.store.store(s, case, wf, lv, bump=False, events=[audit.Event(
                now, actor.label, "case.start", case_id,
                detail={"process": process_id, "version": version.version, "reference": case.reference})])
            if idempotency is not None:
                user_id, key, request_hash = idempotency
                s.add(IdempotencyKey(user_id=user_id, key=key, request_hash=request_hash, status=201,
                                     body={"case_id": case_id}, created_at=now))
                s.flush()   # a concurrent retry fails here on the unique key and rolls back whole
            if on_start is not None:
                on_start(s, case)
        return case

    def replay(self, user_id: int, key: str) -> IdempotencyKey | None:
        """The stored outcome of an earlier request with this Idempotency-Key, if any."""
        with self.ctx.db.read() as s:
            return s.execute(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                          IdempotencyKey.key == key)).scalar()

    def complete(self, task_id: str, data: dict, actor: Actor, expected_version: int | None = None,
                 *, with_tasks: bool = True) -> tuple[Case, list[Row]]:
        """Validate ``data`` with the task's form, complete it and run the case on; one transaction. Also
        returns the case's open tasks as the same transaction left them: ``open_tasks`` rows, with the
        attributes of ``OpenTask`` (``with_tasks=False``: an empty list, one query fewer)."""
        ctx, deployment = self.ctx, self.deployment
        now = ctx.now()
        check_task_id(task_id)
        with ctx.db.write() as s:
            # the case row is the lock every writer of the case takes first (SQLite: the write lock)
            q = TASK_AND_CASE if ctx.db.is_sqlite else _TASK_AND_CASE_LOCKED
            row = s.execute(q, {"task_id": task_id}).first()
            if row is None:
                raise task_gone(s, task_id, actor)
            ot, case = row
            check_may_act(ot, actor)
            if ot.claimed_by is not None and ot.claimed_by != actor.user_id:
                raise Conflict("nhiệm vụ đã được người khác nhận / the task is claimed by someone else")
            if expected_version is not None and case.version != expected_version:
                raise Conflict("hồ sơ đã được người khác cập nhật, hãy tải lại / the case changed since you opened it")
            lv = deployment.loaded_id(s, case.process_version_id)
            form = lv.config.forms.get(ot.task_name)
            clean = json_safe(task_data.clean(data, form, lv.config, lv.bundle))
            wf = deployment.load(case, lv)
            task = spiff.ready_task(wf, uuid.UUID(task_id))
            if task is None:
                raise task_gone(s, task_id, actor, still_open=True)
            in_case = getattr(form, "check_in_case", None)   # a form's rule that reads the case (e.g. the age)
            if in_case is not None:
                in_case(clean, dict(task.data), now)
            before = spiff.stored_rows(wf)
            stamps = {f"{ot.task_name}_completed_at": now.isoformat(),
                      f"{ot.task_name}_completed_by": actor.label}
            task.data.update(clean)
            task.data.update(stamps)
            self.calendars.work_calendar()   # read before any script runs: due() never queries inside a time limit
            spiff.run_task(task, ctx.clock, ot.task_name)
            deployment.advance(wf)
            thrown = spiff.thrown_events(wf) if wf.bpmn_events else []
            step = dict(case_id=case.id, task_id=task_id, task_name=ot.task_name, title=ot.title,
                        agency_id=ot.agency_id, user_id=actor.user_id, user_name=actor.label, opened_at=ot.created_at,
                        completed_at=now, due_at=ot.due_at, deadline_rule=ot.deadline_rule,
                        on_time=None if ot.due_at is None else now <= aware(ot.due_at))
            self.store.store(s, case, wf, lv, before=before, step=step, events=[audit.Event(
                now, actor.label, "task.complete", case.id, task_id,
                {"task": ot.task_name, "fields": sorted(clean), "data": clean})])
            tasks = list(s.execute(_CASE_TASKS, {"case_id": case.id})) if with_tasks else []
        if thrown and self.on_thrown is not None:
            self.on_thrown(case.id, thrown)
        return case, tasks

    def claim(self, task_id: str, actor: Actor) -> None:
        with self.ctx.db.write() as s:
            ot = self.open_task_for_update(s, task_id)
            check_may_act(ot, actor)
            if ot.claimed_by not in (None, actor.user_id):
                raise Conflict("nhiệm vụ đã được người khác nhận / the task is claimed by someone else")
            ot.claimed_by, ot.claimed_at = actor.user_id, self.ctx.now()
            audit.append(s, self.ctx.now(), actor.label, "task.claim", case_id=ot.case_id, task_id=task_id)

    def unclaim(self, task_id: str, actor: Actor) -> None:
        with self.ctx.db.write() as s:
            ot = self.open_task_for_update(s, task_id)
            check_may_act(ot, actor)
            if ot.claimed_by not in (None, actor.user_id) and actor.role != "chairman":
                raise Conflict("chỉ người đã nhận mới trả lại được / only the claimant can release the task")
            ot.claimed_by, ot.claimed_at = None, None
            audit.append(s, self.ctx.now(), actor.label, "task.release", case_id=ot.case_id, task_id=task_id)

    def link_cases(self, case_id: str, other_id: str, actor: Actor) -> bool:
        """Record an officer's decision that two cases concern the same child. False if already linked."""
        if case_id == other_id:
            raise InvalidTaskData({"other_case_id": ["không thể liên kết hồ sơ với chính nó / same case"]})
        now = self.ctx.now
        with self.ctx.db.write() as s:
            require(s, Case, case_id, "hồ sơ / case")
            if s.get(Case, other_id) is None:
                raise InvalidTaskData({"other_case_id": ["không tìm thấy hồ sơ / no such case"]})
            pair = sorted([case_id, other_id])
            exists = s.execute(select(CaseLink.id).where(CaseLink.case_id == pair[0],
                                                         CaseLink.other_case_id == pair[1])).first()
            if exists:
                return False
            s.add(CaseLink(case_id=pair[0], other_case_id=pair[1], linked_by=actor.label, linked_at=now()))
            audit.append(s, now(), actor.label, "case.link", case_id=case_id, detail={"other_case": other_id})
        return True

    def open_task_for_update(self, s: Session, task_id: str) -> OpenTask:
        """An open task, its case row locked first like every writer of a case (a case's writers lock
        its row, then its task and timer rows, then the audit head: never the other way round)."""
        check_task_id(task_id)
        q = select(OpenTask).where(OpenTask.id == task_id)
        if not self.ctx.db.is_sqlite:
            s.execute(_LOCK_CASE_OF_TASK, {"task_id": task_id})
            q = q.with_for_update()   # a statement of its own: it sees the task as the last writer left it
        ot = s.execute(q).scalar()
        if ot is None:
            raise task_gone(s, task_id, None)
        return ot

    def case_for_update(self, s: Session, case_id: str) -> Case:
        """The case, locked for this transaction (a row lock on PostgreSQL; SQLite write transactions are
        exclusive). Every writer locks the case before its task and timer rows, so writers never deadlock."""
        q = select(Case).where(Case.id == case_id)
        if not self.ctx.db.is_sqlite:
            q = q.with_for_update()
        case = s.execute(q.execution_options(populate_existing=True)).scalar()
        if case is None:
            raise NotFound(f"không tìm thấy hồ sơ / case not found: {case_id}")
        return case


def task_gone(s: Session, task_id: str, actor: Actor | None, still_open: bool = False) -> EngineError:
    """Why a task cannot be acted on: completed by someone (named to its own agency), or unknown."""
    done = s.execute(select(CaseStep.user_name, CaseStep.agency_id).where(CaseStep.task_id == task_id)).first()
    if done is not None and (actor is None or actor.agency_id is None or actor.agency_id == done.agency_id):
        return Conflict(f"nhiệm vụ đã được {done.user_name} hoàn thành / someone else ({done.user_name}) "
                        f"completed this task")
    if still_open:
        return Conflict("nhiệm vụ không còn mở / the task is no longer open")
    return NotFound("không tìm thấy nhiệm vụ / task not found")


def check_may_act(ot: OpenTask, actor: Actor) -> None:
    if actor.agency_id != ot.agency_id:
        raise Forbidden("nhiệm vụ này thuộc cơ quan khác / this task belongs to another agency")


def check_task_id(task_id: str) -> None:
    """``NotFound`` for a task id that is not a UUID (it cannot name a task)."""
    try:
        uuid.UUID(str(task_id))
    except ValueError:
        raise NotFound("không tìm thấy nhiệm vụ / task not found") from None


def reference_taken(s: Session, reference: str) -> bool:
    return s.execute(select(_CASES.c.id).where(_CASES.c.reference == reference)).first() is not None


# Crockford's base32 without I, L, O, U: read aloud over a phone line without confusion
_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(commune_code: str, now: dt.datetime) -> str:
    """A case reference: commune, date in Vietnam, 50 random bits in ten base-32 characters (a reference
    cannot be guessed from another one; ``start_case`` draws again on a clash; issue #18.2)."""
    tail = "".join(secrets.choice(_REF_ALPHABET) for _ in range(10))
    return f"{commune_code}-{now.astimezone(VN_TZ):%y%m%d}-{tail[:5]}-{tail[5:]}"


def json_safe(data: dict) -> dict:
    """``data`` as JSON holds it (instants as ISO text); ``InvalidTaskData`` for anything else."""
    try:
        return json.loads(json.dumps(data, ensure_ascii=False, default=_default))
    except (TypeError, ValueError) as exc:
        raise InvalidTaskData({"_schema": [f"dữ liệu không tuần tự hoá được / not JSON data: {exc}"]}) from None


def _default(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")
