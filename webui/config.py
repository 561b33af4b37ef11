"""Configuration, read from the environment in one place.

DATABASE_URL      database (default: SQLite file instance/bvte.sqlite3)
BVTE_SECRET_KEY   session signing key; required when BVTE_ENV=production
BVTE_ENV          "development" (default) or "production" (secure cookies, no defaults for secrets)
BVTE_TEST_CLOCK   "1" enables the settable clock and POST /_test/clock (never in production)
BVTE_TRUSTED_PROXIES  how many reverse proxies in front of the app to trust for X-Forwarded-For/-Proto
                  (werkzeug ProxyFix); 0 (default): the headers are ignored and the peer is the client
"""

from __future__ import annotations

import datetime as dt
import os
import secrets

from engine.db import DEFAULT_URL


class ConfigError(RuntimeError):
    pass


def from_env(overrides: dict | None = None) -> dict:
    env = os.environ.get("BVTE_ENV", "development")
    cfg = {
        "BVTE_ENV": env,
        "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_URL),
        "SECRET_KEY": os.environ.get("BVTE_SECRET_KEY"),
        "BVTE_TEST_CLOCK": os.environ.get("BVTE_TEST_CLOCK") == "1",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(minutes=int(os.environ.get("BVTE_SESSION_MINUTES", "30"))),
        "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "LOGIN_MAX_FAILURES": 5,      # free failures per account (per client: four times as many)
        "LOGIN_DELAY_SECONDS": 30,    # the first wait after them; each further failure doubles it
        "LOGIN_LOCK_SECONDS": 900,    # the longest wait (never a hard lockout)
        "BVTE_TRUSTED_PROXIES": _count(os.environ.get("BVTE_TRUSTED_PROXIES", "0")),
    }
    cfg.update(overrides or {})
    if cfg["BVTE_ENV"] == "production":
        if not cfg["SECRET_KEY"]:
            raise ConfigError("BVTE_SECRET_KEY must be set in production")
        if "DATABASE_URL" not in os.environ and "DATABASE_URL" not in (overrides or {}):
            raise ConfigError("DATABASE_URL must be set in production")
        if cfg["BVTE_TEST_CLOCK"]:
            raise ConfigError("BVTE_TEST_CLOCK is not allowed in production")
    if not cfg["SECRET_KEY"]:
        cfg["SECRET_KEY"] = _dev_secret()
    return cfg


def _count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise ConfigError(f"BVTE_TRUSTED_PROXIES must be a number of proxies, not {value!r}") from None
    if not 0 <= n <= 5:
        raise ConfigError("BVTE_TRUSTED_PROXIES must be between 0 and 5")
    return n


def _dev_secret() -> str:
    """A per-installation development key kept in instance/, so sessions survive restarts."""
    path = os.path.join("instance", "dev-secret-key")
    os.makedirs("instance", exist_ok=True)
    if not os.path.exists(path):
        with open(path, "w") as fh:
            fh.write(secrets.token_hex(32))
        os.chmod(path, 0o600)
    with open(path) as fh:
        return fh.read().strip()
