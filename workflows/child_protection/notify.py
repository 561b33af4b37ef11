"""What the procedure tells the notifications: the 12-hour emergency path and its escalations are
emergencies (SMS to the on-duty person, not deferred by quiet hours, not switched off), the reminders before
each limit, and who hears of a break-glass opening of a case."""

from __future__ import annotations

from engine.notify.settings import LeadTime
from engine.notify.settings import NotifySettings

HOURS_12 = (LeadTime(3), LeadTime(1))            # 3 h and 1 h before a 12-hour limit
WORKING_DAY = (LeadTime(1, "working_days"),)     # the last working day of a working-day limit

NOTIFY = NotifySettings(
    emergency_rules=frozenset({"emergency_response", "danger_response", "response_escalation", "province_response"}),
    emergency_tasks=frozenset({"escalate_response_overdue", "escalate_response_police",
                               "escalate_response_province"}),
    lead_times={"emergency_response": HOURS_12, "danger_response": HOURS_12, "response_escalation": (LeadTime(1),),
                "province_response": WORKING_DAY, "plan_drafting": WORKING_DAY, "plan_approval": WORKING_DAY,
                "plan_approval_target": WORKING_DAY, "separation_limit": (LeadTime(1, "working_days"),),
                "referral_ack_police": WORKING_DAY, "referral_ack_health": WORKING_DAY,
                "referral_ack_education": WORKING_DAY, "referral_ack_legal_aid": WORKING_DAY,
                "referral_ack_social_work": WORKING_DAY},
    break_glass_agencies=("commune_officer", "commune_chairman"),
)
