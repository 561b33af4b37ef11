"""Users, passwords (argon2id), logins and API tokens. No Flask here: the web layer wraps a ``UserRecord``
for its sessions, and holds no SQL of its own."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from sqlalchemy import bindparam
from sqlalchemy import or_
from sqlalchemy import select

from engine.models import Agency
from engine.models import ApiToken
from engine.models import User

_hasher = PasswordHasher()
# A real hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY = _hasher.hash("bvte-dummy-password")


def hash_password(password: str, username: str | None = None) -> str:
    """The argon2id hash of a password that meets the policy (``engine.passwords``: ≥ 12 characters, not a
    common password, not the username); ``WeakPassword`` (a ``ValueError``) otherwise."""
    from engine import passwords

    passwords.check(password, username)
    return _hasher.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    """What is stored of an API token, and looked up when one is presented."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


TOKEN_SCOPES = ("full", "read", "intake")   # everything the user may do | GET only | recording reports only
TOKEN_MAX_DAYS = 365


def create_api_token(engine, username: str, name: str, scope: str = "full", days: int = 90,
                     actor: str = "admin") -> str:
    """Issue a bearer token acting as ``username`` with a ``scope`` (``TOKEN_SCOPES``), valid ``days`` days
    (1 to 365); only its SHA-256 is stored. Returns the token once."""
    import datetime as dt
    import secrets

    from engine import audit
    from engine.errors import NotFound

    if scope not in TOKEN_SCOPES:
        raise ValueError(f"phạm vi không hợp lệ / unknown scope '{scope}' (one of: {', '.join(TOKEN_SCOPES)})")
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValueError(f"thời hạn 1–{TOKEN_MAX_DAYS} ngày / expiry must be 1 to {TOKEN_MAX_DAYS} days")
    token = "bvte_" + secrets.token_urlsafe(32)
    now = engine.now()
    with engine.db.write() as s:
        user = s.execute(select(User).where(User.username == username, User.active.is_(True))).scalar()
        if user is None:
            raise NotFound(f"không có người dùng '{username}' / no such user")
        expires = now + dt.timedelta(days=days)
        s.add(ApiToken(name=name, token_hash=token_hash(token), user_id=user.id, created_at=now, revoked=False,
                       scope=scope, expires_at=expires))
        audit.append(s, now, actor, "token.create", detail={"user": username, "name": name, "scope": scope,
                                                          "expires_at": expires.isoformat()})
    return token


def list_api_tokens(engine, province: str | None = None) -> list[dict]:
    """Every API token (never the token itself): id, name, user, created, revoked, scope, expiry; only the
    tokens of ``province``'s users when it is given."""

    with engine.db.read() as s:
        q = (select(ApiToken.id, ApiToken.name, User.username, ApiToken.created_at, ApiToken.revoked,
                    ApiToken.scope, ApiToken.expires_at)
             .join(User, User.id == ApiToken.user_id).order_by(ApiToken.id))
        if province is not None:
            q = q.join(Agency, Agency.id == User.agency_id).where(Agency.province_code == province)
        return [dict(row._mapping) for row in s.execute(q)]


def revoke_api_token(engine, token_id: int, actor: str = "admin") -> bool:
    """Revoke a token at once (the next request with it is refused). False if it was revoked already."""
    from engine import audit
    from engine.errors import NotFound

    with engine.db.write() as s:
        token = s.get(ApiToken, token_id, with_for_update=True)
        if token is None:
            raise NotFound(f"không có mã truy cập số {token_id} / no API token {token_id}")
        if token.revoked:
            return False
        token.revoked = True
        audit.append(s, engine.now(), actor, "token.revoke", detail={"token_id": token_id, "name": token.name})
    return True


def active_actor(engine, username: str):
    """The ``Actor`` of an active user (as the web layer builds it after login), or None."""
    from engine.context import Actor

    with engine.db.read() as s:
        user = s.execute(select(User).where(User.username == username, User.active.is_(True))).scalar()
    return Actor(user.username, user.id, user.agency_id, user.role) if user is not None else None


@dataclass(frozen=True)
class UserRecord:
    """An active user with their agency, as a session or an API request needs them (``scope``: an API
    token's, None for a browser session)."""

    id: int
    username: str
    full_name: str
    role: str
    agency_id: int | None
    agency_name: str | None
    agency_type: str | None
    commune_code: str | None
    province_code: str | None
    scope: str | None = None


# an active user with their agency (one query per request)
_USER_COLUMNS = select(User.id, User.username, User.full_name, User.role, User.agency_id,
                       Agency.name.label("agency_name"), Agency.agency_type, Agency.commune_code,
                       Agency.province_code).outerjoin(Agency, Agency.id == User.agency_id)
_USER = _USER_COLUMNS.where(User.id == bindparam("user_id"), User.active.is_(True))
_TOKEN_USER = (_USER_COLUMNS.add_columns(ApiToken.scope).join(ApiToken, ApiToken.user_id == User.id)
               .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked.is_(False),
                      or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")),
                      User.active.is_(True)))


def _record(row) -> UserRecord | None:
    return UserRecord(**row._mapping) if row is not None else None


def active_user(engine, user_id: int) -> UserRecord | None:
    """The active user with this id and their agency (one query on a bare connection), or None."""
    return _record(engine.db.first(_USER, {"user_id": user_id}))


def token_user(engine, stored_hash: str) -> UserRecord | None:
    """The active user an unrevoked, unexpired API token (by its ``token_hash``) belongs to, with the
    token's scope, or None (one query)."""
    return _record(engine.db.first(_TOKEN_USER, {"token_hash": stored_hash, "now": engine.now()}))


@dataclass(frozen=True)
class Login:
    user_id: int
    username: str


def authenticate(engine, username: str, password: str) -> Login | None:
    """The active user whose password this is, or None. An unknown username still costs one argon2
    verification, so the time taken does not reveal which usernames exist."""
    with engine.db.read() as s:
        user = s.execute(select(User).where(User.username == username)).scalar()
    if user is not None and user.active and check_password(user.password_hash, password):
        return Login(user.id, user.username)
    if user is None:
        check_password(None, password)
    return None


def record_login(engine, username: str, ip: str | None, succeeded: bool) -> None:
    """Audit a login (``auth.login``) or a failed attempt (``auth.login_failed``, "?" for no username)."""
    from engine import audit

    with engine.db.write() as s:
        if succeeded:
            audit.append(s, engine.now(), username, "auth.login", detail={"ip": ip})
        else:
            audit.append(s, engine.now(), username or "?", "auth.login_failed", detail={"ip": ip})
