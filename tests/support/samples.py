"""Sample, valid form data for every task: used by tests, the Gherkin features and the benchmarks."""

from __future__ import annotations

from engine.models import OpenTask
from engine.runtime import Actor
from engine.runtime import Engine
from workflows.child_protection.deadlines import REFERRAL_CODES

REPORT = {
    "channel": "hotline_111", "case_category": "abused", "urgency": "emergency", "incident_commune": "X01",
    "child_name": "Nguyễn Thị Bé", "child_sex": "female", "child_age": 9,
    "description": "Hàng xóm báo trẻ bị cha dượng đánh nhiều lần, có vết bầm.",
    "abuse_forms": ["violence"], "reporter_name": "Trần Văn Báo", "reporter_phone": "0900000000",
    "reporter_consent": True,
}

LOW = {"harm_severity": "low", "abuser_access": "low", "care_obstacles": "low", "self_protection": "high",
       "serious_harm": False, "caregiver_is_abuser": False, "risk_conclusion": "low", "assessment_notes": "Nguy cơ thấp."}
HIGH = {"harm_severity": "high", "abuser_access": "high", "care_obstacles": "high", "self_protection": "low",
        "serious_harm": True, "caregiver_is_abuser": True, "risk_conclusion": "high", "assessment_notes": "Tổn hại nghiêm trọng, người chăm sóc gây hại."}

# the consent to share the child's data with the referral agencies of a plan (Luật BVDLCN 2025 Điều 24.2)
CONSENT = {"child_data_sharing_basis": "consent_child_and_representative",
           "child_data_consent_by": "Trẻ và mẹ là người đại diện theo pháp luật", "child_data_consent_on": "2026-11-25"}
SAMPLES: dict[str, dict] = {
    "initial_assessment": LOW,
    "emergency_decision": {"emergency_measures": ["stop_harm", "safe_place"], "separation_ordered": False,
                           "decision_notes": "Áp dụng biện pháp khẩn cấp."},
    "emergency_intervention": {"actions_taken": "Công an xã có mặt, đưa trẻ đến trạm y tế.", "police_involved": True,
                               "health_involved": True, "evidence_preserved": True, "child_safe_now": True},
    "specific_assessment": {"physical_state": "Vết bầm ở tay.", "psychological_state": "Sợ hãi.",
                            "family_assessment": "Mẹ đi làm xa.", "needs_meeting_date": "2026-11-24",
                            "needs_meeting_participants": "Cán bộ, trưởng thôn, bà ngoại.", "needs": ["medical"]},
    "draft_plan": {"plan_objectives": "Trẻ an toàn.", "plan_measures": "Khám sức khỏe; tư vấn tâm lý.", **CONSENT},
    "revise_plan": {"revision_notes": "Bổ sung tư vấn.", "plan_objectives": "Trẻ an toàn.",
                    "plan_measures": "Khám; tư vấn.", **CONSENT},
    "approve_plan": {"approval_decision": "approve", "approval_notes": "Đồng ý."},
    "accept_transfer": {"assigned_officer": "Đỗ Thị Ngọc"},
    "review_visit": {"visit_date": "2026-12-10", "harm_still_serious": "low", "abuser_access": "low",
                     "care_obstacles": "low", "recovery_capacity": "high", "review_notes": "Ổn định.",
                     "review_outcome": "close"},
    "close_case": {"closure_decision": "close", "closure_outcome": "safe_stable", "closure_notes": "Trẻ an toàn, ổn định."},
    "arrange_alternative_care": {"shelter_place": "Nhà bà ngoại", "alternative_carer": "Bà ngoại"},
    "separation_review": {"separation_action": "revoke", "separation_review_notes": "Gia đình đã an toàn."},
    "record_extension": {"extension_authority": "Tòa án", "extension_decision": "12/QĐ-TA ngày 04/12/2026",
                         "extension_until": "2026-12-31", "extension_reason": "Điều tra."},
    "police_crime_report": {"crime_report_handling": "accepted", "crime_report_received_on": "2026-11-21",
                            "crime_report_number": "01/BB-CAX"},
    "police_crime_result": {"crime_report_result": "prosecuted", "crime_report_result_on": "2026-12-05",
                            "crime_report_decision": "05/QĐ-CQĐT"},
    "police_crime_overdue": {"crime_report_extension": "extended", "crime_report_extended_until": "2027-02-05",
                             "escalation_action": "Viện kiểm sát gia hạn."},
    "end_extended_separation": {"separation_end_notes": "Hết thời gian gia hạn."},
}
# the new-danger steps (bpmn/new_danger_response.bpmn) use the forms of the first ones
SAMPLES["danger_assessment"] = SAMPLES["initial_assessment"]
SAMPLES["danger_decision"] = SAMPLES["emergency_decision"]
SAMPLES["danger_intervention"] = SAMPLES["emergency_intervention"]
# the immediate incident report (bpmn/incident_report.bpmn, #21.4) and its escalation
SAMPLES["report_incident"] = {"phoned_at": "2026-11-20T22:30:00+07:00", "phoned_to": "Chi cục Dân số – Xã hội",
                              "written_report_number": "12/BC-UBND", "written_report_date": "2026-11-21"}
SAMPLES["escalate_incident_report"] = {"escalation_action": "Đã chỉ đạo gửi ngay báo cáo đột xuất."}
for _code in REFERRAL_CODES:
    SAMPLES[f"{_code}_acknowledge"] = {"contact_person": "Cán bộ đầu mối", "planned_action": "Hỗ trợ theo kế hoạch."}
    SAMPLES[f"{_code}_report_outcome"] = {"service_outcome": "provided", "service_notes": "Đã hỗ trợ."}
    SAMPLES[f"{_code}_escalate_ack"] = {"escalation_action": "Đã đôn đốc."}
for _t in ("escalate_response_overdue", "escalate_response_police", "escalate_plan_overdue",
           "escalate_separation_limit", "escalate_extension_end", "escalate_care_overdue", "escalate_care_police",
           *(f"{code}_escalate_ack_head" for code in REFERRAL_CODES)):
    SAMPLES[_t] = {"escalation_action": "Đã chỉ đạo xử lý ngay."}
for _t in ("escalate_response_province", "escalate_approval_overdue", "escalate_care_province",
           "escalate_separation_province"):
    SAMPLES[_t] = {"province_actions": ["guide", "urge"], "province_directive": "Đề nghị xã can thiệp ngay, báo cáo."}


def open_task(engine: Engine, case_id: str, task_name: str) -> OpenTask:
    tasks = [t for t in engine.open_tasks(case_id) if t.task_name == task_name]
    if not tasks:
        have = [t.task_name for t in engine.open_tasks(case_id)]
        raise AssertionError(f"no open task {task_name}; open: {have}")
    return tasks[0]


def complete(engine: Engine, case_id: str, task_name: str, actor: Actor, **overrides) -> None:
    data = dict(SAMPLES[task_name])
    data.update(overrides)
    engine.complete_task(open_task(engine, case_id, task_name).id, data, actor)


def actor_for(engine: Engine, username: str) -> Actor:
    """The Actor of a user, as the web layer would build it after login."""
    from sqlalchemy import select

    from engine.models import User

    with engine.db.read() as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return Actor(user.username, user.id, user.agency_id, user.role)
