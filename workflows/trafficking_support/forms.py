"""The forms of the procedure: the intake report and every step (Luật PCMBN 2024 Điều 27–30, 33, 37)."""
# ruff: noqa: N802  (one-letter field constructors keep the form tables readable)

from __future__ import annotations

from workflows.fields import A
from workflows.fields import B
from workflows.fields import C
from workflows.fields import D
from workflows.fields import M
from workflows.fields import N
from workflows.fields import T
from workflows.forms import Field
from workflows.forms import Form

CHANNELS = [
    ("self_report", "Tự đến UBND xã trình báo", "Came to the commune to report"),
    ("police", "Công an tiếp nhận trình báo", "Received by the police"),
    ("border_guard", "Bộ đội Biên phòng tiếp nhận, giải cứu", "Received or rescued by the border guard"),
    ("coast_guard", "Cảnh sát biển tiếp nhận, giải cứu", "Received or rescued by the coast guard"),
    ("hotline", "Tổng đài, đường dây nóng", "Hotline"),
    ("returned_abroad", "Từ nước ngoài trở về, được trao trả", "Returned or handed over from abroad"),
    ("other_org", "Cơ quan, tổ chức khác", "Another agency or organisation"),
]
SEXES = [("male", "Nam", "Male"), ("female", "Nữ", "Female"), ("unknown", "Không rõ", "Unknown")]
NATIONALITY = [("vn", "Công dân Việt Nam", "Vietnamese citizen"),
               ("stateless_resident", "Người không quốc tịch thường trú ở Việt Nam", "Stateless, resident in Viet Nam"),
               ("foreign", "Người nước ngoài bị mua bán tại Việt Nam", "Foreigner trafficked in Viet Nam")]
# Luật PCMBN 2024 Điều 2 khoản 1: the purposes of trafficking
PURPOSES = [
    ("money", "Nhận tiền, tài sản, lợi ích vật chất", "Money, property, material benefit"),
    ("sexual_exploitation", "Bóc lột tình dục", "Sexual exploitation"),
    ("forced_labour", "Cưỡng bức lao động", "Forced labour"),
    ("organ_removal", "Lấy bộ phận cơ thể người", "Organ removal"),
    ("other_inhumane", "Mục đích vô nhân đạo khác", "Other inhumane purpose"),
]
# Luật PCMBN 2024 Điều 37 khoản 1: the support measures this procedure routes (a–b, d–e, g–k)
MEASURES = [
    ("essential_needs", "Hỗ trợ nhu cầu thiết yếu", "Essential needs"),
    ("health", "Hỗ trợ y tế", "Health support"),
    ("psychological", "Hỗ trợ tâm lý", "Psychological support"),
    ("legal_aid", "Hỗ trợ pháp luật, trợ giúp pháp lý", "Legal support and legal aid"),
    ("education_vocational", "Hỗ trợ học văn hóa, học nghề, tư vấn việc làm", "Schooling, vocational training, jobs"),
    ("initial_allowance", "Trợ cấp khó khăn ban đầu", "Initial hardship allowance"),
]
VERIFICATION = [
    ("confirmed_by_documents", "Đã có giấy tờ, tài liệu xác nhận nạn nhân (Điều 33)", "Documents confirm the victim"),
    ("needs_identification", "Cần Công an tỉnh xác minh, xác định", "The provincial police must identify"),
    ("not_victim", "Không có dấu hiệu bị mua bán", "No sign of trafficking"),
]









INTAKE_FIELDS = [
    C("channel", "Kênh tiếp nhận", "Channel", CHANNELS, required=True),
    T("receiving_body", "Cơ quan, tổ chức tiếp nhận", "Receiving agency or organisation"),
    Field("received_at", "datetime", "Thời điểm tiếp nhận", "Received at"),
    T("incident_commune", "Mã xã nơi tiếp nhận (UBND xã tiếp nhận)", "Receiving commune code", required=True),
    T("residence_commune", "Mã xã nơi cư trú của người trình báo", "Residence commune code"),
    T("person_name", "Họ tên người trình báo / được chuyển giao", "Person's name"),
    C("person_sex", "Giới tính", "Sex", SEXES, required=True),
    D("person_birth_date", "Ngày sinh", "Date of birth"),
    N("person_age", "Tuổi (ước tính)", "Age (estimated)", min_value=0, max_value=120),
    C("nationality", "Quốc tịch", "Nationality", NATIONALITY),
    T("person_current_location", "Nơi người đó đang ở", "Where the person is now"),
    N("accompanying_minors", "Số người dưới 18 tuổi đi cùng", "Persons under 18 accompanying", min_value=0, max_value=20),
    M("trafficking_purposes", "Mục đích mua bán (nếu biết)", "Purpose of the trafficking, if known", PURPOSES),
    B("trafficked_abroad", "Bị mua bán ra nước ngoài", "Trafficked abroad"),
    T("destination_country", "Nước đến", "Country of destination"),
    A("description", "Nội dung trình báo", "What was reported", required=True),
    B("person_consent", "Người trình báo đồng ý cho chia sẻ thông tin (Điều 3 khoản 10)",
      "The person consents to their information being shared"),
    T("reporter_name", "Họ tên người báo tin (nếu không phải người bị hại)", "Reporter's name", sensitive=True),
    T("reporter_phone", "Số điện thoại người báo tin", "Reporter's phone", sensitive=True),
]
INTAKE = Form("Tiếp nhận trình báo, tiếp nhận người được chuyển giao (mua bán người)", INTAKE_FIELDS,
              form_no="PCMBN-01")

ESCALATION = Form("Xử lý quá hạn", [A("escalation_action", "Biện pháp đôn đốc, chỉ đạo đã thực hiện",
                                      "Action taken on the missed deadline", required=True)])
HANDOVER = Form("Đưa người trình báo đến UBND xã", [
    T("handover_record_number", "Số biên bản bàn giao", "Hand-over record number", required=True),
    A("handover_notes", "Ghi chú bàn giao", "Hand-over notes")])

FORMS: dict[str, Form] = {
    "police_handover": HANDOVER,
    "border_guard_handover": HANDOVER,
    "receive_person": Form("UBND xã tiếp nhận, hỗ trợ cần thiết, thông báo Sở Y tế", [
        T("received_by", "Cán bộ tiếp nhận", "Officer receiving", required=True),
        B("urgent_needs_given", "Đã hỗ trợ nhu cầu thiết yếu cấp thiết", "Urgent essential needs given"),
        B("first_aid_given", "Đã sơ cứu, cấp cứu", "First aid given"),
        A("reception_notes", "Nội dung tiếp nhận, lời khai ban đầu", "Reception notes", required=True),
    ]),
    "initial_verification": Form("Xác minh thông tin ban đầu (Sở Y tế chủ trì, Công an tỉnh phối hợp)", [
        C("verification_outcome", "Kết quả xác minh ban đầu", "Outcome", VERIFICATION, required=True),
        T("victim_documents", "Giấy tờ, tài liệu xác nhận nạn nhân (Điều 33)", "Documents confirming the victim"),
        A("verification_findings", "Nội dung xác minh", "Findings", required=True),
    ]),
    "police_identification": Form("Xác minh, xác định nạn nhân (Công an tỉnh)", [
        C("identification_result", "Kết luận", "Conclusion",
          [("victim", "Là nạn nhân", "A victim"), ("not_victim", "Không phải nạn nhân", "Not a victim")], required=True),
        T("certificate_number", "Số giấy xác nhận nạn nhân", "Number of the victim certificate"),
        N("identified_age", "Tuổi đã xác định", "Age established", min_value=0, max_value=120),
        A("identification_notes", "Căn cứ kết luận", "Grounds", required=True),
    ]),
    "not_victim_closure": Form("Thông báo kết quả, kết thúc hỗ trợ (không phải nạn nhân)", [
        A("not_victim_grounds", "Căn cứ xác định không phải nạn nhân", "Grounds", required=True),
        B("travel_home_support", "Đã hỗ trợ chi phí đi lại trở về nơi cư trú", "Travel home paid"),
        T("other_referral", "Chuyển gửi dịch vụ khác (nếu có)", "Other referral, if any"),
    ]),
    "child_protection_referral": Form("Mở hoặc liên kết hồ sơ bảo vệ trẻ em", [
        T("child_protection_reference", "Số hồ sơ bảo vệ trẻ em đã có (để trống: mở hồ sơ mới)",
          "Existing child-protection case reference (empty: open one)"),
        A("cp_referral_notes", "Ghi chú chuyển hồ sơ bảo vệ trẻ em", "Notes for the child-protection officer",
          required=True),
    ]),
    "assess_needs": Form("Đánh giá nhu cầu, quyết định chế độ hỗ trợ", [
        M("support_measures", "Chế độ hỗ trợ (Điều 37 khoản 1)", "Support measures", MEASURES, required=True),
        B("interpretation_needed", "Cần hỗ trợ phiên dịch", "Interpretation needed"),
        B("travel_support", "Hỗ trợ chi phí đi lại về nơi cư trú", "Travel costs home"),
        T("residence_commune_confirmed", "Mã xã nơi cư trú (đã xác định)", "Residence commune code (established)"),
        A("needs_notes", "Nhu cầu, nguyện vọng của nạn nhân", "The victim's needs and wishes", required=True),
    ]),
    "provide_essential_needs": Form("Hỗ trợ nhu cầu thiết yếu", [
        T("shelter_place", "Nơi ở tạm thời / cơ sở trợ giúp xã hội", "Temporary shelter", required=True),
        D("stay_from", "Lưu trú từ ngày", "Staying since"),
        A("essential_items", "Đã hỗ trợ (ăn, mặc, vệ sinh cá nhân…)", "Provided (food, clothing, hygiene…)",
          required=True),
    ]),
    "provide_health_support": Form("Hỗ trợ y tế", [
        B("health_checkup_done", "Đã khám sức khỏe", "Health check done"),
        B("health_insurance_first_year", "Hỗ trợ đóng BHYT năm đầu", "First-year health insurance paid"),
        A("health_notes", "Nội dung hỗ trợ y tế", "Health support given", required=True),
    ]),
    "provide_psychological_support": Form("Hỗ trợ tâm lý", [
        N("psych_sessions", "Số buổi tư vấn, trị liệu", "Sessions", min_value=0, max_value=200),
        A("psych_notes", "Nội dung hỗ trợ tâm lý", "Psychological support given", required=True),
    ]),
    "provide_legal_aid": Form("Hỗ trợ pháp luật, trợ giúp pháp lý", [
        C("legal_aid_form", "Hình thức", "Form of help",
          [("advice", "Tư vấn pháp luật", "Legal advice"), ("representation", "Tham gia tố tụng", "Representation"),
           ("other", "Khác", "Other")], required=True),
        A("legal_aid_notes", "Nội dung", "Details", required=True),
    ]),
    "accept_handover": Form("Tiếp nhận nạn nhân về nơi cư trú", [
        T("assigned_officer", "Cán bộ được giao theo dõi", "Officer assigned", required=True),
        A("handover_residence_notes", "Ghi chú tiếp nhận", "Notes"),
    ]),
    "provide_education_vocational": Form("Hỗ trợ học văn hóa, học nghề, tư vấn việc làm", [
        C("education_support", "Hình thức hỗ trợ", "Support given",
          [("schooling", "Học văn hóa (miễn học phí, sách vở)", "Schooling"),
           ("vocational", "Học nghề", "Vocational training"),
           ("employment", "Tư vấn, giới thiệu việc làm", "Job counselling")], required=True),
        A("education_notes", "Nội dung", "Details", required=True),
    ]),
    "grant_initial_allowance": Form("Quyết định trợ cấp khó khăn ban đầu", [
        T("allowance_decision_number", "Số quyết định", "Decision number", required=True),
        N("allowance_amount", "Số tiền (đồng)", "Amount (VND)", min_value=0, max_value=100_000_000),
        A("allowance_notes", "Ghi chú", "Notes"),
    ]),
    "follow_up_visit": Form("Theo dõi, hỗ trợ tái hòa nhập", [
        D("visit_date", "Ngày theo dõi", "Visit date", required=True),
        C("reintegration_status", "Tình hình tái hòa nhập", "Reintegration",
          [("stable", "Ổn định", "Stable"), ("needs_support", "Cần hỗ trợ thêm", "Needs more support"),
           ("at_risk", "Có nguy cơ bị mua bán lại", "At risk of re-trafficking")], required=True),
        A("follow_up_notes", "Nhận xét", "Notes", required=True),
        C("follow_up_outcome", "Đề xuất", "Proposal",
          [("continue", "Tiếp tục theo dõi", "Continue"), ("close", "Kết thúc hỗ trợ", "Close")], required=True),
    ]),
    "close_case": Form("Kết thúc hỗ trợ, đóng hồ sơ", [
        C("closure_outcome", "Kết quả", "Outcome",
          [("reintegrated", "Đã tái hòa nhập cộng đồng", "Reintegrated"), ("moved", "Chuyển nơi cư trú", "Moved"),
           ("declined", "Nạn nhân từ chối hỗ trợ tiếp", "Declined further support"), ("other", "Khác", "Other")],
          required=True),
        A("closure_notes", "Căn cứ kết thúc", "Grounds for closure", required=True),
    ]),
}
for _task in ("escalate_handover_overdue", "escalate_notification_overdue", "escalate_verification_overdue",
              "escalate_identification_overdue", "escalate_child_referral_overdue", "escalate_decision_overdue",
              "escalate_support_overdue", "escalate_residence_overdue", "escalate_reintegration_overdue",
              "escalate_allowance_overdue", "escalate_follow_up_overdue"):
    FORMS[_task] = ESCALATION
