"""What the web reads of the notifications: a person's bell (unread count, list, mark read), a case's
delivery status (for its commune officer) and the outbox by status (for the operators). No SQL in webui."""

from __future__ import annotations

import datetime as dt
from typing import Any
from typing import cast

from sqlalchemy import Table
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from engine import audit
from engine.models import Case
from engine.models import User
from engine.notify import people
from engine.notify.models import Notification

_T = cast(Table, Notification.__table__)


def unread_count(engine: Any, user_id: int) -> int:
    with engine.db.read() as s:
        return s.execute(select(func.count()).select_from(_T).where(
            _T.c.user_id == user_id, _T.c.channel == "app", _T.c.read_at.is_(None))).scalar() or 0


def inbox(engine: Any, user_id: int, limit: int = 100) -> list[Any]:
    """A person's in-app notifications, newest first (with the case reference)."""
    with engine.db.read() as s:
        return list(s.execute(select(_T.c.id, _T.c.kind, _T.c.subject, _T.c.link, _T.c.emergency, _T.c.created_at,
                                     _T.c.read_at).where(_T.c.user_id == user_id, _T.c.channel == "app")
                              .order_by(_T.c.created_at.desc(), _T.c.id.desc()).limit(limit)))


def mark_read(engine: Any, user_id: int, ids: list[int] | None = None) -> int:
    """Mark a person's notifications read (all of them without ``ids``); only their own."""
    with engine.db.write() as s:
        q = update(_T).where(_T.c.user_id == user_id, _T.c.channel == "app", _T.c.read_at.is_(None))
        if ids is not None:
            q = q.where(_T.c.id.in_(ids))
        return s.execute(q.values(read_at=engine.now())).rowcount or 0


def link_of(engine: Any, user_id: int, notification_id: int) -> str | None:
    with engine.db.read() as s:
        return s.execute(select(_T.c.link).where(_T.c.id == notification_id, _T.c.user_id == user_id)).scalar()


def case_deliveries(engine: Any, case_id: str) -> list[Any]:
    """Each e-mail and SMS of a case: to whom (username), channel, status, attempts, reason, when."""
    with engine.db.read() as s:
        return list(s.execute(
            select(_T.c.kind, _T.c.channel, User.username, _T.c.status, _T.c.attempts, _T.c.last_error,
                   _T.c.created_at, _T.c.send_after, _T.c.sent_at, _T.c.emergency, _T.c.digest)
            .join(User, User.id == _T.c.user_id).where(_T.c.case_id == case_id, _T.c.channel != "app")
            .order_by(_T.c.created_at, _T.c.id)))


def operator_view(engine: Any, province: str | None, limit: int = 200) -> tuple[dict, list[Any]]:
    """Counts by (channel, status), and the rows not sent (queued or failed), oldest first, of a province."""
    with engine.db.read() as s:
        scope = select(Case.id).where(Case.province_code == province).scalar_subquery()
        where = [_T.c.channel != "app"]
        if province:
            where.append(_T.c.case_id.in_(scope))
        counts = {(c, st): n for c, st, n in s.execute(select(_T.c.channel, _T.c.status, func.count())
                                                        .where(*where).group_by(_T.c.channel, _T.c.status))}
        pending = list(s.execute(
            select(_T.c.id, _T.c.kind, _T.c.channel, User.username, _T.c.status, _T.c.attempts, _T.c.last_error,
                   _T.c.created_at, _T.c.send_after, Case.reference)
            .join(User, User.id == _T.c.user_id).outerjoin(Case, Case.id == _T.c.case_id)
            .where(*where, _T.c.status != "sent").order_by(_T.c.created_at, _T.c.id).limit(limit)))
        return counts, pending


def my_contact(engine: Any, user_id: int) -> Any:
    with engine.db.read() as s:
        return s.get(people.UserContact, user_id)


def save_contact(engine: Any, user_id: int, actor: str, *, email: str, phone: str, email_on: bool, sms_on: bool,
                 quiet: tuple[int, int] | None) -> None:
    """A user's own addresses, channels and quiet hours (None: the province's), audited without the values."""
    with engine.db.write() as s:
        people.set_contact(s, user_id, email=email, phone=phone, email_on=email_on, sms_on=sms_on, quiet=quiet)
        audit.append(s, engine.now(), actor, "notify.contact", detail={
            "user": actor, "email_on": email_on, "sms_on": sms_on,
            "quiet": None if quiet is None else [f"{m // 60:02d}:{m % 60:02d}" for m in quiet]})


def province_quiet(engine: Any, province: str | None) -> tuple[int, int]:
    """The province's quiet hours (minutes after midnight, Vietnam time)."""
    with engine.db.read() as s:
        return people.quiet_minutes(s, province)


def on_duty_now(engine: Any, agency_id: int, now: dt.datetime | None = None) -> list[str]:
    with engine.db.read() as s:
        ids = people.on_duty(s, [agency_id], now or engine.now()).get(agency_id, [])
        if not ids:
            return []
        return list(s.execute(select(User.username).where(User.id.in_(ids))).scalars())
