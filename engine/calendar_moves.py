"""A province's own day off or swapped working day (#20.5), previewed and then applied with the running
deadlines it moves.

A deadline's due instant is computed once, when its task opens (``open_tasks.due_at``) or when its timer
starts waiting (the timer's ``due("rule")`` expression, kept in the case's SpiffWorkflow state as the timer's
``event_value`` and in ``timers.due_at`` for the worker); nothing recomputes it when it fires. So a changed
day must move the stored instants: ``preview`` lists, for the open tasks and waiting timers of the province's
open cases whose rule counts days (``days``, ``working_days``: Bộ luật Dân sự 2015 Điều 147–148 — a limit in
hours does not depend on days off), the due instant now and on the changed calendar; ``apply`` writes the
province's day, moves those instants (the task rows, the timers' state and rows) and audits it all in one
transaction. Only the cases of that province are looked at: another province's deadlines do not move.
No Flask here; the case reference names a case, no child data is read out.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine import audit
from engine import spiff
from engine.calendars import province_calendar
from engine.clock import aware
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import Case
from engine.models import OpenTask
from engine.models import Province
from engine.models import ProvinceCalendarDay
from engine.models import Timer
from engine.workdays import VN_TZ
from engine.workdays import WorkCalendar
from engine.workdays import parse_instant

CALENDAR_UNITS = ("days", "working_days")    # the units a day off or a working day can move
_DUE_CALL = re.compile(r"""^\s*due\(\s*["']([\w.-]+)["']\s*\)\s*$""")


@dataclass(frozen=True)
class Move:
    """One running deadline whose due instant the change moves."""

    kind: str            # "task" or "timer"
    case_id: str
    reference: str
    item_id: str         # the open task's or the timer's id
    name: str            # the task's title or the timer event's name
    rule: str
    old: dt.datetime
    new: dt.datetime


@dataclass(frozen=True)
class Change:
    """A province's declaration of one day: working True/False, or None to remove the province's own day."""

    province: str
    day: dt.date
    working: bool | None
    document: str = ""
    document_date: dt.date | None = None
    note: str = ""
    reason: str = ""


def check(change: Change) -> None:
    """``InvalidTaskData`` naming each missing field: the reason always, the document to declare a day."""
    errors: dict[str, list[str]] = {}
    if not change.reason.strip():
        errors["reason"] = ["Ghi lý do thay đổi / give the reason for the change"]
    if change.working is not None:
        if not change.document.strip():
            errors["doc_number"] = ["Ghi số văn bản quyết định / the deciding document's number"]
        if change.document_date is None:
            errors["doc_date"] = ["Ghi ngày của văn bản / the deciding document's date"]
    if errors:
        raise InvalidTaskData(errors)


def timer_rule(spec) -> str | None:
    """The deadline rule a timer's ``due("rule")`` expression names (None for any other expression)."""
    definition = getattr(spec, "event_definition", None)
    candidates = [definition, *(getattr(definition, "event_definitions", None) or ())]
    for d in candidates:
        m = _DUE_CALL.match(str(getattr(d, "expression", "") or ""))
        if m:
            return m.group(1)
    return None


def _utc(instant: dt.datetime) -> dt.datetime:
    """A plain UTC datetime (SpiffWorkflow's clock hands out a subclass)."""
    return dt.datetime.fromtimestamp(aware(instant).timestamp(), dt.timezone.utc)


def _moved(rule, data: dict, old: dt.datetime, calendar: WorkCalendar) -> dt.datetime | None:
    if rule is None or rule.unit not in CALENDAR_UNITS or not data.get(rule.start_field):
        return None
    new = _utc(rule.due(parse_instant(data[rule.start_field]), calendar))
    return new if new != _utc(old) else None


def _candidates(s: Session, province: str, since: dt.datetime) -> list[Case]:
    """The province's open cases with a task or timer due on or after ``since`` (a changed day moves only
    the limits that run across it, which end on or after it)."""
    with_task = select(OpenTask.case_id).where(OpenTask.due_at >= since, OpenTask.deadline_rule.is_not(None))
    with_timer = select(Timer.case_id).where(Timer.due_at >= since)
    return list(s.execute(select(Case).where(Case.province_code == province, Case.status == "open",
                                             or_(Case.id.in_(with_task), Case.id.in_(with_timer)))
                          .order_by(Case.reference)).scalars())


def _compute(s: Session, engine, change: Change, calendar: WorkCalendar):
    """The moves of ``change`` on ``calendar``, with each moved case's loaded state (to write them)."""
    since = dt.datetime.combine(change.day, dt.time(0), VN_TZ)
    moves: list[Move] = []
    loaded = {}
    for case in _candidates(s, change.province, since):
        lv = engine.deployment.loaded_id(s, case.process_version_id)
        wf = engine.deployment.load(case, lv)
        before = spiff.stored_rows(wf)
        mine: list[Move] = []
        tasks = s.execute(select(OpenTask).where(OpenTask.case_id == case.id, OpenTask.due_at >= since,
                                                 OpenTask.deadline_rule.is_not(None))).scalars()
        for ot in tasks:
            if ot.due_at is None:
                continue
            task = wf.get_task_from_id(uuid.UUID(ot.id))
            new = _moved(lv.config.deadlines.get(ot.deadline_rule or ""), task.data if task else {}, ot.due_at,
                         calendar)
            if new is not None:
                mine.append(Move("task", case.id, case.reference, ot.id, ot.title, ot.deadline_rule or "",
                                 _utc(ot.due_at), new))
        for t, due_at, _attached in spiff.waiting_timers(wf):
            if due_at < since or not isinstance(t.internal_data.get("event_value"), str):
                continue
            name = timer_rule(t.task_spec)
            new = _moved(lv.config.deadlines.get(name or ""), t.data, due_at, calendar)
            if new is not None:
                mine.append(Move("timer", case.id, case.reference, str(t.id),
                                 t.task_spec.bpmn_name or t.task_spec.name, name or "", _utc(due_at), new))
        if mine:
            moves.extend(mine)
            loaded[case.id] = (case, lv, wf, before)
    return moves, loaded


def _province(s: Session, code: str) -> None:
    if not code or s.get(Province, code) is None:
        raise NotFound(f"không có tỉnh '{code}' / no such province")


def preview(engine, change: Change) -> list[Move]:
    """The running deadlines of the province whose due instant ``change`` would move, old -> new. Reads only."""
    with engine.ctx.db.read() as s:
        _province(s, change.province)
        calendar = province_calendar(s, change.province, (change.day, change.working))
        return _compute(s, engine, change, calendar)[0]


def apply(engine, change: Change, actor: str) -> list[Move]:
    """Write the province's day (or remove it), move the running deadlines it moves, audit; one transaction.
    The moves are computed again inside the write (what the preview showed may have changed since)."""
    check(change)
    now = engine.ctx.now()
    with engine.ctx.db.write() as s:
        _province(s, change.province)
        calendar = province_calendar(s, change.province, (change.day, change.working))
        moves, loaded = _compute(s, engine, change, calendar)
        row = s.get(ProvinceCalendarDay, (change.province, change.day))
        if change.working is None:
            if row is None:
                raise NotFound("tỉnh chưa khai báo ngày này / the province has not declared this day")
            s.delete(row)
        else:
            row = row or ProvinceCalendarDay(province_code=change.province, day=change.day)
            row.working, row.document, row.document_date = change.working, change.document.strip()[:120], \
                change.document_date
            row.note, row.reason = change.note.strip()[:300], change.reason.strip()[:300]
            row.changed_by, row.changed_at = actor[:80], now
            s.add(row)
        s.flush()
        by_case: dict[str, list[Move]] = {}
        for m in moves:
            by_case.setdefault(m.case_id, []).append(m)
        for case_id, mine in by_case.items():
            case, lv, wf, before = loaded[case_id]
            for m in mine:
                if m.kind == "task":
                    s.execute(update(OpenTask).where(OpenTask.id == m.item_id).values(due_at=m.new))
                else:
                    wf.get_task_from_id(uuid.UUID(m.item_id)).internal_data["event_value"] = m.new.astimezone(VN_TZ).isoformat()
            event = audit.Event(now, actor, "deadline.moved", case_id, detail={
                "day": change.day.isoformat(), "province": change.province,
                "moves": [{"kind": m.kind, "id": m.item_id, "rule": m.rule, "old": m.old.isoformat(),
                           "new": m.new.isoformat()} for m in mine]})
            if any(m.kind == "timer" for m in mine):   # the timers' instants live in the case's state
                engine.store.store(s, case, wf, lv, before=before, events=[event])
            else:
                audit.append_many(s, [event])
        audit.append(s, now, actor, "calendar.province.set" if change.working is not None else
                     "calendar.province.clear", detail={
                         "province": change.province, "day": change.day.isoformat(), "working": change.working,
                         "document": change.document.strip(),
                         "document_date": change.document_date.isoformat() if change.document_date else None,
                         "note": change.note.strip(), "reason": change.reason.strip(), "moved": len(moves)},
                     province=change.province)
    engine.calendars.forget()
    return moves
