"""Tables. Cases keep compact SpiffWorkflow state; inboxes and timers read denormalised tables.

Neither an inbox nor the timer worker ever deserializes a case: ``open_tasks`` and ``timers``
are rewritten in the same transaction as the case state they are derived from.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DDL
from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import event
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

from engine.db import Base


class UTCDateTime(TypeDecorator):
    """Timezone-aware instants stored as UTC; SQLite's naive values come back as UTC too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a timezone-aware column")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


TZ = UTCDateTime()


class Province(Base):
    __tablename__ = "provinces"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Commune(Base):
    __tablename__ = "communes"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)   # migration 0015: deactivated or merged
    merged_into: Mapped[str | None] = mapped_column(String(32), nullable=True)   # the commune that replaced it


class Agency(Base):
    """A concrete agency: an agency type placed in a commune (commune level) or a province."""

    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    agency_type: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("communes.code"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)   # migration 0015
    __table_args__ = (Index("ix_agency_route", "agency_type", "province_code", "commune_code"),)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(TZ)


class ProcessVersion(Base):
    """An immutable deployed bundle of BPMN files; the spec is stored once here, not in cases."""

    __tablename__ = "process_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict] = mapped_column(JSON)
    deployed_by: Mapped[str] = mapped_column(String(80))
    deployed_at: Mapped[dt.datetime] = mapped_column(TZ)
    # the order in which versions became current, by a deployment or by deploying an older version's content
    # again (None: before migration 0016; then the version number orders); new cases start on the highest
    activation: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __table_args__ = (UniqueConstraint("process_id", "version"),
                      UniqueConstraint("process_id", "content_hash"))


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)   # random UUID: not guessable
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")   # open | closed
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    incident_commune_code: Mapped[str] = mapped_column(String(32))
    residence_commune_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # a procedure-supplied key of "the same person" (e.g. name|birth|residence), to offer linking
    dedup_key: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    summary: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[dt.datetime] = mapped_column(TZ)
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
    updated_at: Mapped[dt.datetime] = mapped_column(TZ)
    closed_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    # the agency whose user recorded the report (None: the CLI, a timer, or a case from before migration 0024):
    # its reporter details and the status of the reports it sent are that agency's only
    intake_agency_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __table_args__ = (Index("ix_case_commune_status", "commune_code", "status"),
                      Index("ix_cases_intake_agency", "intake_agency_id", "received_at"))


# PostgreSQL compresses the large ``state`` column with lz4 where the server has it (much cheaper than
# the default pglz on every write). The same statement is migration 0008.
STATE_LZ4 = """DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
    ALTER TABLE cases ALTER COLUMN state SET COMPRESSION lz4;
  END IF;
END $$"""
event.listen(Case.__table__, "after_create", DDL(STATE_LZ4).execute_if(dialect="postgresql"))


class OpenTask(Base):
    """A READY human task, routed to one concrete agency. Primary key = SpiffWorkflow task id."""

    __tablename__ = "open_tasks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    task_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(120), nullable=True)
    agency_type: Mapped[str] = mapped_column(String(40))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    commune_code: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    deadline_rule: Mapped[str | None] = mapped_column(String(80), nullable=True)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
    __table_args__ = (Index("ix_open_task_inbox", "agency_id", "due_at"),
                      Index("ix_open_task_commune", "commune_code", "due_at"))


class CaseIncident(Base):
    """A case that cannot move: its engine runs keep failing (retried with backoff) or it stopped with
    nothing to wait for. Listed on the incidents page ("Sự cố") until the case moves again."""

    __tablename__ = "case_incidents"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))          # "failing" or "stalled"
    step: Mapped[str] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[dt.datetime] = mapped_column(TZ)
    last_seen: Mapped[dt.datetime] = mapped_column(TZ)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(TZ, index=True)


class Timer(Base):
    """A waiting BPMN timer of a case, indexed by due instant for the timer worker."""

    __tablename__ = "timers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)   # SpiffWorkflow timer task id
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    event_name: Mapped[str] = mapped_column(String(120))
    attached_to: Mapped[str | None] = mapped_column(String(36), nullable=True)   # task id it guards
    due_at: Mapped[dt.datetime] = mapped_column(TZ, index=True)
    # a sweeping worker's claim, so two workers split the due timers instead of racing for them;
    # a lease that outlives a crashed worker simply expires (exactly-once rests on the case version)
    leased_by: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    leased_until: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)


class CaseStep(Base):
    """A completed human step: the timeline, and the raw data of the compliance reports."""

    __tablename__ = "case_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    task_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_name: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[dt.datetime] = mapped_column(TZ)
    completed_at: Mapped[dt.datetime] = mapped_column(TZ)
    due_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    deadline_rule: Mapped[str | None] = mapped_column(String(80), nullable=True)
    on_time: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class AuditEvent(Base):
    """Append-only, hash-chained audit trail of every change and every read of a case file."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(TZ)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    detail: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # the chain the row belongs to: a province's code, or '' (the install-wide chain: events of no province,
    # and every row written before migration 0022); each chain has its own head and its own key
    chain: Mapped[str] = mapped_column(String(32), default="", server_default="")
    __table_args__ = (Index("ix_audit_chain", "chain", "id"),)


class AuditHead(Base):
    """Each audit chain's newest hash, one row per chain. An appender locks its chains' rows, reads the
    heads, and writes the new heads with its rows, so appends to one chain queue on it (other provinces'
    do not); ``verify`` checks each against its newest row, so rows cut off the end are found too."""

    __tablename__ = "audit_head"
    chain: Mapped[str] = mapped_column(String(32), primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))


AUDIT_GENESIS = "0" * 64
AUDIT_HEAD_ROW = f"INSERT INTO audit_head (chain, hash) VALUES ('', '{AUDIT_GENESIS}')"   # an empty install's head
event.listen(AuditHead.__table__, "after_create", DDL(AUDIT_HEAD_ROW))


class CalendarDay(Base):
    """An administrator's override of the holiday calendar (a late-announced Tết schedule)."""

    __tablename__ = "calendar_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(300))
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[dt.datetime] = mapped_column(TZ)


class ProvinceCalendarDay(Base):
    """A province's own declaration of one day (off, or a working day), with the document that decided it and
    the reason it was entered; it overrides the national calendar (``CalendarDay``) for that province only
    (#20.5: a province's override moves none of another province's deadlines)."""

    __tablename__ = "province_calendar_days"
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    document: Mapped[str] = mapped_column(String(120))
    document_date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(String(300))
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[dt.datetime] = mapped_column(TZ)


class ApiToken(Base):
    """A bearer token for a system (e.g. the hotline switchboard). Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    scope: Mapped[str] = mapped_column(String(20), default="full")   # full | read | intake (migration 0015)
    expires_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)   # None: a token from before 0015


class IdempotencyKey(Base):
    """The first response to a request carrying an Idempotency-Key, replayed for retries."""

    __tablename__ = "idempotency_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
    __table_args__ = (UniqueConstraint("user_id", "key"),)


class BreakGlass(Base):
    """Emergency access to a case file outside one's scope: a written reason, time-limited, audited."""

    __tablename__ = "break_glass"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(80))
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
    expires_at: Mapped[dt.datetime] = mapped_column(TZ)


class ProcessDraft(Base):
    """A process bundle being edited by policy staff; deployable once valid (guards may be overridden
    only with a written reason approved by a second policy user)."""

    __tablename__ = "process_drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    files: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
    updated_at: Mapped[dt.datetime] = mapped_column(TZ)
    status: Mapped[str] = mapped_column(String(20), default="draft")   # draft | deployed
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    override_requested_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    override_approved_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    deployed_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ReportSchedule(Base):
    """A statutory report a province sends upward by a fixed date each year, with a reminder lead time."""

    __tablename__ = "report_schedules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    due_month: Mapped[int] = mapped_column(Integer)
    due_day: Mapped[int] = mapped_column(Integer)
    remind_days: Mapped[int] = mapped_column(Integer)
    __table_args__ = (UniqueConstraint("province_code", "code"),)


class CaseLink(Base):
    """Two cases about the same child, linked by an officer's decision (never merged automatically)."""

    __tablename__ = "case_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    other_case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    linked_by: Mapped[str] = mapped_column(String(80))
    linked_at: Mapped[dt.datetime] = mapped_column(TZ)
    __table_args__ = (UniqueConstraint("case_id", "other_case_id"),)


import engine.account_models  # noqa: E402,F401  (sign-in security tables; migration 0015)
import engine.attachments  # noqa: E402,F401  (the attachments table joins the metadata; migration 0013)
import engine.notify.models  # noqa: E402,F401  (the notification tables join the metadata)
import engine.province_settings  # noqa: E402,F401  (a province's level for a task; migration 0025)
import engine.register.models  # noqa: E402,F401  (the people register; migration 0018)
import engine.submissions  # noqa: E402,F401  (communes' periodic reports sent to the province; migration 0019)
