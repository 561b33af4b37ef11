"""The working-day calendar as an administrator sees it: a year's public holidays and declared days off or
swapped working days with the document that decided them, which running deadlines span a day (a preview:
a task's limit is computed when the task opens, so a change applies to tasks opened after it), and the
history of changes (from the audit log). Report schedules of a province (read). No Flask here."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlalchemy import select

from engine.models import AuditEvent
from engine.models import CalendarDay
from engine.models import OpenTask
from engine.models import ReportSchedule
from engine.workdays import _vn_holidays


def year_days(engine, year: int) -> list[dict]:
    """The public holidays and the declared overrides of ``year``, by day."""
    with engine.db.read() as s:
        overrides = {r.day: r for r in s.execute(select(CalendarDay).where(
            CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31))).scalars()}
    public = {d: name for d, name in _vn_holidays().items() if d.year == year}
    days = []
    for day in sorted(set(public) | set(overrides)):
        o = overrides.get(day)
        days.append({"day": day, "holiday": public.get(day), "working": None if o is None else o.working,
                     "note": o.note if o else "", "changed_by": o.changed_by if o else None})
    return days


def deadlines_spanning(engine, day: dt.date, province: str | None = None) -> int:
    """How many open tasks have a limit running across ``day`` (opened before it, due after it)."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with engine.db.read() as s:
        q = select(func.count()).select_from(OpenTask).where(OpenTask.due_at.is_not(None),
                                                             OpenTask.due_at >= start, OpenTask.created_at < start)
        if province is not None:
            from engine.models import Agency

            q = q.join(Agency, Agency.id == OpenTask.agency_id).where(Agency.province_code == province)
        return s.execute(q).scalar_one()


def history(engine, limit: int = 50) -> list[dict]:
    """The latest calendar changes: when, who, what."""
    with engine.db.read() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action.in_(("calendar.set", "calendar.clear")))
                         .order_by(AuditEvent.id.desc()).limit(limit)).scalars()
        return [{"at": e.at, "actor": e.actor, "action": e.action, "detail": e.detail} for e in rows]


def schedules(engine, province: str) -> list[dict]:
    with engine.db.read() as s:
        rows = s.execute(select(ReportSchedule).where(ReportSchedule.province_code == province)
                         .order_by(ReportSchedule.due_month, ReportSchedule.due_day)).scalars()
        return [{"code": r.code, "label": r.label, "due": f"{r.due_day:02d}/{r.due_month:02d}",
                 "remind_days": r.remind_days} for r in rows]
