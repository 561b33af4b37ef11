"""The ProcessConfig of the periodic follow-up (``bpmn/child_followup.bpmn``): lanes, forms, time limits."""

from __future__ import annotations

import os

from engine.process import EventRule
from engine.process import ProcessConfig
from engine.workdays import DeadlineRule
from workflows.fields import A
from workflows.fields import C
from workflows.fields import D
from workflows.forms import Form

PROCESS_ID = "child_followup"
MESSAGE = "ket_thuc_theo_doi"
CHAIRMAN = "lane_commune_chairman"
# working days the chairman has to act on an overdue review (the province's setting, not law)
ESCALATION_WORKING_DAYS = int(os.environ.get("BVTE_FOLLOWUP_ESCALATION_WORKING_DAYS", "5"))
SETTING_BASIS = ("Cấu hình của tỉnh (chu kỳ rà soát theo nhóm: bvte register followups interval); Luật Trẻ em 2016 "
                 "Điều 10.1, 50; luật không quy định chu kỳ")

YES_NO = [("yes", "Còn thuộc nhóm", "Still in the group"), ("no", "Không còn thuộc nhóm", "No longer in the group")]
REVIEW = Form("Rà soát định kỳ", [
    D("visit_date", "Ngày thăm, gặp trẻ", "Date of the visit", required=True),
    A("situation", "Tình hình của trẻ (sức khỏe, học tập, chăm sóc, an toàn)",
      "The child's situation (health, schooling, care, safety)", required=True),
    C("still_in_group", "Trẻ còn thuộc nhóm này không?", "Is the child still in this group?", YES_NO, required=True),
    A("support_needed", "Nhu cầu hỗ trợ", "Support needed"),
    A("next_step", "Bước tiếp theo (hỗ trợ, chuyển gửi, đề nghị kết thúc trong sổ theo dõi)",
      "Next step (support, referral, proposing to end the membership in the register)", required=True),
])
ESCALATION = Form("Chỉ đạo rà soát quá hạn", [
    A("escalation_action", "Biện pháp chỉ đạo, đôn đốc đã thực hiện", "Action taken on the overdue review",
      required=True)])
END_FORM = Form("Kết thúc theo dõi", [A("reason", "Lý do kết thúc (trẻ ra khỏi nhóm theo sổ theo dõi)",
                                        "Why the follow-up ends (the child left the group in the register)")])

DEADLINES = {
    "followup_opens": DeadlineRule(
        "followup_opens", 0, "instant", "review_opens_at",
        "Mở việc rà soát định kỳ trước hạn (số ngày nhắc trước: cấu hình của tỉnh)",
        "The periodic review opens before it is due (lead days: provincial setting)",
        "Cấu hình của tỉnh (BVTE_FOLLOWUP_LEAD_DAYS)"),
    "followup_review": DeadlineRule(
        "followup_review", 0, "instant", "review_due_at",
        "Rà soát định kỳ trẻ em có hoàn cảnh đặc biệt: hạn cuối kỳ (số tháng theo nhóm, cấu hình của tỉnh)",
        "Periodic review of a child in special circumstances: end of the period (months per group, provincial "
        "setting)", SETTING_BASIS, escalate_to=CHAIRMAN),
    "followup_escalation": DeadlineRule(
        "followup_escalation", ESCALATION_WORKING_DAYS, "working_days", "review_due_at",
        "Chủ tịch UBND xã chỉ đạo rà soát quá hạn (chỉ tiêu của tỉnh)",
        "The chairman acts on the overdue review (provincial setting)",
        "Chỉ tiêu của tỉnh (BVTE_FOLLOWUP_ESCALATION_WORKING_DAYS); Luật Trẻ em 2016 Điều 50"),
}


EVENTS = {("message", MESSAGE): EventRule(
    "message", MESSAGE, frozenset({"commune_officer"}), END_FORM,
    title_vi="Trẻ ra khỏi nhóm (kết thúc trong sổ theo dõi): kết thúc theo dõi định kỳ",
    title_en="The child left the group (ended in the register): the follow-up ends")}

CONFIG = ProcessConfig(
    process_id=PROCESS_ID,
    lane_agencies={"lane_commune_officer": "commune_officer", CHAIRMAN: "commune_chairman"},
    forms={"periodic_review": REVIEW, "escalate_review_overdue": ESCALATION},
    deadlines=DEADLINES,
    task_deadlines={"periodic_review": "followup_review", "escalate_review_overdue": "followup_escalation"},
    bpmn_files=["child_followup.bpmn"],
    events=EVENTS,
)
