"""Demo contacts and roster for the notifications: every demo user gets ``<username>@example.invalid`` and
a fake phone number; commune X01's agencies get an on-duty roster (their demo user, a year from seeding)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine.models import Agency
from engine.models import User
from engine.notify import people
from engine.notify.models import DutyShift

ROSTER_COMMUNE = "X01"


def fake_phone(user_id: int) -> str:
    return f"+84-000-{user_id:06d}"   # not a dialable number


def seed_notify(engine, usernames: list[str]) -> None:
    """Contacts of the users just created, and the X01 roster when it has none yet."""
    now = engine.now()
    with engine.db.write() as s:
        for user in s.execute(select(User).where(User.username.in_(usernames))).scalars():
            people.set_contact(s, user.id, email=f"{user.username}@example.invalid", phone=fake_phone(user.id),
                               email_on=True, sms_on=False)
        agencies = list(s.execute(select(Agency).where(Agency.commune_code == ROSTER_COMMUNE)).scalars())
        for agency in agencies:
            if s.execute(select(DutyShift.id).where(DutyShift.agency_id == agency.id)).first() is not None:
                continue
            for user_id in s.execute(select(User.id).where(User.agency_id == agency.id, User.active.is_(True))
                                     .order_by(User.id).limit(1)).scalars():
                s.add(DutyShift(agency_id=agency.id, user_id=user_id, starts_at=now - dt.timedelta(days=1),
                                ends_at=now + dt.timedelta(days=365)))
