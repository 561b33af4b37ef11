"""The write path's hook: the notifications a case's change causes, written to the outbox in the same
transaction as the change (so a rolled-back change notifies nobody, and a committed one is never lost).

Each row is keyed ``(event_key, user_id, channel)`` and inserted with "on conflict do nothing": an event seen
twice (a retried write, the reminder scan and the sweep both noticing an overdue task) makes one row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from typing import Iterable
from typing import cast

from sqlalchemy import Table
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from engine.models import Agency
from engine.models import Case
from engine.models import OpenTask
from engine.models import ProcessVersion
from engine.notify import messages
from engine.notify import people
from engine.notify.models import Notification
from engine.notify.settings import EMPTY
from engine.notify.settings import NotifySettings

_TABLE = cast(Table, Notification.__table__)


@dataclass(frozen=True)
class Event:
    """Something to tell an agency's people about one case (and maybe one task)."""

    key: str
    kind: str
    agency_id: int
    title: str
    emergency: bool
    link: str
    task_id: str | None = None
    due_at: dt.datetime | None = None


def enqueue_for_changes(s: Session, now: dt.datetime, case: Case, new_tasks: Iterable[dict],
                        escalated: Iterable[str] = (), handed_over_from: str | None = None,
                        settings: NotifySettings = EMPTY, case_manager_type: str | None = None) -> int:
    """Queue the notifications of one case's write: its new open tasks (``open_tasks`` rows as planned),
    the tasks just flagged overdue/escalated (ids), and a hand-over from another commune. Returns the rows
    written. Call it inside the write transaction, after the case's rows are written."""
    events: list[Event] = []
    for row in new_tasks:
        if row.get("agency_id") is None:
            continue
        events.append(Event(f"task:{row['id']}:new", "new_task", row["agency_id"], row["title"],
                            settings.is_emergency(row.get("task_name"), row.get("deadline_rule")),
                            f"/tasks/{row['id']}", row["id"], row.get("due_at")))
    flagged = list(escalated)
    if flagged:
        for t in s.execute(select(OpenTask).where(OpenTask.id.in_(flagged))).scalars():
            events.append(overdue_event(t, settings))
    if handed_over_from and case_manager_type:
        for agency_id in s.execute(select(Agency.id).where(Agency.agency_type == case_manager_type,
                                                           Agency.commune_code == case.commune_code)).scalars():
            events.append(Event(f"case:{case.id}:handover:{case.commune_code}:{case.version}", "handover",
                                agency_id, case.reference, False, f"/cases/{case.id}"))
    return enqueue(s, now, case, events)


def enqueue_for_plan(s: Session, ctx: Any, plan: Any, commune_before: str | None,
                     settings: NotifySettings | None = None) -> int:
    """``enqueue_for_changes`` for a written ``engine.store.Plan`` (its case already holds the new values).
    Costs nothing for a write that opens no task, flags none and hands nothing over."""
    case = plan.case
    handed = commune_before if commune_before and commune_before != case.commune_code else None
    if not plan.new_tasks and not plan.escalate and handed is None:
        return 0
    if settings is None:
        settings = settings_for(s, ctx.registry, case.process_version_id)
    return enqueue_for_changes(s, ctx.now(), case, plan.new_tasks, plan.escalate, handed, settings,
                               ctx.registry.default_agency)


def overdue_event(task: OpenTask, settings: NotifySettings) -> Event:
    """A task past its limit (flagged by its escalation timer, or found by the reminder scan): the same key."""
    return Event(f"task:{task.id}:overdue", "overdue", task.agency_id, task.title,
                 settings.is_emergency(task.task_name, task.deadline_rule), f"/tasks/{task.id}", task.id, task.due_at)


def settings_for(s: Session, registry: Any, process_version_id: int) -> NotifySettings:
    """The notification settings of the procedure a process version belongs to."""
    process_id = s.execute(select(ProcessVersion.process_id).where(ProcessVersion.id == process_version_id)).scalar()
    return registry.config_for(process_id).notify if process_id else EMPTY


def enqueue_break_glass(s: Session, now: dt.datetime, case: Case, grant_id: int, settings: NotifySettings) -> int:
    """A break-glass opening of ``case``: its commune's agencies named by the procedure are told."""
    if not settings.break_glass_agencies:
        return 0
    agencies = s.execute(select(Agency.id).where(Agency.agency_type.in_(settings.break_glass_agencies),
                                                 Agency.commune_code == case.commune_code)).scalars()
    return enqueue(s, now, case, [Event(f"breakglass:{grant_id}", "break_glass", a, case.reference, False,
                                        f"/cases/{case.id}") for a in agencies])


def enqueue_message(s: Session, now: dt.datetime, case: Case, agency_id: int, message_id: str | int,
                    title: str | None = None) -> int:
    """A message or directive left on ``case`` for an agency (``engine.notify.case_messages``): ``title``
    names its kind and the sending agency; its text stays on the case, never in the notification."""
    return enqueue(s, now, case, [Event(f"message:{message_id}", "message", agency_id, title or case.reference,
                                        False, f"/cases/{case.id}#case-messages")])


def enqueue(s: Session, now: dt.datetime, case: Case, events: list[Event]) -> int:
    """Write the rows of ``events``: the bell for every active user of the agency; e-mail to those with an
    address who chose it; SMS to those who chose it; an emergency also goes by SMS to the agency's on-duty
    person (or, without a roster, to its users with a phone) whatever they chose, and never waits for the
    morning. Other e-mail and SMS in the person's quiet hours (their own, else the province's) wait for the
    morning digest."""
    if not events:
        return 0
    agency_ids = sorted({e.agency_id for e in events})
    staff = people.agency_people(s, agency_ids)
    duty_ids = people.on_duty(s, agency_ids, now) if any(e.emergency for e in events) else {}
    duty = people.people_by_id(s, sorted({u for ids in duty_ids.values() for u in ids}))
    province_quiet = people.quiet_minutes(s, case.province_code)
    morning_of: dict[int, dt.datetime | None] = {}

    def morning(p: people.Person) -> dt.datetime | None:   # the person's own quiet hours, else the province's
        if p.user_id not in morning_of:
            morning_of[p.user_id] = people.quiet_until(now, p.quiet or province_quiet)
        return morning_of[p.user_id]
    rows: list[dict[str, Any]] = []
    for e in events:
        members = staff.get(e.agency_id, [])
        reference = case.reference
        subject, body = messages.compose(e.kind, title=e.title, reference=reference, due_at=e.due_at,
                                         emergency=e.emergency, link=e.link)
        base = {"event_key": e.key, "kind": e.kind, "emergency": e.emergency, "case_id": case.id,
                "task_id": e.task_id, "subject": subject, "body": body, "link": e.link, "attempts": 0,
                "last_error": None, "created_at": now, "sent_at": None, "read_at": None, "leased_by": None,
                "leased_until": None}
        for p in members:
            rows.append(dict(base, user_id=p.user_id, channel="app", address=None, status="sent", digest=False,
                             send_after=now, sent_at=now))
            if p.email and (p.email_on or e.emergency):
                until = None if e.emergency else morning(p)
                rows.append(dict(base, user_id=p.user_id, channel="email", address=p.email, status="queued",
                                 digest=until is not None, send_after=until or now))
        if e.emergency:
            on_call = [duty[u] for u in duty_ids.get(e.agency_id, []) if u in duty]
            sms_to = [p for p in (on_call or members) if p.phone]
        else:
            sms_to = [p for p in members if p.phone and p.sms_on]
        for p in sms_to:
            until = None if e.emergency else morning(p)
            rows.append(dict(base, user_id=p.user_id, channel="sms", address=p.phone, status="queued",
                             digest=until is not None, send_after=until or now))
    return insert_ignoring_duplicates(s, rows)


def insert_ignoring_duplicates(s: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(_TABLE).on_conflict_do_nothing(
            index_elements=["event_key", "user_id", "channel"])
    elif dialect == "sqlite":
        stmt = sqlite.insert(_TABLE).on_conflict_do_nothing(index_elements=["event_key", "user_id", "channel"])
    else:   # pragma: no cover - the two supported databases are above
        stmt = _TABLE.insert()
    return len(s.execute(stmt.returning(_TABLE.c.id), rows).all())   # the rows written (duplicates are not)
