"""My account: a password change under the policy, a password set with a one-time link, two-factor sign-in
(TOTP, RFC 6238, with pyotp; the secret encrypted at rest by ``engine.account_crypto``; ten one-use
recovery codes), and the province's two-factor policy. Every write is one transaction with its audit
event. No Flask here."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from sqlalchemy import select
from sqlalchemy import update

from engine import audit
from engine import signin
from engine.account_crypto import open_secret
from engine.account_crypto import seal
from engine.account_models import AccountLink
from engine.account_models import ProvinceSecurity
from engine.account_models import UserSecurity
from engine.accounts import check_password
from engine.accounts import hash_password
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import Agency
from engine.models import User

# who must use two-factor sign-in unless the province says otherwise: the administrators, the policy staff,
# and the roles that may see a reporter's identity
DEFAULT_TOTP_ROLES = ("provincial_admin", "policy", "commune_officer", "hotline")
ISSUER = "BVTE"
RECOVERY_CODES = 10


@dataclass(frozen=True)
class SecurityState:
    username: str
    role: str
    province: str | None
    must_change_password: bool
    totp_enabled: bool
    totp_required: bool
    recovery_left: int


def _sec(s, user_id: int) -> UserSecurity:
    sec = s.get(UserSecurity, user_id, with_for_update=True)
    if sec is None:
        sec = UserSecurity(user_id=user_id, must_change_password=False, totp_enabled=False, recovery_codes=[])
        s.add(sec)
        s.flush()
    return sec


def province_totp_roles(s, province: str | None) -> tuple[str, ...]:
    row = s.get(ProvinceSecurity, province) if province else None
    return tuple(row.totp_roles) if row is not None and row.totp_roles is not None else DEFAULT_TOTP_ROLES


def totp_roles(engine, province: str) -> tuple[str, ...]:
    with engine.db.read() as s:
        return province_totp_roles(s, province)


def set_totp_roles(engine, actor: str, province: str, roles: list[str], reason: str,
                   keep_admin: bool = True) -> None:
    """The roles of ``province`` that must sign in with two factors (administrators always must, but in
    the development demo: ``keep_admin=False``)."""
    chosen = sorted(set(roles) | ({"provincial_admin"} if keep_admin else set()))
    if len((reason or "").strip()) < 5:
        raise InvalidTaskData({"reason": ["Ghi rõ lý do (ít nhất 5 ký tự) / give the reason (5+ characters)"]})
    with engine.db.write() as s:
        row = s.get(ProvinceSecurity, province, with_for_update=True)
        before = list(row.totp_roles) if row is not None and row.totp_roles is not None else list(DEFAULT_TOTP_ROLES)
        if row is None:
            s.add(ProvinceSecurity(province_code=province, totp_roles=chosen))
        else:
            row.totp_roles = chosen
        audit.append(s, engine.now(), actor, "admin.totp_policy", detail={
            "province": province, "before": before, "roles": chosen, "reason": (reason or "").strip()[:500]})


def state(engine, user_id: int) -> SecurityState:
    with engine.db.read() as s:
        row = s.execute(select(User, Agency.province_code).outerjoin(Agency, Agency.id == User.agency_id)
                        .where(User.id == user_id)).first()
        if row is None:
            raise NotFound("không có người dùng / no such user")
        user, province = row
        sec = s.get(UserSecurity, user_id)
        return SecurityState(user.username, user.role, province, bool(sec and sec.must_change_password),
                             bool(sec and sec.totp_enabled), user.role in province_totp_roles(s, province),
                             len(sec.recovery_codes) if sec else 0)


def change_password(engine, user_id: int, current: str, new: str, keep_sid: str | None) -> None:
    """Change one's own password: the current one checked, the new one under the policy; every other
    session of the user ends."""
    now = engine.now()
    with engine.db.write() as s:
        user = s.get(User, user_id, with_for_update=True)
        if user is None or not check_password(user.password_hash, current):
            raise InvalidTaskData({"current": ["Mật khẩu hiện tại không đúng / the current password is wrong"]})
        _set_password(s, user, new, now, keep_sid)
        audit.append(s, now, user.username, "account.password_change", detail={})


def _set_password(s, user: User, new: str, now: dt.datetime, keep_sid: str | None) -> None:
    try:
        user.password_hash = hash_password(new, user.username)
    except ValueError as exc:
        raise InvalidTaskData({"new": getattr(exc, "reasons", [str(exc)])}) from None
    sec = _sec(s, user.id)
    sec.must_change_password = False
    sec.password_changed_at = now
    signin.revoke_sessions(s, user.id, now, keep_sid=keep_sid)


def _link_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_owner(engine, token: str) -> str | None:
    """The username a one-time link (unused, unexpired, of an active user) is for, or None."""
    with engine.db.read() as s:
        row = s.execute(select(User.username).join(AccountLink, AccountLink.user_id == User.id)
                        .where(AccountLink.token_hash == _link_hash(token), AccountLink.used_at.is_(None),
                               AccountLink.expires_at > engine.now(), User.active.is_(True))).first()
    return row[0] if row else None


def use_link(engine, token: str, new: str) -> str:
    """Set a password with a one-time link (it works once). Returns the username."""
    now = engine.now()
    with engine.db.write() as s:
        link = s.get(AccountLink, _link_hash(token), with_for_update=True)
        user = s.get(User, link.user_id) if link is not None else None
        if link is None or user is None or link.used_at is not None or link.expires_at <= now or not user.active:
            raise NotFound("liên kết không còn hiệu lực / this link is no longer valid")
        _set_password(s, user, new, now, None)
        link.used_at = now
        audit.append(s, now, user.username, "account.password_set", detail={"purpose": link.purpose,
                                                                           "link_by": link.created_by})
        return user.username


def totp_begin(engine, user_id: int) -> tuple[str, str]:
    """The secret awaiting confirmation (a new one, or the one already shown: enrolment is not on until a
    code from it is entered). Returns (secret, otpauth:// URI for the authenticator app)."""
    secret = pyotp.random_base32()
    with engine.db.write() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound("không có người dùng / no such user")
        sec = _sec(s, user_id)
        if sec.totp_enabled:
            raise InvalidTaskData({"code": ["Đã bật xác thực hai lớp / two-factor sign-in is already on"]})
        if sec.totp_secret:
            secret = open_secret(sec.totp_secret) or secret   # a second visit shows the same code to scan
        sec.totp_secret = seal(secret)   # encrypted at rest (engine.account_crypto)
        username = user.username
    return secret, totp_uri(secret, username)


def totp_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def pending_secret(engine, user_id: int) -> str | None:
    with engine.db.read() as s:
        sec = s.get(UserSecurity, user_id)
        return open_secret(sec.totp_secret) if sec is not None and not sec.totp_enabled else None


def _step(secret: str, code: str, now: dt.datetime, last: int | None) -> int | None:
    """The time step ``code`` belongs to (this one or its neighbours), if newer than ``last``."""
    totp = pyotp.TOTP(secret)
    code = "".join(c for c in (code or "") if c.isdigit())
    for offset in (0, -1, 1):
        at = now + dt.timedelta(seconds=30 * offset)
        if hmac.compare_digest(totp.at(at), code or "x"):
            step = totp.timecode(at)
            return step if last is None or step > last else None
    return None


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def totp_confirm(engine, user_id: int, code: str) -> list[str]:
    """Turn two-factor sign-in on with a code from the pending secret. Returns the recovery codes (shown
    once; only their hashes are kept)."""
    now = engine.now()
    with engine.db.write() as s:
        sec = _sec(s, user_id)
        secret = open_secret(sec.totp_secret)
        step = _step(secret, code, now, None) if secret and not sec.totp_enabled else None
        if step is None:
            raise InvalidTaskData({"code": ["Mã không đúng / the code is wrong"]})
        codes = [f"{secrets.token_hex(5)}-{secrets.token_hex(5)}" for _ in range(RECOVERY_CODES)]   # 80 bits each
        sec.totp_enabled, sec.totp_last_step = True, step
        sec.recovery_codes = [_hash_code(c) for c in codes]
        user = s.get(User, user_id)
        audit.append(s, now, user.username if user else "?", "account.totp_enable", detail={})
    return codes


def totp_check(engine, user_id: int, code: str) -> bool:
    """The second factor at login: a current code (each used once) or an unused recovery code."""
    now = engine.now()
    with engine.db.write() as s:
        sec = _sec(s, user_id)
        secret = open_secret(sec.totp_secret)
        if not sec.totp_enabled or not secret:
            return False
        step = _step(secret, code, now, sec.totp_last_step)
        if step is not None:
            sec.totp_last_step = step
            return True
        hashed = _hash_code(code or "")
        if hashed in (sec.recovery_codes or []):
            sec.recovery_codes = [c for c in sec.recovery_codes if c != hashed]
            user = s.get(User, user_id)
            audit.append(s, now, user.username if user else "?", "account.recovery_code_used",
                         detail={"left": len(sec.recovery_codes)})
            return True
    return False


def totp_disable(engine, user_id: int, code: str) -> None:
    """Turn two-factor sign-in off with a current code, where the province does not require it."""
    st = state(engine, user_id)
    if st.totp_required:
        raise InvalidTaskData({"code": ["Vai trò của bạn bắt buộc xác thực hai lớp / your role requires it"]})
    if not totp_check(engine, user_id, code):
        raise InvalidTaskData({"code": ["Mã không đúng / the code is wrong"]})
    with engine.db.write() as s:
        sec = _sec(s, user_id)
        sec.totp_enabled, sec.totp_secret, sec.recovery_codes = False, None, []
        audit.append(s, engine.now(), st.username, "account.totp_disable", detail={})


def admin_reset_totp(s, user_id: int) -> None:
    """Inside an administrator's transaction: the user enrols again at next login."""
    s.execute(update(UserSecurity).where(UserSecurity.user_id == user_id)
              .values(totp_enabled=False, totp_secret=None, recovery_codes=[]))
