"""The register of children (workflows/child_protection/register.py): the 12-digit identification number,
a report's proposal, and matching held-out style: repeated reports of the same children with typos,
missing diacritics, an estimated age instead of a birth date and a commune that was merged, decided by an
officer who confirms the best proposal, end with one record per child; nothing is linked without the
officer; the search then finds each child from its undiacritised name."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlalchemy import select

from engine.errors import InvalidTaskData
from engine.models import Commune
from engine.register import person_of_case
from engine.register import service
from engine.register.models import Person
from engine.register.models import PersonPeriod
from engine.register.queries import Scope
from engine.register.search import search
from tests.support.samples import REPORT
from workflows.child_protection.process import open_case
from workflows.child_protection.register import ChildRegister
from workflows.child_protection.register import check_id_number
from workflows.child_protection.register import person_fields

REGISTER = ChildRegister()

# (child key, what the report says): the same child reported again differently
REPORTS = [
    ("an", {"child_name": "Nguyễn Văn An", "child_sex": "male", "child_birth_date": "2015-04-02"}),
    ("an", {"child_name": "Nguyen Van An", "child_sex": "male", "child_birth_date": "2015-04-02"}),
    ("an", {"child_name": "Nguyễn Văn Ann", "child_sex": "male", "child_age": 11}),
    ("an2", {"child_name": "Nguyễn Văn An", "child_sex": "male", "child_birth_date": "2019-09-09"}),   # namesake
    ("linh", {"child_name": "Trần Thị Thùy Linh", "child_sex": "female", "child_birth_date": "2013-01-20",
              "residence_commune": "X09"}),   # the old code of a merged commune
    ("linh", {"child_name": "Tran Thi Thuy Linh", "child_sex": "female", "child_age": 13, "residence_commune": "X01"}),
    ("linh", {"child_name": "Trần Thùy Linh", "child_sex": "female", "child_birth_date": "2013-01-20"}),
    ("hung", {"child_name": "Lê Quốc Hùng", "child_sex": "male", "child_age": 8, "special_circumstance_group": "i"}),
    ("hung", {"child_name": "Le Quoc Hung", "child_sex": "male", "child_age": 8, "special_circumstance_group": "i"}),
    ("mai", {"child_name": "Lê Thị Mai", "child_sex": "female", "child_age": 8}),
    ("hung", {"child_name": "Lê Quốc Hưng", "child_sex": "male", "child_age": 9}),
]


def test_identification_number_rules():
    assert check_id_number("001215000123") is None
    assert check_id_number("001215000123", sex="male", birth_year=2015) is None
    assert check_id_number("001315000123", sex="female", birth_year=2015) is None
    assert "12" in check_id_number("00121500012")
    assert check_id_number("099215000123")            # no province 099
    assert check_id_number("001215000123", sex="female")
    assert check_id_number("001215000123", birth_year=2016)
    assert check_id_number("001715000123")             # century digit 7
    with pytest.raises(InvalidTaskData) as exc:
        person_fields({"full_name": "Bé", "sex": "male", "birth_date": "2015-01-01", "id_number": "001315000123"})
    assert set(exc.value.fields) == {"id_number"}
    f = person_fields({"full_name": " Lò  Văn Páo ", "sex": "male", "birth_year": 2014, "other_names": "Páo, Pao"})
    assert f.birth_estimated and f.birth_year == 2014 and f.other_names == ["Páo", "Pao"]


def test_a_report_proposes_a_record():
    p = REGISTER.proposal(dict(REPORT, child_age=9, special_circumstance_group="l"), "X01-1",
                          dt.datetime(2026, 11, 20, 3, tzinfo=dt.timezone.utc))
    assert p.fields.full_name == "Nguyễn Thị Bé" and p.fields.birth_year == 2017 and p.fields.birth_estimated
    assert p.fields.residence_commune_code == "X01"
    assert p.periods == [("group", "l", dt.date(2026, 11, 20), "Báo cáo tiếp nhận thông tin (Mẫu 01) hồ sơ X01-1")]


def test_held_out_reports_make_one_record_per_child(engine, as_user):
    with engine.db.write() as s:
        s.add(Commune(code="X09", name="Xã cũ (đã sáp nhập)", province_code="P01", active=False, merged_into="X01"))
    officer_scope = Scope("P01", frozenset({"X01", "X09"}))
    truth: dict[str, set[str]] = {}
    for child, fields in REPORTS:
        report = {**REPORT, "child_age": None, **fields}
        case = open_case(engine, report, as_user("tongdai111"))
        with engine.db.read() as s:
            assert person_of_case(s, case.id) is None   # nothing is linked before the officer decides
        _proposal, scored, linked = service.proposals(engine, officer_scope, case, REGISTER)
        assert linked is None
        best = scored[0] if scored and scored[0][1] >= 70 else None   # the officer confirms a strong proposal
        person = service.decide(engine, "canbo.x01", case, _proposal, best[0].id if best else None)
        truth.setdefault(child, set()).add(person)
    assert all(len(ids) == 1 for ids in truth.values()), truth
    assert len({next(iter(v)) for v in truth.values()}) == len(truth)
    with engine.db.read() as s:
        assert s.execute(select(func.count()).select_from(Person)).scalar() == len(truth)
        groups = s.execute(select(PersonPeriod.code).where(PersonPeriod.person_id == next(iter(truth["hung"])))).all()
        assert groups == [("i",)]   # named by two reports, recorded once
        for child, ids in truth.items():
            person = s.get(Person, next(iter(ids)))
            found = [h.person.id for h in search(s, officer_scope, person.name_folded.title())]
            assert person.id in found, child


def test_a_different_identifier_is_never_the_same_child(engine, as_user):
    case = open_case(engine, dict(REPORT, child_name="Phan Thị Hoa"), as_user("tongdai111"))
    proposal = REGISTER.proposal(engine.case_data(case.id), case.reference, case.received_at)
    proposal.fields.id_number = "001317000001"
    person = service.decide(engine, "canbo.x01", case, proposal, None)
    with engine.db.read() as s:
        record = s.get(Person, person)
    other = REGISTER.proposal(engine.case_data(case.id), case.reference, case.received_at).fields
    other.id_number = "001317000002"
    assert REGISTER.score(record, other, lambda a, b: a == b)[0] == 0
    other.id_number = "001317000001"
    assert REGISTER.score(record, other, lambda a, b: a == b)[0] == 100
