"""The Alembic migrations build exactly the schema the models describe (SQLite and PostgreSQL)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.db import Base
from engine.db import Database
from engine.migrate import upgrade


def _diff(url):
    db = Database(url)
    try:
        with db.write_engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        db.dispose()


def test_sqlite_migrations_match_models(tmp_path):
    url = f"sqlite:///{tmp_path}/m.sqlite3"
    db = Database(url)
    upgrade(db)
    upgrade(db)   # idempotent
    db.dispose()
    assert _diff(url) == []


def test_postgres_migrations_match_models(pg_url):
    assert _diff(pg_url) == []
