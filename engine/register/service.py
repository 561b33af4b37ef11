"""The register's units of work as the web app and the CLI call them, each one transaction (audited in it).

The procedure's register object (``Procedure.register``) is passed in: it turns a report into a proposal
and scores candidates; the engine only stores and finds.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine import audit
from engine.errors import Conflict
from engine.models import Case
from engine.register import queries
from engine.register import records
from engine.register import retention
from engine.register.models import PersonPeriod
from engine.register.queries import Scope


def same_commune(s):
    """``(a, b) -> bool``: the two codes are one commune today (a merged commune is the one replacing it)."""
    cache: dict[str, str | None] = {}

    def canon(code):
        if code not in cache:
            cache[code] = queries.canonical_commune(s, code)
        return cache[code]

    return lambda a, b: bool(a and b and canon(a) == canon(b))


def proposals(engine, scope: Scope, case: Case, register) -> tuple:
    """(the proposal the case's report makes, [(person, score, reasons)] best first, the person already
    linked or None). Candidates are only records ``scope`` may see."""
    data = engine.case_data(case.id)
    proposal = register.proposal(data, case.reference, case.received_at)
    with engine.db.read() as s:
        linked = queries.person_of_case(s, case.id)
        same = same_commune(s)
        found = queries.candidates(s, scope, name=proposal.fields.full_name, id_number=proposal.fields.id_number)
        scored = []
        for person in found:
            points, reasons = register.score(person, proposal.fields, same)
            if points >= register.min_score:
                scored.append((person, points, reasons))
    scored.sort(key=lambda t: (-t[1], t[0].name_folded, t[0].id))
    return proposal, scored, linked


def decide(engine, actor: str, case: Case, proposal, person_id: str | None) -> str:
    """The officer's decision for a case: link it to ``person_id``, or (None) create a record from the
    proposal. The report's group joins the record unless it already runs there. Returns the person id."""
    now = engine.now()
    with engine.db.write() as s:
        if queries.person_of_case(s, case.id) is not None:
            raise Conflict("vụ việc đã được gắn với một trẻ / the case already has its record")
        if person_id is None:
            if not proposal.fields.full_name.strip():
                raise Conflict("báo cáo không có họ tên trẻ / the report names no child")
            person = records.create_person(s, now, actor, case.province_code, proposal.fields,
                                           proposal.relations, case_id=case.id)
            person_id = person.id
        else:
            records.link_case(s, now, actor, person_id, case.id)
        running = {(p.kind, p.code) for p in s.execute(select(PersonPeriod).where(
            PersonPeriod.person_id == person_id, PersonPeriod.end_date.is_(None))).scalars()}
        for kind, code, start, basis in proposal.periods:
            if (kind, code) not in running:
                records.add_period(s, now, actor, person_id, kind, code, start, None, basis)
    return person_id


def record(engine, actor: str, person_id: str, scope: str, action: str = "register.view") -> dict:
    """The whole record, its read audited (who, with which scope)."""
    with engine.db.write() as s:
        found = records.record_of(s, person_id)
        audit.append(s, engine.now(), actor, action, detail={"person": person_id, "scope": scope})
    return found


def export(engine, actor: str, person_id: str, requester: str, basis: str) -> dict:
    """One person's whole record for a lawful request (the requester and the legal basis in the audit)."""
    with engine.db.write() as s:
        found = records.record_of(s, person_id)
        audit.append(s, engine.now(), actor, "register.export",
                     detail={"person": person_id, "requester": requester, "basis": basis,
                             "cases": [c["reference"] for c in found["cases"]]})
    return {"exported_at": engine.now(), "exported_by": actor, "requester": requester, "basis": basis, **found}


def anonymise_due(engine, actor: str, province: str, default_years: int, dry_run: bool) -> tuple[int, list]:
    """(retention years, the records due); unless ``dry_run`` they are anonymised, one audit event each (and
    one for a dry run, naming how many were listed)."""
    now = engine.now()
    with engine.db.write() as s:
        years = retention.retention_years(s, province, default_years)
        found = retention.due(s, province, now, years)
        if dry_run:
            audit.append(s, now, actor, "register.anonymise_dry_run",
                         detail={"province": province, "years": years, "due": len(found)})
            return years, found
        reason = f"hết thời hạn lưu trữ {years} năm / retention of {years} years ended"
        for d in found:
            retention.anonymise(s, now, actor, d.person_id, reason)
    return years, found


def set_retention(engine, actor: str, province: str, years: int) -> None:
    with engine.db.write() as s:
        retention.set_retention_years(s, engine.now(), actor, province, years)


def retention_of(engine, province: str, default: int) -> int:
    """The years after a record closed before it is anonymised (the province's setting, else ``default``)."""
    with engine.db.read() as s:
        return retention.retention_years(s, province, default)


def today(engine) -> dt.date:
    return engine.now().date()
