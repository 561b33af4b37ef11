"""What the case file shows beside its data: the next step (what, who, by when), the timeline by person and
agency, the notes and directives each agency wrote, the waiting time limits by name, emergency accesses, the
steps that may be reopened. Reads only (through ``engine.casefile``, ``engine.reopen``, ``engine.breakglass``).
"""

from __future__ import annotations

from engine import breakglass
from engine import casefile
from engine import lookups
from engine import reopen
from webui import access

REOPEN_ROLES = {"commune_chairman", "policy"}


def may_reopen(user, scope: str | None) -> bool:
    """The commune's chairman (full scope) or an operator (policy staff) may reopen a completed step."""
    return (user.role == "commune_chairman" and scope == "full") or user.role == "policy"


def context(engine, case, proc, scope: str | None, user) -> dict:
    steps = engine.steps(case.id)
    tasks = engine.open_tasks(case.id)
    grants = breakglass.grants_for_case(engine, case.id)
    reopened = reopen.reopenings(engine, case.id)
    people = casefile.people(engine, [s.user_name for s in steps] + [g.username for g in grants]
                             + [e.actor for e in reopened])
    agencies = casefile.agency_names(engine, [s.agency_id for s in steps] + [t.agency_id for t in tasks])
    claimers = casefile.user_names(engine, [t.claimed_by for t in tasks])
    names = _element_names(engine, case)
    deadlines = proc.config.deadlines if proc is not None else {}

    def person(username: str) -> str:
        full, agency = people.get(username, (username, ""))
        return f"{full} · {agency}" if agency else full

    next_steps = [{"task": t, "agency": agencies.get(t.agency_id, ""), "claimed_by": claimers.get(t.claimed_by),
                   "rule": deadlines.get(t.deadline_rule) if t.deadline_rule else None} for t in tasks]
    timeline = [{"step": s, "who": people.get(s.user_name, (s.user_name, ""))[0],
                 "agency": agencies.get(s.agency_id, "") if s.agency_id else people.get(s.user_name, ("", ""))[1]}
                for s in steps]
    return {"next_steps": next_steps, "timeline": timeline,
            "timers": [{"name": names.get(t.event_name) or "", "due_at": t.due_at}
                       for t in engine.waiting_timers(case.id)],
            "notes": _notes(engine, case, proc, scope, user, steps, timeline),
            "grants": [{"grant": g, "who": person(g.username)} for g in grants],
            "reopened": [{"event": e, "who": person(e.actor)} for e in reopened],
            "may_reopen": may_reopen(user, scope),
            "reopenable": reopen.reopenable(engine, case.id) if may_reopen(user, scope) else [],
            "commune_names": {c.code: c.name for c in lookups.communes(engine)},
            "attachments": _attachments(engine, case, scope, people),
            "may_attach": scope in ("full", "partner")}


def _attachments(engine, case, scope, people) -> list[dict]:
    from webui.attachments import visible

    rows = visible(engine, case.id, scope)
    more = casefile.people(engine, [a.uploaded_by for a in rows])
    return [{"file": a, "who": " · ".join(x for x in more.get(a.uploaded_by, (a.uploaded_by, "")) if x)} for a in rows]


def _element_names(engine, case) -> dict[str, str]:
    version = lookups.version_of(engine, case)
    return casefile.element_names(engine.loaded(version).bundle)


def _notes(engine, case, proc, scope, user, steps, timeline) -> list[dict]:
    """The written notes and directives of each completed step (free-text fields), as far as this role may
    see them, with who wrote them and for which agency."""
    if proc is None:
        return []
    entered = casefile.completed_data(engine, case.id)
    by_task = {row["step"].task_id: row for row in timeline}
    view = access.case_view(engine, user, case, scope)
    out = []
    for step in steps:
        data = entered.get(step.task_id)
        form = proc.form_of(step.task_name)
        if not data or form is None:
            continue
        shown = proc.filter_data(data, user.role, view)
        if scope == "emergency":
            shown = {k: v for k, v in shown.items() if k not in proc.sensitive_fields}
        items = [(f, shown[f.name]) for f in form.fields
                 if f.kind == "textarea" and isinstance(shown.get(f.name), str) and shown[f.name].strip()]
        if items:
            row = by_task[step.task_id]
            out.append({"step": step, "who": row["who"], "agency": row["agency"], "entries": items})
    return out
