"""The generic people register (engine/register): folding, the scoped search (diacritics, typos, caregiver,
identifier, reference), the case -> person link, audit rows, retention and anonymisation; SQLite and
PostgreSQL (with CI=true the PostgreSQL variants fail rather than skip)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy import update

from engine.errors import Conflict
from engine.models import AuditEvent
from engine.models import Case
from engine.register import person_of_case
from engine.register import persons_of_cases
from engine.register import records
from engine.register import retention
from engine.register import service
from engine.register.fold import edit_distance
from engine.register.fold import fold
from engine.register.fold import similarity
from engine.register.queries import Scope
from engine.register.records import PersonFields
from engine.register.records import RelationFields
from engine.register.search import search
from tests.support.samples import REPORT
from workflows.child_protection.process import open_case

X01 = Scope("P01", frozenset({"X01"}))
X02 = Scope("P01", frozenset({"X02"}))
PROVINCE = Scope("P01", None)


def test_fold_and_similarity():
    assert fold("  Nguyễn   Văn Ánh ") == "nguyen van anh"
    assert fold("Đặng Thị Ðào") == "dang thi dao"
    assert fold("Lê-Thị (Bé)") == "le thi be"
    assert edit_distance("nguyen", "ngyen") == 1 and edit_distance("anh", "a") == 2
    assert edit_distance("tuan", "taun") == 1   # a transposition is one edit
    assert similarity("nguyen van a", "nguyen van anh") == pytest.approx(0.75)


def _person(engine, name, commune="X01", carer=None, **kw):
    with engine.db.write() as s:
        return records.create_person(s, engine.now(), "canbo.x01", "P01", PersonFields(
            full_name=name, residence_commune_code=commune, **kw),
            [RelationFields(carer, "mother", "0912345678")] if carer else []).id


def _ids(engine, scope, query, **kw):
    with engine.db.read() as s:
        return [h.person.id for h in search(s, scope, query, **kw)]


def test_search_finds_a_child_without_diacritics_with_typos(engine):
    a = _person(engine, "Nguyễn Văn A", birth_date=dt.date(2015, 3, 2), sex="male")
    other = _person(engine, "Trần Thị Bích Ngọc", carer="Lê Thị Hồng Nhung", id_number="001315000123")
    _person(engine, "Phạm Minh Tuấn", commune="X02")
    assert _ids(engine, X01, "Nguyen Van A")[0] == a
    assert a in _ids(engine, X01, "Nguyễn Văn Anh")       # one syllable two letters longer
    assert a in _ids(engine, X01, "ngyen van a")           # a letter missing
    assert a in _ids(engine, X01, "NGUYEN VAN")            # the beginning of the name
    assert _ids(engine, X01, "Tran Ngoc")[0] == other      # a middle name left out
    assert _ids(engine, X01, "Tran Thi Bich Ngoc") == [other]
    assert _ids(engine, X01, "Le Thi Hong Nhung") == [other]   # the caregiver
    assert _ids(engine, X01, "001315000123") == [other]
    assert _ids(engine, X01, "Nguyen Van A", birth_year=2016) == []
    assert _ids(engine, X01, "Pham Minh Tuan") == []       # lives in X02
    assert len(_ids(engine, PROVINCE, "Pham Minh Tuan")) == 1


def test_search_by_case_reference_and_scope_of_cases(engine, as_user):
    case = open_case(engine, dict(REPORT, child_name="Hoàng Gia Bảo", incident_commune="X02",
                                  residence_commune="X01"), as_user("tongdai111"))
    pid = _person(engine, "Hoàng Gia Bảo")
    with engine.db.write() as s:
        records.link_case(s, engine.now(), "canbo.x01", pid, case.id)
    assert _ids(engine, X01, case.reference) == [pid]
    assert _ids(engine, X01, case.reference[:10]) == [pid]
    # X02 holds the case (the incident happened there): its officer finds the child through it
    assert _ids(engine, X02, "Hoang Gia Bao") == [pid]
    assert _ids(engine, Scope("P01", frozenset({"X03"})), "Hoang Gia Bao") == []
    assert _ids(engine, Scope("P02", None), "Hoang Gia Bao") == []
    with engine.db.read() as s:
        assert person_of_case(s, case.id) == pid
        assert persons_of_cases(s, [case.id, "nope"]) == {case.id: pid}


def test_a_case_is_never_moved_silently_and_every_write_is_audited(engine, as_user):
    case = open_case(engine, dict(REPORT, child_name="Vũ Đức Anh"), as_user("tongdai111"))
    first, second = _person(engine, "Vũ Đức Anh"), _person(engine, "Vũ Đức Ánh")
    with engine.db.write() as s:
        records.link_case(s, engine.now(), "canbo.x01", first, case.id)
    with pytest.raises(Conflict):
        with engine.db.write() as s:
            records.link_case(s, engine.now(), "canbo.x01", second, case.id)
    with engine.db.write() as s:
        records.link_case(s, engine.now(), "canbo.x01", second, case.id, move=True)
    with engine.db.read() as s:
        assert person_of_case(s, case.id) == second
        rows = s.execute(select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.action.like("register.%"))
                         .order_by(AuditEvent.id)).all()
    assert [a for a, _ in rows] == ["register.create", "register.create", "register.link", "register.link"]
    assert rows[-1][1] == {"person": second, "moved_from": first}


def _close(engine, case_id, when):
    with engine.db.write() as s:
        s.execute(update(Case).where(Case.id == case_id).values(status="closed", closed_at=when))


def test_retention_anonymises_closed_records_only(engine, as_user):
    old = open_case(engine, dict(REPORT, child_name="Đỗ Thị Lan"), as_user("tongdai111"))
    recent = open_case(engine, dict(REPORT, child_name="Ngô Văn Hùng"), as_user("tongdai111"))
    still_open = open_case(engine, dict(REPORT, child_name="Bùi Thị Mai"), as_user("tongdai111"))
    ids = {}
    for case in (old, recent, still_open):
        with engine.db.write() as s:
            person = records.create_person(s, engine.now() - dt.timedelta(days=3000), "canbo.x01", "P01", PersonFields(
                full_name=case.summary["child_name"], residence_commune_code="X01", birth_date=dt.date(2012, 5, 1),
                id_number="001312000001"), [RelationFields("Mẹ Của Bé", "mother", "0900")], case_id=case.id)
            s.execute(update(type(person)).where(type(person).id == person.id)
                      .values(updated_at=engine.now() - dt.timedelta(days=3000)))
        ids[case.id] = person.id
    _close(engine, old.id, engine.now() - dt.timedelta(days=6 * 366))
    _close(engine, recent.id, engine.now() - dt.timedelta(days=200))
    service.set_retention(engine, "cli:admin", "P01", 5)
    years, due = service.anonymise_due(engine, "cli:admin", "P01", 5, dry_run=True)
    assert years == 5 and [d.person_id for d in due] == [ids[old.id]]
    assert _ids(engine, X01, "Do Thi Lan") == [ids[old.id]]   # a dry run changes nothing
    service.anonymise_due(engine, "cli:admin", "P01", 5, dry_run=False)
    with engine.db.read() as s:
        rec = records.record_of(s, ids[old.id])
        kept = records.record_of(s, ids[recent.id])
        summary = s.get(Case, old.id).summary
        actions = [a for a, in s.execute(select(AuditEvent.action).where(AuditEvent.action.like("register.%")))]
    p = rec["person"]
    assert p["status"] == "anonymised" and p["full_name"] == retention.ANONYMISED_NAME
    assert p["id_number"] is None and p["birth_date"] is None and p["birth_year"] == 2012 and p["sex"] is None
    assert rec["relations"] == [] and [c["id"] for c in rec["cases"]] == [old.id]
    assert summary.get("child_name") is None
    assert kept["person"]["status"] == "active"
    assert _ids(engine, X01, "Do Thi Lan") == []
    assert actions.count("register.anonymise") == 1 and "register.anonymise_dry_run" in actions
    assert "register.retention_set" in actions
    assert service.anonymise_due(engine, "cli:admin", "P01", 5, dry_run=False)[1] == []   # idempotent
