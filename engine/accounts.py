"""Users and passwords (argon2id). No Flask here: the web layer wraps ``User`` for its sessions."""

from __future__ import annotations

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
