"""Issue #16.7, confidentiality as the forms say: the reporter only for the agency that received the report,
the child's identity at a referral agency only as its task needs, and the consent (or the legal exception) for
sharing a child's data recorded on the plan, a referral without it refused naming the field."""

import pytest

from engine import lookups
from engine.errors import InvalidTaskData
from tests.support.samples import CONSENT
from tests.support.samples import LOW
from tests.support.samples import REPORT
from tests.support.samples import complete
from tests.support.samples import open_task
from workflows.child_protection import PROCEDURE
from workflows.child_protection.visibility import filter_for_case
from workflows.child_protection.visibility import task_identity
from workflows.procedure import CaseView

DATA = {"child_name": "Lê Thị Na", "child_birth_date": "2017-03-01", "child_sex": "female", "child_age": 9,
        "child_current_location": "Nhà tạm lánh Xuân Hòa", "residence_commune": "X01", "incident_commune": "X01",
        "reporter_name": "Trần Văn Báo", "reporter_phone": "0900000000", "description": "Bị đánh",
        "service_notes": "Đã khám"}


def test_the_hotline_sees_the_reporter_only_on_the_reports_it_received():
    own = filter_for_case(DATA, "hotline", CaseView(own_intake=True))
    other = filter_for_case(DATA, "hotline", CaseView(own_intake=False))
    assert own["reporter_name"] == "Trần Văn Báo" and own["reporter_phone"] == "0900000000"
    assert "reporter_name" not in other and "reporter_phone" not in other and other["description"] == "Bị đánh"
    # the commune officer receives every report of the commune; the chairman never had the reporter
    assert "reporter_name" in filter_for_case(DATA, "commune_officer", CaseView())
    assert "reporter_name" not in filter_for_case(DATA, "commune_chairman", CaseView(own_intake=True))


@pytest.mark.parametrize("role, tasks, shown, hidden", [
    ("school", {"education_acknowledge"}, {"child_name", "child_birth_date"}, {"child_current_location"}),
    ("legal_aid", {"legal_aid_report_outcome"}, {"child_name", "residence_commune"}, {"child_current_location"}),
    ("health_station", {"health_acknowledge"}, {"child_name", "child_current_location"}, set()),
    ("commune_police", {"police_crime_report"}, {"child_name", "child_current_location"}, set()),
    ("social_work_centre", {"social_work_acknowledge"}, {"child_name", "child_current_location"}, set()),
    # the line management urged about an overdue acknowledgement: it urges its unit, it does not serve the child
    ("school", {"education_escalate_ack_head"}, {"child_sex", "child_age"},
     {"child_name", "child_birth_date", "child_current_location"}),
    # no task (emergency access): what its own kind of task would get
    ("school", set(), {"child_name"}, {"child_current_location"}),
])
def test_a_referral_agency_gets_the_identity_its_task_needs(role, tasks, shown, hidden):
    seen = filter_for_case(DATA, role, CaseView(tasks=frozenset(tasks), scope="partner"))
    assert shown <= set(seen), seen
    assert not hidden & set(seen), seen
    assert "reporter_name" not in seen


def test_every_referral_task_has_an_identity_rule():
    for code in ("police", "health", "education", "legal_aid", "social_work"):
        for step in ("acknowledge", "report_outcome"):
            assert task_identity(f"{code}_{step}") is not None
    assert task_identity("escalate_response_police") == task_identity("police_crime_report")
    assert task_identity("initial_assessment") is None


def test_the_procedure_filters_with_the_case_view():
    assert "child_current_location" not in PROCEDURE.filter_data(
        DATA, "school", CaseView(tasks=frozenset({"education_acknowledge"})))
    assert "reporter_name" not in PROCEDURE.filter_data(DATA, "hotline", CaseView())


def test_the_consent_fields_are_visible_to_the_commune_and_the_basis_to_the_referral_agencies():
    from workflows.child_protection.visibility import visible_fields

    assert {"child_data_sharing_basis", "child_data_consent_by", "child_data_consent_on"} <= \
        visible_fields("commune_officer")
    assert "child_data_sharing_basis" in visible_fields("school")
    assert "child_data_consent_by" not in visible_fields("school")


def _to_plan(engine, as_user, **report):
    case = lookups.find_case(engine, PROCEDURE.intake.open_case(engine, dict(REPORT, urgency="non_emergency",
                             abuse_forms=["neglect"], **report), as_user("tongdai111")).id)
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"), **LOW)
    complete(engine, case.id, "specific_assessment", as_user("canbo.x01"))
    return case


def _plan(**extra):
    return {"plan_objectives": "Trẻ an toàn.", "plan_measures": "Khám sức khỏe.", "refer_health": True, **extra}


@pytest.mark.parametrize("extra, field", [
    ({}, "child_data_sharing_basis"),
    ({"child_data_sharing_basis": "refused", "child_data_consent_by": "Mẹ"}, "child_data_sharing_basis"),
    # a child of 9 consents too: the representative alone is not enough (Luật BVDLCN 2025 Điều 24.2)
    ({"child_data_sharing_basis": "consent_representative", "child_data_consent_by": "Mẹ",
      "child_data_consent_on": "2026-11-25"}, "child_data_sharing_basis"),
    ({"child_data_sharing_basis": "consent_child_and_representative", "child_data_consent_on": "2026-11-25"},
     "child_data_consent_by"),
    ({"child_data_sharing_basis": "consent_child_and_representative", "child_data_consent_by": "Trẻ và mẹ"},
     "child_data_consent_on"),
])
def test_a_referral_of_a_child_of_7_or_more_without_consent_or_exception_is_refused(engine, as_user, extra, field):
    case = _to_plan(engine, as_user)
    task = open_task(engine, case.id, "draft_plan")
    with pytest.raises(InvalidTaskData) as exc:
        engine.complete_task(task.id, _plan(**extra), as_user("canbo.x01"))
    assert field in exc.value.fields, exc.value.fields
    assert open_task(engine, case.id, "draft_plan").id == task.id   # nothing was recorded


def test_a_referral_with_consent_or_an_exception_goes_on_and_is_recorded(engine, as_user):
    case = _to_plan(engine, as_user)
    complete(engine, case.id, "draft_plan", as_user("canbo.x01"), refer_health=True)
    data = engine.case_data(case.id)
    assert data["child_data_sharing_basis"] == CONSENT["child_data_sharing_basis"]
    assert data["child_data_consent_by"] == CONSENT["child_data_consent_by"]
    other = _to_plan(engine, as_user, child_name="Hà Văn Em")
    engine.complete_task(open_task(engine, other.id, "draft_plan").id, _plan(
        child_data_sharing_basis="exception_life_health", child_data_consent_by="Trẻ bị đe dọa tính mạng, mẹ vắng"),
        as_user("canbo.x01"))
    assert open_task(engine, other.id, "approve_plan") is not None


def test_the_representative_alone_consents_for_a_child_under_7_and_no_referral_needs_no_basis(engine, as_user):
    young = _to_plan(engine, as_user, child_age=5, child_name="Lò Thị Út")
    engine.complete_task(open_task(engine, young.id, "draft_plan").id, _plan(
        child_data_sharing_basis="consent_representative", child_data_consent_by="Bà ngoại (người giám hộ)",
        child_data_consent_on="2026-11-25"), as_user("canbo.x01"))
    plain = _to_plan(engine, as_user, child_name="Vi Văn Tư")
    engine.complete_task(open_task(engine, plain.id, "draft_plan").id,
                         {"plan_objectives": "Trẻ an toàn.", "plan_measures": "Thăm nhà."}, as_user("canbo.x01"))
    assert open_task(engine, young.id, "approve_plan") and open_task(engine, plain.id, "approve_plan")


def test_the_case_records_the_agency_that_received_the_report_and_it_follows_the_status(engine, as_user):
    hotline = as_user("tongdai111")
    case = lookups.find_case(engine, PROCEDURE.intake.open_case(engine, REPORT, hotline).id)
    assert case.intake_agency_id == hotline.agency_id
    from_commune = PROCEDURE.intake.open_case(engine, dict(REPORT, child_name="Hồ Văn Sáu"), as_user("canbo.x01"))
    assert lookups.find_case(engine, from_commune.id).intake_agency_id == as_user("canbo.x01").agency_id
    sent = lookups.reports_sent(engine, hotline.agency_id)
    assert [r["reference"] for r in sent] == [case.reference]
    assert sent[0]["status"] == "open" and sent[0]["steps"] and sent[0]["received_at"]
    assert not {"child_name", "description", "reporter_name", "data", "summary"} & set(sent[0])
