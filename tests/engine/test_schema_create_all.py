"""The schema as the models declare it (``Base.metadata.create_all``, what the benchmarks and the SQLite
fixtures build) is created on PostgreSQL too, not only by the migrations: a DDL text with an unescaped ``%``
(the register's PL/pgSQL notices) broke ``make bench`` on PostgreSQL."""

from sqlalchemy import text

from engine.db import Base
from engine.db import Database
from tests.support.db import throwaway_pg


def test_create_all_on_a_fresh_postgresql_database():
    pg = throwaway_pg("bvte_create_all")
    db = Database(pg.url)
    try:
        Base.metadata.create_all(db.write_engine)
        with db.write_engine.connect() as conn:
            tables = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
            head = conn.execute(text("SELECT count(*) FROM audit_head")).scalar()
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
        assert head == 1
    finally:
        db.dispose()
        pg.drop()
