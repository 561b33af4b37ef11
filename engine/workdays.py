"""Vietnamese working-day calendar and statutory time-limit arithmetic.

Counting follows Bộ luật Dân sự 2015 Điều 147–148:
- a limit in hours runs in clock time from the stated moment, through nights and days off;
- a limit in days excludes the day of the start event; it ends at the end (24:00) of its last day,
  and a last day that is a weekend or public holiday moves to the end of the next working day;
- working days are Monday–Friday less public holidays and compensatory days off, plus the
  Saturdays the government swaps in as working days (the ``holidays`` package's VN calendar).

The ``holidays`` package lists 24/11 (Ngày Văn hóa Việt Nam) as a day off from 2026, with its observed days.
Bộ luật Lao động 2019 Điều 112.1 has not been amended to add it (Nghị quyết 30/NQ-CP, 2026, only tasks the
amendment) and no decision gives 2026 a day off, so it is a working day here; a decision that does is entered
as data (the official calendar, ``engine/data/vn_official_calendar.json``, or an administrator's day).

Administrators may override single days (``CalendarDay`` rows), e.g. a Tết schedule announced late.
The end of a day is represented as 23:59:59 local time, the last whole second of the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = ("hours", "days", "working_days", "instant")


# holidays the package lists without a legal basis yet (see the module docstring); their observed days too
WITHOUT_LEGAL_BASIS = ("Vietnam Cultural Day",)


@lru_cache(maxsize=1)
def _vn_holidays() -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=range(2015, 2041))


def _without_legal_basis(name: str) -> bool:
    return any(name.startswith(n) for n in WITHOUT_LEGAL_BASIS)


class WorkCalendar:
    """Is a day a working day? The VN public calendar plus administrator overrides."""

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None):
        self.overrides = dict(overrides or {})
        # the public-holiday table is built here, when the calendar is loaded before a step, not inside the
        # first ``due()`` of a fresh process: on a loaded machine building it outlasted a script's time limit
        _vn_holidays()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        public = _vn_holidays()
        names = public.get_list(day)
        if names and all(_without_legal_basis(n) for n in names):
            return day.weekday() < 5
        return bool(public.is_working_day(day))


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), VN_TZ)


def add_hours(start: dt.datetime, hours: float) -> dt.datetime:
    _require_aware(start)
    return (start + dt.timedelta(hours=hours)).astimezone(VN_TZ)


def add_working_days(start: dt.datetime, n: int, calendar: WorkCalendar) -> dt.datetime:
    """End of the n-th working day after the day of ``start`` (that day itself is not counted)."""
    _require_aware(start)
    if n < 1:
        raise ValueError("a working-day limit must be at least 1 day")
    day = start.astimezone(VN_TZ).date()
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return end_of_day(day)


def add_days(start: dt.datetime, n: int, calendar: WorkCalendar) -> dt.datetime:
    """Calendar days; a last day that is not a working day rolls to the next working day."""
    _require_aware(start)
    if n < 1:
        raise ValueError("a day limit must be at least 1 day")
    day = start.astimezone(VN_TZ).date() + dt.timedelta(days=n)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return end_of_day(day)


@dataclass(frozen=True)
class DeadlineRule:
    """A statutory time limit: ``amount`` ``unit`` counted from the instant in data field ``start_field``.

    ``escalate_to`` names the lane id whose agency is told when the limit is missed.
    """

    name: str
    amount: int
    unit: str
    start_field: str
    label_vi: str
    label_en: str
    legal_basis: str
    escalate_to: str | None = None

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"deadline rule {self.name}: unit must be one of {UNITS}, not {self.unit!r}")
        if self.amount < 1 and self.unit != "instant":
            raise ValueError(f"deadline rule {self.name}: amount must be positive")

    def due(self, start: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
        return compute_due(start, self.amount, self.unit, calendar)

    def describe_vi(self) -> str:
        if self.unit == "instant":
            return "đến thời hạn đã định"
        unit = {"hours": "giờ", "days": "ngày", "working_days": "ngày làm việc"}[self.unit]
        return f"{self.amount} {unit}"


def compute_due(start: dt.datetime, amount: int, unit: str, calendar: WorkCalendar) -> dt.datetime:
    if unit == "hours":
        return add_hours(start, amount)
    if unit == "working_days":
        return add_working_days(start, amount, calendar)
    if unit == "days":
        return add_days(start, amount, calendar)
    if unit == "instant":   # the limit is the instant itself (a date fixed by a province's schedule)
        return start.astimezone(VN_TZ)
    raise ValueError(f"unknown unit {unit!r}")


def parse_instant(value: str | dt.datetime) -> dt.datetime:
    """Parse an ISO 8601 instant; one without an offset is read as Vietnamese local time."""
    instant = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=VN_TZ)
    return instant


def _require_aware(instant: dt.datetime) -> None:
    if instant.tzinfo is None:
        raise ValueError("time limits need a timezone-aware start instant")
