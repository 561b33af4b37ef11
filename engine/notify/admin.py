"""Service functions behind ``bvte notify``: contacts, the roster, quiet hours, the outbox's counts; each
change one transaction with its audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from engine import audit
from engine.models import User
from engine.notify import people
from engine.notify.models import Notification


def set_contact(engine: Any, username: str, actor: str, **changes: Any) -> None:
    with engine.db.write() as s:
        user_id = s.execute(select(User.id).where(User.username == username)).scalar()
        if user_id is None:
            raise LookupError(f"no user {username!r}")
        people.set_contact(s, user_id, **changes)
        audit.append(s, engine.now(), actor, "notify.contact", detail={"user": username,
                                                                       "changed": sorted(changes)})


def add_shift(engine: Any, agency: str, username: str, starts_at: dt.datetime, ends_at: dt.datetime,
              actor: str) -> None:
    with engine.db.write() as s:
        people.add_shift(s, agency, username, starts_at, ends_at)
        audit.append(s, engine.now(), actor, "notify.roster", detail={"agency": agency, "user": username,
                                                                      "from": starts_at.isoformat(),
                                                                      "to": ends_at.isoformat()})


def roster(engine: Any, agency: str | None = None) -> list[tuple[str, str, dt.datetime, dt.datetime]]:
    with engine.db.read() as s:
        return people.roster(s, agency)


def set_quiet_hours(engine: Any, province: str, start_minute: int, end_minute: int, actor: str) -> None:
    with engine.db.write() as s:
        people.set_quiet_hours(s, province, start_minute, end_minute)
        audit.append(s, engine.now(), actor, "notify.quiet_hours",
                     detail={"province": province, "start": start_minute, "end": end_minute})


def counts(engine: Any, case_id: str | None = None) -> dict[tuple[str, str], int]:
    """Rows by (channel, status), of one case or all."""
    with engine.db.read() as s:
        q = select(Notification.channel, Notification.status, func.count()).group_by(Notification.channel,
                                                                                      Notification.status)
        if case_id:
            q = q.where(Notification.case_id == case_id)
        return {(c, st): n for c, st, n in s.execute(q)}
