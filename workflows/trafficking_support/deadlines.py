"""Every time limit of the trafficking-victim support procedure, with its start event and legal basis.

Luật Phòng, chống mua bán người số 53/2024/QH15 (hiệu lực 01/07/2025), Điều 27 as amended in 2025 (the
commune notifies the *provincial* health body, which verifies with the *provincial* police: the district
level was abolished on 01/07/2025), and Nghị định 162/2025/NĐ-CP (29/06/2025). Sources: ``LAW.md``.

The law sets one day count of its own in this procedure: initial verification within 03 days (Điều 27
khoản 2). Where it says only "ngay" (immediately), or is silent, the limit is a provincial setting
("cấu hình tỉnh", ``provincial=True`` in ``LIMITS``): the default below, overridable per deployment with
``BVTE_TS_LIMITS='{"police_identification": [10, "days"]}'``. Statutory limits cannot be overridden.
BPMN timers call ``due("rule")``; ``<task>_completed_at`` is stamped by the engine when a task is done.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from engine.workdays import DeadlineRule

COMMITTEE = "lane_provincial_committee"
HEALTH_DEPT = "lane_provincial_health"
CHAIRMAN = "lane_commune_chairman"
PROVINCIAL = "cấu hình tỉnh"


@dataclass(frozen=True)
class Limit:
    name: str
    amount: int
    unit: str
    start_field: str
    label_vi: str
    label_en: str
    legal_basis: str
    escalate_to: str
    provincial: bool   # True: the law sets no count (or says "ngay"); the amount is the province's setting


LIMITS = [
    Limit("handover_to_commune", 24, "hours", "received_at",
          "Đưa ngay người trình báo đến UBND xã nơi cơ quan tiếp nhận có trụ sở",
          "Take the person to the commune People's Committee at once",
          f"Luật PCMBN 2024 Điều 27 khoản 1 (\"đưa ngay\"; 24 giờ: {PROVINCIAL})", COMMITTEE, True),
    Limit("commune_notification", 24, "hours", "commune_received_at",
          "UBND xã tiếp nhận, hỗ trợ cần thiết và thông báo ngay cho cơ quan chuyên môn về y tế cấp tỉnh",
          "The commune receives, gives urgent support and notifies the provincial health body at once",
          f"Luật PCMBN 2024 Điều 27 khoản 1, sửa đổi 2025 (\"thông báo ngay\"; 24 giờ: {PROVINCIAL})", CHAIRMAN, True),
    Limit("initial_verification", 3, "days", "province_notified_at",
          "Chậm nhất 03 ngày: cơ quan chuyên môn về y tế cấp tỉnh chủ trì, phối hợp Công an tỉnh xác minh thông tin "
          "ban đầu", "Within 3 days the provincial health body and provincial police verify the initial information",
          "Luật PCMBN 2024 Điều 27 khoản 2, sửa đổi 2025", COMMITTEE, False),
    Limit("police_identification", 15, "days", "initial_verification_completed_at",
          "Công an tỉnh xác minh, xác định nạn nhân và cấp giấy tờ xác nhận nạn nhân",
          "Provincial police identify the victim and issue the document confirming it",
          f"Luật PCMBN 2024 Điều 27 khoản 2, Điều 33 (thời hạn: {PROVINCIAL})", COMMITTEE, True),
    Limit("child_protection_referral", 24, "hours", "victim_identified_at",
          "Nạn nhân dưới 16 tuổi: mở hoặc liên kết hồ sơ bảo vệ trẻ em",
          "A victim under 16: open or link a child-protection case",
          f"Luật Trẻ em 2016 Điều 10.1.m, Điều 47; NĐ 56/2017 Điều 23 (24 giờ: {PROVINCIAL})", CHAIRMAN, True),
    Limit("support_decision", 3, "working_days", "victim_identified_at",
          "Quyết định các chế độ hỗ trợ nạn nhân", "Decide the support measures for the victim",
          f"Luật PCMBN 2024 Điều 37; NĐ 162/2025/NĐ-CP (thời hạn: {PROVINCIAL})", COMMITTEE, True),
    Limit("support_essential_needs", 24, "hours", "support_decided_at",
          "Hỗ trợ nhu cầu thiết yếu (nơi ở tạm thời, ăn, mặc, vệ sinh cá nhân)", "Essential needs",
          f"Luật PCMBN 2024 Điều 37 khoản 1 điểm a (thời hạn: {PROVINCIAL})", HEALTH_DEPT, True),
    Limit("support_health", 2, "working_days", "support_decided_at",
          "Hỗ trợ y tế (khám sức khỏe, sơ cứu, cấp cứu, BHYT năm đầu)", "Health support",
          f"Luật PCMBN 2024 Điều 37 khoản 1 điểm b (thời hạn: {PROVINCIAL})", HEALTH_DEPT, True),
    Limit("support_psychological", 5, "working_days", "support_decided_at",
          "Hỗ trợ tâm lý", "Psychological support",
          f"Luật PCMBN 2024 Điều 37 khoản 1 điểm g (thời hạn: {PROVINCIAL})", HEALTH_DEPT, True),
    Limit("support_legal_aid", 5, "working_days", "support_decided_at",
          "Hỗ trợ pháp luật, trợ giúp pháp lý", "Legal support and legal aid",
          f"Luật PCMBN 2024 Điều 37 khoản 1 điểm d, đ (thời hạn: {PROVINCIAL})", HEALTH_DEPT, True),
    Limit("handover_residence", 3, "working_days", "transferred_at",
          "Xã nơi cư trú tiếp nhận nạn nhân được đưa về", "The commune of residence takes over the victim",
          f"Luật PCMBN 2024 Điều 30, Điều 37 khoản 1 điểm e (thời hạn: {PROVINCIAL})", HEALTH_DEPT, True),
    Limit("support_education_vocational", 10, "working_days", "reintegration_started_at",
          "Hỗ trợ học văn hóa, học nghề, tư vấn việc làm", "Schooling, vocational training, job counselling",
          f"Luật PCMBN 2024 Điều 37 khoản 1 điểm h, i; NĐ 162/2025 Điều 24 (thời hạn: {PROVINCIAL})", CHAIRMAN, True),
    Limit("initial_allowance", 10, "working_days", "reintegration_started_at",
          "Trợ cấp khó khăn ban đầu", "Initial hardship allowance",
          f"Luật PCMBN 2024 Điều 37 khoản 1 điểm k; NĐ 162/2025 Điều 24 (thời hạn: {PROVINCIAL})", HEALTH_DEPT, True),
    Limit("follow_up", 30, "days", "reintegration_started_at",
          "Theo dõi, hỗ trợ tái hòa nhập cộng đồng", "Follow up the victim's reintegration",
          f"Luật PCMBN 2024 Chương V, Điều 37 (thời hạn: {PROVINCIAL})", CHAIRMAN, True),
]


def _overrides() -> dict[str, tuple[int, str]]:
    raw = os.environ.get("BVTE_TS_LIMITS")
    if not raw:
        return {}
    found = json.loads(raw)
    return {name: (int(v[0]), str(v[1])) for name, v in found.items()}


def build_rules(overrides: dict[str, tuple[int, str]] | None = None) -> dict[str, DeadlineRule]:
    """The rules, with a province's settings applied to the limits the law leaves to it."""
    overrides = _overrides() if overrides is None else overrides
    unknown = set(overrides) - {lim.name for lim in LIMITS}
    statutory = {lim.name for lim in LIMITS if not lim.provincial} & set(overrides)
    if unknown or statutory:
        raise ValueError(f"BVTE_TS_LIMITS: unknown {sorted(unknown)}, statutory (not a setting) {sorted(statutory)}")
    rules = {}
    for lim in LIMITS:
        amount, unit = overrides.get(lim.name, (lim.amount, lim.unit))
        rules[lim.name] = DeadlineRule(lim.name, amount, unit, lim.start_field, lim.label_vi, lim.label_en,
                                       lim.legal_basis, escalate_to=lim.escalate_to)
    return rules


DEADLINES = build_rules()
PROVINCIAL_SETTINGS = sorted(lim.name for lim in LIMITS if lim.provincial)

# Which user task is due when (the due instant in inboxes, on-time steps in the timeline).
TASK_DEADLINES = {
    "police_handover": "handover_to_commune",
    "border_guard_handover": "handover_to_commune",
    "receive_person": "commune_notification",
    "initial_verification": "initial_verification",
    "police_identification": "police_identification",
    "child_protection_referral": "child_protection_referral",
    "assess_needs": "support_decision",
    "provide_essential_needs": "support_essential_needs",
    "provide_health_support": "support_health",
    "provide_psychological_support": "support_psychological",
    "provide_legal_aid": "support_legal_aid",
    "accept_handover": "handover_residence",
    "provide_education_vocational": "support_education_vocational",
    "grant_initial_allowance": "initial_allowance",
    "follow_up_visit": "follow_up",
}

# Statutory guard: the 03-day verification timer must stay on the verification step in every version.
REQUIRED_TIMERS = {"initial_verification": "initial_verification"}
