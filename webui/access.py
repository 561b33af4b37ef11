"""Who may do what in the web UI. Engine checks task ownership; this adds case-file scope."""

from __future__ import annotations

from engine.models import Case
from engine.runtime import agencies_involved
from workflows.child_protection.visibility import filter_case_data

INTAKE_ROLES = {"commune_officer", "hotline", "commune_police"}
COMMUNE_FULL_ROLES = {"commune_officer", "commune_chairman"}


def can_intake(user) -> bool:
    return user.role in INTAKE_ROLES


def case_scope(session, user, case: Case) -> str | None:
    """'full' for the commune's officer and chairman, 'partner' for an agency holding a task, else None."""
    communes = {case.commune_code, case.incident_commune_code, case.residence_commune_code}
    if user.role in COMMUNE_FULL_ROLES and user.commune_code in communes:
        return "full"
    if user.agency_id is not None and user.agency_id in agencies_involved(session, case.id):
        return "partner"
    return None


def visible_data(data: dict, user) -> dict:
    return filter_case_data(data, user.role)


def form_to_data(form, fields) -> dict:
    """Turn an HTML form post into typed data for the task's schema."""
    data = {}
    for f in fields:
        if f.kind == "bool":
            data[f.name] = form.get(f.name) in ("on", "true", "1", "yes")
        elif f.kind == "multichoice":
            data[f.name] = [v for v in form.getlist(f.name) if v]
        else:
            value = (form.get(f.name) or "").strip()
            if value:
                data[f.name] = value
    return data
