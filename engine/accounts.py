"""Users and passwords (argon2id). No Flask here: the web layer wraps ``User`` for its sessions."""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

_hasher = PasswordHasher()
# A real hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY = _hasher.hash("bvte-dummy-password")


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("mật khẩu phải có ít nhất 8 ký tự / password must have at least 8 characters")
    return _hasher.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    """What is stored of an API token, and looked up when one is presented."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(engine, username: str, name: str) -> str:
    """Issue a bearer token acting as ``username``; only its SHA-256 is stored. Returns the token once."""
    import secrets

    from sqlalchemy import select

    from engine import audit
    from engine.errors import NotFound
    from engine.models import ApiToken
    from engine.models import User

    token = "bvte_" + secrets.token_urlsafe(32)
    with engine.db.write() as s:
        user = s.execute(select(User).where(User.username == username)).scalar()
        if user is None:
            raise NotFound(f"không có người dùng '{username}' / no such user")
        s.add(ApiToken(name=name, token_hash=token_hash(token), user_id=user.id,
                       created_at=engine.now(), revoked=False))
        audit.append(s, engine.now(), "admin", "token.create", detail={"user": username, "name": name})
    return token


def list_api_tokens(engine) -> list[dict]:
    """Every API token (never the token itself): id, name, user, created, revoked."""
    from sqlalchemy import select

    from engine.models import ApiToken
    from engine.models import User

    with engine.db.read() as s:
        rows = s.execute(select(ApiToken.id, ApiToken.name, User.username, ApiToken.created_at, ApiToken.revoked)
                         .join(User, User.id == ApiToken.user_id).order_by(ApiToken.id))
        return [dict(row._mapping) for row in rows]


def revoke_api_token(engine, token_id: int, actor: str = "admin") -> bool:
    """Revoke a token at once (the next request with it is refused). False if it was revoked already."""
    from engine import audit
    from engine.errors import NotFound
    from engine.models import ApiToken

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
    from sqlalchemy import select

    from engine.models import User
    from engine.runtime import Actor

    with engine.db.read() as s:
        user = s.execute(select(User).where(User.username == username, User.active.is_(True))).scalar()
    return Actor(user.username, user.id, user.agency_id, user.role) if user is not None else None
