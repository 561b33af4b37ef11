"""Who is told and when: users' contacts and channel choices, the agencies' on-duty roster, quiet hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Agency
from engine.models import User
from engine.notify.models import DutyShift
from engine.notify.models import QuietHours
from engine.notify.models import UserContact
from engine.workdays import VN_TZ

DEFAULT_QUIET = (22 * 60, 6 * 60)   # 22:00–06:00, Vietnam time


@dataclass(frozen=True)
class Person:
    user_id: int
    username: str
    email: str | None
    phone: str | None
    email_on: bool
    sms_on: bool
    quiet: tuple[int, int] | None = None   # the person's own quiet hours (minutes, Vietnam time); None: the province's


def _quiet(start: int | None, end: int | None) -> tuple[int, int] | None:
    return (start, end) if start is not None and end is not None else None


def agency_people(s: Session, agency_ids: list[int]) -> dict[int, list[Person]]:
    """The active users of each agency with their contacts (users without a contact row: bell only)."""
    if not agency_ids:
        return {}
    rows = s.execute(select(User.id, User.username, User.agency_id, UserContact.email, UserContact.phone,
                            UserContact.email_on, UserContact.sms_on, UserContact.quiet_start_minute,
                            UserContact.quiet_end_minute)
                     .outerjoin(UserContact, UserContact.user_id == User.id)
                     .where(User.agency_id.in_(agency_ids), User.active.is_(True)).order_by(User.id))
    out: dict[int, list[Person]] = {a: [] for a in agency_ids}
    for r in rows:
        out[r.agency_id].append(Person(r.id, r.username, r.email, r.phone, bool(r.email_on), bool(r.sms_on),
                                       _quiet(r.quiet_start_minute, r.quiet_end_minute)))
    return out


def people_by_id(s: Session, user_ids: list[int]) -> dict[int, Person]:
    """Active users by id with their contacts."""
    if not user_ids:
        return {}
    rows = s.execute(select(User.id, User.username, UserContact.email, UserContact.phone,
                            UserContact.email_on, UserContact.sms_on, UserContact.quiet_start_minute,
                            UserContact.quiet_end_minute)
                     .outerjoin(UserContact, UserContact.user_id == User.id)
                     .where(User.id.in_(user_ids), User.active.is_(True)))
    return {r.id: Person(r.id, r.username, r.email, r.phone, bool(r.email_on), bool(r.sms_on),
                         _quiet(r.quiet_start_minute, r.quiet_end_minute)) for r in rows}


def on_duty(s: Session, agency_ids: list[int], now: dt.datetime) -> dict[int, list[int]]:
    """agency id -> the users on duty at ``now`` (by the roster)."""
    if not agency_ids:
        return {}
    out: dict[int, list[int]] = {}
    for agency_id, user_id in s.execute(select(DutyShift.agency_id, DutyShift.user_id)
                                        .where(DutyShift.agency_id.in_(agency_ids), DutyShift.starts_at <= now,
                                               DutyShift.ends_at > now).order_by(DutyShift.starts_at)):
        out.setdefault(agency_id, []).append(user_id)
    return out


def quiet_minutes(s: Session, province: str | None) -> tuple[int, int]:
    row = s.get(QuietHours, province) if province else None
    return (row.start_minute, row.end_minute) if row is not None else DEFAULT_QUIET


def quiet_until(now: dt.datetime, minutes: tuple[int, int]) -> dt.datetime | None:
    """The end of the quiet hours ``now`` falls in (the morning digest's instant), or None outside them."""
    start, end = minutes
    if start == end:
        return None
    local = now.astimezone(VN_TZ)
    m = local.hour * 60 + local.minute
    inside = (m >= start or m < end) if start > end else (start <= m < end)
    if not inside:
        return None
    day = local.date() if m < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(end // 60, end % 60), VN_TZ).astimezone(dt.timezone.utc)


# --- administration (the CLI and the seed) -------------------------------------------------------------

KEEP = object()   # ``set_contact``'s "leave the quiet hours as they are"


def set_contact(s: Session, user_id: int, *, email: str | None = None, phone: str | None = None,
                email_on: bool | None = None, sms_on: bool | None = None,
                quiet: tuple[int, int] | None | object = KEEP) -> UserContact:
    """A user's addresses, channels and own quiet hours (``None``: the province's; ``KEEP``: unchanged)."""
    row = s.get(UserContact, user_id)
    if row is None:
        row = UserContact(user_id=user_id, email_on=True, sms_on=False)
        s.add(row)
    if email is not None:
        row.email = email or None
    if phone is not None:
        row.phone = phone or None
    if email_on is not None:
        row.email_on = email_on
    if sms_on is not None:
        row.sms_on = sms_on
    if quiet is not KEEP:
        if quiet is None:
            row.quiet_start_minute = row.quiet_end_minute = None
        else:
            start, end = cast(tuple[int, int], quiet)
            if not (0 <= start < 1440 and 0 <= end < 1440):
                raise ValueError("quiet hours are minutes of a day")
            row.quiet_start_minute, row.quiet_end_minute = start, end
    return row


def add_shift(s: Session, agency_code: str, username: str, starts_at: dt.datetime, ends_at: dt.datetime) -> DutyShift:
    agency = s.execute(select(Agency).where(Agency.code == agency_code)).scalar_one_or_none()
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if agency is None or user is None:
        raise LookupError(f"no agency {agency_code!r} or user {username!r}")
    if ends_at <= starts_at:
        raise ValueError("a shift ends after it starts")
    row = DutyShift(agency_id=agency.id, user_id=user.id, starts_at=starts_at, ends_at=ends_at)
    s.add(row)
    return row


def roster(s: Session, agency_code: str | None = None) -> list[tuple[str, str, dt.datetime, dt.datetime]]:
    q = (select(Agency.code, User.username, DutyShift.starts_at, DutyShift.ends_at)
         .join(Agency, Agency.id == DutyShift.agency_id).join(User, User.id == DutyShift.user_id))
    if agency_code:
        q = q.where(Agency.code == agency_code)
    return [tuple(r) for r in s.execute(q.order_by(Agency.code, DutyShift.starts_at))]   # type: ignore[misc]


def set_quiet_hours(s: Session, province: str, start_minute: int, end_minute: int) -> None:
    row = s.get(QuietHours, province)
    if row is None:
        s.add(QuietHours(province_code=province, start_minute=start_minute, end_minute=end_minute))
    else:
        row.start_minute, row.end_minute = start_minute, end_minute
