"""Help shown beside each step: what Luật PCMBN 2024 and NĐ 162/2025 ask of whoever holds the task."""

from workflows.trafficking_support.deadlines import DEADLINES


def _limit(rule: str) -> str:
    r = DEADLINES[rule]
    return f"Thời hạn: {r.describe_vi()} ({r.legal_basis})."


HELP = {
    "border_guard_handover": "Bộ đội Biên phòng tiếp nhận trình báo hoặc giải cứu phải đưa ngay người đó đến UBND xã "
                             "nơi đơn vị có trụ sở, lập biên bản bàn giao (Luật PCMBN 2024 Điều 27 khoản 1). "
                             + _limit("handover_to_commune"),
    "police_handover": "Cơ quan Công an tiếp nhận trình báo phải đưa ngay người đó đến UBND xã nơi có trụ sở "
                       "(Luật PCMBN 2024 Điều 27 khoản 1). " + _limit("handover_to_commune"),
    "receive_person": "UBND xã tiếp nhận, hỗ trợ theo Chương V khi cần thiết (nhu cầu thiết yếu, sơ cứu) và thông báo "
                      "ngay cho cơ quan chuyên môn về y tế cấp tỉnh (Điều 27 khoản 1, sửa đổi 2025). Không tiết lộ "
                      "thông tin khi người đó chưa đồng ý (Điều 3 khoản 10). " + _limit("commune_notification"),
    "initial_verification": "Sở Y tế tiếp nhận, hỗ trợ ngay và chậm nhất 03 ngày chủ trì, phối hợp Công an tỉnh xác "
                            "minh thông tin ban đầu; chưa có giấy tờ xác nhận nạn nhân (Điều 33) thì đề nghị Công an "
                            "tỉnh xác minh, xác định (Điều 27 khoản 2, sửa đổi 2025). " + _limit("initial_verification"),
    "police_identification": "Công an tỉnh xác minh, xác định nạn nhân và cấp giấy tờ xác nhận (Điều 27 khoản 2, "
                             "Điều 33). " + _limit("police_identification"),
    "not_victim_closure": "Không đủ căn cứ xác định là nạn nhân: thông báo kết quả; người đang trong quá trình xác "
                          "định đã được hưởng hỗ trợ theo Điều 37 khoản 3.",
    "child_protection_referral": "Nạn nhân dưới 16 tuổi là trẻ em bị mua bán (Luật Trẻ em 2016 Điều 10.1.m): ghi số "
                                 "hồ sơ bảo vệ trẻ em đã có, hoặc để trống để hệ thống mở hồ sơ mới và liên kết. "
                                 + _limit("child_protection_referral"),
    "assess_needs": "Quyết định các chế độ hỗ trợ theo Điều 37 khoản 1 (nhu cầu thiết yếu, y tế, phiên dịch, pháp "
                    "luật, trợ giúp pháp lý, chi phí đi lại, tâm lý, học văn hóa, học nghề, trợ cấp khó khăn ban đầu, "
                    "vay vốn) theo nguyện vọng của nạn nhân. " + _limit("support_decision"),
    "provide_essential_needs": "Nơi ở tạm thời, ăn, mặc, vệ sinh cá nhân tại cơ sở trợ giúp xã hội hoặc cơ sở hỗ trợ "
                               "nạn nhân (Điều 37 khoản 1 điểm a). " + _limit("support_essential_needs"),
    "provide_health_support": "Khám sức khỏe, sơ cứu, cấp cứu; hỗ trợ đóng BHYT năm đầu nếu chưa có (Điều 37 khoản 1 "
                              "điểm b). " + _limit("support_health"),
    "provide_psychological_support": "Tư vấn, trị liệu tâm lý (Điều 37 khoản 1 điểm g). "
                                     + _limit("support_psychological"),
    "provide_legal_aid": "Tư vấn pháp luật, trợ giúp pháp lý (Điều 37 khoản 1 điểm d, đ). " + _limit("support_legal_aid"),
    "accept_handover": "Xã nơi cư trú tiếp nhận nạn nhân được đưa về, giao cán bộ theo dõi (Điều 30; chi phí đi lại: "
                       "Điều 37 khoản 1 điểm e). " + _limit("handover_residence"),
    "provide_education_vocational": "Học văn hóa (miễn học phí, sách vở cho người dưới 18 tuổi), học nghề, tư vấn việc "
                                    "làm (NĐ 162/2025 Điều 24). " + _limit("support_education_vocational"),
    "grant_initial_allowance": "Quyết định trợ cấp khó khăn ban đầu (NĐ 162/2025 Điều 24). " + _limit("initial_allowance"),
    "follow_up_visit": "Theo dõi, hỗ trợ tái hòa nhập; đề xuất kết thúc khi nạn nhân ổn định. " + _limit("follow_up"),
    "close_case": "Chủ tịch UBND xã quyết định kết thúc hỗ trợ, đóng hồ sơ.",
}
for _task in ("escalate_handover_overdue", "escalate_notification_overdue", "escalate_verification_overdue",
              "escalate_identification_overdue", "escalate_child_referral_overdue", "escalate_decision_overdue",
              "escalate_support_overdue", "escalate_residence_overdue", "escalate_reintegration_overdue",
              "escalate_allowance_overdue", "escalate_follow_up_overdue"):
    HELP[_task] = "Thời hạn đã qua: hướng dẫn, kiểm tra, đôn đốc cơ quan có trách nhiệm thực hiện ngay."
