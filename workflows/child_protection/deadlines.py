"""Every time limit of the procedure, in one place, with its start event and legal basis.

BPMN timers call ``due("rule")``; inbox due dates and compliance reports use the same rules.
Start fields are task-data keys; ``<task>_completed_at`` is stamped by the engine when a task is done.

Limits marked "chỉ tiêu của tỉnh" are the province's own settings, never cited as law; the environment
variables named beside them let a province change them without a code change.
"""

from __future__ import annotations

import datetime as dt
import os

from engine.workdays import VN_TZ
from engine.workdays import DeadlineRule
from engine.workdays import WorkCalendar
from engine.workdays import end_of_day

PROVINCE = "lane_provincial_health"
CHAIRMAN = "lane_commune_chairman"
POLICE = "lane_commune_police"

# The province's own settings (not statutory): hours an escalation of the missed 12 hours may stay open before
# the province is alerted, and the internal target for the chairman's approval inside the 07 working days.
RESPONSE_ESCALATION_HOURS = int(os.environ.get("BVTE_RESPONSE_ESCALATION_HOURS", "2"))
APPROVAL_TARGET_WORKING_DAYS = int(os.environ.get("BVTE_APPROVAL_TARGET_WORKING_DAYS", "2"))
# hours the chairman has to decide on a separation past its 15 days (or past an extension's end) before the
# province is told; the law fixes the maximum (NĐ 56/2017 Điều 32), not how fast an overrun is acted on
SEPARATION_ESCALATION_HOURS = int(os.environ.get("BVTE_SEPARATION_ESCALATION_HOURS", "4"))
PROVINCE_BASIS = "Chỉ tiêu của tỉnh; NĐ 42/2025/NĐ-CP (Bộ Y tế quản lý nhà nước về trẻ em)"

APPROVAL_TTHC = ("TTHC «Phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em bị xâm hại hoặc có nguy cơ bị bạo lực, "
                 "bóc lột, bỏ rơi và trẻ em có hoàn cảnh đặc biệt» (UBND cấp xã; 07 ngày làm việc, trừ trường hợp "
                 "khẩn cấp); Luật Trẻ em Điều 52.2; NĐ 56/2017 Điều 28")


class MaximumDaysRule(DeadlineRule):
    """A maximum length in calendar days (a measure that restricts the child's family life).

    Counted as BLDS 2015 Điều 147.1 and 148.1 say: the day of the decision is not counted, and the period ends at
    the end (24:00) of its last day. The roll-over of Điều 148.5 (a last day that is a day off moves to the next
    working day) is NOT applied: it gives someone who must act at an office more time; applied to a maximum it would
    silently lengthen the separation. The chairman (or the on-call deputy) decides on or before the last day.
    """

    def due(self, start: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
        return end_of_day(start.astimezone(VN_TZ).date() + dt.timedelta(days=self.amount))


RULES = [
    DeadlineRule("emergency_response", 12, "hours", "received_at",
                 "Can thiệp khẩn cấp / tạm thời cách ly trong 12 giờ kể từ khi nhận thông tin",
                 "Emergency protection or separation within 12 hours of first receipt",
                 "NĐ 56/2017 Điều 26.3, 31.1, 32", escalate_to=CHAIRMAN),
    # new danger while the case is open (issue #16.3): a new initial assessment with its own 12 hours, counted from
    # the receipt of the new information (BLDS 2015 Điều 147.1: a limit in hours runs from the stated moment)
    DeadlineRule("danger_response", 12, "hours", "danger_received_at",
                 "Nguy cơ mới: đánh giá lại, can thiệp khẩn cấp / tạm thời cách ly trong 12 giờ kể từ khi nhận thông tin mới",
                 "New danger: reassess and protect or separate within 12 hours of receiving the new information",
                 "NĐ 56/2017 Điều 26.2, 26.3, 31.1, 32; Luật Trẻ em Điều 52.3", escalate_to=CHAIRMAN),
    DeadlineRule("response_escalation", RESPONSE_ESCALATION_HOURS, "hours", "response_escalated_at",
                 "Xử lý cảnh báo quá hạn 12 giờ (chỉ tiêu của tỉnh; quá hạn thì báo Sở Y tế)",
                 "Act on the missed-12-hours alert (provincial setting; then the province is alerted)",
                 "Chỉ tiêu của tỉnh (BVTE_RESPONSE_ESCALATION_HOURS); trách nhiệm theo NĐ 56/2017 Điều 26.3",
                 escalate_to=PROVINCE),
    DeadlineRule("province_response", 1, "working_days", "response_escalated_at",
                 "Sở Y tế hướng dẫn, kiểm tra, đôn đốc xã (chỉ tiêu của tỉnh)",
                 "Provincial health department guides, checks and urges the commune (provincial setting)",
                 PROVINCE_BASIS, escalate_to=PROVINCE),
    DeadlineRule("plan_drafting", 5, "working_days", "plan_cycle_started_at",
                 "Xây dựng kế hoạch hỗ trợ, can thiệp trong 05 ngày làm việc",
                 "Draft the support/intervention plan within 5 working days of the assessment",
                 "NĐ 56/2017 Điều 28.1", escalate_to=CHAIRMAN),
    DeadlineRule("plan_approval", 7, "working_days", "plan_submitted_at",
                 "Phê duyệt kế hoạch hỗ trợ, can thiệp: 07 ngày làm việc cho toàn bộ thủ tục",
                 "Approval of the support/intervention plan: 7 working days for the whole procedure",
                 APPROVAL_TTHC, escalate_to=PROVINCE),
    DeadlineRule("plan_approval_target", APPROVAL_TARGET_WORKING_DAYS, "working_days", "plan_submitted_at",
                 "Chủ tịch phê duyệt kế hoạch (chỉ tiêu nội bộ của tỉnh, không phải thời hạn luật định)",
                 "Chairman approves the plan (the province's internal target, not a statutory limit)",
                 "Chỉ tiêu của tỉnh (BVTE_APPROVAL_TARGET_WORKING_DAYS), trong 07 ngày làm việc của TTHC"),
    MaximumDaysRule("separation_limit", 15, "days", "emergency_decision_completed_at",
                    "Thời gian tạm thời cách ly tối đa 15 ngày (hết 24:00 ngày thứ 15, không lùi sang ngày làm việc)",
                    "Temporary separation lasts at most 15 days (ends 24:00 of day 15, no roll-over)",
                    "NĐ 56/2017 Điều 32; BLDS 2015 Điều 147.1, 148.1 (không áp dụng Điều 148.5 cho mức tối đa)",
                    escalate_to=CHAIRMAN),
    DeadlineRule("separation_extension_end", 1, "instant", "extension_ends_at",
                 "Hết thời hạn gia hạn cách ly ghi trong quyết định của cơ quan có thẩm quyền",
                 "End of the separation extension fixed by the competent authority's decision",
                 "NĐ 56/2017 Điều 32 (gia hạn theo yêu cầu của cơ quan có thẩm quyền)", escalate_to=CHAIRMAN),
    DeadlineRule("separation_escalation", SEPARATION_ESCALATION_HOURS, "hours", "separation_escalated_at",
                 "Chủ tịch UBND xã quyết định ngay về cách ly quá hạn (chỉ tiêu của tỉnh; quá hạn thì báo Sở Y tế)",
                 "The chairman decides at once on an overrun separation (provincial setting; then the province)",
                 "Chỉ tiêu của tỉnh (BVTE_SEPARATION_ESCALATION_HOURS); mức tối đa theo NĐ 56/2017 Điều 32",
                 escalate_to=PROVINCE),
    DeadlineRule("province_response_separation", 1, "working_days", "separation_escalated_at",
                 "Sở Y tế hướng dẫn, kiểm tra, đôn đốc xã về cách ly quá hạn (chỉ tiêu của tỉnh)",
                 "Provincial health department guides and urges the commune on an overrun separation",
                 PROVINCE_BASIS + "; NĐ 56/2017 Điều 32", escalate_to=PROVINCE),
    DeadlineRule("crime_report_resolution", 20, "days", "crime_reported_at",
                 "Giải quyết tố giác, tin báo về tội phạm trong 20 ngày (có thể kéo dài, gia hạn)",
                 "Resolve a crime report within 20 days (extendable)",
                 "NĐ 56/2017 Điều 25.3; BLTTHS 2015 Điều 145, 147.1 (kéo dài/gia hạn: Điều 147.2–147.3)",
                 escalate_to=POLICE),
    DeadlineRule("referral_ack_police", 1, "working_days", "approve_plan_completed_at",
                 "Công an xác nhận tiếp nhận chuyển gửi", "Police acknowledge the referral",
                 "Quy chế phối hợp (cấu hình tỉnh)", escalate_to=CHAIRMAN),
    DeadlineRule("referral_ack_health", 1, "working_days", "approve_plan_completed_at",
                 "Cơ sở y tế xác nhận tiếp nhận chuyển gửi", "Health facility acknowledges the referral",
                 "Quy chế phối hợp (cấu hình tỉnh)", escalate_to=CHAIRMAN),
    DeadlineRule("referral_ack_education", 2, "working_days", "approve_plan_completed_at",
                 "Nhà trường xác nhận tiếp nhận chuyển gửi", "School acknowledges the referral",
                 "Quy chế phối hợp (cấu hình tỉnh)", escalate_to=CHAIRMAN),
    DeadlineRule("referral_ack_legal_aid", 3, "working_days", "approve_plan_completed_at",
                 "Trung tâm trợ giúp pháp lý xác nhận tiếp nhận", "Legal-aid centre acknowledges the referral",
                 "Luật Trợ giúp pháp lý 2017 (cấu hình tỉnh)", escalate_to=CHAIRMAN),
    DeadlineRule("referral_ack_social_work", 2, "working_days", "approve_plan_completed_at",
                 "Trung tâm công tác xã hội xác nhận tiếp nhận", "Social-work centre acknowledges the referral",
                 "Quy chế phối hợp (cấu hình tỉnh)", escalate_to=CHAIRMAN),
]
from workflows.child_protection.incident_report import RULE as INCIDENT_RULE  # noqa: E402

RULES.append(INCIDENT_RULE)   # báo cáo đột xuất (#21.4): the province's 1 day
DEADLINES = {rule.name: rule for rule in RULES}

REFERRAL_CODES = ("police", "health", "education", "legal_aid", "social_work")

# Which user task is due when: the due instant shown in inboxes and checked for on-time steps.
TASK_DEADLINES = {
    "initial_assessment": "emergency_response",
    "emergency_decision": "emergency_response",
    "emergency_intervention": "emergency_response",
    "arrange_alternative_care": "emergency_response",
    "escalate_response_overdue": "response_escalation",
    "escalate_response_police": "response_escalation",
    "escalate_response_province": "province_response",
    "danger_assessment": "danger_response",
    "danger_decision": "danger_response",
    "danger_intervention": "danger_response",
    "escalate_care_overdue": "response_escalation",
    "escalate_care_police": "response_escalation",
    "escalate_care_province": "province_response",
    "escalate_separation_limit": "separation_escalation",
    "escalate_extension_end": "separation_escalation",
    "escalate_separation_province": "province_response_separation",
    "specific_assessment": "plan_drafting",
    "draft_plan": "plan_drafting",
    "approve_plan": "plan_approval",
    "separation_review": "separation_limit",
    "end_extended_separation": "separation_extension_end",
    "police_crime_result": "crime_report_resolution",
    "report_incident": "incident_report",
    **{f"{code}_acknowledge": f"referral_ack_{code}" for code in REFERRAL_CODES},
}

# Statutory guards: these tasks must keep a boundary timer on these rules in every version.
REQUIRED_TIMERS = {
    "initial_assessment": "emergency_response",
    "emergency_decision": "emergency_response",
    "emergency_intervention": "emergency_response",
    "draft_plan": "plan_drafting",
    "approve_plan": "plan_approval",
    "separation_review": "separation_limit",
    "end_extended_separation": "separation_extension_end",
    "police_crime_result": "crime_report_resolution",
    "danger_assessment": "danger_response",
    "danger_decision": "danger_response",
    "danger_intervention": "danger_response",
    # every escalation keeps its own limit (issue #16.4)
    "escalate_response_overdue": "response_escalation",
    "escalate_response_police": "response_escalation",
    "escalate_response_province": "province_response",   # quá hạn: đánh dấu, báo trực ban Sở Y tế ngay
    "escalate_care_overdue": "response_escalation",
    "escalate_care_police": "response_escalation",
    "escalate_separation_limit": "separation_escalation",
    "escalate_extension_end": "separation_escalation",
}
