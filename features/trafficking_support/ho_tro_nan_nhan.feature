# language: vi
Tính năng: Hỗ trợ nạn nhân bị mua bán (Luật Phòng, chống mua bán người 2024, Điều 27, 30, 33, 37)

  Bối cảnh:
    Cho một người trình báo bị mua bán tại xã "X01"

  Tình huống: Nạn nhân được xác định, được hỗ trợ và đóng hồ sơ
    Khi "vhxh.x01" ghi nhận trình báo lúc "2026-11-23T08:00:00+07:00"
    Và "vhxh.x01" thực hiện bước "receive_person"
    Thì "soyte.tinh" có việc "initial_verification" hạn "2026-11-26T23:59:59+07:00"
    Khi "soyte.tinh" thực hiện bước "initial_verification"
    Và "congan.tinh" thực hiện bước "police_identification"
    Và "soyte.tinh" thực hiện bước "assess_needs"
    Và các cơ quan thực hiện các chế độ hỗ trợ
    Và "vhxh.x01" thực hiện bước "follow_up_visit"
    Và "chutich.x01" thực hiện bước "close_case"
    Thì hồ sơ nạn nhân đã đóng
    Và hồ sơ không liên kết hồ sơ bảo vệ trẻ em nào

  Tình huống: Không phải nạn nhân sau khi xác minh
    Khi "vhxh.x01" ghi nhận trình báo lúc "2026-11-23T08:00:00+07:00"
    Và "vhxh.x01" thực hiện bước "receive_person"
    Và "soyte.tinh" thực hiện bước "initial_verification" với "verification_outcome" là "needs_identification"
    Và "congan.tinh" thực hiện bước "police_identification" với "identification_result" là "not_victim"
    Thì "soyte.tinh" có việc "not_victim_closure"
    Và "soyte.tinh" không có việc "assess_needs"
    Khi "soyte.tinh" thực hiện bước "not_victim_closure"
    Thì hồ sơ nạn nhân đã đóng

  Tình huống: Nạn nhân dưới 16 tuổi mở và liên kết hồ sơ bảo vệ trẻ em
    Cho người trình báo 14 tuổi
    Khi "tongdai111" ghi nhận trình báo lúc "2026-11-23T08:00:00+07:00"
    Thì hồ sơ liên kết 1 hồ sơ bảo vệ trẻ em
    Và "canbo.x01" có việc bảo vệ trẻ em "initial_assessment"
    Khi "vhxh.x01" thực hiện bước "receive_person"
    Và "soyte.tinh" thực hiện bước "initial_verification"
    Và "congan.tinh" thực hiện bước "police_identification"
    Thì "canbo.x01" có việc "child_protection_referral"
    Khi "canbo.x01" thực hiện bước "child_protection_referral"
    Và hệ thống quét định kỳ
    Thì hồ sơ liên kết 1 hồ sơ bảo vệ trẻ em

  Tình huống: Tuổi dưới 16 chỉ được xác định khi Công an tỉnh xác minh
    Cho người trình báo chưa rõ tuổi
    Khi "vhxh.x01" ghi nhận trình báo lúc "2026-11-23T08:00:00+07:00"
    Và "vhxh.x01" thực hiện bước "receive_person"
    Và "soyte.tinh" thực hiện bước "initial_verification"
    Và "congan.tinh" thực hiện bước "police_identification" với "identified_age" là "15"
    Thì hồ sơ liên kết 0 hồ sơ bảo vệ trẻ em
    Khi "canbo.x01" thực hiện bước "child_protection_referral"
    Và hệ thống quét định kỳ
    Thì hồ sơ liên kết 1 hồ sơ bảo vệ trẻ em

  Tình huống: Bàn giao nạn nhân về xã nơi cư trú khác
    Cho người trình báo cư trú tại xã "X02"
    Khi "vhxh.x01" ghi nhận trình báo lúc "2026-11-23T08:00:00+07:00"
    Và "vhxh.x01" thực hiện bước "receive_person"
    Và "soyte.tinh" thực hiện bước "initial_verification"
    Và "congan.tinh" thực hiện bước "police_identification"
    Và "soyte.tinh" thực hiện bước "assess_needs" với "support_measures" là "initial_allowance"
    Thì "vhxh.x02" có việc "accept_handover"
    Và "vhxh.x01" không có việc "accept_handover"
    Khi "vhxh.x02" thực hiện bước "accept_handover"
    Và "chutich.x02" thực hiện bước "grant_initial_allowance"
    Thì "vhxh.x02" có việc "follow_up_visit"

  Tình huống: Quá 03 ngày chưa xác minh thông tin ban đầu thì báo UBND tỉnh
    Khi "vhxh.x01" ghi nhận trình báo lúc "2026-11-20T22:00:00+07:00"
    Và "vhxh.x01" thực hiện bước "receive_person"
    Và đến thời điểm "2026-11-23T23:59:00+07:00"
    Thì "ubnd.tinh" không có việc "escalate_verification_overdue"
    Khi đến thời điểm "2026-11-24T00:00:30+07:00"
    Thì "ubnd.tinh" có việc "escalate_verification_overdue"
    Và việc "initial_verification" được đánh dấu đã báo cấp trên

  Tình huống: Bộ đội Biên phòng chưa đưa người đến UBND xã trong 24 giờ
    Cho người trình báo được Bộ đội Biên phòng tiếp nhận
    Khi "bienphong.tinh" ghi nhận trình báo lúc "2026-11-20T22:00:00+07:00"
    Thì "bienphong.tinh" có việc "border_guard_handover" hạn "2026-11-21T22:00:00+07:00"
    Khi đến thời điểm "2026-11-21T22:01:00+07:00"
    Thì "ubnd.tinh" có việc "escalate_handover_overdue"
