"""Who may do what in the web UI. Engine checks task ownership; this adds case-file scope and need-to-know.

What a role may see of a case is its procedure's rule (``Procedure.filter_data``, found by the case's
process): the web layer names no procedure.
"""

from __future__ import annotations

from engine import breakglass
from engine import lookups
from engine.models import Case
from workflows import registry
from workflows.procedure import CaseView

COMMUNE_FULL_ROLES = {"commune_officer", "commune_chairman"}


def can_intake(user, procedure=None) -> bool:
    """May open a case from a report: in ``procedure``, or in any installed one."""
    if procedure is not None:
        return procedure.intake is not None and user.role in procedure.intake.roles
    return bool(registry.intake_procedures(user.role))


BREAK_GLASS_ROLES = {"commune_officer", "commune_chairman", "provincial_health", "hotline", "commune_police"}
BREAK_GLASS_HOURS = 2


def case_scope(engine, user, case: Case, now=None) -> str | None:
    """'full' for the commune's officer and chairman, 'partner' for an agency holding a task,
    'emergency' under an unexpired break-glass grant, else None."""
    communes = {case.commune_code, case.incident_commune_code, case.residence_commune_code}
    if user.role in COMMUNE_FULL_ROLES and user.commune_code in communes:
        return "full"
    if user.agency_id is not None and user.agency_id in lookups.agencies_of_case(engine, case.id):
        return "partner"
    if breakglass.has_grant(engine, case.id, user.id):
        return "emergency"
    return None


def possible_duplicates(engine, user, case: Case) -> list[Case]:
    """Open cases with the same duplicate key that ``user`` may already see; the communes holding the others
    are told instead (a reference is the first step into a case, issue #18.2). Read after the case was
    committed: a failure here must not turn a recorded case into an error."""
    from sqlalchemy.exc import SQLAlchemyError

    from engine import duplicates

    try:
        others = engine.open_cases_with_key(case.dedup_key, exclude=case.id)
        visible = [c for c in others if case_scope(engine, user, c) is not None]
        duplicates.tell_owners(engine, case, [c for c in others if c not in visible])
    except SQLAlchemyError:
        return []
    return visible


def procedure_of(engine, case: Case):
    """The procedure a case belongs to (None for an ad-hoc process of policy staff)."""
    return registry.for_process(lookups.process_id_of(engine, case))


def case_view(engine, user, case: Case, scope: str | None = None) -> CaseView:
    """What the case's need-to-know may depend on beyond the role: whether the user's agency recorded its
    report, and which tasks the agency holds or held in it."""
    own = user.agency_id is not None and getattr(case, "intake_agency_id", None) == user.agency_id
    return CaseView(own_intake=own, tasks=lookups.tasks_of_agency(engine, case.id, user.agency_id), scope=scope)


def visible_data(engine, data: dict, user, case: Case, scope: str | None = None) -> dict:
    """The part of ``data`` the user's role needs to know on this case, by the rules of the case's procedure.
    Under emergency access (``scope == 'emergency'``) the procedure's sensitive fields (the reporter's
    identity) are never shown."""
    proc = procedure_of(engine, case)
    if proc is None:   # a process of policy staff's own: nothing of its data is shown outside the engine
        return {}
    shown = proc.filter_data(data, user.role, case_view(engine, user, case, scope))
    if scope == "emergency":
        shown = {k: v for k, v in shown.items() if k not in proc.sensitive_fields}
    return shown


def form_to_data(form, fields) -> dict:
    """Turn an HTML form post into typed data for the task's schema."""
    data: dict[str, object] = {}
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
