"""Sign-in security shared by every worker (in the database): login throttling with growing delays, and
server-side sessions revoked at logout, at a password change and at deactivation. No Flask here."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from engine import audit
from engine.account_models import LoginThrottle
from engine.account_models import UserSession
from engine.models import Agency
from engine.models import User


@dataclass(frozen=True)
class ThrottlePolicy:
    """``free`` failures per key are free; each further one doubles the wait (``base`` seconds first, at most
    ``cap``). A key's count is forgotten ``forget`` seconds after its last failure. Never a hard lockout."""

    free_user: int = 5
    free_client: int = 20
    base: int = 30
    cap: int = 900
    forget: int = 3600

    def delay(self, failures: int, free: int) -> int:
        over = failures - free
        return 0 if over < 0 else min(self.cap, self.base * 2 ** min(over, 20))


def throttle_keys(username: str, client: str | None) -> list[tuple[str, str]]:
    """The keys a login attempt counts against: the account and the real client's address."""
    return [("user", "u:" + username.strip().lower()[:80]), ("client", "ip:" + (client or "?")[:64])]


def login_wait(engine, username: str, client: str | None) -> int:
    """Seconds before another attempt for this account from this client is heard (0: now)."""
    now = engine.now()
    keys = [k for _, k in throttle_keys(username, client)]
    with engine.db.read() as s:
        rows = s.execute(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).scalars()
        waits = [int((r.blocked_until - now).total_seconds()) + 1 for r in rows
                 if r.blocked_until is not None and r.blocked_until > now]
    return max(waits, default=0)


def record_failure(engine, username: str, client: str | None, policy: ThrottlePolicy = ThrottlePolicy()) -> None:
    """Count a failed login against the account and the client, and audit it, in one transaction."""
    now = engine.now()
    for attempt in range(3):
        try:
            with engine.db.write() as s:
                for kind, key in throttle_keys(username, client):
                    row = s.get(LoginThrottle, key, with_for_update=True)
                    if row is None:
                        row = LoginThrottle(key=key, failures=0, last_failure_at=now)
                        s.add(row)
                    elif (now - row.last_failure_at).total_seconds() > policy.forget:
                        row.failures = 0
                    row.failures += 1
                    row.last_failure_at = now
                    wait = policy.delay(row.failures, policy.free_user if kind == "user" else policy.free_client)
                    row.blocked_until = now + dt.timedelta(seconds=wait) if wait else None
                audit.append(s, now, username or "?", "auth.login_failed", detail={"ip": client})
            return
        except IntegrityError:   # two workers inserted the same new key: count again on the row now there
            if attempt == 2:
                raise


def clear_failures(s, username: str, client: str | None) -> None:
    """After a successful login: forget the account's and this client's failures."""
    for _, key in throttle_keys(username, client):
        row = s.get(LoginThrottle, key)
        if row is not None:
            s.delete(row)


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def open_session(engine, user_id: int, username: str, client: str | None) -> str:
    """A new server-side session for a successful login (audited ``auth.login``, the throttle cleared),
    in one transaction. Returns the random session id for the cookie; only its hash is stored."""
    sid = secrets.token_urlsafe(32)
    now = engine.now()
    with engine.db.write() as s:
        s.add(UserSession(id_hash=_sid_hash(sid), user_id=user_id, created_at=now, ip=(client or "")[:64]))
        clear_failures(s, username, client)
        audit.append(s, now, username, "auth.login", detail={"ip": client})
    return sid


def close_session(engine, sid: str | None, username: str, client: str | None) -> None:
    """Logout: the session is refused from now on, and the logout audited (``auth.logout``)."""
    now = engine.now()
    with engine.db.write() as s:
        if sid:
            s.execute(update(UserSession).where(UserSession.id_hash == _sid_hash(sid),
                                                UserSession.revoked_at.is_(None)).values(revoked_at=now))
        audit.append(s, now, username, "auth.logout", detail={"ip": client})


def revoke_sessions(s, user_id: int, now: dt.datetime, keep_sid: str | None = None) -> int:
    """Inside a caller's transaction (password change, deactivation): revoke every open session of a user
    but ``keep_sid``. Returns how many."""
    q = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if keep_sid:
        q = q.where(UserSession.id_hash != _sid_hash(keep_sid))
    return s.execute(q.values(revoked_at=now)).rowcount or 0


SESSION_MAX_HOURS = 12   # a session ends this long after login whatever its activity

_SESSION_USER = (
    select(User.id, User.username, User.full_name, User.role, User.agency_id,
           Agency.name.label("agency_name"), Agency.agency_type, Agency.commune_code, Agency.province_code)
    .outerjoin(Agency, Agency.id == User.agency_id)
    .join(UserSession, and_(UserSession.user_id == User.id, UserSession.id_hash == bindparam("sid_hash")))
    .where(User.id == bindparam("user_id"), User.active.is_(True), UserSession.revoked_at.is_(None),
           UserSession.created_at > bindparam("oldest")))


def session_user(engine, user_id: int, sid: str | None):
    """The active user of an unrevoked, unexpired session (one query on a bare connection), or None."""
    from engine.accounts import UserRecord

    if not sid:
        return None
    oldest = engine.now() - dt.timedelta(hours=SESSION_MAX_HOURS)
    row = engine.db.first(_SESSION_USER, {"user_id": user_id, "sid_hash": _sid_hash(sid), "oldest": oldest})
    return UserRecord(**row._mapping) if row is not None else None
