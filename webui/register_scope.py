"""Who may see which records of a register: need-to-know as for cases (``webui.access.case_scope``).

- the commune's officer and chairman: the records of children living in their commune (merged communes
  included) or linked to a case their commune holds, where it happened or where the child lives (``full``;
  only the officer writes);
- the register's provincial readers (``register.province_roles``): the province's records (``province``);
- anyone else: a record one of whose cases they may see (``partner`` or ``emergency``, as on that case).
The web layer names no procedure: the register is the one of the procedure that keeps one.
"""

from __future__ import annotations

from engine.register import queries
from engine.register.queries import Scope
from webui.access import COMMUNE_FULL_ROLES
from webui.access import case_scope
from workflows import registry


def registers() -> list:
    """(procedure, register) of the installed procedures that keep a register."""
    return [(p, p.register) for p in registry.procedures() if p.register is not None]


def register_for_case(engine, case):
    from webui.access import procedure_of

    proc = procedure_of(engine, case)
    return proc.register if proc is not None else None


def main_register():
    found = registers()
    return found[0][1] if found else None


def process_ids() -> set[str]:
    return {pid for proc, _ in registers() for pid in proc.process_ids}


def is_province_reader(user) -> bool:
    return any(user.role in reg.province_roles for _, reg in registers())


def may_use_register(user) -> bool:
    return bool(registers()) and (user.role in COMMUNE_FULL_ROLES or is_province_reader(user))


def user_scope(engine, user) -> Scope | None:
    """The records ``user`` may find in the list and the search (None: the register is not theirs)."""
    if not user.province_code:
        return None
    if user.role in COMMUNE_FULL_ROLES and user.commune_code:
        with engine.db.read() as s:
            communes = queries.served_communes(s, user.commune_code)
        return Scope(user.province_code, communes, user.agency_id)
    if is_province_reader(user):
        return Scope(user.province_code, None)
    return None


def person_scope(engine, user, person) -> str | None:
    """``full``, ``province``, ``partner``, ``emergency`` or None for this record."""
    if person.province_code != user.province_code:
        return None
    with engine.db.read() as s:
        cases = queries.cases_of_person(s, person.id)
        communes = queries.served_communes(s, user.commune_code) if user.commune_code else frozenset()
    if user.role in COMMUNE_FULL_ROLES and communes:
        if person.residence_commune_code in communes or any(
                {c.commune_code, c.incident_commune_code, c.residence_commune_code} & communes for c in cases):
            return "full"
    if is_province_reader(user):
        return "province"
    best = None
    for case in cases:
        scope = case_scope(engine, user, case)
        if scope == "full":
            return "full"
        if scope is not None:
            best = scope if best is None or best == "emergency" else best
    return best


def may_write(user, scope: str | None) -> bool:
    return scope == "full" and user.role == "commune_officer"
