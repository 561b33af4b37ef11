"""Need-to-know: which case fields each agency type may see (NĐ 56/2017 Điều 33; Luật Trẻ em Điều 6.11, 54).

Fields are grouped; a role sees the union of its groups. Unknown fields are hidden unless a group lists them.
On one case (``filter_for_case``, given a ``CaseView``) two rules narrow this further (issue #16.7):

* **The reporter.** Mẫu số 01 records the informant only "nếu người báo tin đồng ý" (``intake.open_case``
  discards the name, phone, address and relation otherwise). The commune officer, who receives every report
  of the commune (Luật Trẻ em Điều 51; NĐ 56/2017 Điều 23.1), sees them; the hotline sees them only on a case
  whose report its own agency recorded (``Case.intake_agency_id``): another hotline, or any agency on a case
  from another channel, sees none. Under emergency access (break-glass) nobody sees them (``webui.access``).
* **The child's identity at referral agencies** (school, health station, legal aid, social-work centre,
  commune police). Luật Trẻ em Điều 54 and NĐ 56/2017 Điều 33 let an agency receive a child's private
  information only as far as its task of support or intervention needs it; Luật Bảo vệ dữ liệu cá nhân 2025
  (91/2025/QH15) Điều 3 asks for the minimum data for the purpose. What each task needs (``TASK_IDENTITY``):

  - police (referral, crime report under BLTTHS 2015 Điều 145–147, the 12-hour escalation): the whole identity,
    the current location included: they stop the harm and may have to reach the child at once (NĐ 56 Điều 25.3,
    31.1);
  - health station: name, sex, birth date and age, where the child is now: care is given where the child is
    (NĐ 56 Điều 30, 31.1);
  - school: name, sex, birth date and age, not the current location: the school supports its pupil at school
    (NĐ 56 Điều 30.2: hòa nhập trường học), and a child in a safe place is not found through it;
  - legal aid: name, sex, birth date and age and the residence commune (who is represented, Luật Trợ giúp pháp
    lý 2017 Điều 7), not the current location;
  - social-work centre: the whole identity (case management, safe shelter and alternative care, NĐ 56 Điều 31);
  - an agency's line management urged about an overdue acknowledgement (``*_escalate_ack_head``): the sex and
    age only: it urges its own unit, it does not serve the child.

  An agency's identity on a case is the union over the tasks it holds or held there; with no such task (emergency
  access) it is what its own kind of task would get. Other groups follow the role.

The consent to share a child's data with these agencies, or the legal exception used, is recorded on the plan
(``consent``; Luật Bảo vệ dữ liệu cá nhân 2025 Điều 9, 19.1, 24.2).
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
             "parents_views", "support_provided",
             # the consent to share the child's data with referral agencies, or the exception (``consent``)
             "child_data_sharing_basis", "child_data_consent_by", "child_data_consent_on"],
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
    "referral": ["plan_measures", "needs", "contact_person", "planned_action", "service_outcome", "service_notes",
                 "child_data_sharing_basis"],
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


IDENTITY = frozenset(GROUPS["identity"])
_NAME = frozenset({"child_name", "child_sex", "child_age", "child_birth_date"})
# task-name prefix -> the child's identity that task needs (see the module docstring for the grounds)
TASK_IDENTITY: dict[str, frozenset[str]] = {
    "police": IDENTITY,
    "health": _NAME | {"child_current_location", "residence_commune"},
    "education": _NAME | {"residence_commune"},
    "legal_aid": _NAME | {"residence_commune"},
    "social_work": IDENTITY,
}
HEAD_IDENTITY = frozenset({"child_sex", "child_age"})
# the referral agencies and the kind of task each is sent
REFERRAL_ROLES = {"commune_police": "police", "health_station": "health", "school": "education",
                  "legal_aid": "legal_aid", "social_work_centre": "social_work"}
# the police's own tasks outside the referral (the crime report, the escalations of the 12 hours and of care)
POLICE_TASKS = frozenset({"escalate_response_police", "escalate_care_police"})


def task_identity(task: str) -> frozenset[str] | None:
    """The child's identity fields a task needs; None for a task that is no referral agency's."""
    if task.endswith("_escalate_ack_head"):
        return HEAD_IDENTITY
    if task in POLICE_TASKS:
        return TASK_IDENTITY["police"]
    for kind in sorted(TASK_IDENTITY, key=len, reverse=True):
        if task.startswith(kind + "_"):
            return TASK_IDENTITY[kind]
    return None


def filter_for_case(data: dict, role: str, view) -> dict:
    """``filter_case_data`` on one case: the reporter only for the agency that recorded the report (and the
    commune officer), the child's identity at a referral agency only as its tasks need (module docstring)."""
    allowed = visible_fields(role)
    if role != "commune_officer" and not view.own_intake:
        allowed -= SENSITIVE
    if role in REFERRAL_ROLES:
        needed = [task_identity(t) for t in view.tasks]
        known = [n for n in needed if n is not None]
        identity = frozenset().union(*known) if known else TASK_IDENTITY[REFERRAL_ROLES[role]]
        allowed = (allowed - IDENTITY) | (identity & allowed)
    return {k: v for k, v in data.items() if k in allowed}
