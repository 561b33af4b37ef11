# language: vi
Tính năng: Tiếp nhận thông tin về trẻ em bị xâm hại hoặc có nguy cơ (Điều 25 NĐ 56/2017)
  Mọi kênh (tổng đài 111, đường dây nóng xã, trường học, công an, trực tiếp) đều tạo hồ sơ
  và bắt đầu tính thời hạn 12 giờ từ thời điểm tiếp nhận đầu tiên.

  Bối cảnh:
    Cho một báo cáo về trẻ em bị bạo lực tại xã "X01"

  Tình huống: Báo cáo qua tổng đài 111 được chuyển ngay về xã nơi xảy ra vụ việc
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Thì "canbo.x01" có việc "initial_assessment"
    Và "canbo.x02" không có việc "initial_assessment"
    Và hạn của việc "initial_assessment" là "2026-11-21T10:00:00+07:00"
    Và nhật ký kiểm toán ghi "case.start"

  Tình huống: Người báo tin giấu tên
    Cho người báo tin giấu tên
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Thì thông tin người báo tin không được lưu
    Và "canbo.x01" có việc "initial_assessment"

  Tình huống: Báo cáo lặp lại về trẻ đã có hồ sơ đang mở
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Và "congan.x01" ghi nhận thêm một báo cáo về cùng trẻ lúc "2026-11-21T07:00:00+07:00"
    Thì hệ thống cho biết trẻ đã có hồ sơ đang mở để cán bộ quyết định liên kết
    Và hai hồ sơ vẫn tách riêng

  Tình huống: Báo cáo thiếu thông tin bắt buộc bị từ chối, nêu rõ trường sai
    Cho báo cáo không có nội dung
    Khi "tongdai111" gửi báo cáo
    Thì báo cáo bị từ chối ở trường "description"
    Và không có hồ sơ nào được tạo

  Tình huống: Người 16 tuổi được ghi nhận với cảnh báo Luật Trẻ em chỉ áp dụng cho người dưới 16 tuổi (Điều 1)
    Cho trẻ 16 tuổi
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Thì hồ sơ ghi rõ người 16–17 tuổi không thuộc Luật Trẻ em và áp dụng thủ tục "social_assistance"

  Tình huống: Nạn nhân mua bán người 17 tuổi: áp dụng thủ tục hỗ trợ nạn nhân (Luật Phòng, chống mua bán người 2024)
    Cho trẻ 17 tuổi
    Và báo cáo có hình thức xâm hại "trafficking"
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Thì hồ sơ ghi rõ người 16–17 tuổi không thuộc Luật Trẻ em và áp dụng thủ tục "trafficking_support"

  Tình huống: Trẻ 15 tuổi thuộc thủ tục bảo vệ trẻ em
    Cho trẻ 15 tuổi
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Thì hồ sơ ghi trẻ dưới 16 tuổi

  Tình huống: Người báo tin không đồng ý: không lưu danh tính (Mẫu số 01, "nếu người báo tin đồng ý")
    Cho người báo tin không đồng ý ghi thông tin của mình
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Thì thông tin người báo tin không được lưu
