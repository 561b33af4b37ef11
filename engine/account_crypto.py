"""Secrets of accounts kept encrypted at rest: the TOTP secret of two-factor sign-in (issue #20.4).

A TOTP secret lets whoever holds it make valid codes, so a copy of the database (a backup, a dump handed to
a contractor) must not give away everyone's second factor. Each secret is stored as a Fernet token
(AES-128-CBC with HMAC-SHA256, ``cryptography``), prefixed ``f1:``, under a key kept outside the database:
the file named by ``BVTE_TOTP_KEY_FILE`` (at least 32 bytes, e.g. ``head -c 32 /dev/urandom``), required in
production. Elsewhere (development, tests) a fixed development key is used, so nothing breaks there and
nothing there is secret either.

The key file may hold several keys, one a line: the first encrypts, every one decrypts (key rotation:
put the new key first, keep the old one until ``bvte db upgrade``'s re-encryption or the users' next
enrolment no longer needs it). Migration 0021 encrypts the secrets stored in clear before it.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Mapping

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet

PREFIX = "f1:"
ENV = "BVTE_TOTP_KEY_FILE"
DEV_KEY = b"bvte development key: not a secret, never used in production"
MIN_KEY_BYTES = 32


class SecretKeyMissing(RuntimeError):
    """No usable key where one is required (production), or a key file that is too short."""


class SecretUnreadable(RuntimeError):
    """A stored secret that no configured key decrypts (the key file was changed or lost)."""


def _fernet_key(raw: bytes) -> bytes:
    """A Fernet key from any key material of at least 32 bytes (a domain-separated SHA-256)."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"bvte-totp-v1\0" + raw).digest())


def keys_from_env(environ: Mapping[str, str] | None = None) -> list[bytes]:
    """The key material: the lines of ``BVTE_TOTP_KEY_FILE``, or the development key outside production.
    Raises ``SecretKeyMissing`` in production without the file, or for a key shorter than 32 bytes."""
    env = os.environ if environ is None else environ
    path = env.get(ENV)
    if not path:
        if env.get("BVTE_ENV") == "production":
            raise SecretKeyMissing(f"{ENV} must name the key file of the two-factor secrets in production "
                                   "(e.g. head -c 32 /dev/urandom | base64 > /etc/bvte/totp.key)")
        return [DEV_KEY]
    with open(path, "rb") as fh:
        keys = [line.strip() for line in fh.read().splitlines() if line.strip()]
    if not keys or any(len(k) < MIN_KEY_BYTES for k in keys):
        raise SecretKeyMissing(f"{path}: each key must be at least {MIN_KEY_BYTES} bytes")
    return keys


class SecretBox:
    """Encrypts and decrypts account secrets under the configured keys."""

    def __init__(self, keys: list[bytes]):
        if not keys:
            raise SecretKeyMissing("no key")
        self._f = MultiFernet([Fernet(_fernet_key(k)) for k in keys])

    def seal(self, secret: str) -> str:
        return PREFIX + self._f.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, stored: str | None) -> str | None:
        """The secret in clear; a value without the prefix is one written before encryption (migration 0021
        encrypts them all) and is returned as it is."""
        if stored is None or not stored.startswith(PREFIX):
            return stored
        try:
            return self._f.decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise SecretUnreadable("a two-factor secret cannot be decrypted with the configured key "
                                   f"({ENV} changed?)") from None

    def reseal(self, stored: str | None) -> str | None:
        """``stored`` encrypted under the first key (a clear one encrypted; an old key's re-encrypted)."""
        secret = self.open(stored)
        return None if secret is None else self.seal(secret)


_BOX: list[SecretBox | None] = [None]


def configure(keys: list[bytes] | None = None) -> SecretBox:
    """Set this process's keys (``keys_from_env()`` when not given); the composition root calls it."""
    made = SecretBox(keys if keys is not None else keys_from_env())
    _BOX[0] = made
    return made


def box() -> SecretBox:
    """The process's box (configured from the environment at first use)."""
    return _BOX[0] or configure()


def seal(secret: str) -> str:
    return box().seal(secret)


def open_secret(stored: str | None) -> str | None:
    return box().open(stored)
