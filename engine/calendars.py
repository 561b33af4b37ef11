"""The working-day calendars deadlines are computed on, cached per process: Vietnam's public holidays
(``engine.workdays``), over them the national declarations (``calendar_days``: the official decisions shipped
as data by migration 0017 and the install-wide days of ``bvte calendar set``), over those each province's own
days (``province_calendar_days``, #20.5). A province's day moves only that province's deadlines: a case's
deadlines are computed on the calendar of the province of its commune."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.context import Actor
from engine.context import Context
from engine.models import CalendarDay
from engine.models import Commune
from engine.models import ProvinceCalendarDay
from engine.workdays import WorkCalendar

CALENDAR_TTL = 30.0   # seconds: how soon a calendar change made in another process is seen


@dataclass
class Snapshot:
    """The declarations as loaded: national days, each province's days, and the province of each commune."""

    national: dict[dt.date, bool]
    provinces: dict[str, dict[dt.date, bool]]
    communes: dict[str, str]
    built: dict[str | None, WorkCalendar] = field(default_factory=dict)

    def calendar(self, province: str | None) -> WorkCalendar:
        cal = self.built.get(province)
        if cal is None:
            cal = WorkCalendar({**self.national, **self.provinces.get(province or "", {})})
            self.built[province] = cal
        return cal


def load_snapshot(s: Session) -> Snapshot:
    provinces: dict[str, dict[dt.date, bool]] = {}
    for row in s.execute(select(ProvinceCalendarDay)).scalars():
        provinces.setdefault(row.province_code, {})[row.day] = row.working
    return Snapshot({row.day: row.working for row in s.execute(select(CalendarDay)).scalars()}, provinces,
                    {code: prov for code, prov in s.execute(select(Commune.code, Commune.province_code))})


def province_calendar(s: Session, province: str | None,
                      change: tuple[dt.date, bool | None] | None = None) -> WorkCalendar:
    """The calendar of ``province`` read in the caller's session (None: the national one); ``change``: with
    the province's declaration of that day set to working/off, or removed (None)."""
    national = {row.day: row.working for row in s.execute(select(CalendarDay)).scalars()}
    own: dict[dt.date, bool] = {}
    if province:
        own = {row.day: row.working for row in s.execute(
            select(ProvinceCalendarDay).where(ProvinceCalendarDay.province_code == province)).scalars()}
    if change is not None:
        day, working = change
        own.pop(day, None)
        if working is not None:
            own[day] = working
    return WorkCalendar({**national, **own})


class Calendars:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._state: tuple[Snapshot | None, float] = (None, 0.0)
        self._held: WorkCalendar | None = None

    def calendar(self, session: Session | None = None, province: str | None = None) -> WorkCalendar:
        """The calendar of ``province`` (None: the national one) as the database has it now."""
        if session is not None:
            return province_calendar(session, province)
        with self.ctx.db.read() as s:
            return province_calendar(s, province)

    def _snapshot(self) -> Snapshot:
        snap, loaded = self._state
        if snap is None or time.monotonic() - loaded > CALENDAR_TTL:
            snap = self.load()
            self._state = (snap, time.monotonic())
        return snap

    def load(self) -> Snapshot:
        with self.ctx.db.read() as s:
            return load_snapshot(s)

    def work_calendar(self, province: str | None = None) -> WorkCalendar:
        """The calendar deadlines are computed on, reloaded at most every CALENDAR_TTL seconds (and at
        once after a change made through this engine), so an action does not query it every time."""
        if self._held is not None:
            return self._held
        return self._snapshot().calendar(province)

    def current(self, commune: str | None = None) -> WorkCalendar:
        """The calendar as last loaded (``work_calendar`` when none is) of the province of ``commune``: what
        ``due()`` computes on, read before a step so that a script never waits for the database. A commune
        created in another process since the last load has the national calendar until the next load."""
        if self._held is not None:
            return self._held
        snap = self._state[0] or self._snapshot()
        return snap.calendar(snap.communes.get(commune or ""))

    def province_of(self, commune: str | None) -> str | None:
        snap = self._state[0] or self._snapshot()
        return snap.communes.get(commune or "")

    def forget(self) -> None:
        """Reload the calendar at the next use."""
        self._state = (None, 0.0)

    def hold(self, calendar: WorkCalendar) -> None:
        """Use ``calendar`` from now on and never reload it (an engine without a database: the benchmark)."""
        self._held = calendar

    def set_calendar_day(self, day: dt.date, working: bool, note: str, actor: Actor) -> None:
        """A national declaration (``bvte calendar set``): every province's calendar."""
        now = self.ctx.now
        with self.ctx.db.write() as s:
            row = s.get(CalendarDay, day) or CalendarDay(day=day)
            row.working, row.note, row.changed_by, row.changed_at = working, note, actor.label, now()
            s.add(row)
            audit.append(s, now(), actor.label, "calendar.set", detail={"day": day.isoformat(),
                                                                       "working": working, "note": note})
        self.forget()

    def clear_calendar_day(self, day: dt.date, actor: Actor) -> bool:
        with self.ctx.db.write() as s:
            row = s.get(CalendarDay, day)
            if row is None:
                return False
            s.delete(row)
            audit.append(s, self.ctx.now(), actor.label, "calendar.clear", detail={"day": day.isoformat()})
        self.forget()
        return True
