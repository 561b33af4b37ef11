"""Helpers for tests, features and benchmarks: a seeded engine on a fixed clock."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from engine.db import Database
from engine.runtime import Engine
from workflows import build_registry

# Friday 20 Nov 2026, 22:00 in Vietnam
START = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.timezone.utc)


def make_seeded_engine(url: str, clock) -> Engine:
    """An engine over ``url`` (schema already created) with the demo organisation and process.

    BVTE_FEATURE_BUNDLE names a directory of .bpmn files (a policy draft) to deploy instead of bpmn/.
    """
    from workflows.seed import seed_demo

    engine = Engine(Database(url), build_registry(), clock)
    seed_demo(engine, bpmn_dir=os.environ.get("BVTE_FEATURE_BUNDLE") or None,
              main_id=os.environ.get("BVTE_FEATURE_MAIN") or None)
    return engine


PG_ADMIN_URL = os.environ.get("BVTE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


class PostgresUnavailable(RuntimeError):
    pass


class ThrowawayDatabase:
    """A PostgreSQL database created for a test run or a benchmark and dropped afterwards.

    ``create()`` raises ``PostgresUnavailable`` when no server answers; callers decide whether that
    skips (a developer's machine) or fails (CI).
    """

    def __init__(self, prefix: str, admin_url: str = PG_ADMIN_URL):
        import uuid

        self.admin_url = admin_url
        self.name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.url = admin_url.rsplit("/", 1)[0] + f"/{self.name}"
        self._admin: Any = None

    def create(self) -> str:
        from sqlalchemy import create_engine
        from sqlalchemy import text

        try:
            self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            with self._admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        except Exception as exc:
            raise PostgresUnavailable(f"PostgreSQL unreachable at {self.admin_url}: {exc}") from exc
        return self.url

    def drop(self) -> None:
        from sqlalchemy import text

        if self._admin is None:
            return
        with self._admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                         {"n": self.name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}"'))
        self._admin.dispose()


def throwaway_pg(prefix: str) -> ThrowawayDatabase:
    """For tests: a new PostgreSQL database; skipped without PostgreSQL locally, a failure in CI."""
    import pytest

    db = ThrowawayDatabase(prefix)
    try:
        db.create()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(str(exc))
    return db


def as_database_owner(session) -> None:
    """Act as someone who owns the database: the append-only trigger on audit_log (migration 0014) is
    switched off for this transaction (PostgreSQL; SQLite test schemas are made without triggers)."""
    from sqlalchemy import text

    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
