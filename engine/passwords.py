"""The password policy: at least 12 characters, not a common password, not the username.

The common-password list (``engine/data/common-passwords.txt``, its source cited in its header) is
compared case-insensitively, with the digits and punctuation people tack on at the end removed as well.
"""

from __future__ import annotations

import functools
import os

MIN_LENGTH = 12
_LIST = os.path.join(os.path.dirname(__file__), "data", "common-passwords.txt")


@functools.cache
def common_passwords() -> frozenset[str]:
    with open(_LIST, encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip() and not line.startswith("#"))


def problems(password: str, username: str | None = None) -> list[str]:
    """What is wrong with ``password`` (empty: acceptable), one sentence each in Vietnamese / English."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự / the password must have at least "
                     f"{MIN_LENGTH} characters")
    folded = password.strip().lower()
    if folded in common_passwords() or folded.rstrip("0123456789!@#$%^&*.-_ ") in common_passwords():
        found.append("Mật khẩu quá phổ biến, dễ bị đoán / this password is too common")
    if username and len(username) >= 3 and username.lower() in folded:
        found.append("Mật khẩu không được chứa tên đăng nhập / the password must not contain the username")
    return found


class WeakPassword(ValueError):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def check(password: str, username: str | None = None) -> None:
    """Raise ``WeakPassword`` (a ``ValueError``) naming every problem, or return."""
    found = problems(password, username)
    if found:
        raise WeakPassword(found)
