"""The forms of the procedure: Mẫu 01 (intake) to Mẫu 06 (review) and the referral and escalation steps."""
# ruff: noqa: N802  (one-letter field constructors keep the form tables readable)

from __future__ import annotations

from workflows.child_protection.closure import CLOSURE_FIELDS
from workflows.child_protection.closure import EXTRA_SUPPORT
from workflows.child_protection.closure import INCIDENT_SETTING
from workflows.child_protection.consent import FIELDS as SHARING_FIELDS
from workflows.child_protection.consent import PlanForm
from workflows.child_protection.deadlines import REFERRAL_CODES
from workflows.fields import A
from workflows.fields import B
from workflows.fields import C
from workflows.fields import D
from workflows.fields import M
from workflows.fields import T
from workflows.forms import LEVELS
from workflows.forms import Field
from workflows.forms import Form

ABUSE_FORMS = [
    ("violence", "Bạo lực", "Violence"),
    ("sexual_abuse", "Xâm hại tình dục", "Sexual abuse"),
    ("exploitation", "Bóc lột", "Exploitation"),
    ("trafficking", "Mua bán", "Trafficking"),
    ("abandonment", "Bỏ rơi", "Abandonment"),
    ("neglect", "Bỏ mặc", "Neglect"),
    ("other", "Hình thức khác", "Other"),
]

# Luật Trẻ em 2016 Điều 10.1: the 14 groups of children in special circumstances.
SPECIAL_GROUPS = [
    ("a", "Mồ côi cả cha và mẹ", "Orphaned of both parents"),
    ("b", "Bị bỏ rơi", "Abandoned"),
    ("c", "Không nơi nương tựa", "Without any support"),
    ("d", "Khuyết tật", "Disabled"),
    ("dd", "Nhiễm HIV/AIDS", "Living with HIV/AIDS"),
    ("e", "Vi phạm pháp luật", "In conflict with the law"),
    ("g", "Nghiện ma túy", "Drug-addicted"),
    ("h", "Bỏ học kiếm sống chưa hoàn thành phổ cập giáo dục THCS",
     "Left school to earn a living before finishing lower secondary"),
    ("i", "Bị tổn hại nghiêm trọng về thể chất và tinh thần do bị bạo lực",
     "Seriously harmed physically and mentally by violence"),
    ("k", "Bị bóc lột", "Exploited"),
    ("l", "Bị xâm hại tình dục", "Sexually abused"),
    ("m", "Bị mua bán", "Trafficked"),
    ("n", "Mắc bệnh hiểm nghèo hoặc bệnh phải điều trị dài ngày thuộc hộ nghèo, hộ cận nghèo",
     "Serious or long-term illness in a poor or near-poor household"),
    ("o", "Di cư, trẻ em lánh nạn, tị nạn chưa xác định được cha mẹ hoặc không có người chăm sóc",
     "Migrant, displaced or refugee with no identified parents or caregiver"),
]

CHANNELS = [
    ("hotline_111", "Tổng đài 111", "Hotline 111"),
    ("commune_hotline", "Đường dây nóng của xã", "Commune hotline"),
    ("school", "Nhà trường", "School"),
    ("police", "Công an", "Police"),
    ("health", "Cơ sở y tế", "Health facility"),
    ("walk_in", "Trực tiếp", "Walk-in"),
    ("online", "Trực tuyến", "Online"),
]
# Mẫu số 01 "Nguồn thông tin": how the report came in
MEDIA = [
    ("phone", "Qua điện thoại", "By phone"),
    ("in_person", "Trực tiếp", "In person"),
    ("written", "Bằng văn bản, đơn thư", "In writing"),
    ("online", "Trực tuyến (cổng dịch vụ công, mạng xã hội, ứng dụng)", "Online"),
    ("third_party", "Do người khác báo lại", "Passed on by another person"),
]
REPORTER_RELATIONS = [
    ("child", "Chính trẻ em", "The child"),
    ("parent", "Cha, mẹ", "Parent"),
    ("relative", "Người thân trong gia đình", "Relative"),
    ("caregiver", "Người chăm sóc", "Caregiver"),
    ("neighbour", "Hàng xóm", "Neighbour"),
    ("teacher", "Giáo viên, nhà trường", "Teacher or school"),
    ("health_worker", "Nhân viên y tế", "Health worker"),
    ("official", "Cán bộ, công chức, công an", "Official or police"),
    ("hamlet", "Trưởng thôn, cộng tác viên", "Hamlet head or collaborator"),
    ("other", "Khác", "Other"),
]
# who carries out a plan's measures (Luật Trẻ em Điều 52.2: UBND xã phân công; Điều 94.2: the commune's
# inter-sectoral child body; NĐ 56/2017 Điều 28): the five referral agencies get tasks of their own
PLAN_ASSIGNEES = [
    ("commune_police", "Công an xã", "Commune police"),
    ("health", "Trạm Y tế xã / cơ sở y tế", "Health station or facility"),
    ("school", "Nhà trường", "School"),
    ("womens_union", "Hội Liên hiệp Phụ nữ xã", "Women's Union"),
    ("youth_union", "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã", "Youth Union"),
    ("hamlet", "Trưởng thôn, tổ dân phố / cộng tác viên", "Hamlet head or collaborator"),
    ("social_assistance", "Cơ sở trợ giúp xã hội", "Social-assistance facility"),
    ("social_work", "Trung tâm Công tác xã hội", "Social-work centre"),
    ("legal_aid", "Trung tâm Trợ giúp pháp lý nhà nước", "State legal-aid centre"),
    ("red_cross", "Hội Chữ thập đỏ xã", "Red Cross"),
]
SEXES = [("male", "Nam", "Male"), ("female", "Nữ", "Female"), ("unknown", "Không rõ", "Unknown")]
CATEGORIES = [
    ("abused", "Trẻ em bị xâm hại", "Abused child"),
    ("at_risk", "Có nguy cơ bị bạo lực, bóc lột, bỏ rơi", "At risk of violence, exploitation or abandonment"),
    ("special_circumstances", "Trẻ em có hoàn cảnh đặc biệt", "Child in special circumstances"),
]
SERVICES = [
    ("medical", "Chăm sóc y tế, trị liệu tâm lý", "Medical care, psychological therapy"),
    ("shelter", "Nơi tạm trú an toàn", "Safe shelter"),
    ("alternative_care", "Chăm sóc thay thế", "Alternative care"),
    ("reintegration", "Đoàn tụ gia đình, hòa nhập trường học, cộng đồng", "Reunification and reintegration"),
    ("caregiver_counselling", "Tư vấn cho cha mẹ, người chăm sóc", "Counselling for caregivers"),
    ("legal", "Tư vấn, trợ giúp pháp lý", "Legal advice and aid"),
]
SUPPORT_KINDS = [*SERVICES, *EXTRA_SUPPORT]








# NĐ 56/2017 Điều 25.3: a report of a crime goes to the police at once (sexual abuse and trafficking always do)
CRIME_FLAG = B("crime_suspected", "Có dấu hiệu tội phạm (bạo lực nghiêm trọng, xâm hại tình dục, mua bán người...): "
               "chuyển ngay Công an xã", "Signs of a crime: the commune police are told at once")

# ---------------------------------------------------------------- Mẫu 01: intake (starts a case)
# Mẫu số 01 records the informant "nếu người báo tin đồng ý": without consent ``intake.open_case`` keeps none of it
REPORTER_CONSENT_HELP = ("Không đánh dấu thì họ tên, số điện thoại, địa chỉ và quan hệ của người báo tin sẽ không "
                         "được lưu (Mẫu số 01: chỉ ghi nếu người báo tin đồng ý).")
INTAKE_FIELDS = [
    C("channel", "Kênh tiếp nhận", "Channel", CHANNELS, required=True),
    C("report_medium", "Hình thức báo tin", "How the report came in", MEDIA),
    T("received_by", "Người tiếp nhận (họ tên, chức vụ)", "Received by (name, position)"),
    C("case_category", "Phân loại", "Category", CATEGORIES, required=True),
    M("abuse_forms", "Hình thức xâm hại / nguy cơ", "Forms of abuse or risk", ABUSE_FORMS),
    CRIME_FLAG,
    C("special_circumstance_group", "Nhóm trẻ em có hoàn cảnh đặc biệt", "Special-circumstance group", SPECIAL_GROUPS),
    C("urgency", "Mức độ khẩn cấp", "Urgency",
      [("emergency", "Khẩn cấp", "Emergency"), ("non_emergency", "Không khẩn cấp", "Non-emergency")], required=True),
    Field("received_at", "datetime", "Thời điểm tiếp nhận", "Received at"),
    T("incident_commune", "Mã xã nơi xảy ra vụ việc", "Incident commune code", required=True),
    T("residence_commune", "Mã xã nơi trẻ cư trú", "Residence commune code"),
    T("incident_place", "Nơi xảy ra", "Place of the incident"),
    INCIDENT_SETTING,
    T("child_name", "Họ tên trẻ", "Child's name"),
    C("child_sex", "Giới tính", "Sex", SEXES, required=True),
    D("child_birth_date", "Ngày sinh", "Date of birth"),
    Field("child_age", "int", "Tuổi (ước tính)", "Age (estimated)", min_value=0, max_value=17),
    T("child_current_location", "Nơi trẻ đang ở", "Where the child is now"),
    A("child_condition", "Tình trạng của trẻ", "Child's condition"),
    A("likely_outcome", "Hậu quả có thể xảy ra nếu không can thiệp", "Likely outcome with no intervention"),
    A("description", "Nội dung thông tin, thông báo", "What was reported", required=True),
    A("parents_info", "Thông tin cha mẹ (họ tên, tuổi, nghề nghiệp)", "Parents (name, age, occupation)"),
    A("family_situation", "Hoàn cảnh gia đình, người chăm sóc hiện tại", "Family situation, current caregiver"),
    A("actions_already_taken", "Các biện pháp đã thực hiện", "Actions already taken"),
    B("reporter_anonymous", "Người báo tin giấu tên", "Anonymous reporter"),
    T("reporter_name", "Họ tên người báo tin", "Reporter's name", sensitive=True),
    T("reporter_phone", "Số điện thoại người báo tin", "Reporter's phone", sensitive=True),
    T("reporter_address", "Địa chỉ người báo tin", "Reporter's address", sensitive=True),
    B("reporter_consent", "Người báo tin đồng ý cung cấp thông tin", "Reporter consents to be recorded",
      help_vi=REPORTER_CONSENT_HELP),
    C("reporter_relation", "Quan hệ của người báo tin với trẻ", "Reporter's relation to the child", REPORTER_RELATIONS),
]
INTAKE = Form("Báo cáo tiếp nhận thông tin", INTAKE_FIELDS, form_no="Mẫu 01")
REPORTER_FIELDS = ("reporter_name", "reporter_phone", "reporter_address")

ESCALATION = Form("Xử lý quá hạn", [A("escalation_action", "Biện pháp đôn đốc, chỉ đạo đã thực hiện",
                                      "Action taken on the missed deadline", required=True)])
# Sở Y tế may guide, check and urge a commune (hướng dẫn, kiểm tra, đôn đốc); only the provincial UBND directs it.
PROVINCE_ESCALATION = Form("Hướng dẫn, kiểm tra, đôn đốc xã", [
    M("province_actions", "Việc Sở Y tế đã làm", "What the provincial health department did", [
        ("guide", "Hướng dẫn xã", "Guided the commune"), ("check", "Kiểm tra", "Checked"),
        ("urge", "Đôn đốc", "Urged the commune"), ("hotline_111", "Báo Tổng đài 111", "Told hotline 111"),
        ("report_province", "Báo cáo UBND tỉnh", "Reported to the provincial People's Committee")], required=True),
    A("province_directive", "Nội dung hướng dẫn, đôn đốc gửi xã (hiện trên hồ sơ)",
      "Guidance sent to the commune (shown on the case)", required=True)])

REFER_FLAGS = [B(f"refer_{code}", vi, en) for code, vi, en in [
    ("police", "Chuyển gửi Công an", "Refer to police"),
    ("health", "Chuyển gửi cơ sở y tế", "Refer to health"),
    ("education", "Chuyển gửi nhà trường", "Refer to school"),
    ("legal_aid", "Chuyển gửi trợ giúp pháp lý", "Refer to legal aid"),
    ("social_work", "Chuyển gửi Trung tâm công tác xã hội", "Refer to the social-work centre")]]

FORMS: dict[str, Form] = {
    "initial_assessment": Form("Đánh giá nguy cơ ban đầu", [
        C("harm_severity", "Mức độ nghiêm trọng của tổn hại", "Severity of harm", LEVELS, required=True),
        C("abuser_access", "Khả năng tiếp cận của đối tượng xâm hại", "Abuser's access to the child", LEVELS, required=True),
        C("care_obstacles", "Trở ngại trong môi trường chăm sóc", "Obstacles in the care environment", LEVELS, required=True),
        C("self_protection", "Khả năng tự bảo vệ của trẻ", "Child's self-protection capacity", LEVELS, required=True),
        B("serious_harm", "Trẻ bị đe dọa hoặc bị tổn hại nghiêm trọng đến tính mạng, sức khỏe, nhân phẩm",
          "Serious harm or threat to life, health or dignity"),
        B("caregiver_is_abuser", "Cha mẹ / người chăm sóc là người xâm hại", "The parent or caregiver is the abuser"),
        M("abuse_forms", "Hình thức xâm hại", "Forms of abuse", ABUSE_FORMS),
        CRIME_FLAG,
        C("special_circumstance_group", "Nhóm trẻ em có hoàn cảnh đặc biệt", "Special-circumstance group", SPECIAL_GROUPS),
        C("risk_conclusion", "Kết luận chung về mức độ nguy cơ", "Overall risk conclusion", LEVELS, required=True),
        A("assessment_notes", "Nhận định, kết luận đánh giá", "Assessment and conclusion", required=True),
    ], form_no="Mẫu 02"),
    "emergency_decision": Form("Quyết định biện pháp khẩn cấp", [
        M("emergency_measures", "Biện pháp khẩn cấp", "Emergency measures", [
            ("stop_harm", "Phối hợp công an ngăn chặn hành vi xâm hại", "Police stop the harm"),
            ("first_aid", "Sơ cứu, cấp cứu, chăm sóc y tế", "First aid and emergency care"),
            ("safe_place", "Đưa trẻ đến nơi an toàn", "Move the child to safety"),
            ("preserve_evidence", "Bảo quản chứng cứ", "Preserve evidence")], required=True),
        B("separation_ordered", "Quyết định tạm thời cách ly trẻ khỏi môi trường, người gây tổn hại",
          "Order temporary separation (Điều 32)"),
        T("shelter_place", "Nơi tạm trú an toàn", "Safe temporary shelter"),
        T("alternative_carer", "Người / cơ sở chăm sóc thay thế", "Alternative carer"),
        A("decision_notes", "Nội dung quyết định", "Decision", required=True),
    ]),
    "emergency_intervention": Form("Can thiệp khẩn cấp", [
        A("actions_taken", "Các biện pháp đã thực hiện", "Measures carried out", required=True),
        B("police_involved", "Đã phối hợp công an", "Police involved"),
        B("health_involved", "Đã phối hợp cơ sở y tế", "Health facility involved"),
        B("evidence_preserved", "Đã bảo quản đồ vật, tài liệu liên quan", "Evidence preserved"),
        B("child_safe_now", "Trẻ hiện đã an toàn", "The child is safe now"),
    ]),
    "specific_assessment": Form("Đánh giá chi tiết, họp xác định nhu cầu", [
        A("physical_state", "Tình trạng thể chất", "Physical state", required=True),
        A("psychological_state", "Tình trạng tâm lý, tình cảm", "Psychological and emotional state", required=True),
        A("family_assessment", "Hoàn cảnh gia đình, khả năng bảo vệ của cha mẹ, gia đình",
          "Family circumstances and capacity to protect", required=True),
        D("needs_meeting_date", "Ngày họp xác định nhu cầu", "Date of the needs meeting", required=True),
        A("needs_meeting_participants", "Thành phần tham dự họp", "Meeting participants", required=True),
        B("child_consulted", "Đã lấy ý kiến của trẻ (từ đủ 7 tuổi)", "The child (7 or older) was consulted"),
        M("needs", "Nhu cầu hỗ trợ, can thiệp", "Support needs", SERVICES, required=True),
    ], form_no="Mẫu 03"),
    "draft_plan": PlanForm("Kế hoạch hỗ trợ, can thiệp", [
        A("plan_objectives", "Mục tiêu", "Objectives", required=True),
        A("plan_measures", "Các biện pháp, người thực hiện, thời gian", "Measures, who, when", required=True),
        *REFER_FLAGS,
        *SHARING_FIELDS,
        M("plan_assignees", "Cơ quan, tổ chức, cá nhân được phân công thực hiện", "Who carries out the measures",
          PLAN_ASSIGNEES),
        D("next_review_date", "Ngày rà soát dự kiến", "Planned review date"),
    ], form_no="Mẫu 04"),
    # opens on the rejected plan: its fields carry the same names, so the task's data holds the rejected content
    "revise_plan": PlanForm("Chỉnh sửa kế hoạch", [
        A("revision_notes", "Nội dung chỉnh sửa", "What was changed", required=True),
        A("plan_objectives", "Mục tiêu", "Objectives", required=True),
        A("plan_measures", "Các biện pháp sau chỉnh sửa", "Measures after revision", required=True),
        *REFER_FLAGS,
        *SHARING_FIELDS,
        M("plan_assignees", "Cơ quan, tổ chức, cá nhân được phân công thực hiện", "Who carries out the measures",
          PLAN_ASSIGNEES),
        D("next_review_date", "Ngày rà soát dự kiến", "Planned review date"),
    ], form_no="Mẫu 04", prefill=True),
    "approve_plan": Form("Phê duyệt kế hoạch", [
        C("approval_decision", "Quyết định của Chủ tịch", "Chairman's decision", [
            ("approve", "Phê duyệt kế hoạch", "Approve the plan"),
            ("revise", "Yêu cầu chỉnh sửa", "Send back for revision")], required=True),
        T("decision_number", "Số quyết định", "Decision number"),
        D("approval_meeting_date", "Ngày họp", "Meeting date"),
        A("approval_meeting_participants", "Thành phần họp (cơ quan, tổ chức liên quan, đại diện khu dân cư, cha mẹ "
          "hoặc người chăm sóc)", "Meeting participants (agencies, residential area, parents or caregiver)"),
        A("parents_views", "Ý kiến của cha mẹ, người chăm sóc trẻ", "Views of the parents or caregiver"),
        A("approval_notes", "Ý kiến của Chủ tịch", "Chairman's remarks", required=True),
    ], form_no="Mẫu 05"),
    "accept_transfer": Form("Tiếp nhận hồ sơ chuyển đến", [
        T("assigned_officer", "Cán bộ được giao theo dõi", "Officer assigned", required=True),
        A("transfer_notes", "Ghi chú tiếp nhận", "Notes", required=False),
    ]),
    "review_visit": Form("Rà soát, đánh giá thực hiện kế hoạch", [
        D("visit_date", "Ngày theo dõi", "Visit date", required=True),
        C("harm_still_serious", "Mức độ nghiêm trọng của tổn hại", "Severity of harm now", LEVELS, required=True),
        C("abuser_access", "Khả năng tiếp cận của đối tượng xâm hại", "Abuser's access to the child", LEVELS, required=True),
        C("care_obstacles", "Trở ngại trong môi trường chăm sóc", "Obstacles in the care environment", LEVELS, required=True),
        C("recovery_capacity", "Khả năng tự bảo vệ, phục hồi của trẻ", "Self-protection and recovery", LEVELS, required=True),
        A("review_notes", "Nhận xét", "Notes", required=True),
        C("review_outcome", "Đề xuất", "Proposal", [
            ("continue", "Tiếp tục theo dõi", "Continue monitoring"),
            ("close", "Kết thúc kế hoạch", "Close the plan"),
            ("new_plan", "Xây dựng kế hoạch mới", "Make a new plan")], required=True),
    ], form_no="Mẫu 06"),
    "close_case": Form("Kết thúc kế hoạch, đóng hồ sơ", [
        C("closure_decision", "Quyết định của Chủ tịch về đề xuất kết thúc", "Chairman's decision on the proposed closure", [
            ("close", "Đồng ý kết thúc kế hoạch", "Close the plan"),
            ("continue", "Không đồng ý: tiếp tục thực hiện, theo dõi kế hoạch", "Refuse: the plan continues")],
          required=True),
        C("closure_outcome", "Kết quả", "Outcome", [
            ("safe_stable", "Trẻ an toàn, ổn định", "Child safe and stable"),
            ("moved", "Trẻ chuyển nơi cư trú", "Child moved away"),
            ("other", "Khác", "Other")]),
        A("closure_notes", "Căn cứ kết thúc hoặc lý do không đồng ý", "Grounds for closure, or for refusing it",
          required=True),
        # TT 13/2021 (trẻ em được hỗ trợ; xử lý đối tượng xâm hại, NĐ 130/2021): recorded when the case closes
        M("support_provided", "Các hình thức hỗ trợ trẻ đã được nhận", "Support the child received", SUPPORT_KINDS),
        *CLOSURE_FIELDS,
    ]),
    "arrange_alternative_care": Form("Bố trí nơi tạm trú, chăm sóc thay thế", [
        T("shelter_place", "Nơi tạm trú an toàn", "Safe shelter", required=True),
        T("alternative_carer", "Người / cơ sở chăm sóc thay thế", "Alternative carer", required=True),
        A("care_notes", "Ghi chú", "Notes"),
    ]),
    "separation_review": Form("Rà soát cách ly", [
        C("separation_action", "Quyết định", "Decision", [
            ("revoke", "Chấm dứt cách ly, trẻ trở về", "Revoke; the child returns"),
            ("extend", "Gia hạn theo yêu cầu của cơ quan có thẩm quyền", "Extend at a competent authority's request")],
          required=True),
        A("separation_review_notes", "Căn cứ", "Grounds", required=True),
    ]),
    "record_extension": Form("Gia hạn cách ly", [
        T("extension_authority", "Cơ quan có thẩm quyền yêu cầu", "Requesting authority", required=True),
        T("extension_decision", "Số, ngày văn bản yêu cầu gia hạn", "Number and date of the extension decision",
          required=True),
        D("extension_until", "Gia hạn đến ngày (theo văn bản)", "Extended until (as the decision says)", required=True),
        A("extension_reason", "Lý do", "Reason", required=True),
    ]),
    "end_extended_separation": Form("Chấm dứt cách ly", [
        A("separation_end_notes", "Căn cứ chấm dứt", "Grounds", required=True)]),
}

for _code in REFERRAL_CODES:
    FORMS[f"{_code}_acknowledge"] = Form("Xác nhận tiếp nhận chuyển gửi", [
        T("contact_person", "Cán bộ đầu mối", "Contact person", required=True),
        A("planned_action", "Dự kiến hỗ trợ", "Planned support", required=True)])
    FORMS[f"{_code}_report_outcome"] = Form("Báo cáo kết quả hỗ trợ", [
        C("service_outcome", "Kết quả", "Outcome", [
            ("provided", "Đã hỗ trợ đầy đủ", "Provided"),
            ("partial", "Hỗ trợ một phần", "Partly provided"),
            ("not_provided", "Chưa hỗ trợ được", "Not provided")], required=True),
        A("service_notes", "Nội dung", "Details", required=True)])
    FORMS[f"{_code}_escalate_ack"] = ESCALATION

CRIME_HANDLING = [
    ("accepted", "Tiếp nhận là tố giác, tin báo về tội phạm", "Accepted as a crime report"),
    ("transferred", "Đã chuyển Cơ quan điều tra có thẩm quyền", "Passed to the competent investigating body"),
    ("not_crime", "Không có dấu hiệu tội phạm", "No sign of a crime")]
CRIME_RESULTS = [
    ("prosecuted", "Khởi tố vụ án hình sự", "Criminal case opened"),
    ("not_prosecuted", "Không khởi tố vụ án hình sự", "No criminal case"),
    ("suspended", "Tạm đình chỉ việc giải quyết nguồn tin", "Resolution of the report suspended")]
FORMS["police_crime_report"] = Form("Tiếp nhận tin báo về tội phạm", [
    C("crime_report_handling", "Xử lý tin báo theo Bộ luật Tố tụng hình sự", "Handling under the Criminal Procedure Code",
      CRIME_HANDLING, required=True),
    D("crime_report_received_on", "Ngày tiếp nhận tin báo", "Date the report was received", required=True),
    T("crime_report_number", "Số biên bản tiếp nhận", "Number of the receipt record"),
    A("crime_report_notes", "Ghi chú", "Notes")])
FORMS["police_crime_result"] = Form("Kết quả giải quyết tin báo", [
    C("crime_report_result", "Kết quả", "Result", CRIME_RESULTS, required=True),
    D("crime_report_result_on", "Ngày ra quyết định", "Date of the decision", required=True),
    T("crime_report_decision", "Số quyết định", "Decision number"),
    A("crime_report_result_notes", "Ghi chú", "Notes")])
FORMS["police_crime_overdue"] = Form("Quá 20 ngày chưa có kết quả giải quyết tin báo", [
    C("crime_report_extension", "Tình trạng", "Status", [
        ("extended", "Đã kéo dài / gia hạn thời hạn giải quyết (Điều 147.2–147.3)", "Time limit extended"),
        ("pending", "Chưa có kết quả, đã đôn đốc", "Still pending, urged")], required=True),
    D("crime_report_extended_until", "Kéo dài / gia hạn đến ngày", "Extended until"),
    A("escalation_action", "Ghi chú", "Notes", required=True)])

for _task in ("escalate_response_overdue", "escalate_response_police", "escalate_plan_overdue",
              "escalate_separation_limit", "escalate_extension_end", "escalate_care_overdue",
              "escalate_care_police", *(f"{code}_escalate_ack_head" for code in REFERRAL_CODES)):
    FORMS[_task] = ESCALATION
for _task in ("escalate_response_province", "escalate_approval_overdue", "escalate_care_province",
              "escalate_separation_province"):
    FORMS[_task] = PROVINCE_ESCALATION
