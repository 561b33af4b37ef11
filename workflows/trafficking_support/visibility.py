"""Need-to-know for the trafficking-victim case (Luật PCMBN 2024 Điều 3 khoản 10: no disclosure of a victim's
information without their consent, save where the law provides). A role sees the union of its groups; the
reporter's identity is seen only by the commune that received the report and by the hotline."""

from __future__ import annotations

from workflows.trafficking_support.forms import FORMS
from workflows.trafficking_support.forms import INTAKE

GROUPS = {
    "identity": ["person_name", "person_sex", "person_birth_date", "person_age", "nationality",
                 "person_current_location", "residence_commune", "incident_commune", "accompanying_minors"],
    "report": ["channel", "receiving_body", "received_at", "trafficking_purposes", "trafficked_abroad",
               "destination_country", "description", "person_consent"],
    "reception": ["handover_record_number", "handover_notes", "received_by", "urgent_needs_given", "first_aid_given",
                  "reception_notes"],
    "verification": ["verification_outcome", "victim_documents", "verification_findings", "identification_result",
                     "certificate_number", "identified_age", "identification_notes", "not_victim_grounds",
                     "travel_home_support", "other_referral"],
    "child": ["child_protection_reference", "cp_referral_notes"],
    "support": ["support_measures", "interpretation_needed", "travel_support", "residence_commune_confirmed",
                "needs_notes", "shelter_place", "stay_from", "essential_items", "health_checkup_done",
                "health_insurance_first_year", "health_notes", "psych_sessions", "psych_notes", "legal_aid_form",
                "legal_aid_notes"],
    "reintegration": ["assigned_officer", "handover_residence_notes", "education_support", "education_notes",
                      "allowance_decision_number", "allowance_amount", "allowance_notes", "visit_date",
                      "reintegration_status", "follow_up_notes", "follow_up_outcome", "closure_outcome",
                      "closure_notes"],
    "oversight": ["escalation_action"],
    "reporter": ["reporter_name", "reporter_phone"],
}

ALL_CASEWORK = {"identity", "report", "reception", "verification", "child", "support", "reintegration", "oversight"}
ROLE_GROUPS = {
    "commune_social_officer": ALL_CASEWORK | {"reporter"},
    "commune_chairman": ALL_CASEWORK,
    "hotline": {"identity", "report", "reporter"},
    "commune_police": {"identity", "report", "reception"},
    "border_guard": {"identity", "report", "reception"},
    "commune_officer": {"identity", "report", "child", "support"},
    "provincial_health": ALL_CASEWORK,
    "provincial_police": {"identity", "report", "reception", "verification"},
    "social_assistance_facility": {"identity", "support"},
    "health_station": {"identity", "support"},
    "social_work_centre": {"identity", "support", "reintegration"},
    "legal_aid": {"identity", "report", "support"},
    "provincial_committee": {"identity", "report", "verification", "support", "reintegration", "oversight"},
}

SENSITIVE = set(GROUPS["reporter"])


def visible_fields(role: str) -> set[str]:
    return {f for g in ROLE_GROUPS.get(role, set()) for f in GROUPS[g]}


def filter_case_data(data: dict, role: str) -> dict:
    allowed = visible_fields(role)
    return {k: v for k, v in data.items() if k in allowed}


def unseen_fields() -> set[str]:
    """Form fields no role may see (a test keeps this empty)."""
    seen = {f for role in ROLE_GROUPS for f in visible_fields(role)}
    names = {fl.name for form in [INTAKE, *FORMS.values()] for fl in form.fields}
    return names - seen
