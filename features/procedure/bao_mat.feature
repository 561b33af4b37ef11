# language: vi
Tính năng: Bảo mật thông tin người báo tin và của trẻ (Mẫu số 01; Luật Trẻ em Điều 54; Luật Bảo vệ dữ liệu cá nhân 2025)
  Người báo tin chỉ được ghi khi họ đồng ý, và chỉ cơ quan đã tiếp nhận báo cáo thấy thông tin đó.
  Cơ quan được chuyển gửi chỉ nhận thông tin nhận dạng trẻ mà nhiệm vụ của mình cần.
  Chuyển gửi trẻ từ đủ 7 tuổi cần sự đồng ý của trẻ và người đại diện theo pháp luật, hoặc một ngoại lệ luật định.

  Bối cảnh:
    Cho một báo cáo về trẻ em bị bạo lực tại xã "X01"
    Và trẻ đang ở "Nhà bà ngoại, thôn 5"

  Tình huống: Tổng đài thấy người báo tin trên báo cáo mình tiếp nhận, tổng đài khác thì không
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Thì "tongdai111" thấy thông tin người báo tin của hồ sơ
    Và một tổng đài khác không thấy thông tin người báo tin của hồ sơ
    Và "tongdai111" theo dõi được tình trạng hồ sơ mà không thấy nội dung

  Tình huống: Báo cáo do xã tiếp nhận: tổng đài không thấy người báo tin
    Khi "canbo.x01" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Thì "canbo.x01" thấy thông tin người báo tin của hồ sơ
    Nhưng "tongdai111" không thấy thông tin người báo tin của hồ sơ

  Tình huống: Trẻ 9 tuổi: chỉ người đại diện đồng ý thì không chuyển gửi được; trẻ cùng đồng ý thì nhà trường nhận tên trẻ, không nhận nơi ở
    Cho trẻ 9 tuổi
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Và "canbo.x01" đánh giá xong và lập kế hoạch
    Thì "canbo.x01" không thể chuyển gửi nhà trường với căn cứ "consent_representative" ở trường "child_data_sharing_basis"
    Khi "canbo.x01" chuyển gửi nhà trường với căn cứ "consent_child_and_representative"
    Và "chutich.x01" hoàn thành "approve_plan"
    Thì "truonghoc.x01" có việc "education_acknowledge"
    Và "truonghoc.x01" thấy tên trẻ nhưng không thấy nơi trẻ đang ở

  Tình huống: Trẻ bị đe dọa tính mạng: chuyển gửi theo ngoại lệ không cần sự đồng ý (Luật BVDLCN 2025 Điều 19.1)
    Cho trẻ 9 tuổi
    Khi "tongdai111" ghi nhận báo cáo lúc "2026-11-23T08:00:00+07:00"
    Và "canbo.x01" đánh giá xong và lập kế hoạch
    Và "canbo.x01" chuyển gửi nhà trường với căn cứ "exception_life_health"
    Thì "chutich.x01" có việc "approve_plan"
