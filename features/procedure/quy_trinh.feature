# language: vi
Tính năng: Quy trình hỗ trợ, can thiệp (Điều 26–32 NĐ 56/2017), mỗi bước do đúng cơ quan thực hiện

  Bối cảnh:
    Cho một báo cáo về trẻ em bị bạo lực tại xã "X01"

  Tình huống: Trường hợp không khẩn cấp đi từ đánh giá đến đóng hồ sơ
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Và "canbo.x01" hoàn thành "initial_assessment"
    Thì "chutich.x01" không có việc "emergency_decision"
    Khi "canbo.x01" hoàn thành "specific_assessment"
    Và "canbo.x01" hoàn thành "draft_plan"
    Thì "chutich.x01" có việc "approve_plan"
    Khi "chutich.x01" hoàn thành "approve_plan"
    Thì "canbo.x01" có việc "review_visit"
    Khi "canbo.x01" hoàn thành "review_visit" với "review_outcome" là "continue"
    Thì "canbo.x01" có việc "review_visit"
    Khi "canbo.x01" hoàn thành "review_visit" với "review_outcome" là "close"
    Và "chutich.x01" hoàn thành "close_case"
    Thì hồ sơ đã đóng
    Và dòng thời gian có 7 bước, tất cả đúng hạn

  Tình huống: Trường hợp khẩn cấp: chủ tịch quyết định, cán bộ phối hợp công an, y tế
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Và "canbo.x01" đánh giá ban đầu với nguy cơ cao
    Và "chutich.x01" hoàn thành "emergency_decision"
    Thì "canbo.x01" có việc "emergency_intervention"
    Khi "canbo.x01" hoàn thành "emergency_intervention"
    Thì "canbo.x01" có việc "specific_assessment"
    Và "chutich.x01" không có việc "separation_review"

  Tình huống: Tạm thời cách ly rồi chấm dứt khi gia đình đã an toàn
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Và "canbo.x01" đánh giá ban đầu với nguy cơ cao
    Và "chutich.x01" hoàn thành "emergency_decision" với "separation_ordered" là "có"
    Và "canbo.x01" hoàn thành "emergency_intervention"
    Thì "canbo.x01" có việc "arrange_alternative_care"
    Và "canbo.x01" có việc "specific_assessment"
    Khi "canbo.x01" hoàn thành "arrange_alternative_care"
    Và "chutich.x01" hoàn thành "separation_review"
    Thì "chutich.x01" không có việc "separation_review"
    Và "canbo.x01" có việc "specific_assessment"

  Tình huống: Gia hạn cách ly theo yêu cầu của cơ quan có thẩm quyền
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Và "canbo.x01" đánh giá ban đầu với nguy cơ cao
    Và "chutich.x01" hoàn thành "emergency_decision" với "separation_ordered" là "có"
    Và "canbo.x01" hoàn thành "emergency_intervention"
    Và "canbo.x01" hoàn thành "arrange_alternative_care"
    Và "chutich.x01" hoàn thành "separation_review" với "separation_action" là "extend"
    Và "canbo.x01" hoàn thành "record_extension"
    Thì "chutich.x01" có việc "end_extended_separation"
    Và hạn của việc "end_extended_separation" là "2026-12-31T23:59:59+07:00"
    Khi đến thời điểm "2027-01-01T00:00:30+07:00"
    Thì "chutich.x01" có việc "escalate_extension_end"

  Tình huống: Trẻ cư trú ở xã khác: xã nơi trẻ cư trú lập, phê duyệt và thực hiện kế hoạch (Luật Trẻ em Điều 52.2)
    Cho trẻ cư trú tại xã "X02"
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Thì "canbo.x01" có việc "initial_assessment"
    Khi "canbo.x01" hoàn thành "initial_assessment"
    Thì "canbo.x02" có việc "accept_transfer"
    Và hồ sơ do xã "X02" phụ trách
    Và "canbo.x01" không có việc "specific_assessment"
    Khi "canbo.x02" hoàn thành "accept_transfer"
    Thì "canbo.x02" có việc "specific_assessment"
    Khi "canbo.x02" hoàn thành "specific_assessment"
    Và "canbo.x02" hoàn thành "draft_plan"
    Thì "chutich.x02" có việc "approve_plan"
    Và "chutich.x01" không có việc "approve_plan"
    Khi "chutich.x02" hoàn thành "approve_plan"
    Thì "canbo.x02" có việc "review_visit"
    Và "canbo.x01" không có việc "review_visit"

  Tình huống: Trẻ cư trú ở xã khác: xã nơi xảy ra vụ việc vẫn xử lý khẩn cấp 12 giờ rồi mới chuyển hồ sơ
    Cho trẻ cư trú tại xã "X02"
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Và "canbo.x01" đánh giá ban đầu với nguy cơ cao
    Thì "chutich.x01" có việc "emergency_decision"
    Và "canbo.x02" không có việc "accept_transfer"
    Khi "chutich.x01" hoàn thành "emergency_decision"
    Và "canbo.x01" hoàn thành "emergency_intervention"
    Thì "canbo.x02" có việc "accept_transfer"

  Tình huống: Báo cáo xâm hại tình dục: Công an xã nhận tin báo ngay, song song với đánh giá (Điều 25.3)
    Cho báo cáo có hình thức xâm hại "sexual_abuse"
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Thì "congan.x01" có việc "police_crime_report"
    Và "canbo.x01" có việc "initial_assessment"
    Khi "congan.x01" hoàn thành "police_crime_report"
    Thì "congan.x01" có việc "police_crime_result"
    Và hạn của việc "police_crime_result" là "2026-12-10T23:59:59+07:00"
    Khi "congan.x01" hoàn thành "police_crime_result"
    Thì "congan.x01" không có việc "police_crime_result"

  Tình huống: Đánh giá ban đầu cho thấy bạo lực nghiêm trọng: Công an xã nhận tin báo ngay
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Thì "congan.x01" không có việc "police_crime_report"
    Khi "canbo.x01" đánh giá ban đầu với nguy cơ cao
    Thì "congan.x01" có việc "police_crime_report"
    Và "chutich.x01" có việc "emergency_decision"

  Tình huống: Chủ tịch yêu cầu chỉnh sửa kế hoạch
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Và "canbo.x01" hoàn thành "initial_assessment"
    Và "canbo.x01" hoàn thành "specific_assessment"
    Và "canbo.x01" hoàn thành "draft_plan"
    Và "chutich.x01" hoàn thành "approve_plan" với "approval_decision" là "revise"
    Thì "canbo.x01" có việc "revise_plan"
    Và việc "revise_plan" mở với kế hoạch bị trả lại
    Khi "canbo.x01" hoàn thành "revise_plan"
    Thì "chutich.x01" có việc "approve_plan"

  Tình huống: Chủ tịch phải chọn rõ phê duyệt hay yêu cầu chỉnh sửa
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Và "canbo.x01" hoàn thành "initial_assessment"
    Và "canbo.x01" hoàn thành "specific_assessment"
    Và "canbo.x01" hoàn thành "draft_plan"
    Thì "chutich.x01" không thể hoàn thành "approve_plan" khi chưa chọn "approval_decision"

  Tình huống: Chuyển gửi song song tới năm cơ quan
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Và "canbo.x01" hoàn thành "initial_assessment"
    Và "canbo.x01" hoàn thành "specific_assessment"
    Và "canbo.x01" lập kế hoạch chuyển gửi tất cả các cơ quan
    Và "chutich.x01" hoàn thành "approve_plan"
    Thì "congan.x01" có việc "police_acknowledge"
    Và "yte.x01" có việc "health_acknowledge"
    Và "truonghoc.x01" có việc "education_acknowledge"
    Và "trogiup.tinh" có việc "legal_aid_acknowledge"
    Và "ctxh.tinh" có việc "social_work_acknowledge"
    Và "canbo.x01" không có việc "review_visit"
    Khi mỗi cơ quan xác nhận và báo cáo kết quả
    Thì "canbo.x01" có việc "review_visit"

  Tình huống: Rà soát đề xuất xây dựng kế hoạch mới
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Và "canbo.x01" hoàn thành "initial_assessment"
    Và "canbo.x01" hoàn thành "specific_assessment"
    Và "canbo.x01" hoàn thành "draft_plan"
    Và "chutich.x01" hoàn thành "approve_plan"
    Và đến thời điểm "2026-12-10T09:00:00+07:00"
    Và "canbo.x01" hoàn thành "review_visit" với "review_outcome" là "new_plan"
    Thì "canbo.x01" có việc "draft_plan"
    Và hạn của việc "draft_plan" là "2026-12-17T23:59:59+07:00"

  Tình huống: Chủ tịch không đồng ý kết thúc kế hoạch: tiếp tục theo dõi (NĐ 56/2017 Điều 30)
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Và "canbo.x01" hoàn thành "initial_assessment"
    Và "canbo.x01" hoàn thành "specific_assessment"
    Và "canbo.x01" hoàn thành "draft_plan"
    Và "chutich.x01" hoàn thành "approve_plan"
    Và "canbo.x01" hoàn thành "review_visit" với "review_outcome" là "close"
    Thì "chutich.x01" không thể hoàn thành "close_case" khi chưa chọn "closure_decision"
    Khi "chutich.x01" hoàn thành "close_case" với "closure_decision" là "continue"
    Thì "canbo.x01" có việc "review_visit"
    Khi "canbo.x01" hoàn thành "review_visit" với "review_outcome" là "close"
    Và "chutich.x01" hoàn thành "close_case"
    Thì hồ sơ đã đóng

  Tình huống: Đánh giá ban đầu phải có kết luận chung về mức độ nguy cơ (Mẫu 02)
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Thì "canbo.x01" không thể hoàn thành "initial_assessment" khi chưa chọn "risk_conclusion"
