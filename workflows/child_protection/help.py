"""Help shown beside each step of the procedure: what the law asks of whoever holds the task."""

HELP = {
    # shown on the intake form (NĐ 56/2017 Điều 24, 26.3; Mẫu số 01 "nếu người báo tin đồng ý")
    "intake": "Thời hạn 12 giờ được tính từ thời điểm tiếp nhận. Mọi trường về người báo tin chỉ ghi khi họ đồng ý.",
    "initial_assessment": "Đánh giá ban đầu nguy cơ gây tổn hại (Mẫu số 02) ngay sau khi nhận thông tin; nếu trẻ "
                          "đang gặp nguy hiểm, xử lý ngay trong 12 giờ (NĐ 56/2017 Điều 24, 26.3).",
    "emergency_decision": "Chủ tịch UBND xã (hoặc người được giao) quyết định biện pháp can thiệp khẩn cấp hoặc tạm "
                          "thời cách ly trẻ khỏi môi trường nguy hiểm trong 12 giờ (NĐ 56/2017 Điều 26.3, 31, 32).",
    "emergency_intervention": "Phối hợp công an, y tế bảo đảm an toàn cho trẻ, chăm sóc y tế khẩn cấp và bảo quản "
                              "chứng cứ (Luật Trẻ em Điều 50.2; NĐ 56/2017 Điều 26).",
    "specific_assessment": "Xã nơi trẻ cư trú đánh giá chi tiết hoàn cảnh, nhu cầu của trẻ và tổ chức họp xác định "
                           "nhu cầu (Mẫu số 03) (NĐ 56/2017 Điều 27; Luật Trẻ em Điều 52.2).",
    "draft_plan": "Xây dựng kế hoạch hỗ trợ, can thiệp (Mẫu số 04) trong 05 ngày làm việc kể từ khi đánh giá "
                  "(NĐ 56/2017 Điều 28.1); ghi rõ cơ quan được chuyển gửi.",
    "approve_plan": "Chủ tịch UBND xã nơi trẻ cư trú chủ trì họp và chọn rõ: phê duyệt (Mẫu số 05) hoặc yêu cầu "
                    "chỉnh sửa (Luật Trẻ em Điều 52.2; NĐ 56/2017 Điều 28). Thủ tục «Phê duyệt kế hoạch hỗ trợ, can "
                    "thiệp» có thời hạn 07 ngày làm việc cho toàn bộ thủ tục, trừ trường hợp khẩn cấp; chỉ tiêu ngắn "
                    "hơn (nếu có) là của tỉnh.",
    "revise_plan": "Chỉnh sửa kế hoạch bị trả lại (nội dung và chuyển gửi cũ đã điền sẵn) theo ý kiến của Chủ "
                   "tịch UBND xã, rồi trình lại (NĐ 56/2017 Điều 28).",
    "accept_transfer": "Xã nơi trẻ cư trú tiếp nhận hồ sơ (Mẫu 01, 02 và việc xử lý khẩn cấp) từ xã nơi xảy ra vụ "
                       "việc, giao cán bộ; xã này đánh giá chi tiết, lập, phê duyệt, thực hiện và kết thúc kế hoạch "
                       "(Luật Trẻ em Điều 52.2).",
    "review_visit": "Theo dõi, đánh giá việc thực hiện kế hoạch (Mẫu số 06) và đề xuất điều chỉnh nếu cần "
                    "(NĐ 56/2017 Điều 29).",
    "close_case": "Chủ tịch UBND xã quyết định về đề xuất kết thúc: đồng ý khi trẻ đã an toàn, ổn định và nguy cơ đã "
                  "được loại bỏ (hoặc trẻ đủ 16 tuổi, hoặc chuyển hồ sơ); không đồng ý thì kế hoạch tiếp tục được "
                  "thực hiện, theo dõi (NĐ 56/2017 Điều 30).",
    "arrange_alternative_care": "Bố trí nơi tạm trú an toàn, chăm sóc thay thế cho trẻ bị tạm thời cách ly "
                                "(NĐ 56/2017 Điều 32; Luật Trẻ em Điều 62).",
    "separation_review": "Thời gian tạm thời cách ly không quá 15 ngày, hết 24:00 ngày thứ 15 kể từ ngày quyết định, "
                         "kể cả khi ngày đó là ngày nghỉ (mức tối đa không lùi theo BLDS Điều 148.5); chỉ gia hạn theo "
                         "quyết định của cơ quan có thẩm quyền (NĐ 56/2017 Điều 32).",
    "record_extension": "Ghi số, ngày văn bản của cơ quan có thẩm quyền và ngày kết thúc gia hạn ghi trong văn bản; "
                        "không có gia hạn không thời hạn (NĐ 56/2017 Điều 32).",
    "end_extended_separation": "Chấm dứt cách ly khi hết thời hạn gia hạn; hết ngày đó hệ thống báo Chủ tịch "
                               "(NĐ 56/2017 Điều 32).",
    "escalate_separation_limit": "Quá 15 ngày cách ly chưa có quyết định: Chủ tịch UBND xã chấm dứt hoặc ghi nhận "
                                 "yêu cầu gia hạn ngay (NĐ 56/2017 Điều 32); quá thời hạn xử lý (chỉ tiêu của tỉnh) "
                                 "thì Sở Y tế được báo.",
    "escalate_extension_end": "Hết thời hạn gia hạn cách ly: Chủ tịch UBND xã chấm dứt cách ly hoặc ghi nhận văn bản "
                              "gia hạn mới (NĐ 56/2017 Điều 32).",
    "escalate_response_overdue": "Quá 12 giờ chưa xử lý: Chủ tịch UBND xã (người chịu trách nhiệm theo NĐ 56/2017 "
                                 "Điều 26.3) chỉ đạo can thiệp khẩn cấp hoặc tạm thời cách ly ngay; quá hạn xử lý "
                                 "cảnh báo thì Sở Y tế được báo.",
    "escalate_response_police": "Quá 12 giờ chưa xử lý: Công an xã (trực 24/24) phối hợp bảo đảm an toàn, ngăn chặn "
                                "hành vi xâm hại ngay (NĐ 56/2017 Điều 26.3, 31.2).",
    "escalate_response_province": "Cảnh báo quá 12 giờ chưa được xã xử lý: Sở Y tế (Chi cục Dân số – Xã hội), phối hợp "
                                  "Tổng đài 111, hướng dẫn, kiểm tra, đôn đốc UBND xã; nội dung gửi xã hiện trên hồ sơ "
                                  "(NĐ 56/2017 Điều 26.3; NĐ 42/2025). Chỉ UBND tỉnh có quyền chỉ đạo xã.",
    "escalate_care_overdue": "Quá 12 giờ chưa bố trí nơi tạm trú, chăm sóc thay thế: Chủ tịch UBND xã (người quyết định "
                             "cách ly, NĐ 56/2017 Điều 32) chỉ đạo ngay; quá hạn xử lý cảnh báo thì Sở Y tế được báo.",
    "escalate_care_police": "Quá 12 giờ chưa bố trí chăm sóc thay thế: Công an xã (trực 24/24) bảo đảm an toàn cho trẻ "
                            "ngay (NĐ 56/2017 Điều 31.2, 32).",
    "escalate_care_province": "Cảnh báo chưa được xã xử lý: Sở Y tế hướng dẫn, kiểm tra, đôn đốc UBND xã bố trí chăm sóc "
                              "thay thế (NĐ 56/2017 Điều 32; NĐ 42/2025).",
    "escalate_separation_province": "Cách ly quá 15 ngày hoặc quá thời hạn gia hạn mà Chủ tịch UBND xã chưa quyết định: "
                                    "Sở Y tế hướng dẫn, kiểm tra, đôn đốc xã (NĐ 56/2017 Điều 32; NĐ 42/2025).",
    "police_crime_report": "Tin báo có dấu hiệu tội phạm được chuyển ngay, song song với việc đánh giá của xã "
                           "(NĐ 56/2017 Điều 25.3): Công an xã tiếp nhận, lập biên bản, kiểm tra, xác minh sơ bộ và "
                           "chuyển Cơ quan điều tra có thẩm quyền (BLTTHS 2015 Điều 145).",
    "report_incident": "Vụ việc xâm hại nghiêm trọng: báo ngay qua điện thoại cho cấp trên, ghi giờ báo và người nhận; "
                       "gửi văn bản báo cáo trong 01 ngày (kế hoạch của tỉnh) và ghi số, ngày văn bản.",
    "escalate_incident_report": "Báo cáo đột xuất chưa gửi đúng hạn: chỉ đạo gửi ngay báo cáo qua điện thoại và văn bản.",
    "police_crime_result": "Ghi kết quả giải quyết tin báo: khởi tố, không khởi tố hoặc tạm đình chỉ; thời hạn 20 ngày "
                           "kể từ ngày nhận tin báo, có thể kéo dài, gia hạn (BLTTHS 2015 Điều 147).",
    "police_crime_overdue": "Quá 20 ngày chưa có kết quả: ghi nhận việc kéo dài, gia hạn thời hạn giải quyết "
                            "(BLTTHS 2015 Điều 147.2–147.3) hoặc đôn đốc.",
    "escalate_plan_overdue": "Quá 05 ngày làm việc chưa có kế hoạch: đôn đốc xây dựng kế hoạch (NĐ 56/2017 Điều 28.1).",
    "escalate_approval_overdue": "Quá 07 ngày làm việc chưa phê duyệt kế hoạch: Sở Y tế hướng dẫn, kiểm tra, đôn đốc "
                                 "Chủ tịch UBND xã (TTHC «Phê duyệt kế hoạch hỗ trợ, can thiệp»; NĐ 56/2017 Điều 28).",
}
for _code, _name in [("police", "Công an xã"), ("health", "Trạm Y tế xã"), ("education", "Nhà trường"),
                     ("legal_aid", "Trung tâm Trợ giúp pháp lý nhà nước"),
                     ("social_work", "Trung tâm Công tác xã hội")]:
    HELP[f"{_code}_acknowledge"] = (f"{_name} xác nhận đã tiếp nhận yêu cầu hỗ trợ theo kế hoạch đã phê duyệt "
                                    f"(NĐ 56/2017 Điều 28.3; thời hạn theo quy chế phối hợp của tỉnh).")
    HELP[f"{_code}_escalate_ack"] = (f"{_name} chưa xác nhận tiếp nhận đúng hạn: Chủ tịch UBND xã đôn đốc (Luật Trẻ em "
                                     f"Điều 52.2: UBND xã nơi trẻ cư trú kiểm tra việc thực hiện kế hoạch).")
    HELP[f"{_code}_escalate_ack_head"] = (f"{_name} chưa xác nhận tiếp nhận đúng hạn: người đứng đầu cơ quan đôn đốc "
                                          f"cán bộ được giao (NĐ 56/2017 Điều 28.3; quy chế phối hợp của tỉnh).")
    HELP[f"{_code}_report_outcome"] = f"{_name} báo cáo kết quả hỗ trợ cho xã quản lý hồ sơ (NĐ 56/2017 Điều 29)."
