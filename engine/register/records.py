"""Writing the register: records, the case -> person link, relations, dated periods, consents.

Every write is one transaction and appends its audit event in it (``register.*`` actions, the person's id
in ``detail.person``). Nothing is ever merged silently: a case is linked to a person only by an explicit
call (an officer's decision), and a case already linked to someone else is refused unless ``move``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import Conflict
from engine.errors import NotFound
from engine.models import Case
from engine.register.fold import fold
from engine.register.fold import name_key
from engine.register.models import Person
from engine.register.models import PersonCase
from engine.register.models import PersonConsent
from engine.register.models import PersonNamePart
from engine.register.models import PersonPeriod
from engine.register.models import PersonRelation
from engine.register.search import parts_changed


@dataclass
class PersonFields:
    """What a record holds, as the procedure's register validated it."""

    full_name: str
    sex: str | None = None
    birth_date: dt.date | None = None
    birth_year: int | None = None
    birth_estimated: bool = False
    id_number: str | None = None
    residence_commune_code: str | None = None
    residence_detail: str | None = None
    other_names: list[str] = field(default_factory=list)
    attributes: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.birth_date is not None and self.birth_year is None:
            self.birth_year = self.birth_date.year


@dataclass
class RelationFields:
    full_name: str
    relationship: str
    phone: str | None = None
    address: str | None = None
    is_caregiver: bool = True


def _event(s: Session, now, actor: str, action: str, person_id: str, case_id: str | None = None, **detail) -> None:
    audit.append(s, now, actor, action, case_id=case_id, detail={"person": person_id, **detail})


def count_parts(s: Session, folded_names: list[str], delta: int = 1) -> None:
    """Keep ``person_name_parts`` (the search's syllable dictionary) in step with the names written."""
    counts: dict[str, int] = {}
    for name in folded_names:
        for part in set(name.split()):
            if len(part) <= 60:
                counts[part] = counts.get(part, 0) + delta
    if not counts:
        return
    known = set(s.execute(select(PersonNamePart.part).where(PersonNamePart.part.in_(sorted(counts)))).scalars())
    for part, n in counts.items():
        if part in known:
            s.execute(update(PersonNamePart).where(PersonNamePart.part == part).values(n=PersonNamePart.n + n))
        elif n > 0:
            s.add(PersonNamePart(part=part, n=n))
    s.flush()
    parts_changed()


def _apply(person: Person, fields: PersonFields) -> None:
    person.full_name = " ".join(fields.full_name.split())
    person.name_folded = fold(person.full_name)
    person.name_key = name_key(person.name_folded)
    person.other_names = [" ".join(n.split()) for n in fields.other_names if n and n.strip()]
    person.sex = fields.sex
    person.birth_date = fields.birth_date
    person.birth_year = fields.birth_year
    person.birth_estimated = bool(fields.birth_estimated and fields.birth_date is None)
    person.id_number = fields.id_number or None
    person.residence_commune_code = fields.residence_commune_code or None
    person.residence_detail = fields.residence_detail or None
    person.attributes = dict(fields.attributes or {})


def create_person(s: Session, now: dt.datetime, actor: str, province: str, fields: PersonFields,
                  relations: list[RelationFields] = (), case_id: str | None = None) -> Person:  # type: ignore[assignment]
    """A new record (and, with ``case_id``, the case linked to it as ``created``)."""
    person = Person(id=str(uuid.uuid4()), province_code=province, status="active", created_by=actor,
                    created_at=now, updated_at=now)
    _apply(person, fields)
    s.add(person)
    s.flush()
    for rel in relations:
        _add_relation(s, person.id, rel)
    count_parts(s, [person.name_folded] + [fold(r.full_name) for r in relations])
    if case_id is not None:
        _link(s, now, actor, person.id, case_id, "created", move=False)
    _event(s, now, actor, "register.create", person.id, case_id=case_id)
    return person


def update_person(s: Session, now: dt.datetime, actor: str, person_id: str, fields: PersonFields) -> Person:
    person = _live(s, person_id)
    before = {k: v for k, v in _snapshot(person).items()}
    old_name = person.name_folded
    _apply(person, fields)
    person.updated_at = now
    if before["residence_commune_code"] != person.residence_commune_code:   # the search's copy on the relations
        s.execute(update(PersonRelation).where(PersonRelation.person_id == person_id)
                  .values(residence_commune_code=person.residence_commune_code))
    if person.name_folded != old_name:
        count_parts(s, [old_name], -1)
        count_parts(s, [person.name_folded])
    changed = sorted(k for k, v in _snapshot(person).items() if before.get(k) != v)
    _event(s, now, actor, "register.update", person_id, fields=changed)
    return person


def _snapshot(person: Person) -> dict:
    return {k: getattr(person, k) for k in ("full_name", "other_names", "sex", "birth_date", "birth_year",
                                            "birth_estimated", "id_number", "residence_commune_code",
                                            "residence_detail", "attributes")}


def _live(s: Session, person_id: str) -> Person:
    person = s.get(Person, person_id, with_for_update=True)
    if person is None:
        raise NotFound(f"không tìm thấy hồ sơ trẻ / no such record: {person_id}")
    if person.status != "active":
        raise Conflict("hồ sơ đã được ẩn danh / the record was anonymised")
    return person


def _link(s: Session, now, actor: str, person_id: str, case_id: str, decision: str, move: bool) -> None:
    if s.get(Case, case_id) is None:
        raise NotFound(f"không tìm thấy hồ sơ vụ việc / no such case: {case_id}")
    current = s.get(PersonCase, case_id, with_for_update=True)
    if current is not None:
        if current.person_id == person_id:
            return
        if not move:
            raise Conflict("vụ việc đã gắn với một trẻ khác / the case is linked to another record")
        current.person_id, current.decision, current.decided_by, current.decided_at = person_id, "moved", actor, now
        return
    s.add(PersonCase(case_id=case_id, person_id=person_id, decision=decision, decided_by=actor, decided_at=now))
    s.flush()


def link_case(s: Session, now: dt.datetime, actor: str, person_id: str, case_id: str, move: bool = False) -> None:
    """The officer's decision that ``case_id`` is about ``person_id`` (``matched``; ``moved`` from another)."""
    _live(s, person_id)
    previous = s.execute(select(PersonCase.person_id).where(PersonCase.case_id == case_id)).scalar()
    _link(s, now, actor, person_id, case_id, "matched", move)
    s.get(Person, person_id).updated_at = now  # type: ignore[union-attr]
    _event(s, now, actor, "register.link", person_id, case_id=case_id,
           **({"moved_from": previous} if previous and previous != person_id else {}))


def _add_relation(s: Session, person_id: str, rel: RelationFields) -> PersonRelation:
    person = s.get(Person, person_id)
    row = PersonRelation(person_id=person_id, full_name=" ".join(rel.full_name.split()),
                         name_folded=fold(rel.full_name), relationship=rel.relationship, phone=rel.phone or None,
                         address=rel.address or None, is_caregiver=rel.is_caregiver,
                         province_code=person.province_code if person else None,
                         residence_commune_code=person.residence_commune_code if person else None)
    s.add(row)
    s.flush()
    return row


def add_relation(s: Session, now, actor: str, person_id: str, rel: RelationFields) -> PersonRelation:
    _live(s, person_id).updated_at = now
    row = _add_relation(s, person_id, rel)
    count_parts(s, [row.name_folded])
    _event(s, now, actor, "register.relation_add", person_id, relation=row.id, relationship=rel.relationship)
    return row


def remove_relation(s: Session, now, actor: str, person_id: str, relation_id: int) -> None:
    _live(s, person_id).updated_at = now
    row = s.get(PersonRelation, relation_id)
    if row is None or row.person_id != person_id:
        raise NotFound("không tìm thấy người chăm sóc / no such relation")
    count_parts(s, [row.name_folded], -1)
    s.delete(row)
    _event(s, now, actor, "register.relation_remove", person_id, relation=relation_id)


def add_period(s: Session, now, actor: str, person_id: str, kind: str, code: str, start: dt.date | None,
               end: dt.date | None, basis: str) -> PersonPeriod:
    """A dated membership (``kind``/``code`` are the procedure's); ``basis`` says on what it rests."""
    _live(s, person_id).updated_at = now
    if start and end and end < start:
        raise Conflict("ngày kết thúc trước ngày bắt đầu / the end is before the start")
    row = PersonPeriod(person_id=person_id, kind=kind, code=code, start_date=start, end_date=end, basis=basis,
                       recorded_by=actor, recorded_at=now)
    s.add(row)
    s.flush()
    _event(s, now, actor, "register.period_add", person_id, kind=kind, code=code, period=row.id)
    return row


def end_period(s: Session, now, actor: str, person_id: str, period_id: int, end: dt.date, basis: str) -> None:
    _live(s, person_id).updated_at = now
    row = s.get(PersonPeriod, period_id)
    if row is None or row.person_id != person_id:
        raise NotFound("không tìm thấy mục / no such period")
    if row.start_date and end < row.start_date:
        raise Conflict("ngày kết thúc trước ngày bắt đầu / the end is before the start")
    row.end_date = end
    row.basis = f"{row.basis}\n{basis}".strip() if basis else row.basis
    _event(s, now, actor, "register.period_end", person_id, kind=row.kind, code=row.code, period=row.id)


def add_consent(s: Session, now, actor: str, person_id: str, *, recipient: str, purpose: str, data_scope: str,
                given_by: str, given_on: dt.date, expires_on: dt.date | None = None,
                evidence: str | None = None) -> PersonConsent:
    _live(s, person_id)
    row = PersonConsent(person_id=person_id, recipient=recipient, purpose=purpose, data_scope=data_scope,
                        given_by=given_by, given_on=given_on, expires_on=expires_on, evidence=evidence,
                        recorded_by=actor, recorded_at=now)
    s.add(row)
    s.flush()
    _event(s, now, actor, "register.consent_add", person_id, consent=row.id, recipient=recipient)
    return row


def withdraw_consent(s: Session, now, actor: str, person_id: str, consent_id: int) -> None:
    row = s.get(PersonConsent, consent_id)
    if row is None or row.person_id != person_id:
        raise NotFound("không tìm thấy sự đồng ý / no such consent")
    if row.withdrawn_at is None:
        row.withdrawn_at, row.withdrawn_by = now, actor
    _event(s, now, actor, "register.consent_withdraw", person_id, consent=consent_id)


def valid_consents(s: Session, person_id: str, on: dt.date) -> list[PersonConsent]:
    """Consents in force on ``on`` (not withdrawn, not expired)."""
    rows = s.execute(select(PersonConsent).where(PersonConsent.person_id == person_id,
                                                 PersonConsent.withdrawn_at.is_(None))).scalars()
    return [r for r in rows if r.given_on <= on and (r.expires_on is None or r.expires_on >= on)]


def record_of(s: Session, person_id: str) -> dict:
    """The whole record as plain data: the person, relations, periods, consents and the linked cases."""
    person = s.get(Person, person_id)
    if person is None:
        raise NotFound(f"không tìm thấy hồ sơ trẻ / no such record: {person_id}")
    cases = s.execute(select(Case.id, Case.reference, Case.status, Case.received_at, Case.closed_at,
                             Case.commune_code, PersonCase.decision, PersonCase.decided_by, PersonCase.decided_at)
                      .join(PersonCase, PersonCase.case_id == Case.id)
                      .where(PersonCase.person_id == person_id).order_by(Case.received_at)).all()
    rel = s.execute(select(PersonRelation).where(PersonRelation.person_id == person_id)
                    .order_by(PersonRelation.id)).scalars()
    periods = s.execute(select(PersonPeriod).where(PersonPeriod.person_id == person_id)
                        .order_by(PersonPeriod.kind, PersonPeriod.start_date, PersonPeriod.id)).scalars()
    consents = s.execute(select(PersonConsent).where(PersonConsent.person_id == person_id)
                         .order_by(PersonConsent.id)).scalars()
    return {
        "person": {"id": person.id, "province": person.province_code, "status": person.status,
                   "created_at": person.created_at, "created_by": person.created_by,
                   "updated_at": person.updated_at, "anonymised_at": person.anonymised_at,
                   **_snapshot(person)},
        "relations": [{"id": r.id, "full_name": r.full_name, "relationship": r.relationship, "phone": r.phone,
                       "address": r.address, "is_caregiver": r.is_caregiver} for r in rel],
        "periods": [{"id": p.id, "kind": p.kind, "code": p.code, "start_date": p.start_date, "end_date": p.end_date,
                     "basis": p.basis, "recorded_by": p.recorded_by, "recorded_at": p.recorded_at} for p in periods],
        "consents": [{"id": c.id, "recipient": c.recipient, "purpose": c.purpose, "data_scope": c.data_scope,
                      "given_by": c.given_by, "given_on": c.given_on, "expires_on": c.expires_on,
                      "evidence": c.evidence, "recorded_by": c.recorded_by, "recorded_at": c.recorded_at,
                      "withdrawn_at": c.withdrawn_at, "withdrawn_by": c.withdrawn_by} for c in consents],
        "cases": [dict(row._mapping) for row in cases],
    }


def count_persons(s: Session, province: str | None = None) -> int:
    q = select(func.count()).select_from(Person)
    if province:
        q = q.where(Person.province_code == province)
    return int(s.execute(q).scalar() or 0)


__all__ = ["PersonFields", "RelationFields", "add_consent", "add_period", "add_relation", "asdict", "count_parts",
           "create_person", "end_period", "link_case", "record_of", "remove_relation", "update_person",
           "valid_consents", "withdraw_consent"]
