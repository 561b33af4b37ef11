"""Tables of sign-in security (migration 0015): login throttling shared by every worker, server-side
sessions, and per-user security settings (forced password change, two-factor secret, recovery codes)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.db import Base
from engine.models import TZ


class LoginThrottle(Base):
    """Failed logins per key (``u:<username>`` or ``ip:<client address>``): after a few free failures each
    further one doubles the wait before the next attempt is heard (never a hard lockout)."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(TZ)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)


class UserSession(Base):
    """A signed-in browser session; the cookie carries the random id, only its SHA-256 is stored here.
    Revoked at logout, at a password change, at deactivation: the next request is then anonymous."""

    __tablename__ = "user_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)


class UserSecurity(Base):
    """Per-user sign-in settings: a password change forced at next login, TOTP two-factor, recovery codes
    (argon2 hashes, each usable once)."""

    __tablename__ = "user_security"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(String(255), nullable=True)   # Fernet token (account_crypto)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recovery_codes: Mapped[list] = mapped_column(JSON, default=list)


class AccountLink(Base):
    """A one-time link to set a password (a new account, an administrator's reset): only its SHA-256 is
    stored; it works once, before ``expires_at``."""

    __tablename__ = "account_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))   # setup | reset
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
    expires_at: Mapped[dt.datetime] = mapped_column(TZ)
    used_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)


class ProvinceSecurity(Base):
    """A province's sign-in policy: the roles that must use two-factor sign-in (None: the default list)."""

    __tablename__ = "province_security"
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), primary_key=True)
    totp_roles: Mapped[list | None] = mapped_column(JSON, nullable=True)
