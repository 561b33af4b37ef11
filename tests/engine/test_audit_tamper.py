"""The audit trail is tamper-evident against someone who can write to the database (issue #18.6): rows are
signed with a key kept outside it, and checkpoints outside it pin the chain's tail."""

import datetime as dt

import pytest
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from engine import audit
from engine import audit_anchor
from engine.db import Database
from engine.models import AuditEvent
from engine.models import AuditHead
from tests.support.db import as_database_owner

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def keyed():
    audit.set_key(b"k" * 32)
    yield
    audit.set_key(None)


def _write(db, n, start=0):
    for i in range(start, start + n):
        with db.write() as s:
            audit.append(s, AT + dt.timedelta(minutes=i), "canbo.x01", "case.view", detail={"i": i})


def _problems(db, checkpoints=None):
    with db.read() as s:
        found = audit.verify(s)
        if checkpoints:
            found += audit_anchor.verify_checkpoints(s, checkpoints)
    return found


def test_signed_chain_verifies_and_a_forged_row_does_not(db_url, keyed):
    db = Database(db_url)
    _write(db, 3)
    assert _problems(db) == []
    with db.write() as s:   # a row appended with the plain hash, as someone without the key would
        as_database_owner(s)
        head = s.execute(select(AuditHead.hash)).scalar()
        audit.set_key(None)
        try:
            digest = audit._digest(head, AT, "x", "case.view", None, None, {})
        finally:
            audit.set_key(b"k" * 32)
        s.add(AuditEvent(at=AT, actor="x", action="case.view", case_id=None, task_id=None, detail={},
                         prev_hash=head, hash=digest))
        s.execute(update(AuditHead).values(hash=digest))
    assert any("not signed" in p for p in _problems(db))
    db.dispose()


def test_rehashing_the_whole_chain_without_the_key_is_found(db_url, keyed):
    db = Database(db_url)
    _write(db, 3)
    with db.write() as s:
        as_database_owner(s)
        prev = audit.GENESIS
        audit.set_key(None)
        try:
            for row in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
                row.detail = {"i": 99}
                row.prev_hash = prev
                row.hash = prev = audit._digest(prev, row.at, row.actor, row.action, row.case_id, row.task_id,
                                                row.detail)
            s.execute(update(AuditHead).values(hash=prev))
        finally:
            audit.set_key(b"k" * 32)
    assert _problems(db)
    db.dispose()


def test_cutting_the_tail_is_found_by_the_checkpoints(db_url, keyed, tmp_path):
    db = Database(db_url)
    target = str(tmp_path / "audit.checkpoints")
    _write(db, 3)
    with db.read() as s:
        assert audit_anchor.write_checkpoint(s, target, AT) is True
        assert audit_anchor.write_checkpoint(s, target, AT) is False     # unchanged: nothing written
    assert _problems(db, target) == []
    with db.write() as s:   # delete the newest row and set the head to the row before it: consistent again
        as_database_owner(s)
        newest = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
        s.execute(delete(AuditEvent).where(AuditEvent.id == newest.id))
        s.execute(update(AuditHead).values(hash=newest.prev_hash))
    with db.read() as s:
        assert audit.verify(s) == []                                      # the chain alone cannot tell
    assert any("cut" in p for p in _problems(db, target))
    db.dispose()


def test_a_missing_checkpoint_file_is_reported(db_url, tmp_path):
    db = Database(db_url)
    _write(db, 1)
    assert any("missing" in p for p in _problems(db, str(tmp_path / "none")))
    db.dispose()


def test_a_case_state_edited_in_the_database_is_found(engine, as_user):
    from engine.models import Case
    from tests.support.samples import REPORT
    from workflows.child_protection.intake import open_case

    case = open_case(engine, REPORT, as_user("tongdai111"))
    with engine.db.read() as s:
        assert audit.verify(s) == []
    with engine.db.write() as s:
        row = s.get(Case, case.id)
        row.state = row.state + " "    # any change of the stored text
    with engine.db.read() as s:
        found = audit.verify(s)
    assert any(case.reference in p and "state" in p for p in found), found


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_migrated_database_refuses_changes_to_audit_rows(backend, tmp_path, request):
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    from engine.migrate import upgrade

    url = f"sqlite:///{tmp_path}/a.sqlite3" if backend == "sqlite" else request.getfixturevalue("pg_url")
    db = Database(url)
    upgrade(db)
    _write(db, 2)
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError) as err:
            with db.write_engine.begin() as conn:
                conn.execute(text(statement))
        assert "append-only" in str(err.value)
    with db.read() as s:   # the chain is whole (the shared PostgreSQL database may hold other tests' cases)
        assert [p for p in audit.verify(s) if p.startswith("audit")] == []
    db.dispose()
