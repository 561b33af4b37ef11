"""Help shown beside each step of the procedure: what the law asks of whoever holds the task."""

HELP = {
    "initial_assessment": "Đánh giá ban đầu nguy cơ gây tổn hại (Mẫu số 02) ngay sau khi nhận thông tin; nếu trẻ "
                          "đang gặp nguy hiểm, xử lý ngay trong 12 giờ (NĐ 56/2017 Điều 24, 26.3).",
    "emergency_decision": "Chủ tịch UBND xã (hoặc người được giao) quyết định biện pháp can thiệp khẩn cấp hoặc tạm "
                          "thời cách ly trẻ khỏi môi trường nguy hiểm trong 12 giờ (NĐ 56/2017 Điều 26.3, 31, 32).",
    "emergency_intervention": "Phối hợp công an, y tế bảo đảm an toàn cho trẻ, chăm sóc y tế khẩn cấp và bảo quản "
                              "chứng cứ (Luật Trẻ em Điều 50.2; NĐ 56/2017 Điều 26).",
    "specific_assessment": "Đánh giá chi tiết hoàn cảnh, nhu cầu của trẻ và tổ chức họp xác định nhu cầu (Mẫu số 03) "
                           "(NĐ 56/2017 Điều 27).",
    "draft_plan": "Xây dựng kế hoạch hỗ trợ, can thiệp (Mẫu số 04) trong 05 ngày làm việc kể từ khi đánh giá "
                  "(NĐ 56/2017 Điều 28.1); ghi rõ cơ quan được chuyển gửi.",
    "approve_plan": "Chủ tịch UBND xã nơi trẻ cư trú phê duyệt kế hoạch (Mẫu số 05) (Luật Trẻ em Điều 52.2; "
                    "NĐ 56/2017 Điều 28.2).",
    "revise_plan": "Chỉnh sửa kế hoạch theo ý kiến của Chủ tịch UBND xã, rồi trình lại (NĐ 56/2017 Điều 28).",
    "accept_transfer": "Xã nơi trẻ cư trú tiếp nhận hồ sơ chuyển đến để tiếp tục hỗ trợ, can thiệp "
                       "(Luật Trẻ em Điều 52.2).",
    "review_visit": "Theo dõi, đánh giá việc thực hiện kế hoạch (Mẫu số 06) và đề xuất điều chỉnh nếu cần "
                    "(NĐ 56/2017 Điều 29).",
    "close_case": "Kết thúc kế hoạch khi trẻ đã an toàn và nguy cơ đã được loại bỏ, hoặc trẻ đủ 16 tuổi, hoặc "
                  "chuyển hồ sơ (NĐ 56/2017 Điều 30).",
    "arrange_alternative_care": "Bố trí nơi tạm trú an toàn, chăm sóc thay thế cho trẻ bị tạm thời cách ly "
                                "(NĐ 56/2017 Điều 32; Luật Trẻ em Điều 62).",
    "separation_review": "Thời gian tạm thời cách ly không quá 15 ngày; chỉ gia hạn theo quyết định của cơ quan có "
                         "thẩm quyền (NĐ 56/2017 Điều 32).",
    "escalate_response_overdue": "Quá 12 giờ chưa can thiệp: hướng dẫn, kiểm tra, đôn đốc xã can thiệp ngay "
                                 "(NĐ 56/2017 Điều 26.3).",
    "escalate_plan_overdue": "Quá 05 ngày làm việc chưa có kế hoạch: đôn đốc xây dựng kế hoạch (NĐ 56/2017 Điều 28.1).",
    "escalate_approval_overdue": "Kế hoạch chưa được phê duyệt đúng hạn: đôn đốc Chủ tịch UBND xã (NĐ 56/2017 Điều 28).",
}
for _code, _name in [("police", "Công an xã"), ("health", "Trạm Y tế xã"), ("education", "Nhà trường"),
                     ("legal_aid", "Trung tâm Trợ giúp pháp lý nhà nước"),
                     ("social_work", "Trung tâm Công tác xã hội")]:
    HELP[f"{_code}_acknowledge"] = (f"{_name} xác nhận đã tiếp nhận yêu cầu hỗ trợ theo kế hoạch đã phê duyệt "
                                    f"(NĐ 56/2017 Điều 28.3; thời hạn theo quy chế phối hợp của tỉnh).")
    HELP[f"{_code}_report_outcome"] = f"{_name} báo cáo kết quả hỗ trợ cho xã quản lý hồ sơ (NĐ 56/2017 Điều 29)."
