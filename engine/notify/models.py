"""Tables of the notifications (migration 0012): the outbox, users' contacts, the on-duty roster, and a
province's quiet hours; the messages left on a case for an agency (migration 0021)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.db import Base
from engine.models import TZ


class Notification(Base):
    """One message to one person on one channel, written in the transaction of the change causing it.

    ``(event_key, user_id, channel)`` is unique: the same event never makes two rows for a recipient and
    channel, however many writers or scans see it. ``app`` rows are the in-app bell (delivered when written);
    ``email`` and ``sms`` rows are leased and sent by ``bvte notify run``. A row deferred by quiet hours
    (``digest``) waits until ``send_after`` and goes out in that person's morning digest.
    """

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))       # new_task | reminder | overdue | handover | break_glass | message
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))    # app | email | sms
    address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300))      # a path; BVTE_BASE_URL is put before it when sent
    status: Mapped[str] = mapped_column(String(10))     # queued | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
    send_after: Mapped[dt.datetime] = mapped_column(TZ)
    sent_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    read_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    leased_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    leased_until: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    __table_args__ = (UniqueConstraint("event_key", "user_id", "channel", name="uq_notification_event"),
                      Index("ix_notification_due", "status", "send_after"),
                      Index("ix_notification_user", "user_id", "channel", "read_at"))


class UserContact(Base):
    """A user's e-mail and phone, the channels chosen (the in-app bell is always on) and the user's own quiet
    hours (minutes after midnight, Vietnam time; NULL: the province's; equal: none) (migration 0021)."""

    __tablename__ = "user_contacts"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    email_on: Mapped[bool] = mapped_column(Boolean, default=True)
    sms_on: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_start_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quiet_end_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DutyShift(Base):
    """Who of an agency is reachable from ``starts_at`` to ``ends_at`` (nights, days off): emergencies go
    to them by SMS."""

    __tablename__ = "duty_roster"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[dt.datetime] = mapped_column(TZ)
    ends_at: Mapped[dt.datetime] = mapped_column(TZ)
    __table_args__ = (Index("ix_duty_roster_agency", "agency_id", "starts_at"),)


class QuietHours(Base):
    """A province's quiet hours in Vietnam time, minutes after midnight (default 22:00–06:00)."""

    __tablename__ = "notify_quiet_hours"
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code", ondelete="CASCADE"), primary_key=True)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)


class CaseMessage(Base):
    """One message or directive on a case, from an agency's user to another agency (migration 0021)."""

    __tablename__ = "case_messages"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    author_name: Mapped[str] = mapped_column(String(80))
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
