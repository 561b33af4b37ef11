"""The working-day calendar as a province's administrator sees it (#20.5, #16.6): a year's days off and swapped
working days, each with the document that decided it (number, date) and whether it is national — Bộ luật Lao
động 2019 Điều 112 and the official decisions shipped as data (migration 0017), or an install-wide declaration —
or the province's own; the history of changes (from the audit log: who, when, what, why). The preview and
the write of a province's day are ``engine.calendar_moves``. Report schedules of a province (read). No Flask."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import or_
from sqlalchemy import select

from engine.models import AuditEvent
from engine.models import CalendarDay
from engine.models import ProvinceCalendarDay
from engine.models import ReportSchedule
from engine.workdays import WorkCalendar
from engine.workdays import _vn_holidays
from engine.workdays import _without_legal_basis

OFFICIAL = "lịch chính thức (migration 0017)"    # the national rows migration 0017 writes
LABOUR_CODE = "Bộ luật Lao động số 45/2019/QH14, Điều 112"
_NOTE = re.compile(r"^(?P<doc>.+?) ngày (?P<date>\d{4}-\d{2}-\d{2}): ?(?P<note>.*)$", re.S)
PROVINCE_ACTIONS = ("calendar.province.set", "calendar.province.clear")
NATIONAL_ACTIONS = ("calendar.set", "calendar.clear")


def _national(row: CalendarDay) -> dict:
    m = _NOTE.match(row.note or "")
    return {"source": "official" if row.changed_by == OFFICIAL else "national", "working": row.working,
            "document": m.group("doc") if m else "", "document_date": _date(m.group("date")) if m else None,
            "note": m.group("note") if m else row.note, "reason": "", "changed_by": row.changed_by}


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def year_days(engine, year: int, province: str | None = None) -> list[dict]:
    """The days of ``year`` that are not as the week has them, and every declared day, in the province's
    calendar: ``working`` (as deadlines count it), ``source`` (``law``: a public holiday of the Labour Code;
    ``official``: a national decision shipped as data; ``national``: an install-wide declaration;
    ``province``: the province's own), the document (number, date), the note, the reason, and ``national``:
    what the country's calendar says of a day the province declared itself."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    with engine.db.read() as s:
        national = {r.day: r for r in s.execute(select(CalendarDay).where(
            CalendarDay.day >= first, CalendarDay.day <= last)).scalars()}
        own = {} if not province else {r.day: r for r in s.execute(select(ProvinceCalendarDay).where(
            ProvinceCalendarDay.province_code == province, ProvinceCalendarDay.day >= first,
            ProvinceCalendarDay.day <= last)).scalars()}
    public = {d: name for d, name in _vn_holidays().items() if d.year == year and not _without_legal_basis(name)}
    country = WorkCalendar({d: r.working for d, r in national.items()})
    days = []
    for day in sorted(set(public) | set(national) | set(own)):
        if day in national:
            entry = _national(national[day])
        else:
            entry = {"source": "law", "working": country.is_working_day(day), "document": LABOUR_CODE,
                     "document_date": dt.date(2019, 11, 20), "note": public.get(day, ""), "reason": "",
                     "changed_by": None}
        entry.update(day=day, holiday=public.get(day), national=None)
        if day in own:
            r = own[day]
            entry = {**entry, "national": {"working": entry["working"], "source": entry["source"]},
                     "source": "province", "working": r.working, "document": r.document,
                     "document_date": r.document_date, "note": r.note, "reason": r.reason,
                     "changed_by": r.changed_by}
        if entry["working"] == (day.weekday() < 5) and entry["source"] == "law":
            continue   # a holiday the package lists on a day that is off anyway, without a declaration
        days.append(entry)
    return days


def history(engine, province: str | None = None, limit: int = 100) -> list[dict]:
    """The latest calendar changes, the province's own and the national ones: when, who, what, why."""
    with engine.db.read() as s:
        q = select(AuditEvent).where(or_(AuditEvent.action.in_(NATIONAL_ACTIONS),
                                         AuditEvent.action.in_(PROVINCE_ACTIONS) & (AuditEvent.chain == (province or ""))))
        rows = s.execute(q.order_by(AuditEvent.id.desc()).limit(limit)).scalars()
        return [{"at": e.at, "actor": e.actor, "action": e.action, "province": e.action in PROVINCE_ACTIONS,
                 "day": _date(str((e.detail or {}).get("day", ""))), "working": (e.detail or {}).get("working"),
                 "document": (e.detail or {}).get("document") or (e.detail or {}).get("note", ""),
                 "document_date": _date(str((e.detail or {}).get("document_date") or "")),
                 "reason": (e.detail or {}).get("reason", ""), "moved": (e.detail or {}).get("moved")}
                for e in rows]


def schedules(engine, province: str) -> list[dict]:
    with engine.db.read() as s:
        rows = s.execute(select(ReportSchedule).where(ReportSchedule.province_code == province)
                         .order_by(ReportSchedule.due_month, ReportSchedule.due_day)).scalars()
        return [{"code": r.code, "label": r.label, "due": f"{r.due_day:02d}/{r.due_month:02d}",
                 "remind_days": r.remind_days} for r in rows]
