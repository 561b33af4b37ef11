# language: vi
Tính năng: Xác định trẻ trong sổ theo dõi sau khi tiếp nhận (Luật Trẻ em 2016 Điều 10; issue #21)
  Mỗi trẻ có một hồ sơ trong sổ; mọi báo cáo về trẻ được gắn vào hồ sơ đó. Hệ thống chỉ đề xuất
  (họ tên không dấu, ngày hoặc năm sinh, nơi cư trú, số định danh); cán bộ xã xác nhận hoặc tạo mới,
  không bao giờ tự hợp nhất.

  Bối cảnh:
    Cho một báo cáo về trẻ em bị bạo lực tại xã "X01"

  Tình huống: Báo cáo đầu tiên về trẻ: cán bộ xã tạo hồ sơ mới
    Cho trẻ tên "Nguyễn Văn A" sinh ngày "2015-03-02"
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Thì báo cáo chưa gắn với trẻ nào trong sổ
    Và sổ không đề xuất hồ sơ nào cho "canbo.x01"
    Khi "canbo.x01" tạo hồ sơ trẻ mới từ báo cáo
    Thì sổ có 1 hồ sơ trẻ
    Và nhật ký kiểm toán ghi "register.create"

  Tình huống: Báo cáo lặp lại, không dấu và chỉ có tuổi: đề xuất hồ sơ cũ, cán bộ xác nhận
    Cho trẻ tên "Nguyễn Văn A" sinh ngày "2015-03-02"
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Và "canbo.x01" tạo hồ sơ trẻ mới từ báo cáo
    Và "congan.x01" ghi nhận báo cáo về trẻ tên "Nguyen Van A" 11 tuổi lúc "2026-11-21T07:00:00+07:00"
    Thì báo cáo chưa gắn với trẻ nào trong sổ
    Và sổ đề xuất hồ sơ "Nguyễn Văn A" cho "canbo.x01" với lý do "cùng họ tên (không dấu)"
    Khi "canbo.x01" xác nhận hồ sơ được đề xuất
    Thì sổ có 1 hồ sơ trẻ
    Và hồ sơ trẻ có 2 vụ việc
    Và nhật ký kiểm toán ghi "register.link"

  Tình huống: Cán bộ xã khác không thấy hồ sơ của trẻ
    Cho trẻ tên "Trần Thị Bích Ngọc" sinh ngày "2014-06-01"
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-20T22:00:00+07:00"
    Và "canbo.x01" tạo hồ sơ trẻ mới từ báo cáo
    Thì "canbo.x01" tìm "Tran Thi Bich Ngoc" thấy 1 trẻ
    Và "canbo.x02" tìm "Tran Thi Bich Ngoc" thấy 0 trẻ
