"""A province's administrator manages its users: create, edit, deactivate (claimed tasks back to the agency's
inbox, sessions and API tokens revoked at once), reactivate, reset a password (a one-time link; a change
forced at next login), CSV import. Every write is one transaction with its audit event naming who and why.

An administrator reaches only the users of agencies in their own province; a user's role is the type of
the agency they are placed in (least privilege: one role, one inbox).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy import update

from engine import audit
from engine import signin
from engine.account_models import AccountLink
from engine.account_models import UserSecurity
from engine.errors import Conflict
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import Agency
from engine.models import ApiToken
from engine.models import OpenTask
from engine.models import User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
LINK_DAYS = 3


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    full_name: str
    role: str
    agency_code: str | None
    agency_name: str | None
    commune_code: str | None
    active: bool
    totp_enabled: bool
    must_change_password: bool


def _rows(s, province: str, username: str | None = None) -> list[UserRow]:
    q = (select(User, Agency, UserSecurity).join(Agency, Agency.id == User.agency_id)
         .outerjoin(UserSecurity, UserSecurity.user_id == User.id)
         .where(Agency.province_code == province).order_by(User.username))
    if username is not None:
        q = q.where(User.username == username)
    return [UserRow(u.id, u.username, u.full_name, u.role, a.code, a.name, a.commune_code, u.active,
                    bool(sec and sec.totp_enabled), bool(sec and sec.must_change_password))
            for u, a, sec in s.execute(q)]


def list_users(engine, province: str) -> list[UserRow]:
    """Every user placed in an agency of ``province``, by username."""
    with engine.db.read() as s:
        return _rows(s, province)


def get_user(engine, province: str, username: str) -> UserRow:
    with engine.db.read() as s:
        found = _rows(s, province, username)
    if not found:
        raise NotFound(f"không có người dùng '{username}' trong tỉnh / no such user in this province")
    return found[0]


def agencies(engine, province: str) -> list[dict]:
    """The active agencies of ``province`` a user may be placed in: code, name, type, commune."""
    with engine.db.read() as s:
        rows = s.execute(select(Agency).where(Agency.province_code == province, Agency.active.is_(True))
                         .order_by(Agency.commune_code.is_not(None), Agency.commune_code, Agency.agency_type))
        return [{"code": a.code, "name": a.name, "type": a.agency_type, "commune": a.commune_code}
                for a in rows.scalars()]


def _user(s, province: str, username: str, lock: bool = True) -> User:
    q = (select(User).join(Agency, Agency.id == User.agency_id)
         .where(User.username == username, Agency.province_code == province))
    user = s.execute(q.with_for_update() if lock else q).scalar()
    if user is None:
        raise NotFound(f"không có người dùng '{username}' trong tỉnh / no such user in this province")
    return user


def _agency(s, province: str, code: str) -> Agency:
    agency = s.execute(select(Agency).where(Agency.code == code, Agency.province_code == province,
                                            Agency.active.is_(True))).scalar()
    if agency is None:
        raise InvalidTaskData({"agency": [f"không có cơ quan '{code}' trong tỉnh / no such active agency"]})
    return agency


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise InvalidTaskData({"reason": ["Ghi rõ lý do (ít nhất 5 ký tự) / give the reason (5+ characters)"]})
    return reason[:500]


def _security(s, user_id: int) -> UserSecurity:
    sec = s.get(UserSecurity, user_id)
    if sec is None:
        sec = UserSecurity(user_id=user_id, must_change_password=False, totp_enabled=False, recovery_codes=[])
        s.add(sec)
    return sec


def _link(s, user_id: int, purpose: str, actor: str, now: dt.datetime, days: int = LINK_DAYS) -> str:
    """A one-time link token (set a password); earlier unused links of the user stop working."""
    s.execute(update(AccountLink).where(AccountLink.user_id == user_id, AccountLink.used_at.is_(None))
              .values(used_at=now))
    token = secrets.token_urlsafe(32)
    s.add(AccountLink(token_hash=hashlib.sha256(token.encode()).hexdigest(), user_id=user_id, purpose=purpose,
                      created_by=actor, created_at=now, expires_at=now + dt.timedelta(days=days)))
    return token


def _new_user(s, province: str, username: str, full_name: str, agency_code: str, now: dt.datetime) -> User:
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise InvalidTaskData({"username": ["3–80 ký tự a-z, 0-9, '.', '_', '-' / 3-80 characters a-z 0-9 . _ -"]})
    if not (full_name or "").strip():
        raise InvalidTaskData({"full_name": ["Bắt buộc nhập / required"]})
    if s.execute(select(User.id).where(User.username == username)).scalar() is not None:
        raise Conflict(f"tên đăng nhập '{username}' đã có / username already taken")
    agency = _agency(s, province, agency_code)
    # no usable password until the person follows the set-up link
    user = User(username=username, password_hash="!", full_name=full_name.strip()[:200], role=agency.agency_type,
                agency_id=agency.id, active=True, created_at=now)
    s.add(user)
    s.flush()
    _security(s, user.id).must_change_password = True
    return user


def create_user(engine, actor: str, province: str, username: str, full_name: str, agency_code: str,
                reason: str) -> str:
    """A new user in an agency of ``province`` (their role is its type). Returns the one-time set-up link
    token (valid ``LINK_DAYS`` days): the person sets their own password with it."""
    reason = _reason(reason)
    now = engine.now()
    with engine.db.write() as s:
        user = _new_user(s, province, username, full_name, agency_code, now)
        token = _link(s, user.id, "setup", actor, now)
        audit.append(s, now, actor, "admin.user_create", detail={
            "user": user.username, "agency": agency_code, "role": user.role, "reason": reason})
    return token


def update_user(engine, actor: str, province: str, username: str, full_name: str, agency_code: str,
                reason: str) -> None:
    """Rename a user or move them to another agency (their role follows; a move releases their claims)."""
    reason = _reason(reason)
    now = engine.now()
    with engine.db.write() as s:
        user = _user(s, province, username)
        agency = _agency(s, province, agency_code)
        before = {"full_name": user.full_name, "agency_id": user.agency_id, "role": user.role}
        if (full_name or "").strip():
            user.full_name = full_name.strip()[:200]
        released = 0
        if agency.id != user.agency_id:
            released = _release_claims(s, user.id)
            user.agency_id, user.role = agency.id, agency.agency_type
            signin.revoke_sessions(s, user.id, now)   # the next request sees the new role
        audit.append(s, now, actor, "admin.user_update", detail={
            "user": username, "before": before, "full_name": user.full_name, "agency": agency_code,
            "role": user.role, "released_tasks": released, "reason": reason})


def _release_claims(s, user_id: int) -> int:
    return s.execute(update(OpenTask).where(OpenTask.claimed_by == user_id)
                     .values(claimed_by=None, claimed_at=None)).rowcount or 0


def deactivate_user(engine, actor: str, province: str, username: str, reason: str) -> dict:
    """Lock a user out at once: inactive, claimed tasks back in the agency's inbox, every session and API
    token revoked. Returns the counts."""
    reason = _reason(reason)
    now = engine.now()
    with engine.db.write() as s:
        user = _user(s, province, username)
        if user.username == actor:
            raise Conflict("không thể tự khoá tài khoản của mình / you cannot deactivate yourself")
        user.active = False
        counts = {"released_tasks": _release_claims(s, user.id),
                  "sessions": signin.revoke_sessions(s, user.id, now),
                  "tokens": s.execute(update(ApiToken).where(ApiToken.user_id == user.id,
                                                             ApiToken.revoked.is_(False))
                                      .values(revoked=True)).rowcount or 0}
        s.execute(update(AccountLink).where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
                  .values(used_at=now))
        audit.append(s, now, actor, "admin.user_deactivate", detail={"user": username, "reason": reason, **counts})
    return counts


def reactivate_user(engine, actor: str, province: str, username: str, reason: str) -> str:
    """Let a deactivated user back in; they set a new password with the returned one-time link."""
    reason = _reason(reason)
    now = engine.now()
    with engine.db.write() as s:
        user = _user(s, province, username)
        user.active = True
        user.password_hash = "!"
        _security(s, user.id).must_change_password = True
        token = _link(s, user.id, "reset", actor, now)
        audit.append(s, now, actor, "admin.user_reactivate", detail={"user": username, "reason": reason})
    return token


def reset_password(engine, actor: str, province: str, username: str, reason: str) -> str:
    """The old password stops working, sessions end; the user sets a new one with the returned one-time link
    (and must, at their next login)."""
    reason = _reason(reason)
    now = engine.now()
    with engine.db.write() as s:
        user = _user(s, province, username)
        user.password_hash = "!"
        _security(s, user.id).must_change_password = True
        sessions = signin.revoke_sessions(s, user.id, now)
        token = _link(s, user.id, "reset", actor, now)
        audit.append(s, now, actor, "admin.password_reset", detail={"user": username, "reason": reason,
                                                                   "sessions": sessions})
    return token


CSV_COLUMNS = ("username", "full_name", "agency")


def import_users(engine, actor: str, province: str, text: str, reason: str, apply: bool) -> dict:
    """Users from CSV (``username,full_name,agency``, a header line): a preview (``apply=False``) lists who
    would be created and what is wrong; applying creates them all or none, in one transaction, and returns
    each new user's set-up link token. Existing usernames are skipped (idempotent)."""
    reason = _reason(reason)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    if rows and not set(CSV_COLUMNS) <= set(rows[0]):
        raise InvalidTaskData({"file": [f"cần các cột / columns needed: {', '.join(CSV_COLUMNS)}"]})
    now = engine.now()
    result: dict = {"create": [], "skip": [], "errors": [], "links": {}, "applied": False}
    try:
        with engine.db.write() as s:
            for n, row in enumerate(rows, start=2):
                name = (row.get("username") or "").strip().lower()
                if s.execute(select(User.id).where(User.username == name)).scalar() is not None:
                    result["skip"].append(name)
                    continue
                try:   # every check comes before anything is added: a refused row leaves nothing behind
                    user = _new_user(s, province, name, row.get("full_name") or "",
                                     (row.get("agency") or "").strip(), now)
                except (InvalidTaskData, Conflict) as exc:
                    result["errors"].append(f"dòng/line {n}: {name or '?'}: {_message(exc)}")
                    continue
                result["links"][user.username] = _link(s, user.id, "setup", actor, now)
                result["create"].append(user.username)
            if not apply or result["errors"]:
                raise _Preview
            audit.append(s, now, actor, "admin.users_import", detail={
                "created": result["create"], "skipped": result["skip"], "reason": reason})
    except _Preview:
        result["links"] = {}
        return result
    result["applied"] = True
    return result


class _Preview(Exception):
    """Roll the import's transaction back: a preview, or a file with errors."""


def _message(exc) -> str:
    fields = getattr(exc, "fields", None)
    if fields:
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
    return str(getattr(exc, "message", exc))


def reset_two_factor(engine, actor: str, province: str, username: str, reason: str) -> None:
    """Clear a user's two-factor enrolment (a lost phone): they enrol again at next login; sessions end."""
    from engine.account_self import admin_reset_totp

    reason = _reason(reason)
    now = engine.now()
    with engine.db.write() as s:
        user = _user(s, province, username)
        admin_reset_totp(s, user.id)
        signin.revoke_sessions(s, user.id, now)
        audit.append(s, now, actor, "admin.totp_reset", detail={"user": username, "reason": reason})


def bootstrap_admin(engine, actor: str, province: str, province_name: str | None, username: str, full_name: str,
                    agency_type: str, agency_name: str) -> str:
    """A production install's first step: the province (created when ``province_name`` is given), its
    administration agency and an administrator. Returns the one-time set-up link token."""
    from engine.models import Province

    now = engine.now()
    with engine.db.write() as s:
        p = s.get(Province, province)
        if p is None:
            if not (province_name or "").strip():
                raise NotFound(f"chưa có tỉnh '{province}': cho biết tên (--province-name) / unknown province "
                               f"'{province}': give its name (--province-name)")
            s.add(Province(code=province, name=(province_name or "").strip()[:200]))
            s.flush()
        code = f"{agency_type}.{province}"
        if s.execute(select(Agency.id).where(Agency.code == code)).scalar() is None:
            s.add(Agency(code=code, agency_type=agency_type, name=agency_name[:200], province_code=province,
                         commune_code=None, active=True))
            s.flush()
        user = _new_user(s, province, username, full_name, code, now)
        token = _link(s, user.id, "setup", actor, now)
        audit.append(s, now, actor, "admin.bootstrap", detail={"province": province, "user": user.username})
    return token
