# language: vi
Tính năng: Thời hạn luật định tính theo Bộ luật Dân sự và lịch làm việc Việt Nam

  Khung tình huống: Tính thời hạn
    Khi tính thời hạn <số> <đơn vị> từ "<bắt đầu>"
    Thì thời hạn là "<hạn>"

    Dữ liệu:
      | bắt đầu                   | số | đơn vị        | hạn                       |
      | 2026-11-20T22:00:00+07:00 | 12 | giờ           | 2026-11-21T10:00:00+07:00 |
      | 2027-02-03T09:00:00+07:00 | 5  | ngày làm việc | 2027-02-17T23:59:59+07:00 |
      | 2026-02-12T10:00:00+07:00 | 5  | ngày làm việc | 2026-02-26T23:59:59+07:00 |
      | 2025-04-24T08:00:00+07:00 | 2  | ngày làm việc | 2025-04-26T23:59:59+07:00 |
      | 2026-11-20T10:00:00+07:00 | 15 | ngày          | 2026-12-07T23:59:59+07:00 |
      | 2026-08-28T16:00:00+07:00 | 1  | ngày làm việc | 2026-09-03T23:59:59+07:00 |

  Tình huống: Mức tối đa 15 ngày cách ly không lùi sang ngày làm việc tiếp theo (BLDS Điều 148.5)
    Khi tính mức tối đa 15 ngày cách ly từ "2026-11-20T10:00:00+07:00"
    Thì thời hạn là "2026-12-05T23:59:59+07:00"

  Tình huống: Báo cáo lúc 22:00 thứ Sáu phải được can thiệp trước 10:00 thứ Bảy
    Cho một báo cáo về trẻ em bị bạo lực tại xã "X01"
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Và "canbo.x01" đánh giá ban đầu với nguy cơ cao
    Thì "chutich.x01" có việc "emergency_decision"
    Và hạn của việc "emergency_decision" là "2026-11-21T10:00:00+07:00"
    Khi đến thời điểm "2026-11-21T09:59:00+07:00"
    Thì "chutich.x01" không có việc "escalate_response_overdue"
    Khi đến thời điểm "2026-11-21T10:00:30+07:00"
    Thì việc "emergency_decision" bị đánh dấu quá hạn và đã báo cáo cấp trên
    Và "chutich.x01" có việc "escalate_response_overdue"
    Và "congan.x01" có việc "escalate_response_police"
    Và "soyte.tinh" không có việc "escalate_response_province"

  Tình huống: Quá 12 giờ lúc 03:00: Chủ tịch và Công an xã được báo ngay, Sở Y tế sau thời gian cấu hình
    Cho một báo cáo về trẻ em bị bạo lực tại xã "X01"
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T15:00:00+07:00"
    Và đến thời điểm "2026-11-21T03:01:00+07:00"
    Thì "chutich.x01" có việc "escalate_response_overdue"
    Và "congan.x01" có việc "escalate_response_police"
    Và việc "initial_assessment" bị đánh dấu quá hạn và đã báo cáo cấp trên
    Và "soyte.tinh" không có việc "escalate_response_province"
    Và hạn của việc "escalate_response_overdue" là "2026-11-21T05:01:00+07:00"
    Khi đến thời điểm "2026-11-21T05:02:00+07:00"
    Thì "soyte.tinh" có việc "escalate_response_province"
    Và hạn của việc "escalate_response_province" là "2026-11-23T23:59:59+07:00"

  Tình huống: Kế hoạch hỗ trợ qua Tết phải xong trong 5 ngày làm việc
    Cho một báo cáo về trẻ em bị bạo lực tại xã "X01"
    Khi "tongdai111" ghi nhận báo cáo lúc "2027-02-03T08:00:00+07:00"
    Và đến thời điểm "2027-02-03T09:00:00+07:00"
    Và "canbo.x01" hoàn thành "initial_assessment"
    Thì hạn của việc "specific_assessment" là "2027-02-17T23:59:59+07:00"
    Khi "canbo.x01" hoàn thành "specific_assessment"
    Thì hạn của việc "draft_plan" là "2027-02-17T23:59:59+07:00"
    Khi đến thời điểm "2027-02-17T23:00:00+07:00"
    Thì "chutich.x01" không có việc "escalate_plan_overdue"
    Khi đến thời điểm "2027-02-18T00:00:30+07:00"
    Thì "chutich.x01" có việc "escalate_plan_overdue"
    Và việc "draft_plan" bị đánh dấu quá hạn và đã báo cáo cấp trên

  Tình huống: Thủ tục phê duyệt kế hoạch quá 07 ngày làm việc
    Cho một hồ sơ tại xã "X01" đã trình kế hoạch lúc "2026-11-25T10:00:00+07:00"
    Thì hạn của việc "approve_plan" là "2026-12-04T23:59:59+07:00"
    Khi đến thời điểm "2026-11-28T00:01:00+07:00"
    Thì "soyte.tinh" không có việc "escalate_approval_overdue"
    Khi đến thời điểm "2026-12-05T00:01:00+07:00"
    Thì "soyte.tinh" có việc "escalate_approval_overdue"

  Tình huống: Công an chưa xác nhận chuyển gửi trong 1 ngày làm việc
    Cho một hồ sơ tại xã "X01" đã trình kế hoạch lúc "2026-11-25T10:00:00+07:00"
    Khi "chutich.x01" hoàn thành "approve_plan"
    Thì "congan.x01" có việc "police_acknowledge"
    Và hạn của việc "police_acknowledge" là "2026-11-26T23:59:59+07:00"
    Khi đến thời điểm "2026-11-27T00:00:30+07:00"
    Thì "chutich.x01" có việc "police_escalate_ack"
    Và "congan.x01" có việc "police_escalate_ack_head"

  Tình huống: Tạm thời cách ly quá 15 ngày
    Cho một báo cáo về trẻ em bị bạo lực tại xã "X01"
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Và "canbo.x01" đánh giá ban đầu với nguy cơ cao
    Và "chutich.x01" hoàn thành "emergency_decision" với "separation_ordered" là "có"
    Và "canbo.x01" hoàn thành "emergency_intervention"
    Và "canbo.x01" hoàn thành "arrange_alternative_care"
    Thì "chutich.x01" có việc "separation_review"
    Và hạn của việc "separation_review" là "2026-12-05T23:59:59+07:00"
    Khi đến thời điểm "2026-12-06T00:00:30+07:00"
    Thì "chutich.x01" có việc "escalate_separation_limit"
    Và "soyte.tinh" không có việc "escalate_separation_province"
    Và hạn của việc "escalate_separation_limit" là "2026-12-06T04:00:30+07:00"
    Khi đến thời điểm "2026-12-06T04:01:00+07:00"
    Thì "soyte.tinh" có việc "escalate_separation_province"

  Tình huống: Quá 12 giờ chưa bố trí chăm sóc thay thế: Chủ tịch và Công an xã trước, Sở Y tế sau
    Cho một báo cáo về trẻ em bị bạo lực tại xã "X01"
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Và "canbo.x01" đánh giá ban đầu với nguy cơ cao
    Và "chutich.x01" hoàn thành "emergency_decision" với "separation_ordered" là "có"
    Và "canbo.x01" hoàn thành "emergency_intervention"
    Và đến thời điểm "2026-11-21T10:00:30+07:00"
    Thì "chutich.x01" có việc "escalate_care_overdue"
    Và "congan.x01" có việc "escalate_care_police"
    Và "soyte.tinh" không có việc "escalate_care_province"
    Khi đến thời điểm "2026-11-21T12:01:00+07:00"
    Thì "soyte.tinh" có việc "escalate_care_province"
