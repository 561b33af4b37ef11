"""Sample, valid form data for every step: used by the tests, the Gherkin scenarios and demos."""

from __future__ import annotations

REPORT = {
    "channel": "self_report", "receiving_body": "UBND xã", "incident_commune": "X01", "person_name": "Lò Thị Hoa",
    "person_sex": "female", "person_age": 22, "nationality": "vn", "trafficked_abroad": True,
    "destination_country": "Trung Quốc", "trafficking_purposes": ["forced_labour"],
    "description": "Bị lừa sang biên giới làm việc, bị giữ giấy tờ, trốn thoát và tự về trình báo.",
    "person_consent": True,
}

ESCALATED = {"escalation_action": "Đã chỉ đạo cơ quan có trách nhiệm thực hiện ngay."}
SAMPLES: dict[str, dict] = {
    "police_handover": {"handover_record_number": "BB-01/CA"},
    "border_guard_handover": {"handover_record_number": "BB-07/BP"},
    "receive_person": {"received_by": "Hà Thị Xuân", "urgent_needs_given": True,
                       "reception_notes": "Đã cho ăn, nghỉ; đã báo Sở Y tế."},
    "initial_verification": {"verification_outcome": "needs_identification",
                             "verification_findings": "Lời khai phù hợp; chưa có giấy tờ xác nhận."},
    "police_identification": {"identification_result": "victim", "certificate_number": "XN-123/CAT",
                              "identification_notes": "Đủ căn cứ xác định là nạn nhân."},
    "not_victim_closure": {"not_victim_grounds": "Không có dấu hiệu bị mua bán.", "travel_home_support": True},
    "child_protection_referral": {"cp_referral_notes": "Chuyển cán bộ bảo vệ trẻ em theo dõi."},
    "assess_needs": {"support_measures": ["essential_needs", "health", "psychological", "legal_aid",
                                          "education_vocational", "initial_allowance"],
                     "needs_notes": "Cần nơi ở tạm, khám sức khỏe, tư vấn tâm lý, học nghề."},
    "provide_essential_needs": {"shelter_place": "Cơ sở trợ giúp xã hội tỉnh", "essential_items": "Ăn, mặc, vệ sinh."},
    "provide_health_support": {"health_checkup_done": True, "health_notes": "Đã khám tổng quát."},
    "provide_psychological_support": {"psych_sessions": 3, "psych_notes": "Tư vấn tâm lý 3 buổi."},
    "provide_legal_aid": {"legal_aid_form": "advice", "legal_aid_notes": "Tư vấn quyền của nạn nhân."},
    "accept_handover": {"assigned_officer": "Nông Văn Thái"},
    "provide_education_vocational": {"education_support": "vocational", "education_notes": "Học nghề may."},
    "grant_initial_allowance": {"allowance_decision_number": "QĐ-15/UBND", "allowance_amount": 1_500_000},
    "follow_up_visit": {"visit_date": "2026-12-20", "reintegration_status": "stable",
                        "follow_up_notes": "Ổn định, đã có việc làm.", "follow_up_outcome": "close"},
    "close_case": {"closure_outcome": "reintegrated", "closure_notes": "Đã tái hòa nhập cộng đồng."},
}
for _task in ("escalate_handover_overdue", "escalate_notification_overdue", "escalate_verification_overdue",
              "escalate_identification_overdue", "escalate_child_referral_overdue", "escalate_decision_overdue",
              "escalate_support_overdue", "escalate_residence_overdue", "escalate_reintegration_overdue",
              "escalate_allowance_overdue", "escalate_follow_up_overdue"):
    SAMPLES[_task] = ESCALATED

# who does each step in the demo province (commune X01 unless the case moved)
DOERS = {
    "border_guard_handover": "bienphong.tinh", "police_handover": "congan.{c}", "receive_person": "vhxh.{c}",
    "initial_verification": "soyte.tinh", "police_identification": "congan.tinh", "not_victim_closure": "soyte.tinh",
    "child_protection_referral": "canbo.{c}", "assess_needs": "soyte.tinh",
    "provide_essential_needs": "trogiupxh.tinh", "provide_health_support": "yte.{c}",
    "provide_psychological_support": "ctxh.tinh", "provide_legal_aid": "trogiup.tinh", "accept_handover": "vhxh.{c}",
    "provide_education_vocational": "vhxh.{c}", "grant_initial_allowance": "chutich.{c}",
    "follow_up_visit": "vhxh.{c}", "close_case": "chutich.{c}",
}
