"""Shared fixtures: a real database per test (SQLite file, and PostgreSQL), a seeded engine, a clock.

PostgreSQL: a throwaway database is created per test run on 127.0.0.1:5432 (user postgres) and
dropped at the end; tables are truncated between tests. When PostgreSQL is unreachable the
PostgreSQL variants are skipped locally, and FAIL when CI=true.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.clock import FixedClock
from engine.db import Base
from engine.db import Database
from engine.models import AUDIT_HEAD_ROW
from tests.support.db import START
from tests.support.db import make_seeded_engine
from tests.support.db import throwaway_pg
from tests.support.samples import actor_for


@pytest.fixture(scope="session")
def pg_url():
    """URL of a fresh PostgreSQL database for this run, with the schema created once."""
    from engine.migrate import upgrade

    pg = throwaway_pg("bvte_test")
    db = Database(pg.url)
    upgrade(db)
    db.dispose()
    yield pg.url
    pg.drop()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """A clean database: a new SQLite file, or the run's PostgreSQL database truncated."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/bvte.sqlite3"
        db = Database(url)
        Base.metadata.create_all(db.write_engine)
        db.dispose()
        return url
    url = request.getfixturevalue("pg_url")
    db = Database(url)
    with db.write_engine.begin() as conn:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text(AUDIT_HEAD_ROW))   # as create_all leaves it
    db.dispose()
    return url


@pytest.fixture
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path}/bvte.sqlite3"
    db = Database(url)
    Base.metadata.create_all(db.write_engine)
    db.dispose()
    return url


@pytest.fixture
def cli_clock(monkeypatch, tmp_path):
    """Run the ``bvte`` commands a test invokes (in-process or as subprocesses) on the shared settable
    clock, frozen at START: nothing they compute depends on the real date."""
    monkeypatch.setenv("BVTE_TEST_CLOCK", "1")
    monkeypatch.setenv("BVTE_TEST_NOW", START.isoformat())
    monkeypatch.setenv("BVTE_TEST_CLOCK_FILE", str(tmp_path / "test-clock"))
    monkeypatch.delenv("BVTE_ENV", raising=False)
    return START


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def engine(db_url, clock):
    eng = make_seeded_engine(db_url, clock)
    yield eng
    eng.db.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url, clock):
    eng = make_seeded_engine(sqlite_url, clock)
    yield eng
    eng.db.dispose()


@pytest.fixture
def as_user(engine):
    return lambda username: actor_for(engine, username)
