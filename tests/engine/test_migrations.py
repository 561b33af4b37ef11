"""The Alembic migrations build exactly the schema the models describe (SQLite and PostgreSQL), and carry
existing data across (the audit chain's head, 0009)."""

import datetime as dt
import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from engine import audit
from engine.db import Base
from engine.db import Database
from engine.migrate import upgrade
from tests.support.db import throwaway_pg


def _modelled(obj, name, type_, reflected, compare_to):
    """Everything but the trigram indexes, which exist only where the server has pg_trgm (migration 0018)."""
    return not (type_ == "index" and (name or "").endswith("_trgm"))


def _diff(url):
    db = Database(url)
    try:
        with db.write_engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"include_object": _modelled}), Base.metadata)
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


def _chain_before_0009(url):
    """A database at revision 0008 whose audit log already has a chain (as written before audit_head)."""
    db = Database(url)
    upgrade(db, "0008")
    prev = audit.GENESIS
    with db.write() as s:
        for i in range(3):
            at = dt.datetime(2026, 11, 20, 8, i, tzinfo=dt.timezone.utc)
            digest = audit._digest(prev, at, "seed", "users.seed", None, None, {"n": i})
            s.execute(text("INSERT INTO audit_log (at, actor, action, case_id, task_id, detail, prev_hash, hash) "
                           "VALUES (:at, 'seed', 'users.seed', NULL, NULL, :detail, :prev, :hash)"),
                      {"at": at, "detail": json.dumps({"n": i}), "prev": prev, "hash": digest})
            prev = digest
    return db


def _continues_the_chain(db):
    try:
        upgrade(db)
        with db.write() as s:
            audit.append(s, dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc), "admin", "token.create", detail={})
        with db.read() as s:
            assert audit.verify(s) == []
            assert s.execute(text("SELECT count(*) FROM audit_log")).scalar() == 4
    finally:
        db.dispose()


def test_0009_takes_the_audit_head_from_an_existing_chain_sqlite(tmp_path):
    _continues_the_chain(_chain_before_0009(f"sqlite:///{tmp_path}/m.sqlite3"))


def test_0009_takes_the_audit_head_from_an_existing_chain_postgres():
    pg = throwaway_pg("bvte_mig")
    try:
        _continues_the_chain(_chain_before_0009(pg.url))
    finally:
        pg.drop()


def test_0011_renames_the_key_column_of_older_databases(tmp_path):
    """A database made before 0011 has the duplicate key under its old, procedure-named column: 0011 renames
    it (and its index), keeping the values."""
    url = f"sqlite:///{tmp_path}/old.sqlite3"
    db = Database(url)
    upgrade(db, "0010")
    with db.write_engine.begin() as conn:   # the table as the first 0001 made it
        conn.execute(text("DROP INDEX ix_cases_dedup_key"))
        conn.execute(text("ALTER TABLE cases RENAME COLUMN dedup_key TO child_key"))
        conn.execute(text("CREATE INDEX ix_cases_child_key ON cases (child_key)"))
        conn.execute(text("INSERT INTO provinces (code, name) VALUES ('P', 'P')"))
        conn.execute(text("INSERT INTO communes (code, name, province_code) VALUES ('X', 'X', 'P')"))
        conn.execute(text("INSERT INTO process_versions (id, process_id, version, content_hash, files, deployed_by, deployed_at) "
                          "VALUES (1, 'p', 1, 'h', '{}', 'seed', '2026-11-20 00:00:00')"))
        conn.execute(text("INSERT INTO cases (id, reference, process_version_id, status, commune_code, province_code, "
                          "incident_commune_code, child_key, summary, state, serializer_version, version, "
                          "received_at, created_at, updated_at) VALUES ('c1', 'R1', 1, 'open', 'X', 'P', 'X', "
                          "'an|2019|X', '{}', '', '1', 1, '2026-11-20 00:00:00', '2026-11-20 00:00:00', "
                          "'2026-11-20 00:00:00')"))
    upgrade(db)
    with db.write_engine.connect() as conn:
        assert conn.execute(text("SELECT dedup_key FROM cases WHERE id = 'c1'")).scalar() == "an|2019|X"
    db.dispose()
    assert _diff(url) == []
