"""Need-to-know: which case fields each agency type may see (NĐ 56/2017 Điều 33; Luật Trẻ em Điều 6).

Fields are grouped; a role sees the union of its groups. The reporter's identity is seen only by the
commune officer and by the hotline that received it. Unknown fields are hidden unless a group lists them.
"""

from __future__ import annotations

GROUPS = {
    "identity": ["child_name", "child_sex", "child_age", "child_birth_date", "child_current_location",
                 "residence_commune", "incident_commune"],
    "report": ["channel", "case_category", "urgency", "received_at", "incident_place", "description",
               "child_condition", "likely_outcome", "abuse_forms", "special_circumstance_group",
               "actions_already_taken", "crime_suspected", "report_medium", "received_by", "child_age_16_17",
               "age_scope_note", "applicable_procedure", "incident_setting"],
    "social_history": ["parents_info", "family_situation", "harm_severity", "abuser_access", "care_obstacles",
                       "self_protection", "serious_harm", "caregiver_is_abuser", "assessment_notes",
                       "physical_state", "psychological_state", "family_assessment", "needs_meeting_date",
                       "needs_meeting_participants", "child_consulted", "needs", "review_notes",
                       "harm_still_serious", "recovery_capacity", "visit_date", "review_outcome", "risk_conclusion"],
    "emergency": ["emergency_measures", "separation_ordered", "shelter_place", "alternative_carer",
                  "decision_notes", "actions_taken", "police_involved", "health_involved", "evidence_preserved",
                  "child_safe_now", "care_notes", "separation_action", "separation_review_notes",
                  "extension_authority", "extension_decision", "extension_until", "extension_reason",
                  "separation_end_notes"],
    "plan": ["plan_objectives", "plan_measures", "next_review_date", "refer_police", "refer_health",
             "refer_education", "refer_legal_aid", "refer_social_work", "plan_approved", "approval_decision",
             "decision_number", "approval_meeting_date", "approval_notes", "revision_notes", "rejected_plans",
             "closure_outcome", "closure_notes", "closure_decision", "plan_assignees", "approval_meeting_participants",
             "parents_views", "support_provided"],
    # the hand-over to the residence commune (Luật Trẻ em Điều 52.2)
    "transfer": ["responsible_commune", "transferred_at", "assigned_officer", "transfer_notes"],
    # the criminal track (NĐ 56/2017 Điều 25.3; BLTTHS 2015 Điều 145, 147): its status, not the evidence
    "criminal": ["crime_report_handling", "crime_report_received_on", "crime_report_number", "crime_report_notes",
                 "crime_report_result", "crime_report_result_on", "crime_report_decision",
                 "crime_report_result_notes", "crime_report_extension", "crime_report_extended_until",
                 # how the perpetrators were handled, recorded at closure (NĐ 130/2021/NĐ-CP; TT 13/2021)
                 "perpetrator_count", "perpetrator_handling", "sanctions", "fine_amount", "sanction_decision"],
    # what was done on a missed limit, and Sở Y tế's guidance to the commune, shown on the case
    "escalation": ["escalation_action", "province_actions", "province_directive"],
    "referral": ["plan_measures", "needs", "contact_person", "planned_action", "service_outcome", "service_notes"],
    "reporter": ["reporter_anonymous", "reporter_name", "reporter_phone", "reporter_address", "reporter_consent",
                 "reporter_relation"],
}

ROLE_GROUPS = {
    "commune_officer": {"identity", "report", "social_history", "emergency", "plan", "referral", "reporter",
                        "transfer", "criminal", "escalation"},
    "commune_chairman": {"identity", "report", "social_history", "emergency", "plan", "referral", "transfer",
                         "criminal", "escalation"},
    "hotline": {"identity", "report", "reporter"},
    "commune_police": {"identity", "report", "emergency", "referral", "criminal", "escalation"},
    "health_station": {"identity", "emergency", "referral"},
    "school": {"identity", "referral"},
    "social_work_centre": {"identity", "report", "social_history", "plan", "referral"},
    "legal_aid": {"identity", "report", "referral"},
    "provincial_health": {"identity", "report", "emergency", "plan", "transfer", "escalation"},
}

SENSITIVE = set(GROUPS["reporter"])


def visible_fields(role: str) -> set[str]:
    return {f for g in ROLE_GROUPS.get(role, set()) for f in GROUPS[g]}


def filter_case_data(data: dict, role: str) -> dict:
    allowed = visible_fields(role)
    return {k: v for k, v in data.items() if k in allowed}
