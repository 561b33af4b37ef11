"""Every time limit of the procedure, in one place, with its start event and legal basis.

BPMN timers call ``due("rule")``; inbox due dates and compliance reports use the same rules.
Start fields are task-data keys; ``<task>_completed_at`` is stamped by the engine when a task is done.
"""

from engine.workdays import DeadlineRule

PROVINCE = "lane_provincial_health"
CHAIRMAN = "lane_commune_chairman"

RULES = [
    DeadlineRule("emergency_response", 12, "hours", "received_at",
                 "Can thiệp khẩn cấp / tạm thời cách ly trong 12 giờ kể từ khi nhận thông tin",
                 "Emergency protection or separation within 12 hours of first receipt",
                 "NĐ 56/2017 Điều 26.3, 31.1, 32", escalate_to=PROVINCE),
    DeadlineRule("plan_drafting", 5, "working_days", "plan_cycle_started_at",
                 "Xây dựng kế hoạch hỗ trợ, can thiệp trong 05 ngày làm việc",
                 "Draft the support/intervention plan within 5 working days of the assessment",
                 "NĐ 56/2017 Điều 28.1", escalate_to=CHAIRMAN),
    DeadlineRule("plan_approval", 2, "working_days", "plan_submitted_at",
                 "Chủ tịch UBND xã phê duyệt kế hoạch (tổng thủ tục 07 ngày làm việc)",
                 "Chairman approves the plan (7 working days for the whole procedure)",
                 "TTHC 1.004946; NĐ 56/2017 Điều 28", escalate_to=PROVINCE),
    DeadlineRule("separation_limit", 15, "days", "emergency_decision_completed_at",
                 "Thời gian tạm thời cách ly tối đa 15 ngày",
                 "Temporary separation lasts at most 15 days",
                 "NĐ 56/2017 Điều 32", escalate_to=PROVINCE),
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
DEADLINES = {rule.name: rule for rule in RULES}

REFERRAL_CODES = ("police", "health", "education", "legal_aid", "social_work")

# Which user task is due when: the due instant shown in inboxes and checked for on-time steps.
TASK_DEADLINES = {
    "initial_assessment": "emergency_response",
    "emergency_decision": "emergency_response",
    "emergency_intervention": "emergency_response",
    "arrange_alternative_care": "emergency_response",
    "specific_assessment": "plan_drafting",
    "draft_plan": "plan_drafting",
    "approve_plan": "plan_approval",
    "separation_review": "separation_limit",
    **{f"{code}_acknowledge": f"referral_ack_{code}" for code in REFERRAL_CODES},
}

# Statutory guards: these tasks must keep a boundary timer on these rules in every version.
REQUIRED_TIMERS = {
    "initial_assessment": "emergency_response",
    "emergency_decision": "emergency_response",
    "emergency_intervention": "emergency_response",
    "draft_plan": "plan_drafting",
}
