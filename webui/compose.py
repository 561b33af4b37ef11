"""The composition root: the one place an ``Engine`` is built, for the web app, the CLI and the timer workers.

The engine gets every installed procedure (``workflows.registry.build_registry``), the database at
``DATABASE_URL`` (``webui.config``) and the clock the process runs on: the system clock, or with
``BVTE_TEST_CLOCK=1`` the shared settable clock (``engine.clock_settable``) that ``POST /_test/clock``
(``webui.testclock``) and ``bvte timers run --now`` move.
"""

from __future__ import annotations

import os

from engine.clock import Clock
from engine.clock import SystemClock
from engine.clock_settable import clock_from_env
from engine.db import Database
from engine.runtime import Engine


def configured_database_url() -> str:
    """``DATABASE_URL`` as the configuration reads it (with its production checks)."""
    from webui.config import from_env

    return from_env()["DATABASE_URL"]


class AuditKeyMissing(RuntimeError):
    pass


def configure_audit() -> None:
    """The audit trail's HMAC key (issue #18.6), from ``BVTE_AUDIT_KEY_FILE`` (a file of at least 32 bytes,
    kept outside the database and its backups). Required in production; without it (development, tests)
    rows are chained with plain SHA-256."""
    from engine import audit

    path = os.environ.get("BVTE_AUDIT_KEY_FILE")
    if not path:
        if os.environ.get("BVTE_ENV") == "production":
            raise AuditKeyMissing("BVTE_AUDIT_KEY_FILE must name the audit key file in production "
                                  "(e.g. head -c 32 /dev/urandom > /etc/bvte/audit.key)")
        audit.set_key(None)
        return
    with open(path, "rb") as fh:
        key = fh.read().strip()
    if len(key) < 32:
        raise AuditKeyMissing(f"{path}: the audit key must be at least 32 bytes")
    audit.set_key(key)


def build_engine(database_url: str | None = None, clock: Clock | None = None, *,
                 test_clock: bool | None = None) -> Engine:
    """An ``Engine`` over ``database_url`` (default: the configured one) with every installed procedure.

    ``clock`` defaults to the settable test clock when the test clock is enabled (``test_clock``, or
    ``BVTE_TEST_CLOCK=1`` when it is not given), the system clock otherwise."""
    from workflows.registry import build_registry

    if database_url is None:
        database_url = configured_database_url()
    if clock is None:
        enabled = os.environ.get("BVTE_TEST_CLOCK") == "1" if test_clock is None else test_clock
        clock = clock_from_env() if enabled else SystemClock()
    configure_audit()
    from engine import account_crypto

    account_crypto.configure()   # the two-factor secrets' key (BVTE_TOTP_KEY_FILE; required in production)
    return Engine(Database(database_url), build_registry(), clock)
