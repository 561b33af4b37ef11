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
    return Engine(Database(database_url), build_registry(), clock)
