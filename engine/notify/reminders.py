"""The reminder scan of the sender worker: "limit about to pass" (the lead times a procedure sets per
deadline rule) and "overdue" for open tasks, each written once (its event key is unique per recipient)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from engine.clock import aware
from engine.models import Case
from engine.models import OpenTask
from engine.models import ProcessVersion
from engine.notify import outbox
from engine.notify.models import Notification
from engine.notify.settings import LeadTime
from engine.notify.settings import NotifySettings
from engine.workdays import VN_TZ

OVERDUE_WINDOW = dt.timedelta(days=2)   # an older overdue task was told of already (or predates notifications)


def remind_at(due_at: dt.datetime, lead: LeadTime, calendar: Any) -> dt.datetime:
    """When the reminder ``lead`` before ``due_at`` is due."""
    if lead.unit == "hours":
        return due_at - dt.timedelta(hours=lead.amount)
    day = due_at.astimezone(VN_TZ).date()
    for _ in range(lead.amount - 1):
        day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0, 0), VN_TZ).astimezone(dt.timezone.utc)


def _horizon(settings: list[NotifySettings]) -> dt.timedelta:
    longest = dt.timedelta(0)
    for st in settings:
        for leads in st.lead_times.values():
            for lead in leads:
                span = dt.timedelta(hours=lead.amount) if lead.unit == "hours" else dt.timedelta(days=lead.amount + 12)
                longest = max(longest, span)
    return longest


def scan(engine: Any, now: dt.datetime) -> int:
    """Queue the reminders and overdue notices now due; returns the rows written."""
    registry = engine.registry
    with engine.db.read() as s:
        pids = list(s.execute(select(ProcessVersion.id, ProcessVersion.process_id)))
    by_version = {vid: registry.config_for(pid).notify for vid, pid in pids}
    horizon = _horizon(list(by_version.values()))
    calendars: dict[str, Any] = {}   # each province's calendar (#20.5): a province's day off moves only its reminders
    with engine.db.write() as s:
        q = (select(OpenTask, Case).join(Case, Case.id == OpenTask.case_id)
             .where(OpenTask.due_at.is_not(None), OpenTask.escalated_at.is_(None),
                    OpenTask.due_at > now - OVERDUE_WINDOW, OpenTask.due_at <= now + horizon))
        found: dict[str, tuple[Case, list[outbox.Event]]] = {}
        for task, case in s.execute(q):
            st = by_version.get(case.process_version_id) or NotifySettings()
            due = aware(task.due_at)
            events = []
            if due <= now:
                events.append(outbox.overdue_event(task, st))
            else:
                for lead in st.lead_times.get(task.deadline_rule or "", ()):
                    calendar = calendars.get(case.province_code) or engine.work_calendar(case.province_code)
                    calendars[case.province_code] = calendar
                    if remind_at(due, lead, calendar) <= now:
                        events.append(outbox.Event(f"task:{task.id}:lead:{lead.key}", "reminder", task.agency_id,
                                                   task.title, st.is_emergency(task.task_name, task.deadline_rule),
                                                   f"/tasks/{task.id}", task.id, due))
            if events:
                found.setdefault(case.id, (case, []))[1].extend(events)
        keys = [e.key for _, evs in found.values() for e in evs]
        if not keys:
            return 0
        known = set(s.execute(select(Notification.event_key).where(Notification.event_key.in_(keys))).scalars())
        written = 0
        for case, events in found.values():
            fresh = [e for e in events if e.key not in known]
            if fresh:
                written += outbox.enqueue(s, now, case, fresh)
        return written
