"""One audit chain per province (issue #18.6): each province's rows chain on their own head under their own
key, so one province's tampering or volume does not involve another's, and a province's chain is verified,
checkpointed and exported on its own. The split is recorded in the install-wide chain."""

import datetime as dt
import json
import threading
import time

import pytest
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update

from engine import audit
from engine import audit_anchor
from engine import audit_verify
from engine.db import Database
from engine.models import AUDIT_HEAD_ROW
from engine.models import AuditEvent
from engine.models import AuditHead
from tests.support.db import as_database_owner

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def keyed():
    audit.set_key(b"k" * 32)
    yield
    audit.set_key(None)


def _write(db, province, n, start=0):
    for i in range(start, start + n):
        with db.write() as s:
            audit.append(s, AT + dt.timedelta(minutes=i), "someone", "case.view", detail={"i": i}, province=province)


def _verify(db, province=None):
    with db.read() as s:
        return audit.verify(s, province)


def _rows(db, chain):
    with db.read() as s:
        return list(s.execute(select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.id)).scalars())


def test_each_province_chains_on_its_own_head_opened_in_the_install_wide_chain(db_url, keyed):
    db = Database(db_url)
    _write(db, "P01", 2)
    _write(db, "P02", 3)
    _write(db, None, 1)          # an actor of no province: the install-wide chain
    with db.read() as s:
        heads = dict(s.execute(select(AuditHead.chain, AuditHead.hash)).all())
    assert set(heads) == {"", "P01", "P02"}
    national = _rows(db, "")
    openings = {r.detail["chain"]: r for r in national if r.action == audit.CHAIN_OPEN}
    assert set(openings) == {"P01", "P02"}
    for chain, n in (("P01", 2), ("P02", 3)):
        rows = _rows(db, chain)
        assert len(rows) == n and rows[0].prev_hash == openings[chain].hash   # starts from its opening row
        assert heads[chain] == rows[-1].hash
        assert _verify(db, chain) == []
    assert _verify(db) == []
    db.dispose()


def test_tampering_in_one_province_is_reported_for_it_alone(db_url, keyed):
    db = Database(db_url)
    _write(db, "P01", 2)
    _write(db, "P02", 2)
    victim = _rows(db, "P02")[0]
    with db.write() as s:
        as_database_owner(s)
        s.execute(update(AuditEvent).where(AuditEvent.id == victim.id).values(actor="forged"))
    assert _verify(db, "P01") == []
    found = _verify(db, "P02")
    assert any(f"audit row {victim.id}" in p and "edited" in p for p in found), found
    assert any("P02" in p for p in _verify(db))
    db.dispose()


def test_a_row_moved_to_another_province_or_re_hashed_under_the_install_key_is_found(db_url, keyed):
    db = Database(db_url)
    _write(db, "P01", 2)
    _write(db, "P02", 1)
    moved = _rows(db, "P01")[-1]
    with db.write() as s:   # the newest P01 row moved onto P02's chain, both heads mended
        as_database_owner(s)
        p02_head = s.execute(select(AuditHead.hash).where(AuditHead.chain == "P02")).scalar()
        digest = audit._digest(p02_head, moved.at, moved.actor, moved.action, None, None, moved.detail,
                               key=b"k" * 32, chain="")   # the install-wide key, not P02's
        s.execute(update(AuditEvent).where(AuditEvent.id == moved.id)
                  .values(chain="P02", prev_hash=p02_head, hash=digest))
        s.execute(update(AuditHead).where(AuditHead.chain == "P02").values(hash=digest))
        s.execute(update(AuditHead).where(AuditHead.chain == "P01").values(hash=moved.prev_hash))
    assert _verify(db, "P01") == []     # P01 alone looks shorter: its checkpoints tell (next test)
    assert any("edited" in p for p in _verify(db, "P02"))
    db.dispose()


def test_a_province_chain_removed_whole_is_found_by_its_opening_row(db_url, keyed):
    db = Database(db_url)
    _write(db, "P01", 1)
    _write(db, "P02", 2)
    with db.write() as s:
        as_database_owner(s)
        s.execute(delete(AuditEvent).where(AuditEvent.chain == "P02"))
        s.execute(delete(AuditHead).where(AuditHead.chain == "P02"))
    found = _verify(db)
    assert any("head of province P02 is missing" in p for p in found), found
    assert _verify(db, "P01") == []
    db.dispose()


def test_checkpoints_pin_each_chain(db_url, keyed, tmp_path):
    db = Database(db_url)
    (tmp_path / "marks").mkdir()
    target = str(tmp_path / "marks" / "audit-{province}.checkpoints")
    _write(db, "P01", 2)
    _write(db, "P02", 2)
    with db.read() as s:
        assert audit_anchor.write_checkpoint(s, target, AT) is True
        assert audit_anchor.write_checkpoint(s, target, AT) is False
    assert sorted(p.name for p in (tmp_path / "marks").iterdir()) == [
        "audit-P01.checkpoints", "audit-P02.checkpoints", "audit-all.checkpoints"]
    _write(db, "P01", 1, start=5)   # only P01 grew: only its file gets a line
    with db.read() as s:
        assert audit_anchor.write_checkpoint(s, target, AT) is True
    assert len((tmp_path / "marks" / "audit-P01.checkpoints").read_text().splitlines()) == 2
    assert len((tmp_path / "marks" / "audit-P02.checkpoints").read_text().splitlines()) == 1
    newest = _rows(db, "P02")[-1]
    with db.write() as s:           # P02's tail cut and its head mended: consistent again
        as_database_owner(s)
        s.execute(delete(AuditEvent).where(AuditEvent.id == newest.id))
        s.execute(update(AuditHead).where(AuditHead.chain == "P02").values(hash=newest.prev_hash))
    assert _verify(db, "P02") == []
    with db.read() as s:
        assert audit_anchor.verify_checkpoints(s, target, "P01") == []
        cut = audit_anchor.verify_checkpoints(s, target, "P02")
        assert any("P02" in p and "cut" in p for p in cut), cut
        assert audit_anchor.verify_checkpoints(s, target) == cut
    db.dispose()


def test_an_export_verifies_on_its_own_and_an_edited_one_does_not(db_url, keyed):
    db = Database(db_url)
    _write(db, "P01", 3)
    _write(db, "P02", 1)
    with db.read() as s:
        lines = list(audit_verify.export(s, "P01"))
        with pytest.raises(LookupError):
            list(audit_verify.export(s, "P09"))
    assert len(lines) == 5 and json.loads(lines[0])["anchor"]["action"] == audit.CHAIN_OPEN
    assert audit_verify.verify_export(lines, "P01") == []
    assert audit_verify.verify_export(lines, "P02")          # not P02's chain
    edited = [*lines[:2], lines[2].replace('"i": 1', '"i": 7'), *lines[3:]]
    assert any("edited" in p for p in audit_verify.verify_export(edited, "P01"))
    dropped = [lines[0], lines[1], *lines[3:]]
    assert any("previous-hash" in p for p in audit_verify.verify_export(dropped, "P01"))
    shortened = [*lines[:3], lines[4]]                         # the newest row taken off the end
    assert any("removed" in p for p in audit_verify.verify_export(shortened, "P01"))
    assert any("last line" in p for p in audit_verify.verify_export(lines[:4], "P01"))
    audit.set_key(b"x" * 32)       # another installation's key
    assert audit_verify.verify_export(lines, "P01")
    db.dispose()


def test_events_go_to_the_province_of_their_case_else_of_their_actor(engine, as_user):
    from tests.support.samples import REPORT
    from workflows.child_protection.intake import open_case

    case = open_case(engine, REPORT, as_user("tongdai111"))
    with engine.db.write() as s:
        audit.append(s, engine.now(), "canbo.x01", "user.login")        # a user of P01
        audit.append(s, engine.now(), "cli", "process.deploy")          # no province
    with engine.db.read() as s:
        by_action = {(r.action, r.case_id): r.chain for r in s.execute(select(AuditEvent)).scalars()}
        assert {c for (a, cid), c in by_action.items() if cid == case.id} == {"P01"}
        assert by_action[("user.login", None)] == "P01"
        assert by_action[("process.deploy", None)] == ""
        assert audit.verify(s) == [] and audit.verify(s, "P01") == []


def test_a_case_state_edited_is_found_by_its_province_verify(engine, as_user):
    from engine.models import Case
    from tests.support.samples import REPORT
    from workflows.child_protection.intake import open_case

    case = open_case(engine, REPORT, as_user("tongdai111"))
    with engine.db.write() as s:
        s.get(Case, case.id).state += " "
    with engine.db.read() as s:
        assert any(case.reference in p for p in audit.verify(s, "P01"))
        assert audit.verify(s, "P02") == [p for p in audit.verify(s, "P02") if case.reference not in p]


def test_appends_of_two_provinces_do_not_queue_on_each_other(pg_url):
    """PostgreSQL: a transaction holding P01's chain does not hold up P02's writer (it did, with one head)."""
    db = Database(pg_url)
    with db.write_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log, audit_head RESTART IDENTITY"))
        conn.execute(text(AUDIT_HEAD_ROW))
    _write(db, "P01", 1)
    _write(db, "P02", 1)
    held = threading.Event()
    release = threading.Event()

    def hold_p01():
        with db.write() as s:
            audit.append(s, AT, "someone", "case.view", province="P01")
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_p01)
    holder.start()
    try:
        assert held.wait(10)
        began = time.monotonic()
        _write(db, "P02", 1, start=1)
        took = time.monotonic() - began
    finally:
        release.set()
        holder.join()
    assert took < 2.0, f"P02's append waited {took:.1f} s on P01's open transaction"
    assert _verify(db) == []
    db.dispose()



def _chain_at_0021(url):
    """A database at revision 0021 whose one chain holds signed rows (as written before the split)."""
    from engine.migrate import upgrade

    db = Database(url)
    upgrade(db, "0021")
    prev = audit.GENESIS
    with db.write() as s:
        for i in range(3):
            at = AT + dt.timedelta(minutes=i)
            digest = audit._digest(prev, at, "canbo.x01", "case.view", None, None, {"n": i})
            s.execute(text("INSERT INTO audit_log (at, actor, action, case_id, task_id, detail, prev_hash, hash) "
                           "VALUES (:at, 'canbo.x01', 'case.view', NULL, NULL, :detail, :prev, :hash)"),
                      {"at": at, "detail": json.dumps({"n": i}), "prev": prev, "hash": digest})
            prev = digest
        s.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
    return db, prev


def _split_keeps_the_old_chain(url, tmp_path):
    from engine.migrate import upgrade

    db, old_head = _chain_at_0021(url)
    try:
        marks = str(tmp_path / "audit.checkpoints")   # a checkpoint written before the split (no "chain")
        with open(marks, "w") as fh:
            fh.write(json.dumps({"at": AT.isoformat(), "row": 3, "hash": old_head}) + "\n")
        upgrade(db)
        with db.read() as s:
            assert s.execute(select(AuditHead.chain, AuditHead.hash)).all() == [("", old_head)]
            assert audit.verify(s) == [] and audit_anchor.verify_checkpoints(s, marks) == []
        _write(db, "P01", 2)
        _write(db, None, 1)
        with db.read() as s:
            national = list(s.execute(select(AuditEvent).where(AuditEvent.chain == "").order_by(AuditEvent.id))
                            .scalars())
            assert [r.action for r in national] == ["case.view"] * 3 + [audit.CHAIN_OPEN, "case.view"]
            assert national[3].prev_hash == old_head             # the cut-over continues the old chain
            assert audit.verify(s) == [] and audit.verify(s, "P01") == []
            assert audit_anchor.verify_checkpoints(s, marks) == []
    finally:
        db.dispose()


def test_0022_keeps_the_chain_written_before_the_split_sqlite(tmp_path, keyed):
    _split_keeps_the_old_chain(f"sqlite:///{tmp_path}/m.sqlite3", tmp_path)


def test_0022_keeps_the_chain_written_before_the_split_postgres(tmp_path, keyed):
    from tests.support.db import throwaway_pg

    pg = throwaway_pg("bvte_mig22")
    try:
        _split_keeps_the_old_chain(pg.url, tmp_path)
    finally:
        pg.drop()


def test_verify_and_export_one_province_from_the_cli(tmp_path, monkeypatch, cli_clock):
    from click.testing import CliRunner

    from engine.migrate import upgrade
    from tests.support.samples import REPORT
    from webui.cli import main

    key = tmp_path / "audit.key"
    key.write_bytes(b"a-test-audit-key-of-thirty-two-bytes")
    monkeypatch.setenv("BVTE_AUDIT_KEY_FILE", str(key))
    monkeypatch.setenv("BVTE_AUDIT_CHECKPOINTS", str(tmp_path / "audit-{province}.marks"))
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def cli(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    db = Database(url)
    upgrade(db)
    try:
        assert cli("seed-demo").exit_code == 0
        res = cli("cases", "start", "child_protection_case", "--commune", "X01", "--data",
                  json.dumps(dict(REPORT, crime_suspected=False)))
        assert res.exit_code == 0, res.output
        assert "checkpoint written" in cli("audit", "checkpoint").output
        res = cli("audit", "verify", "--province", "P01")
        assert res.exit_code == 0 and "province P01 intact" in res.output, res.output
        out = tmp_path / "p01.jsonl"
        res = cli("audit", "export", "--province", "P01", "--output", str(out))
        assert res.exit_code == 0 and "written" in res.output
        assert cli("audit", "verify", "--province", "P01", "--file", str(out)).exit_code == 0
        res = cli("audit", "export", "--province", "P77")
        assert res.exit_code == 1 and "no audit chain" in res.output
        lines = out.read_text().splitlines()
        out.write_text("\n".join([*lines[:-2], lines[-1]]) + "\n")     # the newest row taken out of the export
        res = cli("audit", "verify", "--province", "P01", "--file", str(out))
        assert res.exit_code == 1 and "removed" in res.output
        assert cli("audit", "verify", "--file", str(out)).exit_code == 2     # needs --province
        with db.write_engine.begin() as conn:      # the owner drops the trigger and edits a P01 row
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            conn.execute(update(AuditEvent).where(AuditEvent.chain == "P01").values(actor="x"))
        res = cli("audit", "verify", "--province", "P01")
        assert res.exit_code == 1 and "edited" in res.output
        res = cli("audit", "verify")
        assert res.exit_code == 1 and "P01" in res.output
    finally:
        audit.set_key(None)
        db.dispose()
