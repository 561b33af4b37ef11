"""Draw ``bpmn/trafficking_support.bpmn`` (first version, with diagram interchange) using ``tools/draw_bpmn.py``.

Run ``.venv/bin/python -m workflows.trafficking_support.draw``; from then on the .bpmn file is the source of
truth (policy staff edit it in the modeller). Lane ids are mapped in ``lanes.py``; element documentation
cites the article each step implements (see ``LAW.md``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROCESS_ID = "trafficking_support"

LANES = [
    ("lane_border_guard", "Bộ đội Biên phòng"),
    ("lane_commune_police", "Công an xã"),
    ("lane_commune_social_officer", "UBND xã: công chức văn hóa – xã hội (phòng, chống mua bán người)"),
    ("lane_commune_chairman", "Chủ tịch Ủy ban nhân dân xã"),
    ("lane_commune_officer", "Cán bộ làm công tác bảo vệ trẻ em cấp xã"),
    ("lane_provincial_health", "Sở Y tế (cơ quan chuyên môn về y tế cấp tỉnh)"),
    ("lane_provincial_police", "Công an tỉnh"),
    ("lane_social_assistance_facility", "Cơ sở trợ giúp xã hội, cơ sở hỗ trợ nạn nhân"),
    ("lane_health_station", "Trạm Y tế xã"),
    ("lane_social_work_centre", "Trung tâm Công tác xã hội"),
    ("lane_legal_aid", "Trung tâm Trợ giúp pháp lý nhà nước"),
    ("lane_provincial_committee", "UBND tỉnh (theo dõi, chỉ đạo phòng, chống mua bán người)"),
]

INIT = """try:
    reported_age
except NameError:
    reported_age = None
try:
    channel
except NameError:
    channel = "self_report"
"""
ARRIVE = """try:
    commune_received_at = border_guard_handover_completed_at
except NameError:
    try:
        commune_received_at = police_handover_completed_at
    except NameError:
        commune_received_at = received_at
"""
IDENTIFIED = """victim_identified_at = now_iso()
try:
    established_age = identified_age
except NameError:
    established_age = None
if established_age is None:
    established_age = reported_age
victim_under_16 = established_age is not None and established_age < 16
"""
DECIDED = """support_decided_at = assess_needs_completed_at
if residence_commune_confirmed:
    residence_commune = residence_commune_confirmed
"""
SUPPORT = [("essential_needs", "provide_essential_needs", "Hỗ trợ nhu cầu thiết yếu (nơi ở, ăn, mặc)",
            "lane_social_assistance_facility", "support_essential_needs", "Điều 37 khoản 1 điểm a"),
           ("health", "provide_health_support", "Hỗ trợ y tế", "lane_health_station", "support_health",
            "Điều 37 khoản 1 điểm b"),
           ("psychological", "provide_psychological_support", "Hỗ trợ tâm lý", "lane_social_work_centre",
            "support_psychological", "Điều 37 khoản 1 điểm g"),
           ("legal_aid", "provide_legal_aid", "Hỗ trợ pháp luật, trợ giúp pháp lý", "lane_legal_aid",
            "support_legal_aid", "Điều 37 khoản 1 điểm d, đ")]


def _tool() -> Any:
    path = os.path.join(ROOT, "tools", "draw_bpmn.py")
    spec = importlib.util.spec_from_file_location("bvte_draw_bpmn", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def process(tool: Any) -> Any:  # noqa: PLR0915  (one diagram, drawn top to bottom)
    p = tool.Process(PROCESS_ID, "Tiếp nhận, xác minh, hỗ trợ nạn nhân bị mua bán (Luật PCMBN 2024)", LANES,
                     doc="Luật Phòng, chống mua bán người 53/2024/QH15 (hiệu lực 01/07/2025), Điều 27 (sửa đổi 2025), "
                         "Điều 30, 33, 37; Nghị định 162/2025/NĐ-CP. Thời hạn và căn cứ: "
                         "workflows/trafficking_support/deadlines.py; thời hạn luật không quy định là cấu hình tỉnh.")
    bg, pol, so, ch, cp, sy, ps, fa, hs, sw, la, pc = (lane for lane, _ in LANES)
    n, b, f = p.n, p.b, p.f
    n("report_received", "startEvent", "Tiếp nhận trình báo / người được chuyển giao", so, 0,
      doc="Điều 27 khoản 1: người trình báo tại UBND xã, Công an, Bộ đội Biên phòng, Cảnh sát biển, cơ quan, tổ chức.")
    n("init_case", "scriptTask", "Khởi tạo hồ sơ", so, 1, script=INIT)
    n("channel_gateway", "exclusiveGateway", "Cơ quan nào tiếp nhận?", so, 2, default="flow_direct_arrival")
    n("border_guard_handover", "userTask", "Đưa người trình báo đến UBND xã (Bộ đội Biên phòng)", bg, 3,
      doc="Điều 27 khoản 1: cơ quan tiếp nhận trình báo đưa ngay người đó đến UBND xã nơi có trụ sở.")
    n("police_handover", "userTask", "Đưa người trình báo đến UBND xã (Công an)", pol, 3,
      doc="Điều 27 khoản 1: cơ quan Công an tiếp nhận trình báo đưa ngay người đó đến UBND xã.")
    n("arrival_merge", "exclusiveGateway", "", so, 4)
    n("arrive_at_commune", "scriptTask", "Ghi nhận thời điểm UBND xã tiếp nhận", so, 5, script=ARRIVE)
    n("receive_person", "userTask", "UBND xã tiếp nhận, hỗ trợ cần thiết, thông báo Sở Y tế", so, 6,
      doc="Điều 27 khoản 1 (sửa đổi 2025): UBND xã thông báo ngay với cơ quan chuyên môn về y tế cấp tỉnh; "
          "hỗ trợ theo Chương V khi cần thiết.")
    n("notify_province", "scriptTask", "Thông báo cơ quan chuyên môn về y tế cấp tỉnh", so, 7,
      script="province_notified_at = receive_person_completed_at")
    n("initial_verification", "userTask", "Tiếp nhận, hỗ trợ và xác minh thông tin ban đầu (03 ngày)", sy, 8,
      doc="Điều 27 khoản 2 (sửa đổi 2025): chậm nhất 03 ngày, chủ trì phối hợp Công an tỉnh xác minh thông tin ban đầu.")
    n("verification_gateway", "exclusiveGateway", "Kết quả xác minh ban đầu?", sy, 9, default="flow_documents_confirm")
    n("police_identification", "userTask", "Xác minh, xác định nạn nhân, cấp giấy xác nhận (Công an tỉnh)", ps, 10,
      doc="Điều 27 khoản 2, Điều 33: chưa có giấy tờ xác nhận nạn nhân thì Công an tỉnh xác minh, xác định.")
    n("identification_gateway", "exclusiveGateway", "Là nạn nhân?", ps, 11, default="flow_identified_not_victim")
    n("not_victim_merge", "exclusiveGateway", "", sy, 12, row=0.8)
    n("not_victim_closure", "userTask", "Thông báo kết quả: không phải nạn nhân, kết thúc hồ sơ", sy, 13, row=0.8)
    n("closed_not_victim", "endEvent", "Không phải nạn nhân", sy, 14, row=0.8)
    n("identified_merge", "exclusiveGateway", "", sy, 12, row=0.3)
    n("record_identification", "scriptTask", "Ghi nhận đã xác định là nạn nhân", sy, 13, row=0.3, script=IDENTIFIED)
    n("identified_split", "parallelGateway", "", sy, 14, row=0.3)
    n("child_gateway", "exclusiveGateway", "Nạn nhân dưới 16 tuổi?", cp, 15, default="flow_not_a_child")
    n("child_protection_referral", "userTask", "Mở hoặc liên kết hồ sơ bảo vệ trẻ em", cp, 16,
      doc="Luật Trẻ em 2016 Điều 10.1.m (trẻ em bị mua bán), Điều 47; NĐ 56/2017: hồ sơ bảo vệ trẻ em được mở "
          "(hoặc liên kết) khi hoàn thành bước này.")
    n("child_referred", "endEvent", "Đã chuyển bảo vệ trẻ em", cp, 17)
    n("not_a_child", "endEvent", "Không phải trẻ em dưới 16 tuổi", cp, 16, row=0.85)
    n("assess_needs", "userTask", "Đánh giá nhu cầu, quyết định chế độ hỗ trợ (Điều 37)", sy, 15, row=0.3)
    n("support_decided", "scriptTask", "Bắt đầu tính thời hạn hỗ trợ", sy, 16, row=0.3, script=DECIDED)
    n("support_split", "inclusiveGateway", "Hỗ trợ nào?", sy, 17, row=0.3, default="flow_no_immediate_support")
    for _code, task, name, lane, _rule, art in SUPPORT:
        n(task, "userTask", name, lane, 18, doc=f"Luật PCMBN 2024 {art}.")
    n("support_join", "inclusiveGateway", "", sy, 19, row=0.3)
    n("residence_gateway", "exclusiveGateway", "Nạn nhân cư trú ở xã khác?", sy, 20, row=0.3,
      default="flow_same_commune")
    n("transfer_to_residence", "scriptTask", "Bàn giao về xã nơi cư trú", so, 21, row=0.3,
      script="responsible_commune = residence_commune\ntransferred_at = now_iso()")
    n("accept_handover", "userTask", "Tiếp nhận nạn nhân về nơi cư trú (xã nơi cư trú)", so, 22, row=0.3,
      doc="Điều 30; Điều 37 khoản 1 điểm e: hỗ trợ chi phí đi lại về nơi cư trú; xã nơi cư trú tiếp tục hỗ trợ.")
    n("residence_merge", "exclusiveGateway", "", so, 23)
    n("start_reintegration", "scriptTask", "Bắt đầu hỗ trợ tái hòa nhập", so, 24,
      script="reintegration_started_at = now_iso()")
    n("reintegration_split", "inclusiveGateway", "Hỗ trợ tái hòa nhập nào?", so, 25, default="flow_no_reintegration")
    n("provide_education_vocational", "userTask", "Hỗ trợ học văn hóa, học nghề, tư vấn việc làm", so, 26, row=0.25,
      doc="Điều 37 khoản 1 điểm h, i; NĐ 162/2025 Điều 24.")
    n("grant_initial_allowance", "userTask", "Quyết định trợ cấp khó khăn ban đầu", ch, 26,
      doc="Điều 37 khoản 1 điểm k; NĐ 162/2025 Điều 24.")
    n("reintegration_join", "inclusiveGateway", "", so, 27)
    n("schedule_follow_up", "scriptTask", "Bắt đầu kỳ theo dõi", so, 28,
      script="follow_up_cycle_started_at = now_iso()")
    n("follow_up_visit", "userTask", "Theo dõi, hỗ trợ tái hòa nhập cộng đồng", so, 29,
      doc="Chương V: theo dõi việc tái hòa nhập; kỳ theo dõi là cấu hình tỉnh.")
    n("follow_up_gateway", "exclusiveGateway", "Kết quả theo dõi?", so, 30, default="flow_propose_closure")
    n("close_case", "userTask", "Kết thúc hỗ trợ, đóng hồ sơ", ch, 31)
    n("case_closed", "endEvent", "Hồ sơ đã đóng", ch, 32)
    # escalations: a missed limit gives the supervising body a task
    n("handover_overdue_merge", "exclusiveGateway", "", pc, 3, row=0.3)
    n("escalate_handover_overdue", "userTask", "Quá hạn đưa người trình báo đến UBND xã", pc, 4, row=0.3)
    n("handover_escalated", "endEvent", "Đã đôn đốc", pc, 5, row=0.3)
    n("escalate_notification_overdue", "userTask", "UBND xã chưa tiếp nhận, thông báo Sở Y tế đúng hạn", ch, 6)
    n("notification_escalated", "endEvent", "Đã đôn đốc", ch, 7)
    n("escalate_verification_overdue", "userTask", "Quá 03 ngày chưa xác minh thông tin ban đầu", pc, 8)
    n("verification_escalated", "endEvent", "Đã đôn đốc", pc, 9)
    n("escalate_identification_overdue", "userTask", "Công an tỉnh chưa xác định nạn nhân đúng hạn", pc, 10, row=0.7)
    n("identification_escalated", "endEvent", "Đã đôn đốc", pc, 11, row=0.7)
    n("escalate_child_referral_overdue", "userTask", "Chưa mở hồ sơ bảo vệ trẻ em đúng hạn", ch, 16)
    n("child_referral_escalated", "endEvent", "Đã đôn đốc", ch, 17)
    n("escalate_decision_overdue", "userTask", "Chưa quyết định chế độ hỗ trợ đúng hạn", pc, 15)
    n("decision_escalated", "endEvent", "Đã đôn đốc", pc, 16)
    n("support_overdue_merge", "exclusiveGateway", "", sy, 18, row=0.8)
    n("escalate_support_overdue", "userTask", "Chế độ hỗ trợ chưa được thực hiện đúng hạn", sy, 19, row=0.8)
    n("support_escalated", "endEvent", "Đã đôn đốc", sy, 20, row=0.8)
    n("escalate_residence_overdue", "userTask", "Xã nơi cư trú chưa tiếp nhận nạn nhân đúng hạn", sy, 22, row=0.7)
    n("residence_escalated", "endEvent", "Đã đôn đốc", sy, 23, row=0.7)
    n("escalate_reintegration_overdue", "userTask", "Chưa hỗ trợ học văn hóa, học nghề đúng hạn", ch, 27, row=0.3)
    n("reintegration_escalated", "endEvent", "Đã đôn đốc", ch, 28, row=0.3)
    n("escalate_allowance_overdue", "userTask", "Chưa quyết định trợ cấp khó khăn ban đầu đúng hạn", sy, 27)
    n("allowance_escalated", "endEvent", "Đã đôn đốc", sy, 28)
    n("escalate_follow_up_overdue", "userTask", "Quá kỳ theo dõi tái hòa nhập", ch, 30, row=0.75)
    n("follow_up_escalated", "endEvent", "Đã đôn đốc", ch, 31, row=0.75)

    b("border_guard_handover_timer", "border_guard_handover", "Đưa ngay (cấu hình tỉnh)", 'due("handover_to_commune")')
    b("police_handover_timer", "police_handover", "Đưa ngay (cấu hình tỉnh)", 'due("handover_to_commune")')
    b("receive_person_timer", "receive_person", "Thông báo ngay (cấu hình tỉnh)", 'due("commune_notification")')
    b("initial_verification_timer", "initial_verification", "03 ngày", 'due("initial_verification")')
    b("police_identification_timer", "police_identification", "Hạn xác định (cấu hình tỉnh)",
      'due("police_identification")')
    b("child_referral_timer", "child_protection_referral", "Hạn chuyển (cấu hình tỉnh)",
      'due("child_protection_referral")')
    b("assess_needs_timer", "assess_needs", "Hạn quyết định (cấu hình tỉnh)", 'due("support_decision")')
    for _code, task, _name, _lane, rule, _art in SUPPORT:
        b(f"{task}_timer", task, "Hạn hỗ trợ (cấu hình tỉnh)", f'due("{rule}")')
    b("accept_handover_timer", "accept_handover", "Hạn tiếp nhận (cấu hình tỉnh)", 'due("handover_residence")')
    b("education_timer", "provide_education_vocational", "Hạn hỗ trợ (cấu hình tỉnh)",
      'due("support_education_vocational")')
    b("allowance_timer", "grant_initial_allowance", "Hạn trợ cấp (cấu hình tỉnh)", 'due("initial_allowance")')
    b("follow_up_timer", "follow_up_visit", "Kỳ theo dõi (cấu hình tỉnh)", 'due("follow_up")')

    f("report_received", "init_case")
    f("init_case", "channel_gateway")
    f("channel_gateway", "border_guard_handover", "Bộ đội Biên phòng", 'channel == "border_guard"')
    f("channel_gateway", "police_handover", "Công an", 'channel == "police"')
    f("channel_gateway", "arrival_merge", "Tại UBND xã", fid="flow_direct_arrival")
    f("border_guard_handover", "arrival_merge")
    f("police_handover", "arrival_merge")
    f("arrival_merge", "arrive_at_commune")
    f("arrive_at_commune", "receive_person")
    f("receive_person", "notify_province")
    f("notify_province", "initial_verification")
    f("initial_verification", "verification_gateway")
    f("verification_gateway", "police_identification", "Cần xác định", 'verification_outcome == "needs_identification"')
    f("verification_gateway", "not_victim_merge", "Không có dấu hiệu", 'verification_outcome == "not_victim"')
    f("verification_gateway", "identified_merge", "Đã có giấy tờ", fid="flow_documents_confirm")
    f("police_identification", "identification_gateway")
    f("identification_gateway", "identified_merge", "Là nạn nhân", 'identification_result == "victim"')
    f("identification_gateway", "not_victim_merge", "Không phải", fid="flow_identified_not_victim")
    f("not_victim_merge", "not_victim_closure")
    f("not_victim_closure", "closed_not_victim")
    f("identified_merge", "record_identification")
    f("record_identification", "identified_split")
    f("identified_split", "child_gateway")
    f("identified_split", "assess_needs")
    f("child_gateway", "child_protection_referral", "Dưới 16 tuổi", "victim_under_16")
    f("child_gateway", "not_a_child", "Không", fid="flow_not_a_child")
    f("child_protection_referral", "child_referred")
    f("assess_needs", "support_decided")
    f("support_decided", "support_split")
    for code, task, _name, _lane, _rule, _art in SUPPORT:
        f("support_split", task, cond=f'"{code}" in support_measures')
        f(task, "support_join")
    f("support_split", "support_join", "Không", fid="flow_no_immediate_support")
    f("support_join", "residence_gateway")
    f("residence_gateway", "transfer_to_residence", "Có", "residence_commune != responsible_commune")
    f("residence_gateway", "residence_merge", "Không", fid="flow_same_commune")
    f("transfer_to_residence", "accept_handover")
    f("accept_handover", "residence_merge")
    f("residence_merge", "start_reintegration")
    f("start_reintegration", "reintegration_split")
    f("reintegration_split", "provide_education_vocational", cond='"education_vocational" in support_measures')
    f("reintegration_split", "grant_initial_allowance", cond='"initial_allowance" in support_measures')
    f("reintegration_split", "reintegration_join", "Không", fid="flow_no_reintegration")
    f("provide_education_vocational", "reintegration_join")
    f("grant_initial_allowance", "reintegration_join")
    f("reintegration_join", "schedule_follow_up")
    f("schedule_follow_up", "follow_up_visit")
    f("follow_up_visit", "follow_up_gateway")
    f("follow_up_gateway", "schedule_follow_up", "Tiếp tục theo dõi", 'follow_up_outcome == "continue"')
    f("follow_up_gateway", "close_case", "Đề xuất kết thúc", fid="flow_propose_closure")
    f("close_case", "case_closed")
    for timer in ("border_guard_handover_timer", "police_handover_timer"):
        f(timer, "handover_overdue_merge")
    f("handover_overdue_merge", "escalate_handover_overdue")
    f("escalate_handover_overdue", "handover_escalated")
    for timer, task, end in [("receive_person_timer", "escalate_notification_overdue", "notification_escalated"),
                             ("initial_verification_timer", "escalate_verification_overdue", "verification_escalated"),
                             ("police_identification_timer", "escalate_identification_overdue",
                              "identification_escalated"),
                             ("child_referral_timer", "escalate_child_referral_overdue", "child_referral_escalated"),
                             ("assess_needs_timer", "escalate_decision_overdue", "decision_escalated"),
                             ("accept_handover_timer", "escalate_residence_overdue", "residence_escalated"),
                             ("education_timer", "escalate_reintegration_overdue", "reintegration_escalated"),
                             ("allowance_timer", "escalate_allowance_overdue", "allowance_escalated"),
                             ("follow_up_timer", "escalate_follow_up_overdue", "follow_up_escalated")]:
        f(timer, task)
        f(task, end)
    for _code, task, _name, _lane, _rule, _art in SUPPORT:
        f(f"{task}_timer", "support_overdue_merge")
    f("support_overdue_merge", "escalate_support_overdue")
    f("escalate_support_overdue", "support_escalated")
    return p


def main() -> None:
    tool = _tool()
    path = os.path.join(ROOT, "bpmn", f"{PROCESS_ID}.bpmn")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(tool.render(process(tool), f"collaboration_{PROCESS_ID}"))
    print("wrote", os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()
