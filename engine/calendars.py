"""The working-day calendar deadlines are computed on: the days an administrator declared off or on
(``calendar_days``) over Vietnam's public holidays (``engine.workdays``), cached per process."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.context import Actor
from engine.context import Context
from engine.models import CalendarDay
from engine.workdays import WorkCalendar

CALENDAR_TTL = 30.0   # seconds: how soon a calendar change made in another process is seen


class Calendars:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._state: tuple[WorkCalendar | None, float] = (None, 0.0)

    def calendar(self, session: Session | None = None) -> WorkCalendar:
        def load(s):
            return {row.day: row.working for row in s.execute(select(CalendarDay)).scalars()}
        if session is not None:
            return WorkCalendar(load(session))
        with self.ctx.db.read() as s:
            return WorkCalendar(load(s))

    def work_calendar(self) -> WorkCalendar:
        """The calendar deadlines are computed on, reloaded at most every CALENDAR_TTL seconds (and at
        once after a change made through this engine), so an action does not query it every time."""
        cal, loaded = self._state
        if cal is None or time.monotonic() - loaded > CALENDAR_TTL:
            cal = self.calendar()
            self._state = (cal, time.monotonic())
        return cal

    def current(self) -> WorkCalendar:
        """The calendar as last loaded (``work_calendar`` when none is): what ``due()`` computes on, read
        before a step so that a script never waits for the database."""
        return self._state[0] or self.work_calendar()

    def forget(self) -> None:
        """Reload the calendar at the next use."""
        self._state = (None, 0.0)

    def hold(self, calendar: WorkCalendar) -> None:
        """Use ``calendar`` from now on and never reload it (an engine without a database: the benchmark)."""
        self._state = (calendar, float("inf"))

    def set_calendar_day(self, day: dt.date, working: bool, note: str, actor: Actor) -> None:
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
