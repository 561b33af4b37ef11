"""The register through the web app and the CLI: the match-confirm step after intake, the child's page and
its writes, scoping (another commune finds nothing and gets 404), audit rows of every view, consents, the
export for a lawful request, and ``bvte register anonymise``."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.models import AuditEvent
from engine.register import person_of_case
from tests.support.samples import REPORT
from webui import create_app
from workflows.child_protection.process import open_case
from workflows.seed import DEMO_PASSWORD


@pytest.fixture
def app(engine):
    return create_app({"SECRET_KEY": "test-key", "DATABASE_URL": engine.db.url, "TESTING": True}, engine=engine)


def _client(app, username):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                       "csrf_token": client.csrf}).status_code == 302
    return client


def _actions(engine, prefix="register."):
    with engine.db.read() as s:
        return [(a, actor, d) for a, actor, d in s.execute(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.detail)
            .where(AuditEvent.action.like(prefix + "%")).order_by(AuditEvent.id))]


def _intake(client, **fields):
    page = client.get("/intake/child_protection").get_data(as_text=True)
    key = re.search(r'name="intake_key" value="([^"]+)"', page).group(1)
    data = {"csrf_token": client.csrf, "intake_key": key, "channel": "walk_in", "case_category": "abused",
            "urgency": "non_emergency", "incident_commune": "X01", "child_sex": "male",
            "description": "Trẻ bị đánh.", "reporter_anonymous": "on", **fields}
    return client.post("/intake/child_protection", data=data)


def test_intake_leads_the_officer_to_confirm_or_create(app, engine):
    officer = _client(app, "canbo.x01")
    res = _intake(officer, child_name="Nguyễn Văn A", child_birth_date="2015-03-02",
                  special_circumstance_group="i")
    assert res.status_code == 302 and "/register/match/" in res.headers["Location"]
    case_id = res.headers["Location"].rsplit("/", 1)[1]
    page = officer.get(res.headers["Location"]).get_data(as_text=True)
    assert "Không có hồ sơ nào trong sổ khớp" in page
    with engine.db.read() as s:
        assert person_of_case(s, case_id) is None   # nothing before the decision
    done = officer.post(res.headers["Location"], data={"csrf_token": officer.csrf, "person_id": "new"})
    assert done.status_code == 303
    person_id = done.headers["Location"].rsplit("/", 1)[1]
    child = officer.get(f"/register/{person_id}").get_data(as_text=True)
    assert "Nguyễn Văn A" in child and "Bị tổn hại nghiêm trọng" in child

    # a second report on the same child, without diacritics and with an estimated age: proposed, not merged
    again = _intake(officer, child_name="Nguyen Van A", child_age="11")
    second = again.headers["Location"].rsplit("/", 1)[1]
    page = officer.get(again.headers["Location"]).get_data(as_text=True)
    assert person_id in page and "cùng họ tên (không dấu)" in page
    with engine.db.read() as s:
        assert person_of_case(s, second) is None
    assert officer.post(again.headers["Location"], data={"csrf_token": officer.csrf,
                                                         "person_id": "not-a-candidate"}).status_code == 404
    officer.post(again.headers["Location"], data={"csrf_token": officer.csrf, "person_id": person_id})
    with engine.db.read() as s:
        assert person_of_case(s, second) == person_id
    child = officer.get(f"/register/{person_id}").get_data(as_text=True)
    assert child.count("X01-") >= 2   # both cases listed

    acts = [a for a, _, _ in _actions(engine)]
    assert acts.count("register.match_view") == 2 and "register.create" in acts and "register.link" in acts
    assert acts.count("register.view") == 2


def test_search_and_scoping(app, engine, as_user):
    officer = _client(app, "canbo.x01")
    case = open_case(engine, dict(REPORT, child_name="Trần Thị Bích Ngọc"), as_user("tongdai111"))
    officer.post(f"/register/match/{case.id}", data={"csrf_token": officer.csrf, "person_id": "new"})
    with engine.db.read() as s:
        person_id = person_of_case(s, case.id)
    for q in ("Tran Thi Bich Ngoc", "Trần Thị Bích Ngoc", "tran thi bich ngocc", case.reference):
        assert person_id in officer.get("/register", query_string={"q": q}).get_data(as_text=True), q
    other = _client(app, "canbo.x02")
    assert person_id not in other.get("/register", query_string={"q": "Tran Thi Bich Ngoc"}).get_data(as_text=True)
    assert other.get(f"/register/{person_id}").status_code == 404
    assert other.get(f"/register/match/{case.id}").status_code == 404
    assert _client(app, "truonghoc.x01").get("/register").status_code == 403
    province = _client(app, "soyte.tinh")
    assert person_id in province.get("/register", query_string={"q": "tran ngoc"}).get_data(as_text=True)
    assert province.get(f"/register/{person_id}").status_code == 200
    assert province.post(f"/register/{person_id}/caregivers", data={"csrf_token": province.csrf,
                                                                     "caregiver_name": "X", "relationship": "mother"}
                         ).status_code == 403
    rows = _actions(engine)
    searches = [(actor, d) for a, actor, d in rows if a == "register.search"]
    assert ("canbo.x02", 0) in [(actor, d["shown"]) for actor, d in searches]
    assert [d["person"] for a, actor, d in rows if a == "register.view_denied"] == [person_id]
    assert any(a == "register.match_denied" for a, _, _ in rows)


def test_caregivers_groups_consents_and_export(app, engine, as_user):
    officer = _client(app, "canbo.x01")
    case = open_case(engine, dict(REPORT, child_name="Lò Văn Páo"), as_user("tongdai111"))
    done = officer.post(f"/register/match/{case.id}", data={"csrf_token": officer.csrf, "person_id": "new"})
    pid = done.headers["Location"].rsplit("/", 1)[1]
    post = lambda path, **data: officer.post(f"/register/{pid}{path}", data={"csrf_token": officer.csrf, **data})  # noqa: E731
    assert post("/caregivers", caregiver_name="Lò Thị Mẩy", relationship="grandparent", phone="0912000111"
                ).status_code == 303
    assert post("/periods/group", code="d", start_date="2026-01-05", basis="Giấy xác nhận khuyết tật số 12"
                ).status_code == 303
    assert post("/periods/risk", code="left_behind", start_date="2026-02-01", basis="Rà soát của xã").status_code == 303
    assert post("/consents", recipient="Trường PTDTBT THCS", purpose="Hỗ trợ học tập", data_scope="Họ tên, lớp",
                given_by="Lò Thị Mẩy (bà nội, người giám hộ)", given_on="2026-11-20").status_code == 303
    assert post("/edit", full_name="Lò Văn Páo", sex="male", birth_year="2014", id_number="001215000123"
                ).status_code == 422   # the number's year says 2015
    assert post("/edit", full_name="Lò Văn Páo", sex="male", birth_year="2015", id_number="001215000123",
                residence_commune="X01", residence_hamlet="Bản Nậm Xe").status_code == 303
    page = officer.get(f"/register/{pid}").get_data(as_text=True)
    for text in ("Lò Thị Mẩy", "Khuyết tật", "Cha mẹ đi làm ăn xa", "Trường PTDTBT THCS", "Bản Nậm Xe", "001215000123"):
        assert text in page, text
    assert pid in officer.get("/register", query_string={"q": "Lo Thi May"}).get_data(as_text=True)
    assert pid in officer.get("/register", query_string={"q": "001215000123"}).get_data(as_text=True)
    assert post("/export", requester="x", basis="").status_code == 303   # no requester, no basis: refused
    res = post("/export", requester="Công an tỉnh", basis="Công văn 12/CV-CAT ngày 20/11/2026 (Điều 19.1)")
    assert res.status_code == 200 and res.mimetype == "application/json"
    body = json.loads(res.get_data(as_text=True))
    assert body["person"]["full_name"] == "Lò Văn Páo" and body["relations"][0]["full_name"] == "Lò Thị Mẩy"
    assert {p["code"] for p in body["periods"]} == {"d", "left_behind"} and len(body["consents"]) == 1
    refs = [c["reference"] for c in body["cases"]]   # and the group's periodic follow-up the page started (#21.3)
    assert refs[0] == case.reference and len(refs) == 2 and refs[1].startswith("TD-")
    consent = body["consents"][0]["id"]
    assert post(f"/consents/{consent}/withdraw").status_code == 303
    exported = [d for a, _, d in _actions(engine) if a == "register.export"]
    assert exported == [{"person": pid, "requester": "Công an tỉnh",
                         "basis": "Công văn 12/CV-CAT ngày 20/11/2026 (Điều 19.1)", "cases": refs}]
    acts = {a for a, _, _ in _actions(engine)}
    assert {"register.relation_add", "register.period_add", "register.consent_add", "register.consent_withdraw",
            "register.update"} <= acts


def test_cli_retention_anonymise_and_export(engine, monkeypatch, as_user, tmp_path):
    import webui.cli as cli
    from webui.cli import main

    monkeypatch.setattr(cli, "make_engine", lambda clock=None: engine)
    runner = CliRunner()
    res = runner.invoke(main, ["register", "retention", "--province", "P01"])
    assert res.exit_code == 0 and "5 years" in res.output
    assert runner.invoke(main, ["register", "retention", "--province", "P01", "--years", "7"]).exit_code == 0
    res = runner.invoke(main, ["register", "anonymise", "--province", "P01", "--dry-run"])
    assert res.exit_code == 0 and "0 record(s) due (dry run" in res.output and "retention 7 years" in res.output
    case = open_case(engine, dict(REPORT, child_name="Mai Anh Thư"), as_user("tongdai111"))
    from engine.register import service
    from workflows.child_protection.register import from_case

    pid = service.decide(engine, "canbo.x01", case, from_case(REPORT, case.reference, case.received_at), None)
    out = tmp_path / "record.json"
    res = runner.invoke(main, ["register", "export", pid, "--requester", "Tòa án nhân dân khu vực",
                               "--basis", "Quyết định 3/QĐ-TA", "--out", str(out)])
    assert res.exit_code == 0 and json.loads(out.read_text())["person"]["id"] == pid
    acts = [a for a, _, _ in _actions(engine)]
    assert {"register.retention_set", "register.anonymise_dry_run", "register.export"} <= set(acts)


def test_case_list_search(app, engine, as_user):
    officer = _client(app, "canbo.x01")
    case = open_case(engine, dict(REPORT, child_name="Đặng Minh Khôi"), as_user("tongdai111"))
    officer.post(f"/register/match/{case.id}", data={"csrf_token": officer.csrf, "person_id": "new"})
    other = open_case(engine, dict(REPORT, child_name="Hồ Thị Nga"), as_user("tongdai111"))
    found = officer.get("/cases", query_string={"q": "dang minh khoi"}).get_data(as_text=True)
    assert case.reference in found and other.reference not in found
    assert other.reference in officer.get("/cases", query_string={"q": other.reference}).get_data(as_text=True)
    assert case.reference not in _client(app, "canbo.x02").get(
        "/cases", query_string={"q": "dang minh khoi"}).get_data(as_text=True)
    assert ("cases.search", "canbo.x01") in [(a, actor) for a, actor, _ in _actions(engine, "cases.")]
