"""Who may do what in the web UI. Engine checks task ownership; this adds case-file scope."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import BreakGlass
from engine.models import Case
from engine.runtime import agencies_involved
from workflows.child_protection.visibility import filter_case_data

INTAKE_ROLES = {"commune_officer", "hotline", "commune_police"}
COMMUNE_FULL_ROLES = {"commune_officer", "commune_chairman"}


def can_intake(user) -> bool:
    return user.role in INTAKE_ROLES


BREAK_GLASS_ROLES = {"commune_officer", "commune_chairman", "provincial_health", "hotline", "commune_police"}
BREAK_GLASS_HOURS = 2


def case_scope(session, user, case: Case, now=None) -> str | None:
    """'full' for the commune's officer and chairman, 'partner' for an agency holding a task,
    'emergency' under an unexpired break-glass grant, else None."""
    communes = {case.commune_code, case.incident_commune_code, case.residence_commune_code}
    if user.role in COMMUNE_FULL_ROLES and user.commune_code in communes:
        return "full"
    if user.agency_id is not None and user.agency_id in agencies_involved(session, case.id):
        return "partner"
    if now is not None and session.execute(select(BreakGlass.id).where(
            BreakGlass.case_id == case.id, BreakGlass.user_id == user.id, BreakGlass.expires_at > now)).first():
        return "emergency"
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
